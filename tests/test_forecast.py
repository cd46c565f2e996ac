"""The capacity forecast: supply from calendars, demand from the plan, shortfalls where the plan
is late, pipeline work weighted by its win probability."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings

from allocate import Calendar, Person, Project, Scenario, Task, solve
from allocate.analysis import forecast
from allocate.analysis.forecast import period_starts
from allocate.examples import agency
from allocate.scenario import TimeOff
from scenarios import scenarios

MONDAY = datetime(2027, 1, 4, 8, tzinfo=UTC)
BERLIN = Calendar(timezone="Europe/Berlin")


def _team(*tasks: Task, people=None, projects=()) -> Scenario:
    people = people or [
        Person(id="ana", skills={"data": 3, "design": 1}, calendar=BERLIN),
        Person(id="ben", skills={"design": 2}, calendar=BERLIN),
    ]
    return Scenario(start=MONDAY, people=people, projects=projects, tasks=tasks, calendar=BERLIN)


def test_a_scarce_skill_runs_short_in_the_weeks_before_its_deadline():
    """Three 40 h tasks only Ana can do, all due Friday of week 2: 40 h are missing there."""
    due = datetime(2027, 1, 15, 16, tzinfo=UTC)
    tasks = [Task(id=f"t{k}", effort_hours=40, skills={"data": 3}, deadline=due) for k in range(3)]
    scenario = _team(*tasks)
    plan = solve(scenario, strategy="greedy")
    fc = forecast(scenario, plan)
    assert fc.groups == ("data 3+",)
    short = fc.shortages()
    assert [s.group for s in short] == ["data 3+"]
    assert short[0].first == date(2027, 1, 4)
    assert short[0].shortfall_hours == pytest.approx(40, abs=1)
    assert sum(r.planned_hours for r in fc.rows) == pytest.approx(120)
    assert [str(s) for s in fc.sole_holders] == ["only 'ana' has data 3+ (120 h of work need it)"]


def test_supply_counts_holidays_time_off_and_weekly_limits():
    """A week with a holiday and a day off: 24 h; a 20 h limit caps 40 h to 20."""
    ana = Person(
        id="ana",
        skills={"data": 3},
        calendar=Calendar(
            timezone="Europe/Berlin",
            holidays="DE-BE",  # 1 Jan 2027 is a Friday; 8 Mar 2027 is Women's Day in Berlin
            time_off=[TimeOff(start=date(2027, 3, 9), end=date(2027, 3, 9))],
        ),
    )
    ben = Person(id="ben", skills={"data": 3}, calendar=BERLIN, max_hours_per_week=20)
    task = Task(id="t", effort_hours=8, skills={"data": 3})
    scenario = Scenario(
        start=datetime(2027, 3, 1, 8, tzinfo=UTC), people=[ana, ben], tasks=[task], calendar=BERLIN
    )
    plan = solve(scenario, strategy="greedy")
    fc = forecast(scenario, plan, by="person", until=datetime(2027, 3, 15, tzinfo=UTC))
    assert fc.row("ana", date(2027, 3, 8)).supply_hours == 24
    assert fc.row("ben", date(2027, 3, 8)).supply_hours == 20
    # the planning start (Monday 09:00 Berlin) is the first hour of the week: nothing lost
    assert fc.row("ben", date(2027, 3, 1)).supply_hours == 20


def test_pipeline_work_counts_by_its_win_probability_and_missing_work_as_unplaced():
    firm = Project(id="firm")
    maybe = Project(id="maybe", win_probability=0.25)
    tasks = [
        Task(id="a", project="firm", effort_hours=16, skills={"design": 1}),
        Task(id="b", project="firm", effort_hours=8, skills={"design": 1}),
        Task(id="c", project="maybe", effort_hours=40, skills={"design": 1}),
    ]
    scenario = _team(*tasks, projects=[firm, maybe])
    committed = scenario.model_validate(
        {**scenario.model_dump(), "tasks": [t.model_dump() for t in tasks[:1]]}
    )
    plan = solve(committed, strategy="greedy")
    fc = forecast(scenario, plan)
    rows = [r for r in fc.rows if r.group == "design 1+"]
    assert sum(r.planned_hours for r in rows) == pytest.approx(16)
    assert sum(r.unplaced_hours for r in rows) == pytest.approx(8)
    assert sum(r.tentative_hours for r in rows) == pytest.approx(10)
    assert sum(r.demand_hours for r in rows) == pytest.approx(16 + 8 + 10)


def test_a_win_probability_outside_0_1_is_an_error_naming_the_project():
    with pytest.raises(
        ValueError,
        match="win_probability\n  project 'maybe': Input should be less than or equal to 1",
    ):
        Project(id="maybe", win_probability=1.5)


def test_periods_are_weeks_from_monday_or_months_from_the_first():
    start = datetime(2027, 1, 6, 12, tzinfo=UTC)
    end = datetime(2027, 3, 2, tzinfo=UTC)
    weeks = period_starts(start, end, "week", BERLIN.zone)
    assert weeks[0] == date(2027, 1, 4) and weeks[-1] == date(2027, 3, 1)
    assert period_starts(start, end, "month", BERLIN.zone) == [
        date(2027, 1, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
    ]


def test_bad_arguments_are_named():
    scenario = _team(Task(id="t", effort_hours=8, skills={"design": 1}))
    plan = solve(scenario, strategy="greedy")
    with pytest.raises(ValueError, match="by must be"):
        forecast(scenario, plan, by="role")
    with pytest.raises(ValueError, match="freq must be"):
        forecast(scenario, plan, freq="day")


@settings(max_examples=25)
@given(scenarios(max_people=3, max_tasks=6))
def test_planned_hours_are_each_persons_own_work_and_fit_their_supply(scenario):
    """By person: the planned hours add up to the work the plan gives them (each member of a
    team their own effort), and never exceed what they can work in a period."""
    plan = solve(scenario, strategy="greedy")
    fc = forecast(scenario, plan, by="person")
    own: dict[str, float] = {}
    for a in plan.assignments:
        task = scenario.task(a.task)
        for person in a.people:
            own[person] = own.get(person, 0.0) + task.remaining_hours
    for person in scenario.people:
        rows = [r for r in fc.rows if r.group == person.id]
        assert sum(r.planned_hours for r in rows) == pytest.approx(own.get(person.id, 0), abs=0.05)
        for r in rows:
            assert r.planned_hours <= r.supply_hours + 1e-6 or person.max_hours_per_week


def test_the_bundled_example_shows_in_text_html_dataframe_and_heatmap():
    scenario = agency()
    plan = solve(scenario, strategy="greedy")
    fc = forecast(scenario, plan)
    text = str(fc)
    assert "Capacity forecast by skill and week" in text and "backend 3+" in text
    assert "<table" in fc._repr_html_()
    frame = fc.to_dataframe()
    assert {"group", "start", "supply_hours", "demand_hours", "shortfall_hours"} <= set(frame)
    assert len(frame) == len(fc.groups) * len(fc.periods)
    figure = fc.heatmap()
    assert list(figure.data[0].y) == list(fc.groups)
