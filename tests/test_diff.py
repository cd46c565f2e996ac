"""Plan diffs: each task's change named as a planner would (reassigned, moved by how much, added,
done since, removed, left out), projects and weekly loads compared, and every view agreeing."""

from datetime import UTC, date, datetime, timedelta

import pytest

from allocate import Calendar, Person, Project, Scenario, Task, events, solve
from allocate.diff import PlanDiff
from allocate.report._optional import available

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
OFFICE = Calendar(timezone="UTC")  # Monday-Friday 09:00-17:00 UTC


def scenario() -> Scenario:
    return Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", skills={"backend": 2}, hourly_rate=100, calendar=OFFICE),
            Person(id="ben", skills={"backend": 2}, hourly_rate=100, calendar=OFFICE),
        ],
        projects=[Project(id="web")],
        tasks=[
            Task(id="api", effort_hours=8, skills={"backend": 1}, project="web"),
            Task(id="db", effort_hours=8, skills={"backend": 1}, project="web"),
            Task(id="ui", effort_hours=8, skills={"backend": 1}, project="web", after=["api"]),
        ],
    )


def test_the_same_plan_has_nothing_to_say():
    """A plan compared with itself: no change anywhere, and the text says so."""
    plan = solve(scenario(), strategy="greedy")
    diff = plan.diff(plan)
    assert not diff and diff.tasks == () and diff.weeks == ()
    assert str(diff) == "Nothing changed.\n"


def test_an_absence_reassigns_and_moves_work_by_its_working_hours():
    """ana is off on Monday: her Monday task goes to someone else or moves to Tuesday, and the
    diff says which, by how many elapsed and working hours, with each project's finish."""
    s = scenario()
    before = solve(s, strategy="greedy")
    ill = events.absence(s, "ana", date(2026, 3, 2), date(2026, 3, 2))
    after = solve(ill, strategy="greedy")
    diff = after.diff(before, ill)
    assert diff.compared == 3 and diff.working_hours
    for change in diff.tasks:
        assert change.kind == "changed" and (change.reassigned or change.moved)
        if change.moved:
            assert change.start_moved_hours == 24 and change.start_moved_working_hours == 8
    assert diff.reassigned and diff.moved
    web = diff.projects[0]
    assert web.finish_moved_hours == hours_between(before.finish, after.finish)
    assert all(str(change) in str(diff) for change in diff.tasks)
    assert "starts 1 day later (8 working h)" in str(diff)


def hours_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def test_added_done_removed_and_left_out_are_told_apart():
    """A new task is added; one recorded done has gone because it is done; a cancelled one is
    removed; an optional one the new plan drops is left out."""
    s = scenario()
    s = events.add_tasks(s, Task(id="nice", effort_hours=4, optional=True))
    before = solve(s, strategy="greedy")
    now = events.record(s, {"api": {"status": "done", "people": ["ana"]}})
    now = events.cancel(now, "db")
    now = events.add_tasks(now, Task(id="fix", effort_hours=2, skills={"backend": 1}))
    now = events.estimate(now, "nice", 4000)  # cannot fit the horizon any more
    after = solve(now.replace(horizon_end=MONDAY + timedelta(days=60)), strategy="greedy")
    diff = after.diff(before, now)
    kinds = {c.task: c.kind for c in diff.tasks}
    assert kinds["api"] == "done" and kinds["db"] == "removed" and kinds["fix"] == "added"
    assert kinds["nice"] == "left out"
    assert "1 added" in str(diff) and "1 done since" in str(diff)


def test_weeks_already_begun_are_not_compared():
    """Re-planned on Wednesday, the week that began on Monday is not compared (the earlier plan
    counts its Monday and Tuesday, now the past); later weeks are."""
    s = scenario().replace(
        tasks=[
            Task(id=f"t{i}", effort_hours=16, skills={"backend": 1}, project="web")
            for i in range(6)
        ]
    )
    before = solve(s, strategy="greedy")
    wednesday = datetime(2026, 3, 4, 8, tzinfo=UTC)
    later = events.advance(s, wednesday, plan=before)
    later = events.absence(later, "ben", date(2026, 3, 9), date(2026, 3, 13))
    after = solve(later, strategy="greedy")
    diff = after.diff(before, later)
    weeks = {c.week for c in diff.weeks}
    assert date(2026, 3, 2) not in weeks and date(2026, 3, 9) in weeks
    ben = next(c for c in diff.weeks if c.person == "ben" and c.week == date(2026, 3, 9))
    assert ben.hours_after == 0 and ben.delta < 0


def test_views_agree():
    """Text, notebook HTML, the page with two bars per changed task, and the DataFrame."""
    s = scenario()
    before = solve(s, strategy="greedy")
    later = events.absence(s, "ana", date(2026, 3, 2), date(2026, 3, 3))
    diff = solve(later, strategy="greedy").diff(before, later)
    assert isinstance(diff, PlanDiff) and diff.tasks
    html = diff._repr_html_()
    assert 'data-testid="diff-chart"' in html and 'data-testid="changes"' in html
    page = diff.to_html("Week 2")
    assert page.startswith("<!DOCTYPE html>") and "<h1>Week 2</h1>" in page
    changed = [c for c in diff.tasks if c.before and c.after]
    assert page.count('class="before"') == len(changed) == page.count('class="after"')
    if not available("pandas"):
        pytest.skip("pandas is not installed (pip install -e '.[views]')")
    frame = diff.to_dataframe()
    assert list(frame["task"]) == [c.task for c in diff.tasks]
    assert frame["reassigned"].sum() == len(diff.reassigned)


def test_a_diff_round_trips_through_json():
    """A PlanDiff is plain data an app can store."""
    s = scenario()
    before = solve(s, strategy="greedy")
    later = events.absence(s, "ana", date(2026, 3, 2), date(2026, 3, 3))
    diff = solve(later, strategy="greedy").diff(before, later)
    assert PlanDiff.from_json(diff.to_json()) == diff
