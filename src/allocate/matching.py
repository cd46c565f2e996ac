"""Distinct people for the places of a team: bipartite matching by augmenting paths (Kuhn).

Teams are small (a few places, a few dozen candidates each), so the simple algorithm is plenty.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


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
