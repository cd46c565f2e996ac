"""Cross-reference checks of a Scenario, all collected and raised as one ValidationError.

Pydantic checks each field on its own; what needs the whole scenario (ids that must exist, cycles,
skills nobody has) lives here, one small function per rule, each yielding `(location, message)`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from allocate import actuals
from allocate.matching import match

if TYPE_CHECKING:
    from allocate.scenario import Scenario

Problem = tuple[tuple, str]


def raise_problems(scenario: Scenario) -> None:
    problems = list(find_problems(scenario))
    if problems:
        raise ValidationError.from_exception_data("Scenario", _details(problems))


def _details(problems: list[Problem]) -> list[InitErrorDetails]:
    return [
        InitErrorDetails(
            type=PydanticCustomError(CROSS_REFERENCE, "{message}", {"message": message}),
            loc=loc,
            input=loc[-1] if loc else None,
        )
        for loc, message in problems
    ]


CROSS_REFERENCE = "scenario"
"""The error type of the problems found here (pydantic's own errors have theirs)."""
ITEMS = {"people": "Person", "tasks": "Task", "projects": "Project", "resources": "Resource"}
"""The scenario's lists of objects with ids, and their models."""
ASKS_WHO_CAN = {"unqualified_tasks", "zero_limits", "progress_people", "progress_and_pins"}
"""Rules that need every person's skills and limits: skipped when a person did not parse."""


SHOWN_ERRORS = 20


def readable(error: ValidationError, shown: int = SHOWN_ERRORS) -> str:
    """One line per problem, `  - where: what` (the first `shown` of them), for a terminal:
    pydantic's own text adds error types and input echoes that a planner does not need."""
    lines = []
    for e in error.errors()[:shown]:
        where = ".".join(str(part) for part in e["loc"])
        message = e["msg"].removeprefix("Value error, ")
        if e["type"] == "json_invalid":
            message = f"not JSON ({e.get('ctx', {}).get('error', message)})"
        lines.append(f"  - {where}: {message}" if where else f"  - {message}")
    if error.error_count() > shown:
        lines.append(f"  ... and {error.error_count() - shown} more")
    return "\n".join(lines)


def time_limit_seconds(value) -> float:
    """`value` as a positive, finite number of seconds. Zero is refused rather than read as
    "the greedy plan only": that plan takes time too (seconds on large scenarios), so a zero
    limit could not be kept; ask for it by name (`strategy="greedy"`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"time_limit must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        hint = "; for the fast first plan alone, use strategy='greedy'" if value == 0 else ""
        raise ValueError(
            f"time_limit must be a positive, finite number of seconds, not {value}{hint}"
        )
    return float(value)


def require_scenario(scenario) -> None:
    """TypeError naming the field when `scenario` is not a Scenario or holds values of the wrong
    type (built with `model_construct`, or changed in place): the solver would fail far from
    the cause."""
    from allocate import scenario as models

    if not isinstance(scenario, models.Scenario):
        raise TypeError(
            f"solve() needs a Scenario, not {type(scenario).__name__} "
            "(build one with Scenario.from_dict(data) or Scenario.load(path))"
        )
    expected = {**ITEMS, "pins": "Pin"}
    for field, name in expected.items():
        model = getattr(models, name)
        value = getattr(scenario, field)
        wrong = (
            [item for item in value if not isinstance(item, model)]
            if isinstance(value, tuple)
            else [value]
        )
        if wrong:
            raise TypeError(
                f"scenario field '{field}' holds {type(wrong[0]).__name__} where {name} "
                "objects belong: change scenarios with scenario.replace(...), which validates"
            )
    if not isinstance(scenario.start, datetime) or not isinstance(
        scenario.calendar, models.Calendar
    ):
        raise TypeError(
            "scenario fields 'start' or 'calendar' have the wrong type: change scenarios with "
            "scenario.replace(...), which validates"
        )


def with_cross_references(data, error: ValidationError) -> ValidationError:
    """`error` (field-level problems of a scenario) together with the cross-reference problems
    of the parts that did parse. A person, task, project or resource that did not parse still
    counts as existing (by its id), so nothing refers to it as unknown, and problems that name
    it are left out: its own errors say what to fix."""
    from allocate.scenario import prefixed_error

    errors = error.errors()
    if all(e["type"] == CROSS_REFERENCE for e in errors):
        return error
    details = [prefixed_error(e, "") for e in errors]
    partial = _what_parsed(_as_dict(data), errors)
    if partial is not None:
        scenario, broken, broken_people = partial
        problems = [
            (loc, message)
            for rule in RULES
            if not (broken_people and rule.__name__ in ASKS_WHO_CAN)
            for loc, message in rule(scenario)
            if rule is duplicate_ids or not any(f"'{ident}'" in message for ident in broken)
        ]
        details += _details(problems)
    return ValidationError.from_exception_data(error.title, details)


def _as_dict(data) -> dict | None:
    if isinstance(data, str | bytes | bytearray):
        import json

        try:
            data = json.loads(data)
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def _what_parsed(data: dict | None, errors: list) -> tuple | None:
    """(a Scenario built without validation from the valid parts, the ids of the objects that
    did not parse, whether a person is among them); None when too little parsed to tell."""
    from allocate import scenario as models

    if data is None:
        return None
    bad: dict[str, set] = {}
    for e in errors:
        loc = e["loc"]
        if loc and loc[0] in {*ITEMS, "pins"} and (len(loc) == 1 or not isinstance(loc[1], int)):
            return None  # a whole list is unreadable: every reference to it would look unknown
        if loc:
            bad.setdefault(str(loc[0]), set()).add(loc[1] if len(loc) > 1 else None)
    fields: dict = {"start": datetime.min.replace(tzinfo=UTC)}
    broken, broken_people = set(), False
    for field in (*ITEMS, "pins"):
        model = getattr(models, ITEMS.get(field, "Pin"))
        items = []
        for k, item in enumerate(data.get(field) or ()):
            if k not in bad.get(field, ()):
                items.append(model.model_validate(item))
            elif isinstance(ident := _id(item), str) and field != "pins":
                items.append(_stand_in(model, ident))
                broken.add(ident)
                broken_people |= field == "people"
        fields[field] = tuple(items)
    for field, parse in SCALARS.items():
        if field in data and field not in bad:
            fields[field] = parse(data[field])
    return models.Scenario.model_construct(**fields), broken, broken_people


def _scalars() -> dict:
    """How to read the scenario's single-valued fields that the rules use."""
    from pydantic import TypeAdapter

    from allocate.scenario import AwareDatetime, ObjectiveLevel, objective_levels

    when = TypeAdapter(AwareDatetime).validate_python
    levels = TypeAdapter(tuple[ObjectiveLevel, ...]).validate_python
    return {
        "start": when,
        "horizon_end": lambda value: None if value is None else when(value),
        "objective": lambda value: levels(objective_levels(value)),
    }


def _id(item):
    return item.get("id") if isinstance(item, dict) else getattr(item, "id", None)


def _stand_in(model, ident: str):
    """An inert object with only an id: a milestone for a task (it needs nobody and nothing)."""
    if model.__name__ == "Task":
        return model.model_construct(id=ident, milestone=True)
    return model.model_construct(id=ident)


def find_problems(scenario: Scenario) -> Iterator[Problem]:
    for rule in RULES:
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
    qualified = _Qualified(scenario)
    for task in scenario.tasks:
        if task.staffed and len(task.members) > 1:
            yield from _unstaffable_team(scenario, task)
            continue
        if not task.staffed or qualified(task):
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
    if not any(p.max_hours_per_week == 0 or p.max_projects == 0 for p in scenario.people):
        return
    qualified_people = _Qualified(scenario)
    for task in scenario.tasks:
        qualified = qualified_people(task) if not task.done else []
        if qualified and all(person.kept_off(task) for person in qualified):
            names = ", ".join(f"'{p.id}'" for p in qualified)
            yield (
                ("tasks", task.id),
                (f"task '{task.id}' can be done only by {names}, whose limits of 0 forbid it"),
            )


class _Qualified:
    """`scenario.qualified_people(task)`, computed once per distinct set of member skills: most
    tasks share a few skill sets, and asking every person about every task is slow (1.4 s for
    150 people and 2,000 tasks, now 0.04 s)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.known: dict[tuple, list] = {}

    def __call__(self, task) -> list:
        key = (task.staffed, tuple(sorted({tuple(sorted(m.items())) for m in task.members})))
        if key not in self.known:
            self.known[key] = self.scenario.qualified_people(task)
        return self.known[key]


RULES = (
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
    *actuals.RULES,
)

SCALARS = _scalars()
