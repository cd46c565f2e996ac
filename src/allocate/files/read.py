"""A planner's workbook (or folder of CSV files) as a validated Scenario.

Reading happens in three passes, each collecting every problem it finds before the next starts
(so one error lists them all, each at its cell): the cells (is this a number of hours?), each row
as a model (a milestone with effort), then the scenario's cross-references (a task after an
unknown task, a skill nobody has), mapped back from ids to the rows that hold them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from allocate.files import notation as n
from allocate.files.layout import EVERYONE, ORGANISATION, SETTINGS, find_column
from allocate.files.notation import CellError, blank
from allocate.files.problems import InputFileError, Place, Problem
from allocate.files.sheets import Sheet, read_sheets
from allocate.scenario import (
    Calendar,
    Person,
    Pin,
    Project,
    Resource,
    Scenario,
    Task,
    TimeOff,
)
from allocate.validation import find_problems

ROW_FIELDS: dict[str, dict[tuple[str, ...], str]] = {
    "people": {
        ("calendar", "timezone"): "timezone",
        ("calendar", "weekly_hours"): "works",
        ("calendar", "holidays"): "holidays",
        ("hourly_rate",): "rate",
        ("max_hours_per_week",): "max_hours_per_week",
        ("max_projects",): "max_projects",
        ("skills",): "skills",
        ("name",): "name",
    },
    "tasks": {
        ("effort_hours",): "effort",
        ("skills",): "needs",
        ("team",): "needs",
        ("people",): "people",
        ("after",): "after",
        ("release",): "release",
        ("deadline",): "deadline",
        ("priority",): "priority",
        ("resources",): "resources",
        ("preferred",): "preferred",
        ("avoided",): "avoided",
        ("project",): "project",
        ("progress", "hours_spent"): "spent",
        ("progress", "people"): "by",
        ("progress", "started"): "started",
        ("progress", "finished"): "finished",
        ("progress",): "status",
    },
    "projects": {(key,): key for key in ("deadline", "priority", "budget", "value", "name")},
    "resources": {("capacity",): "capacity", ("changes",): "changes"},
    "time_off": {("start",): "start", ("end",): "end"},
}
"""Where a field of a row's model lives in its sheet, for errors pydantic finds."""


def read_spreadsheet(path: str | Path) -> Scenario:
    """The scenario in a workbook (.xlsx, .xlsm, .xls, .ods) or a folder of CSV files laid out as
    docs/spreadsheets.md describes; InputFileError listing every problem by sheet, row and
    column."""
    sheets, problems = read_sheets(path)
    return _Reading(Path(path), sheets, problems).scenario()


def _in_file_order(problems: list[Problem], sheets: dict[str, Sheet]) -> list[Problem]:
    """Problems sheet by sheet (in the file's order), row by row, column by column."""
    order = {sheet.source: index for index, sheet in enumerate(sheets.values())}

    def key(problem: Problem):
        place = problem.place
        if not isinstance(place, Place):
            return (-1, 0, 0)
        return (
            order.get(place.source, -1),
            place.row or 0,
            -1 if place.column is None else place.column,
        )

    return sorted(problems, key=key)


class _Reading:
    def __init__(self, path: Path, sheets: dict[str, Sheet], problems: list[Problem]):
        self.path = path
        self.sheets = sheets
        self.problems = list(problems)
        self.rows: dict[tuple[str, str], tuple[Sheet, int]] = {}
        """(table, id) -> where the row with that id is"""
        self.zone = "UTC"

    # --- cells ---------------------------------------------------------------------------

    def cell(self, sheet: Sheet, row: int, cells: list, key: str, parse: Callable, *args) -> Any:
        """The parsed cell, or None when it is blank or cannot be read (then a problem)."""
        value = sheet.value(cells, key)
        if blank(value):
            return None
        try:
            return parse(value, *args)
        except CellError as error:
            self.problems.append(Problem(sheet.place(row, key), str(error)))
            return None

    def build(self, model: type, fields: dict, sheet: Sheet, row: int):
        """`model(**fields)`, or None with each of pydantic's errors placed in its column."""
        try:
            return model(**{k: v for k, v in fields.items() if v is not None})
        except ValidationError as error:
            columns = ROW_FIELDS.get(sheet.table.key, {})
            for detail in error.errors():
                loc = tuple(str(part) for part in detail["loc"])
                key = columns.get(loc[:2]) or columns.get(loc[:1])
                message = _plain(detail["msg"])
                self.problems.append(Problem(sheet.place(row, key), message))
            return None

    def each_row(self, key: str, kind: str):
        """(row number, cells, id) of every row of table `key` with an id; a row without one is
        a problem, a repeated id too (at each of its rows)."""
        sheet = self.sheets.get(key)
        if sheet is None:
            return
        seen = Counter(n.parse_text(sheet.value(cells, "id")) for _, cells in sheet.rows)
        for row, cells in sheet.rows:
            ident = n.parse_text(sheet.value(cells, "id"))
            if not ident:
                self.problems.append(Problem(sheet.place(row, "id"), f"the {kind} has no id"))
                continue
            if seen[ident] > 1:
                others = [r for r, c in sheet.rows if n.parse_text(sheet.value(c, "id")) == ident]
                rows = ", ".join(map(str, others))
                message = f"{kind} id '{ident}' is used {seen[ident]} times (rows {rows})"
                self.problems.append(Problem(sheet.place(row, "id"), message))
            self.rows.setdefault((key, ident), (sheet, row))
            yield sheet, row, cells, ident

    # --- tables --------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        sheet = self.sheets.get("settings")
        values: dict[str, tuple[Any, Place]] = {}
        for row, cells in sheet.rows if sheet else ():
            name = n.parse_text(cells[0] if cells else None)
            column = find_column(SETTINGS, name)
            if column is None:
                message = f"unknown setting '{name}' (settings: " + (
                    ", ".join(c.header for c in SETTINGS.columns) + ")"
                )
                self.problems.append(Problem(sheet.place(row), message))
                continue
            value = cells[1] if len(cells) > 1 else None
            values[column.key] = (value, Place(sheet.source, sheet.csv, row, 1, name))
        self.settings_places = {key: place for key, (_, place) in values.items()}
        return values

    def setting(self, values: dict, key: str, parse: Callable, *args) -> Any:
        value, place = values.get(key, (None, None))
        if blank(value):
            return None
        try:
            return parse(value, *args)
        except CellError as error:
            self.problems.append(Problem(place, str(error)))
            return None

    def organisation(self, values: dict) -> tuple[dict, Calendar]:
        self.zone = self.setting(values, "timezone", n.parse_zone) or "UTC"
        works = self.setting(values, "works", n.parse_works)
        holidays = self.setting(values, "holidays", n.parse_holidays)
        fields = {
            "name": self.setting(values, "name", n.parse_text),
            "start": self.setting(values, "start", n.parse_moment, "planning start", self.zone),
            "horizon_end": self.setting(
                values, "horizon_end", n.parse_moment, "horizon end", self.zone, True
            ),
            "balance_until": self.setting(
                values, "balance_until", n.parse_moment, "balance until", self.zone, True
            ),
            "resolution_minutes": self.setting(values, "resolution", n.parse_whole, "resolution"),
            "objective": self.setting(values, "objective", n.parse_objective),
        }
        if "start" not in values:
            place = self.sheets["settings"].source if "settings" in self.sheets else "Settings"
            message = "no 'Planning start' setting: when should planning start?"
            if "settings" not in self.sheets:
                message = "no Settings sheet (or settings.csv) with the 'Planning start'"
            self.problems.append(Problem(place, message))
        calendar = {"timezone": self.zone, "weekly_hours": works, "holidays": holidays}
        return fields, calendar

    def time_off(self, people: set[str]) -> tuple[dict[str, list[TimeOff]], list[TimeOff]]:
        """Absences by person id, and the organisation's."""
        by_person: dict[str, list[TimeOff]] = {}
        organisation: list[TimeOff] = []
        sheet = self.sheets.get("time_off")
        for row, cells in sheet.rows if sheet else ():
            who = n.parse_text(sheet.value(cells, "person"))
            fields = {
                "start": self.cell(sheet, row, cells, "start", n.parse_when, "start"),
                "end": self.cell(sheet, row, cells, "end", n.parse_when, "end"),
                "reason": self.cell(sheet, row, cells, "reason", n.parse_text),
            }
            for key in ("start", "end"):
                if blank(sheet.value(cells, key)):
                    self.problems.append(Problem(sheet.place(row, key), f"no {key} date"))
            if who in people:
                targets = [by_person.setdefault(who, [])]
            elif who.lower() in EVERYONE:
                targets = [organisation, *(by_person.setdefault(p, []) for p in people)]
            elif who.lower() in ORGANISATION:
                targets = [organisation]
            else:
                message = f"unknown person '{who}'" if who else "no person"
                self.problems.append(Problem(sheet.place(row, "person"), message))
                continue
            off = (
                self.build(TimeOff, fields, sheet, row)
                if fields["start"] and fields["end"]
                else None
            )
            for target in targets if off else ():
                target.append(off)
        return by_person, organisation

    def people(self, organisation: dict, time_off: dict[str, list[TimeOff]]) -> list[Person]:
        people = []
        for sheet, row, cells, ident in self.each_row("people", "person"):
            calendar = {
                "timezone": self.cell(sheet, row, cells, "timezone", n.parse_zone)
                or organisation["timezone"],
                "weekly_hours": self.cell(sheet, row, cells, "works", n.parse_works)
                or organisation["weekly_hours"],
                "holidays": self.cell(sheet, row, cells, "holidays", n.parse_holidays)
                if not blank(sheet.value(cells, "holidays"))
                else organisation["holidays"],
                "time_off": tuple(time_off.get(ident, ())),
            }
            fields = {
                "id": ident,
                "name": self.cell(sheet, row, cells, "name", n.parse_text),
                "skills": self.cell(sheet, row, cells, "skills", n.parse_levels, "skill"),
                "calendar": {k: v for k, v in calendar.items() if v is not None},
                "hourly_rate": self.cell(sheet, row, cells, "rate", n.parse_number, "rate"),
                "max_hours_per_week": self.cell(
                    sheet, row, cells, "max_hours_per_week", n.parse_hours, "max h/week"
                ),
                "max_projects": self.cell(
                    sheet, row, cells, "max_projects", n.parse_whole, "max projects"
                ),
            }
            people.append(self.build(Person, fields, sheet, row))
        return people

    def projects(self) -> list[Project]:
        projects = []
        for sheet, row, cells, ident in self.each_row("projects", "project"):
            fields = {
                "id": ident,
                "name": self.cell(sheet, row, cells, "name", n.parse_text),
                "customer": self.cell(sheet, row, cells, "customer", n.parse_text),
                "deadline": self.cell(
                    sheet, row, cells, "deadline", n.parse_moment, "deadline", self.zone, True
                ),
                "priority": self.cell(sheet, row, cells, "priority", n.parse_whole, "priority"),
                "budget": self.cell(sheet, row, cells, "budget", n.parse_number, "budget"),
                "value": self.cell(sheet, row, cells, "value", n.parse_number, "value"),
            }
            projects.append(self.build(Project, fields, sheet, row))
        return projects

    def resources(self) -> list[Resource]:
        resources = []
        for sheet, row, cells, ident in self.each_row("resources", "resource"):
            fields = {
                "id": ident,
                "name": self.cell(sheet, row, cells, "name", n.parse_text),
                "capacity": self.cell(sheet, row, cells, "capacity", n.parse_whole, "capacity"),
                "changes": self.cell(sheet, row, cells, "changes", n.parse_changes, self.zone),
            }
            resources.append(self.build(Resource, fields, sheet, row))
        return resources

    def tasks(self) -> tuple[list[Task], list[Pin]]:
        tasks, pins = [], []
        if "tasks" not in self.sheets:
            self.problems.append(Problem(self.path.name, "has no Tasks sheet (or tasks.csv)"))
        for sheet, row, cells, ident in self.each_row("tasks", "task"):
            fields = self.task_fields(sheet, row, cells, ident)
            tasks.append(self.build(Task, fields, sheet, row))
            person = self.cell(sheet, row, cells, "pinned_to", n.parse_text)
            start = self.cell(
                sheet, row, cells, "pinned_start", n.parse_moment, "pinned start", self.zone
            )
            if person or start:
                pins.append(Pin(task=ident, person=person or None, start=start))
        return tasks, pins

    def task_fields(self, sheet: Sheet, row: int, cells: list, ident: str) -> dict[str, Any]:
        def cell(key, parse, *args):
            return self.cell(sheet, row, cells, key, parse, *args)

        effort = cell("effort", n.parse_hours, "effort")
        marked = (
            None
            if blank(sheet.value(cells, "milestone"))
            else cell("milestone", n.parse_yes_no, "milestone")
        )
        milestone = bool(marked) or (marked is None and not effort)
        if marked is False and not effort and not blank(sheet.value(cells, "milestone")):
            message = "no effort: give the hours of work (or mark it as a milestone)"
            self.problems.append(Problem(sheet.place(row, "effort"), message))
            milestone = True  # said once, here; the model would say it again
        if marked and effort:
            message = f"a milestone takes no work, but its effort is {effort:g} h"
            self.problems.append(Problem(sheet.place(row, "effort"), message))
            effort = 0.0
        skills, team = cell("needs", n.parse_team) or ({}, ())
        people = cell("people", n.parse_whole, "people")
        if team and people is not None and people != sum(slot.count for slot in team):
            total = sum(slot.count for slot in team)
            message = f"{people} people, but its Needs list a team of {total}"
            self.problems.append(Problem(sheet.place(row, "people"), message))
        progress = {
            "status": cell("status", n.parse_status),
            "people": cell("by", n.parse_names) or None,
            "started": cell("started", n.parse_moment, "started", self.zone),
            "hours_spent": cell("spent", n.parse_hours, "spent"),
            "finished": cell("finished", n.parse_moment, "finished", self.zone, True),
        }
        return {
            "id": ident,
            "name": cell("name", n.parse_text),
            "project": cell("project", n.parse_text) or None,
            "effort_hours": 0.0 if milestone else effort,
            "skills": skills,
            "team": team,
            "people": None if team else people,
            "after": cell("after", n.parse_after),
            "release": cell("release", n.parse_moment, "release", self.zone),
            "deadline": cell("deadline", n.parse_moment, "deadline", self.zone, True),
            "priority": cell("priority", n.parse_whole, "priority"),
            "milestone": milestone,
            "optional": cell("optional", n.parse_yes_no, "optional"),
            "preferred": cell("preferred", n.parse_names),
            "avoided": cell("avoided", n.parse_names),
            "stream": cell("stream", n.parse_text) or None,
            "resources": cell("resources", n.parse_levels, "units"),
            "progress": {k: v for k, v in progress.items() if v is not None},
        }

    # --- the scenario --------------------------------------------------------------------

    def scenario(self) -> Scenario:
        values = self.settings()
        fields, organisation = self.organisation(values)
        person_ids = {
            n.parse_text(sheet.value(cells, "id"))
            for sheet in [self.sheets.get("people")]
            if sheet
            for _, cells in sheet.rows
        } - {""}
        time_off, organisation_off = self.time_off(person_ids)
        calendar = {k: v for k, v in organisation.items() if v is not None}
        parts = {
            "people": self.people(organisation, time_off),
            "projects": self.projects(),
            "resources": self.resources(),
        }
        parts["tasks"], parts["pins"] = self.tasks()
        scenario_fields = {k: v for k, v in fields.items() if v is not None}
        scenario_fields["calendar"] = Calendar(**calendar, time_off=tuple(organisation_off))
        if self.problems:
            raise InputFileError(self.path, _in_file_order(self.problems, self.sheets))
        self.cross_references(scenario_fields, parts)
        try:
            return Scenario(**scenario_fields, **parts)
        except ValidationError as error:
            for detail in error.errors():
                field = str(detail["loc"][0]) if detail["loc"] else ""
                key = {"resolution_minutes": "resolution"}.get(field, field)
                place = self.settings_places.get(key, self.path.name)
                self.problems.append(Problem(place, _plain(detail["msg"])))
            raise InputFileError(self.path, _in_file_order(self.problems, self.sheets)) from None

    def cross_references(self, fields: dict, parts: dict) -> None:
        """The scenario's own validation, each problem placed at the row (and column) of the id
        it names."""
        draft = Scenario.model_construct(**fields, **{k: tuple(v) for k, v in parts.items()})
        for loc, message in find_problems(draft):
            self.problems.append(Problem(self.locate(loc, message), message))
        if self.problems:
            raise InputFileError(self.path, _in_file_order(self.problems, self.sheets))

    def locate(self, loc: tuple, message: str) -> Place | str:
        table = str(loc[0]) if loc else ""
        if table in ("horizon_end", "objective"):
            return self.settings_places.get(table, self.path.name)
        if table == "pins":
            table, column = "tasks", "pinned_start" if "start" in message else "pinned_to"
        else:
            column = {"skills": "needs", "team": "needs"}.get(str(loc[2]) if len(loc) > 2 else "")
            column = column or (str(loc[2]) if len(loc) > 2 else None)
        where = self.rows.get((table, str(loc[1]))) if len(loc) > 1 else None
        if where is None:
            return self.path.name
        sheet, row = where
        return sheet.place(row, column)


_NAMED = re.compile(r"(person|task|project|resource|timeoff|pin) '[^']*': ")


def _plain(message: str) -> str:
    """pydantic's message without its prefix and the id the place already names."""
    return _NAMED.sub("", message.removeprefix("Value error, "), count=1)
