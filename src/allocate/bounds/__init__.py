"""Lower bounds on every objective term, computed from the compiled problem in well under a second.

CP-SAT's own bound barely moves on realistic plans (calendars make durations depend on the start),
so `solve()` reports the gap to these instead, per lexicographic level (`level_bounds`). Each term
states its own bound (`Term.lower`) from the floors below (`Floors`, each computed once and only
when a term asks): time terms take, per due and for the makespan, the later of two floors: the
earliest schedule (`earliest`: the chain of work on exact calendars, each start raised to the
energy floor of the work that must end first, `heads`) and energy (`energy`: the work only a
group of people, or a resource, can do needs that much of their working time); lateness also
counts the dues that compete for one group or resource (`competition`) or for one person
(`pairs`); people terms follow from who may do what. Every bound holds for every complete
plan; tests check each against proven optima and against the plans of every strategy.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from allocate.bounds import competition, dues, energy
from allocate.bounds.earliest import earliest_schedule
from allocate.bounds.heads import heads_schedule
from allocate.problem import Problem
from allocate.schedule import Schedule
from allocate.terms import TERMS

__all__ = ["Floors", "earliest_schedule", "finish_bounds", "level_bounds", "term_bounds"]


def level_bounds(problem: Problem, thorough: bool = True) -> tuple[float, ...]:
    """A lower bound on every objective level: the weighted sum of its terms' bounds (without
    `thorough`, leaving out the costlier parts, `Floors`)."""
    bounds = term_bounds(problem, thorough=thorough)
    return tuple(sum(w * bounds[name] for name, w in level.items()) for level in problem.objective)


def term_bounds(
    problem: Problem, names: set[str] | None = None, thorough: bool = True
) -> dict[str, float]:
    """A lower bound on each term in `names` (default: those the objective names), in the
    terms' units."""
    if names is None:
        names = {name for level in problem.objective for name in level}
    floors = Floors(problem, thorough)
    return {name: TERMS[name].lower(problem, floors) for name in names}


class Floors:
    """What no complete plan of `problem` can beat, for the terms' lower bounds: each computed
    on first use, once. Without `thorough`, the two costlier parts are left out (energy heads
    and contested pairs of tasks: about 0.6 s of the 0.9 s at 150 x 2,000), for solves whose
    time limit leaves no room for them; the bounds are then weaker, never wrong."""

    def __init__(self, problem: Problem, thorough: bool = True):
        self.problem, self.thorough = problem, thorough

    @cached_property
    def sources(self) -> energy.Sources:
        """The pools of people and the resources, with their capacity and the tasks' energy."""
        return energy.sources(self.problem)

    @cached_property
    def earliest(self) -> Schedule:
        """The earliest schedule with energy heads (when `thorough`), optional work left out."""
        if not self.thorough:
            return earliest_schedule(self.problem, without_optional=True)
        return heads_schedule(self.problem, self.sources)

    @cached_property
    def _finishes(self) -> tuple[np.ndarray, int]:
        return finish_bounds(self.problem, self.sources, self.earliest)

    @property
    def finishes(self) -> np.ndarray:
        """Per due, a tick before which its last task cannot end."""
        return self._finishes[0]

    @property
    def last_end(self) -> int:
        """A tick before which the last task cannot end."""
        return self._finishes[1]

    @cached_property
    def late(self) -> np.ndarray:
        """Per due: is it late in every plan?"""
        ticks = np.array([due.tick for due in self.problem.dues], dtype=np.int64)
        return (self.finishes > ticks) & dues.held(self.problem)

    @cached_property
    def weighted_lateness(self) -> float:
        """Priority-weighted ticks late, at least (`competition`)."""
        return competition.weighted_lateness(
            self.problem, self.sources, self.earliest, self.finishes, with_pairs=self.thorough
        )

    @property
    def pools(self) -> tuple[int, ...]:
        """The candidate pools of people, as bit masks."""
        return self.sources.pools

    @cached_property
    def exclusive_work(self) -> np.ndarray:
        """Per pool, the work only its members may do (ticks)."""
        return self.sources.energy[:, : len(self.sources.pools)].sum(axis=0)


def finish_bounds(
    problem: Problem, sources: energy.Sources | None = None, earliest: Schedule | None = None
) -> tuple[np.ndarray, int]:
    """Per due, a tick before which its last task cannot end, and one for the last end of all:
    the later of the earliest schedule's (`earliest`, by default with energy heads) and the
    energy floors."""
    sources = sources or energy.sources(problem)
    earliest = earliest or heads_schedule(problem, sources)
    free = np.array([earliest.end[list(due.tasks)].max() for due in problem.dues], dtype=np.int64)
    finishes = np.maximum(free, energy.due_finishes(problem, sources, earliest.start))
    last = max(
        int(earliest.end.max(initial=0)), energy.makespan_end(problem, sources, earliest.start)
    )
    return finishes, last
