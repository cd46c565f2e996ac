"""iCalendar (.ics) feeds: each person's assignments, to subscribe to in any calendar app.

Each event's UID is derived from the task and the person, not from the plan, so that a new plan
read into the same calendar moves the event instead of adding a second one. DTSTAMP (required by
RFC 5545) defaults to the planning start, which keeps the file byte-for-byte reproducible; pass
`stamp=` the publication time when a client needs it to notice changes.

By default an assignment is one event from start to end; `blocks=True` gives one event per stretch
of working time inside it instead, so that a three-day task shows up as three working days rather
than as one block across the nights.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from allocate.calendar import working_intervals
from allocate.plan import Assignment, Plan
from allocate.report._optional import require
from allocate.report.rows import file_name, known_tasks, planned_hours
from allocate.report.status import long_date
from allocate.scenario import Scenario

PRODID = "-//allocate//planner's view//EN"


def ical_feed(
    scenario: Scenario,
    plan: Plan,
    person: str,
    *,
    blocks: bool = False,
    stamp: datetime | None = None,
) -> bytes:
    """The person's assignments as an iCalendar document (UTF-8 bytes)."""
    icalendar = require("icalendar", "ical_feed")
    known_tasks(scenario, plan)
    who = scenario.person(person)
    feed = icalendar.Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"{who.name or who.id}: {scenario.name or 'plan'}")
    feed.add("x-wr-timezone", who.calendar.timezone)
    mine = sorted((a for a in plan.assignments if person in a.people), key=lambda a: a.start)
    for assignment in mine:
        spans = [(assignment.start, assignment.end)]
        if blocks:
            spans = working_intervals(who.calendar, assignment.start, assignment.end) or spans
        for k, (start, end) in enumerate(spans):
            uid = f"{assignment.task}.{person}" + (f".{k}" if blocks else "") + "@allocate"
            part = f"Part {k + 1} of {len(spans)}" if blocks else ""
            event = _event(icalendar, scenario, plan, assignment, uid, (start, end), part)
            event.add("dtstamp", stamp or scenario.start)
            feed.add_component(event)
    return feed.to_ical()


def _event(icalendar, scenario, plan, assignment: Assignment, uid, span, part: str):
    task = scenario.task(assignment.task)
    project = scenario.project(task.project) if task.project else None
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstart", span[0])
    event.add("dtend", span[1])
    title = task.name or task.id
    event.add("summary", f"{title} ({project.name or project.id})" if project else title)
    lines = [
        f"Task {task.id}: {planned_hours(task.remaining_hours, plan.resolution_minutes):g} h of "
        "work, paused outside working time.",
    ]
    if part:
        lines.append(
            f"{part}; the whole assignment runs from {assignment.start:%Y-%m-%d %H:%M} to "
            f"{assignment.end:%Y-%m-%d %H:%M} UTC."
        )
    if task.deadline is not None:
        due = task.deadline.astimezone(UTC)
        lines.append(f"Deadline: {long_date(due, 'UTC')} {due:%H:%M} UTC.")
    event.add("description", "\n".join(lines))
    if project is not None:
        event.add("categories", [project.name or project.id])
    event.add("transp", "OPAQUE")
    return event


def write_ical(
    scenario: Scenario,
    plan: Plan,
    directory: str | Path,
    *,
    blocks: bool = False,
    stamp: datetime | None = None,
) -> list[Path]:
    """One `<person>.ics` per person with at least one assignment; returns the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    busy = {p for a in plan.assignments for p in a.people}
    paths = []
    for person in scenario.people:
        if person.id in busy:
            path = directory / file_name(person.id, ".ics")
            path.write_bytes(ical_feed(scenario, plan, person.id, blocks=blocks, stamp=stamp))
            paths.append(path)
    return paths
