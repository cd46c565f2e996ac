"""iMOPSE multi-skill RCPSP instances (`.def`) as Scenarios, with a parser of our own.

A `.def` file has a header (`Tasks: 10`, `Resources: 3`, ...), a resource table
(`ResourceID Salary Skills`, skills as `Q<k>: <level>`) and a task table
(`TaskID Duration Skill Predecessor IDs`), the tables separated by rules of `=`. Every resource is
a person who works around the clock; a task needs one person holding its skill at least at its
level, for its duration in hours; predecessors are finish-to-start; the objective is the makespan.

Skill levels are shifted by one: iMOPSE's level 0 still requires holding the skill, while in
`allocate` a person without a skill has level 0 and would qualify. So iMOPSE `Q2: 0` is
`{"Q2": 1}` here, `Q2: 1` is `{"Q2": 2}`, and so on, for people and tasks alike.

Myszkowski, Skowronski, Olech & Oslizlo (2015), "Hybrid ant colony optimization in solving
multi-skill resource-constrained project scheduling problem", Soft Computing 19:3599-3619.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from allocate.instances._common import ALWAYS, InstanceFormatError, build_scenario, read_lines
from allocate.scenario import Person, Scenario, Task

SKILL = re.compile(r"Q(\d+)\s*:\s*(\d+)")
RULE = re.compile(r"^\s*={5,}\s*$")
NUMBER = r"\d+(?:\.\d*)?"


@dataclass(frozen=True)
class ImopseResource:
    id: int
    salary: float
    skills: dict[str, int]
    """iMOPSE levels as in the file ({"Q2": 0} means Q2 at level 0)."""
    line: int


@dataclass(frozen=True)
class ImopseTask:
    id: int
    duration: float
    skills: dict[str, int]
    predecessors: tuple[int, ...]
    line: int


@dataclass(frozen=True)
class ImopseInstance:
    """An iMOPSE `.def` file as read, before any conversion (levels as in the file)."""

    name: str
    header: dict[str, str]
    resources: tuple[ImopseResource, ...]
    tasks: tuple[ImopseTask, ...]


def read_imopse(path: str | Path) -> Scenario:
    """The iMOPSE instance at `path` (`10_3_5_3.def`) as a Scenario.

    Tasks are named by TaskID ("1" … "10"), people "R1" … by ResourceID, with `hourly_rate` the
    salary and skills `{"Q<k>": level + 1}`. Raises InstanceFormatError (a ValueError naming the
    file and line) for a malformed file or a task no resource can do.
    """
    return to_scenario(parse_imopse(path), path)


def parse_imopse(path: str | Path) -> ImopseInstance:
    """The file's header, resources and tasks, checked for consistency, levels unchanged."""
    lines = read_lines(path)
    header: dict[str, str] = {}
    resources: list[ImopseResource] = []
    tasks: list[ImopseTask] = []
    section = None
    for index, raw in enumerate(lines):
        number, line = index + 1, raw.strip()
        if not line:
            continue
        if RULE.match(line):
            section = None
            continue
        lowered = line.lower()
        if lowered.startswith("general characteristics"):
            section = "header"
        elif lowered.startswith("resourceid"):
            section = "resources"
        elif lowered.startswith("taskid"):
            section = "tasks"
        elif section == "header":
            key, colon, value = line.partition(":")
            if not colon:
                raise InstanceFormatError(path, number, f"expected 'Name: value', found {line!r}")
            header[key.strip().lower()] = value.strip()
        elif section == "resources":
            resources.append(_resource(path, number, line))
        elif section == "tasks":
            tasks.append(_task(path, number, line))
    instance = ImopseInstance(Path(path).stem, header, tuple(resources), tuple(tasks))
    _check(path, instance)
    return instance


def _resource(path, number: int, line: str) -> ImopseResource:
    match = re.match(rf"(\d+)\s+({NUMBER})\s*(.*)$", line)
    skills = _skills(match.group(3)) if match else None
    if not match or skills is None or not skills:
        raise InstanceFormatError(
            path, number, f"expected 'ResourceID Salary Q<k>: <level> ...', found {line!r}"
        )
    return ImopseResource(int(match.group(1)), float(match.group(2)), skills, number)


def _task(path, number: int, line: str) -> ImopseTask:
    match = re.match(rf"(\d+)\s+({NUMBER})\s+((?:Q\d+\s*:\s*\d+\s*)+)(.*)$", line)
    if not match or not all(p.isdigit() for p in match.group(4).split()):
        raise InstanceFormatError(
            path,
            number,
            f"expected 'TaskID Duration Q<k>: <level> [predecessor ids]', found {line!r}",
        )
    skills = _skills(match.group(3))
    predecessors = tuple(int(p) for p in match.group(4).split())
    return ImopseTask(int(match.group(1)), float(match.group(2)), skills, predecessors, number)


def _skills(text: str) -> dict[str, int] | None:
    """{"Q1": 0, ...} from 'Q1: 0  Q2: 1', or None when anything else is in the text."""
    if SKILL.sub("", text).strip():
        return None
    return {f"Q{k}": int(level) for k, level in SKILL.findall(text)}


def _check(path, instance: ImopseInstance) -> None:
    if not instance.tasks:
        raise InstanceFormatError(path, None, "no task table ('TaskID Duration Skill ...')")
    if not instance.resources:
        raise InstanceFormatError(path, None, "no resource table ('ResourceID Salary Skills')")
    for rows, what in ((instance.resources, "resource"), (instance.tasks, "task")):
        seen = set()
        for row in rows:
            if row.id in seen:
                raise InstanceFormatError(path, row.line, f"{what} {row.id} appears twice")
            seen.add(row.id)
    declared = {
        "tasks": len(instance.tasks),
        "resources": len(instance.resources),
        "precedence relations": sum(len(t.predecessors) for t in instance.tasks),
    }
    for key, found in declared.items():
        value = instance.header.get(key)
        if value is not None and (not value.isdigit() or int(value) != found):
            raise InstanceFormatError(path, None, f"the header says {key}: {value}, found {found}")
    ids = {t.id for t in instance.tasks}
    for task in instance.tasks:
        for p in task.predecessors:
            if p not in ids:
                raise InstanceFormatError(
                    path, task.line, f"task {task.id} follows unknown task {p}"
                )
            if p == task.id:
                raise InstanceFormatError(path, task.line, f"task {task.id} follows itself")
        if not any(_qualifies(r, task) for r in instance.resources):
            needs = ", ".join(f"{s} at level {v}" for s, v in task.skills.items())
            raise InstanceFormatError(
                path, task.line, f"task {task.id} needs {needs}, which no resource has"
            )


def _qualifies(resource: ImopseResource, task: ImopseTask) -> bool:
    return all(resource.skills.get(s, -1) >= level for s, level in task.skills.items())


def to_scenario(instance: ImopseInstance, path: str | Path | None = None) -> Scenario:
    """The parsed instance as a Scenario (levels shifted by one, see the module docstring)."""
    people = [
        Person(
            id=f"R{r.id}",
            name=f"resource {r.id}",
            skills={skill: level + 1 for skill, level in r.skills.items()},
            calendar=ALWAYS,
            hourly_rate=r.salary,
        )
        for r in instance.resources
    ]
    tasks = []
    for t in instance.tasks:
        after = [str(p) for p in dict.fromkeys(t.predecessors)]
        if t.duration == 0:
            tasks.append(Task(id=str(t.id), name=f"task {t.id}", milestone=True, after=after))
        else:
            tasks.append(
                Task(
                    id=str(t.id),
                    name=f"task {t.id}",
                    effort_hours=t.duration,
                    skills={skill: level + 1 for skill, level in t.skills.items()},
                    after=after,
                )
            )
    return build_scenario(path or instance.name, name=instance.name, people=people, tasks=tasks)
