"""A given schedule as a complete CP-SAT hint, and the model horizon it allows.

CP-SAT uses a hint as its first solution right after presolve only if the hint assigns every
variable consistently ("complete"); a partial hint merely guides the search. So the hint is first
checked against the problem (`hint_problem`), and then every model variable gets its value.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, earliest_times, search_horizon
from allocate.strategies.cpsat.constraints import lowest
from allocate.strategies.cpsat.limits import hint_spans, limits_problem
from allocate.strategies.cpsat.variables import Variables
from allocate.strategies.cpsat.weeks import hint_loads, weeks_problem
from allocate.terms import level_values


def model_horizon(problem: Problem, hint: Schedule | None) -> tuple[int, str]:
    """The last tick the model plans in, and whether optimality in it is global.

    Without a hint: `problem.horizon` ("full", or "window" when the problem's calendars end
    short of the scenario's horizon). With a valid hint, `schedule.search_horizon` (the hint's
    last end plus half its span and two weeks, or where a later end alone would make a makespan
    level worse), which shrinks the model (fewer days per task, fewer start classes) and still
    contains the hint; at most `problem.horizon`.
    """
    whole = "window" if problem.window else "full"
    if hint is None:
        return problem.horizon, whole
    weighs_makespan = bool(problem.objective) and "makespan" in problem.objective[0]
    first = level_values(problem, hint.end, hint.person)[0] if weighs_makespan else 0.0
    horizon, kind = search_horizon(problem, hint, first)
    return (problem.horizon, whole) if horizon >= problem.horizon else (horizon, kind)


def hint_problem(problem: Problem, hint: Schedule) -> str | None:
    """Why `hint` is not a complete, feasible schedule of `problem`; None if it is."""
    if len(hint.start) != problem.n_tasks or not _placed_or_left_out(problem, hint):
        return "the hint does not place every task"
    busy: dict[int, list[tuple[int, int]]] = {}
    for task in range(problem.n_tasks):
        start, end, person = int(hint.start[task]), int(hint.end[task]), int(hint.person[task])
        name = problem.task_ids[task]
        if start == NONE:  # an optional task left out (`complete` allows no other)
            continue
        earliest_start, earliest_end = earliest_times(problem, hint, task)
        if start < earliest_start or end < earliest_end:
            return f"task '{name}' starts before its release or breaks a dependency"
        if problem.pinned_start[task] not in (NONE, start):
            return f"task '{name}' does not start at its pinned start"
        if problem.is_milestone(task):
            if person != NONE or end != start:
                return f"milestone '{name}' has a person or takes time"
            continue
        if not problem.staffed[task]:
            if person != NONE:
                return f"task '{name}' needs nobody but has a person"
        elif person not in problem.eligible[task] or problem.pinned_person[task] not in (
            NONE,
            person,
        ):
            return f"task '{name}' is not given to an eligible (pinned) person"
        timeline = problem.timeline(person)
        if not (0 <= start < problem.horizon and timeline.next_working(start) == start):
            return f"task '{name}' does not start at a working tick of its calendar"
        lead = problem.team(task)[0]
        if hint.start[lead] != start or end != problem.team_end(task, hint.person, start):
            return f"task '{name}' does not end when its effort is done"
        if person != NONE:
            busy.setdefault(person, []).append((start, end))
    for person, spans in busy.items():
        spans.sort()
        if any(
            next_start < end for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False)
        ):
            return f"'{problem.person_ids[person]}' has overlapping tasks in the hint"
    return (
        _overbooked(problem, hint) or limits_problem(problem, hint) or weeks_problem(problem, hint)
    )


def _placed_or_left_out(problem: Problem, hint: Schedule) -> bool:
    return bool(((hint.start != NONE) | problem.optional).all())


def _overbooked(problem: Problem, hint: Schedule) -> str | None:
    """Why the hint holds more of a resource than it has at some tick; None if it does not."""
    for r, resource in enumerate(problem.resource_ids):
        usage = np.zeros(problem.horizon + 1, dtype=np.int64)
        for task in np.flatnonzero(problem.demand[:, r]):
            usage[hint.start[task] : hint.end[task]] += problem.demand[task, r]
        if (usage[: problem.horizon] > problem.capacity[r]).any():
            return f"the hint overbooks resource '{resource}'"
    return None


def add_hint(
    model: cp_model.CpModel, problem: Problem, variables: Variables, hint: Schedule
) -> None:
    """Hint every variable of the model with the values of the valid schedule `hint`."""
    model.clear_hints()
    pairs: list[tuple[cp_model.IntVar, int]] = []
    tpd = variables.ticks_per_day
    starts, ends = _resting(hint, variables)
    for index, task in variables.tasks.items():
        start, end = int(starts[index]), int(ends[index])
        placed = hint.start[index] != NONE
        pairs.append((task.start, start))
        if task.milestone:
            continue
        pairs.append((task.end, end))
        if task.present is not None:
            pairs.append((task.present, int(placed)))
        if task.day is not None:
            day, hour = divmod(start + task.shift, tpd)
            pairs += [(task.day, day), (task.hour, hour)]
        for option in task.options:
            chosen = placed and option.person == hint.person[index]
            pairs += [(option.present, int(chosen)), (option.size, end - start if chosen else 0)]
            klass = -1
            if chosen:
                position = int(np.searchsorted(option.starts.ticks, start))
                klass = int(option.partition.of_start[position])
            pairs += [(literal, int(k == klass)) for k, literal in enumerate(option.classes)]
    for index, size in variables.holds.items():
        pairs.append((size, int(ends[index] - starts[index])))
    for lag in variables.lags:
        source = starts if lag.precedence.from_start else ends
        pairs.append((lag.shifted, int(lag.after[int(source[lag.precedence.pred])])))
    hint_spans(variables.project_spans, problem, hint, pairs)
    hint_loads(variables.week_loads, problem, hint, pairs)
    end, person = np.asarray(hint.end), np.asarray(hint.person)
    pairs += [(var, value(end, person)) for var, value in variables.derived]
    solution_hint = model.proto.solution_hint  # one bulk write: add_hint per variable is slow
    solution_hint.vars.extend([var.index for var, _ in pairs])
    solution_hint.values.extend([value for _, value in pairs])


def _resting(hint: Schedule, variables: Variables) -> tuple[np.ndarray, np.ndarray]:
    """The hint's starts and ends, a left-out task's where the model rests it (its earliest)."""
    starts, ends = hint.start.copy(), hint.end.copy()
    for index, task in variables.tasks.items():
        if task.present is not None and hint.start[index] == NONE:
            starts[index], ends[index] = lowest(task.start), lowest(task.end)
    return starts, ends
