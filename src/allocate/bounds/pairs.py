"""Pairs of tasks that may need the same person: one of them waits, or one goes elsewhere.

A pool (`energy`) sums its members' hours as one machine, so it lets a task be split between
two people; a person does one task at a time, whole. Take two tasks a and b owned by different
dues (`dues`). In every plan a runs on one of its people p and b on one of its people q,
each from no earlier than its floor (the earliest schedule's start) for its effort in that
person's working ticks (`Timeline.end`); when p and q are the same person, one of them starts
only after the other ends. Each case gives a and b an end, and every due whose closure holds
either an end no earlier than the earliest schedule redone downstream of them within that
closure, on exact calendars (`_Chains`), and no earlier than its own floor F. The cheapest case
bounds those dues' weighted lateness in every plan, whatever else is placed; so does it bound
the two owners' alone (a smaller group, which combines more easily with others). Each gain over
the group's own floors combines with those of other groups (`competition`). Only pairs whose
resource-free windows overlap, and whose dues keep their own floors on one and the same person
only, can gain; only those are tried.
"""

from __future__ import annotations

import numpy as np

from allocate.bounds import energy
from allocate.bounds.dues import Dues
from allocate.bounds.earliest import Calendars
from allocate.bounds.tails import ranks
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times

MAX_TASKS = 3000
"""At most this many tasks (those of the dues due first) are paired: the pairs are found with
square matrices over them."""
MAX_PAIRS = 50_000
"""At most this many contested pairs are tried (those of the dues due first): each costs a
few calendar look-ups per pair of people. Leaving pairs out keeps the bound valid."""


def gains(problem: Problem, dues: Dues, earliest: Schedule) -> list[tuple[float, frozenset[int]]]:
    """Per pair of dues whose tasks contest a person, the weighted ticks late beyond their own
    floors that they add at least (the best pair of their tasks), with the two dues."""
    gain_of: dict[frozenset[int], float] = {}
    chains = _Chains(problem, earliest)
    for a, b in _contested(problem, dues, chains):
        for extra, group in _pair_gains(problem, dues, chains, a, b):
            if extra > 0:
                gain_of[group] = max(gain_of.get(group, 0.0), extra)
    return [(extra, group) for group, extra in gain_of.items()]


def _contested(problem: Problem, dues: Dues, chains: _Chains) -> list[tuple[int, int]]:
    """Pairs of due-owned tasks (team leaders) of different dues whose resource-free windows
    overlap (elsewhere each keeps its own earliest times) and that have one and the same person
    on whom their dues keep their own floors (with two such people between them, each takes
    one and neither due is later than alone)."""
    owners, earliest = dues.owners, chains.earliest
    lead = np.arange(problem.n_tasks) if not len(problem.leader) else problem.leader
    tasks = np.flatnonzero(
        (owners >= 0) & problem.staffed & (problem.effort > 0) & (lead == np.arange(len(lead)))
    )
    tasks = tasks[np.argsort(dues.ticks[owners[tasks]], kind="stable")][:MAX_TASKS]
    sole = np.array(
        [_sole_fast_person(problem, dues, chains, t) for t in tasks.tolist()], dtype=np.int64
    )
    start, end = earliest.start[tasks], earliest.end[tasks]
    pair = (sole[:, None] == sole[None, :]) & (sole[:, None] != NONE)
    pair &= (start[:, None] < end[None, :]) & (start[None, :] < end[:, None])
    pair &= owners[tasks][:, None] != owners[tasks][None, :]
    i, j = np.nonzero(np.triu(pair, 1))
    return list(zip(tasks[i].tolist(), tasks[j].tolist(), strict=True))[:MAX_PAIRS]


def _sole_fast_person(problem: Problem, dues: Dues, chains: _Chains, task: int) -> int:
    """The one person on whom `task` keeps every due that holds it within its own floor; NONE
    when there are several. Its fastest person always does (that is the floor), and the dues'
    ends grow with the task's end, so the question is only whether the next fastest does too."""
    begin = chains.earliest.start[task]
    ends = {p: _end(problem, task, p, begin) for p in candidates(problem, task).tolist()}
    fastest = min(ends.values())
    quickest = [p for p, end in ends.items() if end == fastest]
    slower = [end for end in ends.values() if end > fastest]
    if len(quickest) > 1:
        return NONE
    if slower and all(
        chains.due_end(d, {task: min(slower)}) <= max(dues.finishes[d], dues.ticks[d])
        for d in chains.holding[task]
    ):
        return NONE
    return int(quickest[0])


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
        late_of = {d: late(d, end_a, end_b) for d in held}
        return np.array([sum(late_of[d] for d in group) for group in groups])

    best = np.full(len(groups), np.inf)
    for p in candidates(problem, a).tolist():
        end_a = _end(problem, a, p, first[a])
        for q in candidates(problem, b).tolist():
            end_b = _end(problem, b, q, first[b])
            if p != q:
                case = costs(end_a, end_b)
            else:
                after_a = _end(problem, b, q, max(first[b], end_a))
                after_b = _end(problem, a, p, max(first[a], end_b))
                case = np.minimum(costs(end_a, after_a), costs(after_b, end_b))
            best = np.minimum(best, case)
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
        self.calendars = problem.shared(Calendars)
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
        earlier than its tick there (tasks outside the due's closure do not count). Only what
        a raised end reaches is redone: a task whose times stay where they were stops it. A
        raised task that also follows another raised task ends no earlier than either says."""
        problem, closure, earliest = self.problem, self.closures[due], self.earliest
        schedule = None
        moved: set[int] = set()
        for task, end in raised.items():
            if task in closure and end > earliest.end[task]:
                schedule = schedule or earliest.copy()
                team = problem.team(task)
                schedule.end[team.start : team.stop] = end
                moved.update(team)
        if schedule is None:
            return int(earliest.end[list(problem.dues[due].tasks)].max())
        floor = schedule.end.copy()  # the earliest ends, raised where `raised` raises them
        waiting = sorted(
            {s for t in moved for s in self.after[t] if s in closure}, key=self.rank.__getitem__
        )
        while waiting:
            s = waiting.pop(0)
            if len(problem.leader) and problem.leader[s] != s:
                continue
            start, end_at_least = earliest_times(problem, schedule, s)
            # past the horizon no plan places it: capped, as `earliest` caps, to stay a floor
            start = min(max(start, int(earliest.start[s])), problem.horizon)
            finish = min(max(start, end_at_least, int(floor[s])), problem.horizon)
            slots = problem.team(s)
            if not problem.is_milestone(s):
                finish = max(
                    [finish, *(self.calendars.earliest_end(slot, start) for slot in slots)]
                )
            if start == schedule.start[s] and finish == schedule.end[s]:
                continue  # absorbed: nothing after it moves on its account
            schedule.start[slots.start : slots.stop] = start
            schedule.end[slots.start : slots.stop] = finish
            moved.update(slots)
            later = {n for t in slots for n in self.after[t] if n in closure}
            waiting = sorted(set(waiting) | later, key=self.rank.__getitem__)
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
