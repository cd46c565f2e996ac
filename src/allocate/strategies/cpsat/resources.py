"""Shared resources as CP-SAT cumulative constraints (the checker's `capacity` rule).

A task holds its units over its whole calendar interval `[S, E)`, pauses included. A capacity
that varies over time is stated the usual way: the cumulative's capacity is the resource's
largest, and fixed intervals take up the difference wherever the capacity is lower. In a
neighbourhood the fixed tasks' holdings are fixed intervals too.

Redundant: two tasks whose demands on some resource exceed its largest capacity can never overlap;
such pairs are covered by cliques, each a NoOverlap of the tasks' holding intervals. The
cumulative alone only finds this out by search (measured on PSPLIB, benchmarks/psplib.py).
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from allocate.problem import Problem
from allocate.strategies.cpsat.variables import Variables


def capacity(model: cp_model.CpModel, problem: Problem, variables: Variables) -> None:
    """One cumulative per resource (and the exclusive cliques)."""
    horizon = variables.horizon
    spans: dict[int, cp_model.IntervalVar] = {}
    tops = np.zeros(len(problem.resource_ids), dtype=np.int64)
    for r in range(len(problem.resource_ids)):
        users = [t for t, v in variables.tasks.items() if problem.demand[t, r] and not v.milestone]
        fixed = _fixed_holders(problem, variables, r)
        if not users:
            continue
        capacity = problem.capacity[r, :horizon]
        top = tops[r] = int(capacity.max()) if len(capacity) else 0
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
    _add_exclusive_cliques(model, problem, spans, tops)


CLIQUE_TASKS_LIMIT = 40
"""Above this many resource-holding tasks the cliques are skipped. They strengthen proofs, which
pay where a proof is within reach: on PSPLIB j30 (30 tasks, 2 s) 5 instead of 3 of the 18
hardest proven, 97.3 % of the set. On j60 (60 tasks, 5 s) they cost plan quality more than they
prove: on the 47 instances where allocate and PyJobShop differed, mean gap 4.29 % with them and
3.94 % without (22 instances better without, 14 worse; seed 0, same run). Covering the clash
graph is also quadratic (2.8 s of Python for a dense one of 500 tasks)."""


def _add_exclusive_cliques(
    model: cp_model.CpModel,
    problem: Problem,
    spans: dict[int, cp_model.IntervalVar],
    tops: np.ndarray,
) -> None:
    """A NoOverlap per clique of tasks no two of which fit a resource together (`tops`: each
    resource's largest capacity within the model's horizon)."""
    tasks = sorted(spans)
    demand = problem.demand[tasks]
    tight = 2 * demand.max(axis=0, initial=0) > tops  # other resources have no clashing pair
    if len(tasks) < 2 or len(tasks) > CLIQUE_TASKS_LIMIT or not tight.any():
        return
    for clique in exclusive_cliques(demand[:, tight], tops[tight]):
        model.add_no_overlap([spans[tasks[k]] for k in clique])


def exclusive_cliques(demand: np.ndarray, capacity: np.ndarray) -> list[list[int]]:
    """Cliques (of two or more rows of `demand`) covering every pair of rows whose sum exceeds
    `capacity` on some resource; grown greedily, the most exclusive rows first."""
    clash = ((demand[:, None, :] + demand[None, :, :]) > capacity).any(axis=2)
    np.fill_diagonal(clash, False)
    rank = np.empty(len(clash), dtype=np.int64)
    by_rank = np.argsort(-clash.sum(axis=1), kind="stable")
    rank[by_rank] = np.arange(len(clash))
    covered = ~clash
    cliques = []
    for first in by_rank:
        while not covered[first].all():
            second = _most_exclusive(~covered[first], rank)
            clique, common = [first, second], clash[first] & clash[second]
            while common.any():
                other = _most_exclusive(common, rank)
                clique.append(other)
                common &= clash[other]
            members = np.array(clique)
            covered[np.ix_(members, members)] = True
            cliques.append([int(k) for k in clique])
    return cliques


def _most_exclusive(candidates: np.ndarray, rank: np.ndarray) -> int:
    return int(np.flatnonzero(candidates)[np.argmin(rank[candidates])])


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
