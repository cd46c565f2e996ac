"""MSLIB multi-skilled RCPSP instances (`.msrcp`) as Scenarios, with a parser of our own.

A `.msrcp` file has sections headed `\\* Name *\\`. We read four of them:

- Project Module: `activities resources skills levels`, two deadlines, then one line per activity
  (`duration successors id...`, 1-based ids; the first and last activity are dummies);
- Workforce Module: per resource, 0/1 per skill (does it master the skill?);
- Workforce Module with Skill Levels: per resource, its level per skill;
- Skill Requirements Module: per activity, how many resources of each skill it needs at once;
- Skill Level Requirements Module (between two `-1` lines): per activity that needs someone, the
  minimum level of each needed resource, skill by skill.

The cost, common-resource and rework modules belong to extensions of the problem and are skipped.

Every resource is a person who works around the clock; an activity is a team task with one slot
per skill it needs (`count` people mastering that skill), all working its whole duration together;
a person contributes one skill at a time (team members are distinct, one task at a time).
Successors become finish-to-start dependencies; the objective is the makespan. `levels=True`
reads the variant with skill levels instead (each needed resource its own slot at its level).

Snauwaert & Vanhoucke (2023), "A classification and new benchmark instances for the multi-skilled
resource-constrained project scheduling problem", EJOR 307(1):1-19.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from allocate.instances._common import ALWAYS, InstanceFormatError, build_scenario, read_lines
from allocate.scenario import Person, Scenario, Slot, Task

SECTION = re.compile(r"^\\\*\s*(.*?)\s*\*?\\?\s*$")


@dataclass(frozen=True)
class MslibActivity:
    duration: int
    successors: tuple[int, ...]
    """0-based activity indices."""
    needs: tuple[int, ...]
    """Per skill, how many resources mastering it work on the activity."""
    levels: tuple[int, ...]
    """The minimum level of each needed resource, skill by skill (empty if it needs none)."""


@dataclass(frozen=True)
class MslibInstance:
    """An MSLIB file as read: the basic problem and its skill-level variant."""

    name: str
    deadlines: tuple[int, int]
    """The two deadlines in the project module (without and with skill levels), as given."""
    activities: tuple[MslibActivity, ...]
    masters: tuple[tuple[int, ...], ...]
    """Per resource, 0/1 per skill."""
    skill_levels: tuple[tuple[int, ...], ...]
    """Per resource, its level per skill."""


def read_mslib(path: str | Path, levels: bool = False) -> Scenario:
    """The MSLIB instance at `path` as a Scenario: activities "a1" … (1-based as in the file),
    people "r1" …, skills "s1" …; with `levels`, the skill-level variant. Raises
    InstanceFormatError (a ValueError naming the file and line) for a malformed file."""
    return to_scenario(parse_mslib(path), path, levels)


def parse_mslib(path: str | Path) -> MslibInstance:
    lines = read_lines(path)
    sections = _sections(path, lines)
    project = sections.get("Project Module")
    if project is None:
        raise InstanceFormatError(path, None, "no '\\* Project Module *\\' section")
    (line, header), *rest = project
    if len(header) != 4 or len(rest) < 2:
        raise InstanceFormatError(path, line, "expected 'activities resources skills levels'")
    n_act, n_res, n_skills, _ = header
    deadlines = (rest[0][1][0], rest[1][1][0])
    rows = rest[2:]
    if len(rows) != n_act:
        raise InstanceFormatError(path, line, f"{n_act} activities announced, {len(rows)} given")
    needs = _table(path, sections, "Skill Requirements Module", n_act, n_skills)
    masters = _table(path, sections, "Workforce Module", n_res, n_skills)
    levels = _table(path, sections, "Workforce Module with Skill Levels", n_res, n_skills)
    level_rows = [row for row in sections.get("Skill Level Requirements Module", ()) if row[1]]
    level_rows = [row for row in level_rows if row[1] != [-1]]
    activities = []
    for (number, row), need in zip(rows, needs, strict=True):
        if len(row) < 2 or len(row) != 2 + row[1]:
            raise InstanceFormatError(path, number, "expected 'duration successors id...'")
        if any(not 1 <= s <= n_act for s in row[2:]):
            raise InstanceFormatError(path, number, "a successor id is out of range")
        wanted = level_rows.pop(0)[1] if sum(need) else []
        if len(wanted) != sum(need):
            raise InstanceFormatError(path, number, "skill levels do not match the requirements")
        activities.append(
            MslibActivity(row[0], tuple(s - 1 for s in row[2:]), tuple(need), tuple(wanted))
        )
    return MslibInstance(
        Path(path).stem, deadlines, tuple(activities), tuple(masters), tuple(levels)
    )


def _sections(path, lines: list[str]) -> dict[str, list[tuple[int, list[int]]]]:
    """Per section name, its non-empty lines as (line number, integers); the Cost Module and
    later sections hold decimals and are not needed, so they are kept out."""
    sections: dict[str, list[tuple[int, list[int]]]] = {}
    current = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if match := SECTION.match(line):
            name = match.group(1).strip()
            current = name if "Cost" not in name and current != "skip" else "skip"
            if current != "skip":
                sections[current] = []
            continue
        if not line or current in (None, "skip"):
            continue
        try:
            sections[current].append((number, [int(v) for v in line.split()]))
        except ValueError:
            raise InstanceFormatError(path, number, f"expected integers, got '{line}'") from None
    return sections


def _table(path, sections, name: str, rows: int, columns: int) -> list[list[int]]:
    table = sections.get(name)
    if table is None or len(table) != rows:
        raise InstanceFormatError(path, None, f"section '{name}' needs {rows} lines")
    for number, row in table:
        if len(row) != columns:
            raise InstanceFormatError(path, number, f"expected {columns} values")
    return [row for _, row in table]


def to_scenario(instance: MslibInstance, path: str | Path, levels: bool = False) -> Scenario:
    people = [
        Person(id=f"r{r + 1}", skills=_person_skills(instance, r, levels), calendar=ALWAYS)
        for r in range(len(instance.masters))
    ]
    predecessors: dict[int, list[str]] = {}
    for a, activity in enumerate(instance.activities):
        for succ in activity.successors:
            predecessors.setdefault(succ, []).append(f"a{a + 1}")
    tasks = [
        _task(f"a{a + 1}", activity, predecessors.get(a, []), levels)
        for a, activity in enumerate(instance.activities)
    ]
    return build_scenario(path, name=instance.name, people=people, tasks=tasks)


def _person_skills(instance: MslibInstance, r: int, levels: bool) -> dict[str, int]:
    values = instance.skill_levels[r] if levels else instance.masters[r]
    return {f"s{k + 1}": v for k, v in enumerate(values) if v > 0}


def _task(name: str, activity: MslibActivity, after: list[str], levels: bool) -> Task:
    if activity.duration == 0:
        return Task(id=name, milestone=True, after=after)
    if not sum(activity.needs):
        return Task(id=name, effort_hours=activity.duration, headcount=0, after=after)
    if levels:
        skills = [k for k, n in enumerate(activity.needs) for _ in range(n)]
        team = [
            Slot(skills={f"s{k + 1}": level})
            for k, level in zip(skills, activity.levels, strict=True)
        ]
    else:
        team = [Slot(skills={f"s{k + 1}": 1}, count=n) for k, n in enumerate(activity.needs) if n]
    return Task(id=name, effort_hours=activity.duration, team=team, after=after)
