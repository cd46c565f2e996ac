"""Working time on the planning grid: calendars expanded to booleans per tick.

The grid is UTC: tick `k` is `[origin + k*res, origin + (k+1)*res)`. A tick is working time for a
person when it lies wholly inside their working time (weekly hours in their zone, DST-correct via
zoneinfo, minus public holidays and time off). The resolution is chosen so that every boundary falls
on the grid, which makes this exact rather than rounded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import numpy as np

from allocate.scenario import WEEKDAYS, Calendar, Scenario, TimeOff, holiday_calendar

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
    return frozenset(holiday_calendar(code, range(first_year, last_year + 1)).keys())


def working_ticks(calendar: Calendar, origin: datetime, ticks: int, resolution: int) -> np.ndarray:
    """Boolean per tick: is the whole tick working time?"""
    step = timedelta(minutes=resolution)
    result = np.zeros(ticks, dtype=bool)
    for start, end in working_intervals(calendar, origin, origin + ticks * step):
        first = math.ceil((start - origin) / step)
        last = math.floor((end - origin) / step)
        result[max(first, 0) : max(last, 0)] = True
    return result


def week_starts(calendar: Calendar, origin: datetime, step: timedelta, horizon: int) -> np.ndarray:
    """Ticks of the local Mondays 00:00 from the last one at or before the origin to the first
    one past the horizon (rounded up onto the grid, where they fall exactly on a fitting grid)."""
    zone = calendar.zone
    local = origin.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    ticks = []
    while True:
        moment = datetime.combine(monday, time()).replace(tzinfo=zone).astimezone(UTC)
        ticks.append(int(np.ceil(round((moment - origin) / step, 9))))
        if ticks[-1] > horizon:
            return np.array(ticks, dtype=np.int64)
        monday += timedelta(days=7)


# --- choosing the grid -------------------------------------------------------------------------


def choose_resolution(scenario: Scenario) -> int:
    """The coarsest divisor of 60 minutes on which every input falls exactly."""
    if scenario.resolution_minutes is not None:
        return scenario.resolution_minutes
    grid = 60
    for minutes in _input_minutes(scenario):
        grid = math.gcd(grid, minutes)
        if grid == 1:
            break
    return grid


def _input_minutes(scenario: Scenario) -> Iterator[int]:
    years = range(scenario.start.year, scenario.start.year + 3)
    for calendar in (scenario.calendar, *(p.calendar for p in scenario.people)):
        yield from _calendar_minutes(calendar, years)
    yield from (
        _whole_minutes(p.max_hours_per_week) for p in scenario.people if p.max_hours_per_week
    )
    for task in scenario.tasks:
        yield _whole_minutes(task.remaining_hours)
        for dependency in task.after:
            yield _whole_minutes(abs(dependency.lag_hours))
        yield from (_minute_of_hour(t) for t in (task.release, task.deadline) if t)
    yield from (_minute_of_hour(p.deadline) for p in scenario.projects if p.deadline)
    yield from (_minute_of_hour(pin.start) for pin in scenario.pins if pin.start)


def _calendar_minutes(calendar: Calendar, years: Iterable[int]) -> Iterator[int]:
    for ranges in calendar.weekly_hours.values():
        for time_range in ranges:
            yield from time_range.minutes
    for year in years:
        for month in (1, 7):
            offset = datetime(year, month, 15, tzinfo=calendar.zone).utcoffset()
            yield int(offset.total_seconds() // 60)
    for off in calendar.time_off:
        if isinstance(off.start, datetime):
            yield from (t.hour * 60 + t.minute + _offset_minutes(t) for t in (off.start, off.end))


def _offset_minutes(value: datetime) -> int:
    offset = value.utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def _whole_minutes(hours: float) -> int:
    return math.ceil(round(hours * 60, 6))


def _minute_of_hour(value: datetime) -> int:
    return value.astimezone(UTC).minute


def grid_origin(start: datetime, resolution: int) -> datetime:
    """The planning start rounded down onto the grid (tick 0), in UTC."""
    start = start.astimezone(UTC).replace(second=0, microsecond=0)
    return start - timedelta(minutes=(start.hour * 60 + start.minute) % resolution)
