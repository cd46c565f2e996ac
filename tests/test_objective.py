"""Objective terms: each defined on a plan in domain units, mirrored on the compiled problem."""

import logging
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate import Calendar, Dependency, Person, Project, Scenario, Task, check, solve
from allocate.check import recompute_objective
from allocate.objective import TERMS, balance_window
from allocate.plan import Assignment, Plan
from allocate.problem import compile_problem
from allocate.strategies.cpsat import CpSat
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from allocate.terms import TERMS as TICK_TERMS
from scenarios import scenarios

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 Berlin
FRIDAY_EVENING = MONDAY + timedelta(days=4, hours=8)
BERLIN = Calendar(timezone="Europe/Berlin")
ALL_TERMS = [{name: 1.0} for name in TERMS]


def team() -> list[Person]:
    return [
        Person(id="ana", skills={"x": 1}, calendar=BERLIN, hourly_rate=100),
        Person(id="ben", skills={"x": 1}, calendar=BERLIN, hourly_rate=50.5),
    ]


def plan_of(*rows: tuple[str, str, datetime, int]) -> Plan:
    return Plan(
        status="feasible",
        assignments=[
            Assignment(task=t, people=(p,) if p else (), start=s, end=s + timedelta(hours=h))
            for t, p, s, h in rows
        ],
    )


def values(scenario: Scenario, plan: Plan) -> dict[str, float]:
    return recompute_objective(scenario.model_copy(update={"objective": tuple(ALL_TERMS)}), plan)


def test_terms_are_the_same_on_both_sides():
    """allocate.objective (datetimes, ids) and allocate.terms (ticks, indices) name the same
    terms in the same order, and each side has its own definition."""
    assert list(TERMS) == list(TICK_TERMS)
    assert all(TERMS[name] is not TICK_TERMS[name] for name in TERMS)


def test_cost_counts_hours_times_rates():
    """8 h of Ana (100/h) and 4 h of Ben (50.50/h) cost 1,002."""
    scenario = Scenario(
        start=MONDAY,
        people=team(),
        tasks=[Task(id="a", effort_hours=8), Task(id="b", effort_hours=4)],
    )
    plan = plan_of(("a", "ana", MONDAY, 8), ("b", "ben", MONDAY, 4))
    assert values(scenario, plan)["cost"] == pytest.approx(800 + 202)


def test_late_projects_counts_projects_not_hours():
    """One project finishing after its deadline counts once, however late."""
    scenario = Scenario(
        start=MONDAY,
        people=team(),
        projects=[
            Project(id="p", deadline=MONDAY + timedelta(hours=2)),
            Project(id="q", deadline=FRIDAY_EVENING),
        ],
        tasks=[
            Task(id="a", effort_hours=8, project="p"),
            Task(id="b", effort_hours=8, project="q"),
        ],
    )
    plan = plan_of(("a", "ana", MONDAY, 8), ("b", "ben", MONDAY, 8))
    assert values(scenario, plan)["late_projects"] == 1


def test_utilisation_is_booked_over_available_in_the_window():
    """Up to Friday evening each person can work 40 h: 20 h booked is 50 %, none is 0 %."""
    scenario = Scenario(
        start=MONDAY,
        balance_until=FRIDAY_EVENING,
        people=team(),
        tasks=[Task(id="a", effort_hours=12), Task(id="b", effort_hours=8)],
    )
    plan = plan_of(
        ("a", "ana", MONDAY, 12 + 16), ("b", "ana", MONDAY + timedelta(days=1, hours=8), 8 + 16)
    )
    got = values(scenario, plan)
    assert got["peak_utilisation"] == 50.0
    assert got["utilisation_spread"] == 50.0
    assert balance_window(scenario) == (MONDAY, FRIDAY_EVENING)


def test_continuity_terms():
    """People per project, hand-overs inside a work stream, and preferences, counted by task."""
    scenario = Scenario(
        start=MONDAY,
        people=team(),
        projects=[Project(id="p")],
        tasks=[
            Task(id="a", effort_hours=4, project="p", stream="api", preferred=("ana",)),
            Task(id="b", effort_hours=4, project="p", stream="api", after=["a"], avoided=("ben",)),
            Task(id="c", effort_hours=4, project="p", after=[Dependency(task="b")]),
        ],
    )
    plan = plan_of(
        ("a", "ben", MONDAY, 4),
        ("b", "ben", MONDAY + timedelta(hours=4), 4),
        ("c", "ana", MONDAY + timedelta(days=1), 4),
    )
    got = values(scenario, plan)
    assert got["people_per_project"] == 2
    assert got["handovers"] == 0  # a and b share a stream and a person; c has no stream
    assert got["preferences"] == 2  # a not with Ana, b with Ben


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
def test_greedy_scores_every_term_as_the_checker_does(scenario):
    """The tick-level score of a greedy plan equals the checker's recomputation from its
    datetimes, for every term at once."""
    scenario = scenario.model_copy(update={"objective": tuple(ALL_TERMS)})
    problem = compile_problem(scenario)
    outcome = Greedy().solve(problem)
    if not outcome.schedule.complete:
        return
    with logged_errors() as errors:
        plan = solve(scenario, strategy="greedy")
    assert not errors
    assert check(scenario, plan) == []
    assert plan.objective == pytest.approx(recompute_objective(scenario, plan))


PEOPLE_TERMS = [
    "cost",
    "preferences",
    "people_per_project",
    "handovers",
    "peak_utilisation",
    "utilisation_spread",
]


def small_team_scenario(objective) -> Scenario:
    """Four people (rates, a part-timer, skills) and five tasks with preferences, a stream and
    two projects: every people term has a unique best assignment to find."""
    part_time = Calendar(
        timezone="Europe/Berlin", weekly_hours={"mon": ["09:00-17:00"], "tue": ["09:00-17:00"]}
    )
    people = [
        Person(id="ana", skills={"x": 2}, calendar=BERLIN, hourly_rate=120),
        Person(id="ben", skills={"x": 1}, calendar=BERLIN, hourly_rate=60),
        Person(id="cy", skills={"x": 1, "y": 1}, calendar=part_time, hourly_rate=80),
        Person(id="di", skills={"y": 1}, calendar=BERLIN, hourly_rate=40),
    ]
    tasks = [
        Task(id="a", project="p", effort_hours=6, skills={"x": 1}, stream="s", preferred=("ana",)),
        Task(
            id="b",
            project="p",
            effort_hours=4,
            skills={"x": 1},
            stream="s",
            after=[Dependency(task="a")],
            avoided=("ben",),
        ),
        Task(id="c", project="q", effort_hours=10, skills={"y": 1}),
        Task(id="d", project="q", effort_hours=3, skills={"x": 1}, preferred=("cy",)),
        Task(
            id="e",
            project="p",
            effort_hours=5,
            skills={"y": 1},
            stream="s",
            after=[Dependency(task="b")],
        ),
    ]
    projects = [Project(id="p"), Project(id="q")]
    return Scenario(
        start=MONDAY,
        people=people,
        projects=projects,
        tasks=tasks,
        objective=objective,
        balance_until=MONDAY + timedelta(weeks=2),
    )


def best_by_enumeration(problem, term: str) -> float:
    """The term's least value over every assignment of eligible people (these terms do not
    depend on when tasks run, and the horizon leaves room for any assignment)."""
    import itertools

    import numpy as np

    end = np.zeros(problem.n_tasks, dtype=np.int64)
    return min(
        TICK_TERMS[term].value(problem, end, np.array(people, dtype=np.int64))
        for people in itertools.product(*(list(e) for e in problem.eligible))
    )


def level_values(plan: Plan) -> list[float]:
    return [plan.objective[name] for name in ("lateness", "peak_utilisation", "cost")]


@pytest.mark.parametrize("term", PEOPLE_TERMS)
def test_cpsat_finds_the_best_assignment_for_each_people_term(term):
    """The exact model states each people term exactly: its proven optimum equals the least
    value over every assignment, and its own score is the checker's."""
    scenario = small_team_scenario(({term: 1.0},))
    problem = compile_problem(scenario)
    plan = solve(scenario, strategy=CpSat(workers=1), time_limit=20)
    assert plan.status == "optimal" and plan.violations == ()
    assert plan.objective[term] == pytest.approx(best_by_enumeration(problem, term))
    assert plan.level_bounds[0] == pytest.approx(plan.objective[term])


def test_lexicographic_people_terms_are_optimised_in_order():
    """Lateness first, then balance, then cost: every level matches the exact optimum of the
    same order found by a neighbourhood search of the whole plan."""
    objective = ({"lateness": 1.0}, {"peak_utilisation": 1.0}, {"cost": 1.0})
    scenario = small_team_scenario(objective)
    exact = solve(scenario, strategy=CpSat(workers=1), time_limit=20)
    searched = solve(scenario, strategy="lns", time_limit=5, seed=1)
    assert exact.status == "optimal" and exact.violations == () and searched.violations == ()
    assert level_values(searched) == pytest.approx(level_values(exact))


@given(scenario=scenarios(), level=st.sampled_from(PEOPLE_TERMS))
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
def test_cpsat_and_lns_score_people_terms_as_the_checker_does(scenario, level):
    """Whatever people term follows lateness, the exact and neighbourhood plans that claim to be
    feasible pass the checker, and their own scores equal the checker's (solve() logs an error
    when they differ)."""
    first = {"lateness": 1.0, "unplaced": 1.0}  # the scenarios may have optional work
    scenario = scenario.replace(objective=(first, {level: 1.0}))
    for strategy in (CpSat(workers=1), Lns(workers=1, iterations=6)):
        with logged_errors() as errors:
            plan = solve(scenario, strategy=strategy, time_limit=5)
        if plan.feasible:
            assert plan.violations == () and check(scenario, plan) == []
        assert not errors


@contextmanager
def logged_errors():
    """The messages of the errors the library logs inside the block."""
    errors: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: errors.append(record.getMessage())
    logger = logging.getLogger("allocate")
    logger.addHandler(handler)
    try:
        yield errors
    finally:
        logger.removeHandler(handler)


def test_cpsat_keeps_a_team_together_along_its_stream():
    """Two pairs in one work stream: the handover term compares crews, so the exact optimum keeps
    the same two people on both (zero handovers) although a cheaper third person could do either;
    the plan's own score is the checker's."""
    people = [
        Person(id=name, skills={"x": 1}, calendar=BERLIN, hourly_rate=rate)
        for name, rate in (("ana", 100), ("ben", 100), ("cy", 10))
    ]
    tasks = [
        Task(id="a", effort_hours=4, people=2, skills={"x": 1}, stream="s"),
        Task(id="b", effort_hours=4, people=2, skills={"x": 1}, stream="s", after=["a"]),
    ]
    scenario = Scenario(
        start=MONDAY, people=people, tasks=tasks, objective=({"handovers": 1.0}, {"cost": 1.0})
    )
    with logged_errors() as errors:
        plan = solve(scenario, strategy=CpSat(workers=1), time_limit=20)
    assert plan.status == "optimal" and plan.violations == () and not errors
    assert plan.objective["handovers"] == 0
    crews = {a.task: set(a.people) for a in plan.assignments}
    assert crews["a"] == crews["b"] and "cy" in crews["a"]
