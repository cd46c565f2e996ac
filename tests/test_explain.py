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


def test_off_work_says_which_kind_of_time_off():
    """Someone without working time in a window is after their working day, on days off, on a
    public holiday or on time off: the reason names which, in their local time."""
    from datetime import date

    from allocate.explain import off_work

    calendar = Calendar(
        timezone="Europe/Berlin",
        holidays="DE-BE",
        time_off=[TimeOff(start=date(2026, 3, 9), end=date(2026, 3, 13), reason="ski")],
    )
    evening = off_work(calendar, MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=24))
    assert evening == (
        "off work from Mon 17:00 to Tue 09:00 (Europe/Berlin): after their working day"
    )
    friday = MONDAY + timedelta(days=4)
    weekend = off_work(calendar, friday + timedelta(hours=8), friday + timedelta(days=3))
    assert weekend.endswith("on days off (sat, sun)")
    skiing = off_work(calendar, MONDAY + timedelta(days=7), MONDAY + timedelta(days=8))
    assert "on time off (ski) 2026-03-09 to 2026-03-13" in skiing
    labour_day = datetime(2026, 5, 1, 7, tzinfo=UTC)
    holiday = off_work(calendar, labour_day, labour_day + timedelta(hours=8))
    assert holiday.endswith("on a public holiday (Labor Day, 2026-05-01)")


def test_a_late_reason_tells_after_hours_from_time_off():
    """In the example, a task waits overnight for Priya: the reason says she was after her working
    day, not 'time off, holidays or days off'."""
    from allocate.examples import agency

    plan = solve(agency(), strategy="greedy")
    reasons = " ".join(item.reason for item in plan.late)
    assert "priya was off work from Mon 18:00 to Tue 09:00 (Europe/London): after their" in reasons
    assert "time off, holidays or days off" not in reasons
