"""Working time on the grid: weekly hours, DST, holidays, time off, part-time."""

from datetime import UTC, date, datetime, timedelta

import numpy as np

from allocate import Calendar, TimeOff
from allocate.calendar import working_intervals, working_ticks
from allocate.grid import Grid

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)


def hours_on(calendar: Calendar, day: date) -> float:
    start = datetime.combine(day, datetime.min.time(), tzinfo=calendar.zone)
    intervals = working_intervals(
        calendar, start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)
    )
    return sum((e - s).total_seconds() for s, e in intervals) / 3600


def test_office_hours_in_berlin_are_utc_shifted():
    """Mon 09:00-17:00 Berlin (CET, UTC+1) is 08:00-16:00 UTC."""
    intervals = working_intervals(
        Calendar(timezone="Europe/Berlin"), MONDAY, MONDAY + timedelta(days=1)
    )
    assert intervals == [(MONDAY.replace(hour=8), MONDAY.replace(hour=16))]


def test_dst_change_keeps_local_hours():
    """After Berlin moves to summer time (29 March 2026) local 9-17 is 07:00-15:00 UTC."""
    monday_after = datetime(2026, 3, 30, tzinfo=UTC)
    intervals = working_intervals(
        Calendar(timezone="Europe/Berlin"), monday_after, monday_after + timedelta(days=1)
    )
    assert intervals == [(monday_after.replace(hour=7), monday_after.replace(hour=15))]


def test_public_holiday_removes_the_day():
    """Good Friday 2026 (3 April) is a German public holiday: no working time."""
    calendar = Calendar(timezone="Europe/Berlin", holidays="DE")
    assert hours_on(calendar, date(2026, 4, 3)) == 0
    assert hours_on(calendar, date(2026, 4, 2)) == 8


def test_regional_holiday_depends_on_subdivision():
    """Epiphany (6 Jan) is a holiday in Bavaria but not in Berlin."""
    assert hours_on(Calendar(timezone="Europe/Berlin", holidays="DE-BY"), date(2026, 1, 6)) == 0
    assert hours_on(Calendar(timezone="Europe/Berlin", holidays="DE-BE"), date(2026, 1, 6)) == 8


def test_time_off_dates_are_inclusive_and_datetimes_half_open():
    """Date time off removes whole days (both ends); datetime time off removes exactly its span."""
    calendar = Calendar(
        timezone="Europe/Berlin",
        time_off=[
            TimeOff(start=date(2026, 3, 3), end=date(2026, 3, 4)),
            TimeOff(start=datetime(2026, 3, 5, 9), end=datetime(2026, 3, 5, 11)),
        ],
    )
    assert [hours_on(calendar, date(2026, 3, d)) for d in (2, 3, 4, 5, 6)] == [8, 0, 0, 6, 8]


def test_part_time_and_split_days():
    """A Monday-Tuesday person with a lunch break works 7 hours on those days only."""
    calendar = Calendar(
        weekly_hours={"mon": ["09:00-12:00", "13:00-17:00"], "tue": ["09:00-12:00", "13:00-17:00"]}
    )
    assert [hours_on(calendar, date(2026, 3, d)) for d in (2, 3, 4)] == [7, 7, 0]


def test_working_ticks_match_intervals():
    """The boolean grid marks exactly the working hours, on a 30-minute grid for India."""
    calendar = Calendar(timezone="Asia/Kolkata")  # UTC+05:30: 09:00 local is 03:30 UTC
    ticks = working_ticks(calendar, Grid(MONDAY, 30, 48))
    assert ticks.sum() == 16
    assert np.flatnonzero(ticks)[0] == 7  # 03:30 UTC


def test_working_ticks_are_remembered_per_calendar_and_grid_and_read_only():
    """Equal calendars (other objects) share one read-only expansion; a day off more does not."""
    grid = Grid(MONDAY, 60, 24 * 7)
    first = working_ticks(Calendar(timezone="Europe/Berlin"), grid)
    again = working_ticks(Calendar(timezone="Europe/Berlin"), grid)
    assert again is first and not first.flags.writeable
    off = Calendar(
        timezone="Europe/Berlin", time_off=[TimeOff(start=date(2026, 3, 2), end=date(2026, 3, 2))]
    )
    assert working_ticks(off, grid).sum() == first.sum() - 8
    assert working_ticks(Calendar(timezone="Europe/Berlin"), Grid(MONDAY, 30, 24 * 14)).sum() == 80
