"""Named objective terms, defined once on a plan in domain units (hours, counts).

Every strategy optimises these same terms and the checker recomputes them with the functions below,
so a term cannot be half-added. The scenario's `objective` orders them into lexicographic levels;
within a level, terms are added with their weights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from allocate.scenario import Scenario, hours


@dataclass(frozen=True)
class Timing:
    """What the terms need to know about a plan: each placed task's start and end."""

    start: Mapping[str, datetime]
    end: Mapping[str, datetime]


def lateness(scenario: Scenario, timing: Timing) -> float:
    """Priority-weighted hours past deadlines: each task's, and each project's last finish."""
    total = 0.0
    for task in scenario.tasks:
        if task.deadline is not None and task.id in timing.end:
            total += task.priority * max(0.0, hours(timing.end[task.id] - task.deadline))
    for project, finish in project_finishes(scenario, timing).items():
        deadline = scenario.project(project).deadline
        if deadline is not None and finish is not None:
            total += scenario.project(project).priority * max(0.0, hours(finish - deadline))
    return total


def makespan(scenario: Scenario, timing: Timing) -> float:
    """Hours from the planning start until the last task ends."""
    if not timing.end:
        return 0.0
    return max(0.0, hours(max(timing.end.values()) - scenario.start))


def project_finishes(scenario: Scenario, timing: Timing) -> dict[str, datetime | None]:
    finishes: dict[str, datetime | None] = {project.id: None for project in scenario.projects}
    for task in scenario.tasks:
        end = timing.end.get(task.id)
        if task.project is not None and end is not None:
            current = finishes[task.project]
            finishes[task.project] = end if current is None else max(current, end)
    return finishes


TERMS: dict[str, Callable[[Scenario, Timing], float]] = {
    "lateness": lateness,
    "makespan": makespan,
}


def evaluate(scenario: Scenario, timing: Timing) -> dict[str, float]:
    """Every term that the scenario's objective names, in its own unit."""
    return {name: TERMS[name](scenario, timing) for level in scenario.objective for name in level}


def level_values(scenario: Scenario, terms: Mapping[str, float]) -> list[float]:
    """The weighted sum of each lexicographic level (what is compared, level by level)."""
    return [
        sum(weight * terms[name] for name, weight in level.items()) for level in scenario.objective
    ]
