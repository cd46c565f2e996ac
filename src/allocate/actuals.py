"""Actuals: what `Task.progress` records about the past, checked against the scenario, and what
it has cost.

A scenario's actuals must agree with the rest of it: the people on a task exist and can do it,
nothing happened after the planning start, and no work began before the work it depends on
allowed. Each rule below yields `(location, message)` problems, which `validation.py` raises
together with the other cross-reference problems. The spent hours and their money
(`spent_costs`, `spent_hours`) are what the plan's summaries add to the planned work, so that
budgets and margins count spent + remaining.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from allocate.matching import match

if TYPE_CHECKING:
    from allocate.scenario import Person, Scenario, Task

Problem = tuple[tuple, str]

STARTED = ("in_progress", "done")
NEEDS = {
    # dependency type: (what the task's start needs of its predecessor, what its finish needs)
    "FS": ("done", "done"),
    "SS": ("started", "started"),
    "FF": (None, "done"),
    "SF": (None, "started"),
}
"""What a started or done task asks of each predecessor, by dependency type: a finish-to-start
successor can start only once its predecessor is done, a start-to-finish one can finish only once
its predecessor has started, and so on."""


def crew(scenario: Scenario, task: Task) -> list[Person] | None:
    """The task's recorded people, one per place of its team in place order (`Task.members`),
    matched to places they qualify for; None when they cannot fill its places."""
    people = [scenario._people_by_id.get(p) for p in task.progress.people]
    members = task.members
    if None in people or len(people) != len(members):
        return None
    places = [[p for p in people if p.has(skills)] for skills in members]
    chosen = match([[p.id for p in place] for place in places])
    return None if chosen is None else [scenario.person(p) for p in chosen]


def progress_people(scenario: Scenario) -> Iterator[Problem]:
    """The people a task records are known and can do it; work in progress on a task that
    needs people names all of them (they keep the task)."""
    for task in scenario.tasks:
        recorded, loc = task.progress.people, ("tasks", task.id, "progress")
        unknown = [p for p in recorded if p not in scenario._people_by_id]
        if unknown:
            names = ", ".join(f"'{p}'" for p in unknown)
            yield loc, f"task '{task.id}' records work by unknown people {names}"
            continue
        if recorded and not task.staffed:
            yield loc, f"task '{task.id}' needs nobody but records work by {', '.join(recorded)}"
        elif task.in_progress and task.staffed and not recorded:
            yield (
                loc,
                (
                    f"task '{task.id}' is in progress but names nobody doing it "
                    f"(progress.people: who is on it keeps it)"
                ),
            )
        elif recorded and crew(scenario, task) is None:
            yield loc, _not_a_crew(task)


def _not_a_crew(task: Task) -> str:
    recorded = ", ".join(task.progress.people)
    size = task.team_size
    if len(task.progress.people) != size:
        needed = "one person" if size == 1 else f"{size} people"
        return f"task '{task.id}' needs {needed} but records work by {recorded}"
    return f"task '{task.id}' records work by {recorded}, who lack its skills"


def progress_in_the_past(scenario: Scenario) -> Iterator[Problem]:
    """Actuals are about the past: nothing started or finished after the planning start."""
    for task in scenario.tasks:
        for field in ("started", "finished"):
            moment = getattr(task.progress, field)
            if moment is not None and moment > scenario.start:
                yield (
                    ("tasks", task.id, "progress", field),
                    f"task '{task.id}' {field} {moment.isoformat()}, after the planning start "
                    f"{scenario.start.isoformat()}: actuals record the past",
                )


def progress_order(scenario: Scenario) -> Iterator[Problem]:
    """No work started or finished before its dependencies allowed: a finish-to-start successor
    is started only once its predecessor is done, and so on (`NEEDS`)."""
    for task in scenario.tasks:
        if task.progress.status not in STARTED:
            continue
        for dep in task.after:
            before = scenario._tasks_by_id.get(dep.task)
            if before is None:
                continue  # an unknown task: `unknown_references` says so
            at_start, at_finish = NEEDS[dep.type]
            needed = at_finish if task.done else at_start
            if needed is None or _has(before, needed):
                continue
            verb = "is done" if task.done else "is in progress"
            yield (
                ("tasks", task.id, "progress"),
                f"task '{task.id}' {verb} but its {dep.type} predecessor '{before.id}' is "
                f"{_state(before)}: it cannot have {'finished' if task.done else 'started'} "
                f"before '{before.id}' was {needed}",
            )


def _has(task: Task, needed: str) -> bool:
    return task.done if needed == "done" else task.progress.status in STARTED


def _state(task: Task) -> str:
    return task.progress.status.replace("_", " ")


def progress_and_pins(scenario: Scenario) -> Iterator[Problem]:
    """A pin may not give work in progress to someone who is not on it, and a limit of 0 may
    not keep its people off it."""
    for pin in scenario.pins:
        task = scenario._tasks_by_id.get(pin.task)
        if task is None or not task.in_progress or pin.person is None:
            continue
        if task.progress.people and pin.person not in task.progress.people:
            yield (
                ("pins", pin.task),
                f"task '{task.id}' is in progress with {', '.join(task.progress.people)} "
                f"but pinned to '{pin.person}'",
            )
    for task in scenario.tasks:
        if not task.in_progress:
            continue
        for person_id in task.progress.people:
            person = scenario._people_by_id.get(person_id)
            if person is not None and (why := person.kept_off(task)):
                yield (
                    ("tasks", task.id, "progress"),
                    f"task '{task.id}' is in progress with '{person_id}', {why}",
                )


RULES = (progress_people, progress_in_the_past, progress_order, progress_and_pins)


def spent_costs(scenario: Scenario) -> dict[str | None, float]:
    """What the hours already spent cost, per project id (None: tasks outside any project):
    each member's spent hours at their hourly rate (in whole cents, as planned costs)."""
    rates = {p.id: round(100 * (p.hourly_rate or 0.0)) / 100 for p in scenario.people}
    costs: dict[str | None, float] = {}
    for task in scenario.tasks:
        for person in task.progress.people:
            spent = task.spent_hours * rates.get(person, 0.0)
            costs[task.project] = costs.get(task.project, 0.0) + spent
    return costs


def spent_hours(scenario: Scenario) -> dict[str, float]:
    """Hours each person has recorded on tasks (done and in progress) before the planning start."""
    spent = {person.id: 0.0 for person in scenario.people}
    for task in scenario.tasks:
        for person in task.progress.people:
            if person in spent:
                spent[person] += task.spent_hours
    return spent
