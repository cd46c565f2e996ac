"""Contradicting hard inputs: each fast check with a conflicting and a clean case, and CP-SAT's
core naming exactly the inputs that cannot hold together."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate import Calendar, Dependency, Person, Pin, Scenario, Task, TimeOff, solve
from allocate.bounds import earliest_schedule
from allocate.conflicts import (
    core,
    past_the_horizon,
    pinned_before_predecessors,
    pinned_before_release,
    pinned_off_work,
    pinned_overlaps,
    precheck,
    resource_always_short,
)
from allocate.problem import compile_problem
from allocate.report import summary
from allocate.scenario import CapacityChange, Resource
from scenarios import scenarios

MONDAY = datetime(2026, 4, 27, 9, tzinfo=UTC)  # Friday May 1 is Labour Day in Germany
BERLIN = Calendar(timezone="Europe/Berlin", holidays="DE")


def at(days: float, hours: float = 0) -> datetime:
    return MONDAY + timedelta(days=days, hours=hours)


def scenario(*tasks: Task, pins=(), people=None, **extra) -> Scenario:
    people = people or [
        Person(id="ana", skills={"backend": 3}, calendar=Calendar()),
        Person(id="ben", skills={"design": 2}, calendar=Calendar()),
    ]
    return Scenario(start=MONDAY, people=people, tasks=tasks, pins=pins, **extra)


def found(check, scen: Scenario) -> list:
    problem = compile_problem(scen)
    return list(check(scen, problem, earliest_schedule(problem, without_optional=True)))


# --- pinned start outside working time ------------------------------------------------------


def test_pin_on_a_public_holiday_names_it():
    ana = Person(id="ana", skills={"backend": 3}, calendar=BERLIN)
    scen = scenario(
        Task(id="api", effort_hours=4, skills={"backend": 1}),
        pins=[Pin(task="api", person="ana", start=datetime(2026, 5, 1, 8, tzinfo=UTC))],
        people=[ana],
    )
    (conflict,) = found(pinned_off_work, scen)
    assert conflict.ids == ("api", "ana")
    assert "public holiday on 2026-05-01" in conflict.message


def test_pin_during_time_off_names_the_leave():
    leave = TimeOff(start=date(2026, 4, 28), end=date(2026, 4, 30), reason="leave")
    ana = Person(id="ana", calendar=Calendar(time_off=[leave]))
    scen = scenario(
        Task(id="api", effort_hours=4),
        pins=[Pin(task="api", person="ana", start=at(1))],
        people=[ana],
    )
    (conflict,) = found(pinned_off_work, scen)
    assert "ana is off 2026-04-28 to 2026-04-30 (leave)" in conflict.message


def test_pin_in_working_time_or_with_someone_working_is_clean():
    scen = scenario(
        Task(id="api", effort_hours=4),
        Task(id="ux", effort_hours=4, skills={"design": 1}),
        pins=[Pin(task="api", person="ana", start=at(1)), Pin(task="ux", start=at(2, 2))],
    )
    assert found(pinned_off_work, scen) == []


def test_pin_at_night_says_the_hours():
    scen = scenario(Task(id="api", effort_hours=4), pins=[Pin(task="api", start=at(0, 12))])
    (conflict,) = found(pinned_off_work, scen)
    assert "does not work then (Mon 21:00 UTC; mon hours: 09:00-17:00)" in conflict.message


# --- pins against releases and dependencies -------------------------------------------------


def test_pin_before_the_release():
    scen = scenario(
        Task(id="api", effort_hours=4, release=at(1)), pins=[Pin(task="api", start=at(0))]
    )
    (conflict,) = found(pinned_before_release, scen)
    assert conflict.ids == ("api",)
    clean = scenario(
        Task(id="api", effort_hours=4, release=at(1)), pins=[Pin(task="api", start=at(2))]
    )
    assert found(pinned_before_release, clean) == []


def test_pin_before_the_dependency_chain_ends():
    """'spec' (8 h), 'api' (8 h), then 'qa' pinned Tuesday 09:00: the chain ends Tuesday 17:00."""
    tasks = (
        Task(id="spec", effort_hours=8),
        Task(id="api", effort_hours=8, after=["spec"]),
        Task(id="qa", effort_hours=2, after=["api"]),
    )
    (conflict,) = found(
        pinned_before_predecessors, scenario(*tasks, pins=[Pin(task="qa", start=at(1))])
    )
    assert conflict.ids == ("spec", "api", "qa")
    assert "let it start no earlier than 2026-04-28 17:00 UTC" in conflict.message
    assert (
        found(pinned_before_predecessors, scenario(*tasks, pins=[Pin(task="qa", start=at(2))]))
        == []
    )


def test_pin_whose_end_comes_before_a_finish_to_finish_dependency():
    tasks = (
        Task(id="build", effort_hours=16),
        Task(id="docs", effort_hours=2, after=[Dependency(task="build", type="FF")]),
    )
    conflicting = scenario(*tasks, pins=[Pin(task="docs", start=at(0))])
    assert [c.ids for c in found(pinned_before_predecessors, conflicting)] == [("build", "docs")]
    clean = scenario(*tasks, pins=[Pin(task="docs", start=at(1, 6))])
    assert found(pinned_before_predecessors, clean) == []


# --- two pins at once, resources, the horizon -----------------------------------------------


def test_two_tasks_pinned_to_one_person_at_once():
    tasks = (Task(id="a", effort_hours=4), Task(id="b", effort_hours=4))
    overlapping = [
        Pin(task="a", person="ana", start=at(0)),
        Pin(task="b", person="ana", start=at(0, 2)),
    ]
    (conflict,) = found(pinned_overlaps, scenario(*tasks, pins=overlapping))
    assert conflict.ids == ("a", "b", "ana")
    after = [Pin(task="a", person="ana", start=at(0)), Pin(task="b", person="ana", start=at(0, 4))]
    assert found(pinned_overlaps, scenario(*tasks, pins=after)) == []


def test_resource_short_at_every_moment_the_task_could_run():
    lab = Resource(id="lab", capacity=1, changes=[CapacityChange(start=at(1), capacity=0)])
    late = scenario(
        Task(id="t", effort_hours=2, resources={"lab": 1}, release=at(2)), resources=[lab]
    )
    (conflict,) = found(resource_always_short, late)
    assert conflict.ids == ("t", "lab")
    early = scenario(Task(id="t", effort_hours=2, resources={"lab": 1}), resources=[lab])
    assert found(resource_always_short, early) == []


def test_task_that_nobody_can_do_before_the_horizon():
    leave = TimeOff(start=date(2026, 4, 27), end=date(2026, 5, 10), reason="parental leave")
    ana = Person(id="ana", skills={"backend": 3}, calendar=Calendar(time_off=[leave]))
    scen = scenario(
        Task(id="api", effort_hours=8, skills={"backend": 2}),
        people=[ana],
        horizon_end=at(7),
    )
    (conflict,) = found(past_the_horizon, scen)
    assert conflict.ids == ("api",)
    assert "ana works only 0 h in that time, off 2026-04-27 to 2026-05-10 (parental leave)" in (
        conflict.message
    )
    assert found(past_the_horizon, scen.model_copy(update={"horizon_end": at(21)})) == []


def test_dependency_chain_longer_than_the_horizon():
    tasks = (Task(id="a", effort_hours=16), Task(id="b", effort_hours=16, after=["a"]))
    (conflict,) = found(past_the_horizon, scenario(*tasks, horizon_end=at(3)))
    assert conflict.ids == ("a", "b")
    assert found(past_the_horizon, scenario(*tasks, horizon_end=at(4))) == []


def test_optional_tasks_are_never_conflicts():
    scen = scenario(
        Task(id="a", effort_hours=40, optional=True),
        horizon_end=at(2),
        pins=[Pin(task="a", start=at(0, 12))],
    )
    assert precheck(scen, compile_problem(scen)) == []


# --- the CP-SAT core ------------------------------------------------------------------------


def busy_tuesday(horizon_days: float = 1 + 8 / 24) -> Scenario:
    """Ana alone does backend work, 9-17 UTC. 'a' is pinned to Tuesday 09:00, 'b' is released on
    Tuesday and the horizon ends Tuesday 17:00: they cannot all hold. 'c' and 'd' (Ben, with a
    release, a dependency and a pin of their own) are fine and must not be named."""
    return scenario(
        Task(id="a", effort_hours=8, skills={"backend": 1}),
        Task(id="b", effort_hours=8, skills={"backend": 1}, release=at(1)),
        Task(id="c", effort_hours=4, skills={"design": 1}, release=at(0, 2)),
        Task(id="d", effort_hours=4, skills={"design": 1}, after=["c"]),
        pins=[Pin(task="a", start=at(1)), Pin(task="d", person="ben")],
        horizon_end=at(horizon_days),
    )


def test_core_names_exactly_the_conflicting_inputs():
    scen = busy_tuesday()
    problem = compile_problem(scen)
    assert precheck(scen, problem) == []
    diagnosis, (conflict,) = core(scen, problem, time_limit=10)
    assert diagnosis.status == "infeasible"
    assert [i.label for i in diagnosis.inputs] == [
        "the pin of 'a' at 2026-04-28 09:00 UTC",
        "the release of 'b' (2026-04-28 09:00 UTC)",
        "the horizon end (2026-04-28 17:00 UTC)",
    ]
    assert conflict.ids == ("a", "b", "horizon_end")


def test_core_names_a_pin_on_a_holiday_and_the_pinned_person():
    """'api' is pinned to Ana on May 1 (her public holiday; Ben works then): the pin's person
    and its start conflict; the other inputs (a release, a dependency, a pin) do not."""
    people = [
        Person(id="ana", skills={"backend": 3}, calendar=BERLIN),
        Person(id="ben", skills={"backend": 2}, calendar=Calendar()),
    ]
    scen = scenario(
        Task(id="spec", effort_hours=4, release=at(0, 2)),
        Task(id="api", effort_hours=4, skills={"backend": 1}, after=["spec"]),
        Task(id="qa", effort_hours=2, after=["api"]),
        pins=[
            Pin(task="api", person="ana", start=datetime(2026, 5, 1, 10, tzinfo=UTC)),
            Pin(task="qa", person="ben"),
        ],
        people=people,
    )
    problem = compile_problem(scen)
    assert [c.ids for c in precheck(scen, problem)] == [("api", "ana")]
    diagnosis, (conflict,) = core(scen, problem, time_limit=10)
    assert [i.label for i in diagnosis.inputs] == [
        "the pin of 'api' to ana",
        "the pin of 'api' at 2026-05-01 10:00 UTC",
    ]
    assert conflict.ids == ("api", "ana")


def test_core_finds_the_plan_when_the_inputs_agree():
    scen = busy_tuesday(horizon_days=2 + 8 / 24)
    diagnosis, conflicts = core(scen, compile_problem(scen), time_limit=10)
    assert diagnosis.status == "feasible" and conflicts == []
    assert diagnosis.schedule.complete


@pytest.mark.parametrize("strategy", ["auto", "greedy"])
def test_solve_reports_infeasible_with_the_conflicts(strategy):
    plan = solve(busy_tuesday(), strategy=strategy, time_limit=10)
    assert plan.status == "infeasible"
    assert [c.ids for c in plan.conflicts] == [("a", "b", "horizon_end")]
    assert "Conflicting inputs" in summary(plan)


def test_solve_reports_the_fast_checks_first():
    scen = scenario(
        Task(id="api", effort_hours=4, release=at(1)), pins=[Pin(task="api", start=at(0))]
    )
    plan = solve(scen, time_limit=5)
    assert plan.status == "infeasible"
    assert [c.ids for c in plan.conflicts] == [("api",)]


# --- soundness on generated scenarios -------------------------------------------------------


@st.composite
def pinned_scenarios(draw) -> Scenario:
    """Generated scenarios with pinned starts (often off work or too early) and a horizon end a
    few days out, so that contradictions are common."""
    base = draw(scenarios(max_people=2, max_tasks=8))
    pins = {pin.task: pin.model_dump() for pin in base.pins}
    for task in base.tasks:
        if not task.milestone and draw(st.integers(0, 3)) == 0:
            start = base.start + timedelta(hours=draw(st.integers(0, 96)))
            pins[task.id] = {**pins.get(task.id, {"task": task.id}), "start": start}
    horizon = base.start + timedelta(days=draw(st.integers(2, 12)))
    data = base.model_dump() | {"pins": list(pins.values()), "horizon_end": horizon}
    return Scenario.model_validate(data)


@settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=pinned_scenarios())
def test_fast_checks_and_core_agree_with_the_exact_model(scenario):
    """Whenever a fast check reports a conflict, no plan exists (the exact model finds none);
    when the core finds a plan, it passes the checker; when it names a conflict, no strategy
    found a plan either."""
    problem = compile_problem(scenario)
    conflicts = precheck(scenario, problem)
    diagnosis, named = core(scenario, problem, time_limit=10)
    if conflicts:
        assert diagnosis.status == "infeasible", conflicts
    if diagnosis.status == "feasible":
        assert diagnosis.schedule.complete
        plan = solve(scenario, strategy="greedy")
        assert plan.status != "infeasible" and plan.violations == ()
        assert plan.conflicts == ()
    if diagnosis.status == "infeasible":
        assert named
        plan = solve(scenario, time_limit=5)
        assert plan.status == "infeasible" and plan.conflicts


def test_a_plan_with_conflicts_and_left_out_work_round_trips_through_json():
    plan = solve(busy_tuesday(), strategy="greedy", time_limit=10)
    scen = scenario(Task(id="x", effort_hours=40, optional=True), horizon_end=at(2))
    left = solve(scen, strategy="greedy")
    for original in (plan, left):
        assert type(original).from_json(original.to_json()) == original
    assert plan.conflicts and left.left_out
