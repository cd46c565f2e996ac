"""The rules of a plan as CP-SAT constraints, each function named after the checker's rule
(`check.RULES`; `rules.RULE_MAP` says where every rule is kept, here or in the domains).

* placed: exactly one option per task (per present optional task; a left-out one rests at its
  earliest start and end).
* working_time: the chosen option takes exactly one class of starts, whose span is the interval
  size and whose start set bounds the task start. Day-hour: `S + shift = ticks_per_day * Y + R`;
  class => `Y in days`, `h1 <= R <= h2`. Start-partition: class => `S in starts`.
* one_at_a_time: NoOverlap of each person's optional intervals (a task's calendar interval
  includes its pauses, so disjoint intervals are exactly "one task at a time").
* people (teams): the slot tasks of a team share the leader's start `S`, and all end at
  `S + max_slot(own span)`, each option's interval covering that whole stretch (so NoOverlap also
  keeps members distinct). In a neighbourhood, a member's fixed bookings join their NoOverlap,
  because the team's span, unlike the own span, is not known when starts are filtered.
* dependency: FS `S_s >= E_p + lag`, SS `S_s >= S_p + lag`, FF `E_s >= E_p + lag`,
  SF `E_s >= S_p + lag`, only while both tasks are present (a dependency on a left-out optional
  task is dropped); a working lag `W(target) >= W(source) + lag` with W the organisation's
  cumulative working ticks, stated as `target >= after[source]` with one element table.
* in a neighbourhood (`fixing.py`), precedences with a fixed end and fixed tasks' bookings are
  already in the free tasks' feasible starts.
* qualified, pinned, release, planning_start and horizon live in the domains (`model.option_starts`
  offers only qualified people, or the pinned one; `partition.feasible_starts` keeps only
  working starts from the release, ending by the horizon, or the pinned start).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

from allocate.problem import NONE, Precedence, Problem
from allocate.strategies.cpsat.variables import LagVars, TaskVars, Variables


def placed(model: cp_model.CpModel, task: TaskVars) -> None:
    """Exactly one option, or (optional task) as many as its presence; a left-out task rests at
    its earliest start and end, so that nothing depends on where."""
    if task.present is None:
        model.add_exactly_one(option.present for option in task.options)
    else:
        model.add(sum(option.present for option in task.options) == task.present)
        model.add(task.start == lowest(task.start)).only_enforce_if(~task.present)
        model.add(task.end == lowest(task.end)).only_enforce_if(~task.present)


def working_time(model: cp_model.CpModel, task: TaskVars, ticks_per_day: int) -> None:
    """The chosen option's class of starts: its span is the interval's size (at most, for a
    team's slot) and its starts bound the task's start (day and hour in day-hour)."""
    if task.day is not None:
        model.add(task.start + task.shift == ticks_per_day * task.day + task.hour)
    for option in task.options:
        model.add_exactly_one([*option.classes, ~option.present])
        partition = option.partition
        spans = cp_model.LinearExpr.weighted_sum(option.classes, partition.spans.tolist())
        if option.team:
            model.add(option.size >= spans).only_enforce_if(option.present)
        else:
            model.add(option.size == spans)
        if task.day is None:
            for literal, starts in zip(option.classes, partition.sets, strict=True):
                model.add_linear_expression_in_domain(
                    task.start, Domain.from_flat_intervals(starts)
                ).only_enforce_if(literal)
            continue
        first, last = task.days
        for literal, days, (low, high) in zip(
            option.classes, partition.sets, partition.hours, strict=True
        ):
            if len(days) != last - first + 1:  # days are unique and inside the range
                model.add_linear_expression_in_domain(
                    task.day, Domain.from_values(days)
                ).only_enforce_if(literal)
            if low > 0 or high < ticks_per_day - 1:
                model.add_linear_constraint(task.hour, low, high).only_enforce_if(literal)


def one_at_a_time(model: cp_model.CpModel, variables: Variables, n_people: int) -> None:
    """Each person's option intervals in one NoOverlap."""
    intervals: list[list[cp_model.IntervalVar]] = [[] for _ in range(n_people)]
    for option in variables.options:
        if option.person != NONE:  # a task that needs nobody books no one
            intervals[option.person].append(option.interval)
    for person_intervals in intervals:
        if len(person_intervals) > 1:
            model.add_no_overlap(person_intervals)


def people(model: cp_model.CpModel, problem: Problem, variables: Variables) -> None:
    """A team's distinct people: its slots start and end together, at the last member's
    finish, each option's interval covering the whole stretch (so one person cannot take two
    slots). A slot held by a neighbourhood counts with its fixed start and own span."""
    for first in {problem.team(t)[0] for t in variables.tasks if len(problem.team(t)) > 1}:
        free = [variables.tasks[s] for s in problem.team(first) if s in variables.tasks]
        owns = [
            sum(
                cp_model.LinearExpr.weighted_sum(o.classes, o.partition.spans.tolist())
                for o in slot.options
            )
            for slot in free
        ]
        held = [s for s in problem.team(first) if s not in variables.tasks]
        lead = free[0]
        if held:
            fixed = variables.fixing.schedule
            start = int(fixed.start[held[0]])
            owns += [problem.end_of(s, int(fixed.person[s]), start) - start for s in held]
            model.add(lead.start == start)
            model.add(lead.end == int(fixed.end[held[0]]))
        model.add_max_equality(lead.end - lead.start, owns)
        for slot in free[1:]:
            model.add(slot.start == lead.start)
            model.add(slot.end == lead.end)
    if variables.fixing is not None:
        _fixed_bookings(model, problem, variables)


def _fixed_bookings(model: cp_model.CpModel, problem: Problem, variables: Variables) -> None:
    """Each member's fixed tasks as constant intervals beside their team options."""
    fixing = variables.fixing
    held = ~fixing.mask & (fixing.schedule.person != NONE)
    for person in {o.person for o in variables.options if o.team}:
        mine = np.flatnonzero(held & (fixing.schedule.person == person))
        fixed = [
            model.new_fixed_size_interval_var(int(fixing.schedule.start[t]), int(span), "")
            for t in mine
            if (span := fixing.schedule.end[t] - fixing.schedule.start[t]) > 0
        ]
        if fixed:
            team = [o.interval for o in variables.options if o.team and o.person == person]
            model.add_no_overlap(team + fixed)


def dependency(model: cp_model.CpModel, problem: Problem, variables: Variables) -> None:
    """Every precedence between two tasks of the model (one with a fixed end is a bound in the
    other's starts, `fixing.windows`)."""
    horizon = variables.horizon
    for precedence in problem.precedences:
        pred, succ = variables.tasks.get(precedence.pred), variables.tasks.get(precedence.succ)
        if pred is None or succ is None:  # a fixed end: a bound in the free task's starts
            continue
        lag = dependency_between(model, problem, precedence, pred, succ, horizon)
        if lag is not None:
            variables.lags.append(lag)


def dependency_between(
    model: cp_model.CpModel,
    problem: Problem,
    precedence: Precedence,
    pred: TaskVars,
    succ: TaskVars,
    horizon: int,
    enforced: Sequence = (),
) -> LagVars | None:
    """`precedence` between two tasks of the model, while both are in the plan (and every
    literal of `enforced` holds); a working lag's table comes back as `LagVars` (for hints)."""
    source = pred.start if precedence.from_start else pred.end
    target = succ.start if precedence.to_start else succ.end
    when = [*enforced, *(v.present for v in (pred, succ) if v.present is not None)]
    if not precedence.working_lag:
        model.add(target >= source + precedence.lag).only_enforce_if(when)
        return None
    after = working_lag_table(problem, precedence.lag, horizon)
    shifted = model.new_int_var(int(after.min()), int(after.max()), "")
    model.add_element(source, after.tolist(), shifted)
    model.add(target >= shifted).only_enforce_if(when)
    return LagVars(precedence, source, shifted, after)


def lowest(variable: cp_model.IntVar) -> int:
    """The smallest value in `variable`'s domain."""
    return int(variable.proto.domain[0])


def working_lag_table(problem: Problem, lag: int, horizon: int) -> np.ndarray:
    """`after[t]`: the earliest tick with `lag` organisation working ticks since tick t, for t in
    0..horizon; `horizon + 1` where there is no such tick inside the model."""
    cumulative = problem.org_cum_work[: horizon + 1]
    after = np.searchsorted(cumulative, cumulative + lag, side="left")
    return np.minimum(after, horizon + 1).astype(np.int64)
