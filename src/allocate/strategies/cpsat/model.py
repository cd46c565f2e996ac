"""Build the whole CP-SAT model of a compiled problem (variables, constraints, objective terms)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.strategies.cpsat import constraints, objective
from allocate.strategies.cpsat.partition import (
    Starts,
    day_hour_classes,
    day_shifts,
    feasible_starts,
    span_classes,
    working_ticks,
)
from allocate.strategies.cpsat.variables import (
    Variables,
    milestone_vars,
    option_vars,
    task_vars,
)


@dataclass
class Model:
    model: cp_model.CpModel
    variables: Variables | None
    levels: list[objective.Level] = field(default_factory=list)
    stages: list[objective.Stage] = field(default_factory=list)
    unplaceable: dict[int, str] = field(default_factory=dict)
    """Tasks that no option can hold inside the horizon, with the reason (then nothing is built)."""


def build_model(problem: Problem, formulation: str, horizon: int) -> Model:
    model = cp_model.CpModel()
    candidates, unplaceable = _options(problem, horizon)
    if unplaceable:
        return Model(model, None, unplaceable=unplaceable)
    tpd = problem.ticks_per_day
    shifts = day_shifts(problem) if formulation == "day-hour" else None
    variables = Variables(horizon=horizon, ticks_per_day=tpd, tasks=[])
    for task, options in enumerate(candidates):
        if problem.is_milestone(task):
            pinned = int(problem.pinned_start[task])
            earliest = int(problem.release[task]) if pinned == NONE else pinned
            variables.tasks.append(
                milestone_vars(model, task, earliest, horizon if pinned == NONE else pinned)
            )
            continue
        shift = None if shifts is None else int(shifts[task])
        task_variables = task_vars(model, task, options, tpd, shift)
        for person, starts in options:
            partition = (
                span_classes(starts) if shift is None else day_hour_classes(starts, tpd, shift)
            )
            option_vars(model, task_variables, task, person, starts, partition)
        constraints.add_assignment(model, task_variables, tpd)
        variables.tasks.append(task_variables)
    constraints.add_no_overlap(model, variables, problem.n_people)
    constraints.add_precedences(model, problem, variables)
    levels = objective.build_levels(problem, horizon)
    objective.add_term_vars(model, problem, variables, levels)
    return Model(model, variables, levels, objective.stages(levels))


def _options(
    problem: Problem, horizon: int
) -> tuple[list[list[tuple[int, Starts]]], dict[int, str]]:
    """Per task, the (person, feasible starts) of each option that can hold it; why not, if none."""
    work = working_ticks(problem)
    candidates: list[list[tuple[int, Starts]]] = []
    unplaceable: dict[int, str] = {}
    for task in range(problem.n_tasks):
        release, pinned = int(problem.release[task]), int(problem.pinned_start[task])
        options: list[tuple[int, Starts]] = []
        candidates.append(options)
        if problem.is_milestone(task):
            if max(release, pinned) > horizon:
                unplaceable[task] = "its release or pinned time lies past the planning horizon"
            continue
        people = problem.eligible[task]
        if problem.pinned_person[task] != NONE:
            people = [int(problem.pinned_person[task])]
        for person in people:
            starts = feasible_starts(
                work[person], int(problem.effort[task]), release, horizon, pinned
            )
            if len(starts):
                options.append((int(person), starts))
        if not options:
            names = ", ".join(f"'{problem.person_ids[p]}'" for p in people)
            where = "at its pinned start" if pinned != NONE else "within the planning horizon"
            unplaceable[task] = f"none of {names} can start and finish it {where}"
    return candidates, unplaceable
