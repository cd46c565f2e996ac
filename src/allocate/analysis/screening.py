"""Screening a request by insertion: for each person who can do it, the request squeezed into
their sequence of work (`insertion.py`), the rest of the plan kept and pushed only as far as it
must go, and the option that gives told in a planner's words (`Option.reasons`). Milliseconds
per person; `recommend` re-plans the best exactly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from allocate.analysis import effects as effects_of
from allocate.analysis.effects import Effects
from allocate.analysis.fit import Fit, fit_of
from allocate.analysis.insertion import Kept, best_placement, place_free, sequences
from allocate.calendar import absence_interval
from allocate.diff import PlanDiff
from allocate.on_grid import on_grid
from allocate.plan import Plan
from allocate.problem import NONE, Problem
from allocate.scenario import Calendar, Frozen, Person, Task
from allocate.schedule import Schedule, earliest_times, topological_order
from allocate.terms import level_values

SHOWN = 3
"""Tasks, delays and slips named in a reason before '(+n more)'."""


class Option(Frozen):
    """`person` takes `tasks` of the request (all they can do of it): when it starts and
    finishes, how late it is (elapsed hours past its deadline or its project's), what its work
    costs at their rate, what it does to the rest of the plan (`effects`), and the objective
    levels of the whole plan with it. `exact`: re-planned and checked (`plan`), else estimated
    by insertion; an exact option's `plan` passed the checker against the current plan and
    `diff` says what it changes there."""

    person: str
    tasks: tuple[str, ...]
    start: datetime
    finish: datetime
    deadline: datetime | None = None
    late_hours: float = 0.0
    hours: float = 0.0
    """Their hours of work on it."""
    cost: float = 0.0
    effects: Effects = Effects()
    levels: tuple[float, ...] = ()
    exact: bool = False
    fit: Fit = Fit()
    reasons: tuple[str, ...] = ()
    plan: Plan | None = None
    """The re-plan with the request pinned to `person` (exact options only)."""
    diff: PlanDiff | None = None
    """What the re-plan changes in the current plan (exact options only)."""

    def __str__(self) -> str:
        how = "" if self.exact else " (estimate)"
        return f"{self.person}{how}: " + "; ".join(self.reasons)


class Excluded(Frozen):
    """Someone who cannot take the request, and why."""

    person: str
    reason: str

    def __str__(self) -> str:
        return f"{self.person}: {self.reason}"


class Screen:
    """Everything the screening of one request shares: the plan on the compiled problem of the
    scenario with the request, the request's compiled tasks, and how reasons are worded."""

    def __init__(self, scenario, plan, problem: Problem, tasks, zone: str, reference):
        self.scenario, self.plan, self.problem, self.zone = scenario, plan, problem, zone
        self.tasks = tasks
        self.ids = ids = {t.id for t in tasks}
        self.request = [i for i, t in enumerate(problem.task_ids) if t in ids]
        request = set(self.request)
        self.leaders = [
            i for i in topological_order(problem) if i in request and problem.team(i)[0] == i
        ]
        self.kept = Kept(problem, on_grid_schedule(problem, plan))
        self.reference = reference

    def screen(self) -> tuple[list[Option], list[Excluded]]:
        options, excluded = [], []
        for p, person in enumerate(self.scenario.people):
            mine = [t for t in self.leaders if self.can_do(t, p)]
            if not mine:
                excluded.append(Excluded(person=person.id, reason=unqualified(person, self.tasks)))
                continue
            schedule = self.insert(p, mine)
            if schedule is None:
                excluded.append(Excluded(person=person.id, reason=self.no_room(p, mine)))
                continue
            options.append(self.option(p, mine, schedule, exact=False))
        return options, excluded

    def can_do(self, task: int, person: int) -> bool:
        return any(person in self.problem.eligible[slot] for slot in self.problem.team(task))

    def insert(self, person: int, mine: list[int]) -> Schedule | None:
        """The request placed by insertion: `person` on `mine`, the rest of it in free time."""
        problem, kept = self.problem, self.kept
        schedule, order = kept.schedule, kept.order
        for task in self.leaders:
            single = problem.staffed[task] and len(problem.team(task)) == 1
            if task in mine and single:
                best = best_placement(kept, schedule, order, task, person)
                schedule = best.schedule if best is not None else None
            else:
                schedule = place_free(kept, schedule, task, person if task in mine else None)
            if schedule is None:
                return None
            if task != self.leaders[-1]:
                order = sequences(problem, schedule)
        return schedule

    def option(
        self,
        person: int,
        mine: list[int],
        schedule: Schedule,
        exact: bool,
        plan: Plan | None = None,
        before: Schedule | None = None,
    ) -> Option:
        """`person` taking `mine` with the request placed as in `schedule`, its effects
        counted against `before` (default: the current plan)."""
        problem, scenario = self.problem, self.scenario
        request = set(self.request)
        found = effects_of.effects(
            problem,
            self.kept.schedule if before is None else before,
            schedule,
            request,
            tuple(p.id for p in scenario.projects),
        )
        placed = [t for t in self.request if schedule.start[t] != NONE]
        start = min(int(schedule.start[t]) for t in placed)
        finish = max(int(schedule.end[t]) for t in placed)
        who = scenario.people[person]
        mine_ids = tuple(problem.task_ids[t] for t in mine)
        hours = sum(
            float(problem.effort[slot]) * problem.hours_per_tick
            for t in mine
            for slot in problem.team(t)
            if schedule.person[slot] == person
        )
        late, deadline = self.lateness(schedule)
        fit = self.fit(who, mine)
        option = Option(
            person=who.id,
            tasks=mine_ids,
            start=problem.grid.time(start),
            finish=problem.grid.time(finish),
            deadline=deadline,
            late_hours=late,
            hours=hours,
            cost=round(hours * (who.hourly_rate or 0), 2),
            effects=found,
            levels=level_values(problem, schedule.end, schedule.person),
            exact=exact,
            fit=fit,
            plan=plan,
        )
        waited = self.waited(person, mine[0], int(schedule.start[mine[0]]))
        return option.model_copy(update={"reasons": tuple(self.reasons(option, waited))})

    def lateness(self, schedule: Schedule) -> tuple[float, datetime | None]:
        """The request's own elapsed hours late (its tasks' deadlines, and its project's counted
        on its own tasks) and its earliest deadline."""
        problem, request = self.problem, set(self.request)
        late, deadline = 0.0, None
        for due in problem.dues:
            ours = [t for t in due.tasks if t in request and schedule.end[t] != NONE]
            if not ours:
                continue
            end = max(int(schedule.end[t]) for t in ours)
            late = max(late, max(0, end - due.tick) * problem.hours_per_tick)
            moment = problem.grid.time(due.tick)
            deadline = moment if deadline is None else min(deadline, moment)
        return late, deadline

    def fit(self, person: Person, mine: list[int]) -> Fit:
        ids = [self.problem.task_ids[i] for i in mine]
        return fit_of(self.scenario, self.plan, self.tasks, person, ids, self.reference)

    def waited(self, person: int, task: int, start: int) -> str | None:
        """Why `task` starts after its release and predecessors allow on `person`: their time
        off, or the work they are booked on (None when neither; the rest is their hours)."""
        problem = self.problem
        lo, _ = earliest_times(problem, self.kept.schedule, task)
        if start <= lo:
            return None
        who = self.scenario.people[person]
        since, until = problem.grid.time(lo), problem.grid.time(start)
        for off in who.calendar.time_off:
            begin, end = absence_interval(off, who.calendar.zone)
            if begin < until and end > since:
                why = f" ({off.reason})" if off.reason else ""
                return f"{who.id} is on time off{why} until {self.day(end - timedelta(hours=12))}"
        base = self.kept.schedule
        busy = [
            i
            for i in range(problem.n_tasks)
            if base.person[i] == person and base.start[i] < start and base.end[i] > lo
        ]
        if not busy:
            return None
        names = ", ".join(f"'{problem.task_ids[i]}'" for i in busy[:SHOWN])
        more = f" and {len(busy) - SHOWN} more" if len(busy) > SHOWN else ""
        return f"{who.id} is busy with {names}{more} until {self.moment(until)}"

    def no_room(self, person: int, mine: list[int]) -> str:
        name = self.scenario.people[person].id
        end = self.problem.grid.time(self.problem.horizon)
        return (
            f"{name} has no working time for it before the planning horizon ends ({self.day(end)})"
        )

    def reasons(self, option: Option, waited: str | None) -> Iterator[str]:
        when = f"finishes {self.moment(option.finish)}"
        if option.deadline is not None:
            spare = (option.deadline - option.finish).total_seconds() / 3600
            when += (
                f", {_span(-spare)} after its deadline"
                if option.late_hours > 0
                else f", {_span(spare)} before its deadline"
            )
        yield when
        if waited:
            yield waited
        yield effects_sentence(option.effects)
        rate = self.scenario.person(option.person).hourly_rate
        yield f"costs {option.cost:,.0f}" + (
            f" ({option.hours:,.0f} h at {rate:,.0f} an hour)" if rate else " (no rate given)"
        )
        fit = option.fit
        if fit.continuity:
            yield from fit.continuity
        if fit.overlap_hours is not None:
            yield f"{fit.overlap_hours:,.0f} h a week in {fit.overlap_with}'s working hours"
        if fit.levels_above:
            yield f"skills {fit.levels_above} level{'s' if fit.levels_above > 1 else ''} above need"

    def moment(self, moment: datetime) -> str:
        return f"{moment.astimezone(Calendar(timezone=self.zone).zone):%a %d %b %H:%M}"

    def day(self, moment: datetime) -> str:
        return f"{moment.astimezone(Calendar(timezone=self.zone).zone):%a %d %b}"


def effects_sentence(found: Effects) -> str:
    """'delays nothing else' or 'delays 'museum-beta' by 6 h, 'museum-qa' by 4 h (+3 more);
    'museum' 1.2 days later past its deadline'."""
    if not found.delayed and not found.slips:
        text = "delays nothing else"
    elif not found.delayed:
        text = "delays no other task"
    else:
        shown = ", ".join(f"'{d.task}' by {_span(d.hours)}" for d in found.delayed[:SHOWN])
        more = f" (+{len(found.delayed) - SHOWN} more)" if len(found.delayed) > SHOWN else ""
        text = f"delays {shown}{more}"
    slips = [s for s in found.slips if s.added_hours > 0]
    if slips:
        text += "; " + ", ".join(
            f"{s.kind} '{s.id}' {_span(s.added_hours)} later past its deadline"
            if s.before_hours > 0
            else f"makes {s.kind} '{s.id}' {_span(s.after_hours)} late"
            for s in sorted(slips, key=lambda s: -s.added_hours)[:SHOWN]
        )
    saved = [s for s in found.slips if s.added_hours < 0]
    if saved:
        text += f"; {len(saved)} deadline{'s' if len(saved) > 1 else ''} met sooner"
    if found.reassigned:
        count = len(found.reassigned)
        text += f"; {count} task{'s' if count > 1 else ''} handed to someone else"
    return text


def unqualified(person: Person, tasks: list[Task]) -> str:
    """Why `person` can do no part of the request: the skills they lack (for its first task that
    needs a person), or a limit of 0 that keeps them off it."""
    task = next(t for t in tasks if t.staffed)
    if person.qualifies_for(task) and (kept := person.kept_off(task)):
        return f"is someone {kept}"
    needs = next(iter(task.members))
    missing = [
        f"{skill} {level}" + (f" (has {person.level(skill)})" if person.level(skill) else "")
        for skill, level in needs.items()
        if person.level(skill) < level
    ]
    return f"lacks {', '.join(missing)} for '{task.id}'"


def _span(hours: float) -> str:
    return f"{hours:,.0f} h" if abs(hours) < 48 else f"{hours / 24:,.1f} days"


def on_grid_schedule(problem: Problem, plan: Plan) -> Schedule:
    placed = on_grid(problem, plan)
    return Schedule(placed.start, placed.end, placed.person, optional=problem.optional)


__all__ = ["Excluded", "Option", "Screen", "effects_sentence", "on_grid_schedule", "unqualified"]
