"""One CP-SAT solve of a built model, stage by stage, and what it found.

`solve_stages` runs the lexicographic stages (a later stage starts once the one before is proven
optimal, with its optimum fixed); `Run` keeps the best schedule, the bounds per level and the
counts across stages; `Monitor` reports each solution as it comes, and ends a stage early once
its levels reach the lower bounds known from outside CP-SAT (`Run.targets`): CP-SAT's own bound
is often far weaker (PSPLIB, MSLIB), so it would search on for a proof it cannot find.

Every CP-SAT solve runs through `solve_watched`, which keeps the calling thread free to notice a
request to stop (`Budget.stopped`, Ctrl-C) and end the search at once with what it has.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from allocate.budget import Budget
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, reaches
from allocate.strategies.base import ProgressCallback, SolveProgress, Status
from allocate.strategies.cpsat import objective
from allocate.strategies.cpsat.hint import add_hint
from allocate.strategies.cpsat.model import Model
from allocate.strategies.cpsat.variables import Variables
from allocate.terms import level_values

MIN_SOLVE_SECONDS = 0.05
"""A stage always gets this long (or this many deterministic units), even when the budget is
spent: CP-SAT then returns the hint it was given, checked."""
POLL_SECONDS = 0.05
"""How often a watched solve looks for a request to stop."""

Configure = Callable[[object, Budget], None]
"""Sets a solver's parameters for a stage, given the budget left."""


TIE_WORK_SHARE = 0.25
"""The share of a stage's deterministic work that a stage solved only to break ties gets. It
starts at the optimum of the stages before (the hint) and only has to move the tied choices."""


def solve_stages(
    run: Run, configure: Configure, levels: int | None = None, tie: bool = False
) -> Status:
    """Solve each stage in turn, within the run's budget; a stage starts once the one before is
    proven optimal. With `levels`, stop once the first `levels` objective levels are solved
    (later ones are left as the hint has them); with `tie`, the last of them only breaks ties:
    a stage of its own then gets `TIE_WORK_SHARE` of the work."""
    built = run.built
    for index, stage in enumerate(built.stages):
        expression = objective.stage_expression(stage, built.levels, built.variables)
        run.stage, run.at_targets = stage, run.reaches_targets(stage)
        if not run.at_targets:  # else the best plan so far is optimal on this stage's levels
            built.model.minimize(expression)
            solver = cp_model.CpSolver()
            configure(solver.parameters, run.budget)
            if tie and index > 0 and stage.levels == (levels - 1,):
                solver.parameters.max_deterministic_time *= TIE_WORK_SHARE
            code = solve_watched(solver, built.model, Monitor(run, built.variables), run.budget)
            run.solve_seconds += solver.wall_time
            run.deterministic_time += solver.deterministic_time
            run.budget.spend(solver.deterministic_time)
            if code == cp_model.MODEL_INVALID:
                raise RuntimeError(f"CP-SAT rejects the model: {built.model.validate()}")
            if code == cp_model.INFEASIBLE:
                return "infeasible" if index == 0 else "feasible"  # cannot happen after stage 0
            if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                run.record_bound(solver.best_objective_bound)
                return "feasible" if run.best is not None else "unknown"
            run.record(schedule_of(solver, run), solver.best_objective_bound)
            run.at_targets = run.reaches_targets(stage)  # the plan kept, not the one last seen
            if code != cp_model.OPTIMAL and not run.at_targets:
                return "feasible"
        run.proven.update(stage.levels)
        if levels is not None and max(stage.levels) + 1 >= levels:
            return "optimal"
        if index + 1 < len(built.stages):
            value = sum(
                m * v for m, v in zip(stage.multipliers, run.integer_values(stage), strict=True)
            )
            built.model.add(expression <= value)
            add_hint(built.model, run.problem, built.variables, run.best)
    return "optimal"


def limit(parameters, budget: Budget, most: float | None = None) -> None:
    """Limit a CP-SAT solve to what is left of `budget` (at least `MIN_SOLVE_SECONDS`): its
    seconds, and its deterministic work when it counts work (`most`: at most that many units),
    in which case the search must be deterministic too (interleaved when parallel). CP-SAT
    leaves Ctrl-C to Python, which turns it into a request to stop (see `solve_watched`)."""
    parameters.max_time_in_seconds = max(budget.left(), MIN_SOLVE_SECONDS)
    parameters.catch_sigint_signal = False
    work = budget.work_left() if most is None else min(most, budget.work_left())
    if budget.work is not None:
        parameters.max_deterministic_time = max(work, MIN_SOLVE_SECONDS)
        parameters.interleave_search = parameters.num_workers > 1
    elif most is not None:
        parameters.max_deterministic_time = most


def solve_watched(solver: cp_model.CpSolver, model, callback, budget: Budget) -> int:
    """`solver.solve(model, callback)`, run in a thread of its own while this one watches the
    `budget` and stops the search as soon as it is asked to stop. The calling thread stays in
    Python meanwhile, so that Ctrl-C reaches the handler `solve()` installs (a solve in the
    main thread would hold it in C++ until the time limit)."""
    outcome: dict[str, object] = {}

    def search() -> None:
        try:
            outcome["code"] = solver.solve(model, callback)
        except BaseException as error:  # handed to the caller's thread below
            outcome["error"] = error

    thread = threading.Thread(target=search, name="allocate-cp-sat", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            if budget.stopped:
                solver.stop_search()
            thread.join(POLL_SECONDS)
    except BaseException:  # a second Ctrl-C: end the search before giving up on it
        solver.stop_search()
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return int(outcome["code"])


@dataclass
class Run:
    """What one solve has found so far, across stages: best schedule, bounds, counts, timing."""

    problem: Problem
    built: Model
    budget: Budget
    progress: ProgressCallback | None
    stage: objective.Stage | None = None
    best: Schedule | None = None
    solutions: int = 0
    first: float | None = None
    solve_seconds: float = 0.0
    deterministic_time: float = 0.0
    proven: set[int] = field(default_factory=set)
    lower: dict[int, int] = field(default_factory=dict)
    targets: tuple[float, ...] = ()
    """Known lower bounds per level (hours): a stage whose levels reach them is optimal."""
    at_targets: bool = False
    """Did the current stage stop because its levels reached their `targets`?"""

    def full_schedule(self, free: Schedule) -> Schedule:
        """Every task's end and person from a model's solution (a neighbourhood's: free tasks
        only, `free` indexed like `variables.tasks`)."""
        variables = self.built.variables
        fixing = variables.fixing
        if fixing is None:
            schedule = Schedule.empty(self.problem.n_tasks, self.problem.optional)
        else:
            schedule = fixing.schedule.copy()
        tasks = list(variables.tasks)
        schedule.start[tasks], schedule.end[tasks] = free.start, free.end
        schedule.person[tasks] = free.person
        for index, reason in variables.dropped.items():  # optional tasks nothing can hold
            schedule.start[index] = schedule.end[index] = schedule.person[index] = NONE
            schedule.reasons[index] = reason
        return schedule

    def integer_values(self, stage: objective.Stage, schedule: Schedule | None = None) -> list[int]:
        schedule = self.best if schedule is None else schedule
        levels = self.built.levels
        return [
            objective.integer_value(levels[i], self.problem, schedule.end, schedule.person)
            for i in stage.levels
        ]

    def reaches_targets(self, stage: objective.Stage) -> bool:
        """Does the best plan so far meet the `targets` on `stage`'s levels?"""
        if self.best is None or not self.targets:
            return False
        values = level_values(self.problem, self.best.end, self.best.person)
        return reaches(values, self.targets, stage.levels)

    def record(self, schedule: Schedule, bound: float) -> None:
        self.best = schedule
        self.record_bound(bound)

    def record_bound(self, bound: float) -> None:
        values = None if self.best is None else self.integer_values(self.stage)
        self.lower.update(objective.decompose(bound, self.stage, self.built.levels, values))

    def bounds(
        self, schedule: Schedule | None = None, lower: dict[int, int] | None = None
    ) -> tuple[float, ...]:
        """Per level, a lower bound in its units; 0 where not even the level's own stage has one."""
        schedule = self.best if schedule is None else schedule
        lower = self.lower if lower is None else lower
        values = None
        if schedule is not None:
            values = level_values(self.problem, schedule.end, schedule.person)
        result = []
        for index, level in enumerate(self.built.levels):
            if index in self.proven:
                result.append(values[index])
            elif index not in lower:
                result.append(0.0)
            elif schedule is not None and lower[index] >= objective.integer_value(
                level, self.problem, schedule.end, schedule.person
            ):
                result.append(values[index])  # proven within its stage
            else:
                result.append(objective.level_bound(level, lower[index], self.problem))
        return tuple(result)


class Monitor(cp_model.CpSolverSolutionCallback):
    """Counts solutions, notes when the first came, reports each one to `progress`, and stops
    the search once the stage's levels reach the run's `targets`."""

    def __init__(self, run: Run, variables: Variables):
        super().__init__()
        self.run, self.variables = run, variables

    def on_solution_callback(self) -> None:
        run = self.run
        run.solutions += 1
        if run.first is None:
            run.first = run.solve_seconds + self.wall_time
        if run.progress is None and not run.targets:
            return
        schedule = run.full_schedule(solution(self, self.variables))
        values = level_values(run.problem, schedule.end, schedule.person)
        if reaches(values, run.targets, run.stage.levels):
            run.at_targets = True
            self.stop_search()
        if run.progress is None:
            return
        found = run.integer_values(run.stage, schedule)
        stage_lower = objective.decompose(
            self.best_objective_bound, run.stage, run.built.levels, found
        )
        bounds = run.bounds(schedule, {**run.lower, **stage_lower})
        run.progress(SolveProgress(run.budget.elapsed(), values, bounds, run.solutions))


def solution(solver, variables: Variables, optional=None) -> Schedule:
    """The model's tasks (in `variables.tasks` order) as `solver` (or a callback) has them; an
    optional task left out has NONE everywhere. `optional` flags the tasks of a whole model."""
    schedule = Schedule.empty(len(variables.tasks), optional)
    for k, task in enumerate(variables.tasks.values()):
        if task.present is not None and not solver.boolean_value(task.present):
            continue
        schedule.start[k] = solver.value(task.start)
        schedule.end[k] = solver.value(task.end)
        for option in task.options:
            if solver.boolean_value(option.present):
                schedule.person[k] = option.person
    return schedule


def schedule_of(solver: cp_model.CpSolver, run: Run) -> Schedule:
    """The solver's plan: every task, the fixed ones of a neighbourhood where they were."""
    return run.full_schedule(solution(solver, run.built.variables))
