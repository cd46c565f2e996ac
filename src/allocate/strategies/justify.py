"""Forward-backward improvement ("justification") of a plan whose tasks need only resources.

Shift every task as late as the plan's end allows, latest-ending first, then every task as early
as it can go, earliest-starting first: each pass keeps precedences and resource capacities, and
together they often close holes the first plan left (Valls, Ballestín & Quintanilla 2005 for
project scheduling). It applies where durations do not depend on the start: everyone always
working, tasks that need no person, finish-to-start dependencies, no pinned starts. The result is
kept only if the objective is no worse on every level in order.
"""

from __future__ import annotations

import numpy as np

from allocate.problem import FS, NONE, Problem
from allocate.schedule import Schedule
from allocate.terms import level_values

ROUNDS = 5
"""At most this many backward-forward rounds (each is kept only while it gains)."""


def justified(problem: Problem, schedule: Schedule) -> Schedule:
    """`schedule` improved by forward-backward passes where they apply and gain, else itself."""
    if not _applies(problem, schedule):
        return schedule
    best, values = schedule, level_values(problem, schedule.end, schedule.person)
    for _ in range(ROUNDS):
        backward = _backward(problem, best)
        forward = None if backward is None else _forward(problem, backward)
        if forward is None:
            break
        found = level_values(problem, forward.end, forward.person)
        if tuple(found) >= tuple(values):
            break
        best, values = forward, found
    return best


def _applies(problem: Problem, schedule: Schedule) -> bool:
    return (
        schedule.complete
        and problem.fixed_durations
        and (problem.pinned_start == NONE).all()
        and (schedule.start != NONE).all()
        and all(p.kind == FS and p.lag >= 0 and not p.working_lag for p in problem.precedences)
    )


def _backward(problem: Problem, schedule: Schedule) -> Schedule | None:
    """Each task as late as its successors and the resources allow, none past the plan's end."""
    last = int(schedule.end.max())
    usage = np.zeros_like(problem.capacity)
    start = np.full(problem.n_tasks, NONE, dtype=np.int64)
    successors: list[list] = [[] for _ in range(problem.n_tasks)]
    for prec in problem.precedences:
        successors[prec.pred].append(prec)
    for task in np.lexsort((-schedule.start, -schedule.end)).tolist():
        effort = int(problem.effort[task])
        latest = min([last] + [int(start[p.succ]) - p.lag for p in successors[task]]) - effort
        tick = _fit(problem, usage, task, latest, int(problem.release[task]), -1)
        if tick is None:
            return None
        start[task] = tick
    return _shifted(problem, start)


def _forward(problem: Problem, schedule: Schedule) -> Schedule | None:
    """Each task as early as its predecessors, release and the resources allow."""
    usage = np.zeros_like(problem.capacity)
    start = np.full(problem.n_tasks, NONE, dtype=np.int64)
    end = np.full(problem.n_tasks, NONE, dtype=np.int64)
    for task in np.lexsort((schedule.end, schedule.start)).tolist():
        earliest = max(
            [int(problem.release[task]), problem.first_tick]
            + [int(end[p.pred]) + p.lag for p in problem.predecessors(task)]
        )
        tick = _fit(problem, usage, task, earliest, problem.horizon, 1)
        if tick is None:
            return None
        start[task], end[task] = tick, tick + int(problem.effort[task])
    return _shifted(problem, start)


def _fit(problem: Problem, usage: np.ndarray, task: int, first: int, bound: int, step: int):
    """The first tick from `first` on, moving by `step` and not past `bound`, where `task` fits
    under every resource's capacity for its whole duration; books it in `usage`."""
    effort, need = int(problem.effort[task]), problem.demand[task]
    used = np.flatnonzero(need)
    tick = first
    while (tick <= bound - effort) if step > 0 else (tick >= bound):
        if tick < 0 or tick + effort > problem.horizon:
            return None
        window = slice(tick, tick + effort)
        room = problem.capacity[used, window] - usage[used, window]
        if (room >= need[used, None]).all():
            usage[used, window] += need[used, None]
            return tick
        tick += step
    return None


def _shifted(problem: Problem, start: np.ndarray) -> Schedule:
    end = start + problem.effort
    return Schedule(start, end, np.full(problem.n_tasks, NONE, dtype=np.int64))
