"""Shared resources as CP-SAT cumulative constraints (the checker's `capacity` rule).

A task holds its units over its whole calendar interval `[S, E)`, pauses included. A capacity
that varies over time is stated the usual way: the cumulative's capacity is the resource's
largest, and fixed intervals take up the difference wherever the capacity is lower. In a
neighbourhood the fixed tasks' holdings are fixed intervals too.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import Problem
from allocate.strategies.cpsat.variables import Variables


def add_capacity(model: cp_model.CpModel, problem: Problem, variables: Variables) -> None:
    horizon = variables.horizon
    spans: dict[int, cp_model.IntervalVar] = {}
    for r in range(len(problem.resource_ids)):
        users = [t for t, v in variables.tasks.items() if problem.demand[t, r] and not v.milestone]
        fixed = _fixed_holders(problem, variables, r)
        if not users:
            continue
        capacity = problem.capacity[r, :horizon]
        top = int(capacity.max()) if len(capacity) else 0
        intervals, demands = [], []
        for task in users:
            if task not in spans:
                task_vars = variables.tasks[task]
                size = model.new_int_var(0, horizon, f"hold{task}")
                if task_vars.present is None:
                    spans[task] = model.new_interval_var(task_vars.start, size, task_vars.end, "")
                else:  # a left-out optional task holds nothing
                    spans[task] = model.new_optional_interval_var(
                        task_vars.start, size, task_vars.end, task_vars.present, ""
                    )
                variables.holds[task] = size
            intervals.append(spans[task])
            demands.append(int(problem.demand[task, r]))
        for start, end, units in [*_shortfalls(capacity, top), *fixed]:
            intervals.append(model.new_fixed_size_interval_var(start, end - start, ""))
            demands.append(units)
        model.add_cumulative(intervals, demands, top)


def _shortfalls(capacity: np.ndarray, top: int):
    """(start, end, units) runs where the capacity is below its maximum."""
    gap = top - capacity
    edges = np.flatnonzero(np.diff(np.concatenate([[0], gap, [0]])))
    for start, end in zip(edges[:-1], edges[1:], strict=False):
        if gap[start] > 0:
            yield int(start), int(end), int(gap[start])


def _fixed_holders(problem: Problem, variables: Variables, r: int):
    """(start, end, units) of the fixed tasks of a neighbourhood that hold resource `r`."""
    fixing = variables.fixing
    if fixing is None:
        return []
    schedule = fixing.schedule
    held = np.flatnonzero(~fixing.mask & (problem.demand[:, r] > 0))
    return [
        (int(schedule.start[t]), int(schedule.end[t]), int(problem.demand[t, r]))
        for t in held
        if schedule.end[t] > schedule.start[t]
    ]
