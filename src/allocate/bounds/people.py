"""Lower bounds on the people terms (cost, preferences, continuity, utilisation).

Each holds for every complete plan, whoever does what and whenever: they follow from who *may* do
each task (its pinned person, else its eligible people; each team slot on its own) and from work
that only a group of people can do. Units and rounding are those of `allocate.terms`.
"""

from __future__ import annotations

import math
from functools import reduce
from operator import or_

import numpy as np

from allocate.bounds.earliest import required
from allocate.objective import BASIS_POINTS
from allocate.problem import NONE, Problem
from allocate.schedule import candidates


def cost(problem: Problem) -> float:
    """Every slot at the lowest rate among the people who may do it, except that slots of one
    team with the same candidates take that many distinct people: the cheapest ones."""
    cents = 0
    for lead in _leaders(problem):
        alike: dict[tuple[int, ...], int] = {}
        for slot in problem.team(lead):
            if problem.staffed[slot] and len(candidates(problem, slot)):
                key = tuple(candidates(problem, slot).tolist())
                alike[key] = alike.get(key, 0) + 1
        for people, count in alike.items():
            cheapest = np.sort(problem.rate_cents[list(people)])[:count]
            cents += int(problem.effort[lead]) * int(cheapest.sum())
    return cents * problem.hours_per_tick / 100


def preferences(problem: Problem) -> float:
    """Per slot, the fewest misses any person who may do it would cost (not preferred when the
    task prefers others, avoided)."""
    total = 0
    for t in _staffed(problem):
        preferred = set(problem.preferred[t].tolist())
        avoided = set(problem.avoided[t].tolist())
        total += min(
            (bool(preferred) and p not in preferred) + (p in avoided)
            for p in candidates(problem, t).tolist()
        )
    return float(total)


def people_per_project(problem: Problem) -> float:
    """Per project, teams whose possible people are pairwise disjoint need distinct people: a
    greedy packing of such teams (smallest candidate sets first) counts their sizes."""
    crews: dict[int, list[tuple[int, int]]] = {}
    for t in _leaders(problem):
        crew = _crew(problem, t)
        if problem.project_of[t] != NONE and crew[1]:
            crews.setdefault(int(problem.project_of[t]), []).append(crew)
    total = 0
    for mine in crews.values():
        used, packed = 0, 0
        for mask, size in sorted(mine, key=lambda c: c[0].bit_count()):
            if not mask & used:
                used, packed = used | mask, packed + size
        total += max(packed, max(size for _, size in mine))
    return float(total)


def handovers(problem: Problem) -> float:
    """Hand-overs whose two crews cannot be equal: different sizes, or fewer people who may do
    both than a crew has (both tasks required: a hand-over with a left-out task is none)."""
    must = required(problem)
    count = 0
    for a, b in ((a, b) for a, b in problem.handovers if must[a] and must[b]):
        (mask_a, size_a), (mask_b, size_b) = _crew(problem, a), _crew(problem, b)
        count += size_a != size_b or (mask_a & mask_b).bit_count() < size_a
    return float(count)


def peak_basis_points(problem: Problem, pools: tuple[int, ...], work: np.ndarray) -> int:
    """The highest utilisation is at least the utilisation of the group with the most work it
    alone can do: someone in a pool S is booked at least S's average, work(S) / available(S).
    Only pools whose members all count in the measure (available > 0) qualify; `work` is per
    pool. Rounded as the measure is, which keeps the order (both round up monotonically)."""
    best = 0
    for pool, exclusive in zip(pools, work.tolist(), strict=True):
        hours = [int(problem.available[p]) for p in _members(pool)]
        if min(hours) > 0:
            best = max(best, _basis_points(exclusive, sum(hours)))
    return best


def lowest_basis_points(problem: Problem) -> int | None:
    """An upper bound on the lowest utilisation: nobody's is above the work they may do over
    their hours, and somebody's is at most the average (all work over all hours). None when no
    one counts in the measure."""
    counted = [p for p in range(problem.n_people) if problem.available[p] > 0]
    if not counted:
        return None
    reachable = np.zeros(problem.n_people, dtype=np.int64)
    staffed = _staffed(problem, required_only=False)  # an upper bound counts optional work too
    for t in staffed.tolist():
        reachable[candidates(problem, t)] += int(problem.effort[t])
    total = int(problem.effort[staffed].sum())
    everyone = _basis_points(total, int(problem.available[counted].sum()))
    return min(
        [everyone, *(_basis_points(int(reachable[p]), int(problem.available[p])) for p in counted)]
    )


def _basis_points(work: int, available: int) -> int:
    """As `terms.utilisation_basis_points` rounds one person's booked over available ticks."""
    return math.ceil(round(BASIS_POINTS * work / available, 6))


def _staffed(problem: Problem, required_only: bool = True) -> np.ndarray:
    """Tasks with work for a person who exists (a task nobody may do has no plan to bound), by
    default only those every complete plan places."""
    must = required(problem) if required_only else np.ones(problem.n_tasks, dtype=bool)
    return np.array(
        [
            t
            for t in range(problem.n_tasks)
            if problem.staffed[t] and must[t] and len(candidates(problem, t))
        ],
        dtype=np.int64,
    )


def _leaders(problem: Problem) -> list[int]:
    """The first slot of every team (every task of one person or none) that must be placed."""
    lead = (
        problem.leader == np.arange(problem.n_tasks)
        if len(problem.leader)
        else np.ones(problem.n_tasks, dtype=bool)
    )
    return np.flatnonzero(lead & required(problem)).tolist()


def _crew(problem: Problem, task: int) -> tuple[int, int]:
    """The people who may be on `task`'s team (a bit mask) and how many it has (0 for nobody)."""
    slots = [s for s in problem.team(task) if problem.staffed[s]]
    mask = reduce(or_, (1 << p for s in slots for p in candidates(problem, s).tolist()), 0)
    return mask, len(slots)


def _members(mask: int) -> list[int]:
    return [p for p in range(mask.bit_length()) if mask >> p & 1]
