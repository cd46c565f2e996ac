"""Lower bounds on every objective term, computed from the compiled problem in well under a second.

CP-SAT's own bound barely moves on realistic plans (calendars make durations depend on the start),
so `solve()` reports the gap to these instead, per lexicographic level (`level_bounds`). Time terms
take, per due and for the makespan, the later of two floors: the resource-free earliest schedule
(`earliest`: the chain of work on exact calendars) and energy (`energy`: the work only a group of
people, or a resource, can do needs that much of their working time); lateness also counts the
dues that compete for one group or resource (`competition`). People terms follow from who
may do what (`people`). Every bound holds for every complete plan; tests check each against proven
optima and against the plans of every strategy.
"""

from __future__ import annotations

import numpy as np

from allocate import terms
from allocate.bounds import competition, energy
from allocate.bounds import people as people_terms
from allocate.bounds.earliest import earliest_schedule
from allocate.problem import Problem
from allocate.schedule import Schedule

BALANCE = {"peak_utilisation", "utilisation_spread"}

__all__ = ["earliest_schedule", "level_bounds", "term_bounds", "finish_bounds"]


def level_bounds(problem: Problem) -> tuple[float, ...]:
    """A lower bound on every objective level: the weighted sum of its terms' bounds."""
    bounds = term_bounds(problem)
    return tuple(sum(w * bounds[name] for name, w in level.items()) for level in problem.objective)


def term_bounds(problem: Problem, names: set[str] | None = None) -> dict[str, float]:
    """A lower bound on each term in `names` (default: those the objective names), in the
    terms' units."""
    if names is None:
        names = {name for level in problem.objective for name in level}
    bounds: dict[str, float] = {}
    if names & (terms.TIME_TERMS | BALANCE):
        sources = energy.sources(problem)
        if names & terms.TIME_TERMS:
            bounds |= _time_bounds(problem, sources, names)
        if names & BALANCE:
            bounds |= _balance_bounds(problem, sources)
    for name in names & {"cost", "preferences", "people_per_project", "handovers"}:
        bounds[name] = getattr(people_terms, name)(problem)
    return {name: bounds.get(name, 0.0) for name in names}  # the rest: 0 (no term is negative)


def _balance_bounds(problem: Problem, sources: energy.Sources) -> dict[str, float]:
    exclusive = sources.energy[:, : len(sources.pools)].sum(axis=0)
    peak = people_terms.peak_basis_points(problem, sources.pools, exclusive)
    lowest = people_terms.lowest_basis_points(problem)
    spread = max(0, peak - lowest) if lowest is not None else 0
    return {"peak_utilisation": peak / 100, "utilisation_spread": spread / 100}


def _time_bounds(problem: Problem, sources: energy.Sources, names: set[str]) -> dict[str, float]:
    earliest = earliest_schedule(problem, without_optional=True)
    finishes, last_end = finish_bounds(problem, sources, earliest)
    ticks = np.array([due.tick for due in problem.dues], dtype=np.int64)
    late = (finishes > ticks) & competition.held(problem)
    found = {
        "late_projects": float(
            sum(due.project and t for due, t in zip(problem.dues, late, strict=True))
        ),
        "makespan": max(0.0, last_end - problem.start_offset) * problem.hours_per_tick,
    }
    if "lateness" in names:
        lateness = competition.weighted_lateness(problem, sources, earliest.start, finishes)
        found["lateness"] = lateness * problem.hours_per_tick
    return found


def finish_bounds(
    problem: Problem, sources: energy.Sources | None = None, earliest: Schedule | None = None
) -> tuple[np.ndarray, int]:
    """Per due, a tick before which its last task cannot end, and one for the last end of all:
    the later of the resource-free and the energy floors."""
    sources = sources or energy.sources(problem)
    earliest = earliest or earliest_schedule(problem, without_optional=True)
    free = np.array([earliest.end[list(due.tasks)].max() for due in problem.dues], dtype=np.int64)
    finishes = np.maximum(free, energy.due_finishes(problem, sources, earliest.start))
    last = max(
        int(earliest.end.max(initial=0)), energy.makespan_end(problem, sources, earliest.start)
    )
    return finishes, last
