"""The contract between `solve()` and a scheduling strategy, in the compiled problem's terms.

A strategy reads a `Problem` and returns an `Outcome` holding a `Schedule` (`allocate.schedule`,
re-exported here because it is part of the contract).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from allocate.budget import Budget
from allocate.problem import FF, FS, SF, SS, Problem
from allocate.schedule import Schedule, earliest_times, reaches

Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class SolveProgress:
    """A snapshot during a solve, for progress displays and callbacks (not a task's
    `scenario.Progress`, which records work done before the planning start)."""

    elapsed: float
    objective: tuple[float, ...]
    bound: tuple[float, ...]
    solutions: int


ProgressCallback = Callable[[SolveProgress], None]


@dataclass(frozen=True)
class Outcome:
    schedule: Schedule
    status: Status
    level_values: tuple[float, ...] = ()
    """The strategy's own value of each objective level (hours), for cross-checking."""
    level_bounds: tuple[float, ...] = ()
    stats: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Enforcement:
    """Where a strategy keeps one of the checker's rules (`check.RULES`): the function, method
    or class that does it, and how, in a sentence. Each built-in strategy has a `RULE_MAP` of
    them, one per rule (`tests/test_rule_map.py`); `docs/design.md` shows them side by side."""

    where: Callable
    how: str


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
    * `budget`, if given, is the same time limit as a `Budget` (`solve()` passes it): ask it
      what is left (`left()`, `expired`) rather than counting seconds from `time_limit`, and
      stop when it is spent, so that a caller's reasons to stop reach the strategy. In a
      deterministic run (`solve(deterministic=True)`) it has no clock but work
      (`work_left()`, `spend()`, in CP-SAT deterministic units), and the plan must not depend on
      timing. A strategy written without it still runs (`solve()` then passes `time_limit`
      alone).
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
        budget: Budget | None = None,
    ) -> Outcome: ...


__all__ = [
    "Enforcement",
    "Schedule",
    "Outcome",
    "Strategy",
    "SolveProgress",
    "earliest_times",
    "reaches",
    "FS",
    "SS",
    "FF",
    "SF",
]
