"""Draw the effort each task really takes: from its three-point estimate (or the scenario's spread
around its effort), plus the days its person may be off sick while on it.

Sample `k` of a simulation with seed `s` draws from its own generator, `default_rng([s, k])`, so a
sample is the same whichever batch, process or machine draws it: a sweep on Dask gives the serial
answer.

The work still to do scales with the draw: an in-progress task whose estimate draws 20 % more
than its planned effort has 20 % more of its remaining hours to go. A team's members share one
draw (the work is one piece), each adding their own sick days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allocate.problem import NONE, Problem
from allocate.scenario import Scenario, Task

PERT_WEIGHT = 4.0
"""How strongly a PERT estimate leans on `likely` (the classic (low + 4 likely + high) / 6)."""


@dataclass(frozen=True)
class Draws:
    """What a sampler needs per compiled task, computed once per simulation."""

    points: np.ndarray
    """(tasks, 3): low, likely, high of the whole task's effort in hours (0 for milestones)."""
    remaining: np.ndarray
    """Hours still to do as planned, and the planned effort they are a share of."""
    planned: np.ndarray
    first_slot: np.ndarray
    """Per compiled task, its team's first slot (members share one draw)."""
    sick_rate: np.ndarray
    """Per compiled task, expected sick days per working day of its planned person."""
    day_hours: np.ndarray
    """Per compiled task, its planned person's working hours in an average working day."""
    distribution: str
    ticks_per_hour: float


def prepare(scenario: Scenario, problem: Problem, person: np.ndarray) -> Draws:
    tasks = [scenario.task(t) for t in problem.task_ids]
    spread = scenario.uncertainty
    points = np.array([_points(task, spread) for task in tasks], dtype=float).reshape(-1, 3)
    rates, days = [], []
    for i in range(problem.n_tasks):
        p = int(person[i])
        who = scenario.people[p] if p != NONE else None
        rate, hours = _sickness(who, spread.sick_days_per_year)
        rates.append(rate)
        days.append(hours)
    return Draws(
        points=points,
        remaining=np.array([t.remaining_hours for t in tasks], dtype=float),
        planned=np.array([t.effort_hours for t in tasks], dtype=float),
        first_slot=np.array([problem.team(i)[0] for i in range(problem.n_tasks)], dtype=np.int64),
        sick_rate=np.array(rates),
        day_hours=np.array(days),
        distribution=spread.distribution,
        ticks_per_hour=60 / problem.resolution,
    )


def efforts(draws: Draws, seed: int, samples: range) -> np.ndarray:
    """(samples, tasks) efforts in ticks for the samples numbered `samples`."""
    return np.vstack([_one(draws, np.random.default_rng([seed, k])) for k in samples])


def _one(draws: Draws, rng: np.random.Generator) -> np.ndarray:
    low, likely, high = draws.points.T
    width = high - low
    unit = _unit(rng, low, likely, width, draws.distribution)
    total = low + width * unit
    share = np.divide(total, draws.planned, out=np.zeros_like(total), where=draws.planned > 0)
    hours = (draws.remaining * share)[draws.first_slot]
    if draws.sick_rate.any():
        days = np.divide(
            hours, draws.day_hours, out=np.zeros_like(hours), where=draws.day_hours > 0
        )
        hours = hours + rng.poisson(draws.sick_rate * days) * draws.day_hours
    return np.ceil(np.round(hours * draws.ticks_per_hour, 6)).astype(np.int64)


def _unit(rng, low, likely, width, distribution: str) -> np.ndarray:
    """A draw on [0, 1] with its mode where `likely` sits between `low` and `high`."""
    mode = np.divide(likely - low, width, out=np.zeros_like(width), where=width > 0)
    if distribution == "triangular":
        u = rng.random(len(mode))
        return np.where(
            u < mode,
            np.sqrt(u * mode),
            1 - np.sqrt((1 - u) * (1 - mode)),
        )
    alpha = 1 + PERT_WEIGHT * mode
    beta = 1 + PERT_WEIGHT * (1 - mode)
    return rng.beta(alpha, beta)


def _points(task: Task, spread) -> tuple[float, float, float]:
    if task.milestone:
        return 0.0, 0.0, 0.0
    if task.estimate is not None:
        return task.estimate.low, task.estimate.likely, task.estimate.high
    effort = task.effort_hours
    return spread.low * effort, spread.likely * effort, spread.high * effort


def _sickness(person, sick_days_per_year: float) -> tuple[float, float]:
    """(sick days per working day, hours in an average working day) of `person`."""
    if person is None:
        return 0.0, 0.0
    days = [ranges for ranges in person.calendar.weekly_hours.values() if ranges]
    hours = sum((r.minutes[1] - r.minutes[0]) / 60 for ranges in days for r in ranges)
    per_day = hours / len(days) if days else 0.0
    rate = sick_days_per_year / (52 * len(days)) if days else 0.0
    return rate, per_day
