"""MS Project XML out, checked without Java: the file states the plan (tasks, links, resources,
assignments, projects as summaries) in the project's zone, and every calendar shifted into that
zone is exactly the person's working time. Reading it back with MPXJ is tests/test_files_mpxj.py.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allocate import solve
from allocate.calendar import working_intervals
from allocate.examples import agency
from allocate.files import write_msproject
from allocate.files.project_calendar import project_calendar
from scenarios import calendars

NS = {"p": "http://schemas.microsoft.com/project"}
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]


def expand(calendar, zone: str, first: date, last: date):
    """The week and exceptions as aware intervals, day by day (what an MSPDI reader does)."""
    tz = ZoneInfo(zone)
    by_day = {}
    for exception in calendar.exceptions:
        day = exception.first
        while day <= exception.last:
            by_day[day] = exception.ranges
            day += timedelta(days=1)
    intervals = []
    day = first
    while day <= last:
        for lo, hi in by_day.get(day, calendar.week[day.weekday()]):
            midnight = datetime.combine(day, time())
            a = (midnight + timedelta(minutes=lo)).replace(tzinfo=tz).astimezone(UTC)
            b = (midnight + timedelta(minutes=hi)).replace(tzinfo=tz).astimezone(UTC)
            if intervals and intervals[-1][1] == a:
                intervals[-1] = (intervals[-1][0], b)
            else:
                intervals.append((a, b))
        day += timedelta(days=1)
    return intervals


@settings(max_examples=60)
@given(calendars(), st.sampled_from(ZONES), st.integers(0, 300))
def test_a_calendar_shifted_into_the_project_zone_is_exact(calendar, zone, offset):
    """Week plus exceptions in the project's zone give the same working instants as the
    person's own calendar, across both sides' clock changes and holidays."""
    first = date(2026, 1, 5) + timedelta(days=offset)
    last = first + timedelta(days=120)
    shifted = project_calendar(calendar, zone, first, last)
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    assert expand(shifted, zone, first, last) == working_intervals(calendar, start, end)


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def parse(path):
    return ET.parse(path).getroot()


def text(element, tag):
    return element.find(f"p:{tag}", NS).text


def test_the_file_states_the_plan(tmp_path, example):
    """Projects as summary tasks over their tasks, times in the project's zone, each task held
    at its planned start, links with type and lag, deadlines, one assignment per person."""
    scenario, plan = example
    root = parse(write_msproject(scenario, plan, tmp_path / "plan.xml"))
    tasks = root.findall("p:Tasks/p:Task", NS)
    summaries = [t for t in tasks if text(t, "Summary") == "1"]
    assert [text(t, "Name") for t in summaries] == [p.name for p in scenario.projects]
    leaves = {text(t, "Notes").removeprefix("Task id: ").split("\n")[0]: t for t in tasks
              if text(t, "Summary") == "0"}  # fmt: skip
    assert set(leaves) == {a.task for a in plan.assignments}
    berlin = ZoneInfo("Europe/Berlin")
    uid = {key: text(t, "UID") for key, t in leaves.items()}
    for a in plan.assignments:
        element = leaves[a.task]
        start = a.start.astimezone(berlin).strftime("%Y-%m-%dT%H:%M:%S")
        assert text(element, "Start") == start and text(element, "ConstraintDate") == start
        assert text(element, "ConstraintType") == "4"
        task = scenario.task(a.task)
        links = element.findall("p:PredecessorLink", NS)
        assert [text(link, "PredecessorUID") for link in links] == [uid[d.task] for d in task.after]
    kit = leaves["shop-kit"].find("p:PredecessorLink", NS)  # SS:wires+48 elapsed
    assert (text(kit, "Type"), text(kit, "LinkLag"), text(kit, "LagFormat")) == ("3", "28800", "6")
    fixes = leaves["shop-fixes"].find("p:PredecessorLink", NS)  # uat+16w working
    assert (text(fixes, "LinkLag"), text(fixes, "LagFormat")) == ("9600", "5")
    assert text(leaves["shop-launch"], "Milestone") == "1"
    assert text(leaves["shop-launch"], "Deadline") == "2027-04-01T17:00:00"
    assignments = root.findall("p:Assignments/p:Assignment", NS)
    assert len(assignments) == sum(len(a.people) for a in plan.assignments)


def test_resources_have_rates_skills_and_calendars_of_their_own(tmp_path, example):
    """Each person is a work resource on a calendar built on a base calendar of their own (so
    the organisation's holidays do not leak to them), with rate and skills."""
    scenario, plan = example
    root = parse(write_msproject(scenario, plan, tmp_path / "plan.xml"))
    calendars = {text(c, "UID"): c for c in root.findall("p:Calendars/p:Calendar", NS)}
    resources = root.findall("p:Resources/p:Resource", NS)
    assert [text(r, "Name") for r in resources] == [p.name for p in scenario.people]
    carlos = next(r for r in resources if text(r, "Initials") == "carlos")
    assert text(carlos, "StandardRate") == "95"
    own = calendars[text(calendars[text(carlos, "CalendarUID")], "BaseCalendarUID")]
    assert text(own, "IsBaseCalendar") == "1"
    monday = own.find("p:WeekDays/p:WeekDay[p:DayType='2']", NS)
    times = monday.findall("p:WorkingTimes/p:WorkingTime", NS)
    assert [(text(w, "FromTime"), text(w, "ToTime")) for w in times] == [
        ("13:00:00", "17:00:00"),
        ("19:00:00", "23:00:00"),
    ]
    names = [text(e, "Name") for e in own.findall("p:Exceptions/p:Exception", NS)]
    assert "Martin Luther King Jr. Day" in names and "Good Friday" not in names


def test_releases_instead_of_planned_starts(tmp_path, example):
    """keep_dates=False states the inputs: a constraint only where a task has a release."""
    scenario, plan = example
    root = parse(write_msproject(scenario, plan, tmp_path / "plan.xml", keep_dates=False))
    constrained = [
        t for t in root.findall("p:Tasks/p:Task", NS) if t.find("p:ConstraintType", NS) is not None
    ]
    released = [
        t for t in scenario.tasks if t.release and t.id in {a.task for a in plan.assignments}
    ]
    assert len(constrained) == len(released) > 0
