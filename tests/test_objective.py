"""Objective terms: each defined on a plan in domain units, mirrored on the compiled problem."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from allocate import Calendar, Dependency, Person, Project, Scenario, Task, check, solve
from allocate.check import recompute_objective
from allocate.objective import TERMS, balance_window
from allocate.plan import Assignment, Plan
from allocate.problem import compile_problem
from allocate.strategies.greedy import Greedy
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
    """objective.py (datetimes, ids) and terms.py (ticks, indices) name the same terms, and
    each side has its own function."""
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
    errors = []
    handler = logging.Handler()
    handler.emit = lambda record: errors.append(record.getMessage())
    logging.getLogger("allocate").addHandler(handler)
    try:
        plan = solve(scenario, strategy="greedy")
    finally:
        logging.getLogger("allocate").removeHandler(handler)
    assert not errors
    assert check(scenario, plan) == []
    assert plan.objective == pytest.approx(recompute_objective(scenario, plan))


def test_terms_cpsat_cannot_state_are_refused_by_name_or_left_to_greedy():
    """An explicit exact or neighbourhood strategy refuses an objective it cannot state, naming
    the term; `auto` returns the (checked) greedy plan instead of failing."""
    from allocate.examples import agency

    scenario = agency().model_copy(update={"objective": ({"lateness": 1.0}, {"cost": 1.0})})
    for name in ("cpsat", "lns"):
        with pytest.raises(ValueError, match="cannot optimise objective terms \\['cost'\\]"):
            solve(scenario, strategy=name, time_limit=2)
    plan = solve(scenario, time_limit=2)
    assert plan.stats.strategy == "greedy" and plan.feasible and plan.violations == ()
