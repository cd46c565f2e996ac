"""Dues that compete for one source: they cannot all finish as early as each could alone.

Per source (a pool of people or a resource, `energy`), take the dues whose work needs it and give
each task to one of them only (the earliest due whose closure holds it: the due ends no earlier
than the task), so that their *own* energies are disjoint. No work of theirs can be done before
r, the earliest start among those tasks. Whichever due is the i-th to have its own work done, by
then the work of i dues is done, at least the i smallest energies together: so the i-th of those
times is no earlier than P_i, the first tick by which the source can have done that much since r.
Each due's finish is also no earlier than its own floor F (`finish_bounds`), so the weighted
lateness is at least the cheapest way to give the dues the times P_1..P_k, one each: an assignment
problem, solved exactly (`matching.min_assignment`). This is the order-of-completion argument of
single-machine tardiness bounds, carried to calendars and pools; the best source's bound (plus the
other dues' own floors) bounds the whole lateness. Dues of optional tasks only count for nothing.
"""

from __future__ import annotations

import numpy as np

from allocate.bounds import energy
from allocate.matching import min_assignment
from allocate.problem import Problem
from allocate.schedule import required

MAX_DUES = 40
"""Per source, at most this many dues (those due first) enter the assignment: it is cubic in
their number. Leaving dues out keeps the bound valid (they count with their own floors)."""
MAX_SOURCES = 16
"""At most this many sources (those with the most due work) are tried."""


def weighted_lateness(
    problem: Problem, sources: energy.Sources, start: np.ndarray, finishes: np.ndarray
) -> float:
    """A lower bound on the weighted lateness in ticks, at least that of the dues' own floors
    `finishes` (each due's finish tick at the earliest) given the resource-free `start`s."""
    if not problem.dues:
        return 0.0
    ticks = np.array([due.tick for due in problem.dues], dtype=np.int64)
    weights = np.array([due.weight for due in problem.dues], dtype=float) * held(problem)
    alone = weights * np.maximum(0, finishes - ticks)
    best = float(alone.sum())
    owners = _owners(problem, ticks)
    for row in _busiest(sources, owners):
        found = _source_bound(sources, row, owners, start, finishes, ticks, weights)
        if found is not None:
            dues, cost = found
            best = max(best, cost + float(alone.sum() - alone[dues].sum()))
    return best


def held(problem: Problem) -> np.ndarray:
    """Per due, whether every plan holds one of its tasks: a due of optional tasks only may be
    left out with them, and is then never late."""
    must = required(problem)
    return np.array([must[list(due.tasks)].any() for due in problem.dues], dtype=bool)


def _owners(problem: Problem, ticks: np.ndarray) -> np.ndarray:
    """Per task, the earliest due (by tick) whose closure holds it; -1 for none."""
    owner = np.full(problem.n_tasks, -1, dtype=np.int64)
    closures = energy.closures(problem)
    for d in np.argsort(ticks, kind="stable").tolist():
        free = [t for t in closures[d] if owner[t] < 0]
        owner[free] = d
    return owner


def _busiest(sources: energy.Sources, owners: np.ndarray) -> list[int]:
    """The sources with the most work owned by dues, most first."""
    work = sources.energy[owners >= 0].sum(axis=0)
    rows = np.flatnonzero(work > 0)
    return rows[np.argsort(-work[rows], kind="stable")][:MAX_SOURCES].tolist()


def _source_bound(
    sources: energy.Sources,
    row: int,
    owners: np.ndarray,
    start: np.ndarray,
    finishes: np.ndarray,
    ticks: np.ndarray,
    weights: np.ndarray,
) -> tuple[np.ndarray, float] | None:
    """(the dues taken, their least weighted lateness) on source `row`; None for fewer than two."""
    needs = (owners >= 0) & (sources.energy[:, row] > 0)
    own = np.bincount(owners[needs], weights=sources.energy[needs, row], minlength=len(ticks))
    dues = np.flatnonzero(own > 0)
    dues = dues[np.argsort(ticks[dues], kind="stable")][:MAX_DUES]
    if len(dues) < 2:
        return None
    first = int(start[needs & np.isin(owners, dues)].min())
    done = np.cumsum(np.sort(own[dues])).astype(np.int64)
    k = len(dues)
    times = energy.finish(sources, np.full(k, row), np.full(k, first), done)
    # a due that no time past its own floor or tick can hurt takes the latest times (every cost
    # grows with the time, so swapping it later never costs more): the rest share the first ones
    hurt = times[-1] > np.maximum(finishes[dues], ticks[dues])
    dues, m = dues[hurt], int(hurt.sum())
    if m == 0:
        return None
    finish = np.maximum(finishes[dues][:, None], times[None, :m])
    cost = weights[dues][:, None] * np.maximum(0, finish - ticks[dues][:, None])
    return dues, min_assignment(cost)
