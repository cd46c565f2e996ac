"""Dues that compete for one source: they cannot all finish as early as each could alone.

Per source (a pool of people or a resource, `energy`), take the dues whose work needs it and give
each task to one of them only (the earliest due whose closure holds it: the due ends no earlier
than the task), so that their *own* work is disjoint. Pick a threshold r and make each due's own
work that starts at or after r (by the tasks' floors) one job, released at its earliest start:
in every plan the due's work on the source is done no earlier than that job could be. Preemptive
shortest-remaining-work-first (SRPT) completes, by every point of the source's working time, as
many of these jobs as any schedule can (the classic argument behind single-machine tardiness
bounds with release dates; a calendar only relabels time, as work done by a tick is the capacity
up to it), so whichever due is the k-th to have its job done, that is no earlier than SRPT's k-th
completion P_k. With r the first start of all, P_k is also no earlier than the tick by which the
source can have done the k smallest jobs (under weekly limits too). Each due then still has the
least tail of its job's tasks to go (`tails`) and is no earlier than its own floor F
(`finish_bounds`), so the weighted lateness of the dues with work past r is at least the cheapest
way to give them the times P_1..P_k, one each: an assignment problem, solved exactly
(`matching.min_assignment`) when a quick Hall test finds no way for all to stay within their own
floors. Per source the best threshold counts. Each source's gain over its dues' own floors, and
each pair's (`pairs`), holds in every plan: groups on disjoint dues add up, and overlapping ones
count in part (`_packed`), on top of every due's own floor. Dues of optional tasks only count
for nothing.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from allocate.bounds import energy, pairs
from allocate.bounds.dues import Dues, held, own_tails, owners
from allocate.matching import min_assignment
from allocate.problem import Problem
from allocate.schedule import Schedule

MAX_DUES = 40
"""Per source, at most this many dues (those due first) enter the assignment: it is cubic in
their number. Leaving dues out keeps the bound valid (they count with their own floors)."""
MAX_SOURCES = 32
"""At most this many sources (those whose due work is largest against their capacity) are
tried."""


def weighted_lateness(
    problem: Problem,
    sources: energy.Sources,
    earliest: Schedule,
    finishes: np.ndarray,
    with_pairs: bool = True,
) -> float:
    """A lower bound on the weighted lateness in ticks, at least that of the dues' own floors
    `finishes` (each due's finish tick at the earliest) given the tasks' `earliest` times,
    plus the gains over those floors of sources and pairs of tasks (`pairs`) on disjoint dues."""
    if not problem.dues:
        return 0.0
    ticks = np.array([due.tick for due in problem.dues], dtype=np.int64)
    weights = np.array([due.weight for due in problem.dues], dtype=float) * held(problem)
    alone = weights * np.maximum(0, finishes - ticks)
    owner = owners(problem, ticks)
    dues = Dues(ticks, weights, finishes, owner, own_tails(problem, owner))
    start = earliest.start
    groups = [_source_gain(sources, row, dues, start) for row in _busiest(sources, owner, ticks)]
    if with_pairs:
        groups += pairs.gains(problem, dues, earliest)
    return float(alone.sum()) + _packed(groups)


def _packed(groups: list[tuple[float, frozenset[int]]]) -> float:
    """The largest weighted sum of the groups' gains, each group taken a share in [0, 1] and
    each due's groups' shares summing to at most 1 (a linear program, GLOP). Each group's gain
    G bounds the sum of its dues' lateness beyond their own floors, x_d >= 0, so any such
    shares give sum(share * G) <= sum over dues of x_d * (its groups' shares) <= sum of x_d:
    disjoint groups add up, and overlapping ones count in part. The shares found are scaled
    down until they keep every due's sum within 1 exactly, so that float noise cannot lift the
    bound."""
    groups = [g for g in groups if g[0] > 0]
    if len(groups) <= 1:
        return max((extra for extra, _ in groups), default=0.0)
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    share = [lp.NumVar(0.0, 1.0, "") for _ in groups]
    members: dict[int, list[int]] = {}
    for g, (_, dues) in enumerate(groups):
        for d in dues:
            members.setdefault(d, []).append(g)
    for mine in members.values():
        if len(mine) > 1:
            lp.Add(sum(share[g] for g in mine) <= 1.0)
    lp.Maximize(sum(extra * x for (extra, _), x in zip(groups, share, strict=True)))
    if lp.Solve() != lp.OPTIMAL:
        return max(extra for extra, _ in groups)
    shares = np.clip([x.solution_value() for x in share], 0.0, 1.0)
    worst = max(float(shares[mine].sum()) for mine in members.values())
    shares /= max(1.0, worst)
    extras = np.array([extra for extra, _ in groups])
    return max(float(extras @ shares), float(extras.max()))


def _busiest(sources: energy.Sources, owners: np.ndarray, ticks: np.ndarray) -> list[int]:
    """The sources whose due-owned work is largest against their capacity up to the last due,
    most loaded first."""
    work = sources.energy[owners >= 0].sum(axis=0)
    rows = np.flatnonzero(work > 0)
    last = int(np.clip(ticks.max(), 1, sources.cum.shape[1] - 1))
    load = work[rows] / np.maximum(1, sources.cum[rows, last])
    return rows[np.argsort(-load, kind="stable")][:MAX_SOURCES].tolist()


def _source_gain(
    sources: energy.Sources, row: int, dues: Dues, start: np.ndarray
) -> tuple[float, frozenset[int]]:
    """How much more weighted lateness than their own floors the dues competing for source
    `row` add at least (0 when they need not: fewer than two, or room enough), and which dues
    those are."""
    owners, ticks = dues.owners, dues.ticks
    needs = (owners >= 0) & (sources.energy[:, row] > 0)
    own = np.bincount(owners[needs], weights=sources.energy[needs, row], minlength=len(ticks))
    taken = np.flatnonzero(own > 0)
    taken = taken[np.argsort(ticks[taken], kind="stable")][:MAX_DUES]
    if len(taken) < 2:
        return 0.0, frozenset()
    tasks = np.flatnonzero(needs & np.isin(owners, taken))
    job = np.zeros(len(ticks), dtype=np.int64)
    job[taken] = np.arange(len(taken))
    job, work, begins = job[owners[tasks]], sources.energy[tasks, row], start[tasks]
    first = int(begins.min())
    done = np.cumsum(np.sort(own[taken])).astype(np.int64)
    common = energy.finish(sources, np.full(len(taken), row), np.full(len(taken), first), done)
    best: tuple[float, frozenset[int]] = (0.0, frozenset())
    cum = sources.cum[row]
    for r in np.unique(begins).tolist():
        later = begins >= r
        amount = np.bincount(job[later], weights=work[later], minlength=len(taken))
        present = np.flatnonzero(amount > 0)
        if len(present) < 2:
            continue
        release = np.full(len(taken), cum[-1])
        np.minimum.at(release, job[later], cum[np.clip(begins[later], 0, len(cum) - 1)])
        tail = np.full(len(taken), np.iinfo(np.int64).max)
        np.minimum.at(tail, job[later], dues.tail[tasks[later]])
        ends = _srpt(release[present], amount[present].astype(np.int64))
        times = energy.reach(sources.cum, np.full(len(ends), row), np.zeros_like(ends), ends)
        if r == first:
            times = np.maximum(times, common)  # every due's own work is there
        group = _assign(dues, taken[present], times, tail[present])
        best = max(best, group, key=lambda g: g[0])
    return best


def _assign(
    dues: Dues, taken: np.ndarray, times: np.ndarray, tail: np.ndarray
) -> tuple[float, frozenset[int]]:
    """The least weighted lateness of the dues `taken` beyond their own floors when each gets
    one of `times` (ascending) and then still has its `tail` to go; and those dues."""
    ticks, floor = dues.ticks[taken], dues.finishes[taken]
    # a due that no time past its own floor or tick can hurt takes the latest times (every cost
    # grows with the time, so swapping it later never costs more): the rest share the first ones
    free = np.maximum(floor, ticks) - tail  # the latest time that costs nothing beyond F
    hurt = times[-1] > free
    m = int(hurt.sum())
    if m == 0 or _on_time(times[:m], free[hurt]):
        return 0.0, frozenset()
    taken, ticks, floor, tail = taken[hurt], ticks[hurt], floor[hurt], tail[hurt]
    finish = np.maximum(floor[:, None], times[None, :m] + tail[:, None])
    cost = dues.weights[taken][:, None] * np.maximum(0, finish - ticks[:, None])
    alone = dues.weights[taken] * np.maximum(0, floor - ticks)
    return min_assignment(cost) - float(alone.sum()), frozenset(taken.tolist())


def _on_time(times: np.ndarray, free: np.ndarray) -> bool:
    """Can each due get its own one of `times` (ascending) no later than its `free` tick? Each
    accepts a prefix of them, so yes iff the i-th smallest prefix is at least i long (Hall)."""
    accepted = np.sort(np.searchsorted(times, free, side="right"))
    return bool((accepted >= np.arange(1, len(free) + 1)).all())


def _srpt(release: np.ndarray, work: np.ndarray) -> np.ndarray:
    """The completion times, in order, of preemptive shortest-remaining-work-first on one
    machine of unit speed: jobs of `work` released at `release`."""
    order = np.argsort(release, kind="stable")
    arrivals = list(zip(release[order].tolist(), work[order].tolist(), strict=True))
    waiting: list[int] = []
    ends: list[int] = []
    now, i = 0, 0
    while i < len(arrivals) or waiting:
        if not waiting:
            now = max(now, arrivals[i][0])
        while i < len(arrivals) and arrivals[i][0] <= now:
            heapq.heappush(waiting, arrivals[i][1])
            i += 1
        left = heapq.heappop(waiting)
        upto = arrivals[i][0] if i < len(arrivals) else math.inf
        if now + left <= upto:
            now += left
            ends.append(now)
        else:
            heapq.heappush(waiting, left - (upto - now))
            now = upto
    return np.array(ends, dtype=np.int64)
