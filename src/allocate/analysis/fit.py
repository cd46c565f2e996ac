"""How well a person fits a request beyond what the plan's objective measures: skill levels above
the need (a senior is better kept free for what only they can do), working hours shared with the
customer or the team already on the project, and continuity with work they already do.

`recommend` breaks ties between options with these, and words them in each option's reasons.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from allocate.calendar import working_intervals
from allocate.plan import Plan
from allocate.scenario import Calendar, Frozen, Person, Scenario, Task

SHOWN = 3
"""Predecessors named in a continuity reason."""

Reference = tuple[str, list[tuple[str, Calendar]]]
"""Whose working hours a candidate should share: a label in words and (person id, calendar)
pairs (an empty id for a customer)."""


class Fit(Frozen):
    """Soft signals, not part of the plan's objective: how far the person's skills exceed what
    the request needs (summed over its skills), how many working hours a week they share with the
    customer's or the team's working hours, and what they already do that the request continues."""

    levels_above: int = 0
    overlap_hours: float | None = None
    overlap_with: str = ""
    continuity: tuple[str, ...] = ()


def fit_of(
    scenario: Scenario,
    plan: Plan,
    request: list[Task],
    person: Person,
    mine: list[str],
    reference: Reference | None,
) -> Fit:
    """`person`'s fit for the tasks `mine` of `request`, given the current `plan`."""
    tasks = {t.id: t for t in request}
    above = 0
    for ident in mine:
        needs = next((m for m in tasks[ident].members if person.has(m)), {})
        above += sum(person.level(skill) - level for skill, level in needs.items())
    overlap, label = None, ""
    if reference is not None:
        label, calendars = reference
        others = [c for pid, c in calendars if pid != person.id]
        if others:
            overlap = shared_hours(person.calendar, others, scenario.start)
    return Fit(
        levels_above=above,
        overlap_hours=overlap,
        overlap_with=label,
        continuity=tuple(continuity(scenario, plan, request, person.id)),
    )


def continuity(scenario: Scenario, plan: Plan, request: list[Task], person: str) -> Iterator[str]:
    """The request's projects the person already works on, and its predecessors they do."""
    projects = {t.project for t in request if t.project}
    counts: dict[str, int] = {}
    for a in plan.assignments:
        task = scenario._tasks_by_id.get(a.task)
        if task is not None and person in a.people and task.project in projects:
            counts[task.project] = counts.get(task.project, 0) + 1
    for project, count in sorted(counts.items()):
        yield f"already on '{project}' ({count} task{'s' if count != 1 else ''})"
    theirs = {a.task for a in plan.assignments if person in a.people}
    before = sorted({d.task for t in request for d in t.after if d.task in theirs})
    if before:
        yield "does " + ", ".join(f"'{t}'" for t in before[:SHOWN]) + ", which it follows"


def shared_hours(calendar: Calendar, others: list[Calendar], start: datetime) -> float:
    """Working hours in a week (the first full week after `start`) when `calendar` and at least
    one of `others` are both at work."""
    monday = (start + timedelta(days=7 - start.weekday())).replace(hour=0, minute=0, second=0)
    end = monday + timedelta(days=7)
    theirs = sorted(i for c in others for i in working_intervals(c, monday, end))
    merged: list[list[datetime]] = []
    for s, e in theirs:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    total = 0.0
    for s, e in working_intervals(calendar, monday, end):
        for a, b in merged:
            total += max(0.0, (min(e, b) - max(s, a)).total_seconds() / 3600)
    return round(total, 2)


def team_reference(
    scenario: Scenario, plan: Plan, request: list[Task], customer: str | None
) -> Reference | None:
    """Whose working hours a candidate should share: the customer's office hours when their zone
    is given, else the people the plan has on the request's projects; None when neither."""
    if customer is not None:
        return f"the customer ({customer})", [("", Calendar(timezone=customer))]
    projects = {t.project for t in request if t.project}
    team = sorted(
        {
            p
            for a in plan.assignments
            if a.task in scenario._tasks_by_id and scenario.task(a.task).project in projects
            for p in a.people
        }
    )
    if not team:
        return None
    label = "the team" if len(projects) != 1 else f"the '{next(iter(projects))}' team"
    return label, [(p, scenario.person(p).calendar) for p in team if p in scenario._people_by_id]
