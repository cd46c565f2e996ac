"""The bundled example scenario and the benchmark generator."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from allocate import Scenario
from allocate.calendar import working_intervals
from allocate.examples import agency
from allocate.scenario import hours

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> Scenario:
    return agency()


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


# --- the example ---------------------------------------------------------------------------------


def test_balanced_example_plan_keeps_everyone_within_their_weeks(example):
    """With the default objective (deadlines, then peak utilisation, then cost) nobody is booked
    above 100 % in any of their local weeks, by the plan's own weekly summary and by the
    report's independent count from the calendars; and the summary covers every week."""
    from allocate import solve
    from allocate.report import load

    plan = solve(example, time_limit=4, seed=1)
    assert plan.feasible and plan.violations == ()
    for person in plan.people:
        assert person.weeks, person.id
        assert sum(w.booked_hours for w in person.weeks) >= person.booked_hours - 1e-6
        assert all(w.booked_hours <= w.available_hours + 1e-6 for w in person.weeks), person.id
    rows = load(example, plan)
    assert all(row.utilisation is None or row.utilisation <= 1 + 1e-9 for row in rows)
    assert {(r.person, r.first_day) for r in rows if r.booked_hours} <= {
        (p.id, w.start) for p in plan.people for w in p.weeks
    }


def test_example_validates(example):
    """The example passes every validation rule, also when re-read from plain data."""
    assert Scenario.model_validate(example.model_dump()) == example


def test_example_team(example):
    """15-18 people in 3 zones, with part-timers, a split day, vacations and rates."""
    calendars = [person.calendar for person in example.people]
    assert 15 <= len(example.people) <= 18
    assert {c.timezone for c in calendars} == {"Europe/Berlin", "Europe/London", "America/New_York"}
    assert all(c.holidays for c in calendars)
    part_time = [c for c in calendars if _weekly_hours(c) < 40]
    assert 3 <= len(part_time) <= 4
    assert any(len(ranges) > 1 for c in calendars for ranges in c.weekly_hours.values())
    assert sum(len(c.time_off) for c in calendars) >= 5
    assert all(person.hourly_rate for person in example.people)
    assert all(1 <= level <= 5 for p in example.people for level in p.skills.values())


def test_example_projects(example):
    """3-5 projects with deadlines, 80-150 tasks, milestones with deadlines, later releases."""
    assert 3 <= len(example.projects) <= 5
    assert all(project.deadline and project.customer for project in example.projects)
    assert 80 <= len(example.tasks) <= 150
    milestones = [task for task in example.tasks if task.milestone]
    assert len(milestones) >= len(example.projects) * 2
    assert all(m.deadline and m.effort_hours == 0 for m in milestones)
    work = [task for task in example.tasks if not task.milestone]
    assert all(4 <= task.effort_hours <= 60 for task in work)
    released = {task.project for task in example.tasks if task.release}
    assert len(released) >= 2
    assert Counter(task.project for task in example.tasks).keys() == {
        project.id for project in example.projects
    }


def test_example_every_task_has_two_to_six_qualified_people(example):
    """Each task can go to 2-6 people: real choices, never nobody."""
    for task in example.tasks:
        if not task.milestone:
            assert 2 <= len(example.qualified_people(task)) <= 6, task.id


def test_example_dependency_kinds(example):
    """Mostly finish-to-start, plus start-to-start with lags, a finish-to-finish, a working lag."""
    dependencies = [d for task in example.tasks for d in task.after]
    kinds = Counter(d.type for d in dependencies)
    assert kinds["FS"] > 0.8 * len(dependencies)
    assert any(d.type == "SS" and d.lag_hours > 0 for d in dependencies)
    assert kinds["FF"] >= 1
    assert any(d.lag_in == "working" and d.lag_hours > 0 for d in dependencies)


def test_example_load(example):
    """Total effort is 50-70 % of the team's working hours up to the last project deadline."""
    end = max(project.deadline for project in example.projects)
    capacity = sum(
        hours(finish - begin)
        for person in example.people
        for begin, finish in working_intervals(person.calendar, example.start, end)
    )
    effort = sum(task.effort_hours for task in example.tasks)
    assert 0.50 <= effort / capacity <= 0.70


def test_example_is_deterministic(example):
    """Every call builds an equal scenario."""
    assert agency() == example


def test_example_round_trips_json(example):
    """The JSON the CLI writes reads back to an equal scenario."""
    assert Scenario.from_json(example.to_json()) == example


def _weekly_hours(calendar) -> float:
    minutes = (r.minutes for ranges in calendar.weekly_hours.values() for r in ranges)
    return sum(end - start for start, end in minutes) / 60


# --- the generator -------------------------------------------------------------------------------


@pytest.mark.parametrize(("people", "tasks"), [(10, 100), (20, 200), (40, 500), (150, 2000)])
def test_generator_sizes(generator, people, tasks):
    """The requested numbers of people and tasks, projects of 5-25, everyone's task doable."""
    scenario = generator.generate(people, tasks, seed=1)
    assert len(scenario.people) == people
    assert len(scenario.tasks) == tasks
    sizes = Counter(task.project for task in scenario.tasks)
    assert all(5 <= size <= 25 for size in sizes.values())
    assert all(scenario.qualified_people(task) for task in scenario.tasks)


def test_generator_properties(generator):
    """26 weeks, 3 zones, part-timers, 15-30 % eligible, releases, tight deadlines, 2-80 h."""
    scenario = generator.generate(40, 500, seed=2)
    assert hours(scenario.horizon_end - scenario.start) == 26 * 7 * 24
    assert len({p.calendar.timezone for p in scenario.people}) == 3
    assert sum(len(p.calendar.weekly_hours) < 5 for p in scenario.people) == 8
    assert all(1 <= len(p.calendar.time_off) <= 3 for p in scenario.people)
    eligible = [len(scenario.qualified_people(task)) / 40 for task in scenario.tasks]
    assert all(0.15 <= share <= 0.30 for share in eligible)
    assert all(2 <= task.effort_hours <= 80 for task in scenario.tasks)
    assert 0.1 < sum(task.release is not None for task in scenario.tasks) / 500 < 0.3
    assert 0.2 < sum(task.deadline is not None for task in scenario.tasks) / 500 < 0.4
    assert 1.2 < sum(len(task.after) for task in scenario.tasks) / 500 < 1.8
    assert any(project.deadline for project in scenario.projects)


def test_generator_is_deterministic(generator):
    """Equal seeds give equal scenarios; another seed gives another one."""
    assert generator.generate(20, 200, seed=7) == generator.generate(20, 200, seed=7)
    assert generator.generate(20, 200, seed=7) != generator.generate(20, 200, seed=8)


def test_generator_round_trips_json(generator):
    """A generated scenario reads back from its JSON unchanged."""
    scenario = generator.generate(20, 200, seed=3)
    assert Scenario.from_json(scenario.to_json()) == scenario


def test_generator_cli(generator, capsys):
    """The command line writes the scenario of its arguments as JSON."""
    generator.main(["10", "100", "--seed", "4"])
    assert Scenario.from_json(capsys.readouterr().out) == generator.generate(10, 100, seed=4)
