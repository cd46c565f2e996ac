"""What a plan means per project and per person: finish against deadline, money, and each
person's booked against available hours, over the plan and week by week in their own zone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

import numpy as np

from allocate.actuals import spent_costs, spent_hours
from allocate.calendar import week_starts, working_intervals
from allocate.limits import week_ticks
from allocate.objective import Timing, project_costs, project_finishes
from allocate.plan import PersonSummary, ProjectSummary, WeekHours
from allocate.problem import NONE, Problem
from allocate.scenario import Scenario, hours
from allocate.schedule import Schedule


def project_summaries(scenario: Scenario, timing: Timing, unplaced: Iterable[str] = ()):
    """Per project: finish against deadline (elapsed and working hours late), the tasks of
    `unplaced` it has, and its money."""
    finishes = project_finishes(scenario, timing)
    costs, spent = project_costs(scenario, timing), spent_costs(scenario)
    missing = Counter(scenario.task(task).project for task in unplaced)
    for project in scenario.projects:
        finish = finishes.get(project.id)
        late = hours(finish - project.deadline) if finish and project.deadline else 0.0
        yield ProjectSummary(
            id=project.id,
            finish=finish,
            deadline=project.deadline,
            late_hours=max(0.0, late),
            late_working_hours=working_hours(scenario, project.deadline, finish) if late > 0 else 0,
            unplaced=missing[project.id],
            cost=round(costs.get(project.id, 0.0) + spent.get(project.id, 0.0), 2),
            spent_cost=round(spent.get(project.id, 0.0), 2),
            planned_cost=round(costs.get(project.id, 0.0), 2),
            budget=project.budget,
            value=project.value,
        )


def working_hours(scenario: Scenario, start: datetime, end: datetime) -> float:
    """The organisation calendar's working hours in `[start, end)`: how late something is in
    the working time the organisation counts in."""
    if end <= start:
        return 0.0
    return sum(hours(e - s) for s, e in working_intervals(scenario.calendar, start, end))


def person_summaries(scenario: Scenario, problem: Problem, schedule: Schedule):
    """Per person, from the planning start to the plan's finish: booked and available hours,
    in total and per local week (Monday 00:00 in their zone)."""
    placed_end = schedule.end[schedule.start != NONE]
    last = int(placed_end.max()) if placed_end.size else problem.first_tick
    spent, past = spent_hours(scenario), _past(scenario)
    for p, person in enumerate(scenario.people):
        mine = schedule.person == p
        available = int(problem.cum_work[p, last] - problem.cum_work[p, problem.first_tick])
        yield PersonSummary(
            id=person.id,
            timezone=person.calendar.timezone,
            booked_hours=float(problem.effort[mine].sum()) * problem.hours_per_tick,
            available_hours=available * problem.hours_per_tick,
            tasks=int(mine.sum()),
            max_hours_per_week=person.max_hours_per_week,
            weeks=tuple(_weeks(scenario, problem, schedule, p, last)),
            balance_available_hours=float(problem.available[p]) * problem.hours_per_tick,
            spent_hours=spent[person.id],
            past_available_hours=_available(person.calendar, past, scenario.start),
        )


def _past(scenario: Scenario) -> datetime:
    """Where the recorded past begins: the earliest `Progress.started` (the planning start when
    nothing records one)."""
    started = [t.progress.started for t in scenario.tasks if t.progress.started is not None]
    return min([scenario.start, *started])


def _available(calendar, start: datetime, end: datetime) -> float:
    return (
        sum(hours(e - s) for s, e in working_intervals(calendar, start, end))
        if start < end
        else 0.0
    )


def _weeks(scenario: Scenario, problem: Problem, schedule: Schedule, p: int, last: int):
    """The person's local weeks from the one holding the planning start to the one holding
    `last`: hours booked on tasks (a team member counts until the team finishes) and hours they
    could work from the planning start on."""
    calendar = scenario.people[p].calendar
    starts = week_starts(calendar, problem.grid)
    cum = problem.cum_work[p]
    booked: dict[int, int] = {}
    for task in np.flatnonzero(schedule.person == p).tolist():
        for w, ticks in week_ticks(
            cum, starts, int(schedule.start[task]), int(schedule.end[task])
        ).items():
            booked[w] = booked.get(w, 0) + ticks
    first = int(np.searchsorted(starts, problem.first_tick, side="right")) - 1
    final = int(np.searchsorted(starts, max(last - 1, problem.first_tick), side="right")) - 1
    zone = calendar.zone
    for w in range(max(first, 0), min(final, len(starts) - 2) + 1):
        lo = min(max(int(starts[w]), problem.first_tick), problem.horizon)
        hi = min(int(starts[w + 1]), problem.horizon)
        yield WeekHours(
            start=problem.grid.time(int(starts[w])).astimezone(zone).date(),
            booked_hours=booked.get(w, 0) * problem.hours_per_tick,
            available_hours=max(0, int(cum[hi] - cum[lo])) * problem.hours_per_tick,
        )
