"""Energy heads: a task cannot start before the work that must end first fits in its sources' time.

The resource-free earliest schedule (`earliest`) lets every predecessor run as soon as its own
predecessors allow, however many of them wait for the same few people. Here each task's start is
also at least the energy floor of the tasks that end before it starts in every plan (its
finish-to-start predecessors with lags >= 0 and all that end before those, `energy.ends_before`):
those of them that start at or after r (their floors) all lie in [r, start), so the start is no
earlier than the first tick by which a source (a pool of people or a resource, `energy`) can have
done their energy since r. Tasks are timed in order, so each threshold r is a predecessor's
floor, already raised by its own head; the successors' times follow from the raised starts on
exact calendars, as in `earliest`. Every rule is a floor that holds in every plan, so the result
is one: a tighter one where a project's own work queues for the same people.
"""

from __future__ import annotations

import numpy as np

from allocate.bounds import energy
from allocate.bounds.earliest import earliest_schedule
from allocate.problem import FS, Problem
from allocate.schedule import Schedule, required

MAX_BEFORE = 400
"""Tasks with more predecessors than this (transitively) keep their resource-free start: each
task's floor costs one look-up per predecessor and source, and long chains are the rare case
where the predecessors' work rarely queues (they follow each other anyway)."""


def heads_schedule(problem: Problem, sources: energy.Sources) -> Schedule:
    """The earliest schedule (optional work left out) with every task's start raised to the
    energy floor of the work that must end before it starts."""
    before = _before_start(problem)

    def head(task: int, schedule: Schedule) -> int:
        tasks = before[task]
        if len(tasks) < 2 or len(tasks) > MAX_BEFORE:
            return 0  # one task's own end is already its successor's resource-free floor
        start = schedule.start.astype(np.int64)
        none = np.zeros(problem.n_tasks, dtype=np.int64)
        rows, thresholds, work, _ = energy.energy_queries(sources, tasks, start, none)
        return int(energy.finish(sources, rows, thresholds, work).max(initial=0))

    return earliest_schedule(problem, without_optional=True, head=head)


def _before_start(problem: Problem) -> list[np.ndarray]:
    """Per task, the tasks that end before it starts in every plan (sorted)."""
    must = required(problem)
    ends_before = energy.ends_before(problem)
    preds: list[list[int]] = [[] for _ in range(problem.n_tasks)]
    for prec in problem.precedences:
        if prec.kind == FS and prec.lag >= 0 and must[prec.pred] and must[prec.succ]:
            preds[prec.succ].append(prec.pred)
    return [
        np.array(sorted(frozenset().union(*(ends_before[p] for p in mine))), dtype=np.int64)
        for mine in preds
    ]
