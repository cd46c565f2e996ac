"""Which tasks to free next: four kinds of neighbourhood, all aimed at where the plan loses.

A plan loses where a task ends a due (or the plan) later than it must. "Must" is the resource-free
earliest end (`bounds.earliest_schedule`): lateness up to it is unavoidable whoever does what, so
targets are drawn in proportion to the *excess* `weight x (end - max(deadline, earliest end))`,
a later objective level's much less than the first's. Each objective term names its own targets
(`Term.targets`: the most expensive people for cost, the most loaded for balance, ...).

* `late`: the chain that makes a target late, walked back through the binding arcs (a predecessor
  or the person's previous task that leaves no working time before the start), then the tasks
  around that chain on the people who could do it.
* `project`: a group of dependent tasks (a connected component of the dependencies, which is a
  project in practice) holding a target, nearest in time to the target first, then the tasks
  around them on the people who could do them.
* `people`: a target's person and the people who share most of their skills, their tasks nearest
  in time to the target, free to move between them (balance, cost and continuity moves).
* `window`: every task starting near a moment (a target's start or a random one).

Each returns at most `size` task indices; `Neighbourhoods.fixing` turns them into a `Fixing` with
per-task start windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.bounds import earliest_schedule
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, source
from allocate.strategies.cpsat.fixing import Fixing
from allocate.terms import TERMS

KINDS = ("late", "project", "people", "window")
MISS = 0.5
"""A target's weight is multiplied by this for each neighbourhood around it that found nothing."""
LATER_LEVEL = 0.05
"""The weight of a target of objective level k + 1 relative to one of level k, per unit excess."""


@dataclass
class Target:
    """A task to bring forward, and how much excess lateness rides on it."""

    task: int
    excess: float


class Neighbourhoods:
    """The static structure the kinds need, computed once per solve."""

    def __init__(self, problem: Problem, reach_days: float, candidates: int | None = None):
        self.problem = problem
        self.reach = int(reach_days * problem.ticks_per_day)
        self.candidates = candidates
        self.earliest_end = earliest_schedule(problem).end
        self.successors: list[list[int]] = [[] for _ in range(problem.n_tasks)]
        for prec in problem.precedences:
            self.successors[prec.pred].append(prec.succ)
        self.component = _components(problem, self.successors)
        eligible = np.zeros((problem.n_tasks, problem.n_people), dtype=np.int32)
        for task, people in enumerate(problem.eligible):
            eligible[task, people] = 1
        self.eligible = eligible
        self.shared = eligible.T @ eligible  # tasks both people can do
        self.misses: dict[int, int] = {}

    # --- targets ---------------------------------------------------------------------------

    def targets(self, schedule: Schedule, focus: int | None = None) -> list[Target]:
        """The tasks where the plan loses on some objective term of the first `focus` levels
        (all by default), weighted by how much (in the level's weighted units). Each level's
        weights are normalised to sum to `LATER_LEVEL` per level of rank, whatever its units, so
        a later level is drawn mostly once the earlier level's targets keep missing or it has
        none (the last task if nothing has any excess)."""
        result = self._targets(schedule, focus)
        return result or [Target(int(np.argmax(schedule.end)), 1.0)]

    def has_targets(self, schedule: Schedule, focus: int) -> bool:
        """Does the plan lose anything on the first `focus` levels that a target points at?"""
        return bool(self._targets(schedule, focus))

    def _targets(self, schedule: Schedule, focus: int | None) -> list[Target]:
        result = []
        for rank, level in enumerate(self.problem.objective[:focus]):
            found = [
                (task, weight * excess)
                for name, weight in level.items()
                for task, excess in TERMS[name].targets(self.problem, schedule, self.earliest_end)
                if excess > 0
            ]
            total = sum(excess for _, excess in found)
            result += [Target(t, LATER_LEVEL**rank * excess / total) for t, excess in found]
        return result

    def pick_target(
        self,
        schedule: Schedule,
        rng: np.random.Generator,
        busy: frozenset[int] = frozenset(),
        focus: int | None = None,
    ) -> Target:
        """A target drawn by excess, halved for each neighbourhood around it that found nothing
        since it last paid (the same few worst dues otherwise absorb most of the search), and
        none of the `busy` ones while there are others."""
        targets = self.targets(schedule, focus)
        weights = np.array([t.excess * MISS ** self.misses.get(t.task, 0) for t in targets])
        idle = np.array([t.task not in busy for t in targets])
        if idle.any():
            weights = weights * idle
        return targets[int(rng.choice(len(targets), p=weights / weights.sum()))]

    def record(self, target: int, improved: bool) -> None:
        """What the neighbourhood around `target` did."""
        if improved:
            self.misses.pop(target, None)
        else:
            self.misses[target] = self.misses.get(target, 0) + 1

    # --- kinds ---------------------------------------------------------------------------

    def free(
        self,
        kind: str,
        schedule: Schedule,
        size: int,
        rng: np.random.Generator,
        busy: frozenset[int] = frozenset(),
        focus: int | None = None,
    ) -> tuple[int, np.ndarray, np.ndarray | None]:
        """A target drawn from `schedule` (not one of `busy` if others remain), the tasks `kind`
        frees around it (at most `size`, plus the rest of the teams among them) and, for
        `people`, the group of people they may move between (None: whoever can finish them
        first)."""
        target = self.pick_target(schedule, rng, busy, focus).task
        group = None
        if kind == "people":
            group = self._group(schedule, target, rng)
            found = self._people(schedule, group, target)
        else:
            found = getattr(self, f"_{kind}")(schedule, target, size, rng)
        chosen = _merge([target], found)
        whole = [slot for task in chosen[:size] for slot in self.problem.team(task)]  # teams
        return target, np.unique(np.asarray(whole, dtype=np.int64)), group

    def _late(self, schedule: Schedule, task: int, size: int, rng) -> list[int]:
        chain = self.binding_chain(schedule, task, max(1, size // 3))
        people = np.flatnonzero(self.eligible[chain].any(axis=0))
        lo = int(schedule.start[chain].min()) - self.reach // 2
        hi = int(schedule.end[chain].max())
        return _merge(chain, self._nearby(schedule, people, lo, hi, int(schedule.start[task])))

    def _project(self, schedule: Schedule, task: int, size: int, rng) -> list[int]:
        members = np.flatnonzero(self.component == self.component[task])
        members = members[np.argsort(np.abs(schedule.end[members] - self._end(schedule, task)))]
        members = members[: max(1, 2 * size // 3)].tolist()
        people = np.flatnonzero(self.eligible[members].any(axis=0))
        lo, hi = int(schedule.start[members].min()), int(schedule.end[members].max())
        return _merge(members, self._nearby(schedule, people, lo, hi, self._end(schedule, task)))

    def _group(self, schedule: Schedule, task: int, rng) -> np.ndarray:
        """The target's person and 1-6 people who share most of their skills."""
        person = int(schedule.person[task])
        if self.problem.n_people == 0:
            return np.zeros(0, dtype=np.int64)
        if person == NONE:  # a task that needs nobody: start from anyone
            person = int(rng.integers(self.problem.n_people))
        similar = np.argsort(-self.shared[person], kind="stable")
        return similar[: max(2, min(len(similar), 2 + int(rng.integers(0, 6))))]

    def _people(self, schedule: Schedule, group: np.ndarray, task: int) -> list[int]:
        """The group's tasks, nearest in time to the target first."""
        mine = np.flatnonzero(np.isin(schedule.person, group))
        center = self._start(schedule, task)
        return mine[np.argsort(np.abs(schedule.start[mine] - center), kind="stable")].tolist()

    def _window(self, schedule: Schedule, task: int, size: int, rng) -> list[int]:
        center = self._start(schedule, task)
        if rng.random() < 0.3:  # now and then anywhere, to reach what no target points at
            center = int(rng.integers(self.problem.first_tick, int(schedule.end.max()) + 1))
        order = np.argsort(np.abs(schedule.start - center), kind="stable")
        return order.tolist()

    # --- helpers ---------------------------------------------------------------------------

    def _start(self, schedule: Schedule, task: int) -> int:
        """Where `task` starts; for a left-out one, where it could start at the earliest."""
        start = int(schedule.start[task])
        return start if start != NONE else int(self.earliest_end[task] - self.problem.effort[task])

    def _end(self, schedule: Schedule, task: int) -> int:
        end = int(schedule.end[task])
        return end if end != NONE else int(self.earliest_end[task])

    def binding_chain(self, schedule: Schedule, task: int, limit: int) -> list[int]:
        """`task` and the tasks that hold it back, breadth first: predecessors and previous
        bookings that leave no working time of the task's person before its start."""
        chain, queue, seen = [], [task], {task}
        while queue and len(chain) < limit:
            current = queue.pop(0)
            chain.append(current)
            for before in self.binding(schedule, current):
                if before not in seen:
                    seen.add(before)
                    queue.append(before)
        return chain

    def binding(self, schedule: Schedule, task: int) -> list[int]:
        """The predecessors and the previous booking that leave `task` no idle working time."""
        problem = self.problem
        start, person = int(schedule.start[task]), int(schedule.person[task])
        result = []
        for prec in problem.predecessors(task):
            if self._idle(person, source(schedule, prec) + max(prec.lag, 0), start) == 0:
                result.append(prec.pred)
        previous = self.previous_booking(schedule, task)
        if previous != NONE and self._idle(person, int(schedule.end[previous]), start) == 0:
            result.append(previous)
        return result

    def previous_booking(self, schedule: Schedule, task: int) -> int:
        """The task its person does just before it (NONE if none or a milestone)."""
        person = int(schedule.person[task])
        if person == NONE:
            return NONE
        mine = np.flatnonzero((schedule.person == person) & (schedule.end <= schedule.start[task]))
        return int(mine[np.argmax(schedule.end[mine])]) if len(mine) else NONE

    def _idle(self, person: int, since: int, until: int) -> int:
        """Working ticks of `person` in [since, until) (elapsed ticks for milestones)."""
        if until <= since:
            return 0
        if person == NONE:
            return until - since
        cum = self.problem.cum_work[person]
        return int(cum[until] - cum[max(since, 0)])

    def _nearby(self, schedule, people, lo: int, hi: int, center: int) -> list[int]:
        """Tasks of `people` overlapping [lo, hi], nearest to `center` first."""
        mine = np.isin(schedule.person, people) & (schedule.end > lo) & (schedule.start < hi)
        tasks = np.flatnonzero(mine)
        return tasks[np.argsort(np.abs(schedule.start[tasks] - center), kind="stable")].tolist()

    def fixing(
        self, schedule: Schedule, free: np.ndarray, group: np.ndarray | None = None
    ) -> Fixing:
        """Free `free` within `reach` of their current starts, everything else held; each task
        may go to anyone of `group` who can do it (and stay with its person), or without a
        group to the `candidates` people who can finish it first."""
        start = schedule.start[free]
        people = None
        if group is not None:
            people = {
                int(t): sorted(
                    {
                        int(schedule.person[t]),
                        *np.intersect1d(group, self.problem.eligible[t]).tolist(),
                    }
                )
                for t in free
                if schedule.person[t] != NONE
            }
        left_out = start == NONE  # may go anywhere
        return Fixing(
            schedule,
            free,
            people=people,
            earliest=np.where(left_out, 0, start - self.reach),
            latest=np.where(left_out, self.problem.horizon, start + self.reach),
            max_options=self.candidates if group is None else None,
        )


def _merge(first: list[int], then: list[int]) -> list[int]:
    """`first`, then the new items of `then`, in order (NONE dropped)."""
    seen = set(first)
    result = list(first)
    for item in then:
        if item != NONE and item not in seen:
            seen.add(item)
            result.append(item)
    return result


def _components(problem: Problem, successors: list[list[int]]) -> np.ndarray:
    """Per task, the id of its connected component of the dependency graph."""
    label = np.full(problem.n_tasks, NONE, dtype=np.int64)
    neighbours: list[list[int]] = [list(s) for s in successors]
    for prec in problem.precedences:
        neighbours[prec.succ].append(prec.pred)
    for root in range(problem.n_tasks):
        if label[root] != NONE:
            continue
        label[root] = root
        stack = [root]
        while stack:
            for other in neighbours[stack.pop()]:
                if label[other] == NONE:
                    label[other] = root
                    stack.append(other)
    return label
