"""The previous plan made to fit a changed scenario: the first plan of a re-plan.

A re-plan starts from what people were told, not from scratch. Tasks are placed one by one in
dependency order, those the previous plan held by their previous start, new ones by the latest
start their deadlines allow (so an urgent request goes ahead of work that can wait). A task
keeps its previous person, at its previous start or at the first slot after it where they are
free, unless that makes it later than its deadlines allow (and later than it was) while someone
else can finish it sooner: then it goes to whoever finishes first, as new work and work whose
person can no longer do it always do (the greedy rule). Teams start no earlier than before, with
whoever is free. Everything else (pins, work in progress, resources, limits, calendars) is the
greedy construction's, so the result keeps every rule.

The repaired plan is CP-SAT's hint and neighbourhood search's starting point, and the plan a
re-plan falls back on (`solve(..., previous=plan)`). With a freeze window, the work the previous
plan starts in it goes first, before new requests, and what still fits there is then pinned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from allocate.on_grid import PlanOnGrid
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times
from allocate.strategies.base import Outcome
from allocate.strategies.greedy import (
    Loads,
    build_schedule,
    earliest_slot,
    first_to_finish,
    latest_finish,
    place,
    place_team,
)
from allocate.terms import level_values


def repair(problem: Problem, previous: PlanOnGrid, frozen_until: int | None = None) -> Outcome:
    """The previous plan, kept where it still fits and mended where it does not. With
    `frozen_until` (a freeze window's end tick), the one-person tasks the previous plan started
    before it are booked at their previous person and start first, where that still fits, so
    that only what no longer fits there moves."""
    began = time.perf_counter()
    latest = latest_finish(problem)
    key = [
        (int(previous.start[t]), t)
        if previous.start[t] != NONE
        else (_latest_start(problem, latest, t), t)
        for t in range(problem.n_tasks)
    ]
    placer = _Keeper(problem, previous, latest, frozen_until)
    schedule = build_schedule(problem, key, placer=placer)
    status = "feasible" if schedule.complete else "infeasible"
    values = level_values(problem, schedule.end, schedule.person) if schedule.complete else ()
    stats = {"solve_seconds": time.perf_counter() - began, "solutions": int(schedule.complete)}
    return Outcome(schedule=schedule, status=status, level_values=values, stats=stats)


@dataclass(frozen=True)
class _Keeper:
    """The repair's rule for where a task goes (a `greedy.Placer`)."""

    problem: Problem
    previous: PlanOnGrid
    latest: np.ndarray
    frozen_until: int | None

    def reserve(self, loads: Loads) -> None:
        if self.frozen_until is not None:
            _reserve_window(self.problem, loads, self.previous, self.frozen_until)

    def place(self, schedule: Schedule, loads: Loads, task: int) -> None:
        _place(self.problem, schedule, loads, task, self.previous, self.latest)


def _reserve_window(problem: Problem, loads: Loads, previous: PlanOnGrid, until: int) -> None:
    """Book, before anything else, each one-person task the previous plan starts before `until`
    with the same person at the same start, where that still fits: working time, no clash with
    what is booked, and every predecessor booked so (in start order) that the dependency still
    holds. The rest of the window is forced to move and takes its turn."""
    schedule = Schedule.empty(problem.n_tasks, problem.optional)
    window = np.flatnonzero((previous.start != NONE) & (previous.start < until)).tolist()
    for task in sorted(window, key=lambda t: (int(previous.start[t]), t)):
        person, start = int(previous.person[task]), int(previous.start[task])
        alone = len(problem.team(task)) == 1 and not problem.is_milestone(task)
        if not alone or task in loads.reserved or problem.optional[task]:
            continue
        if start < problem.first_tick or person not in candidates(problem, task):
            continue
        if any(schedule.start[p.pred] == NONE for p in problem.predecessors(task)):
            continue
        lo, end_lo = earliest_times(problem, schedule, task)
        timeline = problem.timeline(person)
        if start < lo or start >= problem.horizon or timeline.next_working(start) != start:
            continue
        end = problem.end_of(task, person, start)
        if end == NONE or end < end_lo or loads.first_clash(task, person, start, end) is not None:
            continue
        loads.book(task, person, start, end)
        loads.reserved[task] = (person, start, end)
        schedule.start[task], schedule.end[task], schedule.person[task] = start, end, person


def _latest_start(problem: Problem, latest: np.ndarray, task: int) -> int:
    """Roughly the latest tick `task` may start and still keep the deadlines after it."""
    share = max(float(problem.working.mean()), 1e-3) if problem.n_people else 1.0
    return int(max(problem.release[task], latest[task] - problem.effort[task] / share))


def _place(
    problem: Problem,
    schedule: Schedule,
    loads: Loads,
    task: int,
    previous: PlanOnGrid,
    latest: np.ndarray,
) -> None:
    """Keep `task` with its previous person (and start, if they are free then); else place it
    as the greedy construction would."""
    was = int(previous.start[task])
    kept = _kept_slot(problem, schedule, loads, task, previous, latest)
    if kept is not None:
        start, end, person = kept
        schedule.start[task], schedule.end[task], schedule.person[task] = start, end, person
        loads.book(task, person, start, end)
    elif len(problem.team(task)) > 1 and was != NONE and task not in loads.reserved:
        lo, end_lo = earliest_times(problem, schedule, task)
        place_team(problem, schedule, loads, task, max(lo, was), end_lo)
        if schedule.start[task] == NONE:  # nobody free together after it: the greedy rule
            schedule.reasons.pop(task, None)
            place(problem, schedule, loads, task)
    else:
        place(problem, schedule, loads, task)


def _kept_slot(
    problem: Problem,
    schedule: Schedule,
    loads: Loads,
    task: int,
    previous: PlanOnGrid,
    latest: np.ndarray,
) -> tuple[int, int, int] | None:
    """(start, end, previous person) for a one-person task the previous plan held, at the first
    slot of theirs from its previous start on; None when there is none, when they can no longer
    do it, or when it would end later than deadlines allow and than before while someone else
    finishes sooner."""
    was, person = int(previous.start[task]), int(previous.person[task])
    alone = len(problem.team(task)) == 1 and not problem.is_milestone(task)
    if was == NONE or not alone or person == NONE or task in loads.reserved:
        return None
    if person not in candidates(problem, task) or _blocked(problem, schedule, task):
        return None
    lo, end_lo = earliest_times(problem, schedule, task)
    slot = earliest_slot(problem, loads, task, person, max(lo, was), end_lo)
    if slot is None:
        return None
    start, end = slot
    if end > max(latest[task], previous.end[task]):
        other = first_to_finish(problem, loads, task, lo, end_lo)
        if other is not None and other[1] < end:
            return None
    return start, end, person


def _blocked(problem: Problem, schedule: Schedule, task: int) -> bool:
    """Does a mandatory predecessor lack a place (the greedy rule then says why)?"""
    return any(
        schedule.start[p.pred] == NONE and not problem.optional[p.pred]
        for p in problem.predecessors(task)
    )
