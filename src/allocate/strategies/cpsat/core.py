"""Which hard inputs contradict each other, from CP-SAT's infeasible assumptions.

The model is the exact one (`model.build_model`) of a relaxed problem: no releases, pins or
dependencies, and calendars expanded past the horizon end. Each of those inputs comes back as
constraints enforced by one assumption literal (the horizon end is one input for all tasks). If
CP-SAT proves the assumptions infeasible it names a sufficient subset, which deletion filtering
shrinks: leave one input out, re-solve briefly, and drop it for good if the rest still conflict.
The result is small, and minimal when every re-solve ends within its time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from ortools.sat.python import cp_model

from allocate.budget import Budget
from allocate.problem import NONE, Precedence, Problem
from allocate.schedule import Schedule
from allocate.strategies.cpsat.constraints import dependency_between
from allocate.strategies.cpsat.model import build_model
from allocate.strategies.cpsat.run import limit, solution, solve_watched
from allocate.strategies.cpsat.variables import TaskVars, Variables

KINDS = ("FS", "SS", "FF", "SF")
RETRY_SECONDS = 1.0
"""At most this long per deletion-filter re-solve."""
REFINE_ROUNDS = 3


@dataclass(frozen=True)
class Input:
    """One hard input behind an assumption literal, in a planner's words."""

    label: str
    ids: tuple[str, ...]


@dataclass
class Diagnosis:
    """`infeasible` with the conflicting `inputs`, or `feasible` with a plan found on the way,
    or `unknown` (out of time)."""

    status: str
    inputs: list[Input] = field(default_factory=list)
    schedule: Schedule | None = None
    seconds: float = 0.0


def diagnose(problem: Problem, wide: Problem, budget: Budget) -> Diagnosis:
    """Look for a plan of `problem` keeping every hard input, or a small set of its inputs that
    cannot all hold, within `budget`. `wide` is the same scenario compiled with a later horizon
    (or `problem` itself: then the horizon is not questioned)."""
    relaxed = replace(
        wide,
        release=np.full(wide.n_tasks, wide.first_tick, dtype=np.int64),
        precedences=(),
        pinned_person=np.full(wide.n_tasks, NONE, dtype=np.int64),
        pinned_start=np.full(wide.n_tasks, NONE, dtype=np.int64),
        dues=(),
        objective=(),
    )
    built = build_model(relaxed, "day-hour", relaxed.horizon, budget=budget)
    if built.variables is None:
        status = "unknown" if built.out_of_time else "infeasible"
        return Diagnosis(status, seconds=budget.elapsed())
    model, variables = built.model, built.variables
    literals, inputs = _assume(model, wide, variables, problem.horizon)
    status, core, solver = _solve(model, literals, budget)
    if status == "feasible":
        schedule = solution(solver, variables, problem.optional)  # every task: a whole model
        return Diagnosis("feasible", schedule=schedule, seconds=budget.elapsed())
    if status == "infeasible":
        core = _shrink(model, literals, core, budget)
    return Diagnosis(status, [inputs[k] for k in core], seconds=budget.elapsed())


def _assume(
    model: cp_model.CpModel, problem: Problem, variables: Variables, horizon: int
) -> tuple[list[cp_model.IntVar], list[Input]]:
    """The inputs as constraints behind literals: releases, pins, dependencies, the horizon."""
    literals: list[cp_model.IntVar] = []
    inputs: list[Input] = []
    made: dict[str, cp_model.IntVar] = {}

    def literal(label: str, *ids: str) -> cp_model.IntVar:
        """One literal per input: the slot tasks of a team share their task's release and pin."""
        if label not in made:
            literals.append(model.new_bool_var(label))
            inputs.append(Input(label, ids))
            made[label] = literals[-1]
        return made[label]

    names, people = problem.task_ids, problem.person_ids
    for task, v in variables.tasks.items():
        present = _present(v)
        release = int(problem.release[task])
        if release > problem.first_tick:
            on = literal(
                f"the release of '{names[task]}' ({problem.grid.when(release)})", names[task]
            )
            model.add(v.start >= release).only_enforce_if([on, *present])
        person = int(problem.pinned_person[task])
        if person != NONE:
            what = (
                f"the work in progress on '{names[task]}' with {people[person]}"
                if problem.in_progress[task]
                else f"the pin of '{names[task]}' to {people[person]}"
            )
            on = literal(what, names[task], people[person])
            for option in v.options:
                if option.person != person:
                    model.add(option.present == 0).only_enforce_if(on)
        tick = int(problem.pinned_start[task])
        if tick != NONE:
            on = literal(f"the pin of '{names[task]}' at {problem.grid.when(tick)}", names[task])
            model.add(v.start == tick).only_enforce_if([on, *present])
    for prec in problem.precedences:
        pred, succ = variables.tasks.get(prec.pred), variables.tasks.get(prec.succ)
        if pred is None or succ is None:
            continue
        on = literal(_dependency(problem, prec), names[prec.pred], names[prec.succ])
        dependency_between(model, problem, prec, pred, succ, variables.horizon, [on])
    if horizon < problem.horizon:
        on = literal(f"the horizon end ({problem.grid.when(horizon)})", "horizon_end")
        for v in variables.tasks.values():
            model.add(v.end <= horizon).only_enforce_if([on, *_present(v)])
    return literals, inputs


def _solve(model: cp_model.CpModel, literals, budget: Budget):
    """(status, the indices of a sufficient infeasible subset, solver), within `budget` (its
    work is spent there)."""
    model.clear_assumptions()
    model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    limit(solver.parameters, budget)
    code = solve_watched(solver, model, None, budget)
    budget.spend(solver.deterministic_time)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "feasible", [], solver
    if code != cp_model.INFEASIBLE:
        return "unknown", list(range(len(literals))), solver
    found = set(solver.sufficient_assumptions_for_infeasibility())
    core = [k for k, lit in enumerate(literals) if lit.index in found]
    return "infeasible", core, solver


def _shrink(model: cp_model.CpModel, literals, core: list[int], budget: Budget) -> list[int]:
    """Re-solve on the core alone while CP-SAT's answer shrinks it (cheap), then deletion
    filtering: leave each input out in turn; if the rest still conflict, it goes."""
    kept = list(core)
    for _ in range(REFINE_ROUNDS):
        status, smaller, _ = _retry(model, [literals[k] for k in kept], budget)
        if status != "infeasible" or len(smaller) == len(kept):
            break
        kept = [kept[k] for k in smaller]
    position = 0
    while position < len(kept) and not budget.expired:
        trial = kept[:position] + kept[position + 1 :]
        status, smaller, _ = _retry(model, [literals[k] for k in trial], budget)
        if status == "infeasible":
            kept = [trial[k] for k in smaller]
        else:
            position += 1
    return kept


def _retry(model: cp_model.CpModel, literals, budget: Budget):
    """`_solve` for at most `RETRY_SECONDS` (seconds, or work units in a deterministic run)."""
    part = budget.part(min(RETRY_SECONDS, budget.left()), work=RETRY_SECONDS)
    found = _solve(model, literals, part)
    budget.spend(found[2].deterministic_time)
    return found


def _present(v: TaskVars) -> list[cp_model.IntVar]:
    return [] if v.present is None else [v.present]


def _dependency(problem: Problem, prec: Precedence) -> str:
    names = problem.task_ids
    lag = prec.lag * problem.hours_per_tick
    extra = f", lag {lag:g} h" + (" working" if prec.working_lag else "") if prec.lag else ""
    pair = f"'{names[prec.succ]}' on '{names[prec.pred]}'"
    return f"the dependency of {pair} ({KINDS[prec.kind]}{extra})"
