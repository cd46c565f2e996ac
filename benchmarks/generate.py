"""Seeded generator of agency-like benchmark scenarios.

    python benchmarks/generate.py 40 500 --seed 1 > s.json

The instances mirror those of the calendar-formulation study (its section "Instances"): 26 weeks
from Monday 2027-01-04 00:00 UTC; people in Berlin, New York and Singapore with their countries'
public holidays, 1-3 vacation blocks of 3-10 days, 20 % part-time on 3 or 4 weekdays, 8-hour days
starting at 8, 9 or 10 local time; 8 skills, 2-4 per person at level 1-5. Tasks need 1-2 skills at
levels that 15-30 % of the people meet, come in projects of 5-25 tasks with a random DAG inside
(about 1.5 predecessors per task), and have lognormal efforts of 2-80 hours scaled to about 45 % of
the team's capacity. 20 % have release dates in the first quarter, 30 % tight deadlines (0.8-1.6
times a chain estimate, so some lateness is unavoidable); priorities are 1-5; about a third of the
projects have a deadline too. Hourly rates follow seniority: 50 + 15 x the person's best level.
Sizes used by the benchmarks: 10x100, 20x200, 40x500, 150x2000.
"""

from __future__ import annotations

import argparse
import itertools
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np

from allocate.scenario import (
    Calendar,
    Dependency,
    Person,
    Project,
    Scenario,
    Task,
    TimeOff,
    TimeRange,
    holiday_calendar,
)

START = datetime(2027, 1, 4, tzinfo=UTC)
DAYS = 26 * 7
ZONES = (("Europe/Berlin", "DE"), ("America/New_York", "US"), ("Asia/Singapore", "SG"))
RATE_BASE, RATE_PER_LEVEL = 50.0, 15.0
"""Hourly rate: 65 for a best skill at level 1 up to 125 at level 5."""
SKILLS = ("design", "frontend", "backend", "mobile", "qa", "devops", "pm", "data")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
DAY_HOURS = 8
LOAD = 0.45
ELAPSED_PER_WORKING_HOUR = 24 * 7 / (5 * DAY_HOURS)
"""A week has 168 elapsed hours and 40 working ones: the chain estimate's conversion factor."""


def generate(people: int, tasks: int, seed: int = 1) -> Scenario:
    """A random agency-like scenario of `people` x `tasks`; equal seeds give equal scenarios."""
    if people < 1 or tasks < 1:
        raise ValueError("need at least one person and one task")
    rng = np.random.default_rng(seed)
    team, capacity = _people(rng, people)
    levels = np.array([[person.level(skill) for skill in SKILLS] for person in team])
    sizes = _project_sizes(rng, tasks)
    project_of = np.repeat(np.arange(len(sizes)), sizes)
    predecessors = _dags(rng, sizes)
    effort = _efforts(rng, tasks, LOAD * capacity)
    release = np.where(rng.random(tasks) < 0.2, rng.integers(0, DAYS * 24 // 4, tasks), 0)
    finish = _chain_estimate(predecessors, effort, release)
    requirements = _requirements(rng, levels, tasks)
    priority = rng.integers(1, 6, tasks)
    tight = rng.random(tasks) < 0.3
    due = np.ceil(finish * rng.uniform(0.8, 1.6, tasks)).astype(int)
    due = np.maximum(due, release + np.ceil(effort * ELAPSED_PER_WORKING_HOUR).astype(int))

    ids = [f"t{i:0{len(str(tasks))}d}" for i in range(tasks)]
    project_ids = [f"proj{p:0{len(str(len(sizes)))}d}" for p in range(len(sizes))]
    task_list = tuple(
        Task(
            id=ids[i],
            project=project_ids[project_of[i]],
            effort_hours=float(effort[i]),
            skills=requirements[i],
            after=tuple(Dependency(task=ids[j]) for j in predecessors[i]),
            release=_at(release[i]) if release[i] else None,
            deadline=_at(due[i]) if tight[i] else None,
            priority=int(priority[i]),
        )
        for i in range(tasks)
    )
    projects = []
    for p in range(len(sizes)):
        deadline = None
        if rng.random() < 1 / 3:
            deadline = _at(math.ceil(finish[project_of == p].max() * rng.uniform(1.0, 1.5)))
        projects.append(
            Project(id=project_ids[p], deadline=deadline, priority=int(rng.integers(1, 6)))
        )
    return Scenario(
        name=f"generated {people} people x {tasks} tasks, seed {seed}",
        start=START,
        people=team,
        projects=tuple(projects),
        tasks=task_list,
        horizon_end=START + timedelta(days=DAYS),
    )


def _people(rng: np.random.Generator, n: int) -> tuple[tuple[Person, ...], float]:
    """The team and its working hours within the horizon (holidays and vacations deducted)."""
    days = [START.date() + timedelta(days=d) for d in range(DAYS)]
    holidays = {country: set(holiday_calendar(country, [2027])) for _, country in ZONES}
    shifts = {h: (TimeRange.model_validate(f"{h}:00-{h + DAY_HOURS}:00"),) for h in (8, 9, 10)}
    part_time = set(rng.choice(n, size=round(0.2 * n), replace=False).tolist())
    width = len(str(n))
    team, capacity = [], 0.0
    for p in range(n):
        zone, country = ZONES[rng.integers(len(ZONES))]
        chosen = rng.choice(len(SKILLS), size=rng.integers(2, 5), replace=False)
        skills = {SKILLS[s]: int(rng.integers(1, 6)) for s in sorted(chosen)}
        weekdays = WEEKDAYS
        if p in part_time:
            picked = rng.choice(5, size=rng.integers(3, 5), replace=False)
            weekdays = tuple(WEEKDAYS[d] for d in sorted(picked))
        shift = shifts[int(rng.choice((8, 9, 10)))]
        vacations = _vacations(rng)
        away = holidays[country].union(*(_days(off) for off in vacations))
        capacity += DAY_HOURS * sum(
            day.weekday() < 5 and WEEKDAYS[day.weekday()] in weekdays and day not in away
            for day in days
        )
        calendar = Calendar(
            timezone=zone,
            weekly_hours={day: shift for day in weekdays},
            holidays=country,
            time_off=vacations,
        )
        rate = RATE_BASE + RATE_PER_LEVEL * max(skills.values())  # seniority, no random draw
        team.append(
            Person(id=f"p{p:0{width}d}", skills=skills, calendar=calendar, hourly_rate=rate)
        )
    return tuple(team), capacity


def _vacations(rng: np.random.Generator) -> tuple[TimeOff, ...]:
    """1-3 blocks of 3-10 days, one in each equal part of the horizon, so they never overlap."""
    blocks = int(rng.integers(1, 4))
    part = DAYS // blocks
    result = []
    for b in range(blocks):
        length = int(rng.integers(3, 11))
        first = START.date() + timedelta(days=b * part + int(rng.integers(0, part - length + 1)))
        last = first + timedelta(days=length - 1)
        result.append(TimeOff(start=first, end=last, reason="vacation"))
    return tuple(result)


def _days(off: TimeOff) -> set[date]:
    return {off.start + timedelta(days=d) for d in range((off.end - off.start).days + 1)}


def _project_sizes(rng: np.random.Generator, tasks: int) -> list[int]:
    """Project sizes of 5-25 summing to `tasks` (one smaller project when `tasks` < 5)."""
    sizes, remaining = [], tasks
    while remaining > 25:
        size = min(int(rng.integers(5, 26)), remaining - 5)
        sizes.append(size)
        remaining -= size
    return [*sizes, remaining]


def _dags(rng: np.random.Generator, sizes: list[int]) -> list[list[int]]:
    """Per task, its predecessors: 1 + Poisson(0.7) of the six tasks before it in its project."""
    predecessors, first = [], 0
    for size in sizes:
        for j in range(size):
            window = min(j, 6)
            count = min(window, 1 + int(rng.poisson(0.7)))
            picked = rng.choice(window, size=count, replace=False) if count else []
            predecessors.append(sorted(first + j - 1 - int(k) for k in picked))
        first += size
    return predecessors


def _efforts(rng: np.random.Generator, tasks: int, total: float) -> np.ndarray:
    """Whole hours, lognormal, clipped to 2-80, scaled (a few rounds) to sum to about `total`."""
    raw = rng.lognormal(mean=0.0, sigma=0.8, size=tasks)
    scale = total / raw.sum()
    for _ in range(5):
        effort = np.clip(np.round(raw * scale), 2, 80)
        scale *= total / effort.sum()
    return effort


def _chain_estimate(predecessors: list[list[int]], effort: np.ndarray, release: np.ndarray):
    """Hours after the start at which each task could end with unlimited people (forward pass)."""
    finish = np.zeros(len(effort))
    for i, before in enumerate(predecessors):  # predecessors come first in the list
        start = max([release[i], *(finish[j] for j in before)])
        finish[i] = start + effort[i] * ELAPSED_PER_WORKING_HOUR
    return finish


def _requirements(rng: np.random.Generator, levels: np.ndarray, tasks: int) -> list[dict]:
    """Per task 1-2 skills with levels that 15-30 % of the people meet (at least one)."""
    n = len(levels)
    low, high = max(1, math.ceil(0.15 * n)), max(1, math.floor(0.30 * n))
    high = max(high, low)
    meets = {(s, lv): levels[:, s] >= lv for s in range(len(SKILLS)) for lv in range(1, 6)}
    single = [({SKILLS[s]: lv}, mask.sum()) for (s, lv), mask in meets.items()]
    double = [
        ({SKILLS[s1]: l1, SKILLS[s2]: l2}, (meets[s1, l1] & meets[s2, l2]).sum())
        for (s1, l1), (s2, l2) in itertools.combinations(meets, 2)
        if s1 < s2
    ]
    ones = _within(single, low, high) or _closest(single, low)
    twos = _within(double, low, high) or ones
    return [
        twos[rng.integers(len(twos))] if two else ones[rng.integers(len(ones))]
        for two in rng.random(tasks) < 0.3
    ]


def _within(options: list, low: int, high: int) -> list[dict]:
    return [requirement for requirement, count in options if low <= count <= high]


def _closest(options: list, low: int) -> list[dict]:
    """For tiny teams: the requirements met by a number of people nearest `low` (never zero)."""
    best = min((count for _, count in options if count), key=lambda count: abs(count - low))
    return [requirement for requirement, count in options if count == best]


def _at(hours: int | float) -> datetime:
    return START + timedelta(hours=int(hours))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a generated scenario as JSON to stdout.")
    parser.add_argument("people", type=int)
    parser.add_argument("tasks", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(generate(args.people, args.tasks, args.seed).to_json())


if __name__ == "__main__":
    main()
