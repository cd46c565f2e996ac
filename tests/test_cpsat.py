"""The exact CP-SAT strategy on tiny hand-made plans whose optimum is known, in both formulations.

Every returned schedule goes through `verify`, a small rule-by-rule check in problem terms that
shares no code with the model; `test_generated_scenarios_agree` adds random scenarios.
"""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allocate import Calendar, Dependency, Person, Pin, Project, Scenario, Task, TimeOff
from allocate.problem import FS, NONE, SF, SS, compile_problem
from allocate.strategies.base import Schedule
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.cpsat.objective import Level, Stage, decompose, stages
from allocate.strategies.greedy import Greedy
from allocate.terms import level_values
from scenarios import scenarios

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 in Berlin, 00:00 in Los Angeles
BERLIN = Calendar(timezone="Europe/Berlin")
LOS_ANGELES = Calendar(timezone="America/Los_Angeles")  # 9 hours behind Berlin until March 8
FORMULATIONS = ["day-hour", "start-partition"]


def utc(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def compile_(start=MONDAY, weeks=3, **fields):
    """A compiled scenario, by default with the time terms only (what these tests are about)."""
    fields.setdefault("objective", ({"lateness": 1.0}, {"makespan": 1.0}))
    scenario = Scenario(start=start, horizon_end=start + timedelta(weeks=weeks), **fields)
    return compile_problem(scenario)


def solve(problem, formulation="day-hour", expect="optimal", **options):
    """Solve deterministically (one worker, fixed seed) and verify the schedule."""
    params = options.pop("params", None)
    strategy = CpSat(formulation=formulation, workers=1, params=params)
    outcome = strategy.solve(problem, time_limit=20, seed=3, **options)
    assert outcome.status == expect, outcome.stats
    if outcome.schedule.complete:
        verify(problem, outcome.schedule)
        assert outcome.level_values == pytest.approx(
            level_values(problem, outcome.schedule.end, outcome.schedule.person)
        )
    return outcome


def verify(problem, schedule: Schedule) -> None:
    """Every rule of a plan, restated on the compiled problem (optional tasks may be left out;
    a dependency on one is then dropped)."""
    start, end, person = schedule.start, schedule.end, schedule.person
    assert schedule.complete
    for i in range(problem.n_tasks):
        if start[i] == NONE:
            assert problem.optional[i] and person[i] == NONE and end[i] == NONE
            continue
        assert start[i] >= problem.release[i]
        if problem.pinned_start[i] != NONE:
            assert start[i] == problem.pinned_start[i]
        if problem.is_milestone(i):
            assert person[i] == NONE and start[i] == end[i]
            continue
        p = int(person[i])
        if not problem.staffed[i]:  # runs on the organisation calendar
            assert p == NONE
            assert problem.timeline(NONE).next_working(int(start[i])) == start[i]
        else:
            assert p in problem.eligible[i]
            assert problem.pinned_person[i] in (NONE, p)
            assert problem.working[p, start[i]], "starts outside working time"
        assert end[i] == problem.team_end(i, person, int(start[i]))  # the last member's finish
        assert start[problem.team(i)[0]] == start[i]  # a team starts together
    for p in range(problem.n_people):
        mine = np.flatnonzero(person == p)
        spans = sorted(zip(start[mine], end[mine], strict=True))
        assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:], strict=False)), "overlap"
    for r in range(len(problem.resource_ids)):
        usage = np.zeros(problem.horizon + 1, dtype=np.int64)
        for i in np.flatnonzero(problem.demand[:, r]):
            usage[start[i] : end[i]] += problem.demand[i, r]
        assert (usage[: problem.horizon] <= problem.capacity[r]).all(), "overbooked resource"
    for prec in problem.precedences:
        if NONE in (start[prec.pred], start[prec.succ]):
            continue
        source = start[prec.pred] if prec.kind in (SS, SF) else end[prec.pred]
        target = start[prec.succ] if prec.kind in (FS, SS) else end[prec.succ]
        if prec.working_lag:
            assert problem.org_cum_work[target] >= problem.org_cum_work[source] + prec.lag
        else:
            assert target >= source + prec.lag


def when(problem, schedule, task_id):
    i = problem.task_ids.index(task_id)
    return problem.grid.time(int(schedule.start[i])), problem.grid.time(int(schedule.end[i]))


def who(problem, schedule, task_id):
    return problem.person_ids[int(schedule.person[problem.task_ids.index(task_id)])]


# --- calendars ------------------------------------------------------------------------------


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_work_pauses_over_the_weekend(formulation):
    """24 hours released Thursday 09:00 Berlin: Thursday, Friday, then Monday until 17:00."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[Task(id="t", effort_hours=24, release=utc(5, 8))],
        objective=["makespan"],
    )
    outcome = solve(problem, formulation)
    assert when(problem, outcome.schedule, "t") == (utc(5, 8), utc(9, 16))
    assert outcome.level_values == (7 * 24 + 8,)
    assert outcome.level_bounds == outcome.level_values


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_time_off_sends_the_task_to_the_other_person(formulation):
    """Ana, listed first, is away Monday to Wednesday, so Ben does the 8 hours on Monday."""
    away = TimeOff(start=date(2026, 3, 2), end=date(2026, 3, 4))
    problem = compile_(
        people=[
            Person(id="ana", calendar=BERLIN.model_copy(update={"time_off": (away,)})),
            Person(id="ben", calendar=BERLIN),
        ],
        tasks=[Task(id="t", effort_hours=8)],
    )
    outcome = solve(problem, formulation)
    assert who(problem, outcome.schedule, "t") == "ben"
    assert when(problem, outcome.schedule, "t") == (utc(2, 8), utc(2, 16))


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_public_holidays_send_the_task_to_the_other_person(formulation):
    """Over Easter 2026 (Good Friday, Easter Monday) Ana in Germany would need until Tuesday;
    Ben, on the same hours without holidays, is done Friday."""
    thursday = utc(2, 7, month=4)  # 09:00 in Berlin (summer time)
    problem = compile_(
        start=thursday,
        people=[
            Person(id="ana", calendar=BERLIN.model_copy(update={"holidays": "DE"})),
            Person(id="ben", calendar=BERLIN),
        ],
        tasks=[Task(id="t", effort_hours=16)],
    )
    outcome = solve(problem, formulation)
    assert who(problem, outcome.schedule, "t") == "ben"
    assert when(problem, outcome.schedule, "t") == (thursday, utc(3, 15, month=4))


# --- dependencies across time zones -----------------------------------------------------------


def two_zone_problem(kind: str, lag: float, lag_in: str = "elapsed"):
    """`a` (8 h) can only be done by Ana in Berlin, `b` (8 h) only by Lee in Los Angeles."""
    return compile_(
        calendar=BERLIN,
        people=[
            Person(id="ana", skills={"de": 1}, calendar=BERLIN),
            Person(id="lee", skills={"us": 1}, calendar=LOS_ANGELES),
        ],
        tasks=[
            Task(id="a", effort_hours=8, skills={"de": 1}),
            Task(
                id="b",
                effort_hours=8,
                skills={"us": 1},
                after=[Dependency(task="a", type=kind, lag_hours=lag, lag_in=lag_in)],
            ),
        ],
        objective=["makespan"],
    )


def brute_force_makespan(problem) -> int:
    """The optimum of a two-task, one-person-each problem by trying every pair of starts."""
    (prec,) = problem.precedences
    options = []
    for task in (0, 1):
        (person,) = problem.eligible[task]
        starts = np.flatnonzero(problem.working[person])
        ends = np.array([problem.end_of(task, person, int(s)) for s in starts])
        keep = (ends != NONE) & (starts >= problem.release[task])
        options.append((starts[keep], ends[keep]))
    (sa, ea), (sb, eb) = options
    source = (sa if prec.kind in (SS, SF) else ea)[:, None]
    target = (sb if prec.kind in (FS, SS) else eb)[None, :]
    if prec.working_lag:
        cum = problem.org_cum_work
        feasible = cum[target] >= cum[source] + prec.lag
    else:
        feasible = target >= source + prec.lag
    last = np.maximum(ea[:, None], eb[None, :])
    return int(last[feasible].min())


@pytest.mark.parametrize("formulation", FORMULATIONS)
@pytest.mark.parametrize(
    ("kind", "lag", "lag_in"),
    [
        ("FS", 2, "elapsed"),
        ("SS", 5, "elapsed"),
        ("FF", 30, "elapsed"),
        ("SF", 20, "elapsed"),
        ("FS", -3, "elapsed"),
        ("FS", 3, "working"),
        ("SF", 12, "working"),
    ],
)
def test_dependency_types_across_zones(formulation, kind, lag, lag_in):
    """Each dependency type with a lag (elapsed, negative, working) between zones 9 hours apart
    reaches the optimum found by brute force over all pairs of starts."""
    problem = two_zone_problem(kind, lag, lag_in)
    outcome = solve(problem, formulation)
    best = brute_force_makespan(problem)
    assert outcome.level_values == ((best - problem.start_offset) * problem.hours_per_tick,)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_finish_to_start_across_zones_by_hand(formulation):
    """Ana works 08-16 UTC Monday; 2 h later Lee starts at 10:00 in Los Angeles (18:00 UTC), works
    7 hours until 01:00 UTC and the last hour on Tuesday 17:00-18:00 UTC."""
    problem = two_zone_problem("FS", 2)
    schedule = solve(problem, formulation).schedule
    assert when(problem, schedule, "a") == (utc(2, 8), utc(2, 16))
    assert when(problem, schedule, "b") == (utc(2, 18), utc(3, 18))


# --- the objective --------------------------------------------------------------------------


def deadline_problem(objective):
    """Pia must do `urgent` (due Monday 17:00 Berlin) and `x`; Quinn's 40 h `z` follows `x`.

    Urgent first: no lateness, makespan 200 h. `x` first: 24 h late, makespan 176 h."""
    return compile_(
        people=[
            Person(id="pia", skills={"p": 1}, calendar=BERLIN),
            Person(id="quinn", skills={"q": 1}, calendar=BERLIN),
        ],
        tasks=[
            Task(id="urgent", effort_hours=8, skills={"p": 1}, deadline=utc(2, 16)),
            Task(id="x", effort_hours=8, skills={"p": 1}),
            Task(id="z", effort_hours=40, skills={"q": 1}, after=["x"]),
        ],
        objective=objective,
    )


@pytest.mark.parametrize("formulation", FORMULATIONS)
@pytest.mark.parametrize(
    ("objective", "values", "urgent_first"),
    [
        (["lateness", "makespan"], (0, 200), True),
        (["makespan", "lateness"], (176, 24), False),
        ({"lateness": 0.5, "makespan": 1}, (176 + 12,), False),
        ({"lateness": 1.5, "makespan": 1}, (200,), True),
        # levels too wide for one objective: solved as two stages
        (
            [{"lateness": 1, "makespan": 1e-6}, {"makespan": 1, "lateness": 1e-6}],
            (200e-6, 200),
            True,
        ),
    ],
)
def test_objective_levels_are_lexicographic(formulation, objective, values, urgent_first):
    """The order of levels, and the weights within one, decide which task goes first."""
    problem = deadline_problem(objective)
    outcome = solve(problem, formulation)
    assert outcome.level_values == pytest.approx(values)
    assert outcome.level_bounds == pytest.approx(values)
    urgent, x = (when(problem, outcome.schedule, t)[0] for t in ("urgent", "x"))
    assert (urgent < x) == urgent_first


def test_two_stages_when_levels_do_not_fit_one_objective():
    """Levels whose combined range passes 2**53 are solved one stage after the other."""
    problem = deadline_problem(
        [{"lateness": 1, "makespan": 1e-6}, {"makespan": 1, "lateness": 1e-6}]
    )
    outcome = solve(problem)
    assert outcome.stats["stages"] == 2


def test_bound_decomposition():
    """A bound on the combined objective bounds the first level; later levels only once the
    earlier ones are proven (their bound reaches the found value)."""
    levels = [Level((), (), (), (), 1.0, True, 9), Level((), (), (), (), 1.0, True, 99)]
    (stage,) = stages(levels)
    assert stage == Stage((0, 1), (100, 1))
    assert decompose(512, stage, levels, [6, 40]) == {0: 5}
    assert decompose(612, stage, levels, [6, 40]) == {0: 6, 1: 12}
    assert decompose(640, stage, levels, [6, 40]) == {0: 6, 1: 40}
    assert decompose(640, stage, levels, None) == {0: 6}
    wide = [Level((), (), (), (), 1.0, True, 2**40), Level((), (), (), (), 1.0, True, 2**20)]
    assert [s.levels for s in stages(wide)] == [(0,), (1,)]


# --- pins, milestones, hints, infeasibility -------------------------------------------------------


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_pins_are_kept(formulation):
    """A task pinned to the second person and to Tuesday 09:00 Berlin stays there; a task pinned
    only to a person gets that person (and does not overlap the other)."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[Task(id="t", effort_hours=8), Task(id="u", effort_hours=4)],
        pins=[Pin(task="t", person="ben", start=utc(3, 8)), Pin(task="u", person="ben")],
    )
    schedule = solve(problem, formulation).schedule
    assert who(problem, schedule, "t") == who(problem, schedule, "u") == "ben"
    assert when(problem, schedule, "t") == (utc(3, 8), utc(3, 16))


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_milestones_take_no_time_and_no_person(formulation):
    """A milestone after two tasks happens when the later one ends; its deadline counts, and a
    task after it starts then."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        projects=[Project(id="p", deadline=utc(3, 12))],
        tasks=[
            Task(id="a", effort_hours=8, project="p"),
            Task(id="b", effort_hours=12, project="p"),
            Task(id="done", milestone=True, after=["a", "b"], deadline=utc(2, 16), priority=3),
            Task(id="c", effort_hours=2, after=["done"]),
        ],
    )
    outcome = solve(problem, formulation)
    done = problem.task_ids.index("done")
    assert outcome.schedule.person[done] == NONE
    assert when(problem, outcome.schedule, "done") == (utc(3, 12), utc(3, 12))
    assert when(problem, outcome.schedule, "c") == (utc(3, 12), utc(3, 14))
    assert outcome.level_values == (3 * 20, 30)  # milestone 20 h late (x3), project on time


def test_tasks_that_may_start_at_any_tick_get_no_day_and_hour():
    """Around the clock a task's start bounds already say where it may start, so the day-hour
    model gives it no day and hour variables; a task on office hours keeps them. The plan is
    still the optimum: the 40 h of lab work, the longer job, run from the start, at night too."""
    from allocate.strategies.cpsat.model import build_model

    always = Calendar(
        weekly_hours={d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    )
    problem = compile_(
        start=utc(1, 0),  # a Sunday
        calendar=always,
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[Task(id="lab", effort_hours=40, people=0), Task(id="desk", effort_hours=2)],
    )
    tasks = build_model(problem, "day-hour", problem.horizon).variables.tasks
    assert tasks[0].day is None and tasks[0].hour is None
    assert tasks[1].day is not None and tasks[1].hour is not None
    outcome = solve(problem)
    assert when(problem, outcome.schedule, "lab") == (utc(1, 0), utc(2, 16))
    assert outcome.level_values[-1] == 40


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_complete_hint_is_the_first_solution(formulation):
    """A valid greedy plan is a complete hint: with one worker CP-SAT's first solution is the hint
    itself (urgent task late), and the full solve improves on it."""
    problem = deadline_problem(["lateness", "makespan"])
    greedy = Greedy(rule="tail").solve(problem)
    first = solve(
        problem,
        formulation,
        expect="feasible",
        hint=greedy.schedule,
        params={"stop_after_first_solution": True},
    )
    assert first.stats["hint"] == "complete"
    assert first.stats["solutions"] == 1
    assert first.level_values == greedy.level_values == (24, 176)  # the hint itself
    best = solve(problem, formulation, hint=greedy.schedule)
    assert best.level_values == (0, 200) <= greedy.level_values


def test_hint_shortens_the_horizon_and_bad_hints_are_ignored():
    """A valid hint cuts the model horizon to its end plus slack (provably harmless when the first
    level weighs the makespan); an overlapping hint is reported and not used."""
    problem = compile_(weeks=52, **_two_tasks())
    hint = Greedy().solve(problem).schedule
    outcome = solve(problem, hint=hint)
    assert outcome.stats["horizon"] < problem.horizon
    assert outcome.stats["horizon_kind"] == "hint-slack"  # lateness first: no makespan proof
    makespan_first = compile_(weeks=52, objective=["makespan", "lateness"], **_two_tasks())
    bounded = solve(makespan_first, hint=hint)
    assert bounded.stats["horizon_kind"] == "makespan-bounded"
    assert bounded.level_values == (32, 0)  # Monday 09:00 to Tuesday 17:00 Berlin
    clash = Schedule(hint.start.copy(), hint.end.copy(), hint.person.copy())
    clash.start[1], clash.end[1] = clash.start[0], clash.end[0]
    ignored = solve(problem, hint=clash)
    assert "overlapping" in ignored.stats["hint"]
    assert ignored.stats["horizon"] == problem.horizon
    assert ignored.level_values == outcome.level_values


def _two_tasks():
    return {
        "people": [Person(id="ana", calendar=BERLIN)],
        "tasks": [Task(id="a", effort_hours=8), Task(id="b", effort_hours=8)],
    }


def test_task_that_fits_nowhere_is_infeasible_with_a_reason():
    """80 hours cannot fit into a one-week horizon: infeasible, and the reason names the person."""
    problem = compile_(
        weeks=1, people=[Person(id="ana", calendar=BERLIN)], tasks=[Task(id="t", effort_hours=80)]
    )
    outcome = CpSat(workers=1).solve(problem, time_limit=5)
    assert outcome.status == "infeasible"
    assert "'ana'" in outcome.schedule.reasons[0]


def test_progress_reports_every_solution():
    """The progress callback sees each solution with level values and bounds in hours."""
    problem = deadline_problem(["lateness", "makespan"])
    seen = []
    outcome = solve(problem, progress=seen.append)
    assert len(seen) == outcome.stats["solutions"] >= 1
    assert seen[-1].objective == outcome.level_values
    assert all(len(p.bound) == 2 and p.bound <= p.objective for p in seen)


def test_reaching_known_lower_bounds_ends_the_search():
    """Lower bounds from outside CP-SAT (the caller's promise) end a stage at the first solution
    that meets them, and skip later stages the plan already meets: one solution, "optimal",
    instead of searching a 6 x 50 plan for the whole 120 s. A hint that meets them is the answer
    without a model."""
    from test_lns import generated

    problem, greedy = generated(6, 50)
    loose = tuple(10 * v + 1 for v in greedy.level_values)
    outcome = CpSat(workers=1).solve(problem, time_limit=120.0, seed=2, bounds=loose)
    assert outcome.status == "optimal" and outcome.stats["solutions"] == 1
    assert outcome.stats["solve_seconds"] < 60
    at_hint = CpSat(workers=1).solve(
        problem, time_limit=30.0, hint=greedy.schedule, bounds=greedy.level_values
    )
    assert at_hint.status == "optimal" and at_hint.stats["hint"] == "meets the bounds"
    assert at_hint.stats["solutions"] == 0 and at_hint.stats["solve_seconds"] == 0
    assert at_hint.level_values == greedy.level_values == at_hint.level_bounds


# --- options ------------------------------------------------------------------------------------


def test_unknown_parameter_fails_at_construction_with_close_names():
    """A misspelt CP-SAT parameter fails immediately and suggests the real one."""
    with pytest.raises(ValueError, match="num_worker'.*num_workers"):
        CpSat(params={"num_worker": 4})
    with pytest.raises(ValueError, match="invalid CP-SAT parameter value"):
        CpSat(params={"num_workers": "four"})


@pytest.mark.parametrize(
    "options", [{"formulation": "time-indexed"}, {"workers": 0}, {"probing": "off"}]
)
def test_bad_options_fail_at_construction(options):
    with pytest.raises(ValueError):
        CpSat(**options)


# --- random scenarios ----------------------------------------------------------------------------


@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=5))
def test_generated_scenarios_agree(scenario):
    """On random small scenarios (zones, split days, holidays, pins, every dependency type) both
    formulations return verified plans, agree when both prove optimality, and never lose to
    the greedy plan they are hinted with."""
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem)
    results = []
    for formulation in FORMULATIONS:
        outcome = CpSat(formulation=formulation, workers=1).solve(
            problem,
            time_limit=10,
            seed=1,
            hint=greedy.schedule if greedy.schedule.complete else None,
        )
        if greedy.schedule.complete:
            assert outcome.status in ("optimal", "feasible")
        if outcome.schedule.complete:
            verify(problem, outcome.schedule)
            if greedy.schedule.complete:
                assert outcome.level_values <= tuple(v + 1e-9 for v in greedy.level_values)
        results.append(outcome)
    if all(o.status == "optimal" for o in results):
        assert results[0].level_values == pytest.approx(results[1].level_values)
    assert (results[0].status == "infeasible") == (results[1].status == "infeasible")


# --- neighbourhoods: free tasks re-planned, the rest held ----------------------------------------


def reoptimise(problem, schedule, free, **fixing):
    """Re-plan `free` (task ids) with the rest of `schedule` held; verify and return the plan."""
    indices = np.array(
        [i for i, t in enumerate(problem.task_ids) if t in free], dtype=np.int64
    )  # every slot of a team
    outcome = CpSat(workers=1).reoptimise(
        problem,
        Fixing(schedule, indices, **fixing),
        horizon=problem.horizon,
        time_limit=10,
        seed=3,
    )
    verify(problem, outcome.schedule)
    held = np.setdiff1d(np.arange(problem.n_tasks), indices)
    for array in ("start", "end", "person"):
        assert (getattr(outcome.schedule, array)[held] == getattr(schedule, array)[held]).all()
    assert outcome.level_values == pytest.approx(
        level_values(problem, outcome.schedule.end, outcome.schedule.person)
    )
    return outcome


def placed(problem, **plan) -> Schedule:
    """A schedule from {task id: (person id or None, start datetime)}, ends by the calendar."""
    schedule = Schedule.empty(problem.n_tasks)
    for task_id, (person_id, start) in plan.items():
        i = problem.task_ids.index(task_id)
        person = NONE if person_id is None else problem.person_ids.index(person_id)
        tick = problem.grid.tick(start)
        end = tick if problem.is_milestone(i) else problem.end_of(i, person, tick)
        schedule.start[i], schedule.end[i], schedule.person[i] = tick, end, person
    return schedule


def test_a_statement_reads_free_tasks_from_the_model_and_held_ones_from_the_plan():
    """What objective terms see of a neighbourhood: a free task's start and people are model
    variables, a held task's are constants of the held plan."""
    from ortools.sat.python import cp_model

    from allocate.strategies.cpsat.model import build_model
    from allocate.strategies.cpsat.statement import Statement

    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[Task(id=t, effort_hours=8) for t in ("held", "free")],
        objective=["makespan"],
    )
    plan = placed(problem, held=("ana", utc(2, 8)), free=("ben", utc(2, 8)))
    built = build_model(problem, "day-hour", problem.horizon, Fixing(plan, np.array([1])))
    statement = Statement(built.model, problem, built.variables)
    assert statement.tasks == [1] and statement.in_model(1) and not statement.in_model(0)
    assert statement.start(0) == plan.start[0] and statement.x(0, 0) == 1
    assert statement.start(1) is built.variables.tasks[1].start
    assert isinstance(statement.x(1, 1), cp_model.IntVar) and statement.people_of(0) == [0]


def test_free_task_fills_a_gap_between_held_tasks():
    """Ana holds Monday and Wednesday; the free 8 hours can only go on Tuesday, between them."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[Task(id=t, effort_hours=8) for t in ("mon", "wed", "free")],
        objective=["makespan"],
    )
    schedule = placed(
        problem, mon=("ana", utc(2, 8)), wed=("ana", utc(4, 8)), free=("ana", utc(5, 8))
    )
    outcome = reoptimise(problem, schedule, ["free"])
    assert outcome.status == "optimal"
    assert when(problem, outcome.schedule, "free") == (utc(3, 8), utc(3, 16))
    assert outcome.level_values == (2 * 24 + 8,)  # Wednesday 17:00 Berlin, held


def test_held_neighbours_bound_the_free_task():
    """Free `b` (due Monday 17:00 Berlin) comes 2 working hours after held `a` ends at 11:00,
    and Ana is busy then, so Ben does it from 13:00; held `c` after it stays where it was."""
    problem = compile_(
        calendar=BERLIN,
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[
            Task(id="a", effort_hours=2),
            Task(
                id="b",
                effort_hours=3,
                after=[Dependency(task="a", lag_hours=2, lag_in="working")],
                deadline=utc(2, 16),
            ),
            Task(id="c", effort_hours=8, after=["b"]),
            Task(id="x", effort_hours=5),
        ],
    )
    schedule = placed(
        problem,
        a=("ana", utc(2, 8)),  # 09-11 Berlin
        x=("ana", utc(2, 10)),  # 11-16 Berlin: Ana is busy
        b=("ben", utc(3, 8)),  # Tuesday 09-12
        c=("ana", utc(3, 11)),  # Tuesday 12-17 then Wednesday 09-12
    )
    outcome = reoptimise(problem, schedule, ["b"])
    assert who(problem, outcome.schedule, "b") == "ben"
    assert when(problem, outcome.schedule, "b") == (utc(2, 12), utc(2, 15))
    assert outcome.level_values == (
        0,
        level_values(problem, schedule.end, schedule.person)[1],
    )  # c ends last


def test_due_with_held_and_free_tasks_counts_both():
    """The project's last task is held and late; the free one could be later without cost, but
    is placed where the lexicographic objective wants it: lateness counts the held end."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        projects=[Project(id="p", deadline=utc(2, 16))],
        tasks=[
            Task(id="held", effort_hours=16, project="p"),
            Task(id="free", effort_hours=8, project="p"),
        ],
    )
    schedule = placed(problem, held=("ana", utc(2, 8)), free=("ana", utc(4, 8)))
    outcome = reoptimise(problem, schedule, ["free"])
    assert outcome.level_values == (24, 32)  # held ends Tuesday 17:00, 24 h late
    assert outcome.schedule.end[problem.task_ids.index("free")] <= schedule.end[0]


def test_candidate_people_and_start_windows_restrict_the_free_tasks():
    """Narrowed to Ana and to starts from Wednesday on, the free task cannot take Ben's Monday
    and ends the plan on Wednesday; unrestricted, Ben does it within the held task's span."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[Task(id="busy", effort_hours=16), Task(id="free", effort_hours=8)],
        objective=["makespan"],
    )
    schedule = placed(problem, busy=("ana", utc(2, 8)), free=("ana", utc(5, 8)))
    free = problem.task_ids.index("free")
    wednesday = problem.grid.tick(utc(4, 8))
    outcome = reoptimise(
        problem,
        schedule,
        ["free"],
        people={free: [problem.person_ids.index("ana")]},
        earliest=np.array([wednesday]),
        latest=np.array([problem.horizon]),
    )
    assert who(problem, outcome.schedule, "free") == "ana"
    assert when(problem, outcome.schedule, "free") == (utc(4, 8), utc(4, 16))
    unrestricted = reoptimise(problem, schedule, ["free"])
    assert who(problem, unrestricted.schedule, "free") == "ben"
    assert unrestricted.level_values == (24 + 8,)  # Tuesday 17:00 Berlin


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6), data=st.data())
def test_neighbourhoods_of_generated_plans(scenario, data):
    """For random scenarios and any set of free tasks: the held tasks stay, the plan keeps every
    rule and is no worse than the one it started from; freeing everything reaches the optimum."""
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem)
    assume(greedy.schedule.complete)
    free = data.draw(st.sets(st.sampled_from(problem.task_ids)))
    outcome = reoptimise(problem, greedy.schedule, free)
    assert outcome.level_values <= tuple(v + 1e-9 for v in greedy.level_values)
    whole = reoptimise(problem, greedy.schedule, problem.task_ids)
    exact = CpSat(workers=1).solve(problem, time_limit=10, seed=3, hint=greedy.schedule)
    if whole.status == exact.status == "optimal":
        assert whole.level_values == pytest.approx(exact.level_values)


def test_every_solve_is_limited_by_the_budget_it_is_given():
    """CP-SAT gets the seconds left (at least a sliver), leaves Ctrl-C to Python, and in a
    deterministic run a deterministic limit and, with workers, the interleaved search that
    makes parallel workers repeatable."""
    from ortools.sat.python import cp_model

    from allocate.budget import Budget
    from allocate.strategies.cpsat.run import MIN_SOLVE_SECONDS, limit

    parameters = cp_model.CpSolver().parameters
    parameters.num_workers = 2
    limit(parameters, Budget(30.0))
    assert 29 < parameters.max_time_in_seconds <= 30 and not parameters.catch_sigint_signal
    assert not parameters.interleave_search
    limit(parameters, Budget.deterministic(4.0), most=0.5)
    assert parameters.max_deterministic_time == 0.5 and parameters.interleave_search
    spent = Budget.deterministic(1.0)
    spent.spend(1.0)
    limit(parameters, spent)
    assert parameters.max_deterministic_time == MIN_SOLVE_SECONDS


def test_a_neighbourhood_whose_budget_is_spent_is_not_built():
    """Re-planning with a spent budget returns the plan as it was, at once (building a
    sub-model is Python that no CP-SAT limit stops)."""
    from allocate.budget import Budget

    problem = deadline_problem(({"lateness": 1.0}, {"makespan": 1.0}))
    held = Greedy().solve(problem).schedule
    budget = Budget(1.0)
    budget.request_stop()
    outcome = CpSat(workers=1).reoptimise(
        problem, Fixing(held, np.arange(problem.n_tasks)), horizon=problem.horizon, budget=budget
    )
    assert outcome.schedule is held and outcome.stats["variables"] == 0


@given(
    st.lists(st.integers(0, 200), min_size=1, max_size=60, unique=True),
    st.integers(1, 10),
    st.integers(0, 200),
    st.integers(0, 220),
    st.integers(0, 220),
)
def test_feasible_starts_until_only_cuts_later_starts(ticks, effort, release, horizon, until):
    """A neighbourhood's `until` keeps exactly the whole-horizon starts up to it."""
    from allocate.strategies.cpsat.partition import feasible_starts

    work = np.array(sorted(ticks), dtype=np.int64)
    whole = feasible_starts(work, effort, release, horizon)
    cut = feasible_starts(work, effort, release, horizon, until=until)
    keep = whole.ticks <= until
    assert cut.ticks.tolist() == whole.ticks[keep].tolist()
    assert cut.spans.tolist() == whole.spans[keep].tolist()
