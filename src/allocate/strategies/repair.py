"""The previous plan made to fit a changed scenario: the first plan of a re-plan.

A re-plan starts from what people were told, not from scratch. Three repairs are made and the
best one by the re-plan's objective (`changes` included) is kept:

* *Keep what still fits* (`kept_where_it_fits`). Work in progress is booked first, with its
  people at the first moment they are free after the planning start (it carries on). Then, in
  the order of their previous starts, every task is booked at its previous people and start
  where that still holds: they work then and are free until it ends, its resources and the
  people's limits allow it, and each of its predecessors was kept too with the dependency met.
  The rest is placed around it (below). Best when little changed: most of the plan stays as
  it was, to the minute.
* *Shift the plan* (`shifted`), twice. Work in progress carries on as above; every other task
  is placed anew in the greedy construction's order of urgency, by the rule below, once
  patient and once not. Best when much
  changed (efforts grew, people are away, the plan was late): a task kept at its old start
  blocks its person's time while earlier work overruns around it: a week into an overrun
  40 x 500 portfolio, the kept repair was twice as late as a fresh greedy plan, the shifted one
  14 % later than it with a third fewer reassignments, the impatient one 6 % earlier than it
with 7 % fewer (docs/design.md, "Re-planning").

The rule for a task placed anew: one the previous plan gave to someone goes to them at their
first free slot, unless someone else would finish it sooner by more than a reassignment weighs
in the `changes` term (working hours of the organisation calendar), or, impatient, sooner at
all; new work goes to whoever finishes first. Everything else (pins, resources, limits,
calendars, teams) is the greedy construction's, so every repair keeps every rule. The repaired
plan is CP-SAT's hint and neighbourhood search's starting point, and a re-plan's first plan
unless the greedy plan is better (`solve(..., previous=plan)`). A freeze window pins what the
kept repair kept in it (`previous.frozen`).
"""

from __future__ import annotations

import time

import numpy as np

from allocate.on_grid import PlanOnGrid
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, candidates, earliest_times
from allocate.strategies.base import Outcome
from allocate.strategies.greedy import (
    Greedy,
    Loads,
    best_schedule,
    build_schedule,
    earliest_slot,
    first_to_finish,
    place,
)
from allocate.terms import level_values


def repair(problem: Problem, previous: PlanOnGrid) -> Outcome:
    """The previous plan mended to fit: the best of keeping what fits and shifting it (with a
    patient and an impatient rule for the people)."""
    began = time.perf_counter()
    priority = Greedy().priorities(problem)
    made = [
        kept_where_it_fits(problem, previous, priority),
        shifted(problem, previous, priority),
        shifted(problem, previous, priority, patient=False),
    ]
    schedule = best_schedule(problem, made)
    status = "feasible" if schedule.complete else "infeasible"
    values = level_values(problem, schedule.end, schedule.person) if schedule.complete else ()
    stats = {"solve_seconds": time.perf_counter() - began, "solutions": int(schedule.complete)}
    return Outcome(schedule=schedule, status=status, level_values=values, stats=stats)


def kept_where_it_fits(
    problem: Problem, previous: PlanOnGrid, priority: list[tuple] | None = None
) -> Schedule:
    """The previous plan, kept to the minute where it still fits and mended where it does not
    (`priority`: the greedy construction's order of urgency, when already made)."""
    priority = priority or Greedy().priorities(problem)
    return build_schedule(problem, priority, placer=_Keeper(problem, previous))


def shifted(
    problem: Problem, previous: PlanOnGrid, priority: list[tuple], patient: bool = True
) -> Schedule:
    """The previous plan's people, each task placed anew in order of urgency (`patient`: kept
    with its person unless someone else finishes sooner by more than a reassignment weighs;
    else only unless someone finishes sooner at all)."""
    return build_schedule(problem, priority, placer=_Shifter(problem, previous, patient))


class _Keeper:
    """The repair's rule for where a task goes (a `greedy.Placer`): what step 1 kept stays."""

    def __init__(self, problem: Problem, previous: PlanOnGrid, patient: bool = True):
        self.problem, self.previous, self.patient = problem, previous, patient
        self.kept = Schedule.empty(problem.n_tasks, problem.optional)

    def reserve(self, loads: Loads) -> None:
        _carry_on(self.problem, loads, self.kept)
        _keep(self.problem, loads, self.previous, self.kept)

    def place(self, schedule: Schedule, loads: Loads, task: int) -> None:
        kept, team = self.kept, self.problem.team(task)
        if kept.start[task] != NONE:  # booked in step 1: the whole team, or a milestone
            for slot in team:
                schedule.start[slot], schedule.end[slot] = kept.start[slot], kept.end[slot]
                schedule.person[slot] = kept.person[slot]
            return
        slot = (
            None
            if task in loads.reserved
            else _near(self.problem, schedule, loads, task, self.previous, self.patient)
        )
        if slot is None:
            place(self.problem, schedule, loads, task)  # a pin, or the greedy rule
            return
        start, end, person = slot
        schedule.start[task], schedule.end[task], schedule.person[task] = start, end, person
        loads.book(task, person, start, end)


class _Shifter(_Keeper):
    """The shifted repair's rule: work in progress carries on, nothing is kept in place."""

    def reserve(self, loads: Loads) -> None:
        _carry_on(self.problem, loads, self.kept)


def _one_person(problem: Problem, task: int) -> bool:
    return (
        len(problem.team(task)) == 1
        and not problem.is_milestone(task)
        and bool(problem.staffed[task])
    )


def _carry_on(problem: Problem, loads: Loads, kept: Schedule) -> None:
    """Book each one-person task in progress with its person at their first free slot from the
    planning start, in task order (its predecessors are done)."""
    for task in np.flatnonzero(problem.in_progress).tolist():
        person = int(problem.pinned_person[task])
        if not _one_person(problem, task) or person == NONE or task in loads.reserved:
            continue
        if problem.predecessors(task) or problem.pinned_start[task] != NONE:
            continue  # the ordinary placement says when
        slot = earliest_slot(problem, loads, task, person, int(problem.release[task]), 0)
        if slot is not None:
            _book(loads, kept, [task], [person], *slot)


def _keep(problem: Problem, loads: Loads, previous: PlanOnGrid, kept: Schedule) -> None:
    """Book, in order of previous start, each task (a team as a whole, a milestone at its time)
    at its previous people and start where that still fits, with every predecessor kept and the
    dependency met."""
    placed = [t for t in np.flatnonzero(previous.start != NONE).tolist() if problem.team(t)[0] == t]
    for task in sorted(placed, key=lambda t: (int(previous.start[t]), t)):
        if kept.start[task] != NONE or task in loads.reserved or problem.optional[task]:
            continue
        start, team = int(previous.start[task]), problem.team(task)
        people = [int(previous.person[slot]) for slot in team]
        if not _fits(problem, loads, kept, task, start, people):
            continue
        if problem.is_milestone(task):
            kept.start[task] = kept.end[task] = start
            continue
        end = problem.team_end(task, np.asarray(_spread(problem, task, people)), start)
        if end == NONE or end < earliest_times(problem, kept, task)[1]:
            continue
        if all(
            loads.first_clash(slot, p, start, end) is None
            for slot, p in zip(team, people, strict=True)
        ):
            _book(loads, kept, list(team), people, start, end)


def _fits(
    problem: Problem, loads: Loads, kept: Schedule, task: int, start: int, people: list[int]
) -> bool:
    """Could `task` start at `start` with `people` (slot by slot) around what is kept: its
    predecessors kept and the dependency met, its pin and release kept, each person able to do
    their slot and at work then?"""
    if start < problem.first_tick or start >= problem.horizon:
        return False
    if problem.pinned_start[task] not in (NONE, start):
        return False
    if any(kept.start[p.pred] == NONE for p in problem.predecessors(task)):
        return False
    if start < earliest_times(problem, kept, task)[0]:
        return False
    for slot, person in zip(problem.team(task), people, strict=True):
        if person not in candidates(problem, slot) and not problem.is_milestone(task):
            return False
        if not problem.is_milestone(task) and problem.timeline(person).next_working(start) != start:
            return False
    return True


def _spread(problem: Problem, task: int, people: list[int]) -> np.ndarray:
    """A person array with `people` in the slots of `task`'s team (what `team_end` reads)."""
    person = np.full(problem.n_tasks, NONE, dtype=np.int64)
    person[problem.team(task).start : problem.team(task).stop] = people
    return person


def _book(
    loads: Loads, kept: Schedule, slots: list[int], people: list[int], start: int, end: int
) -> None:
    for slot, person in zip(slots, people, strict=True):
        loads.book(slot, person, start, end)
        kept.start[slot], kept.end[slot], kept.person[slot] = start, end, person


def _near(
    problem: Problem,
    schedule: Schedule,
    loads: Loads,
    task: int,
    previous: PlanOnGrid,
    patient: bool,
) -> tuple[int, int, int] | None:
    """(start, end, person) with the task's previous person at their first free slot, unless
    someone else finishes it sooner by more than a reassignment weighs; None for the greedy
    rule (new work, work its person can no longer do)."""
    person = int(previous.person[task])
    if not _one_person(problem, task) or person == NONE or person not in candidates(problem, task):
        return None
    if any(
        schedule.start[p.pred] == NONE and not problem.optional[p.pred]
        for p in problem.predecessors(task)
    ):
        return None  # the greedy rule says why it cannot be placed
    lo, end_lo = earliest_times(problem, schedule, task)
    slot = earliest_slot(problem, loads, task, person, lo, end_lo)
    if slot is None:
        return None
    other = first_to_finish(problem, loads, task, lo, end_lo)
    if other is not None and other[2] != person:
        weight = int(problem.previous.reassign[task]) if patient and problem.previous else 0
        cum = problem.org_cum_work
        if int(cum[slot[1]]) - int(cum[other[1]]) > weight:
            return None
    return slot[0], slot[1], person
