"""Hours per local week in the CP-SAT model (the checker's `max_hours_per_week`), exactly.

A person's task work is easiest to see on their *working axis*, where working tick number `c`
(counted from tick 0) sits at position `c` and pauses take no room. An option begun at start tick
`S` covers the positions `[c, c + effort)` with `c = cum[S]` (a team member's own work, which is
what the checker counts), and week `w` is the fixed range `[A_w, B_w)` with `A_w = cum[week
start]`. So the ticks the option puts into week `w` are the overlap of two ranges,

    overlap_w = min(c + effort - A_w, B_w - c, effort, B_w - A_w),   counted when positive,

linear in `c` but for a `min`. Per option of a limited person the model has one position
variable `k` (`c - c_lo`, ranging over the option's feasible starts) tied to the start by one
element table over the person's working ticks (`T = work[c]`, `S = T` when the option is chosen,
so an absent option's `k` is free), and per week it can reach a `min` equality `m_w` and a load
`h_w >= max(0, m_w)` when chosen. Then per (person, week) `sum h_w <= limit - held` where `held`
is what a neighbourhood's fixed tasks already use there. Loads may exceed the overlap (they are
bounds), which is harmless: the exact overlap is always a solution.

With `week_overlap="table"` (`CpSat(week_overlap="table")`) each `m_w` is an element table
over `k` (the values of the `min` at each position), sharing `k`'s encoding; `benchmarks/limits.py`
compares the two.

Kept small: a (person, week) whose options cannot reach the limit even all together gets no
constraint, an option with no such week gets no variables, a week an option always covers fully
is `effort * x` and a range cut by neither boundary drops that term of the `min`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from allocate.limits import week_ticks
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule
from allocate.strategies.cpsat.variables import OptionVars, Variables

OVERLAPS = ("min", "table")
"""How an option's overlap with a week can be stated: a min equality (the default, measured
faster) or an element table."""


@dataclass
class WeekLoads:
    """The week variables of one option: its position `index` (`c - lowest`), the start it
    stands for, and per week its overlap `min` and load."""

    option: OptionVars
    effort: int
    lowest: int
    index: cp_model.IntVar
    start: cp_model.IntVar
    table: list[int]
    weeks: list[tuple[int, int, int]] = field(default_factory=list)
    """(week, A_w, B_w) of each week below, aligned with `overlaps` and `loads`."""
    overlaps: list[cp_model.IntVar | int] = field(default_factory=list)
    """An int where the option always covers the week fully (CP-SAT shares constant variables,
    and a hint must name each variable once)."""
    loads: list[cp_model.IntVar] = field(default_factory=list)


def limited(problem: Problem) -> np.ndarray:
    """Per person: has a weekly hour limit?"""
    if not len(problem.week_limit):
        return np.zeros(problem.n_people, dtype=bool)
    return problem.week_limit != NONE


def week_bounds(problem: Problem, person: int) -> np.ndarray:
    """The local week starts of `person` on their working axis (`A_w`; `B_w = A_{w+1}`)."""
    cum = problem.cum_work[person]
    return cum[np.clip(problem.week_start[person], 0, len(cum) - 1)]


def own_end(problem: Problem, schedule: Schedule, task: int) -> int:
    """Where the work of `task`'s own person ends (a team member may finish before the team)."""
    start, person = int(schedule.start[task]), int(schedule.person[task])
    if len(problem.team(task)) == 1 or person == NONE:
        return int(schedule.end[task])
    return problem.end_of(task, person, start)


def week_loads(problem: Problem, schedule: Schedule, person: int, tasks=None) -> dict[int, int]:
    """Working ticks of `person`'s own work per week, over `tasks` (default: all of theirs)."""
    mine = schedule.person == person
    if tasks is not None:
        mine &= tasks
    usage: dict[int, int] = {}
    cum, starts = problem.cum_work[person], problem.week_start[person]
    for task in np.flatnonzero(mine).tolist():
        start = int(schedule.start[task])
        for w, ticks in week_ticks(cum, starts, start, own_end(problem, schedule, task)).items():
            usage[w] = usage.get(w, 0) + ticks
    return usage


def weeks_problem(problem: Problem, schedule: Schedule) -> str | None:
    """Why a complete schedule breaks a weekly hour limit; None if it keeps them."""
    for person in np.flatnonzero(limited(problem)).tolist():
        most = max(week_loads(problem, schedule, person).values(), default=0)
        if most > problem.week_limit[person]:
            return f"'{problem.person_ids[person]}' works more hours in a week than allowed"
    return None


def max_hours_per_week(
    model: cp_model.CpModel,
    problem: Problem,
    variables: Variables,
    work: list[np.ndarray],
    week_overlap: str = "min",
) -> list[WeekLoads]:
    """The loads of every limited person's options and one sum per (person, week) at risk."""
    chosen = limited(problem)
    if not chosen.any():
        return []
    held = _held(problem, variables)
    by_person: dict[int, list[OptionVars]] = {}
    for option in variables.options:
        if option.person != NONE and chosen[option.person]:
            by_person.setdefault(option.person, []).append(option)
    found = []
    for person, options in by_person.items():
        bounds = week_bounds(problem, person)
        room = _at_risk(problem, person, options, bounds, held.get(person, {}))
        sums: dict[int, list] = {w: [] for w in room}
        for option in options:
            loads = _option_loads(model, problem, option, bounds, room, work[person], week_overlap)
            if loads is None:
                continue
            found.append(loads)
            for (w, _, _), load in zip(loads.weeks, loads.loads, strict=True):
                sums[w].append(load)
        for w, terms in sums.items():
            model.add(sum(terms) <= room[w])
    return found


def _at_risk(
    problem: Problem, person: int, options: list[OptionVars], bounds: np.ndarray, held: dict
) -> dict[int, int]:
    """The weeks `person`'s options could fill beyond the limit, with the room left in each."""
    reach: dict[int, int] = {}
    cum = problem.cum_work[person]
    for option in options:
        effort = int(problem.effort[option.task])
        first, last = int(cum[option.starts.ticks[0]]), int(cum[option.starts.ticks[-1]])
        for w in _weeks(bounds, first, last + effort):
            reach[w] = reach.get(w, 0) + min(effort, int(bounds[w + 1] - bounds[w]))
    limit = int(problem.week_limit[person])
    room = {w: limit - held.get(w, 0) for w in reach}
    return {w: left for w, left in room.items() if reach[w] > left}


def _weeks(bounds: np.ndarray, lo: int, hi: int) -> range:
    """The weeks `[lo, hi)` on the working axis reaches (none when empty)."""
    if hi <= lo:
        return range(0)
    first = int(np.searchsorted(bounds, lo, side="right")) - 1
    last = int(np.searchsorted(bounds, hi - 1, side="right")) - 1
    return range(max(first, 0), min(last, len(bounds) - 2) + 1)


def _option_loads(
    model: cp_model.CpModel,
    problem: Problem,
    option: OptionVars,
    bounds: np.ndarray,
    room: dict[int, int],
    work: np.ndarray,
    week_overlap: str,
) -> WeekLoads | None:
    effort = int(problem.effort[option.task])
    positions = problem.cum_work[option.person][option.starts.ticks].astype(np.int64)
    lo, hi = int(positions[0]), int(positions[-1])
    weeks = [w for w in _weeks(bounds, lo, hi + effort) if w in room]
    if not weeks:
        return None
    index = model.new_int_var_from_domain(Domain.from_values((positions - lo).tolist()), "")
    table = work[lo : hi + 1].tolist()
    start = model.new_int_var(table[0], table[-1], "")
    model.add_element(index, table, start)
    task_start = option.interval.start_expr()
    model.add(task_start == start).only_enforce_if(option.present)
    loads = WeekLoads(option, effort, lo, index, start, table)
    c = index + lo
    for w in weeks:
        a, b = int(bounds[w]), int(bounds[w + 1])
        cap = min(effort, b - a)
        terms, low = [], cap
        if lo < a:  # may start before the week
            terms.append(c + effort - a)
            low = min(low, lo + effort - a)
        if hi + effort > b:  # may end after it
            terms.append(b - c)
            low = min(low, b - hi)
        if terms and week_overlap == "table":
            c_all = np.arange(lo, hi + 1)
            values = np.minimum(np.minimum(c_all + effort - a, b - c_all), cap)
            overlap = model.new_int_var(low, cap, "")
            model.add_element(index, values.tolist(), overlap)
        elif terms:
            overlap = model.new_int_var(low, cap, "")
            model.add_min_equality(overlap, [*terms, cap])
        else:
            overlap = cap
        load = model.new_int_var(0, cap, "")
        model.add(load >= overlap).only_enforce_if(option.present)
        loads.weeks.append((w, a, b))
        loads.overlaps.append(overlap)
        loads.loads.append(load)
    return loads


def _held(problem: Problem, variables: Variables) -> dict[int, dict[int, int]]:
    """Per limited person, the ticks per week a neighbourhood's fixed tasks use."""
    fixing = variables.fixing
    if fixing is None:
        return {}
    return {
        person: week_loads(problem, fixing.schedule, person, ~fixing.mask)
        for person in np.flatnonzero(limited(problem)).tolist()
    }


def hint_loads(loads: list[WeekLoads], problem: Problem, hint: Schedule, pairs: list) -> None:
    """Hint each option's position, start, overlaps and loads from the schedule `hint`."""
    for found in loads:
        option = found.option
        chosen = int(hint.person[option.task]) == option.person
        position = found.lowest
        if chosen:
            position = int(problem.cum_work[option.person][int(hint.start[option.task])])
        pairs += [
            (found.index, position - found.lowest),
            (found.start, found.table[position - found.lowest]),
        ]
        for (_, a, b), overlap, load in zip(found.weeks, found.overlaps, found.loads, strict=True):
            value = min(position + found.effort - a, b - position, found.effort, b - a)
            if not isinstance(overlap, int):
                pairs.append((overlap, value))
            pairs.append((load, max(value, 0) if chosen else 0))
