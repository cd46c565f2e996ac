"""Per-person limits on the planning grid: hours per local week and projects at once.

A person's week runs from Monday 00:00 to Monday 00:00 in their calendar's time zone; on the grid
it is the ticks `[week_start[w], week_start[w + 1])`. A task done by `p` from `s` to `e` works on
every working tick of `p` in `[s, e)`, so its ticks in week `w` are
`cum_work[p, min(e, we)] - cum_work[p, max(s, ws)]`: the same count the checker takes in datetime
space. A person is on project `P` from the start of their first task of `P` to the end of their
last one; at no instant may more than `max_projects` of these spans overlap.

Everything here is on the compiled problem; the strategies, the plan summary and the explanations
share it, the checker does not (it re-derives weeks from the scenario).
"""

from __future__ import annotations

import numpy as np

from allocate.problem import NONE


def has_week_limits(problem) -> bool:
    return bool((problem.week_limit != NONE).any())


def has_project_limits(problem) -> bool:
    return bool((problem.project_limit != NONE).any())


def describe(problem, person: int) -> list[str]:
    """`person`'s limits in words ("'sam' may work only 20 h a week")."""
    name, notes = problem.person_ids[person], []
    if len(problem.week_limit) and problem.week_limit[person] != NONE:
        limit = problem.week_limit[person] * problem.hours_per_tick
        notes.append(f"'{name}' may work only {limit:g} h a week")
    if len(problem.project_limit) and problem.project_limit[person] != NONE:
        count = int(problem.project_limit[person])
        notes.append(f"'{name}' may be on only {count} project{'s' if count != 1 else ''} at once")
    return notes


def week_ticks(cum: np.ndarray, starts: np.ndarray, start: int, end: int) -> dict[int, int]:
    """Working ticks of `[start, end)` in each week (by index into `starts`) it touches; `cum` is
    the person's cumulative working ticks."""
    first = int(np.searchsorted(starts, start, side="right")) - 1
    last = int(np.searchsorted(starts, end - 1, side="right")) - 1 if end > start else first
    used = {}
    for w in range(first, last + 1):
        lo, hi = max(start, int(starts[w])), min(end, int(starts[w + 1]))
        if hi > lo and (ticks := int(cum[hi] - cum[lo])):
            used[w] = ticks
    return used


def week_usage(problem, schedule, person: int) -> dict[int, int]:
    """Working ticks `person` spends on tasks in each week of the plan."""
    usage: dict[int, int] = {}
    cum, starts = problem.cum_work[person], problem.week_start[person]
    for task in np.flatnonzero(schedule.person == person).tolist():
        for w, ticks in week_ticks(
            cum, starts, int(schedule.start[task]), int(schedule.end[task])
        ).items():
            usage[w] = usage.get(w, 0) + ticks
    return usage


def project_spans(problem, schedule, person: int) -> dict[int, tuple[int, int]]:
    """Per project, the `[first start, last end)` of `person`'s tasks of it in the plan."""
    spans: dict[int, tuple[int, int]] = {}
    for task in np.flatnonzero(schedule.person == person).tolist():
        project = int(problem.project_of[task])
        if project == NONE:
            continue
        start, end = int(schedule.start[task]), int(schedule.end[task])
        lo, hi = spans.get(project, (start, end))
        spans[project] = min(lo, start), max(hi, end)
    return spans


def most_at_once(spans) -> int:
    """The largest number of `[start, end)` spans that overlap at one instant."""
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    running = peak = 0
    for _, change in events:  # ends sort before starts at the same tick: spans are half-open
        running += change
        peak = max(peak, running)
    return peak


def binding(problem, schedule, person: int, lo: int, hi: int, task: int) -> list[str]:
    """`person`'s limits that were reached in `[lo, hi)` of the plan, in words, for explaining
    why `task` started no earlier ("'sam' may work only 20 h a week, booked full in the week
    of 2026-03-02")."""
    notes = []
    if len(problem.week_limit) and problem.week_limit[person] != NONE:
        starts, limit = problem.week_start[person], int(problem.week_limit[person])
        full = [
            w
            for w, used in sorted(week_usage(problem, schedule, person).items())
            if used >= limit and starts[w] < hi and starts[w + 1] > lo
        ]
        if full:
            monday = problem.grid.time(int(max(starts[full[0]], 0))).date()
            notes.append(f"{describe(problem, person)[0]}, booked full in the week of {monday}")
    project = int(problem.project_of[task]) if len(problem.project_of) else NONE
    if project != NONE and len(problem.project_limit) and problem.project_limit[person] != NONE:
        spans = project_spans(problem, schedule, person)
        others = [s for p, s in spans.items() if p != project and s[0] < hi and s[1] > lo]
        if len(others) >= problem.project_limit[person]:
            notes.append(describe(problem, person)[-1])
    return notes
