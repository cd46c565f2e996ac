"""Named objective terms, defined once on a plan in domain units (hours, money, counts, percent).

Every strategy optimises these same terms and the checker recomputes them with the functions below,
so a term cannot be half-added. The scenario's `objective` orders them into lexicographic levels;
within a level, terms are added with their weights.

Terms:
- `lateness`: priority-weighted hours past deadlines (tasks, and each project's last finish);
- `late_projects`: how many projects finish after their deadline;
- `makespan`: hours from the planning start until the last task ends;
- `peak_utilisation`: the highest utilisation of anyone, in percent (booked hours over the hours
  they can work in the balance window; rounded up to 0.01 %);
- `utilisation_spread`: highest minus lowest utilisation, in percent;
- `cost`: hours × each person's hourly rate, summed;
- `people_per_project`: distinct people on each project, summed (fewer hand-offs, more focus);
- `handovers`: dependencies inside a work stream whose two tasks go to different people (for
  teams: different sets of people);
- `preferences`: per person on a task (every member of a team), one miss if the task prefers
  other people and one if it avoids this person;
- `unplaced`: priority-weighted hours of optional work left out of the plan;
- `changes`: working hours of disruption against the previous plan of a re-plan (reassigned
  people, weighted by how soon the task was to start, and moved starts).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allocate.scenario import Scenario, hours

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class Timing:
    """What the terms need to know about a plan: each placed task's start, end and people, and
    how many hours each person can work in the balance window (computed by the caller from the
    calendars, so that the checker can derive it independently of the solver)."""

    start: Mapping[str, datetime]
    end: Mapping[str, datetime]
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    available: Mapping[str, float] = field(default_factory=dict)
    previous: Timing | None = None
    """The plan a re-plan keeps close to (`solve(..., previous=)`), its starts on this plan's
    grid (rounded down): what the `changes` term compares with."""
    working: Callable[[datetime, datetime], float] | None = None
    """The organisation calendar's working hours in `[a, b)`, counted in whole ticks of the
    plan's grid (both ends rounded up onto it): the `changes` term's measure of a move."""


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


def late_projects(scenario: Scenario, timing: Timing) -> float:
    """How many projects end after their deadline."""
    finishes = project_finishes(scenario, timing)
    return float(
        sum(
            1
            for project in scenario.projects
            if project.deadline and finishes[project.id] and finishes[project.id] > project.deadline
        )
    )


def makespan(scenario: Scenario, timing: Timing) -> float:
    """Hours from the planning start until the last task ends."""
    if not timing.end:
        return 0.0
    return max(0.0, hours(max(timing.end.values()) - scenario.start))


def peak_utilisation(scenario: Scenario, timing: Timing) -> float:
    values = utilisations(scenario, timing).values()
    return max(values, default=0.0)


def utilisation_spread(scenario: Scenario, timing: Timing) -> float:
    values = list(utilisations(scenario, timing).values())
    return max(values) - min(values) if values else 0.0


def utilisations(scenario: Scenario, timing: Timing) -> dict[str, float]:
    """Per person who can work in the balance window: booked over available hours, in percent,
    rounded up to a basis point (so that integer solvers state it exactly)."""
    booked = booked_hours(scenario, timing)
    return {
        person.id: math.ceil(round(BASIS_POINTS * booked[person.id] / available, 6)) / 100
        for person in scenario.people
        if (available := timing.available.get(person.id, 0.0)) > 0
    }


def booked_hours(scenario: Scenario, timing: Timing) -> dict[str, float]:
    booked = {person.id: 0.0 for person in scenario.people}
    for task in scenario.tasks:
        for person in timing.people.get(task.id, ()):
            if person in booked:
                booked[person] += task.remaining_hours
    return booked


def cost(scenario: Scenario, timing: Timing) -> float:
    """Hours × hourly rate (rates count in whole cents)."""
    return sum(project_costs(scenario, timing).values())


def project_costs(scenario: Scenario, timing: Timing) -> dict[str | None, float]:
    """Planned cost of the remaining work per project id (None: tasks outside any project)."""
    rates = {p.id: round(100 * (p.hourly_rate or 0.0)) / 100 for p in scenario.people}
    costs: dict[str | None, float] = {}
    for task in scenario.tasks:
        for person in timing.people.get(task.id, ()):
            costs[task.project] = costs.get(task.project, 0.0) + task.remaining_hours * rates.get(
                person, 0.0
            )
    return costs


def people_per_project(scenario: Scenario, timing: Timing) -> float:
    team: dict[str, set[str]] = {}
    for task in scenario.tasks:
        if task.project is not None:
            team.setdefault(task.project, set()).update(timing.people.get(task.id, ()))
    return float(sum(len(people) for people in team.values()))


def handovers(scenario: Scenario, timing: Timing) -> float:
    stream = {task.id: task.stream for task in scenario.tasks}
    count = 0
    for task in scenario.tasks:
        for dep in task.after:
            if task.stream and stream.get(dep.task) == task.stream:
                mine, theirs = timing.people.get(task.id), timing.people.get(dep.task)
                if mine is not None and theirs is not None and set(mine) != set(theirs):
                    count += 1
    return float(count)


def preferences(scenario: Scenario, timing: Timing) -> float:
    """Per person on a task (each member of a team): one miss if the task prefers others, one
    if it avoids them."""
    misses = 0
    for task in scenario.tasks:
        for person in timing.people.get(task.id, ()):
            misses += bool(task.preferred) and person not in task.preferred
            misses += person in task.avoided
    return float(misses)


def unplaced(scenario: Scenario, timing: Timing) -> float:
    """Priority-weighted remaining hours of the optional tasks the plan leaves out."""
    return float(
        sum(
            task.priority * task.remaining_hours
            for task in scenario.tasks
            if task.optional and not task.done and task.id not in timing.end
        )
    )


REASSIGNED_HOURS = 8.0
"""What each person taken off a task (or put on it in their place) weighs in the `changes` term:
as much as moving its start by a working day."""
NEAR = ((40.0, 3), (80.0, 2))
"""...times 3 when the task was to start within the next 40 working hours of the organisation
calendar (a working week of 9-17), times 2 within 80: people feel a change most when it is
close."""


def changes(scenario: Scenario, timing: Timing) -> float:
    """How far a re-plan moves from the previous plan, in working hours of the organisation
    calendar: for each task not done that both plans place, each person on it who was not (a
    reassignment) weighs `REASSIGNED_HOURS` times its nearness (`NEAR`, by how soon it was to
    start), plus how far its start moved; for a task that was to have begun before the planning
    start (its start is history, or overdue), how far its end moved. 0 without a previous
    plan."""
    previous, working = timing.previous, timing.working
    if previous is None or working is None:
        return 0.0
    total = 0.0
    for task in scenario.tasks:
        if task.done or task.id not in timing.start or task.id not in previous.start:
            continue
        begun = previous.start[task.id] < scenario.start
        near = 0.0 if begun else working(scenario.start, previous.start[task.id])
        weight = REASSIGNED_HOURS * next((k for limit, k in NEAR if near < limit), 1)
        replaced = set(timing.people.get(task.id, ())) - set(previous.people.get(task.id, ()))
        was, now = (previous.end, timing.end) if begun else (previous.start, timing.start)
        a, b = sorted((max(was[task.id], scenario.start), now[task.id]))
        total += weight * len(replaced) + working(a, b)
    return total


def with_changes(objective: tuple[dict[str, float], ...]) -> tuple[dict[str, float], ...]:
    """A re-plan's objective: `changes` in a level of its own right after the deadlines level
    (the first naming `lateness`, `late_projects` or `unplaced`; first of all without one), so
    that a re-plan never gives up on-time delivery for stability but otherwise keeps the plan.
    An objective that names `changes` already is kept as it is."""
    if any("changes" in level for level in objective):
        return objective
    deadlines = {"lateness", "late_projects", "unplaced"}
    at = next((k + 1 for k, level in enumerate(objective) if level.keys() & deadlines), 0)
    return (*objective[:at], {"changes": 1.0}, *objective[at:])


def project_finishes(scenario: Scenario, timing: Timing) -> dict[str, datetime | None]:
    finishes: dict[str, datetime | None] = {project.id: None for project in scenario.projects}
    for task in scenario.tasks:
        end = timing.end.get(task.id)
        if task.project is not None and end is not None:
            current = finishes[task.project]
            finishes[task.project] = end if current is None else max(current, end)
    return finishes


def balance_window(scenario: Scenario) -> tuple[datetime, datetime]:
    """Where utilisation is measured: from the planning start to `balance_until`, else to the
    latest deadline, else for 13 weeks (a quarter); never past the horizon end (no work can be
    booked there, and the compiled calendars end there)."""
    if scenario.balance_until is not None:
        end = scenario.balance_until
    else:
        deadlines = [t.deadline for t in scenario.tasks if t.deadline and not t.done]
        deadlines += [p.deadline for p in scenario.projects if p.deadline]
        end = max(deadlines, default=scenario.start + timedelta(weeks=13))
        end = max(end, scenario.start + timedelta(days=1))
    if scenario.horizon_end is not None:
        end = min(end, scenario.horizon_end)
    return scenario.start, end


TERMS: dict[str, Callable[[Scenario, Timing], float]] = {
    term.__name__: term
    for term in (
        lateness,
        late_projects,
        makespan,
        peak_utilisation,
        utilisation_spread,
        cost,
        people_per_project,
        handovers,
        preferences,
        unplaced,
        changes,
    )
}


UNITS: dict[str, str] = {
    "lateness": "h",
    "makespan": "h",
    "unplaced": "h",
    "peak_utilisation": "%",
    "utilisation_spread": "%",
    "cost": "money",
    "changes": "h",
}
"""Each term's unit where it has one (the others count things)."""


def with_unit(name: str, value: float) -> str:
    """`value` of term `name` as a planner reads it: '1,844.0 h', '71.6 %', '478,000.00'."""
    unit = UNITS.get(name, "")
    if unit == "money":
        return f"{value:,.2f}"
    return f"{value:,.1f} {unit}".rstrip() if unit else f"{value:,.0f}"


def evaluate(scenario: Scenario, timing: Timing) -> dict[str, float]:
    """Every term that the scenario's objective names, in its own unit."""
    return {name: TERMS[name](scenario, timing) for level in scenario.objective for name in level}


def level_values(scenario: Scenario, terms: Mapping[str, float]) -> list[float]:
    """The weighted sum of each lexicographic level (what is compared, level by level)."""
    return [
        sum(weight * terms[name] for name, weight in level.items()) for level in scenario.objective
    ]
