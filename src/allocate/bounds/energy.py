"""Energy bounds: work that only some people, or a resource, can do needs their time.

A *source* is a pool of people or a capacity-limited resource, with its cumulative capacity over
the horizon. A pool's is the sum of its members' cumulative working ticks: a person does one task
at a time, and a task of effort e holds its person for at least e of their working ticks between
its start and end. A resource's is the running sum of its units per tick: a task holds its demand
from start to end, which is at least `effort` ticks apart. The *energy* a task needs from a source:
from a pool, its effort when every person who may do it belongs to the pool (each team slot on
its own); from a resource, demand × effort.

If the tasks of a set T all start at or after r (their resource-free earliest starts) and end by
C, their energy on one source fits in the source's capacity in [r, C): C is at least the first
tick by which that capacity covers it. Over several thresholds r (T's tasks that start at or after
r) and sources, this bounds the makespan (T: every task) and each due's finish (T: the due's tasks
and all tasks that must end before one of them ends). The last of those tasks to end still has its
tail to go (`tails`: the least time from its end to the end of the makespan's or due's tasks), so
the least tail among them is added. People's weekly limits only lower the capacity, so ignoring
them keeps the bound valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

import numpy as np

from allocate.bounds import weekly
from allocate.bounds.tails import as_ticks, ranks, successors, tails
from allocate.problem import FF, FS, NONE, Problem
from allocate.schedule import candidates, required, topological_order

MAX_POOLS = 400
"""At most this many candidate pools (each costs one cumulative row over the horizon) ..."""
MAX_CELLS = 4_000_000
"""... and at most this many cells of pool rows in all (32 MB), for long, fine horizons."""


@dataclass(frozen=True)
class Sources:
    cum: np.ndarray
    """(sources, horizon + 1): cumulative capacity; the pools come first."""
    capped: tuple[np.ndarray, np.ndarray, np.ndarray] | None
    """With weekly limits: which rows hold someone with a limit, those rows capped per week and
    their week-start floors (`weekly`): capacity in [r, C) is at most capped[C] - floor[r] too."""
    energy: np.ndarray
    """(tasks, sources): the energy each task needs from each source."""
    pools: tuple[int, ...]
    """The pools as bit masks over people, in the order of the first rows."""


def sources(problem: Problem) -> Sources:
    """The candidate pools and every resource, with their capacity and the tasks' energy."""
    masks = task_masks(problem)
    pools = candidate_pools(problem, masks)
    members = np.array(
        [[bool(mask >> p & 1) for p in range(problem.n_people)] for mask in pools], dtype=float
    ).reshape(len(pools), problem.n_people)
    pool_cum = _pool_cum(problem.cum_work, members)
    resource_cum = np.zeros((len(problem.resource_ids), problem.horizon + 1), dtype=np.int64)
    np.cumsum(problem.capacity, axis=1, out=resource_cum[:, 1:])
    capped = None
    if (limited := weekly.capped_rows(problem)) is not None:
        held = (members[:, problem.week_limit != NONE] > 0).any(axis=1)
        rows = np.concatenate([held, np.zeros(len(resource_cum), dtype=bool)])
        capped = (rows, *(_pool_cum(c, members[held]) for c in limited))
    effort = problem.effort.astype(np.int64)
    distinct = sorted(set(masks))
    within = np.array(
        [[mask != 0 and mask & ~pool == 0 for pool in pools] for mask in distinct], dtype=bool
    ).reshape(len(distinct), len(pools))
    index = {mask: i for i, mask in enumerate(distinct)}
    inside = within[[index[mask] for mask in masks]].reshape(problem.n_tasks, len(pools))
    work = (effort * required(problem))[:, None]  # optional work may be left out
    return Sources(
        cum=np.vstack([pool_cum, resource_cum]),
        capped=capped,
        energy=np.hstack([inside * work, problem.demand * work]),
        pools=tuple(pools),
    )


def _pool_cum(rows: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The pools' sums of the people's `rows` (float sums of integers below 2**53 are exact),
    a slice of the horizon at a time to bound the temporary copies."""
    found = np.zeros((len(members), rows.shape[1]), dtype=np.int64)
    for begin in range(0, rows.shape[1], 8192):
        part = rows[:, begin : begin + 8192].astype(float)
        found[:, begin : begin + 8192] = np.rint(members @ part)
    return found


def task_masks(problem: Problem) -> list[int]:
    """Per task, the people who may do it as a bit mask (0: nobody needed, no work, or it may
    be left out)."""
    must = required(problem)
    return [
        reduce(or_, (1 << p for p in candidates(problem, t).tolist()), 0)
        if problem.staffed[t] and problem.effort[t] > 0 and must[t]
        else 0
        for t in range(problem.n_tasks)
    ]


def candidate_pools(problem: Problem, masks: list[int]) -> list[int]:
    """Each distinct eligible set, everybody together, and unions of two overlapping sets (the
    densest sets first when there are too many pairs): the groups whose exclusive work is most
    likely to outgrow their time."""
    work: dict[int, int] = {}
    for mask, effort in zip(masks, problem.effort.tolist(), strict=True):
        if mask:
            work[mask] = work.get(mask, 0) + effort
    sets = sorted(work, key=lambda m: -work[m] / m.bit_count())
    most = max(1, min(MAX_POOLS, MAX_CELLS // (problem.horizon + 1)))
    pools = dict.fromkeys([reduce(or_, sets, 0), *sets])
    pools.pop(0, None)
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            if len(pools) >= most:
                break
            if a & b and a & ~b and b & ~a:
                pools[a | b] = None
    return list(pools)[:most]


def reach(
    cum: np.ndarray, rows: np.ndarray, start: np.ndarray, work: np.ndarray, floor=None
) -> np.ndarray:
    """Per query, the first tick C >= start with cum[row, C] - floor[row, start] >= work
    (`floor` defaults to `cum`; the horizon when there is none: no plan then fits)."""
    horizon = cum.shape[1] - 1
    lo = np.minimum(start, horizon)
    hi = np.full_like(lo, horizon)
    target = (cum if floor is None else floor)[rows, lo] + work
    while (lo < hi).any():
        mid = (lo + hi) // 2
        enough = cum[rows, mid] >= target
        hi = np.where(enough, mid, hi)
        lo = np.where(enough, lo, mid + 1)
    return lo


def energy_queries(sources: Sources, tasks: np.ndarray, start: np.ndarray, tail: np.ndarray):
    """(rows, thresholds, work, tail) for `tasks`: per source and per task needing it, the
    energy of the tasks that start no earlier than that task, and the least tail among them
    (`tail` per task: the last of them to end still has its tail to go)."""
    order = tasks[np.argsort(-start[tasks], kind="stable")]
    energy = sources.energy[order]
    later = np.cumsum(energy, axis=0)
    shortest = np.minimum.accumulate(np.where(energy > 0, tail[order][:, None], 2**62), axis=0)
    position, rows = np.nonzero(energy)
    return rows, start[order[position]], later[position, rows], shortest[position, rows]


def makespan_end(problem: Problem, sources: Sources, start: np.ndarray) -> int:
    """A lower bound on the tick at which the last task ends (0 when no energy is needed)."""
    everything = np.flatnonzero(required(problem)).tolist()
    tail = as_ticks(problem, tails(problem, everything, set(everything)))
    rows, thresholds, work, rest = energy_queries(sources, np.arange(problem.n_tasks), start, tail)
    return int((finish(sources, rows, thresholds, work) + rest).max(initial=0))


def due_finishes(problem: Problem, sources: Sources, start: np.ndarray) -> np.ndarray:
    """Per due, a lower bound on the tick at which its last task ends (0 when no energy)."""
    after, rank = successors(problem), ranks(problem)
    queries = []
    for d, (due, closure) in enumerate(zip(problem.dues, closures(problem), strict=True)):
        targets = {slot for t in due.tasks for slot in problem.team(t)}
        tail = as_ticks(problem, tails(problem, closure, targets, after, rank))
        tasks = np.array(sorted(closure), dtype=np.int64)
        rows, thresholds, work, rest = energy_queries(sources, tasks, start, tail)
        queries.append((np.full(len(rows), d), rows, thresholds, work, rest))
    found = np.zeros(len(problem.dues), dtype=np.int64)
    if queries:
        due, rows, thresholds, work, rest = (
            np.concatenate(part) for part in zip(*queries, strict=True)
        )
        np.maximum.at(found, due, finish(sources, rows, thresholds, work) + rest)
    return found


def finish(sources: Sources, rows: np.ndarray, start: np.ndarray, work: np.ndarray) -> np.ndarray:
    """Per query, the first tick by which the source can have done `work` since `start`: under
    its calendars, and under its weekly limits when there are any."""
    found = reach(sources.cum, rows, start, work)
    if sources.capped is not None:
        limited, capped, floor = sources.capped
        mine = limited[rows]
        place = np.cumsum(limited) - 1  # a limited row's place in `capped`
        at = place[rows[mine]]
        found[mine] = np.maximum(found[mine], reach(capped, at, start[mine], work[mine], floor))
    return found


def closures(problem: Problem) -> list[frozenset[int]]:
    """Per due, the tasks that end no later than its last task in every plan (`ends_before`)."""
    before = ends_before(problem)
    return [frozenset().union(*(before[t] for t in due.tasks)) for due in problem.dues]


def ends_before(problem: Problem) -> list[frozenset[int]]:
    """Per task, tasks that end no later than it in every plan: itself, its team (one end), and
    transitively its finish-to-start and finish-to-finish predecessors with lags >= 0. Optional
    tasks may be left out, and their links with them: they end before nothing (empty)."""
    must = required(problem)
    earlier: list[list[int]] = [[] for _ in range(problem.n_tasks)]
    for prec in problem.precedences:
        if prec.kind in (FS, FF) and prec.lag >= 0 and must[prec.pred] and must[prec.succ]:
            earlier[prec.succ].append(prec.pred)
    found: list[frozenset[int]] = [frozenset()] * problem.n_tasks
    for task in topological_order(problem):  # predecessors first
        if must[task]:
            found[task] = frozenset(problem.team(task)).union(*(found[p] for p in earlier[task]))
    return found
