"""The objective terms on the compiled problem: ticks and indices instead of datetimes and ids.

This mirrors `objective.py` term by term (same names, same units, same rounding), so a strategy can
score its own schedules and `solve()` can compare that score with the checker's recomputation from
the plan's datetimes: two independent computations of one definition.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from allocate.objective import BASIS_POINTS
from allocate.objective import TERMS as DOMAIN_TERMS
from allocate.problem import NONE

if TYPE_CHECKING:
    from allocate.problem import Problem

TIME_TERMS = {"lateness", "late_projects", "makespan", "unplaced"}
"""Terms that depend only on end times (NONE for a left-out task); the others need to know who
does what."""


def level_values(problem: Problem, end: np.ndarray, person: np.ndarray | None) -> tuple[float, ...]:
    names = {name for level in problem.objective for name in level}
    if person is None and names - TIME_TERMS:
        raise ValueError(f"terms {sorted(names - TIME_TERMS)} need the person of every task")
    values = {name: TERMS[name](problem, end, person) for name in names}
    return tuple(sum(w * values[name] for name, w in level.items()) for level in problem.objective)


def lateness(problem: Problem, end: np.ndarray, person) -> float:
    late = sum(
        due.weight * max(0, _finish(end, due) - due.tick)
        for due in problem.dues
        if _finish(end, due) != NONE
    )
    return late * problem.hours_per_tick


def late_projects(problem: Problem, end: np.ndarray, person) -> float:
    return float(
        sum(
            1
            for due in problem.dues
            if due.project and _finish(end, due) != NONE and _finish(end, due) > due.tick
        )
    )


def makespan(problem: Problem, end: np.ndarray, person) -> float:
    if len(end) == 0:
        return 0.0
    return max(0.0, int(end.max()) - problem.start_offset) * problem.hours_per_tick


def utilisation_basis_points(problem: Problem, person: np.ndarray) -> dict[int, int]:
    """Per person who can work in the balance window: booked over available ticks, in basis
    points rounded up."""
    booked = np.zeros(problem.n_people, dtype=np.int64)
    staffed = person != -1
    np.add.at(booked, person[staffed], problem.effort[staffed])
    return {
        p: math.ceil(round(BASIS_POINTS * int(booked[p]) / int(problem.available[p]), 6))
        for p in range(problem.n_people)
        if problem.available[p] > 0
    }


def peak_utilisation(problem: Problem, end, person: np.ndarray) -> float:
    return max(utilisation_basis_points(problem, person).values(), default=0) / 100


def utilisation_spread(problem: Problem, end, person: np.ndarray) -> float:
    values = list(utilisation_basis_points(problem, person).values())
    return (max(values) - min(values)) / 100 if values else 0.0


def cost(problem: Problem, end, person: np.ndarray) -> float:
    staffed = person != -1
    cents = problem.effort[staffed] * problem.rate_cents[person[staffed]]
    return int(cents.sum()) * problem.hours_per_tick / 100


def people_per_project(problem: Problem, end, person: np.ndarray) -> float:
    staffed = (person != -1) & (problem.project_of != -1)
    return float(
        len(set(zip(problem.project_of[staffed].tolist(), person[staffed].tolist(), strict=True)))
    )


def handovers(problem: Problem, end, person: np.ndarray) -> float:
    def crew(task: int) -> set[int]:  # a team's members, or the one person
        return {int(person[slot]) for slot in problem.team(task)}

    return float(
        sum(
            1
            for a, b in problem.handovers
            if end[a] != NONE and end[b] != NONE and crew(a) != crew(b)
        )
    )


def preferences(problem: Problem, end, person: np.ndarray) -> float:
    """Per person placed (each member of a team): not preferred, or avoided."""
    misses = 0
    for task in range(problem.n_tasks):
        if end[task] == NONE:  # left out
            continue
        if len(problem.preferred[task]) and person[task] not in problem.preferred[task]:
            misses += 1
        if person[task] in problem.avoided[task]:
            misses += 1
    return float(misses)


def unplaced(problem: Problem, end: np.ndarray, person) -> float:
    """Priority-weighted hours of the optional tasks left out (end NONE)."""
    if not problem.optional.any():
        return 0.0
    left_out = problem.optional & (end == NONE)
    return int((problem.priority * problem.effort)[left_out].sum()) * problem.hours_per_tick


def _finish(end: np.ndarray, due) -> int:
    return int(end[list(due.tasks)].max())


TERMS = {name: globals()[name] for name in DOMAIN_TERMS}
"""The same names as `objective.TERMS`, by construction: a term cannot exist on one side only."""
