"""Pooled people in the exact model: classes of interchangeable people, named afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allocate import Dependency, Person, Pin, Scenario, Task, check
from allocate.instances._common import ALWAYS
from allocate.plan import SolveStats
from allocate.problem import compile_problem
from allocate.scenario import Calendar, Slot
from allocate.solve import verified_plan
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.pools import pools
from allocate.strategies.greedy import Greedy

START = datetime(2026, 3, 2, tzinfo=UTC)


def crew(*skills: dict) -> list[Person]:
    return [Person(id=f"p{i}", skills=s, calendar=ALWAYS) for i, s in enumerate(skills)]


def scenario(people, tasks, **fields) -> Scenario:
    fields = {"objective": ["makespan"], "calendar": ALWAYS, **fields}
    return Scenario(start=START, people=people, tasks=tasks, **fields)


TWO_KINDS = crew({"a": 1}, {"a": 1}, {"a": 1}, {"a": 1, "b": 1}, {"a": 1, "b": 1}, {"b": 1})
TEAMS = [
    Task(id="t1", effort_hours=3, team=[Slot(skills={"a": 1}, count=2), Slot(skills={"b": 1})]),
    Task(id="t2", effort_hours=2, team=[Slot(skills={"a": 1}, count=3)], after=["t1"]),
    Task(id="t3", effort_hours=4, team=[Slot(skills={"b": 1}, count=2)]),
]


def test_people_with_the_same_eligibility_form_one_class():
    """p0-p2 may do only `a` places, p3-p4 both kinds, p5 only `b` places: three classes, each
    place offered one option per class."""
    found = pools(compile_problem(scenario(TWO_KINDS, TEAMS)))
    assert found.members == ((0, 1, 2), (3, 4), (5,))
    assert [e.tolist() for e in found.problem.eligible[:3]] == [[0, 3], [0, 3], [3, 5]]


def test_a_pinned_person_is_a_class_of_their_own():
    pinned = scenario(TWO_KINDS, TEAMS, pins=[Pin(task="t2", person="p1")])
    assert pools(compile_problem(pinned)).members == ((0, 2), (1,), (3, 4), (5,))


def test_no_pooling_where_it_would_not_be_exact():
    """Calendars that pause, people terms in the objective, or nobody alike: per person."""
    office = [Person(id=p.id, skills=p.skills) for p in TWO_KINDS]
    assert pools(compile_problem(scenario(office, TEAMS, calendar=Calendar()))) is None
    costly = scenario(TWO_KINDS, TEAMS, objective=["makespan", "peak_utilisation"])
    assert pools(compile_problem(costly)) is None
    distinct = crew({"a": 1}, {"a": 1, "b": 1}, {"b": 1})
    single = [Task(id=k, effort_hours=1, skills={k: 1}) for k in ("a", "b")]
    assert pools(compile_problem(scenario(distinct, single))) is None


def test_alike_places_of_a_hint_are_sorted_by_class():
    """The model orders places that need the same people by class; the hint is permuted to
    match, keeping every person's work (which it may, since the places are alike)."""
    problem = compile_problem(scenario(TWO_KINDS, TEAMS))
    found = pools(problem)
    hint = Greedy().solve(problem).schedule
    mapped = found.to_classes(hint)
    for places in found.alike_places():
        ranks = found.of_person[mapped.person[places]]
        assert (np.diff(ranks) >= 0).all()
    assert sorted(mapped.person.tolist()) == sorted(found.stand_in(hint.person).tolist())


def test_staffing_names_distinct_free_people_per_class():
    """Four overlapping places drawn from a class of four get four different people."""
    trio = Task(id="trio", effort_hours=2, team=[Slot(skills={"a": 1}, count=3)])
    solo = Task(id="solo", effort_hours=2, skills={"a": 1})
    problem = compile_problem(scenario(crew(*[{"a": 1}] * 4), [trio, solo]))
    found = pools(problem)
    classes = Greedy().solve(problem).schedule.copy()
    classes.person[:] = 0
    classes.start[:], classes.end[:] = 0, 2
    staffed = found.staff(classes)
    assert sorted(staffed.person.tolist()) == [0, 1, 2, 3]


def exact(case: Scenario, **options):
    """CP-SAT's own answer on `case`, from no hint and no outside bounds, as a checked Plan."""
    problem = compile_problem(case)
    outcome = CpSat(**options).solve(problem, time_limit=20)
    stats = SolveStats(strategy="cpsat", detail=outcome.stats)
    return outcome, verified_plan(case, problem, outcome, stats)


def test_pooled_model_proves_the_per_person_optimum():
    case = scenario(TWO_KINDS, TEAMS)
    (pooled, plan), (alone, _) = exact(case), exact(case, pooling=False)
    assert pooled.status == alone.status == "optimal"
    assert pooled.level_values == alone.level_values == (5.0,)
    assert not check(case, plan) and plan.objective == {"makespan": 5.0}
    assert pooled.stats["classes"] == 3


@st.composite
def always_open(draw) -> Scenario:
    """Three to six people with skills a/b on one around-the-clock calendar; teams, single
    tasks, dependencies, releases, deadlines and pins; a time objective."""
    kinds = [{"a": 1}, {"b": 1}, {"a": 1, "b": 1}, {"a": 2}]
    people = crew(*(draw(st.sampled_from(kinds)) for _ in range(draw(st.integers(3, 6)))))
    tasks = []
    for i in range(draw(st.integers(1, 5))):
        skill = draw(st.sampled_from(["a", "b"]))
        able = sum(1 for p in people if p.level(skill))
        assume(able)
        count = draw(st.integers(1, min(able, 3)))
        after = [Dependency(task=f"t{j}") for j in range(i) if draw(st.integers(0, 2)) == 0]
        deadline = (
            START + timedelta(hours=draw(st.integers(2, 20))) if draw(st.booleans()) else None
        )
        release = START + timedelta(hours=draw(st.integers(0, 5))) if draw(st.booleans()) else None
        tasks.append(
            Task(
                id=f"t{i}",
                effort_hours=draw(st.integers(1, 6)),
                team=[Slot(skills={skill: 1}, count=count)],
                after=after,
                deadline=deadline,
                release=release,
            )
        )
    pins = []
    if draw(st.booleans()):
        task = draw(st.sampled_from(tasks))
        skill = next(iter(task.members[0]))
        pins.append(Pin(task=task.id, person=next(p.id for p in people if p.level(skill))))
    objective = draw(st.sampled_from([["makespan"], ["lateness", "makespan"]]))
    return scenario(people, tasks, pins=pins, objective=objective)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=always_open())
def test_pooling_is_exact(case):
    """Whatever the scenario, the pooled and the per-person models prove the same optimum, and
    the pooled plan passes the checker."""
    (pooled, plan), (alone, _) = exact(case), exact(case, pooling=False)
    assert plan.feasible and not check(case, plan), check(case, plan)
    assume(pooled.status == alone.status == "optimal")
    assert pooled.level_values == alone.level_values
