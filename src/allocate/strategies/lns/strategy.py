"""`Lns`: improve a complete plan neighbourhood by neighbourhood with small CP-SAT models.

A monolithic calendar-exact model of 500 tasks spends most of a minute in presolve and barely
moves the greedy plan; a model of 50 free tasks with the other 450 held is solved to optimality in
well under a second. So: start from the hint (or the greedy plan), free a neighbourhood where the
plan loses (`neighbourhoods.py`), re-plan it exactly (`CpSat.reoptimise`, the incumbent as a
complete hint), keep the result if it is no worse, and repeat until the time is up, choosing the
kind and size of neighbourhood by how well each has paid (`adaptive.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from allocate.budget import Budget
from allocate.problem import Problem
from allocate.schedule import Schedule
from allocate.strategies.base import Outcome, ProgressCallback
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.hint import hint_problem
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns.adaptive import Adaptive
from allocate.strategies.lns.neighbourhoods import KINDS
from allocate.strategies.lns.search import Search, Settings
from allocate.terms import level_values

SUB_PARAMS = {"symmetry_level": 0, "max_presolve_iterations": 1}
"""CP-SAT parameters of the sub-solves (before the user's `params`): presolve was a third of the
wall time of a 90-task sub-model at 150 x 2,000 and these settings cut it with nothing lost."""


@dataclass(frozen=True)
class Lns:
    """Large-neighbourhood search over the exact CP-SAT model.

    * `size`: free tasks per neighbourhood at first, then adapted per kind within `min_size`
      and `max_size`.
    * `sub_limit`: CP-SAT deterministic time per sub-solve (a unit took 1-6 s of wall time; most
      sub-solves are proven optimal well before 0.5).
    * `reach_days`: how far a free task may move from its current start.
    * `candidates`: at most this many people per free task, those who could finish it first
      (None: everyone it fits). At 150 x 2,000 a task fits 10-30 people; keeping 6 took the
      median 60 s gain from 6-9 % to 21 % (4: 20 %), at 40 x 500 it changed little.
    * `kinds`: the neighbourhoods to draw from (`late`, `project`, `people`, `window`).
    * `accept_equal`: also keep a different plan of equal value (the search drifts across
      plateaus instead of stalling on them).
    * `compact`: move re-planned tasks as early as they can go before comparing (`compact.py`).
    * `stable_ties`: in a re-plan, each sub-solve also minimises `changes` among the choices as
      good on the levels in focus (a short second stage). Measured at 40 x 500 after one event
      (benchmarks/replan.py ties): about a third of the reassignments, and 4 % more lateness
      on average (the search drifts less, so it finds fewer lateness gains); off by default,
      since a re-plan's objective puts lateness first.
    * `iterations`: stop after this many sub-solves; with `workers=1` a run is then repeatable for
      a seed, whatever the machine.
    * `workers`: sub-solves run side by side, one CP-SAT worker each.
    * `formulation`, `params`, `week_overlap`: as for `CpSat`, for every sub-solve (probing is
      off: it costs more than it finds on small models).
    """

    size: int = 40
    min_size: int = 8
    max_size: int = 400
    sub_limit: float = 0.5
    reach_days: float = 14.0
    candidates: int | None = 6
    kinds: tuple[str, ...] = KINDS
    accept_equal: bool = True
    compact: bool = True
    stable_ties: bool = False
    iterations: int | None = None
    workers: int = 2
    formulation: str = "day-hour"
    params: Mapping[str, object] | None = None
    week_overlap: str = "min"
    name: str = "lns"
    _cpsat: tuple[CpSat, CpSat] = field(init=False, repr=False, compare=False)
    """The sub-solves' and the whole-problem solve's CP-SAT strategies."""

    def __post_init__(self):
        object.__setattr__(self, "kinds", tuple(self.kinds))
        problems = []
        if not self.kinds or not set(self.kinds) <= set(KINDS):
            problems.append(f"kinds must be some of {', '.join(KINDS)}, not {self.kinds!r}")
        if not _positive_int(self.min_size) or not _positive_int(self.size):
            problems.append("size and min_size must be positive integers")
        elif not _positive_int(self.max_size) or not self.min_size <= self.size <= self.max_size:
            problems.append("sizes must satisfy min_size <= size <= max_size")
        for name in ("sub_limit", "reach_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                problems.append(f"{name} must be a positive number, not {value!r}")
        if self.candidates is not None and not _positive_int(self.candidates):
            problems.append(f"candidates must be a positive integer, not {self.candidates!r}")
        if self.iterations is not None and not _positive_int(self.iterations):
            problems.append(f"iterations must be a positive integer, not {self.iterations!r}")
        if not _positive_int(self.workers):
            problems.append(f"workers must be a positive integer, not {self.workers!r}")
        if problems:
            raise ValueError("; ".join(problems))
        params = {**SUB_PARAMS, **(self.params or {})}
        overlap = self.week_overlap
        sub = CpSat(self.formulation, 1, probing=0, params=params, week_overlap=overlap)
        whole = CpSat(self.formulation, self.workers, params=self.params, week_overlap=overlap)
        object.__setattr__(self, "_cpsat", (sub, whole))

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
    ) -> Outcome:
        """The best plan found within `time_limit` wall-clock seconds (or the `budget` given),
        never worse than the start.
        With lower `bounds`, a level that reaches its bound hands over to the next at once, and
        the search stops once every level has (the plan is then optimal).

        Status "feasible" (a neighbourhood's optimum says nothing about the whole plan; no
        bounds) unless the plan meets the lower `bounds` given ("optimal"), or the greedy plan's
        "infeasible" when it cannot place every task. A problem of
        at most `size` tasks is one neighbourhood: it is solved whole, and may come back
        "optimal" (in the sense of `CpSat`: within the model horizon).

        stats: start ("hint" or "greedy"), iterations, improvements, accepted, build_seconds,
        solve_seconds, solutions, and per kind `lns_<kind>`: tries, improvements, accepted moves,
        final size and work.
        """
        budget = Budget(time_limit) if budget is None else budget
        if problem.n_tasks == 0:
            values = level_values(problem, *(np.zeros(0, dtype=np.int64),) * 2)
            return Outcome(Schedule.empty(0), "optimal", values, values, {"start": "empty"})
        start_kind = "hint"
        if hint is None or hint_problem(problem, hint) is not None:
            greedy = Greedy().solve(problem)
            if not greedy.schedule.complete:
                return greedy
            hint, start_kind = greedy.schedule, "greedy"
        adaptive = Adaptive(self.kinds, self.size, self.min_size, self.max_size)
        settings = Settings(
            *self._cpsat,
            self.workers,
            self.sub_limit,
            self.reach_days,
            self.candidates,
            self.accept_equal,
            self.compact,
            self.stable_ties,
            self.iterations,
            adaptive,
        )
        search = Search(settings, problem, hint, seed, progress, tuple(bounds))
        if problem.n_tasks <= self.size and not search.optimal:  # one neighbourhood holds it all
            status = search.whole(budget)
            proven = search.values if status == "optimal" else ()
            stats = {"start": start_kind, **search.stats()}
            return Outcome(search.incumbent, status, search.values, proven, stats)
        search.run(budget)
        stats = {"start": start_kind, **search.stats(), **adaptive.summary()}
        if search.optimal:
            return Outcome(search.incumbent, "optimal", search.values, search.values, stats)
        return Outcome(search.incumbent, "feasible", search.values, (), stats)


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
