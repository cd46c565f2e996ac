"""The tasks of a project file (through MPXJ) as projects, tasks and pins; see `project_file.py`.

Summary tasks at the top of the outline become projects; every leaf task under them belongs to
its top-level summary. A link from or to a summary task stands for its leaves: "after the design
phase" is after every task in it.
"""

from __future__ import annotations

import re
from collections import Counter

from allocate.files.mspdi import NOBODY
from allocate.files.notation import CellError, parse_team
from allocate.scenario import MAX_HOURS, Pin

TASK_ID = re.compile(r"^Task id: (.+)$", re.MULTILINE)
PROJECT_ID = re.compile(r"^Project id: (.+)$", re.MULTILINE)
CUSTOMER = re.compile(r"^Customer: (.+)$", re.MULTILINE)
LINKS = {"FINISH_START": "FS", "START_START": "SS", "FINISH_FINISH": "FF", "START_FINISH": "SF"}
RELEASES = {"START_NO_EARLIER_THAN", "MUST_START_ON", "START_ON", "MANDATORY_START"}
DUES = {"FINISH_NO_LATER_THAN", "MUST_FINISH_ON", "FINISH_ON", "MANDATORY_FINISH"}


def map_tasks(mapping, person_of: dict[int, str]):
    """(projects, tasks, pins) as dicts and Pins, noting in `mapping.unmapped` what is lost."""
    leaves, top_of = _outline(mapping.project)
    ids = _task_ids(leaves)
    projects = {}
    for summary in {top_of[int(t.getUniqueID())] for t in leaves} - {None}:
        projects[int(summary.getUniqueID())] = _project(mapping, summary)
    tasks, pins = [], []
    below = _leaves_below(mapping.project, leaves)
    for task in leaves:
        if task.getActive() is not None and not bool(task.getActive()):
            mapping.unmapped.append(f"task '{task.getName()}' is inactive: left out")
            continue
        top = top_of[int(task.getUniqueID())]
        fields = _task(mapping, task, ids, below)
        if top is not None:
            fields["project"] = projects[int(top.getUniqueID())]["id"]
        people = _assigned(mapping, task, person_of)
        _staff(mapping, fields, people, pins)
        tasks.append(fields)
    return list(projects.values()), tasks, pins


def _outline(project):
    """Leaf tasks in file order, and each one's top-level summary (None at the top level)."""
    leaves, top_of, current = [], {}, None
    for task in project.getTasks():
        level = int(task.getOutlineLevel() or 0)
        if level == 0 or (task.getName() is None and task.getUniqueID() == 0):
            continue  # the project summary task
        if level == 1:
            current = task if bool(task.getSummary()) else None
        if bool(task.getSummary()):
            continue
        leaves.append(task)
        top_of[int(task.getUniqueID())] = current
    return leaves, top_of


def _task_ids(leaves) -> dict[int, str]:
    """Our id noted by `write_msproject`, else the WBS code, else MS Project's ID, unique."""
    ids, used = {}, Counter()
    for task in leaves:
        match = TASK_ID.search(str(task.getNotes() or ""))
        ident = match.group(1).strip() if match else str(task.getWBS() or task.getID() or "")
        ident = ident or f"task-{task.getUniqueID()}"
        used[ident] += 1
        ids[int(task.getUniqueID())] = ident if used[ident] == 1 else f"{ident}-{used[ident]}"
    return ids


def _leaves_below(project, leaves) -> dict[int, list[int]]:
    """Summary task unique id -> the unique ids of the leaf tasks under it."""
    leaf_ids = {int(t.getUniqueID()) for t in leaves}
    result: dict[int, list[int]] = {}
    for task in project.getTasks():
        if bool(task.getSummary()):
            result[int(task.getUniqueID())] = [
                int(c.getUniqueID()) for c in _descendants(task) if int(c.getUniqueID()) in leaf_ids
            ]
    return result


def _descendants(task):
    for child in task.getChildTasks():
        yield child
        yield from _descendants(child)


def _project(mapping, summary) -> dict:
    name = str(summary.getName() or "")
    notes = str(summary.getNotes() or "")
    noted, customer = PROJECT_ID.search(notes), CUSTOMER.search(notes)
    ident = re.sub(r"\s+", "-", name.strip().lower()) or f"project-{summary.getUniqueID()}"
    project = {
        "id": noted.group(1).strip() if noted else ident,
        "name": name,
        "priority": _priority(summary.getPriority()),
        "customer": customer.group(1).strip() if customer else "",
    }
    deadline = mapping.at(summary.getDeadline())
    if deadline:
        project["deadline"] = deadline
    return project


def _priority(value) -> int:
    """MS Project's 0-1000 (500 normal) as ours (1 normal, higher weighs more)."""
    return 1 if value is None else max(1, int(value.getValue()) - 499)


def _task(mapping, task, ids: dict[int, str], below: dict[int, list[int]]) -> dict:
    name = str(task.getName() or "")
    fields = {
        "id": ids[int(task.getUniqueID())],
        "name": name,
        "priority": _priority(task.getPriority()),
    }
    work = mapping.hours(task.getWork()) or sum(
        mapping.hours(a.getWork()) for a in task.getResourceAssignments()
    )
    duration = mapping.hours(task.getDuration())
    milestone = bool(task.getMilestone()) and work == 0
    needs = text_field(mapping.project, task, "Needs")
    if milestone:
        fields["milestone"] = True
    elif work <= 0 and duration > 0:
        fields["effort_hours"] = duration
        if needs != NOBODY:
            note = f"task '{name}' has no work: its duration ({duration:g} h) is the effort"
            mapping.unmapped.append(note)
    elif work <= 0:
        fields["milestone"] = True
        mapping.unmapped.append(f"task '{name}' has neither work nor duration: a milestone")
    else:
        fields["effort_hours"] = min(work, MAX_HOURS)
    if needs == NOBODY:
        fields["people"] = 0
        fields["effort_hours"] = duration
    elif needs:
        try:
            fields["skills"], team = parse_team(needs)
            if team:
                fields["team"] = team
                size = sum(slot.count for slot in team)
                fields["effort_hours"] = fields.get("effort_hours", 0.0) / size
        except CellError as error:
            mapping.unmapped.append(f"task '{name}': needs {error}")
    fields["after"] = _links(mapping, task, ids, below)
    _dates(mapping, task, fields)
    _progress(mapping, task, fields)
    return fields


def _links(mapping, task, ids, below) -> list[dict]:
    after = []
    for relation in task.getPredecessors():
        other = relation.getPredecessorTask()
        kind = LINKS.get(str(relation.getType().name()), "FS")
        lag = relation.getLag()
        unit = str(lag.getUnits().name()) if lag is not None else "HOURS"
        if unit.endswith("PERCENT") and float(lag.getDuration()):
            mapping.unmapped.append(f"task '{task.getName()}': a lag in percent is left out")
        uid = int(other.getUniqueID())
        targets = below.get(uid, [uid]) if bool(other.getSummary()) else [uid]
        for target in targets:
            if target in ids:
                after.append(
                    {
                        "task": ids[target],
                        "type": kind,
                        "lag_hours": mapping.hours(lag),
                        "lag_in": "elapsed" if unit.startswith("ELAPSED") else "working",
                    }
                )
    return _unique(after)


def _unique(after: list[dict]) -> list[dict]:
    """One link per predecessor (the first), as the scenario requires."""
    seen, result = set(), []
    for link in after:
        if link["task"] not in seen:
            seen.add(link["task"])
            result.append(link)
    return result


def _dates(mapping, task, fields: dict) -> None:
    kind = str(task.getConstraintType().name()) if task.getConstraintType() else ""
    when = mapping.at(task.getConstraintDate())
    deadlines = [d for d in (mapping.at(task.getDeadline()),) if d]
    if kind in RELEASES and when:
        fields["release"] = when
    elif kind in DUES and when:
        deadlines.append(when)
    elif kind not in ("", "AS_SOON_AS_POSSIBLE") and when:
        mapping.unmapped.append(f"task '{task.getName()}': constraint {kind.lower()} is left out")
    if deadlines:
        fields["deadline"] = min(deadlines)
    if "release" in fields and "deadline" in fields and fields["deadline"] < fields["release"]:
        when = fields["release"].strftime("%Y-%m-%d %H:%M")
        mapping.unmapped.append(
            f"task '{task.getName()}': its constraint ({kind.lower()} {when}) is after its "
            "deadline: the constraint is left out"
        )
        del fields["release"]


def _progress(mapping, task, fields: dict) -> None:
    percent = float(task.getPercentageComplete() or 0)
    if percent >= 100:
        fields["progress"] = {"status": "done", "finished": mapping.at(task.getActualFinish())}
        return
    spent = mapping.hours(task.getActualWork())
    effort = fields.get("effort_hours", 0.0)
    if percent > 0 and not spent:
        spent = effort * percent / 100
    if 0 < spent < effort:
        fields["progress"] = {"status": "in_progress", "hours_spent": spent}


def _assigned(mapping, task, person_of: dict[int, str]) -> list[str]:
    people = []
    for assignment in task.getResourceAssignments():
        resource = assignment.getResource()
        if resource is not None and int(resource.getUniqueID()) in person_of:
            people.append(person_of[int(resource.getUniqueID())])
    return people


def _staff(mapping, fields: dict, people: list[str], pins: list[Pin]) -> None:
    """Several people on a task make a team sharing its work (unless its Needs say the team);
    the assignments become pins or preferences, and the people of its actuals when it is done
    or in progress."""
    if fields.get("milestone") or not people:
        return
    progress = fields.get("progress")
    if len(people) > 1 and "team" not in fields:
        fields["people"] = len(people)
        fields["effort_hours"] = fields["effort_hours"] / len(people)
        if progress and "hours_spent" in progress:  # actual work is the team's, spent per member
            progress["hours_spent"] = progress["hours_spent"] / len(people)
    if progress:  # actuals name who did the work (work in progress stays with them)
        progress["people"] = tuple(people)
    if mapping.mode == "preferences":
        fields["preferred"] = tuple(people)
    elif mapping.mode == "pins":
        pins.append(Pin(task=fields["id"], person=people[0]))
        if len(people) > 1:
            fields["preferred"] = tuple(people[1:])
            mapping.unmapped.append(
                f"task '{fields['name']}': pinned to {people[0]}; "
                f"{', '.join(people[1:])} preferred (one pin per task)"
            )


def text_field(project, item, alias: str) -> str:
    """The value of the custom field called `alias` ("Needs", "Skills") on a task or resource."""
    for field in project.getCustomFields():
        if str(field.getAlias() or "").lower() == alias.lower():
            value = item.get(field.getFieldType())
            return str(value).strip() if value is not None else ""
    return ""
