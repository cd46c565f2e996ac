"""Which ready task the greedy construction places first: its priority rules.

A rule gives each compiled task a key; among the tasks whose predecessors are all placed, the one
with the lowest key goes first (ties go to the next part of the key, then the lowest index). The
keys come from two estimates on the compiled problem: the chain of work behind a task
(`chain_after`) and the latest end that keeps every deadline after it (`latest_finish`).
"""

from __future__ import annotations

import numpy as np

from allocate.problem import Problem
from allocate.schedule import candidates, topological_order

PRIORITY_RULES = ("deadline", "tail", "constrained")
"""The rules (the strategy's `Greedy(rule=...)`), not the checker's rules of a plan:

* `deadline`: latest finish first, the latest end that keeps every deadline after the task
  (propagated back through its successors), then the longest chain of work behind it;
* `tail`: the longest chain of work behind it first (the critical path rule);
* `constrained`: most constrained first: among tasks whose latest finish falls in the same week,
  the one the fewest people could do (for a team, its scarcest slot; 1 when pinned or when it
  needs nobody), then as `deadline`. Tasks only a few can do take those few before tasks anyone
  could do use them up. The week is the grain because latest finishes are rough estimates:
  ranking by scarcity first ignored deadlines (3-6 times the lateness of `deadline` on the
  generated scenarios), a day changed little, a month let scarce tasks crowd out urgent ones.
"""


def priorities(problem: Problem, rule: str) -> list[tuple]:
    """Each task's key under `rule` (lowest first), ending with the task's index."""
    tail = chain_after(problem)
    if rule == "tail":
        return [(-tail[i], i) for i in range(problem.n_tasks)]
    latest = latest_finish(problem)
    if rule == "constrained":
        week = latest // (7 * problem.ticks_per_day)
        choices = [qualified(problem, i) for i in range(problem.n_tasks)]
        return [(week[i], choices[i], latest[i], -tail[i], i) for i in range(problem.n_tasks)]
    return [(latest[i], -tail[i], i) for i in range(problem.n_tasks)]


def qualified(problem: Problem, task: int) -> int:
    """How many people could do `task` (its team's scarcest slot; 1 if pinned or nobody's)."""
    return min(len(candidates(problem, slot)) for slot in problem.team(task))


def chain_after(problem: Problem) -> np.ndarray:
    """Per task, its effort plus the longest chain of effort after it (ticks)."""
    tail = problem.effort.astype(np.int64).copy()
    for task in reversed(topological_order(problem)):
        for prec in problem.predecessors(task):
            tail[prec.pred] = max(tail[prec.pred], problem.effort[prec.pred] + tail[task])
    return tail


NO_DEADLINE = float(2**50)
"""The latest finish of a task with no deadline after it: later than any tick, and exact in a
float after subtracting chains of work (so such tasks still rank by the work behind them)."""
SHARE_WEEKS = 26
"""The team's share of working time is measured over this many weeks from the planning start
(or the whole horizon when shorter), not over the whole horizon: then the priorities, and so the
plan, do not depend on how far calendars were expanded (`grid.first_window_end` expands at
least this far)."""


def latest_finish(problem: Problem) -> np.ndarray:
    """Per task, the latest end that keeps every deadline after it, stretching work by the
    team's share of working time (a rough elapsed estimate)."""
    share = 1.0
    if problem.n_people:
        until = min(problem.horizon, problem.first_tick + SHARE_WEEKS * 7 * problem.ticks_per_day)
        working = problem.working[:, problem.first_tick : until]
        share = max(float(working.mean()), 1e-3) if working.size else 1.0
    latest = np.full(problem.n_tasks, NO_DEADLINE, dtype=np.float64)
    for due in problem.dues:
        for task in due.tasks:
            latest[task] = min(latest[task], due.tick)
    for task in reversed(topological_order(problem)):
        for prec in problem.predecessors(task):
            gap = problem.effort[task] / share + prec.lag
            latest[prec.pred] = min(latest[prec.pred], latest[task] - gap)
    return latest
