"""Capacity under weekly limits: at most `week_limit` ticks of task work per local week.

Per person with a limit L, let the capped cumulative work c(t) count, for each week before t's,
min(L, the week's working ticks), plus min(L, the working ticks of t's week before t); and let
b(t) be c at the start of t's week. Between r and C the person can work at most c(C) - b(r): the
week of r contributes at most min(L, its working ticks) (all of which c(C) - b(r) grants when C
lies beyond it, and min(L, ticks before C) otherwise), every later week min(L, ...). Summed over a
pool, this caps its capacity more tightly than the calendars alone when limits bind.
"""

from __future__ import annotations

import numpy as np

from allocate.problem import NONE, Problem


def capped_rows(problem: Problem) -> tuple[np.ndarray, np.ndarray] | None:
    """Per person, (c, b) over ticks 0..horizon as above (the plain cumulative working ticks for
    people without a limit); None when nobody has one."""
    limited = [p for p in range(problem.n_people) if problem.week_limit[p] != NONE]
    if not limited:
        return None
    capped = problem.cum_work.astype(np.int64)
    floor = capped.copy()
    for p in limited:
        capped[p], floor[p] = _capped(
            problem.cum_work[p], problem.week_start[p], int(problem.week_limit[p])
        )
    return capped, floor


def _capped(cum: np.ndarray, starts: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    horizon = len(cum) - 1
    ticks = np.arange(horizon + 1)
    week = np.searchsorted(starts, ticks, side="right") - 1  # starts[0] <= 0
    edges = np.clip(np.append(starts, horizon), 0, horizon)
    full = np.minimum(limit, cum[edges[1:]] - cum[edges[:-1]])
    base = np.concatenate([[0], np.cumsum(full)])[week]
    within = cum - cum[np.clip(starts, 0, horizon)[week]]
    return base + np.minimum(limit, within), base
