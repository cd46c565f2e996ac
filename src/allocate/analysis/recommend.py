"""Who should take this request? Every qualified person, ranked by what happens if they do.

A customer request arrives (one task, or a few: a small project). For each person who can do it
we ask what the plan looks like with the request on them: when the request finishes, which other
work ends later and by how much, which deadlines slip, what it costs, how much of the existing
plan changes. Two steps keep this fast enough for a button:

1. **Screen** everyone qualified by cheap insertion (`insertion.py`): the request squeezed into
   the person's sequence of work, the rest of the plan kept and pushed only as far as it must go.
   Milliseconds per person.
2. **Refine** the best `top` exactly: the request pinned to the person, the scenario re-planned
   from the current plan with minimal disruption (`solve(..., previous=plan)`: the plan kept where
   it still fits, the `changes` term right after the deadlines), the plan checked against the
   current one by the independent checker like every plan `solve()` returns, and what it changes
   in the current plan told by its `PlanDiff`. By default each re-plan is deterministic (one
   CP-SAT worker, a fixed amount of work per second of its share of `time_limit`), so that the
   same request gets the same answer on a busy machine.

A re-plan may find a better plan of the existing work whoever takes the request (the current
plan is rarely optimal, and deadlines weigh more than changes). So that an option's effects are
those of taking the request, the same re-plan without it (`baseline`) is made too, and exact
options' effects are counted against it; its own diff says what re-planning alone would change.

Options are ranked the way a minimal-disruption re-plan judges plans: the first level of the
objective (by default lateness and left-out work), then how many tasks of the existing plan
change, then the remaining levels (by default peak utilisation, cost, makespan); ties go to the
softer signals: continuity with the person's current project, more working hours shared with the
customer or team, the closest skill match (a senior is kept free for what only they can do).
Refined options come first; the others carry the screening's estimate (`exact=False`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from allocate.analysis import effects as effects_of
from allocate.analysis.effects import Effects
from allocate.analysis.fit import Fit, fit_of, team_reference
from allocate.analysis.insertion import Kept, best_placement, place_free, sequences
from allocate.analysis.ranked import Ranked
from allocate.analysis.whatif import replan, replan_options
from allocate.budget import Budget
from allocate.calendar import absence_interval
from allocate.diff import PlanDiff
from allocate.on_grid import on_grid
from allocate.plan import Plan
from allocate.problem import NONE, Problem, compile_problem
from allocate.scenario import Calendar, Frozen, Person, Pin, Project, Scenario, Task
from allocate.schedule import Schedule, earliest_times, topological_order
from allocate.strategies.base import Strategy
from allocate.sweep import run_all
from allocate.terms import level_values
from allocate.validation import time_limit_seconds

if TYPE_CHECKING:
    import pandas as pd

Request = Task | Project | Iterable[Task | Project]
MIN_REPLAN_SECONDS = 0.2
"""The least time limit an exact re-plan gets, however many share `time_limit`."""
SHOWN = 3


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


class Recommendations(Ranked[Option]):
    """The options for a request, best first, and the people excluded. Indexing, `len` and
    iteration go over the options: `recommend(...)[0].person` is the pick."""

    request: tuple[str, ...]
    options: tuple[Option, ...]
    excluded: tuple[Excluded, ...] = ()
    timezone: str = "UTC"
    objective: tuple[str, ...] = ()
    """The objective's levels in words ('lateness + unplaced'), the order options are judged in."""
    seconds: float = 0.0
    baseline: Plan | None = None
    """The same re-plan without the request (None without exact options): exact options'
    effects are counted against it."""
    baseline_diff: PlanDiff | None = None
    """What re-planning alone, without the request, would change in the current plan."""

    @property
    def ranked(self) -> tuple[Option, ...]:
        return self.options

    def to_dataframe(self) -> pd.DataFrame:
        """One row per option, then per excluded person (pandas, `allocate[views]`)."""
        from allocate.report.advice import recommendations_table

        return recommendations_table(self)

    def __str__(self) -> str:
        from allocate.report.advice import recommendations_text

        return recommendations_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.advice import recommendations_html

        return recommendations_html(self)


def recommend(
    scenario: Scenario,
    plan: Plan,
    request: Request,
    *,
    top: int = 5,
    time_limit: float = 3.0,
    strategy: str | Strategy = "auto",
    seed: int = 0,
    workers: int | None = 1,
    deterministic: bool = True,
    timezone: str | None = None,
    customer_timezone: str | None = None,
    executor: Executor | None = None,
) -> Recommendations:
    """Rank everybody who can take `request` (a Task, or several Tasks and the Projects they
    belong to) by what happens to `plan` if they do; see the module docstring.

    `top` options are re-planned exactly from `plan` (`solve(..., previous=plan)`), sharing
    `time_limit` seconds (each re-plan gets at least `MIN_REPLAN_SECONDS`, and compiling and
    checking come on top), with `strategy`, `seed`, `workers` (for a strategy chosen by name)
    and `deterministic` as `solve` takes them, side by side on `executor` when given.
    Dates in the reasons are in `timezone` (default: the organisation's). `customer_timezone`
    measures time-zone overlap against a customer's office hours (Mon-Fri 09:00-17:00 there)
    instead of the team already on the request's project. A request that needs a skill nobody
    has, reuses an id or names an unknown project raises a `ValidationError` naming it."""
    seconds = time_limit_seconds(time_limit)
    budget = Budget(seconds)
    if top < 0:
        raise ValueError(f"top must be 0 or more, not {top}")
    tasks, projects = _split(request)
    extended = _with_request(scenario, tasks, projects)
    problem = compile_problem(extended)
    zone = timezone or scenario.calendar.timezone
    Calendar(timezone=zone)  # an unknown zone fails here, named
    reference = team_reference(extended, plan, tasks, customer_timezone)
    job = _Screen(extended, plan, problem, tasks, zone, reference)
    screened, excluded = job.screen()
    ranked = sorted(screened, key=_key)
    options = replan_options(seconds, strategy, seed, workers, deterministic)
    refined, dropped, baseline = _refine(scenario, job, ranked[:top], options, executor)
    exact = sorted((o for o in refined if o.exact), key=_key)
    rest = [o for o in (*refined, *ranked[top:]) if not o.exact]
    return Recommendations(
        request=tuple(t.id for t in tasks),
        options=tuple(exact + rest),
        excluded=tuple(excluded + dropped),
        timezone=zone,
        objective=tuple(" + ".join(level) for level in extended.objective),
        seconds=round(budget.elapsed(), 3),
        baseline=baseline,
        baseline_diff=baseline.diff(plan, scenario) if baseline is not None else None,
    )


def _split(request: Request) -> tuple[list[Task], list[Project]]:
    items = [request] if isinstance(request, Task | Project) else list(request)
    wrong = [type(item).__name__ for item in items if not isinstance(item, Task | Project)]
    if wrong:
        raise TypeError(f"a request holds Tasks (and Projects), not {', '.join(wrong)}")
    tasks = [item for item in items if isinstance(item, Task)]
    if not any(t.staffed for t in tasks):
        raise ValueError("the request has no task that needs a person: nobody to recommend")
    return tasks, [item for item in items if isinstance(item, Project)]


def _with_request(scenario: Scenario, tasks: list[Task], projects: list[Project]) -> Scenario:
    """The scenario with the request added, validated as any scenario (an id already in use, a
    skill nobody has, an unknown project or predecessor: one error naming each)."""
    return scenario.replace(
        tasks=(*scenario.tasks, *tasks), projects=(*scenario.projects, *projects)
    )


class _Screen:
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
        self.kept = Kept(problem, _on_grid(problem, plan))
        self.reference = reference

    def screen(self) -> tuple[list[Option], list[Excluded]]:
        options, excluded = [], []
        for p, person in enumerate(self.scenario.people):
            mine = [t for t in self.leaders if self.can_do(t, p)]
            if not mine:
                excluded.append(Excluded(person=person.id, reason=_unqualified(person, self.tasks)))
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


def _unqualified(person: Person, tasks: list[Task]) -> str:
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


def _key(option: Option) -> tuple:
    """The ranking (module docstring): the plan's judgement, then the soft signals."""
    fit = option.fit
    return (
        *_judged(option.levels, option.effects.changed),
        -len(fit.continuity),
        -(fit.overlap_hours or 0.0),
        fit.levels_above,
        option.person,
    )


def _judged(levels: tuple[float, ...], changed: int) -> tuple[float, ...]:
    """A plan as a minimal-disruption re-plan judges it: the objective's first level, then the
    tasks of the existing plan that changed, then the other levels."""
    levels = tuple(round(v, 6) for v in levels) or (0.0,)
    return (levels[0], float(changed), *levels[1:])


def plan_key(scenario: Scenario, previous: Plan, plan: Plan) -> tuple[float, ...]:
    """How `recommend` judges `plan`, a plan of `scenario` (the one with the request) made from
    `previous`; lower is better. For comparisons outside `recommend` (the brute-force benchmark)."""
    problem = compile_problem(scenario)
    before, after = (_on_grid(problem, p) for p in (previous, plan))
    held = {a.task for a in previous.assignments}
    new = {i for i, t in enumerate(problem.task_ids) if t not in held}
    changed = effects_of.effects(problem, before, after, new).changed
    return _judged(level_values(problem, after.end, after.person), changed)


def _on_grid(problem: Problem, plan: Plan) -> Schedule:
    placed = on_grid(problem, plan)
    return Schedule(placed.start, placed.end, placed.person, optional=problem.optional)


def _refine(original: Scenario, job: _Screen, chosen: list[Option], options: dict, executor):
    """The `chosen` options re-planned exactly from the current plan (`options` of `solve`),
    beside the same re-plan of `original` (without the request: the baseline their effects are
    counted against), each within an equal share of the time limit (fixed in advance: a
    deterministic run must not depend on the clock). Returns the options (one whose re-plan
    found no plan keeps its estimate), the people whose re-plan cannot place the request
    (excluded, with why) and the baseline."""
    if not chosen:
        return [], [], None
    share = max(MIN_REPLAN_SECONDS, options["time_limit"] / (len(chosen) + 1))
    options = {**options, "time_limit": share}
    scenario = job.scenario
    jobs = [(original, job.plan, options)]
    jobs += [(_pinned(scenario, o.person, o.tasks), job.plan, options) for o in chosen]
    baseline, *plans = run_all(replan, jobs, executor)
    before = _on_grid(job.problem, baseline) if baseline.status != "unknown" else None
    refined, dropped = [], []
    for option, plan in zip(chosen, plans, strict=True):
        if plan.status == "unknown":
            refined.append(option)
            continue
        schedule = _on_grid(job.problem, plan)
        if any(schedule.start[t] == NONE for t in job.request):
            why = next((u.reason for u in plan.unplaced if u.task in job.ids), "not placed")
            dropped.append(
                Excluded(person=option.person, reason=f"the re-plan cannot place it: {why}")
            )
            continue
        person = [p.id for p in scenario.people].index(option.person)
        mine = [t for t in job.leaders if job.problem.task_ids[t] in option.tasks]
        exact = job.option(person, mine, schedule, exact=True, plan=plan, before=before)
        refined.append(exact.model_copy(update={"diff": plan.diff(job.plan, scenario)}))
    return refined, dropped, baseline


def _pinned(scenario: Scenario, person: str, tasks: tuple[str, ...]) -> Scenario:
    """`scenario` (with the request) where `person` takes `tasks`: the scenario behind an exact
    option's plan (`check(pinned, option.plan, previous=plan)` holds)."""
    return scenario.replace(pins=(*scenario.pins, *(Pin(task=t, person=person) for t in tasks)))


def _span(hours: float) -> str:
    return f"{hours:,.0f} h" if abs(hours) < 48 else f"{hours / 24:,.1f} days"
