"""A cheap, calendar-exact lower bound on the objective.

Ignore who is busy: every task starts as soon as its predecessors' earliest times allow, on its
fastest qualified person's own calendar. No feasible plan can end any task earlier (all rules are
monotone in the predecessors' times), so the objective of these earliest ends bounds every plan's.
On realistic scenarios it is far tighter than CP-SAT's own bound, which barely moves when calendars
make durations depend on the start.
"""

from __future__ import annotations

import numpy as np

from allocate import terms
from allocate.problem import NONE, Problem
from allocate.strategies.base import Schedule, earliest_times
from allocate.strategies.greedy import topological_order


def earliest_schedule(problem: Problem, without_optional: bool = False) -> Schedule:
    """Each task's earliest possible start and end, with nobody ever busy; `without_optional`
    leaves every optional task out (NONE), which frees its successors too."""
    schedule = Schedule.empty(problem.n_tasks, problem.optional)
    for task in topological_order(problem):
        if without_optional and problem.optional[task]:
            continue
        start, end_at_least = earliest_times(problem, schedule, task)
        if problem.pinned_start[task] != NONE:
            start = max(start, int(problem.pinned_start[task]))
        if problem.is_milestone(task):
            schedule.start[task] = schedule.end[task] = max(start, end_at_least)
            continue
        ends = [
            problem.timeline(int(p)).end(
                problem.timeline(int(p)).next_working(start), int(problem.effort[task])
            )
            for p in _people(problem, task)
        ]
        ends = [e for e in ends if e != NONE]
        end = max(min(ends), end_at_least) if ends else problem.horizon
        schedule.start[task], schedule.end[task] = start, end
    return schedule


def _people(problem: Problem, task: int) -> np.ndarray:
    if not problem.staffed[task]:
        return np.array([NONE])
    pinned = int(problem.pinned_person[task])
    return np.array([pinned]) if pinned != NONE else problem.eligible[task]


def level_bounds(problem: Problem) -> tuple[float, ...]:
    """A lower bound on every objective level, in the terms' units."""
    end = earliest_schedule(problem, without_optional=True).end
    bounds = {name: 0.0 for level in problem.objective for name in level}
    for name in bounds.keys() & terms.TIME_TERMS - {"unplaced"}:  # leaving out may cost 0
        bounds[name] = terms.TERMS[name](problem, end, None)
    if "cost" in bounds:
        bounds["cost"] = _cheapest_cost(problem)
    if "people_per_project" in bounds:
        staffed = problem.project_of[problem.staffed]
        bounds["people_per_project"] = float(len(set(staffed[staffed != NONE].tolist())))
    return tuple(sum(w * bounds[name] for name, w in level.items()) for level in problem.objective)


def _cheapest_cost(problem: Problem) -> float:
    """Every task at the lowest rate among the people who may do it."""
    cents = sum(
        int(problem.effort[t]) * int(problem.rate_cents[_people(problem, t)].min())
        for t in range(problem.n_tasks)
        if problem.staffed[t] and len(_people(problem, t))
    )
    return cents * problem.hours_per_tick / 100
