"""Shared resources with capacity and tasks that need no person: model, greedy, checker."""

from datetime import UTC, datetime, timedelta

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from allocate import Calendar, Person, Scenario, Task, check, solve
from allocate.plan import Assignment, Plan
from allocate.scenario import CapacityChange, Resource
from allocate.strategies.cpsat.resources import exclusive_cliques

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
ALWAYS = Calendar(
    weekly_hours={d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
)


def lab_scenario(capacity=1, changes=(), **fields) -> Scenario:
    tasks = [Task(id=f"run{i}", effort_hours=4, people=0, resources={"lab": 1}) for i in range(3)]
    return Scenario(
        start=MONDAY,
        calendar=ALWAYS,
        resources=[Resource(id="lab", capacity=capacity, changes=changes)],
        tasks=tasks,
        **fields,
    )


def test_person_less_tasks_share_a_resource_in_turn():
    """Three 4-hour lab runs on a one-lab resource run one after another, around the clock."""
    plan = solve(lab_scenario(), strategy="greedy")
    assert plan.feasible and plan.violations == ()
    spans = sorted((a.start, a.end) for a in plan.assignments)
    assert [s for s, _ in spans] == [MONDAY + timedelta(hours=4 * i) for i in range(3)]
    assert all(a.people == () for a in plan.assignments)


def test_more_capacity_runs_in_parallel():
    """With three labs all runs start at once; a capacity drop later does not matter."""
    later = CapacityChange(start=MONDAY + timedelta(days=1), capacity=1)
    plan = solve(lab_scenario(capacity=3, changes=[later]), strategy="greedy")
    assert {a.start for a in plan.assignments} == {MONDAY}
    assert plan.violations == ()


def test_capacity_change_delays_work():
    """No lab until Tuesday: the runs start Tuesday."""
    tuesday = MONDAY + timedelta(days=1)
    plan = solve(
        lab_scenario(capacity=0, changes=[CapacityChange(start=tuesday, capacity=1)]),
        strategy="greedy",
    )
    assert min(a.start for a in plan.assignments) == tuesday
    assert plan.violations == ()


def test_person_less_task_pauses_on_the_organisation_calendar():
    """A task needing nobody follows Scenario.calendar: 10 h from Mon 09:00 Berlin end Tue 11:00."""
    scenario = Scenario(
        start=MONDAY,
        calendar=Calendar(timezone="Europe/Berlin"),
        tasks=[Task(id="review", effort_hours=10, people=0)],
    )
    plan = solve(scenario, strategy="greedy")
    assert plan.assignment("review").end == datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert plan.violations == ()


def test_staffed_task_also_needs_the_resource():
    """A person's task that needs the lab waits for it, even when the person is free."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=ALWAYS)],
        resources=[Resource(id="lab")],
        calendar=ALWAYS,
        tasks=[
            Task(id="machine", effort_hours=5, people=0, resources={"lab": 1}),
            Task(id="test", effort_hours=2, resources={"lab": 1}, deadline=MONDAY),
        ],
    )
    plan = solve(scenario, strategy="greedy")
    first, second = sorted(plan.assignments, key=lambda a: a.start)
    assert first.end <= second.start
    assert plan.violations == ()


def test_checker_reports_overbooked_resource():
    """Two runs at once on a one-unit lab are named with the resource and the time."""
    scenario = lab_scenario()
    at = [MONDAY, MONDAY + timedelta(hours=2), MONDAY + timedelta(hours=8)]
    plan = Plan(
        status="feasible",
        assignments=[
            Assignment(task=f"run{i}", start=s, end=s + timedelta(hours=4))
            for i, s in enumerate(at)
        ],
    )
    violations = [v for v in check(scenario, plan) if v.rule == "capacity"]
    assert len(violations) == 1
    assert violations[0].tasks == ("run0", "run1")
    assert "resource 'lab' has 1 units at 2026-03-02 10:00 UTC" in violations[0].message


def test_checker_rejects_a_person_on_a_person_less_task():
    """A task with people=0 must not be given to someone."""
    scenario = Scenario(
        start=MONDAY,
        calendar=ALWAYS,
        people=[Person(id="ana")],
        tasks=[Task(id="t", effort_hours=1, people=0)],
    )
    plan = Plan(
        status="feasible",
        assignments=[
            Assignment(task="t", people=("ana",), start=MONDAY, end=MONDAY + timedelta(hours=1))
        ],
    )
    assert any(v.rule == "people" and "needs nobody" in v.message for v in check(scenario, plan))


def test_unknown_resource_and_impossible_demand_are_named():
    """Validation names the task and the resource."""
    with pytest.raises(ValidationError) as excinfo:
        Scenario(
            start=MONDAY,
            resources=[Resource(id="lab", capacity=2)],
            tasks=[
                Task(id="a", effort_hours=1, people=0, resources={"oven": 1}),
                Task(id="b", effort_hours=1, people=0, resources={"lab": 3}),
            ],
        )
    text = str(excinfo.value)
    assert "task 'a' uses unknown resource 'oven'" in text
    assert "task 'b' needs 3 units of 'lab', which never has more than 2" in text


def test_exact_model_respects_capacity_and_proves_a_psplib_optimum():
    """CP-SAT with cumulative resources reaches the known optimum of PSPLIB j301_1 (43) and
    proves it; the checker accepts the plan."""
    from pathlib import Path

    from allocate.instances import read_psplib
    from allocate.strategies.cpsat import CpSat

    scenario = read_psplib(Path(__file__).parent / "data" / "j301_1.sm")
    plan = solve(scenario, strategy=CpSat(workers=1), time_limit=20, seed=1)
    assert plan.status == "optimal"
    assert plan.objective["makespan"] == 43
    assert plan.violations == ()


def test_exact_model_follows_a_capacity_change():
    """No lab until Tuesday, one afterwards: CP-SAT also starts the runs Tuesday, in turn."""
    from allocate.strategies.cpsat import CpSat

    tuesday = MONDAY + timedelta(days=1)
    scenario = lab_scenario(capacity=0, changes=[CapacityChange(start=tuesday, capacity=1)])
    plan = solve(scenario, strategy=CpSat(workers=1), time_limit=10)
    assert plan.status == "optimal" and plan.violations == ()
    assert sorted(a.start for a in plan.assignments) == [
        tuesday + timedelta(hours=4 * i) for i in range(3)
    ]


@settings(max_examples=60, deadline=None)
@given(
    demand=hnp.arrays(
        np.int64, st.tuples(st.integers(0, 14), st.integers(1, 3)), elements=st.integers(0, 6)
    ),
    capacity=st.integers(1, 8),
)
def test_exclusive_cliques_cover_exactly_the_clashing_pairs(demand, capacity):
    """The redundant NoOverlaps hold only tasks that never fit together, and every such pair."""
    top = np.full(demand.shape[1], capacity)
    cliques = exclusive_cliques(demand, top)
    clash = ((demand[:, None, :] + demand[None, :, :]) > top).any(axis=2)
    covered = {(a, b) for clique in cliques for a in clique for b in clique if a != b}
    assert all(len(clique) >= 2 for clique in cliques)
    assert all(clash[a, b] for a, b in covered)
    assert covered == {(a, b) for a, b in zip(*np.nonzero(clash), strict=True) if a != b}
