"""Build the CP-SAT model of a compiled problem (variables, constraints, objective terms), whole or
for a neighbourhood of free tasks with the rest fixed (`fixing.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from allocate.budget import Budget
from allocate.problem import NONE, Problem
from allocate.strategies.cpsat import constraints, limits, objective, resources, weeks
from allocate.strategies.cpsat.fixing import Fixing, Window, busy, fit, windows
from allocate.strategies.cpsat.partition import (
    Starts,
    day_hour_classes,
    day_shifts,
    feasible_starts,
    span_classes,
    working_ticks,
)
from allocate.strategies.cpsat.pools import Pools
from allocate.strategies.cpsat.variables import (
    TaskVars,
    Variables,
    milestone_vars,
    option_vars,
    task_vars,
)

CLOCK_EVERY = 8
"""Tasks built between two looks at the budget."""


@dataclass
class Model:
    model: cp_model.CpModel
    variables: Variables | None
    levels: list[objective.Level] = field(default_factory=list)
    stages: list[objective.Stage] = field(default_factory=list)
    unplaceable: dict[int, str] = field(default_factory=dict)
    """Tasks that no option can hold inside the horizon, with the reason (then nothing is built)."""
    out_of_time: bool = False
    """The budget ran out while building (then the model is incomplete and must not be used)."""


@dataclass(frozen=True)
class Prepared:
    """What every model of one problem needs, computed once: each person's working ticks and,
    in the day-hour formulation, each task's day shift (an LNS builds hundreds of models)."""

    work: list[np.ndarray]
    shifts: np.ndarray | None


def prepare(problem: Problem, formulation: str) -> Prepared:
    shifts = day_shifts(problem) if formulation == "day-hour" else None
    return Prepared(working_ticks(problem), shifts)


def build_model(
    problem: Problem,
    formulation: str,
    horizon: int,
    fixing: Fixing | None = None,
    budget: Budget | None = None,
    prepared: Prepared | None = None,
    week_overlap: str = "min",
    pooled: Pools | None = None,
) -> Model:
    """The model of every task, or with `fixing` of its free tasks only (the rest constants);
    `week_overlap` says how weekly hours are stated (`weeks.py`). With `pooled` (`pools.py`),
    `problem` is `pooled.problem` and each option stands for a class of interchangeable people.

    Building stops when the `budget` runs out (checked every few tasks): a whole model of 500
    tasks takes seconds of Python, more than a short time limit allows.
    """
    model = cp_model.CpModel()
    prepared = prepared or prepare(problem, formulation)
    tasks = range(problem.n_tasks) if fixing is None else fixing.free.tolist()
    bounds = None if fixing is None else windows(problem, fixing, horizon)
    try:
        candidates, unplaceable = option_starts(
            problem, prepared.work, horizon, tasks, fixing, bounds, budget
        )
    except _OutOfTime:
        return Model(model, None, out_of_time=True)
    dropped = {t: f"left out: {why}" for t, why in unplaceable.items() if problem.optional[t]}
    if len(dropped) < len(unplaceable):
        return Model(model, None, unplaceable=unplaceable)
    variables = Variables(
        horizon=horizon,
        ticks_per_day=problem.ticks_per_day,
        tasks={},
        fixing=fixing,
        dropped=dropped,
    )
    options_of = dict(zip(tasks, candidates, strict=True))
    for count, task in enumerate(tasks):
        if count % CLOCK_EVERY == 0 and budget is not None and budget.expired:
            return Model(model, None, out_of_time=True)
        if task not in dropped:
            variables.tasks[task] = _task_vars(
                model, problem, task, options_of, prepared.shifts, horizon, bounds
            )
    if pooled is None:
        constraints.one_at_a_time(model, variables, problem.n_people)
    else:  # per class of interchangeable people, at most its size at once
        pooled.add_constraints(model, variables)
    constraints.people(model, problem, variables)
    constraints.dependency(model, problem, variables)
    resources.capacity(model, problem, variables)
    variables.project_spans = limits.max_projects(model, problem, variables)
    variables.week_loads = weeks.max_hours_per_week(
        model, problem, variables, prepared.work, week_overlap
    )
    dues = None if fixing is None else _touched_dues(problem, fixing)
    levels = objective.build_levels(problem, horizon, dues)
    objective.add_term_vars(model, problem, variables, levels)
    return Model(model, variables, levels, objective.stages(levels))


def _task_vars(
    model: cp_model.CpModel,
    problem: Problem,
    task: int,
    options_of: dict[int, list[tuple[int, Starts]]],
    shifts: np.ndarray | None,
    horizon: int,
    bounds: dict[int, Window] | None,
) -> TaskVars:
    """One task's variables, its options' and the rules on them alone (`placed`,
    `working_time`)."""
    if problem.is_milestone(task):
        earliest, latest = _milestone_window(problem, task, horizon, bounds)
        return milestone_vars(model, task, earliest, latest)
    options, tpd = options_of[task], problem.ticks_per_day
    shift = None if shifts is None or _always_open(options) else int(shifts[task])
    team = len(problem.team(task)) > 1
    bounding = options  # a team's start and end range over every slot's options
    if team:
        bounding = [o for slot in problem.team(task) for o in options_of.get(slot, [])]
    variables = task_vars(model, task, bounding, tpd, shift)
    if problem.optional[task]:
        variables.present = model.new_bool_var(f"P{task}")
    for person, starts in options:
        partition = span_classes(starts) if shift is None else day_hour_classes(starts, tpd, shift)
        option_vars(model, variables, task, person, starts, partition, team)
    constraints.placed(model, variables)
    constraints.working_time(model, variables, tpd)
    return variables


def option_starts(
    problem: Problem,
    work: list[np.ndarray],
    horizon: int,
    tasks,
    fixing: Fixing | None,
    bounds: dict[int, Window] | None,
    budget: Budget | None,
) -> tuple[list[list[tuple[int, Starts]]], dict[int, str]]:
    """Per task, the (person, feasible starts) of each option that can hold it; why not, if none.

    With a `fixing`, each option keeps only the starts inside its task's limits that miss the
    person's fixed tasks, and a task keeps at most `fixing.max_options` options.
    """
    booked = None if fixing is None else busy(problem, fixing)
    candidates: list[list[tuple[int, Starts]]] = []
    unplaceable: dict[int, str] = {}
    for count, task in enumerate(tasks):
        if count % CLOCK_EVERY == 0 and budget is not None and budget.expired:
            raise _OutOfTime
        release, pinned = int(problem.release[task]), int(problem.pinned_start[task])
        options: list[tuple[int, Starts]] = []
        candidates.append(options)
        if problem.is_milestone(task):
            earliest, latest = _milestone_window(problem, task, horizon, bounds)
            if max(release, pinned) > horizon or earliest > latest:
                unplaceable[task] = "its release or pinned time lies past the planning horizon"
            continue
        people = problem.eligible[task]
        if not problem.staffed[task]:
            people = [NONE]  # runs on the organisation calendar (`working_ticks`' last row)
        elif problem.pinned_person[task] != NONE:
            people = [int(problem.pinned_person[task])]
        elif fixing is not None and fixing.people is not None and task in fixing.people:
            people = fixing.people[task]
        window = None if bounds is None else bounds[task]
        earliest = release if window is None else max(release, window.start_lo)
        until = None if window is None else window.start_hi
        for person in people:
            effort = int(problem.effort[task])
            starts = feasible_starts(work[person], effort, earliest, horizon, pinned, until)
            if window is not None:
                starts = fit(starts, window, NOBODY if person == NONE else booked[person])
            if len(starts):
                options.append((int(person), starts))
        if fixing is not None and fixing.max_options and len(options) > fixing.max_options:
            options = _best_options(options, fixing.max_options, int(fixing.schedule.person[task]))
            candidates[-1] = options
        if not options:
            names = ", ".join(
                f"'{problem.person_ids[p]}'" if p != NONE else "the organisation calendar"
                for p in people
            )
            where = "at its pinned start" if pinned != NONE else "within the planning horizon"
            unplaceable[task] = f"none of {names} can start and finish it {where}"
    return candidates, unplaceable


NOBODY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
"""The bookings of a task that needs no person: none."""


def _best_options(
    options: list[tuple[int, Starts]], keep: int, current: int
) -> list[tuple[int, Starts]]:
    """The `keep` options that can finish the task first, the `current` person's among them."""
    first_end = [int(s.ticks[0] + s.spans[0]) for _, s in options]
    order = sorted(range(len(options)), key=lambda k: (options[k][0] != current, first_end[k]))
    return [options[k] for k in sorted(order[:keep])]


def _always_open(options: list[tuple[int, Starts]]) -> bool:
    """Whether every option may start at any tick of one run, always taking the same span (an
    always-working calendar): then the start's bounds say it all, and a day-hour split would only
    add variables (measured: fewer PSPLIB proofs in 2 s)."""
    return all(
        s.ticks[-1] - s.ticks[0] == len(s.ticks) - 1 and (s.spans == s.spans[0]).all()
        for _, s in options
    )


class _OutOfTime(Exception):
    pass


def _milestone_window(
    problem: Problem, task: int, horizon: int, bounds: dict[int, Window] | None
) -> tuple[int, int]:
    """The earliest and latest tick of a milestone: its pinned tick if it has one."""
    pinned = int(problem.pinned_start[task])
    if pinned != NONE:
        earliest = latest = pinned
    else:
        earliest, latest = int(problem.release[task]), horizon
    if bounds is not None:
        limit = bounds[task]
        earliest = max(earliest, limit.start_lo, limit.end_lo)
        latest = min(latest, limit.start_hi, limit.end_hi)
    return earliest, latest


def _touched_dues(problem: Problem, fixing: Fixing) -> set[int]:
    """The dues with a free task: the others are constants of a neighbourhood."""
    return {d for d, due in enumerate(problem.dues) if fixing.mask[list(due.tasks)].any()}
