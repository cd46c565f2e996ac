"""Working time on the planning grid: calendars expanded to booleans per tick.

A tick (`grid.Grid`) is working time for a person when it lies wholly inside their working time
(weekly hours in their zone, DST-correct via zoneinfo, minus public holidays and time off). The
resolution is chosen so that every boundary falls on the grid, which makes this exact rather than
rounded. A person's local weeks (for weekly limits and summaries) are ticks too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import numpy as np

from allocate.grid import Grid
from allocate.scenario import WEEKDAYS, Calendar, TimeOff, holiday_names

Interval = tuple[datetime, datetime]


def working_intervals(calendar: Calendar, start: datetime, end: datetime) -> list[Interval]:
    """The calendar's working time within `[start, end)`, as sorted disjoint UTC intervals."""
    zone = calendar.zone
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    days_off = holiday_dates(calendar.holidays, first.year, last.year)
    intervals: list[Interval] = []
    day = first
    while day <= last:
        if day not in days_off:
            for time_range in calendar.weekly_hours.get(WEEKDAYS[day.weekday()], ()):
                lo, hi = time_range.minutes
                intervals.append((_local(day, lo, zone), _local(day, hi, zone)))
        day += timedelta(days=1)
    absences = sorted(absence_interval(off, zone) for off in calendar.time_off)
    return [
        (max(s, start), min(e, end))
        for s, e in _subtract(sorted(intervals), absences)
        if e > start and s < end
    ]


def _local(day: date, minutes: int, zone) -> datetime:
    """Local wall-clock `minutes` after midnight of `day`, as UTC."""
    local = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return local.replace(tzinfo=zone).astimezone(UTC)


def absence_interval(off: TimeOff, zone) -> Interval:
    if isinstance(off.start, datetime):
        start, end = (t if t.tzinfo else t.replace(tzinfo=zone) for t in (off.start, off.end))
        return start.astimezone(UTC), end.astimezone(UTC)
    return _local(off.start, 0, zone), _local(off.end + timedelta(days=1), 0, zone)


def _subtract(intervals: list[Interval], holes: list[Interval]) -> Iterator[Interval]:
    for start, end in intervals:
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= end:
                continue
            if hole_start > start:
                yield start, hole_start
            start = max(start, hole_end)
            if start >= end:
                break
        if start < end:
            yield start, end


@lru_cache(maxsize=256)
def holiday_dates(code: str | None, first_year: int, last_year: int) -> frozenset[date]:
    if code is None:
        return frozenset()
    return frozenset(holiday_names(code, range(first_year, last_year + 1)))


def working_ticks(calendar: Calendar, grid: Grid) -> np.ndarray:
    """Boolean per tick of the grid's horizon: is the whole tick working time? (Read-only.)

    Remembered per calendar and grid: what-ifs, recommendations and sweeps compile the same
    people many times over, and expanding calendars was nine tenths of compiling the bundled
    example (0.13 of 0.14 s)."""
    return _working_ticks(_Same(calendar), grid)


class _Same:
    """A calendar as a cache key: equal when their JSON is (a Calendar holds dicts, so it is
    not hashable itself)."""

    __slots__ = ("calendar", "text")

    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self.text = calendar.model_dump_json()

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.text == self.text


@lru_cache(maxsize=512)
def _working_ticks(key: _Same, grid: Grid) -> np.ndarray:
    result = np.zeros(grid.horizon, dtype=bool)
    for start, end in working_intervals(key.calendar, grid.origin, grid.time(grid.horizon)):
        first, last = grid.tick(start, up=True), grid.tick(end)
        result[max(first, 0) : max(last, 0)] = True
    result.setflags(write=False)
    return result


def week_starts(calendar: Calendar, grid: Grid) -> np.ndarray:
    """Ticks of the local Mondays 00:00 from the last one at or before the origin to the first
    one past the horizon (rounded up onto the grid, where they fall exactly on a fitting grid)."""
    zone = calendar.zone
    local = grid.origin.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    ticks = []
    while True:
        moment = datetime.combine(monday, time()).replace(tzinfo=zone).astimezone(UTC)
        ticks.append(grid.tick(moment, up=True))
        if ticks[-1] > grid.horizon:
            return np.array(ticks, dtype=np.int64)
        monday += timedelta(days=7)
