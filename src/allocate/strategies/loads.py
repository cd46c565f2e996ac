"""What a constructive plan has booked so far: each person's time, each resource's units per
tick and each limited person's weeks and projects, and the next start worth trying when a slot
would clash with any of them.
"""

from __future__ import annotations

import numpy as np

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule
from allocate.strategies.free_time import FreeTime
from allocate.strategies.limit_loads import NEVER, LimitLoads


class Loads:
    """What is already booked: each person's intervals and each resource's units per tick."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.free = FreeTime(problem)
        self.people = [self.free.bookings(problem, p) for p in range(problem.n_people)]
        self.usage = np.zeros_like(problem.capacity)
        self.needs = [np.flatnonzero(row).tolist() for row in problem.demand]
        self.limits = LimitLoads(problem)
        self.limited = self.limits.weekly is not None or self.limits.projects is not None
        self.limited_person = (problem.week_limit != NONE) | (problem.project_limit != NONE)
        self.reserved: dict[int, tuple[int, int, int]] = {}
        """Tasks booked ahead at their pinned person and start: (person, start, end)."""

    @classmethod
    def of(cls, problem: Problem, schedule: Schedule) -> Loads:
        """The bookings of every task `schedule` places."""
        loads = cls(problem)
        for task in np.flatnonzero(schedule.start != NONE).tolist():
            if not problem.is_milestone(task):
                start, end = int(schedule.start[task]), int(schedule.end[task])
                loads.book(task, int(schedule.person[task]), start, end)
        return loads

    def bookings_only(self, task: int, people: np.ndarray) -> bool:
        """Do only the people's own bookings decide when `task` can start (someone does it, no
        pinned start, no resources, no limits)?"""
        problem = self.problem
        if not problem.staffed[task] or problem.pinned_start[task] != NONE or self.needs[task]:
            return False
        return not (self.limited and self.limited_person[people].any())

    def first_clash(self, task: int, person: int, start: int, end: int) -> int | None:
        """The earliest later start worth trying if [start, end) clashes, else None."""
        later = self.people[person].first_clash(start, end) if person != NONE else None
        beyond = self.other_clash(task, person, start, end)
        return later if beyond is None else max(later or 0, beyond)

    def other_clash(self, task: int, person: int, start: int, end: int) -> int | None:
        """Like `first_clash` for everything but the person's own bookings: the task's resources
        and the person's limits (the horizon when no later start can work)."""
        later = self.capacity(task, start, end)
        if not self.limited:
            return later
        beyond = self.limits.first_clash(task, person, start, end)
        if beyond == NEVER:
            return self.problem.horizon
        return later if beyond is None else max(later or 0, beyond)

    def capacity(self, task: int, start: int, end: int) -> int | None:
        """The checker's `capacity` rule: the earliest later start worth trying if `task`'s
        resources lack room anywhere in `[start, end)`, else None."""
        later = None
        for r in self.needs[task]:
            room = self.problem.capacity[r, start:end] - self.usage[r, start:end]
            short = np.flatnonzero(room < self.problem.demand[task, r])
            if short.size:
                later = max(later or 0, start + int(short[-1]) + 1)
        return later

    def reserve_pins(self) -> None:
        """Book every one-person task pinned to both a person and a start before anything else
        is placed: a promise already made holds its time, and other work goes around it (in
        dependency order it would come too late to find its slot free). A pin that is not a
        working start, runs past the horizon or clashes with an earlier reservation is left to
        the ordinary placement, which then says why it fails."""
        problem = self.problem
        self.reserved = {}
        pinned = (problem.pinned_start != NONE) & (problem.pinned_person != NONE)
        for task in np.flatnonzero(pinned).tolist():
            if problem.is_milestone(task) or len(problem.team(task)) > 1 or problem.optional[task]:
                continue  # optional work is no promise: it takes its turn (or is left out)
            person, start = int(problem.pinned_person[task]), int(problem.pinned_start[task])
            if start >= problem.horizon or problem.timeline(person).next_working(start) != start:
                continue
            end = problem.end_of(task, person, start)
            if end != NONE and self.first_clash(task, person, start, end) is None:
                self.book(task, person, start, end)
                self.reserved[task] = (person, start, end)

    def book(self, task: int, person: int, start: int, end: int) -> None:
        if person != NONE:
            self.people[person].add(start, end)
        for r in self.needs[task]:
            self.usage[r, start:end] += self.problem.demand[task, r]
        self.limits.book(task, person, start, end)
