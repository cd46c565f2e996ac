"""What taking on new work does to the rest of a plan: which tasks end later and by how much,
which deadlines slip, what is given to someone else, what it costs.

Both schedules live on one compiled problem (the scenario with the request), so the same
comparison serves an estimate from cheap insertion and an exact re-plan read back onto the grid.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from allocate.problem import NONE, Problem
from allocate.scenario import Frozen
from allocate.schedule import Schedule

EPSILON = 1e-9


class Delay(Frozen):
    """A task of the existing plan that ends `hours` (elapsed) later."""

    task: str
    hours: float
    project: str | None = None


class Slip(Frozen):
    """A deadline whose lateness changes: elapsed hours late before and after (0: on time)."""

    kind: str
    id: str
    before_hours: float
    after_hours: float

    @property
    def added_hours(self) -> float:
        return self.after_hours - self.before_hours


class Effects(Frozen):
    """What a placement does to the work that was already planned (the request's own finish and
    lateness are the option's, not here). `delayed` is largest first; `slips` are other work's
    deadlines whose lateness changes; `reassigned` the tasks given to someone else; `moved`
    counts the tasks that start at another time; `cost` the change of the plan's cost (the
    request's own work included)."""

    delayed: tuple[Delay, ...] = ()
    slips: tuple[Slip, ...] = ()
    reassigned: tuple[str, ...] = ()
    moved: int = 0
    changed: int = 0
    """Tasks of the existing plan that start at another time or change hands."""
    cost: float = 0.0

    @property
    def late_hours_added(self) -> float:
        """Elapsed hours of lateness added to other work's deadlines (negative: saved)."""
        return sum(slip.added_hours for slip in self.slips)


def effects(
    problem: Problem,
    before: Schedule,
    after: Schedule,
    request: Collection[int],
    projects: tuple[str, ...] = (),
) -> Effects:
    """How `after` differs from `before` for every task that is not one of `request` (compiled
    indices, every slot); `projects` are the scenario's project ids by index."""
    hours = problem.hours_per_tick
    leaders = [
        i
        for i in range(problem.n_tasks)
        if problem.team(i)[0] == i and i not in request and before.start[i] != NONE
    ]
    delayed, reassigned, moved, changed = [], [], 0, 0
    for i in leaders:
        if after.start[i] == NONE:
            continue
        shift = int(after.end[i]) - int(before.end[i])
        if shift > 0:
            j = int(problem.project_of[i]) if len(problem.project_of) else NONE
            project = projects[j] if j != NONE and j < len(projects) else None
            delayed.append(Delay(task=problem.task_ids[i], hours=shift * hours, project=project))
        team = problem.team(i)
        people = sorted(before.person[team.start : team.stop].tolist())
        handed = people != sorted(after.person[team.start : team.stop].tolist())
        if handed:
            reassigned.append(problem.task_ids[i])
        shifted = before.start[i] != after.start[i]
        moved += shifted
        changed += shifted or handed
    delayed.sort(key=lambda d: (-d.hours, d.task))
    return Effects(
        delayed=tuple(delayed),
        slips=tuple(_slips(problem, before, after, request)),
        reassigned=tuple(reassigned),
        moved=moved,
        changed=changed,
        cost=_cost(problem, after) - _cost(problem, before),
    )


def _slips(problem: Problem, before: Schedule, after: Schedule, request: Collection[int]):
    """Deadlines of other work whose lateness differs (a project's counts its old tasks only,
    so that the request's own lateness is not counted twice)."""
    hours = problem.hours_per_tick
    for due in problem.dues:
        tasks = [t for t in due.tasks if t not in request]
        if not tasks:
            continue
        old, new = _late(before, tasks, due.tick), _late(after, tasks, due.tick)
        if old is None or new is None or abs(new - old) <= EPSILON:
            continue
        kind, ident = due.label.split(" ", 1)
        yield Slip(
            kind=kind, id=ident.strip("'"), before_hours=old * hours, after_hours=new * hours
        )


def _late(schedule: Schedule, tasks: list[int], tick: int) -> int | None:
    ends = schedule.end[tasks]
    if (ends == NONE).all():
        return None
    return max(0, int(np.max(ends)) - tick)


def _cost(problem: Problem, schedule: Schedule) -> float:
    """The planned work at the people's rates (the objective's `cost` term)."""
    staffed = schedule.person != NONE
    cents = problem.effort[staffed] * problem.rate_cents[schedule.person[staffed]]
    return int(cents.sum()) * problem.hours_per_tick / 100
