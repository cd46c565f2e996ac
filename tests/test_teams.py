"""Teams: tasks that need several people at once, from the scenario to the checked plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from allocate import check, solve
from allocate.plan import Assignment
from allocate.problem import compile_problem
from allocate.scenario import Calendar, Person, Pin, Scenario, Slot, Task

START = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday, 09:00 UTC


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


def people() -> list[Person]:
    return [
        Person(id="ana", skills={"be": 2}),
        Person(id="bo", skills={"be": 2}),
        Person(id="cy", skills={"be": 1, "ux": 1}),
        Person(id="dee", skills={"ux": 2}, calendar=Calendar(timezone="Europe/Berlin")),
    ]


def scenario(*tasks: Task, pins=()) -> Scenario:
    return Scenario(start=START, people=people(), tasks=tasks, pins=pins)


PAIR = Task(id="pair", effort_hours=4, people=2, skills={"be": 2})
MIXED = Task(id="mixed", effort_hours=3, team=[Slot(skills={"ux": 1}), Slot(skills={"be": 1})])


def test_team_needs_skills_per_slot_not_both():
    """`team` with task-level skills or people is refused, naming the task."""
    with pytest.raises(ValidationError, match="give skills per slot"):
        Task(id="t", effort_hours=1, skills={"be": 1}, team=[Slot(skills={"ux": 1})])
    with pytest.raises(ValidationError, match="milestone 'm' needs no people"):
        Task(id="m", milestone=True, people=2)


def test_team_larger_than_the_qualified_people_is_refused():
    """Three people with be 2 are wanted; two have it: the message counts them."""
    with pytest.raises(ValidationError, match=r"needs 3 people: 3 with be 2 \(2 have that\)"):
        scenario(Task(id="trio", effort_hours=1, people=3, skills={"be": 2}))


def test_team_compiles_to_slot_tasks_sharing_a_leader():
    """A team of two becomes two compiled tasks; precedences hang on the leader."""
    follow = Task(id="next", effort_hours=1, after=["pair"])
    problem = compile_problem(scenario(PAIR, follow))
    assert problem.task_ids == ("pair", "pair", "next")
    assert list(problem.team(1)) == [0, 1] and list(problem.team(2)) == [2]
    assert [(p.pred, p.succ) for p in problem.precedences] == [(0, 2)]


@pytest.mark.parametrize("strategy", ["greedy", "cpsat", "lns"])
def test_every_strategy_staffs_teams_with_distinct_qualified_people(strategy):
    """Both teams get distinct people with the skills of their places, and the checker agrees."""
    follow = Task(id="after", effort_hours=2, skills={"ux": 2}, after=["mixed"])
    case = scenario(PAIR, MIXED, follow)
    plan = solve(case, strategy=strategy, time_limit=3)
    assert plan.feasible and not plan.violations, plan.violations
    pair, mixed = plan.assignment("pair"), plan.assignment("mixed")
    assert sorted(pair.people) == ["ana", "bo"]
    assert len(set(mixed.people)) == 2 and mixed.people[0] in ("cy", "dee")
    assert plan.for_person(pair.people[0])[0].task == "pair"


def test_team_members_on_different_calendars_end_with_the_last_one():
    """dee (Berlin, 08:00-16:00 UTC) and a UTC colleague (09:00-17:00) pair up from Monday 09:00
    UTC for 8 h: the colleague is done at 17:00, dee only on Tuesday 09:00 UTC; the task ends
    then."""
    case = scenario(
        Task(id="duo", effort_hours=8, team=[Slot(skills={"ux": 2}), Slot(skills={"be": 1})])
    )
    plan = solve(case, strategy="greedy")
    duo = plan.assignment("duo")
    assert duo.people[0] == "dee" and duo.start == at(0)
    assert duo.end == at(24) and not check(case, plan)


def test_pin_puts_the_person_in_a_slot_of_the_team():
    case = scenario(PAIR, pins=[Pin(task="pair", person="bo")])
    plan = solve(case, strategy="cpsat", time_limit=2)
    assert "bo" in plan.assignment("pair").people and not plan.violations


# --- checker rules: a violating and a clean case each ---------------------------------------


def plan_with(case: Scenario, *assignments: Assignment):
    base = solve(case, strategy="greedy")
    return base.model_copy(update={"assignments": assignments, "objective": {}})


def rules(case, plan) -> set[str]:
    return {v.rule for v in check(case, plan)}


def test_checker_team_size():
    case = scenario(PAIR)
    short = plan_with(case, Assignment(task="pair", people=("ana",), start=at(0), end=at(4)))
    clean = plan_with(case, Assignment(task="pair", people=("ana", "bo"), start=at(0), end=at(4)))
    assert "people" in rules(case, short) and "needs 2 people" in str(check(case, short))
    assert not check(case, clean)


def test_checker_distinct_members():
    case = scenario(PAIR)
    twice = plan_with(case, Assignment(task="pair", people=("ana", "ana"), start=at(0), end=at(4)))
    assert any("more than one place" in v.message for v in check(case, twice))
    assert not any(v.rule == "one_at_a_time" for v in check(case, twice))


def test_checker_each_place_has_its_skills():
    """People are listed slot by slot: ux first, then be."""
    case = scenario(MIXED)
    swapped = plan_with(
        case, Assignment(task="mixed", people=("ana", "cy"), start=at(0), end=at(3))
    )
    clean = plan_with(case, Assignment(task="mixed", people=("cy", "ana"), start=at(0), end=at(3)))
    found = [v for v in check(case, swapped) if v.rule == "qualified"]
    assert found and "(place 1 of 2) needs ux 1 but ana has 0" in found[0].message
    assert not check(case, clean)


def test_checker_team_ends_when_its_last_member_is_done():
    """dee starts at 09:00 UTC (10:00 Berlin) with 7 working hours left that day: an end at
    16:00 UTC is too early for dee's 8 h, though cy (09:00-17:00) would be done by 17:00."""
    case = scenario(Task(id="duo", effort_hours=8, team=[Slot(skills={"ux": 2}), Slot()]))
    early = plan_with(case, Assignment(task="duo", people=("dee", "cy"), start=at(0), end=at(8)))
    clean = plan_with(case, Assignment(task="duo", people=("dee", "cy"), start=at(0), end=at(24)))
    found = [v for v in check(case, early) if v.rule == "working_time"]
    assert found and found[0].people == ("dee",)
    assert not check(case, clean)


def test_checker_every_member_works_one_task_at_a_time():
    case = scenario(PAIR, Task(id="solo", effort_hours=2, skills={"be": 2}))
    clash = plan_with(
        case,
        Assignment(task="pair", people=("ana", "bo"), start=at(0), end=at(4)),
        Assignment(task="solo", people=("bo",), start=at(2), end=at(4)),
    )
    clean = plan_with(
        case,
        Assignment(task="pair", people=("ana", "bo"), start=at(0), end=at(4)),
        Assignment(task="solo", people=("bo",), start=at(4), end=at(6)),
    )
    found = [v for v in check(case, clash) if v.rule == "one_at_a_time"]
    assert found and found[0].people == ("bo",)
    assert not check(case, clean)


def test_checker_pin_on_a_team_needs_the_person_among_its_members():
    case = scenario(PAIR, pins=[Pin(task="pair", person="bo")])
    without = plan_with(case, Assignment(task="pair", people=("ana", "cy"), start=at(0), end=at(4)))
    assert "pinned" in rules(case, without)
    kept = plan_with(case, Assignment(task="pair", people=("bo", "ana"), start=at(0), end=at(4)))
    assert not check(case, kept)


# --- objective terms count every member ---------------------------------------------------


def test_people_terms_count_every_member_on_both_sides():
    """Cost, people per project, preferences and handovers agree between the plan's terms and
    the strategy's tick terms (solve() logs and compares them; here we compare directly)."""
    costly = [p.model_copy(update={"hourly_rate": 10.0 * (i + 1)}) for i, p in enumerate(people())]
    first = PAIR.model_copy(update={"stream": "s", "preferred": ("ana",)})
    second = Task(id="then", effort_hours=2, people=2, skills={"be": 1}, stream="s", after=["pair"])
    case = Scenario(
        start=START,
        people=costly,
        tasks=[first, second],
        objective=[{"cost": 1, "preferences": 1, "handovers": 1}],
    )
    plan = solve(case, strategy="greedy")
    problem = compile_problem(case)
    assert plan.objective["cost"] == pytest.approx(
        4 * (10 + 20)
        + 2 * sum({"ana": 10, "bo": 20, "cy": 30}[p] for p in plan.assignment("then").people)
    )
    assert plan.objective["preferences"] == 1  # the second member of the pair is not preferred
    same = set(plan.assignment("pair").people) == set(plan.assignment("then").people)
    assert plan.objective["handovers"] == (0 if same else 1)
    assert not check(case, plan)
    assert problem.n_tasks == 4


def test_a_late_team_names_who_kept_the_team_waiting():
    """The pair needs ana and bo; bo is busy on a long solo task pinned first, so the pair starts
    late and misses its deadline: the reason names bo's task, though bo is not the team's first
    member, and not the pair itself."""
    solo = Task(id="solo", effort_hours=16, skills={"be": 2})
    pair = PAIR.model_copy(update={"deadline": at(8)})
    case = Scenario(
        start=START,
        people=people()[:3],
        tasks=[solo, pair],
        pins=[Pin(task="solo", person="bo", start=START)],
    )
    plan = solve(case, strategy="greedy")
    assert plan.feasible and not plan.violations
    (late,) = plan.late
    assert late.id == "pair" and "bo was on 'solo'" in late.reason
    assert "'pair'" not in late.reason.split(":", 1)[1]
