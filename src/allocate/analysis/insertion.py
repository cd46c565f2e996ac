"""Cheap insertion: one more task given to one person in an existing plan, the rest kept in its
order and moved only as late as the newcomer forces. The screening step of `recommend`.

"What happens if Ana takes this?" is answered honestly by a re-plan, and a re-plan takes a solve.
To rank every qualified person in milliseconds we first ask a cheaper question: put the task into
the person's sequence of work, at each place from the first where it could start to the first gap
where it fits without moving anything, and push later whatever it then collides with: the
person's following tasks, their successors, those successors' people's following tasks, and so
on, each as late as it must go and no later, on its people's own calendars. That is the plan
"kept, with the request squeezed in"; a re-plan can only do as well or better (it may hand the
pushed work to someone else). The free-time placement of the greedy construction
(`strategies.greedy.earliest_slot`) is the last place tried: it moves nothing and keeps every
rule, resources and limits included.

Pushed work is retimed on calendars and dependencies only: shared resources, weekly limits and
projects at once are not re-checked for it (as in the risk simulation's execute policy). A task
that needs resources, or a person with limits, is therefore only tried in free time. The exact
re-plan that follows the screening keeps every rule.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from allocate.problem import NONE, Precedence, Problem
from allocate.schedule import Schedule, earliest_times
from allocate.strategies.greedy import Loads, earliest_slot, place
from allocate.terms import level_values

POSITIONS = 8
"""Places in a person's sequence tried before the free-time placement: enough to reach the first
gap that fits in the bundled example and at 40 x 500 for all but the busiest people."""


@dataclass
class Kept:
    """The plan on the compiled problem: its schedule, each person's tasks in plan order, and
    who follows whom through dependencies. Shared by every candidate; never changed."""

    problem: Problem
    schedule: Schedule
    order: dict[int, list[int]] = field(init=False)
    """Per person, the leaders of the tasks they work on, by start (then end, then index)."""
    following: list[list[Precedence]] = field(init=False)
    """Per task, the precedences that leave it."""
    loads: Loads | None = field(default=None, init=False)

    def __post_init__(self):
        self.order = sequences(self.problem, self.schedule)
        self.following = [[] for _ in range(self.problem.n_tasks)]
        for prec in self.problem.precedences:
            self.following[prec.pred].append(prec)

    def bookings(self) -> Loads:
        """The greedy construction's bookings of the plan (built once, on first use)."""
        if self.loads is None:
            self.loads = Loads.of(self.problem, self.schedule)
        return self.loads


@dataclass(frozen=True)
class Placement:
    """A schedule with the request placed, and the objective levels of that schedule."""

    schedule: Schedule
    levels: tuple[float, ...]
    pushed: bool
    """Did it move other work (False: it went into free time)?"""


def sequences(problem: Problem, schedule: Schedule) -> dict[int, list[int]]:
    """Per person, the leaders they work on in `schedule`, in time order."""
    found: dict[int, list[int]] = {}
    for task in np.flatnonzero(schedule.start != NONE).tolist():
        if problem.leader[task] != task and len(problem.leader):
            continue
        for slot in problem.team(task):
            person = int(schedule.person[slot])
            if person != NONE:
                found.setdefault(person, []).append(task)
    for tasks in found.values():
        tasks.sort(key=lambda t: (int(schedule.start[t]), int(schedule.end[t]), t))
    return found


def best_placement(
    kept: Kept, schedule: Schedule, order: dict[int, list[int]], task: int, person: int
) -> Placement | None:
    """`task` (one person's work) given to `person` where the plan's objective levels are best:
    at each place in their sequence from where it could start first (pushing later work) up to
    the first gap where it fits, and in free time; None when it fits nowhere before the horizon."""
    problem = kept.problem
    tried: list[Placement] = []
    loads = kept.bookings() if schedule is kept.schedule else Loads.of(problem, schedule)
    lo, end_lo = earliest_times(problem, schedule, task)
    if loads.bookings_only(task, np.array([person])):
        tried += _pushing(kept, schedule, order, task, person, lo, end_lo)
    free = earliest_slot(problem, loads, task, person, lo, end_lo)
    if free is not None:
        placed = schedule.copy()
        placed.start[task], placed.end[task], placed.person[task] = free[0], free[1], person
        tried.append(Placement(placed, _levels(problem, placed), pushed=False))
    return min(tried, key=lambda p: (p.levels, p.pushed), default=None)


def _pushing(kept, schedule, order, task, person, lo, end_lo) -> list[Placement]:
    """The placements at each place of `person`'s sequence from the first where the task could
    start up to the first gap where it fits without pushing anything."""
    problem = kept.problem
    timeline = problem.timeline(person)
    effort = int(problem.effort[task])
    first = timeline.next_working(max(lo, timeline.start_for_end(end_lo, effort)))
    mine = order.get(person, [])
    begin = next((k for k, t in enumerate(mine) if schedule.end[t] > first), len(mine))
    found = []
    for k in range(begin, min(begin + POSITIONS, len(mine) + 1)):
        after = int(schedule.end[mine[k - 1]]) if k else 0
        start = timeline.next_working(max(first, after))
        end = timeline.end(start, effort)
        if end == NONE:
            break
        fits = k == len(mine) or end <= schedule.start[mine[k]]
        placed = schedule.copy()
        placed.start[task], placed.end[task], placed.person[task] = start, end, person
        sequence = {**order, person: [*mine[:k], task, *mine[k:]]}
        if not fits and not push(kept, placed, sequence, [mine[k]]):
            continue
        if earliest_times(problem, placed, task)[0] > start:
            continue  # it pushed one of its own predecessors
        found.append(Placement(placed, _levels(problem, placed), pushed=not fits))
        if fits:
            break
    return found


def push(kept: Kept, schedule: Schedule, order: dict[int, list[int]], tasks: Iterable[int]) -> bool:
    """Move `tasks` and everything after them as late as what precedes them now forces, in
    place; False when that would move a pinned start or run past the horizon."""
    problem = kept.problem
    position = {p: {t: k for k, t in enumerate(seq)} for p, seq in order.items()}
    waiting = [(int(schedule.start[t]), t) for t in tasks]
    heapq.heapify(waiting)
    while waiting:
        _, task = heapq.heappop(waiting)
        if schedule.start[task] == NONE:
            continue  # left out (optional): nothing to move
        people = [int(schedule.person[slot]) for slot in problem.team(task)]
        floor = max(
            [int(schedule.start[task])]
            + [_end_before(schedule, order, position, p, task) for p in people if p != NONE]
        )
        timed = retime(problem, schedule, task, people, floor)
        if timed is None:
            return False
        if timed == (int(schedule.start[task]), int(schedule.end[task])):
            continue
        if problem.pinned_start[task] != NONE:
            return False
        team = problem.team(task)
        schedule.start[team.start : team.stop] = timed[0]
        schedule.end[team.start : team.stop] = timed[1]
        for prec in kept.following[task]:
            heapq.heappush(waiting, (int(schedule.start[prec.succ]), prec.succ))
        for p in people:
            k = position.get(p, {}).get(task)
            if k is not None and k + 1 < len(order[p]):
                follower = order[p][k + 1]
                heapq.heappush(waiting, (int(schedule.start[follower]), follower))
    return True


def _end_before(schedule, order, position, person: int, task: int) -> int:
    """When `person`'s task before `task` in their sequence ends (0 if none)."""
    k = position.get(person, {}).get(task, 0)
    return int(schedule.end[order[person][k - 1]]) if k else 0


def retime(
    problem: Problem, schedule: Schedule, task: int, people: list[int], floor: int
) -> tuple[int, int] | None:
    """The earliest (start, end) of `task` at or after `floor` that its predecessors allow, with
    all its `people` at work at the start (a team's end is its last member's); None past the
    horizon."""
    lo, end_lo = earliest_times(problem, schedule, task)
    lo = max(lo, floor)
    if problem.is_milestone(task):
        moment = max(lo, end_lo)
        return (moment, moment) if moment <= problem.horizon else None
    team = problem.team(task)
    timelines = [problem.timeline(p) for p in people]
    start = _together(timelines, lo)
    end = _end(problem, timelines, team, start)
    if end is not None and end < end_lo:
        efforts = [int(problem.effort[slot]) for slot in team]
        later = max(t.start_for_end(end_lo, e) for t, e in zip(timelines, efforts, strict=True))
        start = _together(timelines, max(start, later))
        end = _end(problem, timelines, team, start)
    return None if end is None else (start, end)


def _together(timelines, tick: int) -> int:
    """The first tick at or after `tick` at which every timeline is working."""
    while True:
        moved = max(t.next_working(tick) for t in timelines)
        if moved == tick:
            return tick
        tick = moved


def _end(problem: Problem, timelines, team: range, start: int) -> int | None:
    ends = [
        t.end(start, int(problem.effort[slot])) for t, slot in zip(timelines, team, strict=True)
    ]
    return None if NONE in ends or start >= problem.horizon else max(ends)


def place_free(kept: Kept, schedule: Schedule, task: int, person: int | None) -> Schedule | None:
    """`task` where the greedy construction would put it around `schedule`'s bookings, moving
    nothing: on `person` (a team: in the first slot they fit, the others chosen greedily), or on
    whoever finishes it first when `person` is None. None when it fits nowhere."""
    problem = kept.problem
    if person is not None:
        pinned = problem.pinned_person.copy()
        slot = next(s for s in problem.team(task) if person in problem.eligible[s])
        pinned[slot] = person
        pinned.setflags(write=False)
        problem = replace(problem, pinned_person=pinned)
    placed = schedule.copy()
    loads = Loads.of(problem, schedule)
    place(problem, placed, loads, task)
    return None if placed.start[task] == NONE else placed


def _levels(problem: Problem, schedule: Schedule) -> tuple[float, ...]:
    return level_values(problem, schedule.end, schedule.person)
