"""A plan read back onto the compiled problem: who does each compiled task, from which tick to
which. A re-plan starts from the previous plan this way (`solve(..., previous=plan)`), and
analyses that replay or measure a plan (forecast, simulation) work on ticks, as the strategies
do. Tasks the problem no longer has (done or cancelled since) are skipped; tasks the plan does
not have (new ones) stay NONE; a time before the planning start is a negative tick."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.plan import Plan
from allocate.problem import NONE, Problem


@dataclass(frozen=True)
class PlanOnGrid:
    person: np.ndarray
    """Per compiled task (each slot of a team), its person; NONE where the plan has none."""
    start: np.ndarray
    """Per compiled task, the tick its work starts (rounded down onto the grid); NONE if absent."""
    end: np.ndarray
    """Per compiled task, the tick it ends (rounded up); NONE if absent."""
    order: list[int]
    """The leaders the plan holds, by planned start (then end, then index)."""


def on_grid(problem: Problem, plan: Plan) -> PlanOnGrid:
    person = np.full(problem.n_tasks, NONE, dtype=np.int64)
    start = np.full(problem.n_tasks, NONE, dtype=np.int64)
    end = np.full(problem.n_tasks, NONE, dtype=np.int64)
    people = {person_id: p for p, person_id in enumerate(problem.person_ids)}
    leaders = {t: i for i, t in enumerate(problem.task_ids) if problem.team(i)[0] == i}
    for a in plan.assignments:
        if a.task not in leaders:
            continue  # done since the plan was made
        team = problem.team(leaders[a.task])
        start[team.start : team.stop] = problem.grid.tick(a.start)
        end[team.start : team.stop] = problem.grid.tick(a.end, up=True)
        for slot, who in zip(team, a.people, strict=False):
            person[slot] = people.get(who, NONE)
    placed = [i for i in leaders.values() if start[i] != NONE]
    order = sorted(placed, key=lambda t: (int(start[t]), int(end[t]), t))
    return PlanOnGrid(person, start, end, order)
