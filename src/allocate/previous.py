"""The previous plan of a re-plan on the compiled problem, and the `changes` term measured
against it on ticks.

`with_previous` reads the plan onto the grid (`on_grid`) and keeps what the term needs per
compiled task (`problem.Previous`): who did it, where it started (or ended, for work that was
to have begun before the planning start) and what a new person on it weighs. The term counts,
per task both plans place, each slot's person who was not on the team before (`reassign` ticks
each) and how far it moved in working ticks of the organisation calendar;
`allocate.objective.changes` is the same definition on datetimes, the checker's.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import numpy as np

from allocate.calendar import working_intervals
from allocate.objective import NEAR, REASSIGNED_HOURS
from allocate.on_grid import PlanOnGrid, on_grid
from allocate.plan import Plan
from allocate.problem import NONE, Previous, Problem, freeze
from allocate.scenario import Calendar
from allocate.schedule import Schedule


def with_previous(problem: Problem, plan: Plan | PlanOnGrid) -> Problem:
    """`problem` with `plan` as the previous plan its `changes` term measures against."""
    old = on_grid(problem, plan) if isinstance(plan, Plan) else plan
    first = problem.first_tick
    placed = old.start != NONE
    by_end = placed & (old.start < first)
    at = np.where(by_end, old.end, old.start)
    at = np.where(placed, np.clip(at, first, problem.horizon), NONE).astype(np.int64)
    crew, reassign = [], np.zeros(problem.n_tasks, dtype=np.int64)
    unit = problem.grid.ticks(REASSIGNED_HOURS)
    for task in range(problem.n_tasks):
        team = problem.team(task)
        people = old.person[team.start : team.stop]
        crew.append(people[people != NONE].astype(np.int64))
        if placed[task]:
            start = max(int(old.start[task]), first)
            near = _organisation(problem, first, start) * problem.hours_per_tick
            reassign[task] = unit * next((k for limit, k in NEAR if near < limit), 1)
    previous = Previous(crew=tuple(crew), at=at, by_end=by_end, reassign=reassign)
    changed = replace(problem, previous=previous)
    freeze(changed)
    return changed


def _organisation(problem: Problem, lo: int, hi: int) -> int:
    """Working ticks of the organisation calendar in `[lo, hi)`."""
    return int(problem.org_cum_work[hi] - problem.org_cum_work[lo])


def start_ticks(problem: Problem, end: np.ndarray, person: np.ndarray) -> np.ndarray:
    """Each placed task's start, read back from its end and people (NONE where unplaced)."""
    start = np.full(problem.n_tasks, NONE, dtype=np.int64)
    for task in np.flatnonzero(end != NONE).tolist():
        start[task] = start_of(problem, task, end, person)
    return start


def start_of(problem: Problem, task: int, end: np.ndarray, person: np.ndarray) -> int:
    """Where placed `task` starts, read back from its end and people (the objective terms see a
    schedule as ends and people). On a valid schedule this is exact: a task starts on a working
    tick of each of its people, so `effort` working ticks before its end is its start for the
    member who finishes last and no earlier for the others; a task that needs nobody runs on
    the organisation calendar, a milestone takes no time."""
    effort, last = int(problem.effort[task]), int(end[task])
    if effort == 0:
        return last
    return min(_back(problem, int(person[s]), last, effort) for s in problem.team(task))


def _back(problem: Problem, person: int, end: int, effort: int) -> int:
    """The working tick of `person` (NONE: the organisation) `effort` working ticks before
    `end`."""
    timeline = problem.timeline(person)
    k = timeline.cum[end] - effort
    return timeline.work[k] if 0 <= k < len(timeline.work) else end


def changes_ticks(problem: Problem, end: np.ndarray, person: np.ndarray) -> int:
    """The `changes` term in ticks: per task both plans place, `reassign` for each of its slots
    whose person was not on its team before, plus how far it moved in organisation working
    ticks: its start, or its end when it was to have begun before the planning start (a team
    counted once, on its leader). 0 without a previous plan."""
    return sum(ticks for _, ticks in changes_by_task(problem, end, person))


def changes_by_task(problem: Problem, end: np.ndarray, person: np.ndarray) -> list[tuple[int, int]]:
    """What each compiled task adds to the `changes` term, in ticks (those adding nothing left
    out): where a re-plan's neighbourhood search looks to bring the plan back."""
    previous = problem.previous
    if previous is None:
        return []
    found = []
    for task in np.flatnonzero((previous.at != NONE) & (end != NONE)).tolist():
        ticks = 0
        if problem.staffed[task] and int(person[task]) not in previous.crew[task]:
            ticks += int(previous.reassign[task])
        if problem.team(task)[0] == task:
            now = int(end[task]) if previous.by_end[task] else start_of(problem, task, end, person)
            was = int(previous.at[task])
            ticks += _organisation(problem, min(was, now), max(was, now))
        if ticks:
            found.append((task, ticks))
    return found


def frozen(
    problem: Problem, repaired: Schedule, until: int
) -> list[tuple[int, tuple[int, ...], int]]:
    """The tasks a freeze window up to tick `until` keeps: (leader, people slot by slot, start)
    for each task the previous plan started before `until` that the repaired plan still does
    with the same people at the same time (one that no longer fits there is forced to move)."""
    previous = problem.previous
    if previous is None:
        return []
    kept = []
    for task in range(problem.n_tasks):
        team = problem.team(task)
        was = int(previous.at[task])
        if team[0] != task or was == NONE or previous.by_end[task]:
            continue  # work begun before the planning start carries on as planned anyway
        if was >= until or repaired.start[task] != was:
            continue
        people = tuple(int(repaired.person[s]) for s in team)
        if all(p in previous.crew[task] for p in people if p != NONE):
            kept.append((task, people, was))
    return kept


def pinned(problem: Problem, kept: list[tuple[int, tuple[int, ...], int]]) -> Problem:
    """`problem` with the `kept` tasks pinned to their people and starts."""
    person, start = problem.pinned_person.copy(), problem.pinned_start.copy()
    for task, people, tick in kept:
        team = problem.team(task)
        start[team.start : team.stop] = tick
        for slot, who in zip(team, people, strict=True):
            if who != NONE:
                person[slot] = who
    changed = replace(problem, pinned_person=person, pinned_start=start)
    freeze(changed)
    return changed


def working_days_end(calendar: Calendar, start: datetime, days: int) -> datetime:
    """The end of the `days`-th local day, from the one holding `start`, on which `calendar`
    has working time after `start`: the end of a freeze window of that many working days."""
    day = start.astimezone(calendar.zone).date()
    counted, end = 0, start
    while counted < days:
        midnight = datetime.combine(day + timedelta(days=1), time(), calendar.zone)
        if working_intervals(calendar, max(start, _midnight(day, calendar)), midnight):
            counted += 1
            end = midnight
        day += timedelta(days=1)
        if (day - start.astimezone(calendar.zone).date()).days > 3660:
            break  # a calendar that never works again
    return end


def _midnight(day: date, calendar: Calendar) -> datetime:
    return datetime.combine(day, time(), calendar.zone)
