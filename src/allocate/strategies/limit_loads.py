"""Per-person limits for constructive strategies: what a person has used, and the next start
worth trying when a slot would break a limit (see `allocate.limits` for the rules).

Both answers are exact lower bounds, so a slot search that jumps to them misses no feasible start:

* hours per week: if the week a task starts in would overflow, the start must move until at most
  the week's remaining hours are left before the week ends (later starts use fewer of them); if a
  later week overflows, every start before that week uses at least as much of it.
* projects at once: where the person's other projects already fill the limit, the task's project
  span must not reach. A span that would grow backwards into such a region can start after it;
  one that would grow forwards into it only grows further with a later start: no later start works.
"""

from __future__ import annotations

from allocate import limits
from allocate.problem import NONE, Problem

NEVER = -2
"""`first_clash`'s answer when no later start of this task works for this person."""


class LimitLoads:
    """Each limited person's booked ticks per week and span per project."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.weekly = (
            [{} for _ in range(problem.n_people)] if limits.has_week_limits(problem) else None
        )
        self.projects = (
            [{} for _ in range(problem.n_people)] if limits.has_project_limits(problem) else None
        )

    def first_clash(self, task: int, person: int, start: int, end: int) -> int | None:
        """The earliest later start worth trying if [start, end) breaks a limit, NEVER if none
        can work, else None."""
        if person == NONE:
            return None
        later = None
        if self.weekly is not None and self.problem.week_limit[person] != NONE:
            later = self.max_hours_per_week(person, start, end)
        if later != NEVER and self.projects is not None:
            project = int(self.problem.project_of[task])
            if project != NONE and self.problem.project_limit[person] != NONE:
                jump = self.max_projects(person, project, start, end)
                if jump == NEVER or later is None:
                    later = jump
                elif jump is not None:
                    later = max(later, jump)
        return later

    def book(self, task: int, person: int, start: int, end: int) -> None:
        if person == NONE:
            return
        if self.weekly is not None and self.problem.week_limit[person] != NONE:
            used = self.weekly[person]
            for w, ticks in self._ticks(person, start, end).items():
                used[w] = used.get(w, 0) + ticks
        project = int(self.problem.project_of[task])
        if self.projects is not None and project != NONE:
            spans = self.projects[person]
            lo, hi = spans.get(project, (start, end))
            spans[project] = min(lo, start), max(hi, end)

    def _ticks(self, person: int, start: int, end: int) -> dict[int, int]:
        problem = self.problem
        return limits.week_ticks(problem.cum_work[person], problem.week_start[person], start, end)

    def max_hours_per_week(self, person: int, start: int, end: int) -> int | None:
        """The checker's `max_hours_per_week` rule for `person` working `[start, end)`: the
        earliest later start worth trying if a week would overflow, else None."""
        problem, used = self.problem, self.weekly[person]
        limit, weeks = int(problem.week_limit[person]), problem.week_start[person]
        later = None
        for w, ticks in self._ticks(person, start, end).items():
            room = limit - used.get(w, 0)
            if ticks <= room:
                continue
            if weeks[w] > start:  # a later week: every earlier start uses at least as much of it
                jump = int(weeks[w])
            elif room <= 0:
                jump = int(weeks[w + 1])
            else:  # leave exactly `room` working ticks before the week ends
                timeline = problem.timeline(person)
                k = timeline.cum[min(int(weeks[w + 1]), problem.horizon)] - room
                jump = timeline.work[k] if k < len(timeline.work) else problem.horizon
            later = jump if later is None else max(later, jump)
        return later

    def max_projects(self, person: int, project: int, start: int, end: int) -> int | None:
        """The checker's `max_projects` rule for `person` on `project` over `[start, end)`: the
        earliest later start worth trying if too many projects would overlap, NEVER if no
        later start can help, else None."""
        spans = self.projects[person]
        limit = int(self.problem.project_limit[person])
        if limit <= 0:
            return NEVER
        own = spans.get(project)
        lo, hi = (start, end) if own is None else (min(start, own[0]), max(end, own[1]))
        later = None
        others = [span for p, span in spans.items() if p != project]
        for x1, x2 in _full(others, limit):
            if x1 >= hi or x2 <= lo:
                continue
            if own is not None and x1 >= own[1]:
                return NEVER  # the span would grow forwards into it
            later = x2 if later is None else max(later, x2)
        return later


def _full(spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The regions where at least `limit` of `spans` overlap."""
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    regions, running, opened = [], 0, None
    for moment, change in events:
        running += change
        if running >= limit and opened is None:
            opened = moment
        elif running < limit and opened is not None:
            if moment > opened:
                regions.append((opened, moment))
            opened = None
    return regions


def limit_note(problem: Problem, people) -> str:
    """The limits of `people` in words, for a reason a task could not be placed."""
    notes = [note for p in people if p != NONE for note in limits.describe(problem, int(p))]
    return f" ({'; '.join(notes)})" if notes else ""
