"""One row per assignment, with the task facts a reader needs beside the plan's times.

Plain dicts in a fixed column order, so that the DataFrame, the CSV file and the charts are three
renderings of the same rows and cannot disagree. `hours` is the work planned for the task (its
remaining effort on the plan's grid), so per person it adds up to `PersonSummary.booked_hours`;
`cost` is those hours at the assignee's `hourly_rate`.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from allocate.plan import Plan
from allocate.scenario import Scenario, ceil_ticks, hours

PLAN_COLUMNS = ("task", "people", "start", "end")
COLUMNS = (
    "task",
    "name",
    "project",
    "people",
    "start",
    "end",
    "hours",
    "deadline",
    "late_hours",
    "milestone",
    "progress",
    "cost",
)


def assignment_rows(scenario: Scenario | None, plan: Plan) -> list[dict[str, Any]]:
    """The plan's assignments in time order; with `scenario`, every column of `COLUMNS`, else the
    columns the plan alone knows (`PLAN_COLUMNS`). `people` is a comma-separated string of ids."""
    ordered = sorted(plan.assignments, key=lambda a: (a.start, a.end, a.task))
    if scenario is None:
        return [
            {"task": a.task, "people": ", ".join(a.people), "start": a.start, "end": a.end}
            for a in ordered
        ]
    known_tasks(scenario, plan)
    rows = []
    for a in ordered:
        task = scenario.task(a.task)
        late = hours(a.end - task.deadline) if task.deadline else 0.0
        rows.append(
            {
                "task": a.task,
                "name": task.name,
                "project": task.project or "",
                "people": ", ".join(a.people),
                "start": a.start,
                "end": a.end,
                "hours": planned_hours(task.remaining_hours, plan.resolution_minutes),
                "deadline": task.deadline,
                "late_hours": max(0.0, late),
                "milestone": task.milestone,
                "progress": task.progress.status,
                "cost": None,
            }
        )
        rows[-1]["cost"] = _cost(scenario, a.people, rows[-1]["hours"])
    return rows


def _cost(scenario: Scenario, people: tuple[str, ...], hours: float) -> float | None:
    """Planned hours at the assignee's hourly rate; None when nobody works on it or has a rate."""
    rates = [scenario.person(p).hourly_rate for p in people]
    if not rates or any(rate is None for rate in rates):
        return None
    return hours * sum(rates)


def planned_hours(remaining: float, resolution_minutes: int) -> float:
    """Remaining effort rounded up to the plan's grid, as the solver booked it."""
    return ceil_ticks(remaining, resolution_minutes) * resolution_minutes / 60


def known_tasks(scenario: Scenario, plan: Plan) -> None:
    """ValueError naming the plan's tasks and people that the scenario does not have: a plan read
    with the wrong scenario would otherwise give confident nonsense."""
    tasks = {t.id for t in scenario.tasks}
    people = {p.id for p in scenario.people}
    unknown = sorted({a.task for a in plan.assignments} - tasks)
    strangers = sorted({p for a in plan.assignments for p in a.people} - people)
    problems = []
    if unknown:
        problems.append(f"tasks {', '.join(unknown[:5])}")
    if strangers:
        problems.append(f"people {', '.join(strangers[:5])}")
    if problems:
        name = f"'{scenario.name}'" if scenario.name else "the scenario"
        raise ValueError(
            f"the plan does not belong to {name}: it has unknown {' and '.join(problems)}"
        )


def write_csv(scenario: Scenario | None, plan: Plan, path: str | Path) -> Path:
    """The assignment table as CSV (UTC times in ISO 8601; empty cells for missing values)."""
    path = Path(path)
    columns = COLUMNS if scenario is not None else PLAN_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for row in assignment_rows(scenario, plan):
            writer.writerow(_cell(row[column]) for column in columns)
    return path


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def file_name(ident: str, suffix: str) -> str:
    """A safe, unique file name for an id: unchanged when it is already safe, else the safe
    characters plus a short hash of the id (so 'a/b' and 'a?b' cannot collide)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", ident).strip("._") or "_"
    if safe != ident or len(safe) > 80:
        digest = hashlib.sha1(ident.encode()).hexdigest()[:8]
        safe = f"{safe[:80]}-{digest}"
    return safe + suffix
