"""The answer in domain terms: who does which task when, how good it is, and whether it holds.

A Plan names tasks and people by id and times as UTC datetimes; `for_person` gives one person's
assignments in their local time. It is plain data (JSON round-trip) so that apps can store it and
`allocate.check` can verify a hand-edited one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from allocate.scenario import AwareDatetime, Frozen, GridMinutes

if TYPE_CHECKING:
    import pandas as pd

    from allocate.diff import PlanDiff
    from allocate.scenario import Scenario

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


class Assignment(Frozen):
    """`people` work on `task` from `start` until `end`, pausing outside their working time."""

    task: str
    people: tuple[str, ...] = ()
    start: AwareDatetime
    end: AwareDatetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def local(self, timezone: str) -> Assignment:
        zone = ZoneInfo(timezone)
        return self.model_copy(
            update={"start": self.start.astimezone(zone), "end": self.end.astimezone(zone)}
        )


class Unplaced(Frozen):
    task: str
    reason: str


class Conflict(Frozen):
    """Hard inputs that cannot all hold at once (see `allocate.conflicts`), named by id."""

    message: str
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


class Lateness(Frozen):
    """A missed deadline of a task or project, and why (see `allocate.explain`).

    `late_hours` is elapsed time from the deadline to the planned end; `late_working_hours` the
    organisation calendar's working hours in that span (`Scenario.calendar`)."""

    kind: Literal["task", "project"]
    id: str
    late_hours: float
    reason: str
    late_working_hours: float | None = None

    def __str__(self) -> str:
        late = late_by(self.late_hours, self.late_working_hours)
        return f"{self.kind} '{self.id}' is {late}: {self.reason}"


def late_by(hours: float, working_hours: float | None = None) -> str:
    """'6.1 days late (41 working h)': elapsed time in 24-hour days (hours below a day), and the
    working hours of the organisation calendar in it, where known."""
    elapsed = f"{hours:,.0f} h" if hours < 24 else f"{hours / 24:,.1f} days"
    working = "" if working_hours is None else f" ({working_hours:,.0f} working h)"
    return f"{elapsed} late{working}"


class Violation(Frozen):
    """One broken rule, in words a planner can act on. `rule` names the checker rule."""

    rule: str
    message: str
    tasks: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class ProjectSummary(Frozen):
    """A project's planned finish against its deadline, and its money: what its work costs
    (hours × rates), the hours already spent (`spent_cost`, from the tasks' actuals) plus the
    work still planned (`planned_cost`), against its budget, and the margin on its value."""

    id: str
    finish: AwareDatetime | None = None
    """When the last placed task of the project ends (None: nothing placed)."""
    deadline: AwareDatetime | None = None
    late_hours: float = 0.0
    """Elapsed hours from the deadline to `finish`."""
    late_working_hours: float = 0.0
    """The organisation calendar's working hours in that span."""
    unplaced: int = 0
    """Tasks of the project the plan could not place: `finish` is then only the placed part's."""
    cost: float = 0.0
    """Spent + planned: what the whole project costs, compared with `budget` and `value`."""
    spent_cost: float = 0.0
    """The hours already spent (`Task.progress`) at the rates of the people who spent them."""
    planned_cost: float = 0.0
    """The work still to do, as planned (the objective's `cost` term counts this part)."""
    budget: float | None = None
    value: float | None = None

    @property
    def on_time(self) -> bool:
        """Finishes by its deadline, with all of its mandatory work placed."""
        return self.late_hours <= 0 and not self.unplaced

    @property
    def over_budget(self) -> float:
        """How much the cost (spent + planned) exceeds the budget (0 when within it or without
        one)."""
        return max(0.0, self.cost - self.budget) if self.budget is not None else 0.0

    @property
    def margin(self) -> float | None:
        """Value minus cost (spent + planned)."""
        return self.value - self.cost if self.value is not None else None


class WeekHours(Frozen):
    """Hours booked on tasks and hours the person could work in their local week that starts on
    Monday `start` (from the planning start on)."""

    start: date
    booked_hours: float
    available_hours: float = 0.0

    @property
    def utilisation(self) -> float | None:
        """Booked over available hours; None in a week they cannot work at all."""
        return self.booked_hours / self.available_hours if self.available_hours else None


class PersonSummary(Frozen):
    """Booked hours against the hours the person could work between the planning start and the
    plan's end (so part-timers and people on leave are judged by their own availability), in total
    and per local week (`weeks`, Monday to Monday in their own zone) up to the plan's finish."""

    id: str
    timezone: str = "UTC"
    booked_hours: float = 0.0
    available_hours: float = 0.0
    """Hours they could work from the planning start to the plan's finish."""
    tasks: int = 0
    max_hours_per_week: float | None = None
    weeks: tuple[WeekHours, ...] = ()
    balance_available_hours: float = 0.0
    """Hours they could work in the balance window (the planning start to `Plan.balance_until`),
    the window of the `peak_utilisation` objective term."""
    spent_hours: float = 0.0
    """Hours they have recorded on tasks before the planning start (`Task.progress`): the past,
    which `booked_hours` (the plan, from the planning start on) does not count."""
    past_available_hours: float = 0.0
    """Hours they could work in the recorded past: from the earliest `Progress.started` of the
    scenario to the planning start."""

    @property
    def utilisation(self) -> float:
        """Booked over available hours up to the plan's finish."""
        return self.booked_hours / self.available_hours if self.available_hours else 0.0

    @property
    def balance_utilisation(self) -> float | None:
        """Booked over available hours in the balance window: the `peak_utilisation` term is the
        highest of these (in percent); None when they cannot work in it."""
        if not self.balance_available_hours:
            return None
        return self.booked_hours / self.balance_available_hours

    @property
    def past_utilisation(self) -> float | None:
        """Spent over available hours in the recorded past; None when there is none."""
        if not self.past_available_hours:
            return None
        return self.spent_hours / self.past_available_hours


class SolveStats(Frozen):
    """How the plan was made: the strategy, the time it took, and the settings that make a run
    repeatable (with `deterministic`, the same scenario, seed and workers give the same plan)."""

    strategy: str = ""
    wall_seconds: float = 0.0
    build_seconds: float = 0.0
    first_plan_seconds: float | None = None
    solutions: int = 0
    time_limit: float | None = None
    seed: int = 0
    workers: int | None = None
    """As asked of `solve()`; None: the strategy's default."""
    deterministic: bool = False
    stopped: str | None = None
    """Why the solve ended before its time limit: "asked to stop" (the caller's `stop`) or
    "interrupted (Ctrl-C)"; the plan is then the best found by that moment. None: it ran its
    course."""
    detail: dict[str, float | int | str] = Field(default_factory=dict)


class Plan(Frozen):
    """The answer to a scenario: who does which task when, how good that is, and whether it holds.

    `assignments` name tasks and people by id, with aware datetimes; what could not be placed is
    in `unplaced` (with why), optional work left out in `left_out`, contradicting inputs in
    `conflicts`, missed deadlines with their reasons in `late`. `objective` gives each term in
    its own unit, `level_bounds` and `gap` how far from the best possible plan it can be at
    most, `projects` and `people` the summaries a planner reads. `status` is "optimal",
    "feasible", "infeasible" or "unknown"; a plan returned by `solve()` has been checked by
    `allocate.check`, and `violations` lists what the checker found (nothing, for a feasible
    plan). Plain data: it round-trips through JSON, and `check` verifies a hand-edited one.
    """

    status: Status
    scenario: str = ""
    resolution_minutes: GridMinutes = 60
    assignments: tuple[Assignment, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    left_out: tuple[Unplaced, ...] = ()
    """Optional tasks the plan leaves out, each with why."""
    conflicts: tuple[Conflict, ...] = ()
    """When no plan can keep every rule: small sets of inputs that contradict each other."""
    late: tuple[Lateness, ...] = ()
    """Every missed deadline with its reason: unavoidable (the chain of work is too long) or lost
    to people being busy or away."""
    objective: dict[str, float] = Field(default_factory=dict)
    """Each objective term's value, in its own unit (hours for lateness and makespan)."""
    level_bounds: tuple[float, ...] = ()
    """A proven lower bound on each lexicographic level of the objective, where known."""
    gap: float | None = None
    """(value - bound) / value on the first objective level not proven optimal: the best
    possible plan is at most this share lower on that level."""
    gap_terms: tuple[str, ...] = ()
    """The terms of the level the gap is on."""
    balance_until: AwareDatetime | None = None
    """End of the window over which utilisation is balanced (`Scenario.balance_until`, by
    default the latest deadline); `PersonSummary.balance_utilisation` is measured to it."""
    projects: tuple[ProjectSummary, ...] = ()
    people: tuple[PersonSummary, ...] = ()
    violations: tuple[Violation, ...] = ()
    stats: SolveStats = Field(default_factory=SolveStats)

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "feasible")

    def assignment(self, task_id: str) -> Assignment:
        for assignment in self.assignments:
            if assignment.task == task_id:
                return assignment
        raise KeyError(task_id)

    def for_person(self, person_id: str) -> list[Assignment]:
        """The person's assignments in time order, in their local time zone."""
        zone = next((p.timezone for p in self.people if p.id == person_id), "UTC")
        mine = [a.local(zone) for a in self.assignments if person_id in a.people]
        return sorted(mine, key=lambda a: a.start)

    @property
    def finish(self) -> datetime | None:
        return max((a.end for a in self.assignments), default=None)

    def __str__(self) -> str:
        from allocate.report import summary

        return summary(self)

    def _repr_html_(self) -> str:
        from allocate.report.notebook import plan_html

        return plan_html(self)

    def diff(self, other: Plan, scenario: Scenario | None = None) -> PlanDiff:
        """What changed from `other` (an earlier plan, or another what-if) to this plan: tasks
        reassigned, moved, added, done, removed or left out; each project's finish, lateness
        and cost; each person's booked hours per week. With `scenario` (the one this plan was
        made for), moves are also counted in working hours of its organisation calendar, and
        the part of a move that passing time forced (a start now in the past) is not counted.
        See `allocate.diff`."""
        from allocate.diff import plan_diff

        return plan_diff(self, other, scenario)

    def to_dataframe(self, scenario: Scenario | None = None) -> pd.DataFrame:
        """One row per assignment (pandas, `allocate[views]`): with the scenario, task names,
        projects, hours, deadlines and lateness too; see `allocate.report.assignments_table`."""
        from allocate.report.tables import assignments_table

        return assignments_table(scenario, self)
