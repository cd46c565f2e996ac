"""Cross-reference checks of a Scenario, all collected and raised as one ValidationError.

Pydantic checks each field on its own; what needs the whole scenario (ids that must exist, cycles,
skills nobody has) lives here, one small function per rule, each yielding `(location, message)`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from allocate.matching import match

if TYPE_CHECKING:
    from allocate.scenario import Scenario

Problem = tuple[tuple, str]


def raise_problems(scenario: Scenario) -> None:
    problems = list(find_problems(scenario))
    if problems:
        raise ValidationError.from_exception_data(
            "Scenario",
            [
                InitErrorDetails(
                    type=PydanticCustomError("scenario", "{message}", {"message": message}),
                    loc=loc,
                    input=loc[-1] if loc else None,
                )
                for loc, message in problems
            ],
        )


def find_problems(scenario: Scenario) -> Iterator[Problem]:
    for rule in (
        duplicate_ids,
        unknown_references,
        dependency_cycles,
        unqualified_tasks,
        bad_pins,
        unknown_people_in_preferences,
        bad_horizon,
        unknown_objective_terms,
        optional_work_without_its_term,
        zero_limits,
    ):
        yield from rule(scenario)


def duplicate_ids(scenario: Scenario) -> Iterator[Problem]:
    for field, kind in (
        ("people", "person"),
        ("tasks", "task"),
        ("projects", "project"),
        ("resources", "resource"),
    ):
        counts = Counter(item.id for item in getattr(scenario, field))
        for item_id, count in counts.items():
            if count > 1:
                yield (field, item_id), f"{kind} id '{item_id}' is used {count} times"


def unknown_references(scenario: Scenario) -> Iterator[Problem]:
    task_ids = {task.id for task in scenario.tasks}
    project_ids = {project.id for project in scenario.projects}
    resources = {resource.id: resource for resource in scenario.resources}
    for task in scenario.tasks:
        if task.project is not None and task.project not in project_ids:
            yield (
                ("tasks", task.id, "project"),
                (f"task '{task.id}' belongs to unknown project '{task.project}'"),
            )
        for resource_id, units in task.resources.items():
            resource = resources.get(resource_id)
            if resource is None:
                yield (
                    ("tasks", task.id, "resources"),
                    (f"task '{task.id}' uses unknown resource '{resource_id}'"),
                )
            elif units > resource.max_capacity:
                yield (
                    ("tasks", task.id, "resources"),
                    (
                        f"task '{task.id}' needs {units} units of '{resource_id}', "
                        f"which never has more than {resource.max_capacity}"
                    ),
                )
        seen = set()
        for dependency in task.after:
            if dependency.task == task.id:
                yield ("tasks", task.id, "after"), f"task '{task.id}' depends on itself"
            elif dependency.task not in task_ids:
                yield (
                    ("tasks", task.id, "after"),
                    (f"task '{task.id}' depends on unknown task '{dependency.task}'"),
                )
            elif dependency.task in seen:
                yield (
                    ("tasks", task.id, "after"),
                    (f"task '{task.id}' lists its dependency on '{dependency.task}' twice"),
                )
            seen.add(dependency.task)


def dependency_cycles(scenario: Scenario) -> Iterator[Problem]:
    """Every cycle's members, found by an iterative depth-first search."""
    task_ids = {task.id for task in scenario.tasks}
    successors: dict[str, list[str]] = {task_id: [] for task_id in task_ids}
    for task in scenario.tasks:
        for dependency in task.after:
            if dependency.task in task_ids and dependency.task != task.id:
                successors[dependency.task].append(task.id)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    reported: set[frozenset[str]] = set()
    for root in sorted(task_ids):
        if root in state:
            continue
        path: list[str] = [root]
        iterators = [iter(successors[root])]
        state[root] = 1
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iterators.pop()
            elif state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    members = " -> ".join(f"'{t}'" for t in [*cycle, nxt])
                    yield ("tasks", nxt, "after"), f"dependency cycle: {members}"
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                iterators.append(iter(successors[nxt]))


def unqualified_tasks(scenario: Scenario) -> Iterator[Problem]:
    for task in scenario.tasks:
        if task.staffed and len(task.members) > 1:
            yield from _unstaffable_team(scenario, task)
            continue
        if not task.staffed or scenario.qualified_people(task):
            continue
        wanted = ", ".join(f"{skill} {level}" for skill, level in sorted(task.skills.items()))
        closest = _closest_person(scenario, task)
        hint = f" (closest: '{closest.id}')" if closest else ""
        yield (
            ("tasks", task.id, "skills"),
            (f"task '{task.id}' needs {wanted or 'a person'}; nobody has that{hint}"),
        )


def _unstaffable_team(scenario: Scenario, task) -> Iterator[Problem]:
    """A team needs enough distinct people with each slot's skills, all at once."""
    places = [[p.id for p in scenario.people if p.has(skills)] for skills in task.members]
    if match(places) is not None:
        return
    loc = ("tasks", task.id, "team" if task.team else "headcount")
    short = [
        f"{needed} with {_skills(skills)} ({len(have)} have that)"
        for skills, needed, have in _slot_counts(task, places)
        if len(have) < needed
    ]
    detail = "; ".join(short) or "not enough distinct people for all its slots at once"
    yield loc, f"task '{task.id}' needs {task.team_size} people: {detail}"


def _slot_counts(task, places: list[list[str]]):
    """(skills, how many the task needs, who has them) per distinct skill set of its slots."""
    counts: dict[tuple, tuple[dict, int, list[str]]] = {}
    for skills, have in zip(task.members, places, strict=True):
        key = tuple(sorted(skills.items()))
        _, needed, _ = counts.get(key, (skills, 0, have))
        counts[key] = (skills, needed + 1, have)
    return counts.values()


def _skills(skills: dict[str, int]) -> str:
    return (
        ", ".join(f"{skill} {level}" for skill, level in sorted(skills.items()))
        or "no particular skill"
    )


def _closest_person(scenario: Scenario, task):
    def shortfall(person):
        return sum(max(0, level - person.level(skill)) for skill, level in task.skills.items())

    return min(scenario.people, key=shortfall, default=None)


def bad_pins(scenario: Scenario) -> Iterator[Problem]:
    tasks = {task.id: task for task in scenario.tasks}
    people = {person.id: person for person in scenario.people}
    pinned = Counter(pin.task for pin in scenario.pins)
    for pin in scenario.pins:
        loc = ("pins", pin.task)
        task = tasks.get(pin.task)
        if task is None:
            yield loc, f"pin refers to unknown task '{pin.task}'"
            continue
        if task.done:
            yield loc, f"task '{pin.task}' is done; it cannot be pinned"
        if pinned[pin.task] > 1:
            yield loc, f"task '{pin.task}' is pinned {pinned[pin.task]} times"
        if pin.start is not None and pin.start < scenario.start:
            yield loc, f"task '{pin.task}' is pinned to start before the planning start"
        if pin.person is None:
            continue
        person = people.get(pin.person)
        if person is None:
            yield loc, f"task '{pin.task}' is pinned to unknown person '{pin.person}'"
        elif not task.staffed:
            yield loc, f"task '{pin.task}' needs no person; it cannot be pinned to one"
        elif not person.qualifies_for(task):
            yield loc, f"task '{pin.task}' is pinned to '{pin.person}', who lacks its skills"


def unknown_people_in_preferences(scenario: Scenario) -> Iterator[Problem]:
    people = {person.id for person in scenario.people}
    for task in scenario.tasks:
        for field in ("preferred", "avoided"):
            for person in getattr(task, field):
                if person not in people:
                    yield (
                        ("tasks", task.id, field),
                        (f"task '{task.id}' lists unknown person '{person}' as {field}"),
                    )


def bad_horizon(scenario: Scenario) -> Iterator[Problem]:
    if scenario.horizon_end is not None and scenario.horizon_end <= scenario.start:
        yield ("horizon_end",), "horizon_end must be after the planning start"


def unknown_objective_terms(scenario: Scenario) -> Iterator[Problem]:
    from allocate.objective import TERMS

    for level in scenario.objective:
        for name in level:
            if name not in TERMS:
                yield (
                    ("objective", name),
                    (f"unknown objective term '{name}' (choose from {', '.join(sorted(TERMS))})"),
                )


def optional_work_without_its_term(scenario: Scenario) -> Iterator[Problem]:
    """Without the `unplaced` term, leaving optional work out would cost nothing, so every
    strategy would drop it: almost certainly not what the planner meant."""
    if any(task.optional for task in scenario.tasks) and not any(
        "unplaced" in level for level in scenario.objective
    ):
        yield (
            ("objective",),
            "the scenario has optional tasks but its objective has no 'unplaced' term: "
            "leaving them out would cost nothing (add 'unplaced' to a level)",
        )


def zero_limits(scenario: Scenario) -> Iterator[Problem]:
    """A limit of 0 keeps a person off all tasks (0 h a week) or off project tasks (0 projects):
    a pin to them, or a task only they could do, is a contradiction."""
    for pin in scenario.pins:
        task = scenario._tasks_by_id.get(pin.task)
        person = scenario._people_by_id.get(pin.person) if pin.person else None
        known = task is not None and person is not None and task.staffed
        if known and (why := person.kept_off(task)):
            yield ("pins", pin.task), f"task '{task.id}' is pinned to '{person.id}', {why}"
    for task in scenario.tasks:
        qualified = scenario.qualified_people(task) if not task.done else []
        if qualified and all(person.kept_off(task) for person in qualified):
            names = ", ".join(f"'{p.id}'" for p in qualified)
            yield (
                ("tasks", task.id),
                (f"task '{task.id}' can be done only by {names}, whose limits of 0 forbid it"),
            )
