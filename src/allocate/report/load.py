"""Booked against available hours per person and week (or day), from the real calendars.

An assignment's work is not spread evenly over `[start, end)`: it happens only in the person's
working time, so a task running from Thursday to Monday books Thursday, Friday and Monday and
nothing at the weekend. Periods are the person's own local weeks (Monday 00:00) or days, so a
New York week is New York's. Available hours count from the planning start on.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from allocate.calendar import Interval, working_intervals
from allocate.plan import Plan
from allocate.scenario import Person, Scenario, hours

Period = Literal["week", "day"]


@dataclass(frozen=True)
class Load:
    """One person's hours in one period. `utilisation` is None when they could not work at all."""

    person: str
    period: str
    """'2027-W01' for a week, '2027-01-04' for a day."""
    first_day: date
    booked_hours: float
    available_hours: float

    @property
    def utilisation(self) -> float | None:
        if self.available_hours <= 0:
            return None
        return self.booked_hours / self.available_hours


def load(
    scenario: Scenario,
    plan: Plan,
    *,
    by: Period = "week",
    until: datetime | None = None,
) -> list[Load]:
    """Per person (scenario order) and period (time order), from the period holding the planning
    start to the one holding `until` (default: the plan's finish)."""
    if by not in ("week", "day"):
        raise ValueError(f"by must be 'week' or 'day', not {by!r}")
    end = until or plan.finish or scenario.start
    first, last = _day_range(scenario, scenario.start, end, by)
    step = timedelta(days=7 if by == "week" else 1)
    days = [first + k * step for k in range((last - first) // step + 1)]
    by_person: dict[str, list[Interval]] = {}
    for a in plan.assignments:
        for person in a.people:
            by_person.setdefault(person, []).append((a.start, a.end))
    result = []
    for person in scenario.people:
        booked, available = _person_load(person, days, step, scenario.start, by_person)
        for day, b, v in zip(days, booked, available, strict=True):
            result.append(Load(person.id, _label(day, by), day, b, v))
    return result


def _person_load(
    person: Person,
    days: list[date],
    step: timedelta,
    begin: datetime,
    busy: dict[str, list[Interval]],
) -> tuple[list[float], list[float]]:
    zone = person.calendar.zone
    edges = [_midnight(day, zone) for day in (*days, days[-1] + step)]
    work = working_intervals(person.calendar, max(edges[0], begin), edges[-1])
    available = _bucket(work, edges)
    booked = [0.0] * len(days)
    for start, end in busy.get(person.id, ()):
        inside = [(max(s, start), min(e, end)) for s, e in work if s < end and e > start]
        for k, value in enumerate(_bucket(inside, edges)):
            booked[k] += value
    return booked, available


def _bucket(intervals: list[Interval], edges: list[datetime]) -> list[float]:
    """Hours of `intervals` in each `[edges[k], edges[k + 1])`."""
    totals = [0.0] * (len(edges) - 1)
    for start, end in intervals:
        k = bisect_right(edges, start) - 1
        while start < end and 0 <= k < len(totals):
            cut = min(end, edges[k + 1])
            totals[k] += hours(cut - start)
            start, k = cut, k + 1
    return totals


def _day_range(scenario: Scenario, start: datetime, end: datetime, by: Period) -> tuple[date, date]:
    """The first and last period's first day over everyone's zones (the union of their periods)."""
    zones = [p.calendar.zone for p in scenario.people] or [UTC]
    first = min(start.astimezone(z).date() for z in zones)
    last = max((end - timedelta(microseconds=1)).astimezone(z).date() for z in zones)
    last = max(first, last)
    if by == "week":
        first -= timedelta(days=first.weekday())
        last -= timedelta(days=last.weekday())
    return first, last


def _midnight(day: date, zone) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _label(day: date, by: Period) -> str:
    if by == "day":
        return day.isoformat()
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
