"""A schedule on the compiled problem, and the questions every part of the solver asks of one.

A `Schedule` gives each compiled task a start tick, an end tick and a person (NONE: unplaced, or
nobody). Greedy, CP-SAT, LNS, the lower bounds, the explanations and the conflict checks all ask
the same few questions of it: who may do a task (`candidates`), which tasks every plan must place
(`required`), in which order tasks can be placed (`topological_order`), how early a task may
start after its placed predecessors (`earliest_times`, from one dependency at a time with
`source` and `after`), and whether level values meet known lower bounds (`reaches`). They are
answered here once, directly on `problem.py`, so that none of those parts needs another's
internals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from allocate.problem import NONE, Precedence, Problem

SLACK_FRACTION = 0.5
SLACK_DAYS = 14


@dataclass(frozen=True)
class Schedule:
    """Per task: start and end tick and the person index (NONE for milestones and unplaced tasks).

    A task with `start == NONE` is unplaced; `reasons` says why, by task index. An unplaced task
    that `optional` marks is left out, which a complete schedule may do.
    """

    start: np.ndarray
    end: np.ndarray
    person: np.ndarray
    reasons: dict[int, str] = field(default_factory=dict)
    optional: np.ndarray | None = None
    """Per task: may it be left out (`Problem.optional`)? None: no task may."""

    @classmethod
    def empty(cls, n_tasks: int, optional: np.ndarray | None = None) -> Schedule:
        return cls(*(np.full(n_tasks, NONE, dtype=np.int64) for _ in range(3)), optional=optional)

    def copy(self) -> Schedule:
        """The same times and people in new arrays (no reasons)."""
        return Schedule(
            self.start.copy(), self.end.copy(), self.person.copy(), optional=self.optional
        )

    @property
    def complete(self) -> bool:
        """Is every task placed that must be?"""
        placed = self.start != NONE
        if self.optional is not None and len(self.optional) == len(placed):
            placed = placed | self.optional
        return bool(placed.all())

    @property
    def left_out(self) -> np.ndarray:
        """The optional tasks left out, by index."""
        if self.optional is None or len(self.optional) != len(self.start):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.optional & (self.start == NONE))


def candidates(problem: Problem, task: int) -> np.ndarray:
    """Who may do `task`: its pinned person, else its eligible people; [NONE] for a task that
    needs nobody (it runs on the organisation calendar)."""
    if not problem.staffed[task]:
        return np.array([NONE])
    pinned = int(problem.pinned_person[task])
    return np.array([pinned]) if pinned != NONE else problem.eligible[task]


def required(problem: Problem) -> np.ndarray:
    """Per task: must every complete plan place it? (Not when it is optional.)"""
    if not len(problem.optional):
        return np.ones(problem.n_tasks, dtype=bool)
    return ~problem.optional


def topological_order(problem: Problem) -> list[int]:
    """Every task after all its predecessors (ties in index order)."""
    waiting = [0] * problem.n_tasks
    successors: list[list[int]] = [[] for _ in range(problem.n_tasks)]
    for prec in problem.precedences:
        waiting[prec.succ] += 1
        successors[prec.pred].append(prec.succ)
    order = [i for i in range(problem.n_tasks) if waiting[i] == 0]
    for task in order:
        for succ in successors[task]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                order.append(succ)
    return order


def source(schedule: Schedule, prec: Precedence) -> int:
    """The tick of the predecessor's event that `prec` counts from (NONE if it is unplaced)."""
    return int(schedule.start[prec.pred] if prec.from_start else schedule.end[prec.pred])


def after(problem: Problem, prec: Precedence, tick: int) -> int:
    """The earliest tick for the successor's event when the predecessor's is at `tick`: the lag
    later, counted in organisation working ticks for a working lag."""
    if prec.working_lag:
        return problem.after_working_lag(tick, prec.lag)
    return tick + prec.lag


def earliest_times(problem: Problem, schedule: Schedule, task: int) -> tuple[int, int]:
    """(earliest start, earliest end) that `task`'s placed predecessors and release allow."""
    start, end = int(problem.release[task]), 0
    for prec in problem.predecessors(task):
        tick = source(schedule, prec)
        if tick == NONE:
            continue
        bound = after(problem, prec, tick)
        if prec.to_start:
            start = max(start, bound)
        else:
            end = max(end, bound)
    return start, end


def reaches(values: tuple[float, ...], bounds: tuple[float, ...], levels=None) -> bool:
    """Do the level `values` meet the lower `bounds` (on the `levels` given, else on all)? Then
    no plan is better on those levels. False without bounds."""
    if not bounds or len(bounds) != len(values):
        return False
    chosen = range(len(values)) if levels is None else levels
    return all(values[i] <= bounds[i] + 1e-9 * max(1.0, abs(bounds[i])) for i in chosen)


def search_horizon(problem: Problem, schedule: Schedule, first_level: float) -> tuple[int, str]:
    """How far a search that starts from the complete `schedule` plans, and what optimality
    within that means: the schedule's last end plus `SLACK_FRACTION` of its span and
    `SLACK_DAYS`; when the first objective level weighs the makespan, at least where a later end
    alone would make that level worse than the schedule's value of it (`first_level`), so that
    no plan outside is better ("makespan-bounded"); else a plan ending later could in theory be
    better ("hint-slack"). Not capped at `problem.horizon`: `solve()` compiles a window this far.
    """
    last = int(schedule.end.max(initial=problem.first_tick))
    slack = int(SLACK_FRACTION * (last - problem.first_tick)) + SLACK_DAYS * problem.ticks_per_day
    horizon = last + slack
    weight = problem.objective[0].get("makespan", 0.0) if problem.objective else 0.0
    if weight > 0:
        beyond = problem.start_offset + first_level / (weight * problem.hours_per_tick)
        horizon = max(horizon, math.ceil(beyond) + 1)
    return horizon, "makespan-bounded" if weight > 0 else "hint-slack"
