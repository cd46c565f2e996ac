"""A person's working time as one project time zone sees it: a weekly pattern plus exceptions.

Microsoft Project (and every MSPDI reader) keeps all of a project's times in one zone and gives
resources no zone of their own. So a team across time zones is shown in the project's zone, and
each calendar is shifted into it: a New York 09:00-17:00 day becomes 15:00-23:00 in Berlin. The
shift is not one weekly pattern all year (Europe and America change clocks on different Sundays,
and shifted ranges may cross midnight), so the calendar is derived from the real working
intervals day by day: the most common hours of each weekday become the week, and every day that
differs (a holiday, time off, the weeks between two clock changes) becomes an exception. Within
the window the result is exact: the same instants are working time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allocate.calendar import working_intervals
from allocate.scenario import Calendar, holiday_calendar

Ranges = tuple[tuple[int, int], ...]
"""Working ranges of one day in minutes after local midnight, `(540, 1020)` is 09:00-17:00;
1440 ends a day."""


@dataclass(frozen=True)
class Exception_:
    first: date
    last: date
    ranges: Ranges
    """Empty: not working on these days."""
    name: str = ""


@dataclass(frozen=True)
class ProjectCalendar:
    week: tuple[Ranges, ...]
    """Monday first."""
    exceptions: tuple[Exception_, ...]


def day_ranges(calendar: Calendar, zone: str, first: date, last: date) -> dict[date, Ranges]:
    """Every day of `[first, last]` (dates in `zone`) with the calendar's working ranges in it."""
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    days = split_by_day(working_intervals(calendar, start, end), zone)
    return {
        first + timedelta(days=k): days.get(first + timedelta(days=k), ())
        for k in range((last - first).days + 1)
    }


def split_by_day(intervals, zone: str) -> dict[date, Ranges]:
    """Aware intervals as working ranges per local day of `zone` (days without any left out)."""
    tz = ZoneInfo(zone)
    days: dict[date, list[tuple[int, int]]] = {}
    for lo, hi in intervals:
        a, b = lo.astimezone(tz).replace(tzinfo=None), hi.astimezone(tz).replace(tzinfo=None)
        while a < b:
            midnight = datetime.combine(a.date() + timedelta(days=1), time())
            piece_end = min(b, midnight)
            to = 1440 if piece_end == midnight else _minutes(piece_end)
            _add(days.setdefault(a.date(), []), (_minutes(a), to))
            a = piece_end
    return {day: tuple(ranges) for day, ranges in days.items()}


def ranges_to_intervals(days: dict[date, Ranges], zone: str) -> list[tuple[datetime, datetime]]:
    """The inverse of `split_by_day`: per-day ranges of `zone` as aware UTC intervals."""
    tz = ZoneInfo(zone)
    result = []
    for day, ranges in sorted(days.items()):
        midnight = datetime.combine(day, time())
        for a, b in ranges:
            lo = (midnight + timedelta(minutes=a)).replace(tzinfo=tz).astimezone(UTC)
            hi = (midnight + timedelta(minutes=b)).replace(tzinfo=tz).astimezone(UTC)
            result.append((lo, hi))
    return result


def _minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _add(ranges: list[tuple[int, int]], piece: tuple[int, int]) -> None:
    """Append, joining a piece that continues the last range (a DST-shortened night)."""
    if ranges and ranges[-1][1] == piece[0]:
        ranges[-1] = (ranges[-1][0], piece[1])
    else:
        ranges.append(piece)


def project_calendar(calendar: Calendar, zone: str, first: date, last: date) -> ProjectCalendar:
    """`calendar` in `zone` as a week and exceptions, exact for the days `[first, last]`."""
    days = day_ranges(calendar, zone, first, last)
    week = tuple(_most_common(days, weekday) for weekday in range(7))
    names = _day_names(calendar, first, last)
    exceptions: list[Exception_] = []
    run: list[date] = []
    for day, ranges in days.items():
        differs = ranges != week[day.weekday()]
        if (
            run
            and ranges == days[run[0]]
            and names.get(day, names.get(run[0])) == names.get(run[0])
        ):
            run.append(day)
            continue
        if run:
            exceptions.append(_exception(run, days, week, names))
        run = [day] if differs else []
    if run:
        exceptions.append(_exception(run, days, week, names))
    return ProjectCalendar(week, tuple(e for e in exceptions if e is not None))


def _most_common(days: dict[date, Ranges], weekday: int) -> Ranges:
    counts = Counter(ranges for day, ranges in days.items() if day.weekday() == weekday)
    return counts.most_common(1)[0][0] if counts else ()


def _exception(run, days, week, names) -> Exception_ | None:
    """The run up to its last day that differs from the week (a run of vacation days does not
    end with the weekend after it)."""
    while run and days[run[-1]] == week[run[-1].weekday()]:
        run.pop()
    if not run:
        return None
    name = next((names[d] for d in run if d in names), "")
    return Exception_(run[0], run[-1], days[run[0]], name)


def _day_names(calendar: Calendar, first: date, last: date) -> dict[date, str]:
    """Why a day is off, by the person's local date: the holiday's name or the reason given."""
    names: dict[date, str] = {}
    if calendar.holidays:
        table = holiday_calendar(calendar.holidays, range(first.year - 1, last.year + 2))
        names |= {day: str(name) for day, name in table.items()}
    for off in calendar.time_off:
        day = off.start.date() if isinstance(off.start, datetime) else off.start
        end = off.end.date() if isinstance(off.end, datetime) else off.end
        while day <= end:
            names.setdefault(day, off.reason or "time off")
            day += timedelta(days=1)
    return names
