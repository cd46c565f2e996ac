"""The usual events as small validated changes: each returns a new scenario, leaves its input as
it was, names unknown ids, and means what a planner means by it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from allocate import Calendar, Person, Pin, Project, Scenario, Task, check, events, solve
from allocate.scenario import Progress

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
NINE_TO_FIVE = Calendar(timezone="UTC")


def base() -> Scenario:
    return Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", skills={"backend": 2}, calendar=NINE_TO_FIVE),
            Person(id="ben", skills={"backend": 1}, calendar=NINE_TO_FIVE),
        ],
        projects=[Project(id="web", deadline=MONDAY + timedelta(days=10))],
        tasks=[
            Task(id="api", effort_hours=16, skills={"backend": 2}, project="web"),
            Task(id="db", effort_hours=8, skills={"backend": 1}, project="web", after=["api"]),
            Task(id="docs", effort_hours=8, skills={"backend": 1}, after=["db"]),
        ],
        pins=[Pin(task="docs", person="ben")],
    )


def test_events_leave_their_input_alone_and_name_unknown_ids():
    """A change returns a new scenario; the old one is as it was; unknown ids are named."""
    scenario = base()
    before = scenario.model_dump()
    events.absence(scenario, "ana", date(2026, 3, 2), date(2026, 3, 6), "ill")
    assert scenario.model_dump() == before
    with pytest.raises(KeyError, match="unknown person 'zoe' \\(the scenario has: ana, ben\\)"):
        events.absence(scenario, "zoe", date(2026, 3, 2), date(2026, 3, 6))
    with pytest.raises(KeyError, match="unknown task 'web2'"):
        events.estimate(scenario, "web2", 10)


def test_an_absence_takes_the_days_away_from_the_plan():
    """ana ill Monday to Wednesday: the plan gives her no work before Thursday."""
    ill = events.absence(base(), "ana", date(2026, 3, 2), date(2026, 3, 4), "ill")
    assert ill.person("ana").calendar.time_off[-1].reason == "ill"
    plan = solve(ill, strategy="greedy")
    assert plan.assignment("api").start == datetime(2026, 3, 5, 9, tzinfo=UTC)


def test_new_work_estimates_and_deadlines():
    """New tasks and projects join; an estimate and a deadline change where they are named."""
    scenario = events.add_tasks(base(), {"id": "fix", "effort_hours": 4, "skills": {"backend": 1}})
    assert scenario.task("fix").effort_hours == 4
    scenario = events.add_project(
        scenario,
        {"id": "app", "deadline": MONDAY + timedelta(days=5)},
        Task(id="ios", effort_hours=8),
    )
    assert scenario.task("ios").project == "app"
    scenario = events.estimate(scenario, "api", 32)
    assert scenario.task("api").effort_hours == 32
    scenario = events.deadline(scenario, "web", MONDAY + timedelta(days=20))
    scenario = events.deadline(scenario, "db", MONDAY + timedelta(days=3))
    assert scenario.project("web").deadline == MONDAY + timedelta(days=20)
    assert scenario.task("db").deadline == MONDAY + timedelta(days=3)
    with pytest.raises(ValidationError, match="depends on unknown task 'nope'"):
        events.add_tasks(scenario, Task(id="x", effort_hours=1, after=["nope"]))


def test_an_estimate_below_the_hours_spent_is_refused():
    """An in-progress task cannot be re-estimated below what it has already taken."""
    scenario = events.record(
        base(), {"api": {"status": "in_progress", "people": ["ana"], "hours_spent": 10}}
    )
    with pytest.raises(ValidationError, match="in progress with 10 of 8 h spent"):
        events.estimate(scenario, "api", 8)


def test_joining_later_and_leaving():
    """A person who joins in a week has no working time before; a leaver none after, their
    pins go, and work they have in progress must be handed over first."""
    cy = Person(id="cy", skills={"backend": 2}, calendar=NINE_TO_FIVE)
    scenario = events.join(base(), cy, on=date(2026, 3, 9))
    plan = solve(scenario, strategy="greedy")
    assert all(a.start >= datetime(2026, 3, 9, tzinfo=UTC) for a in plan.for_person("cy"))
    gone = events.leave(scenario, "ben")
    assert gone.pins == ()
    assert "ben" not in {p for a in solve(gone, strategy="greedy").assignments for p in a.people}
    busy = events.record(
        scenario,
        {
            "api": {"status": "done", "people": ["ana"]},
            "db": {"status": "in_progress", "people": ["ben"], "hours_spent": 2},
        },
    )
    with pytest.raises(ValueError, match="ben has work in progress on 'db': hand it over"):
        events.leave(busy, "ben")
    handed = events.leave(events.hand_over(busy, "db", ["cy"]), "ben")
    assert handed.task("db").progress.people == ("cy",)
    later = events.leave(busy, "ben", on=date(2026, 3, 20))  # finishes 'db' before going
    assert solve(later, strategy="greedy").assignment("db").people == ("ben",)


def test_cancelling_work():
    """Work not started goes with the dependencies on it and its pin; work in progress is closed
    as done at its spent hours (their cost stays); done work cannot be cancelled."""
    scenario = events.cancel(base(), "db")
    assert "db" not in {t.id for t in scenario.tasks} and scenario.task("docs").after == ()
    started = events.record(
        base(), {"api": {"status": "in_progress", "people": ["ana"], "hours_spent": 6}}
    )
    closed = events.cancel(started, "api").task("api")
    assert closed.done and closed.effort_hours == 6 and closed.progress.people == ("ana",)
    with pytest.raises(ValueError, match="task 'api' is done: it cannot be cancelled"):
        events.cancel(events.cancel(started, "api"), "api")


def test_advancing_a_week_takes_the_plan_as_done_unless_told_otherwise():
    """A week on: what the plan finished is done, what it had begun is in progress with the
    hours worked, what actuals say overrides it, and the re-plan starts from the new start."""
    scenario = base()
    plan = solve(scenario, strategy="greedy")
    api, db = plan.assignment("api"), plan.assignment("db")
    now = db.start + timedelta(hours=3)  # api done, db 3 working hours in
    assert api.end <= now
    later = events.advance(scenario, now, plan=plan)
    assert later.start == now and later.task("api").done
    assert later.task("api").progress.finished == api.end
    progress = later.task("db").progress
    assert (progress.status, progress.people, progress.hours_spent) == ("in_progress", db.people, 3)
    told = events.advance(scenario, now, plan=plan, actuals={"db": Progress()})
    assert told.task("db").progress.status == "not_started"
    replan = solve(later, strategy="greedy")
    assert replan.violations == () and check(later, replan) == []
    assert replan.assignment("db").people == db.people and replan.assignment("db").start >= now
    with pytest.raises(ValueError, match="before the planning start"):
        events.advance(scenario, MONDAY - timedelta(days=1))
