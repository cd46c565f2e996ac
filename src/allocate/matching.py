"""Matchings: distinct people for the places of a team (augmenting paths, Kuhn), and the
cheapest assignment of rows to columns (with potentials, Hungarian) for the lateness bound.

Teams are small (a few places, a few dozen candidates each), so the simple algorithm is plenty.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def match(candidates: Sequence[Sequence[Hashable]]) -> list[Hashable] | None:
    """One distinct candidate per place (each place's list in order of preference, earlier
    candidates tried first); None when no such choice exists."""
    owner: dict[Hashable, int] = {}

    def claim(place: int, seen: set) -> bool:
        for person in candidates[place]:
            if person in seen:
                continue
            seen.add(person)
            if person not in owner or claim(owner[person], seen):
                owner[person] = place
                return True
        return False

    for place in range(len(candidates)):
        if not claim(place, set()):
            return None
    chosen: list[Hashable] = [None] * len(candidates)
    for person, place in owner.items():
        chosen[place] = person
    return chosen


def min_assignment(cost: np.ndarray) -> float:
    """The least total cost of giving each row of the square, non-empty, finite `cost` its own
    column (shortest augmenting paths with potentials, O(n^3); Kuhn-Munkres as in Jonker and
    Volgenant)."""
    n = len(cost)
    row_potential = np.zeros(n + 1)
    column_potential = np.zeros(n + 1)
    owner = np.zeros(n + 1, dtype=np.int64)  # column j (1-based) -> row (1-based); 0: none
    for row in range(1, n + 1):
        owner[0] = row
        column = 0
        slack = np.full(n + 1, np.inf)
        came_from = np.zeros(n + 1, dtype=np.int64)
        used = np.zeros(n + 1, dtype=bool)
        while owner[column] != 0:
            used[column] = True
            current = owner[column]
            reduced = cost[current - 1] - row_potential[current] - column_potential[1:]
            closer = ~used[1:] & (reduced < slack[1:])
            slack[1:][closer] = reduced[closer]
            came_from[1:][closer] = column
            open_slack = np.where(used[1:], np.inf, slack[1:])
            nearest = int(np.argmin(open_slack)) + 1
            delta = open_slack[nearest - 1]
            row_potential[owner[used]] += delta
            column_potential[used] -= delta
            slack[1:][~used[1:]] -= delta
            column = nearest
        while column:
            previous = came_from[column]
            owner[column] = owner[previous]
            column = previous
    rows = owner[1:] - 1
    return float(cost[rows, np.arange(n)].sum())
