"""Who should take this request? Every qualified person, ranked by what happens if they do.

A customer request arrives (one task, or a few: a small project). For each person who can do it
we ask what the plan looks like with the request on them: when the request finishes, which other
work ends later and by how much, which deadlines slip, what it costs, how much of the existing
plan changes. Two steps keep this fast enough for a button:

1. **Screen** everyone qualified by cheap insertion (`screening.py`): the request squeezed into
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

from collections.abc import Iterable
from concurrent.futures import Executor
from typing import TYPE_CHECKING

from allocate.analysis import effects as effects_of
from allocate.analysis.fit import team_reference
from allocate.analysis.ranked import Ranked
from allocate.analysis.screening import (
    Excluded,
    Option,
    Screen,
    on_grid_schedule,
)
from allocate.analysis.whatif import replan, replan_options
from allocate.budget import Budget
from allocate.diff import PlanDiff
from allocate.plan import Plan
from allocate.problem import NONE, compile_problem
from allocate.scenario import Calendar, Pin, Project, Scenario, Task
from allocate.strategies.base import Strategy
from allocate.sweep import run_all
from allocate.terms import level_values
from allocate.validation import time_limit_seconds

if TYPE_CHECKING:
    import pandas as pd

Request = Task | Project | Iterable[Task | Project]
MIN_REPLAN_SECONDS = 0.2
"""The least time limit an exact re-plan gets, however many share `time_limit`."""


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
    job = Screen(extended, plan, problem, tasks, zone, reference)
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
    before, after = (on_grid_schedule(problem, p) for p in (previous, plan))
    held = {a.task for a in previous.assignments}
    new = {i for i, t in enumerate(problem.task_ids) if t not in held}
    changed = effects_of.effects(problem, before, after, new).changed
    return _judged(level_values(problem, after.end, after.person), changed)


def _refine(original: Scenario, job: Screen, chosen: list[Option], options: dict, executor):
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
    before = on_grid_schedule(job.problem, baseline) if baseline.status != "unknown" else None
    refined, dropped = [], []
    for option, plan in zip(chosen, plans, strict=True):
        if plan.status == "unknown":
            refined.append(option)
            continue
        schedule = on_grid_schedule(job.problem, plan)
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


__all__ = ["Excluded", "Option", "Recommendations", "plan_key", "recommend"]
