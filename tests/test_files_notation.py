"""The cell notation: what planners type reads as they mean it; written back, it reads the same."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocate.files import notation as n
from allocate.scenario import Dependency, Slot


def test_skills_in_the_ways_planners_write_them():
    """Commas, semicolons, '=' and space-separated pairs; a skill without a level is level 1."""
    assert n.parse_levels("design:3, backend:2") == {"design": 3, "backend": 2}
    assert n.parse_levels("design:5 frontend:2") == {"design": 5, "frontend": 2}
    assert n.parse_levels("UX design: 3; backend=2\npm") == {"UX design": 3, "backend": 2, "pm": 1}
    with pytest.raises(n.CellError, match="level 'high' of 'backend' is not a whole number"):
        n.parse_levels("backend:high")


def test_working_hours_groups_split_days_and_part_time():
    """Day ranges, lists, wrap-around, 9-17 shorthand; format groups equal days back."""
    week = n.parse_works("mon - thu 9-17; Fri 9-13")
    assert n.format_works(week) == "Mon-Thu 09:00-17:00; Fri 09:00-13:00"
    split = n.parse_works("Mon, Wed, Fri 07:00-11:00, 13:00-17:00")
    assert set(split) == {"mon", "wed", "fri"} and len(split["wed"]) == 2
    assert set(n.parse_works("09:00-17:00")) == {"mon", "tue", "wed", "thu", "fri"}
    assert set(n.parse_works("Sat-Mon 10:00-14:00")) == {"sat", "sun", "mon"}
    with pytest.raises(n.CellError, match="'Fry' is not a weekday"):
        n.parse_works("Mon-Fry 9-17")
    with pytest.raises(n.CellError, match="no time range"):
        n.parse_works("weekdays")


def test_dependencies_with_types_and_lags():
    """`id [TYPE] [±lag h|wh]`; ids with dashes and spaces stay whole; days are refused."""
    after = n.parse_after("kickoff, wires SS +48h, uat+16wh, Kickoff workshop FF -4h, shop-2")
    assert after == (
        Dependency(task="kickoff"),
        Dependency(task="wires", type="SS", lag_hours=48),
        Dependency(task="uat", lag_hours=16, lag_in="working"),
        Dependency(task="Kickoff workshop", type="FF", lag_hours=-4),
        Dependency(task="shop-2"),
    )
    assert n.parse_after(n.format_after(after)) == after
    with pytest.raises(n.CellError, match="lags are hours"):
        n.parse_after("b FS +2d")


def test_hours_refuse_days_with_a_hint():
    """'3 days' is not hours: the message says what to write instead."""
    assert n.parse_hours("16h", "effort") == 16 and n.parse_hours(" 1,250.5 ", "effort") == 1250.5
    with pytest.raises(n.CellError, match=r"effort '3 days' is not a number of hours .* 24 for 3"):
        n.parse_hours("3 days", "effort")
    with pytest.raises(n.CellError, match="use a point for decimals"):
        n.parse_hours("1,5", "effort")


def test_teams_and_people_less_slots():
    """`design:3 + 2x backend:2` is a team of slots; `anyone` a slot without skills."""
    skills, team = n.parse_team("design:3 + 2x backend:2, devops:1 + anyone")
    assert skills == {} and team == (
        Slot(skills={"design": 3}),
        Slot(skills={"backend": 2, "devops": 1}, count=2),
        Slot(skills={}),
    )
    assert n.parse_team(n.format_team({}, team)) == ({}, team)


def test_dates_and_their_zones():
    """Dates, datetimes, ISO with offset, European and spelled dates; slashes are refused;
    a date deadline is the end of that day in the organisation's zone."""
    assert n.parse_when("1 Apr 2027", "d") == date(2027, 4, 1)
    assert n.parse_when("01.04.2027 09:30", "d") == datetime(2027, 4, 1, 9, 30)
    assert n.parse_when("2027-04-01T17:00+02:00", "d").utcoffset() == timedelta(hours=2)
    with pytest.raises(n.CellError, match="04/01 is April in one country"):
        n.parse_when("04/01/2027", "deadline")
    due = n.parse_moment("2027-04-01", "deadline", "Europe/Berlin", end_of_day=True)
    assert due == datetime(2027, 4, 2, tzinfo=ZoneInfo("Europe/Berlin"))
    assert n.format_moment(due, "Europe/Berlin", end_of_day=True) == date(2027, 4, 1)


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]),
    st.booleans(),
)
def test_any_instant_reads_back_as_written(moment, zone, end_of_day):
    """format_moment then parse_moment gives the same instant, across DST changes too."""
    instant = moment.replace(tzinfo=UTC)
    cell = n.format_moment(instant, zone, end_of_day=end_of_day)
    assert n.parse_moment(cell, "t", zone, end_of_day) == instant


def test_zones_holidays_and_yes_no():
    """Unknown zones suggest the right name; holiday regions are checked; yes/no words."""
    with pytest.raises(n.CellError, match="did you mean 'Europe/Berlin'"):
        n.parse_zone("Berlin")
    assert n.parse_holidays("de-by") == "DE-BY" and n.parse_holidays("none") is None
    with pytest.raises(n.CellError, match="unknown holiday country 'XX'"):
        n.parse_holidays("XX")
    assert n.parse_yes_no("x", "optional") and not n.parse_yes_no("No", "optional")
    assert n.parse_text(7.0) == "7"


def test_objective_and_capacity_changes():
    """Objective levels with weights, and resource capacity over time, both ways."""
    levels = n.parse_objective("lateness + unplaced; peak_utilisation; 2*cost; makespan")
    assert levels[2] == {"cost": 2.0} and n.parse_objective(n.format_objective(levels)) == levels
    changes = n.parse_changes("2 from 2027-04-01; 1 from 2027-06-01 12:00", "UTC")
    assert [c["capacity"] for c in changes] == [2, 1]
    assert changes[1]["start"].hour == 12
