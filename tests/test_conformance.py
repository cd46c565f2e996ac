"""The contract every registered strategy keeps (`allocate.strategies.base.Strategy`).

Parametrised over `REGISTRY`, so a newly registered strategy is checked without a new test: the
shape of what it returns, its time limit, empty scenarios, hints (good and bad), that a plan it
calls feasible passes the independent checker, that an impossible pin leaves the task unplaced
with a reason, and that one worker and a seed repeat a run. Strategies that take a `workers`
option run with one.
"""

import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from allocate import Calendar, Dependency, Person, Pin, Project, Scenario, Task, check, solve
from allocate.problem import NONE, compile_problem
from allocate.scenario import Resource
from allocate.strategies import REGISTRY, get_strategy, register
from allocate.strategies.base import Outcome, Schedule, reaches
from allocate.strategies.greedy import Greedy
from allocate.terms import level_values
from test_lns import generated, generator

NAMES = sorted(REGISTRY)
STATUSES = ("optimal", "feasible", "infeasible", "unknown")
MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 Berlin, 03:00 New York


def make(name: str):
    """The registered strategy, with one worker if it has workers."""
    try:
        return get_strategy(name, workers=1)
    except TypeError:
        return get_strategy(name)


def agency(pins=()) -> Scenario:
    """Two zones, a holiday calendar, every dependency type, deadlines and a milestone."""
    berlin = Calendar(timezone="Europe/Berlin", holidays="DE")
    new_york = Calendar(
        timezone="America/New_York",
        weekly_hours={d: ["09:00-12:00", "13:00-17:30"] for d in ("mon", "tue", "wed", "thu")},
    )
    return Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", skills={"backend": 3, "design": 1}, calendar=berlin),
            Person(id="ben", skills={"backend": 2, "design": 3}, calendar=new_york),
            Person(id="cem", skills={"design": 2}, calendar=berlin),
        ],
        projects=[Project(id="acme", deadline=MONDAY + timedelta(days=4), priority=2)],
        tasks=[
            Task(id="spec", effort_hours=6, skills={"design": 1}, project="acme"),
            Task(id="api", effort_hours=16, skills={"backend": 2}, after=["spec"], project="acme"),
            Task(
                id="ui",
                effort_hours=12,
                skills={"design": 2},
                after=[Dependency(task="spec", type="SS", lag_hours=2)],
                project="acme",
            ),
            Task(id="docs", effort_hours=4, after=[Dependency(task="api", type="FF")]),
            Task(
                id="qa",
                effort_hours=8,
                skills={"backend": 1},
                after=["api", "ui"],
                deadline=MONDAY + timedelta(days=2),
                priority=3,
            ),
            Task(id="launch", milestone=True, after=["qa"], project="acme"),
        ],
        pins=list(pins),
    )


def run(name: str, scenario: Scenario, time_limit: float = 5.0, **options) -> Outcome:
    problem = compile_problem(scenario)
    return make(name).solve(problem, time_limit=time_limit, seed=2, **options)


@pytest.mark.parametrize("name", NAMES)
def test_outcome_has_the_contracted_shape(name):
    """One start, end and person per task; a known status; one value per objective level;
    bounds (if any) below the values; flat stats."""
    problem = compile_problem(agency())
    outcome = make(name).solve(problem, time_limit=5.0, seed=2)
    schedule = outcome.schedule
    assert isinstance(outcome, Outcome) and isinstance(schedule, Schedule)
    for array in (schedule.start, schedule.end, schedule.person):
        assert array.shape == (problem.n_tasks,) and np.issubdtype(array.dtype, np.integer)
    assert outcome.status in STATUSES
    assert schedule.complete and outcome.status in ("optimal", "feasible")
    assert len(outcome.level_values) == len(problem.objective)
    assert outcome.level_values == pytest.approx(
        level_values(problem, schedule.end, schedule.person)
    )
    assert len(outcome.level_bounds) in (0, len(problem.objective))
    bounds = zip(outcome.level_bounds, outcome.level_values, strict=False)
    assert all(b <= v + 1e-6 for b, v in bounds)
    assert all(
        isinstance(k, str) and isinstance(v, int | float | str) for k, v in outcome.stats.items()
    )


@pytest.mark.parametrize("name", NAMES)
def test_time_limit_is_honoured(name):
    """Given one second on 40 people x 500 tasks, a strategy returns in a few seconds, not
    after searching on (its own sub-limits are 5 s and more). The margin is wide so that a
    busy machine cannot fail it; how close the limit is kept is measured in
    benchmarks/time_limits.py (the promise: limit + max(0.5 s, 10 %))."""
    problem, greedy = generated(40, 500)
    began = time.perf_counter()
    outcome = make(name).solve(problem, time_limit=1.0, seed=2, hint=greedy.schedule)
    assert time.perf_counter() - began < 4.0
    assert outcome.status in STATUSES


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("people", [0, 2])
def test_scenario_without_tasks(name, people):
    """No tasks (with or without people): an empty, trivially optimal plan, also via solve()."""
    scenario = Scenario(
        start=MONDAY, people=[Person(id=f"p{i}", calendar=Calendar()) for i in range(people)]
    )
    outcome = run(name, scenario)
    assert outcome.schedule.start.shape == (0,)
    assert outcome.status in ("optimal", "feasible")
    plan = solve(scenario, strategy=make(name), time_limit=2)
    assert plan.status == "optimal" and plan.assignments == () and plan.violations == ()


@pytest.mark.parametrize("name", NAMES)
def test_hints_are_accepted_and_bad_ones_do_not_break_it(name):
    """From the greedy plan as hint, the result is no worse than the hint; a hint that books
    two tasks at once on one person is survived."""
    problem = compile_problem(agency())
    hint = Greedy().solve(problem)
    outcome = make(name).solve(problem, time_limit=5.0, seed=2, hint=hint.schedule)
    assert outcome.schedule.complete
    assert outcome.level_values <= tuple(v + 1e-9 for v in hint.level_values)
    bad = Schedule(hint.schedule.start.copy(), hint.schedule.end.copy(), hint.schedule.person)
    bad.start[1], bad.end[1] = bad.start[0], bad.end[0]
    survived = make(name).solve(problem, time_limit=5.0, seed=2, hint=bad)
    assert survived.schedule.complete


@pytest.mark.parametrize("name", NAMES)
def test_claimed_feasibility_passes_the_checker(name):
    """Every plan a strategy calls feasible has zero violations in the independent checker,
    on the hand-made agency and on a generated 10 x 100 scenario."""
    for scenario in (agency(), generator().generate(10, 100, seed=2)):
        plan = solve(scenario, strategy=make(name), time_limit=1.5, seed=2)
        assert plan.status in ("optimal", "feasible")
        assert plan.violations == () and check(scenario, plan) == []


def shared_lab() -> Scenario:
    """45 tasks, a third of them lab runs that need nobody, all sharing one lab with the
    staffed tasks that test on it; chains of three with deadlines."""
    tasks = []
    for i in range(45):
        kind = i % 3
        tasks.append(
            Task(
                id=f"t{i}",
                effort_hours=2 + (7 * i) % 11,
                people=0 if kind == 0 else 1,
                resources={"lab": 1} if kind != 1 else {},
                after=[f"t{i - 1}"] if kind else [],
                deadline=MONDAY + timedelta(days=3 + i // 6) if kind == 2 else None,
            )
        )
    return Scenario(
        start=MONDAY,
        calendar=Calendar(timezone="Europe/Berlin"),
        people=[Person(id=p, calendar=Calendar(timezone="Europe/Berlin")) for p in ("ana", "ben")],
        resources=[Resource(id="lab", capacity=2)],
        tasks=tasks,
    )


@pytest.mark.parametrize("name", NAMES)
def test_shared_resources_and_tasks_without_people_pass_the_checker(name):
    """With a shared lab and tasks that need nobody, a plan called feasible breaks no rule."""
    scenario = shared_lab()
    plan = solve(scenario, strategy=make(name), time_limit=2, seed=2)
    assert plan.status in ("optimal", "feasible")
    assert plan.violations == () and check(scenario, plan) == []


@pytest.mark.parametrize("name", NAMES)
def test_impossible_pin_leaves_the_task_unplaced_with_a_reason(name):
    """A pin on Good Friday (a German holiday) cannot be kept: that task is unplaced, with a
    reason naming the person, and the plan says infeasible."""
    good_friday = datetime(2026, 4, 3, 7, tzinfo=UTC)
    scenario = agency(pins=[Pin(task="spec", person="ana", start=good_friday)])
    outcome = run(name, scenario)
    problem = compile_problem(scenario)
    spec = problem.task_ids.index("spec")
    assert outcome.status == "infeasible"
    assert outcome.schedule.start[spec] == NONE
    assert "'ana'" in outcome.schedule.reasons[spec]
    plan = solve(scenario, strategy=make(name), time_limit=2)
    assert plan.status == "infeasible"
    assert any(u.task == "spec" and u.reason for u in plan.unplaced)


@pytest.mark.parametrize("name", NAMES)
def test_one_worker_and_a_seed_repeat_a_run(name):
    """Two runs with the same seed and one worker give the same plan (with a time limit they
    end well before: a run the clock cuts short need not repeat, and under load 5 s did)."""
    first, second = (run(name, agency(), time_limit=60) for _ in range(2))
    assert np.array_equal(first.schedule.start, second.schedule.start)
    assert np.array_equal(first.schedule.person, second.schedule.person)


def test_registered_strategies_are_found_by_name_with_their_options():
    """`register` makes a factory available to `get_strategy` (options passed through) and to
    `solve(strategy=name)`; a bad option fails at construction; 'auto' cannot be taken."""
    register("greedy-tail", lambda **options: Greedy(rule="tail", **options))
    try:
        assert get_strategy("greedy-tail").rule == "tail"
        assert solve(agency(), strategy="greedy-tail").feasible
        with pytest.raises(ValueError, match="sub_limit"):
            get_strategy("lns", sub_limit=-1)
        with pytest.raises(ValueError, match="cannot name a strategy"):
            register("auto", Greedy)
    finally:
        REGISTRY.pop("greedy-tail")


@pytest.mark.parametrize("name", NAMES)
def test_optional_work_that_cannot_fit_is_left_out(name):
    """An optional task nobody can finish before the horizon end is left out (NONE, with the
    rest placed): the schedule is complete, feasible, and scored with its `unplaced` hours."""
    base = agency()
    extra = Task(id="extra", effort_hours=200, skills={"design": 1}, optional=True, priority=2)
    scenario = base.model_copy(
        update={"tasks": (*base.tasks, extra), "horizon_end": MONDAY + timedelta(days=14)}
    )
    problem = compile_problem(scenario)
    outcome = make(name).solve(problem, time_limit=5.0, seed=2)
    schedule = outcome.schedule
    assert schedule.complete and outcome.status in ("optimal", "feasible")
    assert list(schedule.left_out) == [problem.task_ids.index("extra")]
    assert outcome.level_values == pytest.approx(
        level_values(problem, schedule.end, schedule.person)
    )
    assert outcome.level_values[0] >= 400.0
    plan = solve(scenario, strategy=make(name), time_limit=5)
    assert plan.feasible and plan.violations == () and [u.task for u in plan.left_out] == ["extra"]


@pytest.mark.parametrize("name", NAMES)
def test_a_plan_that_reaches_the_lower_bounds_ends_the_search(name):
    """Told lower bounds that its start already meets, a strategy returns at once (well within
    a 60 s limit on 10 x 100, which a search that ignored them would use up) with a plan no
    worse; one that uses them calls it optimal."""
    problem, greedy = generated(10, 100)
    began = time.perf_counter()
    outcome = make(name).solve(
        problem, time_limit=60.0, seed=2, hint=greedy.schedule, bounds=greedy.level_values
    )
    assert time.perf_counter() - began < 30.0
    assert outcome.level_values <= tuple(v + 1e-9 for v in greedy.level_values)
    assert outcome.status in ("optimal", "feasible")
    if outcome.status == "optimal":  # then any bounds it gives are its values
        assert outcome.level_bounds in ((), pytest.approx(outcome.level_values))


def test_reaching_bounds_is_meeting_them_on_every_level_asked():
    """`reaches`: every chosen level at or below its bound (to a relative 1e-9); nothing is
    reached without bounds or with bounds for other levels."""
    assert reaches((3.0, 5.0), (3.0, 5.0)) and reaches((3.0, 9.0), (3.0, 5.0), levels=[0])
    assert not reaches((3.0, 9.0), (3.0, 5.0)) and not reaches((3.0,), ())
    assert not reaches((3.0, 5.0), (3.0,))
    assert reaches((5e6 + 1e-4,), (5e6,)) and not reaches((5e6 + 0.01,), (5e6,))
