"""Pairs of tasks that may need the same person: one of them waits, or one goes elsewhere.

A pool (`energy`) sums its members' hours as one machine, so it lets a task be split between
two people; a person does one task at a time, whole. Take two tasks a and b owned by different
dues (`competition`). In every plan a runs on one of its people p and b on one of its people q,
each from no earlier than its floor (the earliest schedule's start) for its effort in that
person's working ticks (`Timeline.end`); when p and q are the same person, one of them starts
only after the other ends. Each case gives a and b an end, and every due whose closure holds
either an end no earlier than the earliest schedule redone downstream of them within that
closure, on exact calendars (`_Chains`), and no earlier than its own floor F. The cheapest case
bounds those dues' weighted lateness in every plan, whatever else is placed; so does it bound
the two owners' alone (a smaller group, which combines more easily with others). Each gain over
the group's own floors combines with those of other groups (`competition`). Only pairs whose
resource-free windows overlap, and that cannot both keep their dues within their own floors on
two different people, can gain; only those are tried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from allocate.bounds import energy
from allocate.bounds.earliest import _Calendars
from allocate.bounds.tails import ranks
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times

if TYPE_CHECKING:
    from allocate.bounds.competition import Dues

MAX_TASKS = 3000
"""At most this many tasks (those of the dues due first) are paired: the pairs are found with
square matrices over them."""
MAX_PAIRS = 50_000
"""At most this many contested pairs are tried (those of the dues due first): each costs a
few calendar look-ups per pair of people. Leaving pairs out keeps the bound valid."""


def gains(problem: Problem, dues: Dues, earliest: Schedule) -> list[tuple[float, frozenset[int]]]:
    """Per pair of dues whose tasks contest a person, the weighted ticks late beyond their own
    floors that they add at least (the best pair of their tasks), with the two dues."""
    found: dict[frozenset[int], float] = {}
    chains = _Chains(problem, earliest)
    for a, b in _contested(problem, dues, chains):
        for extra, group in _pair_gains(problem, dues, chains, a, b):
            if extra > 0:
                found[group] = max(found.get(group, 0.0), extra)
    return [(extra, key) for key, extra in found.items()]


def _contested(problem: Problem, dues: Dues, chains: _Chains) -> list[tuple[int, int]]:
    """Pairs of due-owned tasks (team leaders) of different dues whose resource-free windows
    overlap (elsewhere each keeps its own earliest times) and that cannot both stay within
    their dues' own floors on two different people."""
    owners, earliest = dues.owners, chains.earliest
    lead = np.arange(problem.n_tasks) if not len(problem.leader) else problem.leader
    tasks = np.flatnonzero(
        (owners >= 0) & problem.staffed & (problem.effort > 0) & (lead == np.arange(len(lead)))
    )
    tasks = tasks[np.argsort(dues.ticks[owners[tasks]], kind="stable")][:MAX_TASKS]
    who = np.zeros((len(tasks), problem.n_people), dtype=np.float32)
    free = np.zeros_like(who)  # on this person, the task keeps its due within its own floor
    for i, t in enumerate(tasks.tolist()):
        people = candidates(problem, t).tolist()
        ends = {p: _end(problem, t, p, earliest.start[t]) for p in people}
        options = sorted(set(ends.values()))
        lo, hi = 0, len(options)  # due_end grows with the end: the free ends are a prefix
        while lo < hi:
            mid = (lo + hi) // 2
            if all(
                chains.due_end(d, {t: options[mid]}) <= max(dues.finishes[d], dues.ticks[d])
                for d in chains.holding[t]
            ):
                lo = mid + 1
            else:
                hi = mid
        latest_free = options[lo - 1] if lo else -1
        who[i, people] = 1
        free[i, people] = [ends[p] <= latest_free for p in people]
    start, end = earliest.start[tasks], earliest.end[tasks]
    pair = (who @ who.T > 0) & (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
    pair &= owners[tasks][:, None] != owners[tasks][None, :]
    # apart, each on a person of its own where its due keeps its floor: nothing to gain
    count = free.sum(axis=1)
    same_one = (free @ free.T == 1) & (count[:, None] == 1) & (count[None, :] == 1)
    pair &= ~((count[:, None] >= 1) & (count[None, :] >= 1) & ~same_one)
    i, j = np.nonzero(np.triu(pair, 1))
    return list(zip(tasks[i].tolist(), tasks[j].tolist(), strict=True))[:MAX_PAIRS]


def _pair_gains(
    problem: Problem, dues: Dues, chains: _Chains, a: int, b: int
) -> list[tuple[float, frozenset[int]]]:
    """Over who does `a` and `b` and, for one person, in which order: the least weighted
    lateness beyond their own floors of the dues whose closures hold either, and of their two
    owners alone (a smaller group packs better with others)."""
    held = chains.holding[a] | chains.holding[b]
    owners = frozenset((int(dues.owners[a]), int(dues.owners[b])))
    groups = [sorted(held), sorted(owners)]
    alone = [sum(_cost(dues, d, 0) for d in group) for group in groups]
    first = chains.earliest.start

    known: dict[tuple[int, int | None, int | None], float] = {}

    def late(d: int, end_a: int, end_b: int) -> float:
        closure = chains.closures[d]  # a due's end depends on the ends of its closure's tasks
        key = (d, end_a if a in closure else None, end_b if b in closure else None)
        if key not in known:
            known[key] = _cost(dues, d, chains.due_end(d, {a: end_a, b: end_b}))
        return known[key]

    def costs(end_a: int, end_b: int) -> np.ndarray:
        found = {d: late(d, end_a, end_b) for d in held}
        return np.array([sum(found[d] for d in group) for group in groups])

    best = np.full(len(groups), np.inf)
    for p in candidates(problem, a).tolist():
        end_a = _end(problem, a, p, first[a])
        for q in candidates(problem, b).tolist():
            end_b = _end(problem, b, q, first[b])
            if p != q:
                found = costs(end_a, end_b)
            else:
                after_a = _end(problem, b, q, max(first[b], end_a))
                after_b = _end(problem, a, p, max(first[a], end_b))
                found = np.minimum(costs(end_a, after_a), costs(after_b, end_b))
            best = np.minimum(best, found)
            if best[0] <= alone[0]:
                return []  # the smaller group gains no more than the larger one
    return [
        (float(extra - base), frozenset(group))
        for extra, base, group in zip(best, alone, groups, strict=True)
    ]


class _Chains:
    """How a due's end follows from one of its tasks ending later than its floor: the earliest
    schedule redone for what follows that task within the due's closure, on exact calendars
    (as `earliest` does), everything else at its floor."""

    def __init__(self, problem: Problem, earliest: Schedule):
        self.problem, self.earliest = problem, earliest
        self.closures = energy.closures(problem)
        self.rank = ranks(problem)
        self.calendars = problem.shared(_Calendars)
        self.after: list[list[int]] = [[] for _ in range(problem.n_tasks)]
        for prec in problem.precedences:
            self.after[prec.pred].append(prec.succ)
        self.holding: list[frozenset[int]] = [frozenset()] * problem.n_tasks
        """Per task, the dues whose closure holds it."""
        for d, closure in enumerate(self.closures):
            for t in closure:
                self.holding[t] = self.holding[t] | {d}

    def due_end(self, due: int, raised: dict[int, int]) -> int:
        """A tick before which `due`'s last task cannot end when each task of `raised` ends no
        earlier than its tick there (tasks outside the due's closure do not count)."""
        problem, closure = self.problem, self.closures[due]
        schedule = self.earliest.copy()
        later, seen = [], set()
        stack = []
        for task, end in raised.items():
            if task in closure:
                team = problem.team(task)
                ends = schedule.end[team.start : team.stop]
                schedule.end[team.start : team.stop] = np.maximum(ends, end)
                seen.add(task)
                stack.append(task)
        while stack:
            for s in self.after[stack.pop()]:
                if s in closure and s not in seen:
                    seen.add(s)
                    later.append(s)
                    stack.append(s)
        for s in sorted(later, key=lambda t: self.rank[t]):
            if len(problem.leader) and problem.leader[s] != s:
                continue
            start, end_at_least = earliest_times(problem, schedule, s)
            # past the horizon no plan places it: capped, as `earliest` caps, to stay a floor
            start = min(max(start, int(self.earliest.start[s])), problem.horizon)
            finish = min(max(start, end_at_least, int(self.earliest.end[s])), problem.horizon)
            slots = problem.team(s)
            if not problem.is_milestone(s):
                finish = max(
                    [finish, *(self.calendars.earliest_end(slot, start) for slot in slots)]
                )
            schedule.start[slots.start : slots.stop] = start
            schedule.end[slots.start : slots.stop] = finish
        return int(schedule.end[list(problem.dues[due].tasks)].max())


def _end(problem: Problem, task: int, person: int, start: int) -> int:
    """Where `task` begun no earlier than `start` ends on `person`'s calendar (the horizon
    when it cannot end in it: no plan places it there)."""
    timeline = problem.timeline(person)
    end = timeline.end(min(max(int(start), 0), timeline.horizon), int(problem.effort[task]))
    return problem.horizon if end == NONE else end


def _cost(dues: Dues, due: int, end: int) -> float:
    """The due's weighted lateness when it ends no earlier than `end` and its own floor."""
    return float(dues.weights[due] * max(0, max(int(dues.finishes[due]), end) - dues.ticks[due]))
