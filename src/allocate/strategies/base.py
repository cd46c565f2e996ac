"""The contract between `solve()` and a scheduling strategy, in the compiled problem's terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from allocate.problem import FF, FS, NONE, SF, SS, Problem

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class Schedule:
    """Per task: start and end tick and the person index (NONE for milestones and unplaced tasks).

    A task with `start == NONE` is unplaced; `reasons` says why, by task index. An unplaced task
    that `optional` marks is left out, which a complete schedule may do.
    """

    start: np.ndarray
    end: np.ndarray
    person: np.ndarray
    reasons: dict[int, str] = field(default_factory=dict)
    optional: np.ndarray | None = None
    """Per task: may it be left out (`Problem.optional`)? None: no task may."""

    @classmethod
    def empty(cls, n_tasks: int, optional: np.ndarray | None = None) -> Schedule:
        return cls(*(np.full(n_tasks, NONE, dtype=np.int64) for _ in range(3)), optional=optional)

    def copy(self) -> Schedule:
        """The same times and people in new arrays (no reasons)."""
        return Schedule(
            self.start.copy(), self.end.copy(), self.person.copy(), optional=self.optional
        )

    @property
    def complete(self) -> bool:
        """Is every task placed that must be?"""
        placed = self.start != NONE
        if self.optional is not None and len(self.optional) == len(placed):
            placed = placed | self.optional
        return bool(placed.all())

    @property
    def left_out(self) -> np.ndarray:
        """The optional tasks left out, by index."""
        if self.optional is None or len(self.optional) != len(self.start):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.optional & (self.start == NONE))


@dataclass(frozen=True)
class Progress:
    """A snapshot during a solve, for progress displays and callbacks."""

    elapsed: float
    objective: tuple[float, ...]
    bound: tuple[float, ...]
    solutions: int


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class Outcome:
    schedule: Schedule
    status: Status
    level_values: tuple[float, ...] = ()
    """The strategy's own value of each objective level (hours), for cross-checking."""
    level_bounds: tuple[float, ...] = ()
    stats: dict[str, float | int | str] = field(default_factory=dict)


class Strategy(Protocol):
    """What `solve()` needs of a strategy; `tests/test_conformance.py` checks it for each one
    registered in `allocate.strategies.REGISTRY`.

    * Options are data given at construction and validated there (a typo fails at once).
    * `solve` returns within `time_limit` wall-clock seconds (its own set-up included) an
      `Outcome` with one start, end and person per task of `problem`; a task it cannot place is
      unplaced (`NONE`) with a reason, and the status is then "infeasible".
    * A complete schedule is feasible: the independent checker finds nothing wrong with it.
    * `hint`, a schedule of the same problem, is a starting point the strategy may use or ignore;
      a hint that breaks rules must not make it fail.
    * With one worker and the same `seed`, a run that is not cut short by the clock (it ends on
      its own, or on a work budget such as `Lns(iterations=...)`) repeats exactly.
    * `level_values` are the plan's values of the objective levels; `level_bounds`, if given,
      are proven lower bounds on them.
    * `bounds`, if given, are proven lower bounds on the levels (hours, as `solve()` computes
      them with `allocate.bounds.level_bounds`): a plan that `reaches` them all is optimal, so
      the strategy may stop there instead of spending the rest of its time limit.
    """

    name: str

    def solve(
        self,
        problem: Problem,
        *,
        time_limit: float,
        seed: int = 0,
        hint: Schedule | None = None,
        progress: ProgressCallback | None = None,
        bounds: tuple[float, ...] = (),
    ) -> Outcome: ...


def reaches(values: tuple[float, ...], bounds: tuple[float, ...], levels=None) -> bool:
    """Do the level `values` meet the lower `bounds` (on the `levels` given, else on all)? Then
    no plan is better on those levels. False without bounds."""
    if not bounds or len(bounds) != len(values):
        return False
    chosen = range(len(values)) if levels is None else levels
    return all(values[i] <= bounds[i] + 1e-9 * max(1.0, abs(bounds[i])) for i in chosen)


def earliest_times(problem: Problem, schedule: Schedule, task: int) -> tuple[int, int]:
    """(earliest start, earliest end) that `task`'s placed predecessors and release allow."""
    start, end = int(problem.release[task]), 0
    for prec in problem.predecessors(task):
        source = schedule.start[prec.pred] if prec.kind in (SS, SF) else schedule.end[prec.pred]
        if source == NONE:
            continue
        bound = _shift(problem, int(source), prec.lag, prec.working_lag)
        if prec.kind in (FS, SS):
            start = max(start, bound)
        else:  # FF, SF bound the end
            end = max(end, bound)
    return start, end


def _shift(problem: Problem, tick: int, lag: int, working: bool) -> int:
    if working:
        return problem.after_working_lag(tick, lag)
    return tick + lag


__all__ = [
    "Schedule",
    "Outcome",
    "Strategy",
    "Progress",
    "earliest_times",
    "reaches",
    "FS",
    "SS",
    "FF",
    "SF",
]
