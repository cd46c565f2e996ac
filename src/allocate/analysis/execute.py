"""Execute a plan with other efforts: what happens if nobody re-plans.

Each task keeps its people and each person keeps the order of their tasks; dates move through
dependencies (every type, lags in elapsed or working time), releases and everyone's own working
time. A task starts at the first tick its people are all at work once its predecessors allow and
their previous tasks are done, and ends when their own effort is done (a team when its last
member is). Many samples run at once: every step is a numpy operation over the samples, so a
thousand samples of the bundled example take about as long as a few greedy plans.

Left out of this policy, on purpose (it executes a plan, it does not plan): shared resources
(the plan's order of people already keeps most of their users apart), weekly hour limits and
projects at once. The re-planning policy (`simulate(policies=("replan",))`) keeps every rule.

For each task and sample `driver` names what set its start: a predecessor or the person's previous
task (their index), or nothing (-1: its release or the planning start). Following drivers back
from a project's last task gives the chain that decided its finish in that sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.problem import FF, FS, NONE, SS, Problem


@dataclass(frozen=True)
class Executed:
    start: np.ndarray
    """(samples, tasks) start ticks; NONE for tasks the plan leaves out."""
    end: np.ndarray
    driver: np.ndarray
    overflow: float
    """Share of (sample, task) ends that ran past the compiled horizon (clipped to it)."""


class _Axis:
    """One calendar's working ticks, for vectorised look-ups over samples."""

    def __init__(self, cum: np.ndarray):
        self.cum = cum.astype(np.int64)
        self.work = np.flatnonzero(np.diff(self.cum))
        self.horizon = len(cum) - 1

    def next_working(self, tick: np.ndarray) -> np.ndarray:
        k = self.cum[np.clip(tick, 0, self.horizon)]
        inside = k < len(self.work)
        return np.where(inside, self.work[np.minimum(k, len(self.work) - 1)], self.horizon)

    def end(self, start: np.ndarray, effort: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where `effort` working ticks from `start` end, and whether that ran past the horizon."""
        k = self.cum[np.clip(start, 0, self.horizon)] + effort - 1
        past = k >= len(self.work)
        end = np.where(past, self.horizon, self.work[np.clip(k, 0, len(self.work) - 1)] + 1)
        return np.where(effort > 0, end, start), past & (effort > 0)

    def start_for_end(self, end: np.ndarray, effort: np.ndarray) -> np.ndarray:
        """The earliest start from which `effort` working ticks end at or after `end`."""
        k = self.cum[np.clip(end - 1, 0, self.horizon)] - effort + 1
        return np.where(k < 0, 0, self.work[np.clip(k, 0, len(self.work) - 1)])


def execute(
    problem: Problem,
    person: np.ndarray,
    order: list[int],
    effort: np.ndarray,
    *,
    sequence_people: bool = True,
) -> Executed:
    """Push `effort` ((samples, tasks) ticks) through the plan given by `person` (per compiled
    task) and `order` (the plan's leaders by planned start). Without `sequence_people`, people
    may do any number of tasks at once: the critical-path-only view that ignores them."""
    samples = effort.shape[0]
    start = np.full((samples, problem.n_tasks), NONE, dtype=np.int64)
    end = np.full((samples, problem.n_tasks), NONE, dtype=np.int64)
    driver = np.full((samples, problem.n_tasks), NONE, dtype=np.int64)
    axes = _axes(problem)
    org = axes[NONE]
    waits = _waits(problem, person, order, sequence_people)
    placed = set(order)
    past = np.zeros((samples, problem.n_tasks), dtype=bool)
    passes = 1 if _forward(problem, order, waits) else len(order) + 1
    for _ in range(passes):  # a link against the plan's order needs passes until nothing moves
        before = start.copy()
        for task in order:
            _place(
                problem,
                task,
                person,
                effort,
                waits[task],
                placed,
                axes,
                org,
                start,
                end,
                driver,
                past,
            )
        if np.array_equal(before, start):
            break
    return Executed(start, end, driver, float(past[:, order].mean()) if order else 0.0)


def _forward(problem: Problem, order: list[int], waits) -> bool:
    """Does every task come after everything it waits for (so one pass settles all dates)?"""
    rank = {task: k for k, task in enumerate(order)}
    return all(
        rank.get(prec.pred, -1) < rank[task]
        for task in order
        for prec in problem.predecessors(task)
    ) and all(rank[w] < rank[task] for task in order for w in waits[task])


def _place(problem, task, person, effort, waits, placed, axes, org, start, end, driver, past):
    """Start and end of `task` (and its team's slots) in every sample, from what it waits for."""
    team = problem.team(task)
    samples = start.shape[0]
    floor = np.full(samples, max(int(problem.release[task]), problem.first_tick), np.int64)
    starts, ends = [floor], []
    start_by, end_by = [NONE], []
    for prec in problem.predecessors(task):
        if prec.pred not in placed:
            continue  # a left-out task: its link is dropped
        source = end[:, prec.pred] if prec.kind in (FS, FF) else start[:, prec.pred]
        moved = _shift(org, source, prec.lag, prec.working_lag)
        (starts if prec.kind in (FS, SS) else ends).append(moved)
        (start_by if prec.kind in (FS, SS) else end_by).append(prec.pred)
    for previous in waits:
        starts.append(end[:, previous])
        start_by.append(previous)
    stacked = np.vstack(starts)
    earliest = stacked.max(axis=0)
    why = np.asarray(start_by)[stacked.argmax(axis=0)]
    members = [(slot, int(person[slot])) for slot in team]
    if problem.is_milestone(task):
        begin = earliest
    else:
        begin = _together(earliest, [axes[p] for _, p in members])
    finish = _finish(members, begin, effort, axes, past)
    if ends:
        stacked_end = np.vstack(ends)
        needed = stacked_end.max(axis=0)
        late = finish < needed
        if late.any():
            why = np.where(late, np.asarray(end_by)[stacked_end.argmax(axis=0)], why)
            if problem.is_milestone(task):
                begin = np.maximum(begin, needed)
            else:
                later = np.max(
                    [axes[p].start_for_end(needed, effort[:, slot]) for slot, p in members], axis=0
                )
                begin = np.where(late, np.maximum(begin, later), begin)
            finish = _finish(members, begin, effort, axes, past)
    start[:, team.start : team.stop] = begin[:, None]
    end[:, team.start : team.stop] = finish[:, None]
    driver[:, team.start : team.stop] = why[:, None]


def _together(earliest: np.ndarray, calendars: list[_Axis]) -> np.ndarray:
    """The first tick at or after `earliest` at which every member is at work (each member of a
    team starts in their own working time, as the checker demands)."""
    begin = earliest
    while True:
        moved = np.max([axis.next_working(begin) for axis in calendars], axis=0)
        if np.array_equal(moved, begin):
            return begin
        begin = moved


def _finish(members, begin, effort, axes, past) -> np.ndarray:
    ends = []
    for slot, p in members:
        done, beyond = axes[p].end(begin, effort[:, slot])
        past[:, slot] |= beyond
        ends.append(done)
    return np.max(ends, axis=0)


def _shift(org: _Axis, tick: np.ndarray, lag: int, working: bool) -> np.ndarray:
    if not working:
        return tick + lag
    target = org.cum[np.clip(tick, 0, org.horizon)] + lag
    return np.searchsorted(org.cum, target, side="left")


def _axes(problem: Problem) -> dict[int, _Axis]:
    axes = {p: _Axis(problem.cum_work[p]) for p in range(problem.n_people)}
    axes[NONE] = _Axis(problem.org_cum_work)
    return axes


def _waits(problem: Problem, person, order: list[int], sequence_people: bool):
    """Per leader, the leaders it waits for because one of its people works on them first."""
    waits: dict[int, list[int]] = {task: [] for task in order}
    if not sequence_people:
        return waits
    last: dict[int, int] = {}
    for task in order:
        for slot in problem.team(task):
            p = int(person[slot])
            if p == NONE:
                continue
            if p in last and last[p] not in waits[task]:
                waits[task].append(last[p])
            last[p] = task
    return waits
