"""What changed between two plans, in the terms a planner checks after a re-plan or a what-if:
which tasks went to someone else or moved (by how much, elapsed and in working hours), which are
new, gone or left out; each project's finish, lateness and cost; each person's load per week.

`Plan.diff(other)` makes one (`new.diff(old)`: what changed from `old` to `new`). With the
scenario of the new plan, moves are also counted in working hours of the organisation calendar,
tasks gone because they are done since are told apart from tasks gone from the scenario, and a
task the earlier plan had begun before the new planning start is compared by its end and people
only (its start is history, or overdue; an end planned before the planning start counts from
it): time, not the re-plan, moved those.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Literal

from allocate.calendar import working_intervals
from allocate.plan import Assignment, Plan
from allocate.scenario import Frozen, Scenario, hours
from allocate.summaries import working_hours

if TYPE_CHECKING:
    import pandas as pd

ChangeKind = Literal["changed", "added", "placed", "removed", "done", "left out", "not placed"]
EPSILON = 1e-9


class TaskChange(Frozen):
    """How one task differs: `before` and `after` are its assignments in the two plans (None
    where a plan does not place it).

    `kind`: `changed` (in both, with other people or times), `added` (new in the scenario),
    `placed` (was not placed before), `removed` (gone from the scenario), `done` (done since),
    `left out` (optional work placed before, left out now), `not placed` (placed before, and
    now the plan cannot place it: see its `unplaced` reason). Moves are signed, later
    positive: elapsed hours, and working hours of the organisation calendar when the diff knew
    the scenario."""

    task: str
    kind: ChangeKind
    before: Assignment | None = None
    after: Assignment | None = None
    start_moved_hours: float = 0.0
    end_moved_hours: float = 0.0
    start_moved_working_hours: float | None = None
    end_moved_working_hours: float | None = None

    @property
    def reassigned(self) -> bool:
        """In both plans, with other people."""
        return (
            self.before is not None
            and self.after is not None
            and sorted(self.before.people) != sorted(self.after.people)
        )

    @property
    def moved(self) -> bool:
        """In both plans, starting or ending at another time."""
        return abs(self.start_moved_hours) > EPSILON or abs(self.end_moved_hours) > EPSILON

    @property
    def start_moved_days(self) -> float:
        """The start's move in 24-hour days."""
        return self.start_moved_hours / 24

    def __str__(self) -> str:
        from allocate.report.diff import change_text

        return change_text(self)


class ProjectChange(Frozen):
    """A project's finish, lateness and cost (spent + planned) in the two plans."""

    id: str
    finish_before: datetime | None = None
    finish_after: datetime | None = None
    late_hours_before: float = 0.0
    late_hours_after: float = 0.0
    cost_before: float = 0.0
    cost_after: float = 0.0

    @property
    def finish_moved_hours(self) -> float | None:
        """Elapsed hours the finish moved, later positive (None unless both plans finish it)."""
        if self.finish_before is None or self.finish_after is None:
            return None
        return hours(self.finish_after - self.finish_before)

    @property
    def late_delta(self) -> float:
        return self.late_hours_after - self.late_hours_before

    @property
    def cost_delta(self) -> float:
        return self.cost_after - self.cost_before

    @property
    def changed(self) -> bool:
        """Does its finish, lateness or cost differ?"""
        moved = self.finish_before != self.finish_after
        return moved or abs(self.late_delta) > EPSILON or abs(self.cost_delta) > EPSILON


class WeekChange(Frozen):
    """A person's booked hours in one local week (starting Monday `week`) in the two plans."""

    person: str
    week: date
    hours_before: float = 0.0
    hours_after: float = 0.0

    @property
    def delta(self) -> float:
        return self.hours_after - self.hours_before


class PlanDiff(Frozen):
    """What changed from one plan (`before`) to another (`after`); see the module docstring.

    `tasks` holds only the tasks that differ; `projects` every project of either plan;
    `weeks` the (person, week) pairs whose booked hours differ. `compared` counts the tasks both
    plans place: the base of the shares (`reassigned_share`)."""

    before: str = ""
    after: str = ""
    tasks: tuple[TaskChange, ...] = ()
    projects: tuple[ProjectChange, ...] = ()
    weeks: tuple[WeekChange, ...] = ()
    compared: int = 0
    working_hours: bool = False
    """Whether moves are also counted in working hours (the diff knew the scenario)."""

    def of(self, kind: ChangeKind) -> list[TaskChange]:
        return [change for change in self.tasks if change.kind == kind]

    @property
    def reassigned(self) -> list[TaskChange]:
        return [change for change in self.tasks if change.reassigned]

    @property
    def moved(self) -> list[TaskChange]:
        return [change for change in self.tasks if change.moved]

    @property
    def reassigned_share(self) -> float:
        """Reassigned tasks over the tasks both plans place (0 when there are none)."""
        return len(self.reassigned) / self.compared if self.compared else 0.0

    @property
    def moved_share(self) -> float:
        return len(self.moved) / self.compared if self.compared else 0.0

    def __bool__(self) -> bool:
        """True when anything changed."""
        return bool(self.tasks) or any(p.changed for p in self.projects) or bool(self.weeks)

    def __str__(self) -> str:
        from allocate.report.diff import diff_text

        return diff_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.diff import diff_html

        return diff_html(self)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per changed task (pandas, `allocate[views]`): kind, people and times before
        and after, the moves, reassigned."""
        from allocate.report.diff import diff_table

        return diff_table(self)

    def to_html(self, title: str = "What changed") -> str:
        """A self-contained HTML page: the summary, projects, people's weeks, and two Gantt bars
        (before, after) per changed task."""
        from allocate.report.diff import diff_page

        return diff_page(self, title)


def plan_diff(after: Plan, before: Plan, scenario: Scenario | None = None) -> PlanDiff:
    """What changed from `before` to `after`; `scenario` is the one `after` was made for."""
    old = {a.task: a for a in before.assignments}
    new = {a.task: a for a in after.assignments}
    known = {
        "before": old.keys() | {u.task for u in (*before.unplaced, *before.left_out)},
        "left out": {u.task for u in after.left_out},
        "not placed": {u.task for u in after.unplaced},
    }
    changes = []
    for task in [*old, *(t for t in new if t not in old)]:
        kind = _kind(task, old.get(task), new.get(task), known, scenario)
        if kind is not None:
            changes.append(_change(task, kind, old.get(task), new.get(task), scenario))
    return PlanDiff(
        before=before.scenario,
        after=after.scenario,
        tasks=tuple(changes),
        projects=tuple(_projects(before, after)),
        weeks=tuple(_weeks(before, after, scenario)),
        compared=len(old.keys() & new.keys()),
        working_hours=scenario is not None,
    )


def _kind(
    task: str,
    before: Assignment | None,
    after: Assignment | None,
    known: dict[str, set[str]],
    scenario: Scenario | None,
) -> ChangeKind | None:
    """How `task` changed (None: it did not)."""
    if before is not None and after is not None:
        same_people = sorted(before.people) == sorted(after.people)
        start, end = _reference(before, after, scenario)
        same_times = (start, end) == (after.start, after.end)
        return None if same_people and same_times else "changed"
    if after is not None:
        return "placed" if task in known["before"] else "added"
    if task in known["left out"]:
        return "left out"
    if task in known["not placed"]:
        return "not placed"
    if scenario is not None and task in scenario._tasks_by_id and scenario.task(task).done:
        return "done"
    return "removed"


def _change(
    task: str,
    kind: ChangeKind,
    before: Assignment | None,
    after: Assignment | None,
    scenario: Scenario | None,
) -> TaskChange:
    if before is None or after is None:
        return TaskChange(task=task, kind=kind, before=before, after=after)
    start, end = _reference(before, after, scenario)
    return TaskChange(
        task=task,
        kind=kind,
        before=before,
        after=after,
        start_moved_hours=hours(after.start - start),
        end_moved_hours=hours(after.end - end),
        start_moved_working_hours=_working(scenario, start, after.start),
        end_moved_working_hours=_working(scenario, end, after.end),
    )


def _reference(
    before: Assignment, after: Assignment, scenario: Scenario | None
) -> tuple[datetime, datetime]:
    """The start and end a task's moves count from: its earlier ones, except that a task the
    earlier plan had begun before the planning start of `scenario` is compared by its end only
    (its start is history, or overdue), and an end planned before the planning start counts from
    the planning start: time, not the re-plan, moved those."""
    if scenario is None or before.start >= scenario.start:
        return before.start, before.end
    return after.start, max(before.end, scenario.start)


def _working(scenario: Scenario | None, start: datetime, end: datetime) -> float | None:
    if scenario is None:
        return None
    if end >= start:
        return working_hours(scenario, start, end)
    return -working_hours(scenario, end, start)


def _projects(before: Plan, after: Plan):
    old = {p.id: p for p in before.projects}
    new = {p.id: p for p in after.projects}
    for project in [*old, *(p for p in new if p not in old)]:
        a, b = old.get(project), new.get(project)
        yield ProjectChange(
            id=project,
            finish_before=a.finish if a else None,
            finish_after=b.finish if b else None,
            late_hours_before=a.late_hours if a else 0.0,
            late_hours_after=b.late_hours if b else 0.0,
            cost_before=a.cost if a else 0.0,
            cost_after=b.cost if b else 0.0,
        )


def _weeks(before: Plan, after: Plan, scenario: Scenario | None):
    """Booked hours per (person, local week) that differ between the plans (each plan's own
    weekly figures, `PersonSummary.weeks`). With the scenario, a week that had begun for the
    person before the new planning start (some of their working time in it has passed) is not
    compared: the earlier plan counts hours there that are now the past."""
    weeks: dict[tuple[str, date], list[float]] = {}
    for side, plan in enumerate((before, after)):
        for person in plan.people:
            for week in person.weeks:
                weeks.setdefault((person.id, week.start), [0.0, 0.0])[side] += week.booked_hours
    for (person, week), (old, new) in sorted(weeks.items()):
        if abs(new - old) > EPSILON and not _begun(scenario, person, week):
            yield WeekChange(person=person, week=week, hours_before=old, hours_after=new)


def _begun(scenario: Scenario | None, person: str, week: date) -> bool:
    """Had `person`'s local week of Monday `week` begun (any of their working time in it) by the
    planning start of `scenario`?"""
    if scenario is None or person not in scenario._people_by_id:
        return False
    calendar = scenario.person(person).calendar
    monday = datetime.combine(week, time(), calendar.zone)
    if monday >= scenario.start:
        return False
    return bool(working_intervals(calendar, monday, scenario.start))
