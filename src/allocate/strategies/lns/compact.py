"""Left-justify re-planned tasks: each as early as its person, predecessors and release allow.

A sub-solve's optimum pins down the tasks that decide the objective and leaves the others wherever
the search happened to put them, often later than needed. A task parked late takes the room the
next neighbourhood needs, so accepted plans are compacted: in order of start, each free task moves
to the first slot of its own person (same person, never later) that its predecessors, release
and the person's other tasks allow. Every rule is monotone in the predecessors' times and ends
only move earlier, so the plan stays valid and no objective term gets worse (in a re-plan, a task
moves no earlier than its previous start, so its `changes` do not grow either). Tasks that hold a
shared resource or have a pinned start stay put (moving them could overbook or break the pin), and
so do project tasks of people with a project limit (moving them could stretch a project span),
tasks of people with a weekly hour limit (moving one may shift hours into a full week), and teams
(their members move only together).
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, earliest_times


def compact(problem: Problem, schedule: Schedule, free: np.ndarray) -> Schedule:
    """`schedule` with the movable `free` tasks moved as early as they can go."""
    result = schedule.copy()
    holds = problem.demand.any(axis=1)
    movable = [
        int(t)
        for t in free
        if not holds[t] and problem.pinned_start[t] == NONE and len(problem.team(t)) == 1
    ]
    movable = [t for t in movable if not _spans_a_limited_project(problem, result, t)]
    movable = [t for t in movable if not _has_week_limit(problem, int(result.person[t]))]
    for task in sorted(movable, key=lambda t: (result.start[t], t)):
        start, end = _earliest_slot(problem, result, task, _floor(problem, task))
        if start < result.start[task]:
            result.start[task], result.end[task] = start, end
    return result


def _spans_a_limited_project(problem: Problem, schedule: Schedule, task: int) -> bool:
    """Moving a project task of a person with a project limit earlier may stretch their span of
    that project into another one's: such tasks stay put."""
    person = int(schedule.person[task])
    if person == NONE or not len(problem.project_limit) or problem.project_of[task] == NONE:
        return False
    return bool(problem.project_limit[person] != NONE)


def _has_week_limit(problem: Problem, person: int) -> bool:
    return person != NONE and len(problem.week_limit) > 0 and problem.week_limit[person] != NONE


def _floor(problem: Problem, task: int) -> int:
    """No earlier than this: in a re-plan, a task's previous start (moving it further would
    move it away from what people were told, a `changes` cost); work that was to have begun
    before the planning start stays put (its end is what is compared)."""
    previous = problem.previous
    if previous is None or previous.at[task] == NONE:
        return 0
    return problem.horizon if previous.by_end[task] else int(previous.at[task])


def _earliest_slot(
    problem: Problem, schedule: Schedule, task: int, floor: int = 0
) -> tuple[int, int]:
    """The first (start, end) no later than the current one, nor earlier than `floor`, that the
    task's calendar, its predecessors and its person's other tasks allow."""
    current = int(schedule.start[task]), int(schedule.end[task])
    not_before, end_not_before = earliest_times(problem, schedule, task)
    not_before = max(not_before, floor)
    if problem.is_milestone(task):
        moment = max(not_before, end_not_before)
        return (moment, moment) if moment < current[0] else current
    person = int(schedule.person[task])
    timeline = problem.timeline(person)
    effort = int(problem.effort[task])
    others = np.flatnonzero(schedule.person == person) if person != NONE else np.zeros(0, int)
    others = others[others != task]
    order = np.argsort(schedule.start[others])
    starts = schedule.start[others][order].tolist()
    ends = schedule.end[others][order].tolist()
    start = timeline.next_working(not_before)
    while start < current[0]:
        end = timeline.end(start, effort)
        if end == NONE or end > current[1]:
            return current
        if end < end_not_before:
            start = timeline.next_working(timeline.start_for_end(end_not_before, effort))
            continue
        clash = bisect_right(ends, start)  # the first booking ending after `start`
        if clash < len(starts) and starts[clash] < end:
            start = timeline.next_working(ends[clash])
            continue
        return start, end
    return current
