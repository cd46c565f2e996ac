"""Capacity forecast: demand for each skill against the hours of the people who have it, by week.

A project manager asks "where will we run out of people?". Hours per role per week answer it only
when people are interchangeable within a role; here they hold several skills at several levels, so
demand is grouped by *requirement*: "backend 3+" is the work that needs backend at level 3 or more,
and its supply is the working time of everybody with backend at level 3 or more (their own
calendars: holidays, time off, part-time, weekly limits). Every group is a necessary condition: if
its demand in a stretch of weeks exceeds its supply, no plan can do that work in that stretch. A
person with two skills counts in both groups' supply, so groups are read one at a time, not added.

Demand has four parts, each in hours of work per period:
- `planned`: work the plan books, where it books it;
- `needed`: the same work, except that work the plan does too late for a deadline (its own, its
  project's, or a successor's) is counted in the weeks between its earliest possible start and its
  latest finish, where it was needed: this is where the plan is short of people;
- `unplaced`: work of committed tasks that the plan does not hold (left out, or not placeable),
  spread over the same window;
- `tentative`: pipeline work, projects with a `win_probability` below 1, weighted by it (as planned
  if the plan holds it, else over its window).
Demand is `needed + unplaced + tentative`; the shortfall is what demand exceeds supply by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import numpy as np

from allocate.bounds.earliest import earliest_schedule
from allocate.bounds.tails import successors
from allocate.on_grid import on_grid
from allocate.plan import Plan
from allocate.problem import NONE, Problem, compile_problem
from allocate.scenario import Frozen, Scenario
from allocate.schedule import topological_order

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

Freq = Literal["week", "month"]
By = Literal["skill", "person"]


class CapacityRow(Frozen):
    """One group's hours in one period (`start` is the period's first day in the forecast's zone).

    For a skill group, `skill` and `level` name the requirement ("backend", 3: backend at level 3
    or more) and `people` counts who has it; for a person, `person` names them."""

    group: str
    start: date
    supply_hours: float
    planned_hours: float = 0.0
    needed_hours: float = 0.0
    unplaced_hours: float = 0.0
    tentative_hours: float = 0.0
    skill: str | None = None
    level: int | None = None
    person: str | None = None
    people: int = 1

    @property
    def demand_hours(self) -> float:
        return self.needed_hours + self.unplaced_hours + self.tentative_hours

    @property
    def shortfall_hours(self) -> float:
        return max(0.0, self.demand_hours - self.supply_hours)

    @property
    def surplus_hours(self) -> float:
        return max(0.0, self.supply_hours - self.demand_hours)

    @property
    def load(self) -> float | None:
        """Demand over supply (None when nobody in the group can work in the period)."""
        return self.demand_hours / self.supply_hours if self.supply_hours > 0 else None


class Shortage(Frozen):
    """A group that runs short: in how many periods, from when, by how many hours in all."""

    group: str
    skill: str | None
    level: int | None
    people: int
    first: date
    periods: int
    shortfall_hours: float
    demand_hours: float
    supply_hours: float

    def __str__(self) -> str:
        plural = "s" if self.periods != 1 else ""
        return (
            f"{self.group}: {self.shortfall_hours:,.0f} h short in {self.periods} period{plural} "
            f"from {self.first:%a %d %b %Y} ({self.people} qualified)"
        )


class SoleHolder(Frozen):
    """A requirement only one person meets, with the work that depends on them (bus factor)."""

    skill: str
    level: int
    person: str
    demand_hours: float

    def __str__(self) -> str:
        return (
            f"only '{self.person}' has {self.skill} {self.level}+ "
            f"({self.demand_hours:,.0f} h of work need it)"
        )


class Forecast(Frozen):
    """Demand and supply per group and period; see the module docstring for what each part
    counts. `rows` are grouped by group (in `groups` order), then in time order."""

    by: By
    freq: Freq
    timezone: str
    periods: tuple[date, ...]
    groups: tuple[str, ...]
    rows: tuple[CapacityRow, ...]
    sole_holders: tuple[SoleHolder, ...] = ()

    def row(self, group: str, start: date) -> CapacityRow:
        for row in self.rows:
            if row.group == group and row.start == start:
                return row
        raise KeyError((group, start))

    def shortages(self, min_hours: float = 0.5) -> list[Shortage]:
        """Groups whose demand exceeds supply in some period by at least `min_hours`, the
        largest total shortfall first."""
        found = []
        for group in self.groups:
            rows = [r for r in self.rows if r.group == group]
            short = [r for r in rows if r.shortfall_hours >= min_hours]
            if not short:
                continue
            found.append(
                Shortage(
                    group=group,
                    skill=rows[0].skill,
                    level=rows[0].level,
                    people=rows[0].people,
                    first=short[0].start,
                    periods=len(short),
                    shortfall_hours=round(sum(r.shortfall_hours for r in short), 2),
                    demand_hours=round(sum(r.demand_hours for r in rows), 2),
                    supply_hours=round(sum(r.supply_hours for r in rows), 2),
                )
            )
        return sorted(found, key=lambda s: (-s.shortfall_hours, s.first, s.group))

    def to_dataframe(self) -> pd.DataFrame:
        """One row per group and period, with demand, shortfall and load as columns."""
        from allocate.report._optional import require

        pd = require("pandas", "Forecast.to_dataframe")
        records = [
            {
                **row.model_dump(),
                "demand_hours": row.demand_hours,
                "shortfall_hours": row.shortfall_hours,
                "surplus_hours": row.surplus_hours,
                "load": row.load,
            }
            for row in self.rows
        ]
        return pd.DataFrame.from_records(records)

    def heatmap(self) -> go.Figure:
        """Groups × periods coloured by demand over supply (plotly, `allocate[views]`)."""
        from allocate.report.capacity import capacity_heatmap

        return capacity_heatmap(self)

    def __str__(self) -> str:
        from allocate.report.capacity import forecast_text

        return forecast_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.capacity import forecast_html

        return forecast_html(self)


def forecast(
    scenario: Scenario,
    plan: Plan,
    *,
    by: By = "skill",
    freq: Freq = "week",
    until: datetime | None = None,
    timezone: str | None = None,
) -> Forecast:
    """Demand against supply per skill requirement (or per person) and week (or month), from the
    planning start to `until` (default: the later of the plan's finish and the last deadline).

    Periods start on Monday (or the 1st) at midnight in `timezone`, by default the organisation
    calendar's. `plan` should be a plan of `scenario` (tasks it does not hold count as unplaced or,
    in pipeline projects, tentative demand)."""
    if by not in ("skill", "person"):
        raise ValueError(f"by must be 'skill' or 'person', not {by!r}")
    if freq not in ("week", "month"):
        raise ValueError(f"freq must be 'week' or 'month', not {freq!r}")
    zone = ZoneInfo(timezone or scenario.calendar.timezone)
    end = until or _default_end(scenario, plan)
    problem = compile_problem(scenario, horizon_end=_horizon(scenario, end))
    days = period_starts(scenario.start, end, freq, zone)
    edges = _edges(problem, days, freq, zone)
    demand = _Demand(scenario, problem, plan, edges)
    if by == "person":
        rows, groups = _person_rows(scenario, problem, demand, days, edges)
        sole = ()
    else:
        rows, groups, sole = _skill_rows(scenario, problem, demand, days, edges)
    return Forecast(
        by=by,
        freq=freq,
        timezone=str(zone.key),
        periods=tuple(days),
        groups=tuple(groups),
        rows=tuple(rows),
        sole_holders=tuple(sole),
    )


def period_starts(begin: datetime, end: datetime, freq: Freq, zone: ZoneInfo) -> list[date]:
    """First days of the periods from the one holding `begin` to the one holding `end`."""
    first = begin.astimezone(zone).date()
    last = max(first, (end - timedelta(microseconds=1)).astimezone(zone).date())
    if freq == "week":
        first -= timedelta(days=first.weekday())
        return [first + timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]
    days, day = [], first.replace(day=1)
    while day <= last:
        days.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return days


def _next_start(day: date, freq: Freq) -> date:
    if freq == "week":
        return day + timedelta(weeks=1)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _edges(problem: Problem, days: list[date], freq: Freq, zone: ZoneInfo) -> np.ndarray:
    """Tick of each period's start and of the last period's end, clipped to the planning
    window [first tick, horizon]."""
    moments = [_midnight(day, zone) for day in days] + [
        _midnight(_next_start(days[-1], freq), zone)
    ]
    ticks = [problem.grid.tick(m, up=True) for m in moments]
    return np.clip(np.array(ticks, dtype=np.int64), problem.first_tick, problem.horizon)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _default_end(scenario: Scenario, plan: Plan) -> datetime:
    dates = [scenario.start + timedelta(days=1)]
    dates += [plan.finish] if plan.finish else []
    dates += [t.deadline for t in scenario.tasks if t.deadline]
    dates += [p.deadline for p in scenario.projects if p.deadline]
    return max(dates)


def _horizon(scenario: Scenario, end: datetime) -> datetime:
    """Calendars must reach past the forecast's end and past everything the plan may hold."""
    from allocate.grid import default_horizon_end

    return max(end + timedelta(days=40), scenario.horizon_end or default_horizon_end(scenario))


@dataclass
class _Demand:
    """Per compiled task: its person, its work per period as planned and as needed, and the
    weight its project's win probability gives it."""

    scenario: Scenario
    problem: Problem
    plan: Plan
    edges: np.ndarray

    def __post_init__(self):
        problem = self.problem
        placed = on_grid(problem, self.plan)
        self.person, start, end = placed.person, placed.start, placed.end
        self.weight = _weights(self.scenario, problem)
        self.tentative = self.weight < 1.0
        earliest = earliest_schedule(problem)
        latest = latest_finishes(problem)
        n, k = problem.n_tasks, len(self.edges) - 1
        self.planned = np.zeros((n, k))
        self.needed = np.zeros((n, k))
        self.unplaced = np.zeros((n, k))
        for task in range(n):
            if not problem.staffed[task] or problem.effort[task] == 0:
                continue
            effort = int(problem.effort[task])
            window = (int(earliest.start[task]), int(latest[task]))
            p = int(self.person[task])
            if p == NONE:
                self.unplaced[task] = self._spread(task, effort, window, None)
                continue
            self.planned[task] = self._booked(p, int(start[task]), effort)
            late = latest[task] < problem.horizon and end[task] > latest[task]
            self.needed[task] = (
                self._spread(task, effort, window, p) if late else self.planned[task]
            )
        hours = problem.hours_per_tick
        self.planned *= hours
        self.needed *= hours
        self.unplaced *= hours

    def _booked(self, person: int, start: int, effort: int) -> np.ndarray:
        """Working ticks of the person's own work `[c, c + effort)` on their working axis that
        fall in each period."""
        cum = self.problem.cum_work[person]
        c = int(cum[start])
        axis = cum[self.edges].astype(np.int64)
        return np.maximum(0, np.minimum(c + effort, axis[1:]) - np.maximum(c, axis[:-1]))

    def _spread(self, task: int, effort: int, window: tuple[int, int], person: int | None):
        """`effort` working ticks spread over `[window)` in proportion to the working time of
        `person` (or of everybody eligible) there; all in the window's first period when nobody
        can work in it (the work was needed at once)."""
        problem = self.problem
        lo, hi = window
        hi = max(hi, lo + 1)
        who = [person] if person is not None else problem.eligible[task].tolist()
        a = np.clip(self.edges[:-1], lo, hi)
        b = np.clip(self.edges[1:], lo, hi)
        capacity = np.zeros(len(a))
        for p in who:
            cum = problem.cum_work[p]
            capacity += cum[b] - cum[a]
        share = np.zeros(len(a))
        if capacity.sum() > 0:
            share = effort * capacity / capacity.sum()
        else:
            share[_period_of(self.edges, lo)] = effort
        return share


def _period_of(edges: np.ndarray, tick: int) -> int:
    return int(min(max(np.searchsorted(edges, tick, side="right") - 1, 0), len(edges) - 2))


def _weights(scenario: Scenario, problem: Problem) -> np.ndarray:
    probability = {p.id: p.win_probability for p in scenario.projects}
    return np.array(
        [probability.get(scenario.task(t).project, 1.0) for t in problem.task_ids], dtype=float
    )


def latest_finishes(problem: Problem) -> np.ndarray:
    """Per compiled task, the latest end that can still keep every deadline after it (its own,
    its project's, its successors'), counting each successor's effort as the least elapsed time
    it takes; the horizon where no deadline follows."""
    latest = np.full(problem.n_tasks, problem.horizon, dtype=np.int64)
    for due in problem.dues:
        for task in due.tasks:
            latest[task] = min(latest[task], due.tick)
    after = successors(problem)
    for task in reversed(topological_order(problem)):
        for succ, gap in after[task]:
            latest[task] = min(latest[task], latest[succ] - gap)
    for task in range(problem.n_tasks):  # a team's slots share their leader's end
        latest[task] = latest[problem.team(task)[0]]
    return latest


def _supply(problem: Problem, scenario: Scenario, person: int, edges: np.ndarray) -> np.ndarray:
    """Hours `person` can work in each period; with a weekly limit, each of their local weeks
    gives at most the limit, shared over its working ticks (a week split by two periods gives
    each its share)."""
    cum = problem.cum_work[person].astype(np.int64)
    limit = int(problem.week_limit[person]) if len(problem.week_limit) else NONE
    if limit == NONE:
        return (cum[edges[1:]] - cum[edges[:-1]]) * problem.hours_per_tick
    weeks = problem.week_start[person]
    cuts = np.unique(np.clip(np.concatenate([edges, weeks]), edges[0], edges[-1]))
    work = cum[cuts[1:]] - cum[cuts[:-1]]
    week = np.searchsorted(weeks, cuts[:-1], side="right") - 1
    in_week = np.bincount(week, weights=work, minlength=len(weeks))
    share = np.minimum(1.0, limit / np.maximum(in_week, 1))[week]
    period = np.searchsorted(edges, cuts[:-1], side="right") - 1
    hours = np.bincount(period, weights=work * share, minlength=len(edges) - 1)
    return hours[: len(edges) - 1] * problem.hours_per_tick


def _requirements(scenario: Scenario, problem: Problem) -> list[dict[str, int]]:
    """Per compiled task, the skills its person needs (its slot's, for a team member)."""
    needs = []
    for i, task_id in enumerate(problem.task_ids):
        members = scenario.task(task_id).members
        needs.append(dict(members[i - problem.team(i)[0]]) if members else {})
    return needs


def _skill_rows(scenario, problem, demand: _Demand, days, edges):
    needs = _requirements(scenario, problem)
    levels: dict[str, set[int]] = {}
    for need in needs:
        for skill, level in need.items():
            if level > 0:
                levels.setdefault(skill, set()).add(level)
    supply = [_supply(problem, scenario, p, edges) for p in range(problem.n_people)]
    rows, groups, sole = [], [], []
    for skill in sorted(levels):
        for level in sorted(levels[skill]):
            tasks = [t for t, need in enumerate(needs) if need.get(skill, 0) >= level]
            holders = [
                p for p, person in enumerate(scenario.people) if person.level(skill) >= level
            ]
            group = f"{skill} {level}+"
            groups.append(group)
            rows += _rows(group, days, demand, tasks, supply, holders, skill=skill, level=level)
            total = sum(float(demand.needed[t].sum() + demand.unplaced[t].sum()) for t in tasks)
            if len(holders) == 1 and total > 0:
                person = problem.person_ids[holders[0]]
                sole.append(
                    SoleHolder(
                        skill=skill, level=level, person=person, demand_hours=round(total, 2)
                    )
                )
    return rows, groups, sole


def _person_rows(scenario, problem, demand: _Demand, days, edges):
    rows, groups = [], []
    for p, person_id in enumerate(problem.person_ids):
        tasks = np.flatnonzero(demand.person == p).tolist()
        supply = [_supply(problem, scenario, p, edges)]
        groups.append(person_id)
        rows += _rows(person_id, days, demand, tasks, supply, [0], person=person_id)
    return rows, groups


def _rows(group, days, demand: _Demand, tasks: Iterable[int], supply, holders, **labels):
    tasks = list(tasks)
    firm = [t for t in tasks if not demand.tentative[t]]
    pipeline = [t for t in tasks if demand.tentative[t]]

    def total(matrix: np.ndarray, chosen: list[int], weighted: bool = False) -> np.ndarray:
        if not chosen:
            return np.zeros(len(days))
        part = matrix[chosen]
        return (part * demand.weight[chosen, None]).sum(axis=0) if weighted else part.sum(axis=0)

    planned = total(demand.planned, firm)
    needed = total(demand.needed, firm)
    unplaced = total(demand.unplaced, firm)
    tentative = total(demand.needed + demand.unplaced, pipeline, weighted=True)
    hours = sum((supply[p] for p in holders), np.zeros(len(days)))
    return [
        CapacityRow(
            group=group,
            start=day,
            supply_hours=round(float(hours[k]), 2),
            planned_hours=round(float(planned[k]), 2),
            needed_hours=round(float(needed[k]), 2),
            unplaced_hours=round(float(unplaced[k]), 2),
            tentative_hours=round(float(tentative[k]), 2),
            people=len(holders) if "skill" in labels else 1,
            **labels,
        )
        for k, day in enumerate(days)
    ]


def most_common_zone(scenario: Scenario, skill: str, level: int) -> str:
    """The time zone most holders of a requirement work in (the organisation's if none)."""
    zones = Counter(
        p.calendar.timezone for p in scenario.people if p.level(skill) >= level
    ).most_common(1)
    return zones[0][0] if zones else scenario.calendar.timezone
