"""Due bookkeeping shared by the bounds on lateness: which dues count, and which tasks each owns.

A task may be held by the closures of several dues (`energy.closures`); giving each task to one
due only, the earliest (by tick) whose closure holds it, makes the dues' *own* work disjoint, so
that groups of dues competing for a source (`competition`) or a person (`pairs`) can be counted
side by side. Each owned task keeps the least ticks from its end to its owner due's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.bounds import energy
from allocate.bounds.tails import as_ticks, ranks, successors, tails
from allocate.problem import Problem
from allocate.schedule import required


@dataclass(frozen=True)
class Dues:
    """Per due: its tick, weight and own floor; per task: its owner due (-1: none) and the least
    ticks from its end to that due's end."""

    ticks: np.ndarray
    weights: np.ndarray
    finishes: np.ndarray
    owners: np.ndarray
    tail: np.ndarray


def held(problem: Problem) -> np.ndarray:
    """Per due, whether every plan holds one of its tasks: a due of optional tasks only may be
    left out with them, and is then never late."""
    must = required(problem)
    return np.array([must[list(due.tasks)].any() for due in problem.dues], dtype=bool)


def owners(problem: Problem, ticks: np.ndarray) -> np.ndarray:
    """Per task, the earliest due (by tick) whose closure holds it; -1 for none."""
    owner = np.full(problem.n_tasks, -1, dtype=np.int64)
    closures = energy.closures(problem)
    for d in np.argsort(ticks, kind="stable").tolist():
        free = [t for t in closures[d] if owner[t] < 0]
        owner[free] = d
    return owner


def own_tails(problem: Problem, owners: np.ndarray) -> np.ndarray:
    """Per task, the least ticks from its end to the end of its owner due (0: none known)."""
    after, rank = successors(problem), ranks(problem)
    found = np.zeros(problem.n_tasks, dtype=np.int64)
    for d, (due, closure) in enumerate(zip(problem.dues, energy.closures(problem), strict=True)):
        mine = [t for t in closure if owners[t] == d]
        if not mine:
            continue
        targets = {slot for t in due.tasks for slot in problem.team(t)}
        tail = tails(problem, closure, targets, after, rank)
        found[mine] = as_ticks(problem, tail)[mine]
    return found
