"""The resource-free earliest schedule: a calendar-exact floor under every task's start and end.

Ignore who is busy: every task starts as soon as its predecessors' earliest times allow, on its
fastest qualified person's own calendar, and a team ends when its slowest slot would. No feasible
plan can start or end any task earlier (all rules are monotone in the predecessors' times). On
realistic scenarios this is far tighter than CP-SAT's own bound, which barely moves when calendars
make durations depend on the start.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times, required, topological_order

Head = Callable[[int, Schedule], int]


def earliest_schedule(
    problem: Problem, without_optional: bool = False, head: Head | None = None
) -> Schedule:
    """Each task's earliest possible start and end, with nobody ever busy; `without_optional`
    leaves every optional task out (NONE), which frees its successors too. `head(task,
    schedule)`, when given, is a further tick before which `task` cannot start, from the times
    placed so far (its predecessors'): `heads` uses it for the work that must be done first."""
    schedule = Schedule.empty(problem.n_tasks, problem.optional)
    calendars = problem.shared(Calendars)
    must = required(problem)
    for task in topological_order(problem):
        if len(problem.leader) and problem.leader[task] != task:
            continue  # a team's later slots are timed with its leader
        if without_optional and not must[task]:
            continue
        start, end_at_least = earliest_times(problem, schedule, task)
        if problem.pinned_start[task] != NONE:
            start = max(start, int(problem.pinned_start[task]))
        if head is not None:
            start = max(start, head(task, schedule))
        team = problem.team(task)
        end = max(start, end_at_least)
        if not problem.is_milestone(task):
            end = max([end_at_least, *(calendars.earliest_end(slot, start) for slot in team)])
        schedule.start[team.start : team.stop] = start
        schedule.end[team.start : team.stop] = end
    return schedule


class Calendars:
    """Every calendar's working ticks in one padded array (the organisation's last, so that
    index NONE picks it): a task's earliest end by each of its people is one look-up. Made once
    per problem (`Problem.shared`), as wide as the most working ticks anyone has."""

    def __init__(self, problem: Problem):
        self.problem = problem
        rows = [problem.timeline(p).work for p in range(problem.n_people)]
        rows.append(problem.timeline(NONE).work)
        self.width = max(len(row) for row in rows) + 1
        self.ticks = np.full((len(rows), self.width), problem.horizon, np.int32)
        for row, works in enumerate(rows):
            self.ticks[row, : len(works)] = works

    def earliest_end(self, task: int, start: int) -> int:
        """The earliest end of `task` begun no earlier than `start` by any of its possible
        people (the horizon when nobody can finish it in time)."""
        problem = self.problem
        who = candidates(problem, task)
        if not len(who):
            return problem.horizon
        tick = min(start, problem.horizon)
        if who[0] == NONE:
            done = problem.org_cum_work[tick : tick + 1]
        else:
            done = problem.cum_work[who, tick]
        last = done.astype(np.int64) + int(problem.effort[task]) - 1
        ends = self.ticks[who, np.minimum(last, self.width - 1)]
        return min(int(ends.min()) + 1, problem.horizon)
