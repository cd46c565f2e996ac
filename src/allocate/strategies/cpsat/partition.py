"""Where a task can start on one person's calendar, and the classes of starts CP-SAT sees.

A task that `person` starts at a working tick `s` ends right after its `effort`-th working tick
from `s` on, so its calendar span (effort plus the ticks paused in between: nights, weekends,
holidays, time off) depends on `s`. Starts of equal span form a class; within a class the task is
a fixed-size interval, so one literal per class makes the pausing exact.

* `span_classes` groups starts by span alone; a class is "span d, start in this set of ticks"
  (formulation C1 of the research note, PyJobShop's break-overlap partition).
* `day_hour_classes` writes the start as `ticks_per_day * day + hour - shift` and splits classes
  further into rectangles "span d, day in this set, hour in [h1, h2]" (formulation E). CP-SAT then
  value-encodes a few hundred days per task instead of thousands of start ticks.

All of it is numpy over the whole horizon at once: no Python loop over ticks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.problem import NONE, Problem


@dataclass(frozen=True)
class Starts:
    """Feasible start ticks of one (task, person) option, ascending, and the span of each."""

    ticks: np.ndarray
    spans: np.ndarray

    def __len__(self) -> int:
        return len(self.ticks)


@dataclass(frozen=True)
class Partition:
    """The starts of one option split into classes of equal span.

    `sets[k]` holds class k's days (day-hour) or its start ticks as flat `[lo, hi, lo, hi, ...]`
    intervals (start-partition); `hours[k]` is its hour range (day-hour only).
    """

    of_start: np.ndarray
    """Class index of each feasible start (aligned with `Starts.ticks`)."""
    spans: np.ndarray
    sets: list[list[int]]
    hours: list[tuple[int, int]] | None = None

    def __len__(self) -> int:
        return len(self.spans)


def working_ticks(problem: Problem) -> list[np.ndarray]:
    """Per person, the ascending working ticks of the whole problem horizon; last (index NONE,
    -1) the organisation's, on which tasks that need nobody run."""
    organisation = np.flatnonzero(np.diff(problem.org_cum_work))
    return [*(np.flatnonzero(row) for row in problem.working), organisation]


def feasible_starts(
    work: np.ndarray,
    effort: int,
    release: int,
    horizon: int,
    pinned: int = NONE,
    until: int | None = None,
) -> Starts:
    """Starts at working ticks `>= release` (and `<= until`, if given) whose end is
    `<= horizon` (only `pinned` if given).

    Starting at the k-th working tick, the task ends right after working tick `k + effort - 1`:
    the same tick `Problem.end_of` finds by searching the cumulative working count.
    """
    first = int(np.searchsorted(work, release, side="left"))
    last = len(work) - effort + 1  # exclusive: later starts run out of working time
    if until is not None:  # a neighbourhood's window: a sliver of the horizon
        last = min(last, int(np.searchsorted(work, until, side="right")))
    if last <= first:
        return Starts(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    ticks = work[first:last].astype(np.int64)
    ends = work[first + effort - 1 : last + effort - 1].astype(np.int64) + 1
    keep = int(np.searchsorted(ends, horizon, side="right"))
    ticks, ends = ticks[:keep], ends[:keep]
    if pinned != NONE:
        chosen = ticks == pinned
        ticks, ends = ticks[chosen], ends[chosen]
    return Starts(ticks, ends - ticks)


def span_classes(starts: Starts) -> Partition:
    """One class per span; its set is the start ticks as flat runs of consecutive ticks."""
    first, last, run = _runs(starts.ticks, starts.spans)
    spans, of_run = np.unique(starts.spans[first], return_inverse=True)
    runs = np.stack([starts.ticks[first], starts.ticks[last]], axis=1)
    sets = _group(of_run, runs, len(spans))
    return Partition(of_start=of_run[run], spans=spans, sets=sets)


def day_hour_classes(starts: Starts, ticks_per_day: int, shift: int) -> Partition:
    """One class per (span, hour range of a run of starts within a day); its set is the days."""
    day, hour = np.divmod(starts.ticks + shift, ticks_per_day)
    first, last, run = _runs(starts.ticks, starts.spans, day)
    keys = (starts.spans[first] * ticks_per_day + hour[first]) * ticks_per_day + hour[last]
    unique, of_run = np.unique(keys, return_inverse=True)
    spans = unique // (ticks_per_day * ticks_per_day)
    lows, highs = (unique // ticks_per_day) % ticks_per_day, unique % ticks_per_day
    sets = _group(of_run, day[first], len(unique))
    return Partition(
        of_start=of_run[run],
        spans=spans,
        sets=sets,
        hours=list(zip(lows.tolist(), highs.tolist(), strict=True)),
    )


def day_shifts(problem: Problem) -> np.ndarray:
    """Per task, the shift that puts day boundaries where its eligible people least often work.

    A day boundary inside a working block cuts that block's starts into two hour ranges (two
    classes instead of one), so the boundary tick residue is chosen per task to minimise the number
    of (person, tick) pairs where work continues across it; people in several zones rarely allow
    zero. `(tick + shift) % ticks_per_day == 0` marks the first tick of a day.
    """
    tpd = problem.ticks_per_day
    organisation = np.diff(problem.org_cum_work) > 0  # the last row: tasks that need nobody
    work = np.vstack([problem.working, organisation[None, :]])
    continued = np.zeros((work.shape[0], tpd), dtype=np.int64)
    if work.shape[1] > 1:
        across = work[:, 1:] & work[:, :-1]  # column j: work continues into tick j + 1
        pad = (-work.shape[1]) % tpd
        across = np.pad(across, ((0, 0), (1, pad)))  # column t: continues into tick t
        continued = across.reshape(work.shape[0], -1, tpd).sum(axis=1)
    shifts = np.zeros(problem.n_tasks, dtype=np.int64)
    for task, people in enumerate(problem.eligible):
        if not problem.staffed[task]:
            people = np.array([len(work) - 1])
        if len(people):
            residue = int(np.argmin(continued[people].sum(axis=0)))
            shifts[task] = (-residue) % tpd
    return shifts


def _runs(ticks: np.ndarray, spans: np.ndarray, day: np.ndarray | None = None):
    """Maximal runs of consecutive starts of equal span (and day): first, last, run of each."""
    new = np.ones(len(ticks), dtype=bool)
    new[1:] = (np.diff(ticks) != 1) | (np.diff(spans) != 0)
    if day is not None:
        new[1:] |= np.diff(day) != 0
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, len(ticks) - 1)
    return first, last, np.cumsum(new) - 1


def _group(labels: np.ndarray, values: np.ndarray, count: int) -> list[list[int]]:
    """`values` (one row per label) grouped by label 0..count-1, in order, rows flattened."""
    order = np.argsort(labels, kind="stable")
    width = values.size // max(len(values), 1)
    flat = values[order].ravel().tolist()
    bounds = (np.cumsum(np.bincount(labels, minlength=count)) * width).tolist()
    return [flat[lo:hi] for lo, hi in zip([0, *bounds[:-1]], bounds, strict=True)]
