"""A Scenario written in the spreadsheet layout, and the annotated template a planner fills in.

The rows are exactly what the reader reads back: `read_spreadsheet(write_scenario_spreadsheet(s,
path))` equals `s` (pins come back in task order). Dates and times are written in the
organisation's time zone (the Settings sheet says which), as real date cells; people's time zones,
working hours and holidays are written on every row, so nothing depends on a default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from allocate.files import notation as n
from allocate.files.layout import PEOPLE, PROJECTS, RESOURCES, SETTINGS, TASKS, TIME_OFF, Table
from allocate.files.workbook import SheetData, write_csv_folder, write_xlsx
from allocate.scenario import (
    DEFAULT_OBJECTIVE,
    Calendar,
    Dependency,
    Person,
    Pin,
    Project,
    Scenario,
    Slot,
    Task,
    TimeOff,
)


def write_scenario_spreadsheet(scenario: Scenario, path: str | Path) -> Path:
    """Write `scenario` as a workbook (`.xlsx`) or, for a path without a suffix, a folder of CSV
    files; return the path."""
    return _write(path, scenario_sheets(scenario), intro=None)


def write_template(path: str | Path) -> Path:
    """An annotated template to fill in: a small worked example on every sheet, a note on every
    header (hover over it in Excel) and a 'Read me' sheet; a folder of CSV files for a path
    without a suffix."""
    return _write(path, scenario_sheets(template_scenario(), every_column=True), intro=README)


def _write(path: str | Path, sheets: list[SheetData], intro: str | None) -> Path:
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, sheets, intro=intro)
    if path.suffix:
        raise ValueError(f"'{path}': write a .xlsx workbook, or a folder (a path without suffix)")
    write_csv_folder(path, sheets)
    return path


def scenario_sheets(scenario: Scenario, *, every_column: bool = False) -> list[SheetData]:
    """One SheetData per table; columns that are blank in every row are left out unless
    `every_column` (the template shows them all)."""
    zone = scenario.calendar.timezone
    tables = {
        SETTINGS: _settings(scenario),
        PEOPLE: [_person(p, scenario.calendar) for p in scenario.people],
        PROJECTS: [_project(p, zone) for p in scenario.projects],
        TASKS: _tasks(scenario, zone),
        TIME_OFF: _time_off(scenario),
        RESOURCES: [_resource(r, zone) for r in scenario.resources],
    }
    sheets = []
    for table, rows in tables.items():
        if table is SETTINGS:
            sheets.append(SheetData(table.sheet, ("Setting", "Value"), rows, key_value=True))
        elif rows or every_column:
            sheets.append(_table_sheet(table, rows, every_column))
    return sheets


def _table_sheet(table: Table, rows: list[dict[str, Any]], every_column: bool) -> SheetData:
    columns = [
        c
        for c in table.columns
        if every_column or c.required or any(row.get(c.key) not in (None, "") for row in rows)
    ]
    return SheetData(
        table.sheet,
        [c.header for c in columns],
        [[row.get(c.key) for c in columns] for row in rows],
        notes={c.header: c.note for c in columns} if every_column else {},
    )


def _settings(scenario: Scenario) -> list[list[Any]]:
    zone = scenario.calendar.timezone
    values = {
        "name": scenario.name or None,
        "start": n.format_moment(scenario.start, zone),
        "timezone": zone,
        "works": n.format_works(scenario.calendar.weekly_hours),
        "holidays": scenario.calendar.holidays,
        "horizon_end": n.format_moment(scenario.horizon_end, zone, end_of_day=True),
        "balance_until": n.format_moment(scenario.balance_until, zone, end_of_day=True),
        "resolution": scenario.resolution_minutes,
        "objective": n.format_objective(scenario.objective),
    }
    return [[SETTINGS.column(key).header, value] for key, value in values.items() if value]


def _person(person, organisation: Calendar) -> dict[str, Any]:
    holidays = person.calendar.holidays
    if holidays is None and organisation.holidays:
        holidays = n.NO_HOLIDAYS
    return {
        "id": person.id,
        "name": person.name,
        "skills": n.format_levels(person.skills),
        "timezone": person.calendar.timezone,
        "works": n.format_works(person.calendar.weekly_hours),
        "holidays": holidays,
        "rate": n.format_number(person.hourly_rate),
        "max_hours_per_week": n.format_number(person.max_hours_per_week),
        "max_projects": person.max_projects,
    }


def _project(project, zone: str) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "customer": project.customer,
        "deadline": n.format_moment(project.deadline, zone, end_of_day=True),
        "priority": project.priority,
        "budget": n.format_number(project.budget),
        "value": n.format_number(project.value),
    }


def _tasks(scenario: Scenario, zone: str) -> list[dict[str, Any]]:
    pins = {pin.task: pin for pin in scenario.pins}
    rows = []
    for task in scenario.tasks:
        pin = pins.get(task.id)
        progress = task.progress
        rows.append(
            {
                "id": task.id,
                "name": task.name,
                "project": task.project,
                "effort": None if task.milestone else n.format_number(task.effort_hours),
                "needs": n.format_team(task.skills, task.team),
                "people": None if task.team or task.headcount == 1 else task.headcount,
                "after": n.format_after(task.after),
                "release": n.format_moment(task.release, zone),
                "deadline": n.format_moment(task.deadline, zone, end_of_day=True),
                "priority": task.priority,
                "milestone": True if task.milestone else None,
                "optional": True if task.optional else None,
                "pinned_to": pin.person if pin else None,
                "pinned_start": n.format_moment(pin.start, zone) if pin else None,
                "preferred": n.format_names(task.preferred),
                "avoided": n.format_names(task.avoided),
                "stream": task.stream,
                "resources": n.format_levels(task.resources),
                "status": None
                if progress.status == "not_started"
                else (n.STATUS_WORDS[progress.status]),
                "by": n.format_names(progress.people),
                "started": n.format_moment(progress.started, zone),
                "spent": n.format_number(progress.hours_spent) or None,
                "finished": n.format_moment(progress.finished, zone, end_of_day=True),
            }
        )
    return rows


def _time_off(scenario: Scenario) -> list[dict[str, Any]]:
    owners = [("organisation", scenario.calendar)] + [(p.id, p.calendar) for p in scenario.people]
    return [
        {
            "person": who,
            "start": _off_cell(off.start),
            "end": _off_cell(off.end),
            "reason": off.reason,
        }
        for who, calendar in owners
        for off in calendar.time_off
    ]


def _off_cell(value: date | datetime) -> Any:
    """Days as dates, naive times as they are (the person's local time), others with offset."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()
    return value


def _resource(resource, zone: str) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name,
        "capacity": resource.capacity,
        "changes": n.format_changes(resource.changes, zone),
    }


# --- the template ----------------------------------------------------------------------------

README = "\n".join(
    (
        "How to fill in this workbook",
        "Each sheet is one table; its first row holds the column headers. Hover over a header "
        "to read what it means. Columns may be in any order, headers are read loosely "
        '("Depends on" works for "After"), and columns not listed here (your own notes) are '
        "skipped.",
        "Settings: the planning start is required; the organisation's time zone is the zone of "
        "every date and time in this workbook; its working hours and holidays apply to people "
        "who have none of their own.",
        "People: skills as design:3, backend:2; working hours in the person's own time zone as "
        "Mon-Fri 09:00-17:00 (split days: Mon-Fri 07:00-11:00, 13:00-17:00; part-time: Mon-Wed "
        "09:00-17:00); holidays as a region code (DE-BE, GB-ENG, US-NY).",
        "Projects: a deadline that is a date means the end of that day.",
        "Tasks: effort in hours of one person's work (not days: a day is not the same length for "
        "everyone); Needs as skills with minimum levels; After lists the tasks it waits for "
        "(design SS +24h: starts 24 hours after design starts; uat +16wh: starts 16 working hours "
        "after uat finishes); an empty effort makes a milestone.",
        "Time off: whole days from and to (both included), or times in the person's local time; "
        "'everyone' for every person and the organisation.",
        "Then: python -m allocate import team.xlsx > scenario.json, and "
        "python -m allocate solve scenario.json",
        "The layout is documented in docs/spreadsheets.md of the allocate project.",
    )
)


def template_scenario() -> Scenario:
    """The template's worked example: four people in four time zones (a split day, a part-timer,
    a half-hour zone), one customer project with a team task, lags, a task that needs nobody,
    optional work, a pin, time off."""
    zone = "Europe/Berlin"

    def day(text: str) -> datetime:
        """Midnight at the start of `text` in Berlin (a deadline on the 6th: the 5th's end)."""
        return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)

    week = ("mon", "tue", "wed", "thu", "fri")
    people = [
        Person(id="ana", name="Ana Weber", skills={"design": 4, "frontend": 2}, hourly_rate=95,
               calendar=Calendar(timezone=zone, holidays="DE-BE", time_off=(
                   TimeOff(start=date(2027, 2, 15), end=date(2027, 2, 19), reason="vacation"),))),
        Person(id="ben", name="Ben Carter", skills={"backend": 4, "devops": 2}, hourly_rate=105,
               calendar=Calendar(timezone="America/New_York", holidays="US-NY", weekly_hours={
                   d: ("07:00-11:00", "13:00-17:00") for d in week})),
        Person(id="chloe", name="Chloé Martin", skills={"frontend": 3, "qa": 2}, hourly_rate=80,
               calendar=Calendar(timezone="Europe/London", holidays="GB-ENG", weekly_hours={
                   d: ("09:00-17:00",) for d in week[:3]})),
        Person(id="dev", name="Dev Patel", skills={"pm": 4, "qa": 3}, hourly_rate=90,
               max_hours_per_week=20, max_projects=2,
               calendar=Calendar(timezone="Asia/Kolkata", holidays="IN", weekly_hours={
                   d: ("09:30-18:00",) for d in week})),
    ]  # fmt: skip
    tasks = [
        Task(id="kickoff", name="Kickoff workshop", project="web", effort_hours=4,
             team=(Slot(skills={"pm": 3}), Slot(skills={"design": 3}))),
        Task(id="design", name="Page designs", project="web", effort_hours=40,
             skills={"design": 3}, after=("kickoff",), deadline=day("2027-02-06")),
        Task(id="api", name="Content API", project="web", effort_hours=60,
             skills={"backend": 3}, after=(Dependency(task="kickoff", type="SS", lag_hours=24),)),
        Task(id="review", name="Customer review period", project="web", effort_hours=16,
             headcount=0, after=("design",)),
        Task(id="build", name="Build pages", project="web", effort_hours=64,
             skills={"frontend": 3}, preferred=("chloe",),
             after=("review", Dependency(task="api", type="SS", lag_hours=16, lag_in="working"))),
        Task(id="test", name="Testing", project="web", effort_hours=24, skills={"qa": 2},
             after=("build",)),
        Task(id="analytics", name="Visitor analytics", project="web", effort_hours=12,
             skills={"frontend": 2}, optional=True, after=("build",)),
        Task(id="launch", name="Launch", project="web", milestone=True, priority=3,
             after=("test",), deadline=day("2027-03-20")),
    ]  # fmt: skip
    return Scenario(
        name="Website relaunch",
        start=day("2027-01-04"),
        people=people,
        projects=[
            Project(
                id="web",
                name="Website relaunch",
                customer="Lumen Museum",
                priority=2,
                deadline=day("2027-03-27"),
                budget=40_000,
                value=52_000,
            )
        ],  # fmt: skip
        tasks=tasks,
        pins=[Pin(task="api", person="ben")],
        calendar=Calendar(timezone=zone, holidays="DE-BE"),
        objective=DEFAULT_OBJECTIVE,
    )
