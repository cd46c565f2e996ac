"""Why a plan misses a deadline, in words a planner can act on.

For each late task or project we ask the calendar-exact, resource-free earliest schedule (`bounds`):
if even with everybody free the chain of work before the deadline cannot end in time, the lateness
is unavoidable and we name that chain; otherwise the deadline was lost to people being busy or
away, and we name who was doing what in the window where the work could have happened.
"""

from __future__ import annotations

import numpy as np

from allocate.bounds import earliest_schedule
from allocate.limits import binding
from allocate.plan import Lateness
from allocate.problem import FS, NONE, SF, SS, Problem
from allocate.strategies.base import Schedule, earliest_times

CHAIN_SHOWN = 6
PEOPLE_SHOWN = 4


def explain_lateness(problem: Problem, schedule: Schedule) -> list[Lateness]:
    earliest = earliest_schedule(problem)
    found = []
    for due in problem.dues:
        placed = [t for t in due.tasks if schedule.start[t] != NONE]
        if not placed:
            continue
        last = max(placed, key=lambda t: schedule.end[t])
        if schedule.end[last] <= due.tick:
            continue
        kind, ident = due.label.split(" ", 1)
        late = (int(schedule.end[last]) - due.tick) * problem.hours_per_tick
        floor = max(placed, key=lambda t: earliest.end[t])
        if earliest.end[floor] > due.tick:
            reason = _unavoidable(problem, earliest, floor, due.tick, late)
        else:
            reason = _contention(problem, schedule, _first_delayed(problem, schedule, last))
        found.append(Lateness(kind=kind, id=ident.strip("'"), late_hours=late, reason=reason))
    return found


def _first_delayed(problem: Problem, schedule: Schedule, task: int) -> int:
    """Walk back from `task` through the predecessors that set its start in the plan, to the first
    task that started later than its predecessors allowed: there the time was lost."""
    for _ in range(problem.n_tasks):
        allowed, _ = earliest_times(problem, schedule, task)
        if schedule.start[task] > allowed and problem.staffed[task]:
            return task
        binding = [p for p in problem.predecessors(task) if _binds(problem, schedule, p)]
        if not binding:
            return task
        task = max(binding, key=lambda p: schedule.end[p.pred]).pred
    return task


def _unavoidable(
    problem: Problem, earliest: Schedule, task: int, deadline: int, late: float
) -> str:
    chain = _critical_chain(problem, earliest, task)
    names = " -> ".join(f"'{problem.task_ids[t]}'" for t in chain[-CHAIN_SHOWN:])
    if len(chain) > CHAIN_SHOWN:
        names = "... -> " + names
    end = int(earliest.end[task])
    over = (end - deadline) * problem.hours_per_tick
    return (
        f"{over:,.0f} of the {late:,.0f} h are unavoidable: even with everyone free, {names} "
        f"cannot end before {_when(problem, end)}"
    )


def _critical_chain(problem: Problem, earliest: Schedule, task: int) -> list[int]:
    """The predecessors that, one after another, set `task`'s earliest start."""
    chain = [task]
    while True:
        binding = [p for p in problem.predecessors(chain[-1]) if _binds(problem, earliest, p)]
        if not binding or len(chain) > 10 * CHAIN_SHOWN:
            return chain[::-1]
        chain.append(binding[0].pred)


def _binds(problem: Problem, schedule: Schedule, prec) -> bool:
    """Does this dependency alone hold its successor where `schedule` puts it?"""
    source = schedule.start[prec.pred] if prec.kind in (SS, SF) else schedule.end[prec.pred]
    if source == NONE:
        return False
    shifted = (
        problem.after_working_lag(int(source), prec.lag) if prec.working_lag else source + prec.lag
    )
    target = schedule.start[prec.succ] if prec.kind in (FS, SS) else schedule.end[prec.succ]
    return shifted >= target


def _contention(problem: Problem, schedule: Schedule, task: int) -> str:
    lo, hi = earliest_times(problem, schedule, task)[0], int(schedule.start[task])
    if not problem.staffed[task]:
        return f"'{problem.task_ids[task]}' waited for its resources until {_when(problem, hi)}"
    people = sorted({int(p) for slot in problem.team(task) for p in problem.eligible[slot]})
    notes = [_doing(problem, schedule, p, lo, hi, task) for p in people]
    notes = [note for p in people for note in binding(problem, schedule, p, lo, hi, task)] + notes
    shown = "; ".join(notes[:PEOPLE_SHOWN]) + ("; ..." if len(notes) > PEOPLE_SHOWN else "")
    return (
        f"'{problem.task_ids[task]}' could have started {_when(problem, lo)} (its predecessors "
        f"were done) but started {_when(problem, hi)}: {shown}"
    )


def _doing(problem: Problem, schedule: Schedule, person: int, lo: int, hi: int, task: int) -> str:
    name = problem.person_ids[person]
    busy = np.flatnonzero((schedule.person == person) & (schedule.start < hi) & (schedule.end > lo))
    team = problem.team(task)
    busy = [t for t in busy.tolist() if t not in team]
    working = int(problem.cum_work[person, hi] - problem.cum_work[person, lo]) if hi > lo else 0
    if busy:
        names = ", ".join(f"'{problem.task_ids[t]}'" for t in busy[:3]) + (
            ", ..." if len(busy) > 3 else ""
        )
        return f"{name} was on {names}"
    if working == 0:
        return f"{name} was not working (time off, holidays or days off)"
    free = f"{name} was free for {working * problem.hours_per_tick:,.0f} h"
    if len(team) > 1:
        return f"{free}, but not with enough of the rest of the team"
    return f"{free}, too little for it"


def _when(problem: Problem, tick: int) -> str:
    return problem.time_of(tick).strftime("%Y-%m-%d %H:%M UTC")
