"""Missed deadlines come with reasons: an unavoidable chain, or the people who were busy."""

from datetime import UTC, datetime, timedelta

from allocate import Calendar, Person, Project, Scenario, Task, TimeOff, solve

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 Berlin
BERLIN = Calendar(timezone="Europe/Berlin")


def test_too_long_chain_is_unavoidable_and_named():
    """Two 8-hour tasks in a row cannot meet a deadline at Monday noon, whoever does them."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[
            Task(id="design", effort_hours=8),
            Task(
                id="build", effort_hours=8, after=["design"], deadline=MONDAY + timedelta(hours=4)
            ),
        ],
    )
    plan = solve(scenario, strategy="greedy")
    (late,) = plan.late
    assert (late.kind, late.id) == ("task", "build")
    assert "unavoidable" in late.reason
    assert "'design' -> 'build'" in late.reason


def test_lateness_from_a_busy_person_names_what_they_did():
    """One person, two urgent tasks: the second is late because she was on the first."""
    due = MONDAY + timedelta(hours=8)
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=BERLIN)],
        projects=[Project(id="acme", deadline=due)],
        tasks=[
            Task(id="a", effort_hours=8, deadline=due, priority=5),
            Task(id="b", effort_hours=8, project="acme"),
        ],
    )
    plan = solve(scenario, strategy="greedy")
    (late,) = plan.late
    assert (late.kind, late.id) == ("project", "acme")
    assert "ana was on 'a'" in late.reason


def test_time_off_of_the_only_qualified_person_is_unavoidable():
    """Nobody else can do it and Ana is away: the bound knows calendars, so it is unavoidable."""
    away = Calendar(
        timezone="Europe/Berlin",
        time_off=[TimeOff(start=MONDAY.date(), end=MONDAY.date() + timedelta(days=2))],
    )
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", skills={"x": 1}, calendar=away)],
        tasks=[
            Task(id="spec", effort_hours=4, skills={"x": 1}),
            Task(id="ok", milestone=True, after=["spec"], deadline=MONDAY + timedelta(days=1)),
        ],
    )
    plan = solve(scenario, strategy="greedy")
    (late,) = plan.late
    assert late.id == "ok"
    assert "unavoidable" in late.reason and "'spec' -> 'ok'" in late.reason


def test_on_time_plan_has_no_lateness():
    """Nothing is reported when every deadline is met."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[Task(id="a", effort_hours=2, deadline=MONDAY + timedelta(days=1))],
    )
    assert solve(scenario, strategy="greedy").late == ()
