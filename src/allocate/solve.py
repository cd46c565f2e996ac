"""The one orchestration: compile -> greedy -> (CP-SAT) -> Plan -> independent check.

The greedy plan comes first, always: it is the plan of last resort and the hint CP-SAT starts
from. CP-SAT runs when the scenario is small enough for the exact model to pay (see
`docs/design.md` for the measurements behind `EXACT_OPTIONS_LIMIT`). Whatever the strategy returns
is turned into a Plan and verified by `allocate.check`, which shares no code with the strategies.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel

from allocate.bounds import level_bounds
from allocate.budget import Budget, StopSignal
from allocate.check import check
from allocate.conflicts import core, precheck
from allocate.explain import explain_lateness, explain_left_out
from allocate.grid import first_window_end, scenario_end
from allocate.objective import Timing, balance_window, evaluate, with_changes
from allocate.objective import level_values as plan_level_values
from allocate.on_grid import on_grid
from allocate.plan import (
    Assignment,
    Plan,
    SolveStats,
    Unplaced,
)
from allocate.previous import frozen, pinned, with_previous, working_days_end
from allocate.problem import NONE, Problem, compile_problem
from allocate.scenario import Pin, Scenario
from allocate.schedule import Schedule, reaches, search_horizon
from allocate.strategies import REGISTRY, get_strategy
from allocate.strategies.base import Outcome, SolveProgress, Strategy
from allocate.strategies.cpsat.pools import pooled_choices
from allocate.strategies.greedy import Greedy
from allocate.strategies.justify import justified
from allocate.strategies.repair import kept_where_it_fits, repair
from allocate.summaries import person_summaries, project_summaries
from allocate.terms import level_values
from allocate.validation import require_scenario, time_limit_seconds
from allocate.watch import Relay, interrupts_stop

log = logging.getLogger("allocate")

EXACT_OPTIONS_LIMIT = 200
"""Up to this many choices `auto` runs the exact model (which can prove optimality); above it,
neighbourhood search. Measured on two cores (benchmarks/results/strategies.md, 3 seeds each): at
10 x 100 (224-251 options) LNS cut the greedy lateness by a median 54 % in 10 s where the exact
model cut 6 % (at 60 s: 59 % vs 50 %; the exact model proved one seed optimal, LNS matched its
lateness); at 20 x 200 (750-900) 40 % vs 3 % in 10 s. At 50-150 options the exact model won
4 of 7 instances in 10 s (proving 4 optimal); at 190 it was even."""
EXACT_ALWAYS_OPEN_TASKS = 320
"""When everybody works around the clock (PSPLIB, MSLIB) and nobody has a weekly or project limit,
an option is one plain interval with no day and hour variables, and `auto` runs the exact model up
to this many compiled tasks (a team member's slot counts as one) and `EXACT_ALWAYS_OPEN_OPTIONS`
choices, the range measured: on MSLIB set 1 (12 instances of 64-305 compiled tasks, 316-15,849
choices, 10 s, benchmarks/results/mslib_cpsat_lns.md) the exact model matched LNS on 10 and beat
it on 2 (makespan 105 against 108, 140 against 143), and proved 6 optimal in 0.3-3.8 s. Where
the exact model pools interchangeable people (`strategies/cpsat/pools.py`), choices are counted
per (place, class): every MSLIB set-1 instance then fits."""
EXACT_ALWAYS_OPEN_OPTIONS = 16_000


WORK_PER_WORKER_SECOND = {"cpsat": 0.75, "lns": 0.28}
"""In a deterministic run, the CP-SAT deterministic work units each worker may spend per second
of the time limit: about what one core does in a second (measured with benchmarks/
time_limits.py: a unit of the exact model's search took 1.3 s of CPU, one of the neighbourhood
search 3.5 s, most of it building sub-models in Python). Other strategies get
`OTHER_WORK_PER_WORKER_SECOND`."""
OTHER_WORK_PER_WORKER_SECOND = 0.5
MIN_SEARCH_SECONDS = 0.5
"""A search starts only with at least this much of the time limit left (after the reserve for
the final check): its own set-up (loading OR-Tools on the first call, the neighbourhood tables,
the first model) takes about that long at 150 x 2,000, so a shorter search only overran."""
THOROUGH_BOUNDS_FACTOR = 6
"""The costlier bounds are computed when at least this many times the first plan's time is
left (`_room_for_thorough_bounds`)."""


def solve(
    scenario: Scenario,
    *,
    time_limit: float = 10.0,
    strategy: str | Strategy = "auto",
    seed: int = 0,
    workers: int | None = None,
    deterministic: bool = False,
    stop: StopSignal | None = None,
    progress: bool | Callable[[SolveProgress], None] = False,
    previous: Plan | None = None,
    freeze_days: int = 0,
) -> Plan:
    """Assign and schedule every task of `scenario`; return a checked Plan.

    `strategy` is "auto" (from the greedy plan, the exact CP-SAT model when the scenario is small
    enough, neighbourhood search above), a registered name ("greedy", "cpsat", "lns") or a
    Strategy instance. `time_limit` is in wall-clock seconds, everything included (positive and
    finite: anything else raises a ValueError); the call returns within it plus a small margin
    with the best plan found (docs/api.md, "Time limits"). `seed` and `workers` (CP-SAT workers,
    or parallel sub-solves of the neighbourhood search; None: the strategy's default, 2) reach
    the strategy `auto` picks or the one named; a Strategy instance keeps its own workers.

    `deterministic=True` makes the answer repeatable: the same scenario, seed and workers give
    the same plan on any machine with the same versions. The search then spends a fixed amount
    of work (`WORK_PER_WORKER_SECOND` per worker and second of `time_limit`, in CP-SAT
    deterministic units) instead of watching the clock, so it takes about `time_limit` on an
    idle machine with a core per worker, and longer on a slower or busier one.

    `stop`: a `threading.Event` (or anything with `is_set()`) that another thread sets to end the
    solve early; it returns the best plan found so far, checked, and `plan.stats.stopped` says
    why. Ctrl-C does the same while `solve()` runs in the main thread (a second Ctrl-C aborts).

    `progress=True` prints each improvement to stderr (and a line every 5 s); a callable
    receives each improvement as a `SolveProgress`, and the latest one again, with a new `elapsed`,
    whenever a second passes without one (from a thread of the solve's, never two at once).

    `previous`: re-plan with minimal disruption from this earlier plan (usually of the same
    work, before events and actuals came in; see `allocate.events`). It is kept where it still
    fits and mended where not (`strategies.repair`), that plan is where the search starts, and
    the objective gains the `changes` term (people reassigned, weighted by how soon the task
    was to start, and moves, in working hours) right after its deadlines level, unless the
    scenario's objective places `changes` itself. `freeze_days`: tasks the previous plan starts
    within that many working days of the organisation calendar keep their people and start
    unless they no longer fit there (they are pinned).
    """
    require_scenario(scenario)
    seconds = time_limit_seconds(time_limit)
    strategy = _named(strategy, workers)
    scenario = _replanned(scenario, previous, freeze_days)
    if deterministic:
        budget = Budget.deterministic(math.inf, stop=stop)
    else:
        budget = Budget(seconds, stop=stop)
    relay = Relay(progress, budget)
    with interrupts_stop(budget), relay.heartbeat():
        plan = _solve(
            scenario, budget, seconds, strategy, seed, workers, relay, previous, freeze_days
        )
    stats = plan.stats.model_copy(
        update={
            "time_limit": seconds,
            "seed": seed,
            "workers": workers,
            "deterministic": deterministic,
            "stopped": budget.stopped_by or None,
        }
    )
    return plan.model_copy(update={"stats": stats})


def _solve(
    scenario: Scenario,
    budget: Budget,
    seconds: float,
    strategy: str | Strategy,
    seed: int,
    workers: int | None,
    relay: Relay,
    previous: Plan | None = None,
    freeze_days: int = 0,
) -> Plan:
    greedy_strategy = strategy if isinstance(strategy, Greedy) else Greedy()
    problem, greedy, build_seconds = _first_plan(scenario, greedy_strategy)
    if previous is None:
        greedy = _justified(problem, greedy)
    repaired = None
    if previous is not None:
        began = time.perf_counter()
        scenario, problem, repaired = _from_previous(scenario, problem, previous, freeze_days)
        if freeze_days:  # the greedy plan is made again around the frozen pins
            greedy = greedy_strategy.solve(problem)
        greedy = _better(_rescored(problem, greedy), repaired)  # the repair unless greedy beats it
        build_seconds += time.perf_counter() - began
    first_plan = budget.elapsed()
    ours = level_bounds(problem, thorough=_room_for_thorough_bounds(budget, first_plan))
    bounds_seconds = budget.elapsed() - first_plan
    relay.bounds = ours
    if greedy.level_values:
        relay(SolveProgress(first_plan, greedy.level_values, (), 1))
    outcome, conflicts = greedy, ()
    if not greedy.schedule.complete:
        outcome, conflicts = _diagnosed(scenario, problem, greedy, budget, seconds)
    reserve = min(first_plan, budget.left() / 2)  # for checking the plan at the end
    chosen, why, notes = None, "", {}
    if budget.left() - reserve < MIN_SEARCH_SECONDS:
        notes["search"] = "not run: " + (budget.stopped_by or "the first plan took the time")
    else:
        chosen, why = _choose(strategy, problem, workers)
    if reaches(outcome.level_values, ours):
        if chosen is not None and why:
            why = "auto kept the greedy plan: it meets the lower bound of every level"
        chosen = None  # the first plan is already optimal: nothing to search for
    if chosen is not None and outcome.schedule.complete:
        share = _share(budget, seconds, chosen, reserve)
        report = relay if relay.deliver is not None else None  # no reports: none to make
        start = outcome.schedule
        if repaired is not None and repaired.schedule.complete:
            start = repaired.schedule  # a re-plan searches from what people were told
        found = _search(chosen, problem, start, share, seed, report, ours)
        outcome = _better(outcome, found)
    stats = SolveStats(
        strategy=getattr(chosen, "name", "greedy"),
        build_seconds=build_seconds,
        first_plan_seconds=first_plan,
        solutions=int(outcome.stats.get("solutions", 1)),
        detail={
            "options": problem.options,
            "resolution_minutes": problem.resolution,
            "calendars_until": problem.grid.time(problem.horizon).isoformat(),
            "bounds_seconds": round(bounds_seconds, 3),
            **({"auto": why} if why else {}),
            **notes,
            **outcome.stats,
        },
    )
    checking = budget.elapsed()
    plan = verified_plan(scenario, problem, outcome, stats, ours, previous)
    detail = {**stats.detail, "check_seconds": round(budget.elapsed() - checking, 3)}
    stats = stats.model_copy(update={"wall_seconds": budget.elapsed(), "detail": detail})
    return plan.model_copy(
        update={"stats": stats, **({"conflicts": conflicts} if conflicts else {})}
    )


def _justified(problem: Problem, greedy: Outcome) -> Outcome:
    """The greedy plan after forward-backward improvement, where it applies and gains
    (`strategies/justify.py`; on the unproven PSPLIB j60 instances it shortened the greedy
    makespans by 4 % in 0.02-0.06 s each, docs/design.md)."""
    schedule = justified(problem, greedy.schedule)
    if schedule is greedy.schedule:
        return greedy
    values = level_values(problem, schedule.end, schedule.person)
    return Outcome(schedule, greedy.status, values, greedy.level_bounds, greedy.stats)


def _first_plan(scenario: Scenario, greedy: Greedy) -> tuple[Problem, Outcome, float]:
    """The greedy plan, on calendars expanded only as far as it needs: first up to
    `grid.first_window_end`; twice as far (up to the scenario's horizon) while some task finds
    no place, which a longer window might give it; then, when a search from the plan could
    reach past the window (`schedule.search_horizon`), compiled once more up to there. Returns
    the problem, the greedy outcome and the seconds spent compiling."""
    limit = scenario_end(scenario)
    end = first_window_end(scenario)
    compiling = 0.0
    while True:
        began = time.perf_counter()
        problem = compile_problem(scenario, end)
        compiling += time.perf_counter() - began
        outcome = greedy.solve(problem)
        if not problem.window or not outcome.stats.get("missed"):
            break
        end = min(limit, scenario.start + 2 * (end - scenario.start))
    if problem.window and outcome.schedule.complete:
        first = outcome.level_values[0] if outcome.level_values else 0.0
        reach = search_horizon(problem, outcome.schedule, first)[0]
        if reach >= problem.horizon:
            began = time.perf_counter()
            problem = compile_problem(scenario, min(limit, problem.grid.time(reach + 1)))
            compiling += time.perf_counter() - began
    return problem, outcome, compiling


def _named(strategy: str | Strategy, workers: int | None) -> str | Strategy:
    """A registered strategy's name as a new instance with `workers` if it has such an option
    ("auto" stays a name, and `_choose` passes `workers` on); a Strategy instance as it is."""
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValueError(f"workers must be a positive integer or None, not {workers!r}")
    if not isinstance(strategy, str):
        if workers is not None:
            raise ValueError(
                "workers applies to a strategy chosen by name; a Strategy instance keeps its "
                f"own (e.g. CpSat(workers={workers}))"
            )
        return strategy
    if strategy == "auto":
        return strategy
    return get_strategy(strategy, **_workers_option(strategy, workers))


def _workers_option(name: str, workers: int | None) -> dict[str, int]:
    """{"workers": workers} if given and the strategy registered as `name` takes it (greedy
    does not: it has nothing to run in parallel)."""
    if workers is None or name not in REGISTRY:
        return {}
    try:
        parameters = inspect.signature(REGISTRY[name]).parameters.values()
    except (TypeError, ValueError):
        return {}
    takes = any(p.name == "workers" or p.kind is p.VAR_KEYWORD for p in parameters)
    return {"workers": workers} if takes else {}


def _share(budget: Budget, seconds: float, strategy: Strategy, reserve: float) -> Budget:
    """The search's part of the budget: what is left less a `reserve` for checking the plan
    (as long as the first plan took, at most half of what is left); in a deterministic run, the
    work that `seconds` buy the strategy's workers."""
    workers = getattr(strategy, "workers", 1)
    return budget.part(budget.left() - reserve, work=_work(budget, seconds, strategy.name, workers))


def _work(budget: Budget, seconds: float, strategy: str, workers: int) -> float | None:
    """The deterministic work `seconds` buy `workers` of `strategy`; None when the budget
    counts no work (a run on the clock)."""
    if budget.work is None:
        return None
    rate = WORK_PER_WORKER_SECOND.get(strategy, OTHER_WORK_PER_WORKER_SECOND)
    return seconds * rate * workers


def _replanned(scenario: Scenario, previous: Plan | None, freeze_days: int) -> Scenario:
    """`scenario` with a re-plan's objective (`objective.with_changes`) when `previous` is
    given; the arguments checked."""
    if previous is None:
        return scenario
    if not isinstance(previous, Plan):
        raise TypeError(f"previous must be a Plan, not {type(previous).__name__}")
    if isinstance(freeze_days, bool) or not isinstance(freeze_days, int) or freeze_days < 0:
        raise ValueError(f"freeze_days must be a whole number of days >= 0, not {freeze_days!r}")
    objective = with_changes(scenario.objective)
    if objective == scenario.objective:
        return scenario
    return BaseModel.model_copy(scenario, update={"objective": objective})  # valid: no checks


def _rescored(problem: Problem, outcome: Outcome) -> Outcome:
    """`outcome` with its level values on `problem` (a re-plan's, which measures `changes`)."""
    if not outcome.schedule.complete:
        return outcome
    values = level_values(problem, outcome.schedule.end, outcome.schedule.person)
    return dataclasses.replace(outcome, level_values=values)


def _from_previous(
    scenario: Scenario, problem: Problem, previous: Plan, freeze_days: int
) -> tuple[Scenario, Problem, Outcome]:
    """The problem measured against `previous` (its calendars expanded at least as far as the
    previous plan reaches), the previous plan repaired to fit it, and with `freeze_days`, the
    scenario and problem with the frozen tasks pinned (`previous.frozen`)."""
    reach = previous.finish
    if problem.window and reach is not None and reach > problem.grid.time(problem.horizon):
        slack = (reach - scenario.start) / 2 + timedelta(days=14)
        problem = compile_problem(scenario, min(scenario_end(scenario), reach + slack))
    old = on_grid(problem, previous)
    problem = with_previous(problem, old)
    in_place = kept_where_it_fits(problem, old) if freeze_days else None
    if in_place is not None and in_place.complete:
        end = working_days_end(scenario.calendar, scenario.start, freeze_days)
        kept = frozen(problem, in_place, problem.grid.tick(end, up=True))
        problem = pinned(problem, kept)
        pins = [
            Pin(
                task=problem.task_ids[task],
                person=problem.person_ids[people[0]] if people[0] != NONE else None,
                start=problem.grid.time(tick),
            )
            for task, people, tick in kept
        ]
        held = {pin.task for pin in pins}
        pins += [pin for pin in scenario.pins if pin.task not in held]
        scenario = BaseModel.model_copy(scenario, update={"pins": tuple(pins)})
    return scenario, problem, repair(problem, old)


def _search(
    strategy: Strategy,
    problem: Problem,
    start: Schedule,
    share: Budget,
    seed: int,
    report: Callable[[SolveProgress], None] | None,
    bounds: tuple[float, ...],
) -> Outcome:
    """`strategy` from the plan `start` within its `share` of the budget (what is left, less a
    reserve for checking the plan: as long as the first plan took, at most half), with the
    lower `bounds` and the share as a Budget if it takes them."""
    known = {"bounds": bounds, "budget": share}
    known = {name: value for name, value in known.items() if _takes(strategy, name)}
    return strategy.solve(
        problem, time_limit=share.seconds, seed=seed, hint=start, progress=report, **known
    )


def _diagnosed(
    scenario: Scenario, problem: Problem, greedy: Outcome, budget: Budget, seconds: float
) -> tuple[Outcome, tuple]:
    """When the greedy plan misses mandatory work: the contradicting inputs the fast checks
    find; if none, CP-SAT's verdict in half the remaining time (or work): a plan that the greedy
    rule missed, or a small set of conflicting inputs."""
    found = precheck(scenario, problem)
    if found:
        return greedy, tuple(found)
    half = budget.part(budget.left() / 2, work=_work(budget, seconds / 2, "cpsat", 1))
    diagnosis, found = core(scenario, problem, budget=half)
    if diagnosis.schedule is None:
        return greedy, tuple(found)
    schedule = diagnosis.schedule
    values = level_values(problem, schedule.end, schedule.person)
    return Outcome(schedule, "feasible", values, (), {"diagnosis": "plan found"}), ()


def _choose(
    strategy: str | Strategy, problem: Problem, workers: int | None = None
) -> tuple[Strategy | None, str]:
    """The strategy to run after the greedy plan (None: the greedy plan is the answer), and,
    for `auto`, why it was chosen (logged, and shown with the plan).

    `auto`: the exact model up to `EXACT_OPTIONS_LIMIT` choices (a (task, person) pair, a (task,
    class) pair where the exact model pools interchangeable people, or a task that needs nobody
    and only has to be timed) or, on calendars that never pause, up to
    `EXACT_ALWAYS_OPEN_TASKS` tasks and `EXACT_ALWAYS_OPEN_OPTIONS` choices; LNS above; the
    greedy plan alone when there is nothing to choose.
    """
    if strategy != "auto":
        return (None if isinstance(strategy, Greedy) else strategy), ""
    pooled = pooled_choices(problem)  # a choice per class of interchangeable people
    people = problem.options if pooled is None else pooled
    choices = people + int(((problem.effort > 0) & ~problem.staffed).sum())
    if choices == 0:
        return None, "auto kept the greedy plan: there is nothing to choose"
    if choices <= EXACT_OPTIONS_LIMIT:
        name, why = "cpsat", f"{choices:,} choices, at most {EXACT_OPTIONS_LIMIT}"
    elif (
        problem.n_tasks <= EXACT_ALWAYS_OPEN_TASKS
        and choices <= EXACT_ALWAYS_OPEN_OPTIONS
        and _never_pauses(problem)
    ):
        name = "cpsat"
        why = f"calendars that never pause, {problem.n_tasks:,} tasks, {choices:,} choices"
    else:
        name = "lns"
        why = (
            f"{choices:,} choices, more than the {EXACT_OPTIONS_LIMIT} the exact model "
            "handles well within seconds"
        )
    words = {"cpsat": "the exact model (cpsat)", "lns": "neighbourhood search (lns)"}
    reason = f"auto chose {words[name]}: {why}"
    log.info(reason)
    return get_strategy(name, **_workers_option(name, workers)), reason


def _takes(strategy: Strategy, name: str) -> bool:
    """Does `strategy.solve` take the keyword `name`? (A strategy written before the protocol
    had `bounds` or `budget` still runs, without them.)"""
    parameters = inspect.signature(strategy.solve).parameters.values()
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in parameters)


def _never_pauses(problem: Problem) -> bool:
    """Is every tick of the horizon working time for everyone and for the organisation, with no
    weekly or project limits (which add variables per option and week)?"""
    limited = (problem.week_limit != NONE).any() or (problem.project_limit != NONE).any()
    working = bool(problem.working.all()) and int(problem.org_cum_work[-1]) == problem.horizon
    return working and not limited


def _better(incumbent: Outcome, challenger: Outcome) -> Outcome:
    """The challenger unless it placed fewer tasks or is lexicographically worse."""
    if not challenger.schedule.complete or not challenger.level_values:
        return incumbent
    if tuple(challenger.level_values) > tuple(incumbent.level_values) + (1e-9,):
        return incumbent
    return challenger


def verified_plan(
    scenario: Scenario,
    problem: Problem,
    outcome: Outcome,
    stats: SolveStats,
    bounds: tuple[float, ...] | None = None,
    previous: Plan | None = None,
) -> Plan:
    """The outcome as a Plan with bounds, summaries and the independent checker's verdict
    (against `previous` too, for a re-plan's `changes` term)."""
    schedule = outcome.schedule
    assignments = tuple(_assignments(problem, schedule))
    timing = Timing(
        start={a.task: a.start for a in assignments},
        end={a.task: a.end for a in assignments},
        people={a.task: a.people for a in assignments},
        available={
            person: float(problem.available[p]) * problem.hours_per_tick
            for p, person in enumerate(problem.person_ids)
        },
        previous=_previous_timing(problem, previous),
        working=lambda lo, hi: _organisation_hours(problem, lo, hi),
    )
    terms = evaluate(scenario, timing)
    values = plan_level_values(scenario, terms)
    if outcome.level_values and not _close(values, outcome.level_values):
        log.error(
            "strategy objective %s differs from the recomputed %s", outcome.level_values, values
        )
    bounds = _best_bounds(bounds or level_bounds(problem), outcome)
    status = outcome.status
    if schedule.complete and reaches(values, bounds):
        status = "optimal"
    unplaced = _reasons(problem, schedule)
    gap, level = _gap(values, bounds) if schedule.complete else (None, None)
    plan = Plan(
        status=status if schedule.complete else "infeasible",
        scenario=scenario.name,
        resolution_minutes=problem.resolution,
        assignments=assignments,
        unplaced=tuple(Unplaced(task=task, reason=reason) for task, reason in unplaced.items()),
        left_out=tuple(_left_out(scenario, problem, schedule)),
        late=tuple(explain_lateness(problem, schedule, scenario)),
        objective=terms,
        level_bounds=bounds,
        gap=gap,
        gap_terms=tuple(scenario.objective[level]) if level is not None else (),
        balance_until=balance_window(scenario)[1],
        projects=tuple(project_summaries(scenario, timing, unplaced)),
        people=tuple(person_summaries(scenario, problem, schedule)),
        stats=stats,
    )
    violations = tuple(check(scenario, plan, previous))
    if violations and plan.feasible:
        log.error("the checker rejects the %s plan: %s", stats.strategy, violations[0])
        return plan.model_copy(update={"status": "unknown", "violations": violations})
    return plan.model_copy(update={"violations": violations})


def _previous_timing(problem: Problem, previous: Plan | None) -> Timing | None:
    """The previous plan's starts on this problem's grid (rounded down) and people."""
    if previous is None:
        return None
    grid = problem.grid
    return Timing(
        start={a.task: grid.time(grid.tick(a.start)) for a in previous.assignments},
        end={a.task: a.end for a in previous.assignments},
        people={a.task: a.people for a in previous.assignments},
    )


def _organisation_hours(problem: Problem, lo: datetime, hi: datetime) -> float:
    """The organisation calendar's working hours in `[lo, hi)`, both rounded up onto the grid."""
    grid, cum = problem.grid, problem.org_cum_work
    a, b = (min(max(grid.tick(t, up=True), 0), problem.horizon) for t in (lo, hi))
    return float(cum[b] - cum[a]) * problem.hours_per_tick


def _left_out(scenario: Scenario, problem: Problem, schedule: Schedule):
    for i, reason in sorted(explain_left_out(problem, schedule, scenario).items()):
        yield Unplaced(task=problem.task_ids[i], reason=reason)


def _assignments(problem: Problem, schedule: Schedule):
    """One assignment per scenario task; a team's members slot by slot (its slot tasks share
    start and end)."""
    for i, task_id in enumerate(problem.task_ids):
        if schedule.start[i] == NONE or problem.team(i)[0] != i:
            continue
        people = [int(schedule.person[slot]) for slot in problem.team(i)]
        yield Assignment(
            task=task_id,
            people=tuple(problem.person_ids[p] for p in people if p != NONE),
            start=problem.grid.time(int(schedule.start[i])),
            end=problem.grid.time(int(schedule.end[i])),
        )


def _reasons(problem: Problem, schedule: Schedule) -> dict[str, str]:
    """Why each unplaced scenario task is unplaced (a team's first reason)."""
    reasons: dict[str, str] = {}
    for i, reason in sorted(schedule.reasons.items()):
        if schedule.start[i] == NONE and not problem.optional[i]:  # left out: `_left_out`
            reasons.setdefault(problem.task_ids[i], reason)
    return reasons


def _room_for_thorough_bounds(budget: Budget, first_plan: float) -> bool:
    """Does the budget leave room for the costlier bounds (`bounds.Floors`)? They take about
    three times as long as the first plan on large scenarios (0.9 s against 0.33 s at
    150 x 2,000), which would break a short time limit's promise; a budget that counts work
    always has room (its results must not depend on the clock)."""
    return budget.work is not None or budget.left() >= THOROUGH_BOUNDS_FACTOR * first_plan


def _best_bounds(ours: tuple[float, ...], outcome: Outcome) -> tuple[float, ...]:
    """Per level, the larger of the strategy's bound and the resource-free one."""
    theirs = outcome.level_bounds or (0.0,) * len(ours)
    return tuple(max(a, b) for a, b in zip(ours, theirs, strict=False))


def _gap(values, bounds) -> tuple[float, int | None]:
    """(value - bound) / value on the first level not at its bound, and that level's index."""
    for level, (value, bound) in enumerate(zip(values, bounds, strict=False)):
        if value > bound + 1e-9:
            return (value - bound) / value, level
    return 0.0, None


def _close(a, b) -> bool:
    return len(a) == len(b) and all(
        abs(x - y) <= 1e-6 * max(1.0, abs(x)) for x, y in zip(a, b, strict=True)
    )
