"""`CpSat`: the exact strategy. Build the model, hint it, solve it level by level, map back.

`CpSat.solve` plans every task; `CpSat.reoptimise` re-plans a neighbourhood of a complete plan
(the free tasks of a `Fixing`, the rest held), the step `lns` repeats.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from google.protobuf import text_format
from ortools.sat import sat_parameters_pb2

from allocate.budget import Budget
from allocate.problem import Problem
from allocate.schedule import Schedule, reaches
from allocate.strategies.base import Outcome, ProgressCallback
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.cpsat.hint import add_hint, hint_problem, model_horizon
from allocate.strategies.cpsat.model import Prepared, build_model
from allocate.strategies.cpsat.pools import Pools, pools
from allocate.strategies.cpsat.run import Configure, Run, limit, solve_stages
from allocate.strategies.cpsat.subsolvers import SUBSOLVER_FIELDS, subsolvers
from allocate.strategies.cpsat.variables import FORMULATIONS
from allocate.strategies.cpsat.weeks import OVERLAPS
from allocate.terms import level_values

PROBING_OFF_ABOVE = 1_000
"""With `probing="auto"`, probing is turned off above this many options: it made presolve 3-10x
slower at 5k options with no gain seen at 250 (research note). Measured here at 10 s: probing
costs 2-3 s of presolve at 250 options and 5-6 s at 800; results with and without were mixed."""
NO_PLAN = {
    "infeasible": "CP-SAT proved that no plan keeps every rule within the planning horizon",
    "unknown": "CP-SAT found no plan within the time limit",
}


@dataclass(frozen=True)
class CpSat:
    """Exact assignment and scheduling with OR-Tools CP-SAT.

    `formulation`: "day-hour" (default; starts factored into day and hour, formulation E of the
    research note) or "start-partition" (one start-tick domain per span class, C1); both exact.
    `week_overlap`: how an option's hours in a week are stated for weekly limits, "min" (a min
    equality, default) or "table" (an element table, measured slower; see `weeks.py`).
    `workers`: CP-SAT search workers. `probing`: "auto" (off above 1,000 options) or a
    `cp_model_probing_level`. `params`: further CP-SAT parameters by name, applied last (they
    override the ones above; naming any of `subsolvers.SUBSOLVER_FIELDS` replaces the choice of
    `subsolvers.py`); unknown names fail here, naming the closest valid ones.
    `pooling`: choose classes of interchangeable people instead of people where that is exact
    (calendars that never pause, time terms only; `pools.py`), with the subsolvers that
    `subsolvers.py` gives pooled models.

    `solve(..., time_limit=...)` counts model building in the time limit.
    """

    formulation: str = "day-hour"
    workers: int = 2
    probing: str | int = "auto"
    params: Mapping[str, object] | None = None
    week_overlap: str = "min"
    pooling: bool = True
    name: str = "cpsat"
    _extra: sat_parameters_pb2.SatParameters = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.formulation not in FORMULATIONS:
            raise ValueError(
                f"unknown formulation '{self.formulation}' (choose {' or '.join(FORMULATIONS)})"
            )
        if self.week_overlap not in OVERLAPS:
            raise ValueError(
                f"unknown week_overlap '{self.week_overlap}' (choose {' or '.join(OVERLAPS)})"
            )
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise ValueError(f"workers must be a positive integer, not {self.workers!r}")
        if self.probing != "auto" and (
            isinstance(self.probing, bool) or not isinstance(self.probing, int) or self.probing < 0
        ):
            raise ValueError(f"probing must be 'auto' or a level >= 0, not {self.probing!r}")
        object.__setattr__(self, "_extra", sat_parameters(self.params or {}))

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
        """The best plan found within `time_limit` wall-clock seconds, or the `budget` given
        (model building included; when building alone takes longer, it stops and the hint comes
        back). A stage ends, proven optimal, as soon as its levels reach the lower `bounds` given
        (see `run.Monitor`).

        A valid complete `hint` becomes CP-SAT's first solution and shortens the model horizon
        (see `hint.model_horizon`); an invalid one is ignored and the reason put in the stats.
        Level values are recomputed from the plan's end ticks; level bounds are in hours, the
        first level's from CP-SAT's bound, later ones only once the earlier are proven (else 0).
        If CP-SAT finds nothing in time, a valid hint comes back as "feasible".

        stats: formulation, options (of the model: per class when pooled), classes (of
        interchangeable people, when pooled), horizon (model horizon tick), horizon_kind, hint,
        build_seconds, variables, constraints, solve_seconds (CP-SAT wall time),
        first_solution_seconds (CP-SAT wall time to the first solution, -1 if none), solutions,
        stages (CP-SAT solves needed for the lexicographic objective; usually 1).
        """
        began = time.perf_counter()
        budget = Budget(time_limit) if budget is None else budget
        if problem.n_tasks == 0:
            values = level_values(problem, *(np.zeros(0, dtype=np.int64),) * 2)
            return Outcome(
                Schedule.empty(0), "optimal", values, values, {"formulation": self.formulation}
            )
        hint_issue = "no hint" if hint is None else hint_problem(problem, hint)
        usable_hint = hint if hint_issue is None else None
        if usable_hint is not None:
            values = level_values(problem, usable_hint.end, usable_hint.person)
            if reaches(values, bounds):  # nothing can be better: no model to build
                return Outcome(usable_hint, "optimal", values, values, self._at_bounds(problem))
        horizon, horizon_kind = model_horizon(problem, usable_hint)
        pooled = pools(problem) if self.pooling else None
        stated = problem if pooled is None else pooled.problem
        built = build_model(
            stated,
            self.formulation,
            horizon,
            budget=budget,
            week_overlap=self.week_overlap,
            pooled=pooled,
        )
        stats: dict[str, float | int | str] = {
            "formulation": self.formulation,
            "options": stated.options,
            "horizon": horizon,
            "horizon_kind": horizon_kind,
            "hint": "complete" if usable_hint is not None else f"not used: {hint_issue}",
        }
        if pooled is not None:
            stats["classes"] = len(pooled.members)
        if built.unplaceable or built.out_of_time:
            stats["build_seconds"] = time.perf_counter() - began
            return _not_built(problem, built, usable_hint, stats)
        if usable_hint is not None:
            given = usable_hint if pooled is None else pooled.to_classes(usable_hint)
            add_hint(built.model, stated, built.variables, given)
        stats["build_seconds"] = time.perf_counter() - began
        stats["variables"] = len(built.model.proto.variables)
        stats["constraints"] = len(built.model.proto.constraints)
        run = Run(stated, built, budget, progress, targets=tuple(bounds))
        status = solve_stages(run, self._configurer(stated, seed, pooled=pooled))
        stats.update(
            solve_seconds=run.solve_seconds,
            first_solution_seconds=-1.0 if run.first is None else run.first,
            solutions=run.solutions,
            stages=len(built.stages),
        )
        if run.best is None:
            return _no_plan(problem, usable_hint, status, run.bounds(), stats)
        best = run.best if pooled is None else pooled.staff(run.best)
        values = level_values(problem, best.end, best.person)
        return Outcome(best, status, values, run.bounds(), stats)

    def _at_bounds(self, problem: Problem) -> dict[str, float | int | str]:
        """The stats of a hint that already meets the lower bounds (nothing was built)."""
        return {
            "formulation": self.formulation,
            "options": problem.options,
            "hint": "meets the bounds",
            "build_seconds": 0.0,
            "solve_seconds": 0.0,
            "solutions": 0,
        }

    def reoptimise(
        self,
        problem: Problem,
        fixing: Fixing,
        *,
        horizon: int,
        time_limit: float | None = None,
        seed: int = 0,
        deterministic_limit: float | None = None,
        prepared: Prepared | None = None,
        levels: int | None = None,
        tie: bool = False,
        bounds: tuple[float, ...] = (),
        budget: Budget | None = None,
    ) -> Outcome:
        """Re-plan the free tasks of `fixing`, the others held, hinted with `fixing.schedule`,
        within `time_limit` seconds or the `budget` given (one of them).

        The model has variables for the free tasks only (see `fixing.py`); `horizon` must not cut
        the held schedule. "optimal" means optimal within the neighbourhood; level values are the
        whole plan's; no bounds (a neighbourhood's bound says nothing about the whole plan). With
        `deterministic_limit` (CP-SAT's deterministic time) and one worker the answer does not
        depend on the machine's speed. If CP-SAT finds nothing, `fixing.schedule` comes back.
        `prepared` (`model.prepare`) saves recomputing the problem's calendars on every call.
        `levels` optimises only the first that many objective levels (the others may get worse);
        with `tie`, the last of them only breaks ties (`run.solve_stages`).
        `bounds`: as for `solve` (lower bounds on the whole plan's levels).

        stats: build_seconds, solve_seconds, deterministic_time, variables, options, solutions.
        """
        began = time.perf_counter()
        if budget is None:
            if time_limit is None:
                raise ValueError("reoptimise needs a time_limit or a budget")
            budget = Budget(time_limit)
        built = build_model(
            problem,
            self.formulation,
            horizon,
            fixing,
            budget=budget,
            prepared=prepared,
            week_overlap=self.week_overlap,
        )
        held = fixing.schedule
        if built.out_of_time:  # the plan as it was, unchanged
            values = level_values(problem, held.end, held.person)
            stats = {"build_seconds": time.perf_counter() - began, "variables": 0, "options": 0}
            stats.update(solve_seconds=0.0, deterministic_time=0.0, solutions=0)
            return Outcome(held, "feasible", values, (), stats)
        if built.unplaceable:
            task, reason = next(iter(built.unplaceable.items()))
            raise ValueError(f"the neighbourhood cannot hold task {task}: {reason}")
        add_hint(built.model, problem, built.variables, held)
        stats: dict[str, float | int | str] = {
            "build_seconds": time.perf_counter() - began,
            "variables": len(built.model.proto.variables),
            "options": len(built.variables.options),
        }
        run = Run(problem, built, budget, None, targets=tuple(bounds))
        configure = self._configurer(problem, seed, deterministic_limit)
        status = solve_stages(run, configure, levels, tie)
        stats.update(
            solve_seconds=run.solve_seconds,
            deterministic_time=run.deterministic_time,
            solutions=run.solutions,
        )
        best = held if run.best is None else run.best
        status = "feasible" if status in ("unknown", "infeasible") else status
        return Outcome(best, status, level_values(problem, best.end, best.person), (), stats)

    def _configurer(
        self,
        problem: Problem,
        seed: int,
        deterministic_limit: float | None = None,
        pooled: Pools | None = None,
    ) -> Configure:
        chosen = (
            "" if self._names_subsolvers else subsolvers(problem, self.workers, pooled is not None)
        )

        def configure(parameters, budget: Budget) -> None:
            parameters.merge_text_format(chosen)
            self._configure(parameters, problem, budget, seed, deterministic_limit)

        return configure

    @property
    def _names_subsolvers(self) -> bool:
        """Do the caller's `params` choose subsolvers? Then they replace ours entirely."""
        return any(name in SUBSOLVER_FIELDS for name in (self.params or {}))

    def _configure(
        self, parameters, problem: Problem, budget: Budget, seed: int, most: float | None
    ) -> None:
        parameters.num_workers = self.workers
        parameters.random_seed = seed
        limit(parameters, budget, most)
        parameters.log_search_progress = False
        if self.probing != "auto":
            parameters.cp_model_probing_level = self.probing
        elif problem.options > PROBING_OFF_ABOVE:
            parameters.cp_model_probing_level = 0
        if self._extra.ListFields():
            parameters.merge_text_format(text_format.MessageToString(self._extra))


def _not_built(problem: Problem, built, hint: Schedule | None, stats) -> Outcome:
    """No model to solve: a task nothing can hold ("infeasible", with why), or no time left to
    finish building (the valid hint, if any)."""
    if built.unplaceable:
        schedule = Schedule.empty(problem.n_tasks)
        schedule.reasons.update(built.unplaceable)
        return Outcome(schedule, "infeasible", stats=stats)
    return _no_plan(problem, hint, "unknown", (), stats)


def _no_plan(problem: Problem, hint: Schedule | None, status: str, bounds, stats) -> Outcome:
    """What to return when CP-SAT has no plan: the valid hint if it just ran out of time."""
    if hint is not None and status == "unknown":
        values = level_values(problem, hint.end, hint.person)
        return Outcome(hint, "feasible", values, bounds, stats)
    schedule = Schedule.empty(problem.n_tasks)
    schedule.reasons.update(dict.fromkeys(range(problem.n_tasks), NO_PLAN[status]))
    return Outcome(schedule, status, (), bounds, stats)


def sat_parameters(params: Mapping[str, object]) -> sat_parameters_pb2.SatParameters:
    """`params` as a SatParameters message; ValueError naming every unknown or invalid one."""
    fields = sat_parameters_pb2.SatParameters.DESCRIPTOR.fields_by_name
    problems = []
    for name in params:
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=4, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"unknown CP-SAT parameter '{name}'{hint}")
    if problems:
        raise ValueError("; ".join(problems))
    try:
        return sat_parameters_pb2.SatParameters(**params)
    except (TypeError, ValueError) as error:
        raise ValueError(f"invalid CP-SAT parameter value: {error}") from None
