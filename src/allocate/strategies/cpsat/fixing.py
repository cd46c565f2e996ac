"""A neighbourhood of a plan: the tasks to re-optimise, with everything else held where it is.

The model of a neighbourhood has variables only for its free tasks; every other task keeps its
start, end and person from a given schedule and becomes a constant, so a sub-model is as small as
its free part:

* one task at a time: a free task's option keeps only the starts whose calendar span misses
  every fixed task of that person (`fit`). Fixed tasks therefore need no interval in NoOverlap,
  and CP-SAT sees each option's real gaps instead of discovering them by propagation.
* precedence with one fixed end: a constant bound on the free task's start or end (`windows`).
* lateness and makespan: the fixed tasks' latest end enters each max as a constant (`objective`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, after, source
from allocate.strategies.cpsat.partition import Starts


@dataclass(frozen=True)
class Fixing:
    """Re-plan the `free` tasks (ascending indices); all others keep their place in `schedule`.

    `schedule` must be complete and valid. `people` optionally narrows a free task's candidates
    (a pinned person always wins); `earliest` / `latest` optionally bound each free task's start
    (aligned with `free`), which keeps its classes few. `max_options` keeps, per free task, only
    the options that can finish it first (the current person's always). Keep the current person
    and start inside these limits, so that `schedule` stays a complete hint of the sub-model.
    """

    schedule: Schedule
    free: np.ndarray
    people: Mapping[int, Sequence[int]] | None = None
    earliest: np.ndarray | None = None
    latest: np.ndarray | None = None
    max_options: int | None = None

    mask: np.ndarray = field(init=False, repr=False, compare=False)
    """Per task of the problem: is it free?"""

    def __post_init__(self):
        mask = np.zeros(len(self.schedule.start), dtype=bool)
        mask[self.free] = True
        object.__setattr__(self, "mask", mask)

    def fixed_end(self, tasks) -> int:
        """The latest end among the fixed tasks of `tasks`; NONE if all are free."""
        tasks = np.asarray(tasks, dtype=np.int64)
        fixed = tasks[~self.mask[tasks]]
        return int(self.schedule.end[fixed].max()) if len(fixed) else NONE


@dataclass
class Window:
    """Bounds on one free task's start and end (ticks, inclusive)."""

    start_lo: int
    start_hi: int
    end_lo: int
    end_hi: int


def windows(problem: Problem, fixing: Fixing, horizon: int) -> dict[int, Window]:
    """Per free task, the bounds its window, release and fixed neighbours put on it."""
    result = {}
    for k, task in enumerate(fixing.free.tolist()):
        lo = int(problem.release[task])
        hi = horizon
        if fixing.earliest is not None:
            lo = max(lo, int(fixing.earliest[k]))
        if fixing.latest is not None:
            hi = min(hi, int(fixing.latest[k]))
        result[task] = Window(lo, hi, 0, horizon)
    schedule = fixing.schedule
    for prec in problem.precedences:
        pred_free, succ_free = fixing.mask[prec.pred], fixing.mask[prec.succ]
        fixed = prec.succ if pred_free else prec.pred
        if pred_free == succ_free or schedule.start[fixed] == NONE:
            continue  # a dependency on a left-out task is dropped
        if succ_free:  # a fixed source: a lower bound on the successor
            bound = after(problem, prec, source(schedule, prec))
            bounded = result[prec.succ]
            if prec.to_start:
                bounded.start_lo = max(bounded.start_lo, bound)
            else:
                bounded.end_lo = max(bounded.end_lo, bound)
        else:  # a fixed target: an upper bound on the predecessor
            target = schedule.start[prec.succ] if prec.to_start else schedule.end[prec.succ]
            bound = _before(problem, int(target), prec.lag, prec.working_lag)
            bounded = result[prec.pred]
            if prec.from_start:
                bounded.start_hi = min(bounded.start_hi, bound)
            else:
                bounded.end_hi = min(bounded.end_hi, bound)
    return result


def busy(problem: Problem, fixing: Fixing) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per person, the sorted (starts, ends) of their fixed tasks' calendar spans."""
    schedule = fixing.schedule
    held = ~fixing.mask & (schedule.person != NONE)
    tasks = np.flatnonzero(held)
    order = np.lexsort((schedule.start[tasks], schedule.person[tasks]))
    tasks = tasks[order]
    cuts = np.searchsorted(schedule.person[tasks], np.arange(problem.n_people + 1))
    return [
        (schedule.start[tasks[a:b]], schedule.end[tasks[a:b]])
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]


def fit(starts: Starts, bounds: Window, booked: tuple[np.ndarray, np.ndarray]) -> Starts:
    """The starts inside `bounds` whose span overlaps none of the `booked` spans."""
    ticks, spans = starts.ticks, starts.spans
    ends = ticks + spans
    keep = (ticks >= bounds.start_lo) & (ticks <= bounds.start_hi)
    keep &= (ends >= bounds.end_lo) & (ends <= bounds.end_hi)
    booked_starts, booked_ends = booked
    if len(booked_starts):
        nxt = np.searchsorted(booked_ends, ticks, side="right")  # first booking ending after s
        clear = nxt == len(booked_starts)
        clear |= booked_starts[np.minimum(nxt, len(booked_starts) - 1)] >= ends
        keep &= clear
    return Starts(ticks[keep], spans[keep])


def _before(problem: Problem, target: int, lag: int, working: bool) -> int:
    """The latest source tick whose lag still ends by `target`."""
    if not working:
        return target - lag
    cumulative = problem.org_cum_work
    return int(np.searchsorted(cumulative, cumulative[target] - lag, side="right")) - 1
