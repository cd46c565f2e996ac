"""Tails: time that must still pass after a task ends before a later event can happen.

After task t ends, a finish-to-start successor s starts no earlier than `lag` ticks later (a
working lag needs at least as many elapsed ticks) and then lasts at least its shortest span
(`shortest_spans`: its effort in working ticks of one of its people, wherever it starts: nights
and weekends included); a finish-to-finish successor ends no earlier than `lag` ticks after t.
Chaining these gives a minimum distance from t's end to the end of any task that follows it;
other dependency types do not tie t's end to anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from allocate.problem import FF, FS, Problem
from allocate.schedule import candidates, required, topological_order


def successors(problem: Problem) -> list[list[tuple[int, int]]]:
    """Per task, (successor, ticks from this task's end to the successor's end at least); links
    with optional tasks are left out (they may not exist)."""
    must = required(problem)
    span = problem.shared(shortest_spans)
    found: list[list[tuple[int, int]]] = [[] for _ in range(problem.n_tasks)]
    for prec in problem.precedences:
        if not (must[prec.pred] and must[prec.succ]):
            continue
        if prec.kind == FS:
            found[prec.pred].append((prec.succ, prec.lag + int(span[prec.succ])))
        elif prec.kind == FF:
            found[prec.pred].append((prec.succ, prec.lag))
    return found


def tails(
    problem: Problem, tasks: Iterable[int], targets: set[int], after=None, order=None
) -> dict[int, float]:
    """For each of `tasks`, the least ticks from its end to the end of one of `targets` that
    follows it (or is it: 0) through `tasks`; -inf when none does. A team's slots share their
    leader's end, so they share its tail."""
    after = after if after is not None else successors(problem)
    rank = order if order is not None else ranks(problem)
    mine = set(tasks)
    tail: dict[int, float] = {}
    for t in sorted(mine, key=lambda t: -rank[t]):  # successors first
        best = 0.0 if t in targets else -math.inf
        for s, gap in after[t]:
            if s in mine:
                best = max(best, gap + tail.get(s, -math.inf))
        tail[t] = best
    for t in mine:
        lead = int(problem.leader[t]) if len(problem.leader) else t
        if lead != t and lead in tail:
            tail[t] = tail[lead]
    return tail


def as_ticks(problem: Problem, tail: dict[int, float]) -> np.ndarray:
    """`tails` as ticks per task, 0 where none is known (-inf, or not asked): a task of a due's
    closure ends by the due's end in every plan, so its tail is never negative."""
    found = np.zeros(problem.n_tasks, dtype=np.int64)
    for task, ticks in tail.items():
        found[task] = max(0, int(ticks)) if ticks != -math.inf else 0
    return found


def ranks(problem: Problem) -> np.ndarray:
    order = topological_order(problem)
    rank = np.zeros(problem.n_tasks, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def shortest_spans(problem: Problem) -> np.ndarray:
    """Per task, the fewest elapsed ticks in which one of its people (the organisation calendar
    for a task that needs nobody) can work its effort, over every start in the horizon: the
    shortest window holding that many of their working ticks. A team lasts as long as its
    slowest slot. At least the effort (when nobody has that many working ticks)."""
    effort = problem.effort.astype(np.int64)
    found = effort.copy()
    shortest: dict[tuple[int, int], int] = {}
    for task in np.flatnonzero(effort > 0).tolist():
        e = int(effort[task])
        for person in candidates(problem, task).tolist():
            if (person, e) not in shortest:
                work = np.asarray(problem.timeline(person).work, dtype=np.int64)
                if len(work) < e:  # not enough working time in the horizon: no plan has it
                    shortest[person, e] = e
                    continue
                shortest[person, e] = int((work[e - 1 :] - work[: len(work) - e + 1]).min()) + 1
        found[task] = min(shortest[int(p), e] for p in candidates(problem, task).tolist())
    found = np.maximum(found, effort)
    for task in range(problem.n_tasks):
        found[task] = max(int(found[slot]) for slot in problem.team(task))
    return found
