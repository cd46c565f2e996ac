"""Weekly hour limits in the CP-SAT model (`strategies/cpsat/weeks.py`): exact optima on tiny
cases, complete hints, and neighbourhoods and LNS that keep the limit by the checker."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from allocate import Calendar, Person, Pin, Scenario, Task, check, solve
from allocate.limits import week_usage
from allocate.plan import SolveStats
from allocate.problem import compile_problem
from allocate.scenario import Slot
from allocate.solve import verified_plan
from allocate.strategies.base import Schedule
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.cpsat.hint import add_hint, hint_problem, model_horizon
from allocate.strategies.cpsat.model import build_model
from allocate.strategies.cpsat.weeks import week_loads
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from scenarios import scenarios
from test_cpsat import placed
from test_lns import generator

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 in Berlin
BERLIN = Calendar(timezone="Europe/Berlin")
MORNINGS = Calendar(
    timezone="Europe/Berlin", weekly_hours={d: ["09:00-13:00"] for d in ("mon", "tue", "wed")}
)
MAKESPAN = ({"makespan": 1.0},)


def exact(scenario: Scenario, time_limit: float = 10):
    """CP-SAT's plan of `scenario` (one worker), verified by the checker."""
    problem = compile_problem(scenario)
    outcome = CpSat(workers=1).solve(problem, time_limit=time_limit, seed=1)
    plan = verified_plan(scenario, problem, outcome, SolveStats())
    assert plan.violations == () and check(scenario, plan) == []
    return outcome.status, plan


def test_a_limited_person_waits_for_next_week_at_the_optimum():
    """Sam (20 h a week) is booked 16 h from Monday 09:00; the 8 h task only Sam can do fits
    by starting Friday 13:00 (4 h this week, 4 h next): it ends next Monday 13:00, proven."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="sam", calendar=BERLIN, skills={"pm": 1}, max_hours_per_week=20)],
        tasks=[
            Task(id="first", effort_hours=16),
            Task(id="second", effort_hours=8, skills={"pm": 1}),
        ],
        pins=[Pin(task="first", person="sam", start=MONDAY)],
        calendar=BERLIN,
        objective=MAKESPAN,
    )
    status, plan = exact(scenario)
    second = next(a for a in plan.assignments if a.task == "second")
    assert status == "optimal"
    assert second.start == datetime(2026, 3, 6, 12, tzinfo=UTC)  # Friday 13:00 Berlin
    assert second.end == datetime(2026, 3, 9, 12, tzinfo=UTC)  # Monday 13:00 Berlin
    unlimited = scenario.model_copy(
        update={"people": (Person(id="sam", calendar=BERLIN, skills={"pm": 1}),)}
    )
    _, free = exact(unlimited)
    assert max(a.end for a in free.assignments) == datetime(2026, 3, 4, 16, tzinfo=UTC)


def test_a_team_member_counts_only_their_own_work():
    """Sam (10 h a week) and Kim (mornings only) pair on 8 h each from Monday: Sam's 8 h end on
    Monday, though the team runs until Tuesday 13:00 (12 of Sam's working hours): the plan
    starting at once is optimal and clean by the checker."""
    scenario = Scenario(
        start=MONDAY,
        people=[
            Person(id="sam", calendar=BERLIN, skills={"be": 1}, max_hours_per_week=10),
            Person(id="kim", calendar=MORNINGS, skills={"ux": 1}),
        ],
        tasks=[
            Task(id="pair", effort_hours=8, team=[Slot(skills={"be": 1}), Slot(skills={"ux": 1})])
        ],
        calendar=BERLIN,
        objective=MAKESPAN,
    )
    status, plan = exact(scenario)
    assert status == "optimal"
    assert plan.assignments[0].end == datetime(2026, 3, 3, 12, tzinfo=UTC)
    problem = compile_problem(scenario)
    schedule = Schedule.empty(2)
    schedule.person[:] = [0, 1]
    schedule.start[:] = 0
    schedule.end[:] = problem.team_end(0, schedule.person, 0)
    assert week_usage(problem, schedule, 0) == {0: 12}  # the whole team span: too much
    assert week_loads(problem, schedule, 0) == {0: 8}


def hinted(problem, hint, fixing=None) -> cp_model.CpModel:
    horizon = problem.horizon if fixing is not None else model_horizon(problem, hint)[0]
    built = build_model(problem, "day-hour", horizon, fixing)
    assert not built.unplaceable
    add_hint(built.model, problem, built.variables, hint)
    return built.model


def assert_complete_and_consistent(model: cp_model.CpModel) -> None:
    """Every variable is hinted, and fixing each to its hint leaves a feasible model."""
    hint = model.proto.solution_hint
    assert sorted(hint.vars) == list(range(len(model.proto.variables)))
    fixed = model.clone()
    for var, value in zip(hint.vars, hint.values, strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(var) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def neighbourhood(problem, schedule, data) -> Fixing:
    """Free tasks (whole teams) drawn at random, each within a window of a few days around its
    start (a window inside one week makes its hours there a constant)."""
    free = data.draw(st.sets(st.integers(0, problem.n_tasks - 1), min_size=1))
    free = np.array(sorted({s for t in free for s in problem.team(t)}), dtype=np.int64)
    days = st.integers(0, 4).map(lambda d: d * problem.ticks_per_day)
    before = np.array(data.draw(st.lists(days, min_size=len(free), max_size=len(free))))
    after = np.array(data.draw(st.lists(days, min_size=len(free), max_size=len(free))))
    lead = np.array([problem.team(t)[0] for t in free])  # slots share the leader's window
    before, after = before[np.searchsorted(free, lead)], after[np.searchsorted(free, lead)]
    start = schedule.start[free]
    return Fixing(schedule, free, earliest=start - before, latest=start + after)


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6, weekly=True), data=st.data())
def test_a_valid_plan_is_a_complete_hint_whole_and_in_neighbourhoods(scenario, data):
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem).schedule
    assume(greedy.complete and hint_problem(problem, greedy) is None)
    assert_complete_and_consistent(hinted(problem, greedy))
    assert_complete_and_consistent(hinted(problem, greedy, neighbourhood(problem, greedy, data)))


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6, weekly=True), data=st.data())
def test_neighbourhoods_keep_weekly_limits(scenario, data):
    """Any free set re-planned with the rest held: the checker finds nothing."""
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem)
    assume(greedy.schedule.complete and hint_problem(problem, greedy.schedule) is None)
    outcome = CpSat(workers=1).reoptimise(
        problem,
        neighbourhood(problem, greedy.schedule, data),
        horizon=problem.horizon,
        time_limit=10,
        seed=3,
    )
    assert outcome.level_values <= tuple(v + 1e-9 for v in greedy.level_values)
    plan = verified_plan(scenario, problem, outcome, SolveStats())
    assert plan.violations == () and check(scenario, plan) == []


def test_lns_keeps_weekly_limits_on_a_generated_agency():
    """A quarter of the people of a generated 10 x 80 agency may work 20 h a week: LNS improves
    the greedy plan and the checker finds nothing."""
    base = generator().generate(10, 80, seed=2)
    people = tuple(
        p.model_copy(update={"max_hours_per_week": 20}) if i % 4 == 0 else p
        for i, p in enumerate(base.people)
    )
    scenario = base.model_copy(update={"people": people})
    greedy = solve(scenario, strategy="greedy")
    plan = solve(scenario, strategy=Lns(workers=1, size=8), time_limit=6, seed=1)
    assert plan.stats.strategy == "lns" and plan.violations == ()
    assert check(scenario, plan) == []
    assert tuple(plan.objective.values()) <= tuple(greedy.objective.values())


def test_options_inside_one_week_are_constants_hinted_once():
    """Three 8 h tasks free within Monday to Wednesday: each of Sam's options covers 8 h of
    that week whatever its start, a constant; the hint names every variable once and the
    re-plan keeps Sam at 20 h."""
    scenario = Scenario(
        start=MONDAY,
        people=[
            Person(id="sam", calendar=BERLIN, max_hours_per_week=20),
            Person(id="kim", calendar=BERLIN),
        ],
        tasks=[Task(id=t, effort_hours=8) for t in ("a", "b", "c")],
        calendar=BERLIN,
    )
    problem = compile_problem(scenario)
    tuesday = datetime(2026, 3, 3, 8, tzinfo=UTC)
    schedule = placed(problem, a=("sam", MONDAY), b=("sam", tuesday), c=("kim", MONDAY))
    free = np.arange(3)
    window = np.full(3, problem.grid.tick(datetime(2026, 3, 4, 8, tzinfo=UTC)))
    fixing = Fixing(schedule, free, earliest=np.zeros(3, dtype=np.int64), latest=window)
    assert_complete_and_consistent(hinted(problem, schedule, fixing))
    outcome = CpSat(workers=1).reoptimise(
        problem, fixing, horizon=problem.horizon, time_limit=10, seed=1
    )
    plan = verified_plan(scenario, problem, outcome, SolveStats())
    assert plan.violations == () and check(scenario, plan) == []
