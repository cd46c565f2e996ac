"""A plan as a workbook a project manager filters, sorts and forwards.

Sheets: `Plan` (the headline figures), `Assignments` (one row per person and task, in the
person's local time and in the organisation's), `Weekly load` (booked against available hours
per person and local week, long form for filtering) and `Load by week` (the same as a grid with a
colour scale), `Projects` (finish against deadline, cost against budget), `Late` (every missed
deadline and why) and `Not planned` (unplaced and left-out tasks, conflicting inputs, with
reasons). Every figure comes from the Plan as `solve()` returned it; nothing is recomputed
differently here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from allocate.files.workbook import SheetData, write_csv_folder, write_xlsx
from allocate.plan import Plan
from allocate.report.rows import known_tasks, planned_hours
from allocate.scenario import Scenario, hours

PERCENT = "0%"
MONEY = "#,##0"


def write_spreadsheet(
    scenario: Scenario, plan: Plan, path: str | Path, *, timezone: str | None = None
) -> Path:
    """Write `plan` as an .xlsx workbook (or, for a path without a suffix, a folder of CSV
    files). `timezone` is the zone of the organisation-wide times (default: the scenario's
    calendar zone); each assignment also shows its person's local times."""
    known_tasks(scenario, plan)
    zone = timezone or scenario.calendar.timezone
    ZoneInfo(zone)
    sheets = plan_sheets(scenario, plan, zone)
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, sheets)
    if path.suffix:
        raise ValueError(f"'{path}': write a .xlsx workbook, or a folder (a path without suffix)")
    write_csv_folder(path, [sheet for sheet in sheets if sheet.name != "Load by week"])
    return path


def plan_sheets(scenario: Scenario, plan: Plan, zone: str) -> list[SheetData]:
    return [
        SheetData("Plan", ("Item", "Value"), _headline(scenario, plan, zone), key_value=True),
        _assignments(scenario, plan, zone),
        _weekly_load(scenario, plan),
        _load_grid(scenario, plan),
        _projects(scenario, plan, zone),
        _late(plan),
        _not_planned(scenario, plan),
    ]


def _local(moment: datetime | None, zone: str) -> datetime | None:
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if moment else None


def _headline(scenario: Scenario, plan: Plan, zone: str) -> list[list[Any]]:
    placed = {a.task for a in plan.assignments}
    open_tasks = [t for t in scenario.tasks if not t.done]
    rows = [
        ["Scenario", plan.scenario or scenario.name],
        ["Status", plan.status],
        [
            "Checked",
            "no violations" if not plan.violations else f"{len(plan.violations)} violations",
        ],
        [f"Planning start ({zone})", _local(scenario.start, zone)],
        [f"Finish ({zone})", _local(plan.finish, zone)],
        ["Tasks planned", f"{sum(t.id in placed for t in open_tasks)} of {len(open_tasks)}"],
        ["Not planned", len(plan.unplaced)],
        ["Optional work left out", len(plan.left_out)],
        ["Missed deadlines", len(plan.late)],
    ]
    rows += [[f"Objective: {term}", round(value, 4)] for term, value in plan.objective.items()]
    rows += [
        ["Strategy", plan.stats.strategy],
        ["Solve time (s)", round(plan.stats.wall_seconds, 2)],
        ["Times in this workbook", f"{zone}, and each person's own zone where marked 'local'"],
    ]  # fmt: skip
    return rows


def _assignments(scenario: Scenario, plan: Plan, zone: str) -> SheetData:
    headers = (
        "Task", "Task name", "Project", "Person", "Person name", "Start (local)", "End (local)",
        "Time zone", f"Start ({zone})", f"End ({zone})", "Hours", f"Deadline ({zone})",
        "Late (h)", "Milestone", "Cost",
    )  # fmt: skip
    rows = []
    for a in sorted(plan.assignments, key=lambda a: (a.start, a.end, a.task)):
        task = scenario.task(a.task)
        late = max(0.0, hours(a.end - task.deadline)) if task.deadline else None
        work = planned_hours(task.remaining_hours, plan.resolution_minutes)
        for person_id in a.people or (None,):
            person = scenario.person(person_id) if person_id else None
            local = person.calendar.timezone if person else zone
            rate = person.hourly_rate if person else None
            rows.append(
                [
                    task.id, task.name, task.project, person_id, person.name if person else None,
                    _local(a.start, local), _local(a.end, local), local,
                    _local(a.start, zone), _local(a.end, zone), 0 if task.milestone else work,
                    _local(task.deadline, zone), round(late, 2) if late is not None else None,
                    task.milestone, round(work * rate, 2) if rate is not None else None,
                ]
            )  # fmt: skip
    return SheetData("Assignments", headers, rows, formats={"Cost": MONEY})


def _weekly_load(scenario: Scenario, plan: Plan) -> SheetData:
    headers = (
        "Person", "Name", "Week of", "Booked (h)", "Available (h)", "Utilisation", "Max h/week",
    )  # fmt: skip
    rows = [
        [
            summary.id, scenario.person(summary.id).name, week.start,
            round(week.booked_hours, 2), round(week.available_hours, 2), week.utilisation,
            summary.max_hours_per_week,
        ]
        for summary in plan.people
        for week in summary.weeks
    ]  # fmt: skip
    return SheetData(
        "Weekly load",
        headers,
        rows,
        formats={"Utilisation": PERCENT},
        colour_scale=("Utilisation",),
    )


def _load_grid(scenario: Scenario, plan: Plan) -> SheetData:
    """Utilisation per person (rows) and local week (columns, by their Monday)."""
    weeks = sorted({week.start for summary in plan.people for week in summary.weeks})
    labels = [week.isoformat() for week in weeks]
    rows = []
    for summary in plan.people:
        by_week = {week.start: week.utilisation for week in summary.weeks}
        rows.append([summary.id, scenario.person(summary.id).name, *map(by_week.get, weeks)])
    return SheetData(
        "Load by week",
        ("Person", "Name", *labels),
        rows,
        formats=dict.fromkeys(labels, PERCENT),
        colour_scale=tuple(labels),
    )


def _projects(scenario: Scenario, plan: Plan, zone: str) -> SheetData:
    headers = (
        "Project", "Name", "Customer", f"Finish ({zone})", f"Deadline ({zone})", "Late (h)",
        "On time", "Cost", "Budget", "Over budget", "Value", "Margin",
    )  # fmt: skip
    rows = []
    for summary in plan.projects:
        project = scenario.project(summary.id)
        rows.append(
            [
                summary.id, project.name, project.customer, _local(summary.finish, zone),
                _local(summary.deadline, zone), round(summary.late_hours, 2), summary.on_time,
                round(summary.cost, 2), summary.budget, round(summary.over_budget, 2),
                summary.value, None if summary.margin is None else round(summary.margin, 2),
            ]
        )  # fmt: skip
    money = dict.fromkeys(("Cost", "Budget", "Over budget", "Value", "Margin"), MONEY)
    return SheetData("Projects", headers, rows, formats=money)


def _late(plan: Plan) -> SheetData:
    rows = [[late.kind, late.id, round(late.late_hours, 2), late.reason] for late in plan.late]
    return SheetData("Late", ("Kind", "Task or project", "Late (h)", "Why"), rows)


def _not_planned(scenario: Scenario, plan: Plan) -> SheetData:
    rows: list[list[Any]] = []
    for kind, entries in (("not placed", plan.unplaced), ("left out", plan.left_out)):
        for entry in entries:
            task = scenario.task(entry.task)
            rows.append([entry.task, task.name, task.project, kind, entry.reason])
    for conflict in plan.conflicts:
        rows.append([", ".join(conflict.ids), None, None, "conflict", conflict.message])
    return SheetData("Not planned", ("Task", "Name", "Project", "What", "Why"), rows)
