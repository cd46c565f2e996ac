"""The planning grid: UTC ticks of a fixed number of minutes, from an origin up to a horizon.

Tick `k` is `[origin + k * step, origin + (k + 1) * step)`. Every conversion between datetimes
and ticks goes through one `Grid`, by one rule: a moment's distance from the origin is divided
exactly (whole microseconds, no floating point), and a moment between two ticks is rounded down to
the tick that contains it (`tick(moment)`: deadlines, calendar ends) or up to the first tick that
starts at or after it (`tick(moment, up=True)`: releases, pins, calendar starts). On a grid that
fits the scenario (`choose_resolution`) every input falls on a tick, so neither rounding happens.
Hours become ticks by `ticks(hours)`, rounded up (efforts, lags) or down (limits), tolerating the
float noise of sums such as 0.1 + 0.2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from allocate.objective import balance_window
from allocate.scenario import Calendar, Scenario

HORIZON_PAST_INPUTS = timedelta(days=365)
"""How far past the latest date the scenario mentions calendars are expanded by default."""
WINDOW_SLACK = 0.5
"""`first_window_end`: the window reaches past the latest date by this fraction of the time from
the planning start to it, and by `WINDOW_DAYS` more: the margin the exact model is given past a
first plan that ends at that date (see `schedule.search_horizon`), so that such a plan needs no
second compile."""
WINDOW_DAYS = timedelta(days=28)
WINDOW_AT_LEAST = timedelta(weeks=26)
"""The shortest first window: the greedy rule measures the team's share of working time over
the first 26 weeks (`strategies.priority.SHARE_WEEKS`), which must all be compiled."""


@dataclass(frozen=True)
class Grid:
    """`horizon` ticks of `resolution` minutes from `origin` (UTC, on the grid)."""

    origin: datetime
    resolution: int
    """Minutes per tick, a divisor of 60."""
    horizon: int
    """Ticks the calendars are expanded for: tick `horizon` is the end of the plannable time."""

    @classmethod
    def for_scenario(cls, scenario: Scenario, horizon_end: datetime | None = None) -> Grid:
        """The coarsest fitting grid from the planning start to `horizon_end` (by default the
        scenario's, else a year past the latest date it mentions)."""
        resolution = choose_resolution(scenario)
        grid = cls(grid_origin(scenario.start, resolution), resolution, 0)
        return cls(
            grid.origin, resolution, max(1, grid.tick(horizon_end or scenario_end(scenario)))
        )

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.resolution)

    @property
    def hours_per_tick(self) -> float:
        return self.resolution / 60

    @property
    def ticks_per_day(self) -> int:
        return 24 * 60 // self.resolution

    def tick(self, moment: datetime, up: bool = False) -> int:
        """The tick that contains `moment`; with `up`, the first tick that starts at or after
        it. Exact: a moment one microsecond past a tick is not on it."""
        ticks, rest = divmod(moment - self.origin, self.step)
        return ticks + 1 if up and rest else ticks

    def offset(self, moment: datetime) -> float:
        """`moment` in ticks after the origin, fractional when it lies between two ticks."""
        return (moment - self.origin) / self.step

    def time(self, tick: int) -> datetime:
        """The moment tick `tick` starts (UTC)."""
        return self.origin + self.step * int(tick)

    def when(self, tick: int) -> str:
        """When tick `tick` starts, as messages to planners put it ("2026-03-02 09:00 UTC")."""
        return when(self.time(tick))

    def ticks(self, hours: float, up: bool = True) -> int:
        """`hours` in whole ticks, rounded up (an effort, a lag) or down (a limit, which must not
        grow); float noise below a millionth of a tick is ignored."""
        exact = round(hours * 60 / self.resolution, 6)
        return math.ceil(exact) if up else math.floor(exact)


def when(moment: datetime) -> str:
    """`moment` as messages to planners put it: "2026-03-02 09:00 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def scenario_end(scenario: Scenario) -> datetime:
    """The end of the plannable time: the scenario's horizon end, else `default_horizon_end`."""
    return scenario.horizon_end or default_horizon_end(scenario)


def default_horizon_end(scenario: Scenario) -> datetime:
    """How far calendars are expanded when the scenario sets no horizon: a year past the latest
    start, release, deadline or pinned start, which leaves room for any realistic plan. Time off
    and capacity changes do not count: they never need the plan to reach them (docs/concepts.md,
    "The grid", says the same)."""
    dates = [scenario.start]
    for task in scenario.tasks:
        dates += [t for t in (task.release, task.deadline) if t]
    dates += [p.deadline for p in scenario.projects if p.deadline]
    dates += [pin.start for pin in scenario.pins if pin.start]
    return max(dates) + HORIZON_PAST_INPUTS


def first_window_end(scenario: Scenario) -> datetime:
    """How far `solve()` first expands calendars: past the latest date the plan is measured
    against (start, releases, deadlines, pins, the end of the utilisation window) by half the
    time up to it and four weeks, at least 26 weeks from the start, never past the horizon. A
    plan rarely needs more; when it does, `solve()` compiles again for a longer window.
    Calendars expanded to a year past the inputs on a one-minute grid were the time and memory
    of a solve before its first plan."""
    latest = max(default_horizon_end(scenario) - HORIZON_PAST_INPUTS, balance_window(scenario)[1])
    end = latest + WINDOW_SLACK * (latest - scenario.start) + WINDOW_DAYS
    return min(max(end, scenario.start + WINDOW_AT_LEAST), scenario_end(scenario))


def grid_origin(start: datetime, resolution: int) -> datetime:
    """The planning start rounded down onto the grid (tick 0), in UTC."""
    start = start.astimezone(UTC).replace(second=0, microsecond=0)
    return start - timedelta(minutes=(start.hour * 60 + start.minute) % resolution)


# --- choosing the resolution -------------------------------------------------------------------


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
