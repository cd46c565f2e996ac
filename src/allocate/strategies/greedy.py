"""Serial schedule generation: place tasks one by one, each where it finishes earliest.

Tasks become ready when all their predecessors are placed; the ready task first by the priority
rule (`priority.py`: by default, among those due the same week the one fewest people can do)
goes to the qualified person who would finish it first, in the first gap of that person's
bookings where it fits under their own calendar. A team goes to the earliest start at which
enough distinct qualified people are free until the last of them would finish. It is fast,
respects every hard rule (`RULE_MAP` says where), and is both the plan of last resort and the
hint that CP-SAT starts from.

Optional tasks: an optional task that finds no slot is left out (and a dependency on it dropped).
When there are optional tasks, three plans are built (optional work in its turn, after the
mandatory work that is ready, or left out altogether) and the best by the objective is kept.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from allocate.budget import Budget
from allocate.matching import match
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times
from allocate.strategies.base import Enforcement, Outcome, ProgressCallback
from allocate.strategies.free_time import Bookings
from allocate.strategies.limit_loads import NEVER, LimitLoads, limit_note
from allocate.strategies.loads import Loads
from allocate.strategies.priority import PRIORITY_RULES, priorities
from allocate.terms import level_values


@dataclass(frozen=True)
class Greedy:
    """Serial SGS; `rule` picks the priority among ready tasks (see `priority.PRIORITY_RULES`)."""

    rule: str = "constrained"
    """The default by measurement: least lateness on 8 of 9 generated scenarios (10 x 100 to
    150 x 2,000, seeds 1-3; `benchmarks/results/greedy.md`)."""
    name: str = "greedy"

    def __post_init__(self):
        if self.rule not in PRIORITY_RULES:
            choices = ", ".join(PRIORITY_RULES)
            raise ValueError(f"unknown greedy rule '{self.rule}' (choose from {choices})")

    def solve(
        self,
        problem: Problem,
        *,
        time_limit: float = 0.0,
        seed: int = 0,
        hint: Schedule | None = None,
        progress: ProgressCallback | None = None,
        bounds: tuple[float, ...] = (),
        budget: Budget | None = None,
    ) -> Outcome:
        """The serial plan (it takes no time worth limiting: `time_limit` and `budget` are
        ignored, and so is `hint`)."""
        began = time.perf_counter()
        priority = self.priorities(problem)
        passes = [build_schedule(problem, priority)]
        if problem.optional.any():
            passes += _without_optional_first(problem, priority)
        schedule = _best(problem, passes)
        status = "feasible" if schedule.complete else "infeasible"
        values = level_values(problem, schedule.end, schedule.person) if schedule.complete else ()
        return Outcome(
            schedule=schedule,
            status=status,
            level_values=values,
            stats={
                "solve_seconds": time.perf_counter() - began,
                "solutions": int(schedule.complete),
                "missed": _missed(passes),
            },
        )

    def priorities(self, problem: Problem) -> list[tuple]:
        """Each task's priority key under this strategy's rule (lowest first)."""
        return priorities(problem, self.rule)


LEFT_OUT = "left out: doing it would make deadlines slip by more than it is worth"


class Placer(Protocol):
    """Another rule for where each task goes (see `build_schedule`)."""

    def reserve(self, loads: Loads) -> None:
        """Book what must be booked before anything is placed."""

    def place(self, schedule: Schedule, loads: Loads, task: int) -> None:
        """Place `task` (a leader) in `schedule`, booking it in `loads`, or say why not."""


def _without_optional_first(problem: Problem, priority: list[tuple]) -> list[Schedule]:
    """Optional work after the mandatory work that is ready, and none at all."""
    optional = problem.optional.tolist()
    later = [(optional[key[-1]], *key) for key in priority]
    skipped = build_schedule(problem, priority, skip=problem.optional)
    for task in np.flatnonzero(problem.optional).tolist():
        skipped.reasons[task] = LEFT_OUT
    return [build_schedule(problem, later), skipped]


def _missed(passes: list[Schedule]) -> int:
    """How many tasks some pass found no place for (not those it left out on purpose): on a
    problem compiled for a window (`Problem.window`) a longer one might hold them."""
    return len({task for s in passes for task, why in s.reasons.items() if why != LEFT_OUT})


def _best(problem: Problem, schedules: list[Schedule]) -> Schedule:
    """The complete schedule with the lowest objective (the first one if none is complete)."""
    complete = [s for s in schedules if s.complete]
    if not complete:
        return schedules[0]
    return min(complete, key=lambda s: level_values(problem, s.end, s.person))


def build_schedule(
    problem: Problem,
    priority: list[tuple],
    skip: np.ndarray | None = None,
    placer: Placer | None = None,
) -> Schedule:
    """Place every task in dependency order, most urgent ready task first; `skip` marks tasks
    to leave out (optional ones). `placer` places each task instead of `place` (the repair of a
    previous plan does), and books ahead what it must before anything is placed."""
    n = problem.n_tasks
    schedule = Schedule.empty(n, problem.optional)
    waiting = np.zeros(n, dtype=np.int64)
    successors: list[list[int]] = [[] for _ in range(n)]
    for prec in problem.precedences:
        waiting[prec.succ] += 1
        successors[prec.pred].append(prec.succ)
    ready = [priority[i] for i in range(n) if waiting[i] == 0]
    heapq.heapify(ready)
    loads = Loads(problem)
    loads.reserve_pins()
    if placer is not None:
        placer.reserve(loads)
    while ready:
        task = heapq.heappop(ready)[-1]
        if problem.team(task)[0] != task:
            continue  # a team's other slots are placed with its leader
        if placer is not None:
            placer.place(schedule, loads, task)
        elif skip is None or not skip[task]:
            place(problem, schedule, loads, task)
        for succ in successors[task]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                heapq.heappush(ready, priority[succ])
    return schedule


def place(problem: Problem, schedule: Schedule, loads: Loads, task: int) -> None:
    """Put `task` where it ends first, or record why it cannot go anywhere (an optional task is
    then left out). A dependency on a left-out optional task is dropped."""
    _place(problem, schedule, loads, task)
    if schedule.start[task] == NONE and problem.optional[task] and task in schedule.reasons:
        schedule.reasons[task] = "left out: " + schedule.reasons[task]


def _place(problem: Problem, schedule: Schedule, loads: Loads, task: int) -> None:
    blocked = [
        p.pred
        for p in problem.predecessors(task)
        if schedule.start[p.pred] == NONE and not problem.optional[p.pred]
    ]
    if blocked:
        blocker = problem.task_ids[blocked[0]]
        schedule.reasons[task] = f"depends on '{blocker}', which could not be placed"
        return
    earliest_start, earliest_end = earliest_times(problem, schedule, task)
    pinned_start = int(problem.pinned_start[task])
    if problem.is_milestone(task):
        moment = max(earliest_start, earliest_end)
        if pinned_start != NONE:
            if pinned_start < moment:
                schedule.reasons[task] = "its pinned time is before its dependencies allow"
                return
            moment = pinned_start
        if moment > problem.horizon:
            schedule.reasons[task] = "its release or pinned time lies past the planning horizon"
            return
        schedule.start[task] = schedule.end[task] = moment
        return
    if task in loads.reserved:
        person, start, end = loads.reserved[task]
        if start < earliest_start or end < earliest_end:
            schedule.reasons[task] = "its pinned start is before its dependencies allow"
            return
        schedule.start[task], schedule.end[task], schedule.person[task] = start, end, person
        return
    if len(problem.team(task)) > 1:
        place_team(problem, schedule, loads, task, earliest_start, earliest_end)
        return
    best = first_to_finish(problem, loads, task, earliest_start, earliest_end)
    if best is None:
        schedule.reasons[task] = no_slot_reason(problem, task)
        return
    start, end, person = best
    schedule.start[task], schedule.end[task], schedule.person[task] = start, end, person
    loads.book(task, person, start, end)


def place_team(
    problem: Problem,
    schedule: Schedule,
    loads: Loads,
    lead: int,
    not_before: int,
    end_not_before: int,
) -> None:
    """The team at the first start where distinct qualified people are free together."""
    team = problem.team(lead)
    pinned_start = int(problem.pinned_start[lead])
    start = max(not_before, pinned_start)
    while start < problem.horizon:
        found, later = team_at(problem, loads, team, start)
        if found is not None and found[1] >= end_not_before:
            people, end = found
            for slot, person in zip(team, people, strict=True):
                schedule.start[slot], schedule.end[slot], schedule.person[slot] = start, end, person
                loads.book(slot, person, start, end)
            return
        if pinned_start != NONE:
            break
        start = later if found is None else start + 1
    why = f"no moment when {len(team)} distinct qualified people are free together"
    schedule.reasons[lead] = f"{why} ({no_slot_reason(problem, lead)})"


def team_at(
    problem: Problem, loads: Loads, team: range, start: int
) -> tuple[tuple[list[int], int] | None, int]:
    """((people per slot, end), _) if distinct qualified people can all start at `start` and stay
    free until the last one finishes; else (None, the next start at which that could change)."""
    effort = int(problem.effort[team[0]])
    changes = [problem.horizon]
    free: dict[int, int] = {}  # person: own end
    for person in {p for slot in team for p in candidates(problem, slot).tolist()}:
        timeline = problem.timeline(person)
        if timeline.next_working(start) != start:
            changes.append(timeline.next_working(start))
            continue
        end = timeline.end(start, effort)
        clash = loads.people[person].first_clash(start, end) if end != NONE else None
        if end != NONE and clash is None:
            free[person] = end
        elif clash is not None:
            changes.append(clash)
    while True:
        places = [
            sorted(
                (p for p in candidates(problem, slot).tolist() if p in free),
                key=lambda p: (free[p], p),
            )
            for slot in team
        ]
        people = match(places)
        if people is None:
            return None, max(start + 1, min(changes))
        end = max(free[p] for p in people)
        clashes = {p: loads.people[p].first_clash(start, end) for p in people}
        if loads.limited:  # each member's own work must fit their limits too
            for p in people:
                beyond = loads.limits.first_clash(team[0], p, start, free[p])
                if clashes[p] is None and beyond is not None:
                    clashes[p] = problem.horizon if beyond == NEVER else beyond
        if not any(clashes.values()):
            held = loads.first_clash(team[0], NONE, start, end)  # the team's resources
            return ((people, end), start + 1) if held is None else (None, held)
        for person, clash in clashes.items():
            if clash is not None:
                free.pop(person, None)
                changes.append(clash)


def first_to_finish(
    problem: Problem, loads: Loads, task: int, not_before: int, end_not_before: int
) -> tuple[int, int, int] | None:
    """(start, end, person) of the qualified person who would finish `task` first; ties go to
    the one whose calendar alone would finish it first, then to the lowest index."""
    people = candidates(problem, task)
    if loads.bookings_only(task, people):
        return first_free_to_finish(problem, loads, task, people, not_before, end_not_before)
    best: tuple[int, int, int] | None = None
    for free_end, person in optimistic_ends(problem, task, not_before, end_not_before):
        if best is not None and free_end >= best[1]:
            break  # nobody later in this order can finish earlier
        found = earliest_slot(problem, loads, task, person, not_before, end_not_before)
        if found is not None and (best is None or found[1] < best[1]):
            best = (found[0], found[1], person)
    return best


def first_free_to_finish(
    problem: Problem,
    loads: Loads,
    task: int,
    people: np.ndarray,
    not_before: int,
    end_not_before: int,
) -> tuple[int, int, int] | None:
    """`first_to_finish` when only bookings can delay the task, for all `people` at once in
    working-tick indices (see `free_time`): the same choice, without a loop per person."""
    free, horizon, effort = loads.free, problem.horizon, int(problem.effort[task])
    count, last_index = free.count[people], free.work.shape[1] - 1
    start = np.full(len(people), min(not_before, horizon), dtype=np.int64)
    if end_not_before > 0:  # as `Timeline.start_for_end`, per person
        k = problem.cum_work[people, min(end_not_before, horizon) - 1] - effort + 1
        own = free.work[people, np.clip(k, 0, last_index)]
        own = np.where(k < 0, 0, np.where(k < count, own, horizon))
        start = np.maximum(start, np.minimum(own, horizon))
    k = problem.cum_work[people, start].astype(np.int64)
    alone = free.work[people, np.minimum(k + effort - 1, last_index)] + 1  # if nobody were busy
    found = free.first_free(people, k, effort)
    for i in np.flatnonzero(found < 0).tolist():
        found[i] = loads.people[int(people[i])].first_free(int(k[i]), effort)
    fits = found + effort <= count
    if not fits.any():
        return None
    end = free.work[people, np.minimum(found + effort - 1, last_index)] + 1
    key = (end * (horizon + 2) + alone) * problem.n_people + people
    best = int(np.argmin(np.where(fits, key, np.iinfo(np.int64).max)))
    person = int(people[best])
    return int(free.work[person, found[best]]), int(end[best]), person


def optimistic_ends(problem: Problem, task: int, not_before: int, end_not_before: int):
    """Candidates as (end if nobody were busy, person), best first: a lower bound per person
    that lets `place` stop as soon as no remaining candidate can beat the best slot found."""
    effort = int(problem.effort[task])
    ends = []
    for person in candidates(problem, task).tolist():
        timeline = problem.timeline(person)
        start = max(not_before, timeline.start_for_end(end_not_before, effort))
        end = timeline.end(timeline.next_working(start), effort)
        if end != NONE:
            ends.append((end, person))
    return sorted(ends)


def earliest_slot(
    problem: Problem, loads: Loads, task: int, person: int, not_before: int, end_not_before: int
) -> tuple[int, int] | None:
    """The first (start, end) for `person` (NONE: the organisation calendar): a working start
    tick, no overlap with their bookings, capacity for its resources, end late enough.

    The search runs over the person's working ticks (index k is their k-th working tick), where
    their bookings are merged runs and a slot is `effort` consecutive free indices; resources and
    limits then either accept it or name a later start. Every jump is to a start no earlier than
    the first feasible one, so the first slot all accept is the earliest."""
    timeline = problem.timeline(person)
    work, cum = timeline.work, timeline.cum
    effort = int(problem.effort[task])
    pinned_start = int(problem.pinned_start[task])
    start = max(not_before, pinned_start)
    if end_not_before > 0:
        start = max(start, timeline.start_for_end(end_not_before, effort))
    if start >= problem.horizon:
        return None
    booked = loads.people[person] if person != NONE else None
    k = cum[start]
    while True:
        if booked is not None:
            k = booked.first_free(k, effort)
        if k + effort > len(work):
            return None
        start, end = work[k], work[k + effort - 1] + 1
        later = loads.other_clash(task, person, start, end)
        if later is None:
            return None if pinned_start not in (NONE, start) else (start, end)
        if later >= problem.horizon:
            return None
        k = cum[later]


def fitting(problem: Problem, schedule: Schedule, tasks: list[int]) -> dict[int, bool]:
    """Per task of `tasks` (not in `schedule`), could one of its candidates still do it around
    the plan: in a working slot free of their bookings, with room in its resources and their
    limits, after its placed predecessors and release?"""
    loads = Loads.of(problem, schedule)
    found = {}
    for task in tasks:
        lo, end_lo = earliest_times(problem, schedule, task)
        found[task] = any(
            earliest_slot(problem, loads, task, int(person), lo, end_lo) is not None
            for person in candidates(problem, task)
        )
    return found


def no_slot_reason(problem: Problem, task: int) -> str:
    pinned = int(problem.pinned_person[task])
    if not problem.staffed[task]:
        who = "the organisation calendar and the task's resources"
    else:
        who = f"'{problem.person_ids[pinned]}'" if pinned != NONE else "any qualified person"
    if problem.pinned_start[task] != NONE:
        when = problem.grid.when(int(problem.pinned_start[task]))
        return f"{who} cannot start it at its pinned time {when} (not working, busy, or too early)"
    people = candidates(problem, task).tolist()
    return f"no free working time for {who} before the planning horizon ends" + limit_note(
        problem, people
    )


RULE_MAP = {
    "placed": Enforcement(
        build_schedule,
        "every task in dependency order; one that fits nowhere is unplaced with its reason (an "
        "optional one left out)",
    ),
    "people": Enforcement(
        place_team,
        "a team at the first start where distinct qualified people are free together (a "
        "matching, `team_at`); one person per task otherwise; nobody for milestones and tasks "
        "that need nobody",
    ),
    "qualified": Enforcement(
        candidates, "only a task's candidates: its pinned person, else its eligible people"
    ),
    "working_time": Enforcement(
        earliest_slot,
        "slots are searched on the person's working ticks: a start is a working tick and the "
        "end comes after `effort` of them (the organisation's for a task that needs nobody)",
    ),
    "one_at_a_time": Enforcement(
        Bookings,
        "each person's bookings as merged busy runs of their working ticks; a slot is a run of "
        "`effort` free ones (`first_free`)",
    ),
    "capacity": Enforcement(
        Loads.capacity, "units in use per tick; a start moves past any tick without room"
    ),
    "dependency": Enforcement(
        earliest_times, "a task is placed after its predecessors, no earlier than they allow"
    ),
    "release": Enforcement(earliest_times, "no start before the task's release tick"),
    "planning_start": Enforcement(
        earliest_times,
        "releases are compiled no earlier than the first tick at or after the planning start",
    ),
    "pinned": Enforcement(
        Loads.reserve_pins,
        "tasks pinned to a person and a start are booked first; a pinned start or person "
        "restricts the slot search (`earliest_slot`, `candidates`)",
    ),
    "progress": Enforcement(
        candidates,
        "work in progress is compiled pinned to the people on it (`problem._pins`): a pinned "
        "person is the slot's only candidate",
    ),
    "horizon": Enforcement(earliest_slot, "no slot ends after the horizon"),
    "max_hours_per_week": Enforcement(
        LimitLoads.max_hours_per_week,
        "each limited person's booked ticks per week; a start moves until the week has room",
    ),
    "max_projects": Enforcement(
        LimitLoads.max_projects,
        "each limited person's span per project; a start moves past the regions already full",
    ),
    "objective": Enforcement(
        level_values,
        "the plan's levels from the compiled terms (the priority rules aim at deadlines; the "
        "best of the plans built is kept when there is optional work)",
    ),
}
"""Where the greedy construction keeps each of the checker's rules (`check.RULES`)."""
