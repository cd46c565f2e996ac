"""`CpSat`: the exact strategy. Build the model, hint it, solve it level by level, map back."""

from __future__ import annotations

import difflib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from google.protobuf import text_format
from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.strategies.base import Outcome, Progress, ProgressCallback, Schedule, Status
from allocate.strategies.cpsat import objective
from allocate.strategies.cpsat.hint import add_hint, hint_problem, model_horizon
from allocate.strategies.cpsat.model import Model, build_model
from allocate.strategies.cpsat.variables import FORMULATIONS, Variables

PROBING_OFF_ABOVE = 1_000
"""With `probing="auto"`, probing is turned off above this many options: it made presolve 3-10x
slower at 5k options with no gain seen at 250 (research note). Measured here at 10 s: probing
costs 2-3 s of presolve at 250 options and 5-6 s at 800; results with and without were mixed."""
MIN_SOLVE_SECONDS = 0.05
NO_PLAN = {
    "infeasible": "CP-SAT proved that no plan keeps every rule within the planning horizon",
    "unknown": "CP-SAT found no plan within the time limit",
}


@dataclass(frozen=True)
class CpSat:
    """Exact assignment and scheduling with OR-Tools CP-SAT.

    `formulation`: "day-hour" (default; starts factored into day and hour, formulation E of the
    research note) or "start-partition" (one start-tick domain per span class, C1); both exact.
    `workers`: CP-SAT search workers. `probing`: "auto" (off above 1,000 options) or a
    `cp_model_probing_level`. `params`: further CP-SAT parameters by name, applied last (they
    override the ones above); unknown names fail here, naming the closest valid ones.

    `solve(..., time_limit=...)` counts model building in the time limit.
    """

    formulation: str = "day-hour"
    workers: int = 2
    probing: str | int = "auto"
    params: Mapping[str, object] | None = None
    name: str = "cpsat"
    _extra: sat_parameters_pb2.SatParameters = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.formulation not in FORMULATIONS:
            raise ValueError(
                f"unknown formulation '{self.formulation}' (choose {' or '.join(FORMULATIONS)})"
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
    ) -> Outcome:
        """The best plan found within `time_limit` wall-clock seconds (model building included).

        A valid complete `hint` becomes CP-SAT's first solution and shortens the model horizon
        (see `hint.model_horizon`); an invalid one is ignored and the reason put in the stats.
        Level values are recomputed from the plan's end ticks; level bounds are in hours, the
        first level's from CP-SAT's bound, later ones only once the earlier are proven (else 0).
        If CP-SAT finds nothing in time, a valid hint comes back as "feasible".

        stats: formulation, options, horizon (model horizon tick), horizon_kind, hint,
        build_seconds, variables, constraints, solve_seconds (CP-SAT wall time),
        first_solution_seconds (CP-SAT wall time to the first solution, -1 if none), solutions,
        stages (CP-SAT solves needed for the lexicographic objective; usually 1).
        """
        began = time.perf_counter()
        if problem.n_tasks == 0:
            values = problem.level_values(np.zeros(0, dtype=np.int64))
            return Outcome(
                Schedule.empty(0), "optimal", values, values, {"formulation": self.formulation}
            )
        hint_issue = "no hint" if hint is None else hint_problem(problem, hint)
        usable_hint = hint if hint_issue is None else None
        horizon, horizon_kind = model_horizon(problem, usable_hint)
        built = build_model(problem, self.formulation, horizon)
        stats: dict[str, float | int | str] = {
            "formulation": self.formulation,
            "options": problem.options,
            "horizon": horizon,
            "horizon_kind": horizon_kind,
            "hint": "complete" if usable_hint is not None else f"not used: {hint_issue}",
        }
        if built.unplaceable:
            schedule = Schedule.empty(problem.n_tasks)
            schedule.reasons.update(built.unplaceable)
            stats["build_seconds"] = time.perf_counter() - began
            return Outcome(schedule, "infeasible", stats=stats)
        if usable_hint is not None:
            add_hint(built.model, problem, built.variables, usable_hint)
        stats["build_seconds"] = time.perf_counter() - began
        stats["variables"] = len(built.model.proto.variables)
        stats["constraints"] = len(built.model.proto.constraints)
        run = _Run(problem, built, began, progress)
        status = self._solve_stages(run, time_limit, seed)
        stats.update(
            solve_seconds=run.solve_seconds,
            first_solution_seconds=-1.0 if run.first is None else run.first,
            solutions=run.solutions,
            stages=len(built.stages),
        )
        if run.best is None:
            if usable_hint is not None and status == "unknown":
                values = problem.level_values(usable_hint.end)
                return Outcome(usable_hint, "feasible", values, run.bounds(), stats)
            schedule = Schedule.empty(problem.n_tasks)
            schedule.reasons.update(dict.fromkeys(range(problem.n_tasks), NO_PLAN[status]))
            return Outcome(schedule, status, (), run.bounds(), stats)
        return Outcome(run.best, status, problem.level_values(run.best.end), run.bounds(), stats)

    def _solve_stages(self, run: _Run, time_limit: float, seed: int) -> Status:
        """Solve each stage in turn; a stage starts once the one before is proven optimal."""
        built = run.built
        for index, stage in enumerate(built.stages):
            expression = objective.stage_expression(
                stage, built.levels, built.variables, run.problem
            )
            built.model.minimize(expression)
            remaining = time_limit - (time.perf_counter() - run.began)
            solver = cp_model.CpSolver()
            self._configure(solver.parameters, run.problem, max(remaining, MIN_SOLVE_SECONDS), seed)
            run.stage = stage
            code = solver.solve(built.model, _Monitor(run, built.variables))
            run.solve_seconds += solver.wall_time
            if code == cp_model.MODEL_INVALID:
                raise RuntimeError(f"CP-SAT rejects the model: {built.model.validate()}")
            if code == cp_model.INFEASIBLE:
                return "infeasible" if index == 0 else "feasible"  # cannot happen after stage 0
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                run.record_bound(solver.best_objective_bound)
                return "feasible" if run.best is not None else "unknown"
            run.record(_schedule(solver, run), solver.best_objective_bound)
            if code != cp_model.OPTIMAL:
                return "feasible"
            run.proven.update(stage.levels)
            if index + 1 < len(built.stages):
                value = sum(
                    m * v for m, v in zip(stage.multipliers, run.integer_values(stage), strict=True)
                )
                built.model.add(expression <= value)
                add_hint(built.model, run.problem, built.variables, run.best)
        return "optimal"

    def _configure(self, parameters, problem: Problem, seconds: float, seed: int) -> None:
        parameters.num_workers = self.workers
        parameters.random_seed = seed
        parameters.max_time_in_seconds = seconds
        parameters.log_search_progress = False
        if self.probing != "auto":
            parameters.cp_model_probing_level = self.probing
        elif problem.options > PROBING_OFF_ABOVE:
            parameters.cp_model_probing_level = 0
        if self._extra.ListFields():
            parameters.merge_text_format(text_format.MessageToString(self._extra))


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


@dataclass
class _Run:
    """What one solve has found so far, across stages: best schedule, bounds, counts, timing."""

    problem: Problem
    built: Model
    began: float
    progress: ProgressCallback | None
    stage: objective.Stage | None = None
    best: Schedule | None = None
    solutions: int = 0
    first: float | None = None
    solve_seconds: float = 0.0
    proven: set[int] = field(default_factory=set)
    lower: dict[int, int] = field(default_factory=dict)

    def integer_values(self, stage: objective.Stage, end: np.ndarray | None = None) -> list[int]:
        end = self.best.end if end is None else end
        levels = self.built.levels
        return [objective.integer_value(levels[i], self.problem, end) for i in stage.levels]

    def record(self, schedule: Schedule, bound: float) -> None:
        self.best = schedule
        self.record_bound(bound)

    def record_bound(self, bound: float) -> None:
        values = None if self.best is None else self.integer_values(self.stage)
        self.lower.update(objective.decompose(bound, self.stage, self.built.levels, values))

    def bounds(
        self, end: np.ndarray | None = None, lower: dict[int, int] | None = None
    ) -> tuple[float, ...]:
        """Per level, a lower bound in hours; 0 where not even the level's own stage has one."""
        if end is None and self.best is not None:
            end = self.best.end
        lower = self.lower if lower is None else lower
        values = None if end is None else self.problem.level_values(end)
        result = []
        for index, level in enumerate(self.built.levels):
            if index in self.proven:
                result.append(values[index])
            elif index not in lower:
                result.append(0.0)
            elif end is not None and lower[index] >= objective.integer_value(
                level, self.problem, end
            ):
                result.append(values[index])  # proven within its stage
            else:
                result.append(objective.hours(level, lower[index], self.problem))
        return tuple(result)


class _Monitor(cp_model.CpSolverSolutionCallback):
    """Counts solutions, notes when the first came, reports each one to `progress`."""

    def __init__(self, run: _Run, variables: Variables):
        super().__init__()
        self.run, self.ends = run, [task.end for task in variables.tasks]

    def on_solution_callback(self) -> None:
        run = self.run
        run.solutions += 1
        if run.first is None:
            run.first = run.solve_seconds + self.wall_time
        if run.progress is None:
            return
        end = np.array([self.value(e) for e in self.ends], dtype=np.int64)
        found = run.integer_values(run.stage, end)
        stage_lower = objective.decompose(
            self.best_objective_bound, run.stage, run.built.levels, found
        )
        bounds = run.bounds(end, {**run.lower, **stage_lower})
        values = run.problem.level_values(end)
        run.progress(Progress(time.perf_counter() - run.began, values, bounds, run.solutions))


def _schedule(solver: cp_model.CpSolver, run: _Run) -> Schedule:
    tasks = run.built.variables.tasks
    start = np.array([solver.value(t.start) for t in tasks], dtype=np.int64)
    end = np.array([solver.value(t.end) for t in tasks], dtype=np.int64)
    person = np.full(len(tasks), NONE, dtype=np.int64)
    for index, task in enumerate(tasks):
        for option in task.options:
            if solver.boolean_value(option.present):
                person[index] = option.person
    return Schedule(start, end, person)
