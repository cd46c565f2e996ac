"""Why no plan can keep every rule: hard inputs that contradict each other, named by id.

Deadlines are soft here (a missed one costs lateness, `explain.py` says why), so what can make a
scenario infeasible are the hard inputs: pins, releases, dependencies, skills, resources, calendars
and the planning horizon. Only mandatory tasks count: an optional task that cannot be placed is
left out, not a conflict.

`precheck` runs before solving and catches the common contradictions in milliseconds, each in a
planner's words: a pinned start outside the person's working time (their holiday, time off, or
hours), a pin before its release or before its predecessors can be done, two pins booking one
person at once, a resource short at every moment, work that cannot end before the horizon even
with everybody free. When it finds nothing and the strategies still find no plan, `core` asks
CP-SAT (`conflict_core.py`) for a small set of inputs that cannot all hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np

from allocate.bounds import earliest_schedule
from allocate.budget import Budget
from allocate.calendar import absence_interval
from allocate.grid import when
from allocate.plan import Conflict
from allocate.problem import NONE, Problem
from allocate.scenario import WEEKDAYS, Calendar, Person, Scenario, holiday_names
from allocate.schedule import (
    Schedule,
    after,
    candidates,
    earliest_times,
    source,
    topological_order,
)

CHAIN_SHOWN = 5
LABELS_SHOWN = 8
"""A core's inputs named in its message (all of them are in its ids)."""
CORE_OPTIONS_LIMIT = 500
"""Above this many (task, person) choices the CP-SAT core is not tried. Measured on two loaded
cores (benchmarks/results/conflicts.md): 1 s for a 4-task contradiction; on 10 x 100 (about 250
choices) 8-30 s, and 2 of 3 capacity-bound cases still undecided after 30 s."""


def precheck(scenario: Scenario, problem: Problem) -> list[Conflict]:
    """Every contradiction the fast checks find, all at once (empty when none)."""
    earliest = earliest_schedule(problem, without_optional=True)
    found: list[Conflict] = []
    for check in (
        pinned_off_work,
        pinned_before_release,
        pinned_before_predecessors,
        pinned_overlaps,
        resource_always_short,
        past_the_horizon,
    ):
        found += check(scenario, problem, earliest)
    return list(dict.fromkeys(found))  # the slot tasks of a team find the same ones


# --- the checks -----------------------------------------------------------------------------


def pinned_off_work(scenario: Scenario, problem: Problem, earliest: Schedule) -> Iterator[Conflict]:
    """A pinned start when the pinned person (or, without one, every qualified person; for work
    that needs nobody, the organisation) does not work."""
    for task in _mandatory(problem):
        tick = int(problem.pinned_start[task])
        if tick == NONE or problem.is_milestone(task):
            continue
        people = candidates(problem, task)
        if any(_works(problem, p, tick) for p in people):
            continue
        task_id = problem.task_ids[task]
        moment = problem.grid.time(tick)
        whys = [_off_reason(scenario, p, moment) for p in people[:3].tolist()]
        who = problem.person_ids[people[0]] if len(people) == 1 and people[0] != NONE else None
        yield Conflict(
            message=f"task '{task_id}' is pinned to start {when(moment)}, when {'; '.join(whys)}",
            ids=(task_id, *([who] if who else [])),
        )


def pinned_before_release(
    scenario: Scenario, problem: Problem, earliest: Schedule
) -> Iterator[Conflict]:
    for pin in scenario.pins:
        task = scenario.task(pin.task)
        if task.optional or pin.start is None or task.release is None:
            continue
        if pin.start < task.release:
            yield Conflict(
                message=f"task '{task.id}' is pinned to start {when(pin.start)}, before its "
                f"release {when(task.release)}",
                ids=(task.id,),
            )


def pinned_before_predecessors(
    scenario: Scenario, problem: Problem, earliest: Schedule
) -> Iterator[Conflict]:
    """A pinned start (or the end it implies) earlier than its predecessors allow, even if
    everyone were free: the pin contradicts the dependency chain."""
    for task in _mandatory(problem):
        tick = int(problem.pinned_start[task])
        if tick == NONE or not problem.predecessors(task):
            continue
        lo, end_lo = earliest_times(problem, earliest, task)
        ends = [_end(problem, task, int(p), tick) for p in candidates(problem, task)]
        ends = [e for e in ends if e != NONE]
        too_early = ends and max(ends) < end_lo
        if tick >= lo and not too_early:
            continue
        chain = _chain(problem, earliest, task)
        names = _names(problem, chain)
        bound = problem.grid.time(lo if tick < lo else end_lo)
        what = "start" if tick < lo else "end"
        task_id = problem.task_ids[task]
        yield Conflict(
            message=f"task '{task_id}' is pinned to start {problem.grid.when(tick)}, but "
            f"its dependencies ({names}) let it {what} no earlier than {when(bound)}, even "
            "with everyone free",
            ids=tuple(problem.task_ids[t] for t in chain),
        )


def pinned_overlaps(scenario: Scenario, problem: Problem, earliest: Schedule) -> Iterator[Conflict]:
    """Two tasks pinned to one person whose pinned times overlap."""
    booked: dict[int, list[tuple[int, int, int]]] = {}
    for task in _mandatory(problem):
        person, tick = int(problem.pinned_person[task]), int(problem.pinned_start[task])
        if person == NONE or tick == NONE or problem.is_milestone(task):
            continue
        end = _end(problem, task, person, tick)
        booked.setdefault(person, []).append((tick, problem.horizon if end == NONE else end, task))
    for person, spans in booked.items():
        spans.sort()
        for (_, end, first), (start, _, second) in zip(spans, spans[1:], strict=False):
            if start < end:
                a, b = problem.task_ids[first], problem.task_ids[second]
                who = problem.person_ids[person]
                yield Conflict(
                    message=f"tasks '{a}' and '{b}' are both pinned to {who}, at overlapping "
                    f"times ('{a}' runs until {problem.grid.when(end)}, '{b}' starts "
                    f"{problem.grid.when(start)})",
                    ids=(a, b, who),
                )


def resource_always_short(
    scenario: Scenario, problem: Problem, earliest: Schedule
) -> Iterator[Conflict]:
    """A task needing more units of a resource than it has at any moment it could run."""
    for task in _mandatory(problem):
        for r in np.flatnonzero(problem.demand[task]).tolist():
            start = int(max(problem.release[task], earliest.start[task]))
            if start >= problem.horizon:
                continue  # starts past the horizon: `past_the_horizon` says so
            available = problem.capacity[r, start:]
            if available.size and available.max() >= problem.demand[task, r]:
                continue
            task_id, resource = problem.task_ids[task], problem.resource_ids[r]
            yield Conflict(
                message=f"task '{task_id}' needs {problem.demand[task, r]} units of "
                f"'{resource}', which never has that many from {problem.grid.when(start)} "
                "to the planning horizon",
                ids=(task_id, resource),
            )


def past_the_horizon(
    scenario: Scenario, problem: Problem, earliest: Schedule
) -> Iterator[Conflict]:
    """Work that cannot end before the horizon even with everybody free: the task alone (its
    people are away or work too little) or the chain of work before it. Only the first task of
    a chain that cannot end is named, not every task after it."""
    end_name = "the horizon end" if scenario.horizon_end else "the planning horizon"
    end_when = problem.grid.when(problem.horizon)
    stuck: set[int] = set()
    for task in topological_order(problem):
        if problem.optional[task] or _can_end(problem, earliest, task):
            continue
        stuck.add(task)
        if any(p.pred in stuck for p in problem.predecessors(task)):
            continue  # named with the predecessor that cannot end either
        task_id = problem.task_ids[task]
        alone = int(problem.release[task])
        hours = f"{problem.effort[task] * problem.hours_per_tick:g} h"
        pinned = int(problem.pinned_start[task])
        if pinned != NONE and pinned >= problem.horizon:
            yield Conflict(
                message=f"task '{task_id}' is pinned to start {problem.grid.when(pinned)}, "
                f"at or after {end_name} {end_when}",
                ids=(task_id,),
            )
            continue
        if problem.is_milestone(task) and alone > problem.horizon:
            yield Conflict(
                message=f"milestone '{task_id}' is released {problem.grid.when(alone)}, "
                f"after {end_name} {end_when}",
                ids=(task_id,),
            )
            continue
        if not problem.is_milestone(task) and not any(
            _end(problem, task, int(p), _next(problem, int(p), alone)) != NONE
            for p in candidates(problem, task)
        ):
            people = candidates(problem, task)
            whys = [_short_reason(scenario, problem, int(p), alone) for p in people]
            yield Conflict(
                message=f"task '{task_id}' ({hours}) cannot be done between its earliest start "
                f"{problem.grid.when(alone)} and {end_name} {end_when}: " + "; ".join(whys[:3]),
                ids=(task_id,),
            )
            continue
        chain = _chain(problem, earliest, task)
        names = _names(problem, chain)
        yield Conflict(
            message=f"the work before task '{task_id}' ({names}) cannot end before "
            f"{end_name} {end_when}, even with everyone free",
            ids=tuple(problem.task_ids[t] for t in chain),
        )


# --- helpers --------------------------------------------------------------------------------


def _names(problem: Problem, chain: list[int]) -> str:
    names = " -> ".join(f"'{problem.task_ids[t]}'" for t in chain[-CHAIN_SHOWN:])
    return ("... -> " if len(chain) > CHAIN_SHOWN else "") + names


def _mandatory(problem: Problem) -> list[int]:
    return np.flatnonzero(~problem.optional).tolist() if len(problem.optional) else []


def _works(problem: Problem, person: int, tick: int) -> bool:
    if not 0 <= tick < problem.horizon:
        return False
    return problem.timeline(person).next_working(tick) == tick


def _next(problem: Problem, person: int, tick: int) -> int:
    return problem.timeline(person).next_working(tick)


def _end(problem: Problem, task: int, person: int, start: int) -> int:
    if start >= problem.horizon:
        return NONE
    return problem.timeline(person).end(start, int(problem.effort[task]))


def _can_end(problem: Problem, earliest: Schedule, task: int) -> bool:
    start, end_lo = earliest_times(problem, earliest, task)
    start = max(start, int(problem.pinned_start[task]))
    if problem.is_milestone(task):
        return max(start, end_lo) <= problem.horizon
    for person in candidates(problem, task).tolist():
        end = _end(problem, task, person, _next(problem, person, start))
        if end != NONE and end <= problem.horizon:
            return True
    return False


def _chain(problem: Problem, earliest: Schedule, task: int) -> list[int]:
    """The predecessors that, one after another, hold `task` back in the earliest schedule."""
    chain = [task]
    while len(chain) <= problem.n_tasks:
        lo, end_lo = earliest_times(problem, earliest, chain[-1])
        binding = [
            prec.pred
            for prec in problem.predecessors(chain[-1])
            if earliest.start[prec.pred] != NONE
            and after(problem, prec, source(earliest, prec)) >= (lo if prec.to_start else end_lo)
            and (not prec.to_start or lo > problem.release[chain[-1]])
        ]
        if not binding:
            break
        chain.append(binding[0])
    return chain[::-1]


def _person(scenario: Scenario, person: int) -> Person | None:
    return None if person == NONE else scenario.people[person]


def _off_reason(scenario: Scenario, person: int, moment: datetime) -> str:
    """Why `person` (NONE: the organisation) does not work at `moment`, in calendar words."""
    someone = _person(scenario, person)
    who = someone.id if someone else "the organisation"
    calendar = someone.calendar if someone else scenario.calendar
    return f"{who} {_absence(calendar, moment)}"


def _absence(calendar: Calendar, moment: datetime) -> str:
    local = moment.astimezone(calendar.zone)
    for off in calendar.time_off:
        lo, hi = absence_interval(off, calendar.zone)
        if lo <= moment < hi:
            why = f" ({off.reason})" if off.reason else ""
            return f"is off {off.start} to {off.end}{why}"
    if calendar.holidays:
        name = holiday_names(calendar.holidays, [local.year]).get(local.date())
        if name:
            return f"has a public holiday on {local.date()} ({name}, {calendar.holidays})"
    day = WEEKDAYS[local.weekday()]
    hours = ", ".join(str(r) for r in calendar.weekly_hours.get(day, ())) or "no hours"
    return f"does not work then ({local:%a %H:%M} {calendar.timezone}; {day} hours: {hours})"


def _short_reason(scenario: Scenario, problem: Problem, person: int, tick: int) -> str:
    """Why `person` has too little working time from `tick` to the horizon."""
    someone = _person(scenario, person)
    who = someone.id if someone else "the organisation"
    calendar = someone.calendar if someone else scenario.calendar
    cum = problem.calendar_of(person)
    hours = (cum[-1] - cum[min(tick, problem.horizon)]) * problem.hours_per_tick
    absences = [
        f"off {off.start} to {off.end}" + (f" ({off.reason})" if off.reason else "")
        for off in calendar.time_off
        if absence_interval(off, calendar.zone)[1] > problem.grid.time(tick)
    ]
    away = f", {'; '.join(absences[:2])}" if absences else ""
    return f"{who} works only {hours:g} h in that time{away}"


def core(
    scenario: Scenario, problem: Problem, time_limit: float = 10.0, budget: Budget | None = None
):
    """CP-SAT's verdict on the hard inputs (`strategies.cpsat.core.diagnose`): a plan keeping all
    of them, or a small set that cannot hold together, as one Conflict, within `time_limit`
    seconds or the `budget` given.

    The horizon end is questioned only when the scenario sets one: the calendars are then
    expanded a year further so that CP-SAT can tell whether the work would fit without it.
    Above `CORE_OPTIONS_LIMIT` choices, or with weekly hour limits (which the model does not
    state), the answer is "unknown" at once.
    """
    from allocate.limits import has_week_limits
    from allocate.problem import compile_problem
    from allocate.strategies.cpsat.core import Diagnosis, diagnose

    if problem.options > CORE_OPTIONS_LIMIT or has_week_limits(problem):
        return Diagnosis("unknown"), []  # too large, or a limit the model cannot state
    wide = problem
    if scenario.horizon_end is not None:
        wide = compile_problem(scenario, scenario.horizon_end + timedelta(days=365))
    diagnosis = diagnose(problem, wide, budget or Budget(time_limit))
    if diagnosis.status != "infeasible":
        return diagnosis, []
    if not diagnosis.inputs:
        message = (
            "no plan exists even without pins, releases, dependencies and the horizon end: "
            "the work does not fit the qualified people's working time"
        )
        return diagnosis, [Conflict(message=message)]
    shown = [i.label for i in diagnosis.inputs[:LABELS_SHOWN]]
    more = len(diagnosis.inputs) - len(shown)
    labels = "; ".join(shown) + (f"; and {more} more (see the ids)" if more else "")
    ids = tuple(dict.fromkeys(i for item in diagnosis.inputs for i in item.ids))
    return diagnosis, [Conflict(message=f"these inputs cannot all hold: {labels}", ids=ids)]
