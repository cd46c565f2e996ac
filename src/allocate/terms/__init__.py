"""The objective on the compiled problem: each term once, on ticks and indices.

`TERMS` holds one `Term` object per name, in the order of `allocate.objective.TERMS` (the same
terms on a plan's datetimes, which the checker recomputes independently): a term cannot exist on
one side only (`tests/test_objective.py`). Each object owns everything about its term on the
compiled side (`base.py`): integer units and their size, the value on a schedule, the largest and
a least value, the CP-SAT statement and where a plan loses on it. `level_values` weighs them into
the scenario's lexicographic levels, as strategies and `solve()` compare plans.
"""

from __future__ import annotations

import numpy as np

from allocate.problem import Problem
from allocate.terms.balance import PeakUtilisation, UtilisationSpread, utilisation_basis_points
from allocate.terms.base import Component, Part, Term
from allocate.terms.people import Cost, Handovers, PeoplePerProject, Preferences
from allocate.terms.stability import Changes
from allocate.terms.time import Lateness, LateProjects, Makespan, Unplaced

TERMS: dict[str, Term] = {
    term.name: term
    for term in (
        Lateness(),
        LateProjects(),
        Makespan(),
        PeakUtilisation(),
        UtilisationSpread(),
        Cost(),
        PeoplePerProject(),
        Handovers(),
        Preferences(),
        Unplaced(),
        Changes(),
    )
}


def level_values(
    problem: Problem, end: np.ndarray, person: np.ndarray | None = None
) -> tuple[float, ...]:
    """Each objective level's value for tasks ending at `end` (NONE: left out) done by `person`
    (needed only when a level names a term that depends on who does what)."""
    names = {name for level in problem.objective for name in level}
    if person is None and (people := sorted(n for n in names if TERMS[n].needs_people)):
        raise ValueError(f"terms {people} need the person of every task")
    values = {name: TERMS[name].value(problem, end, person) for name in names}
    return tuple(sum(w * values[name] for name, w in level.items()) for level in problem.objective)


__all__ = ["TERMS", "Component", "Part", "Term", "level_values", "utilisation_basis_points"]
