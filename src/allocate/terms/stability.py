"""`changes`: how far a re-plan moves from the previous plan (units: ticks).

Per task the previous plan placed (`problem.previous`, see `allocate.previous`):

* each slot whose person was not on the team before costs `reassign_t` ticks:
  `reassign_t * sum_{p not in crew_t} x[t, p]` (a left-out task has no option present);
* the leader moves `|W(S) - W(s0)|` working ticks of the organisation calendar, where `W` is
  its cumulative working ticks and `s0` the previous start (for work that was to have begun
  before the planning start: the end `E` and the previous end). `W(S)` is exact and small: the
  start's range is cut into runs where the calendar works (`W` grows one per tick) or not (`W`
  stays), one literal per run, `z_k => a_k <= S < b_k and W = W(a_k) + (S - a_k if working)`.
  A task's start ranges over a few weeks in a neighbourhood (tens of runs); CP-SAT would expand
  `AddElement(S, W)` into a literal per start tick instead. The move `m >= W - W(s0)`,
  `m >= W(s0) - W` (enforced while the task is in the plan) is exact at every optimum, and
  level values are recomputed from the schedule anyway.

Held tasks of a neighbourhood add their constant share, so the expression is the whole plan's.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from allocate.previous import changes_by_task, changes_ticks, start_of
from allocate.problem import NONE, Problem
from allocate.terms.base import Component, Term


class Changes(Term):
    """Disruption against the previous plan, in working hours (0 without one)."""

    name = "changes"

    def unit(self, problem: Problem) -> Fraction:
        return Fraction(problem.resolution, 60)

    def upper(self, problem: Problem, horizon: int) -> int:
        previous = problem.previous
        if previous is None:
            return 0
        cum = problem.org_cum_work
        widest = int(cum[min(horizon, problem.horizon)] - cum[problem.first_tick])
        known = previous.at != NONE
        leaders = known & (np.asarray(problem.leader) == np.arange(problem.n_tasks))
        return int(previous.reassign[known & problem.staffed].sum()) + widest * int(leaders.sum())

    def count(self, problem, end, person, component: Component) -> int:
        return changes_ticks(problem, end, person)

    def state(self, statement, component: Component):
        problem, variables = statement.problem, statement.variables
        previous = problem.previous
        if previous is None:
            return 0
        terms: list = []
        for task in np.flatnonzero(previous.at != NONE).tolist():
            v = variables.tasks.get(task)
            if v is None:
                continue  # held: its share is a constant, below
            crew = set(previous.crew[task].tolist())
            if problem.staffed[task]:
                cost = int(previous.reassign[task])
                people = statement.people_of(task)
                terms += [cost * statement.x(task, p) for p in people if p not in crew]
            if problem.team(task)[0] == task:
                terms.append(_move(statement, task, v))
        held = statement.held
        if held is not None:
            free = ~variables.fixing.mask
            for task in np.flatnonzero(free & (previous.at != NONE) & (held.end != NONE)).tolist():
                terms.append(_held_share(problem, held, task))
        return sum(terms)

    def targets(self, problem, schedule, earliest_end):
        hours = problem.hours_per_tick
        found = changes_by_task(problem, schedule.end, schedule.person)
        return [(task, ticks * hours) for task, ticks in found]


def _held_share(problem: Problem, held, task: int) -> int:
    previous, cum = problem.previous, problem.org_cum_work
    share = 0
    person = int(held.person[task])
    if problem.staffed[task] and person not in previous.crew[task]:
        share += int(previous.reassign[task])
    if problem.team(task)[0] == task:
        now = held.end[task] if previous.by_end[task] else held.start[task]
        share += abs(int(cum[int(now)]) - int(cum[int(previous.at[task])]))
    return share


def _move(statement, task: int, v):
    """`m_t`, the working ticks free task `task` moved (its start, or its end `by_end`)."""
    model, problem = statement.model, statement.problem
    by_end = bool(problem.previous.by_end[task])
    when = v.end if by_end else v.start
    cum = problem.org_cum_work
    domain = list(when.proto.domain)
    lo, hi = int(domain[0]), int(domain[-1])
    top = int(cum[min(hi, len(cum) - 1)])
    was = int(cum[int(problem.previous.at[task])])
    worked = model.new_int_var(int(cum[lo]), top, f"W{task}")
    literals = []
    for k, (a, b, working) in enumerate(_runs(cum, lo, hi)):
        z = model.new_bool_var(f"w{task}_{k}")
        model.add(when >= a).only_enforce_if(z)
        model.add(when < b).only_enforce_if(z)
        model.add(worked == int(cum[a]) + (when - a if working else 0)).only_enforce_if(z)
        literals.append(statement.derive(z, _in_run(problem, task, by_end, lo, a, b)))
    model.add_exactly_one(literals)
    statement.derive(worked, _worked(problem, task, by_end, lo))
    move = model.new_int_var(0, max(abs(top - was), abs(int(cum[lo]) - was)), f"m{task}")
    enforced = [] if v.present is None else [v.present]
    model.add(move >= worked - was).only_enforce_if(enforced)
    model.add(move >= was - worked).only_enforce_if(enforced)
    return statement.derive(move, _moved(problem, task, by_end, was))


def _runs(cum: np.ndarray, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """`[a, b)` runs covering `lo..hi` where each tick is working (W grows) or not (the
    horizon's end is not)."""
    last = len(cum) - 1
    ticks = np.arange(lo, max(hi, lo) + 1)
    working = cum[np.minimum(ticks + 1, last)] > cum[np.minimum(ticks, last)]
    cuts = np.flatnonzero(np.diff(working.astype(np.int8))) + 1
    edges = [0, *cuts.tolist(), len(working)]
    return [(lo + a, lo + b, bool(working[a])) for a, b in zip(edges, edges[1:], strict=False)]


def _when(problem: Problem, task: int, by_end: bool, lo: int, end, person) -> int:
    """The tick the model measures `task`'s move at on a whole schedule (its start, or its end
    `by_end`; a left-out task rests at `lo`)."""
    if end[task] == NONE:
        return lo
    return int(end[task]) if by_end else start_of(problem, task, end, person)


def _in_run(problem: Problem, task: int, by_end: bool, lo: int, a: int, b: int):
    return lambda end, person: int(a <= _when(problem, task, by_end, lo, end, person) < b)


def _worked(problem: Problem, task: int, by_end: bool, lo: int):
    cum = problem.org_cum_work
    return lambda end, person: int(cum[_when(problem, task, by_end, lo, end, person)])


def _moved(problem: Problem, task: int, by_end: bool, was: int):
    cum = problem.org_cum_work

    def value(end, person) -> int:
        if end[task] == NONE:
            return 0
        return abs(int(cum[_when(problem, task, by_end, 0, end, person)]) - was)

    return value
