"""Why a plan misses a deadline or leaves optional work out, in words a planner can act on.

For each late task or project we ask the calendar-exact, resource-free earliest schedule (`bounds`):
if even with everybody free the chain of work before the deadline cannot end in time, the lateness
is unavoidable and we name that chain; otherwise the deadline was lost to people being busy or
away, and we name who was doing what in the window where the work could have happened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from allocate.bounds import earliest_schedule
from allocate.calendar import absence_interval
from allocate.limits import binding
from allocate.plan import Lateness
from allocate.problem import NONE, Problem
from allocate.scenario import WEEKDAYS, Calendar, Scenario, holiday_names
from allocate.schedule import Schedule, after, candidates, earliest_times, source
from allocate.strategies.greedy import fitting
from allocate.summaries import working_hours

CHAIN_SHOWN = 6
PEOPLE_SHOWN = 4


def explain_lateness(
    problem: Problem, schedule: Schedule, scenario: Scenario | None = None
) -> list[Lateness]:
    """Every missed deadline with its reason. With the `scenario`, each also gets its working
    hours late (organisation calendar), and someone not working is told apart: time off, a
    public holiday, or simply outside their working hours."""
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
            delayed = _first_delayed(problem, schedule, last)
            reason = _contention(problem, schedule, delayed, scenario)
        working = None
        if scenario is not None:
            span = problem.grid.time(due.tick), problem.grid.time(int(schedule.end[last]))
            working = working_hours(scenario, *span)
        found.append(
            Lateness(
                kind=kind,
                id=ident.strip("'"),
                late_hours=late,
                late_working_hours=working,
                reason=reason,
            )
        )
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
        f"cannot end before {problem.grid.when(end)}"
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
    tick = source(schedule, prec)
    if tick == NONE:
        return False
    target = schedule.start[prec.succ] if prec.to_start else schedule.end[prec.succ]
    return after(problem, prec, tick) >= target


def _contention(
    problem: Problem, schedule: Schedule, task: int, scenario: Scenario | None = None
) -> str:
    lo, hi = earliest_times(problem, schedule, task)[0], int(schedule.start[task])
    if not problem.staffed[task]:
        return f"'{problem.task_ids[task]}' waited for its resources until {problem.grid.when(hi)}"
    people = sorted({int(p) for slot in problem.team(task) for p in problem.eligible[slot]})
    notes = [_doing(problem, schedule, p, lo, hi, task, scenario) for p in people]
    notes = [note for p in people for note in binding(problem, schedule, p, lo, hi, task)] + notes
    shown = "; ".join(notes[:PEOPLE_SHOWN]) + ("; ..." if len(notes) > PEOPLE_SHOWN else "")
    return (
        f"'{problem.task_ids[task]}' could have started {problem.grid.when(lo)} (its predecessors "
        f"were done) but started {problem.grid.when(hi)}: {shown}"
    )


def _doing(
    problem: Problem,
    schedule: Schedule,
    person: int,
    lo: int,
    hi: int,
    task: int,
    scenario: Scenario | None = None,
) -> str:
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
    if working == 0 and scenario is not None:
        calendar = scenario.person(name).calendar
        return f"{name} was {off_work(calendar, problem.grid.time(lo), problem.grid.time(hi))}"
    if working == 0:
        return f"{name} was not working (time off, holidays or days off)"
    free = f"{name} was free for {working * problem.hours_per_tick:,.0f} h"
    if len(team) > 1:
        return f"{free}, but not with enough of the rest of the team"
    return f"{free}, too little for it"


def off_work(calendar: Calendar, start: datetime, end: datetime) -> str:
    """Why `calendar` has no working time in `[start, end)`, in local time: 'off work from Mon
    17:00 to Tue 09:00 (Europe/London): after their working day', or on time off, a public
    holiday or days off (each named)."""
    zone = calendar.zone
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    first, last = local_start.date(), (local_end - timedelta(microseconds=1)).date()
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    why = [
        f"on time off{f' ({off.reason})' if off.reason else ''} {off.start} to {off.end}"
        for off in calendar.time_off
        if (interval := absence_interval(off, zone))[0] < end and interval[1] > start
    ]
    if calendar.holidays:
        named = holiday_names(calendar.holidays, sorted({d.year for d in days}))
        why += [f"on a public holiday ({named[d]}, {d})" for d in days if d in named]
    weekdays = [WEEKDAYS[d.weekday()] for d in days]
    days_off = [day for day in WEEKDAYS if day in weekdays and not calendar.weekly_hours.get(day)]
    if days_off:
        why.append(f"on days off ({', '.join(days_off)})")
    if not why:
        ranges = calendar.weekly_hours.get(weekdays[0], ())
        day_end = max((r.minutes[1] for r in ranges), default=0)
        after = local_start.hour * 60 + local_start.minute >= day_end
        why.append("after their working day" if after else "outside their working hours")
    span = f"{local_start:%a %H:%M} to {local_end:%a %H:%M} ({calendar.timezone})"
    return f"off work from {span}: {'; '.join(why)}"


def explain_left_out(
    problem: Problem, schedule: Schedule, scenario: Scenario | None = None
) -> dict[int, str]:
    """Per optional task the plan leaves out, why: either nobody who may do it has free working
    time for it before the horizon ends (around the plan's bookings), or it would fit but doing
    it would make work with deadlines later by more than its priority-weighted hours are worth
    (a dependant with a deadline, or someone's time that deadline work needs). With the
    `scenario`, the first reason names the candidates' time off too."""
    left_out = schedule.left_out.tolist()
    fits = fitting(problem, schedule, left_out)
    reasons = {}
    for task in left_out:
        lo, _ = earliest_times(problem, schedule, task)
        hours = f"{problem.effort[task] * problem.hours_per_tick:g} h"
        if not fits[task]:
            people = [
                _free_time(problem, schedule, int(p), lo, scenario)
                for p in candidates(problem, task)
            ]
            shown = "; ".join(people[:PEOPLE_SHOWN]) + (
                "; ..." if len(people) > PEOPLE_SHOWN else ""
            )
            reasons[task] = (
                f"left out: nobody who may do its {hours} has free working time for it "
                f"before the planning horizon ends ({problem.grid.when(problem.horizon)}): {shown}"
            )
        else:
            reasons[task] = (
                f"left out: doing its {hours} would make work with deadlines later by more "
                "than its priority-weighted hours are worth"
            )
    return reasons


def _free_time(
    problem: Problem, schedule: Schedule, person: int, lo: int, scenario: Scenario | None
) -> str:
    """How much of `person`'s working time from `lo` to the horizon is free, and their time off
    in it (the organisation calendar for NONE)."""
    name = "the organisation calendar" if person == NONE else problem.person_ids[person]
    cum = problem.calendar_of(person)
    working = int(cum[problem.horizon] - cum[min(lo, problem.horizon)])
    mine = (
        np.flatnonzero((schedule.person == person) & (schedule.end > lo)) if person != NONE else []
    )
    booked = sum(
        int(cum[schedule.end[t]] - cum[max(lo, int(schedule.start[t]))]) for t in list(mine)
    )
    note = f"{name} works {working * problem.hours_per_tick:g} h in that time"
    if booked:
        note += f", {booked * problem.hours_per_tick:g} h of it booked"
    if scenario is not None and person != NONE:
        calendar = scenario.person(name).calendar
        since = problem.grid.time(lo)
        away = [
            f"off {off.start} to {off.end}" + (f" ({off.reason})" if off.reason else "")
            for off in calendar.time_off
            if absence_interval(off, calendar.zone)[1] > since
        ]
        if away:
            note += ", " + ", ".join(away[:2])
    return note
