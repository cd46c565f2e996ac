"""The plan as pandas DataFrames: one row per assignment, and utilisation per person and week.

pandas is optional (`allocate[views]`) and imported here, inside each function. The rows come from
`rows.py` and `load.py`, which need no pandas, so a table, its CSV and the charts agree.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from allocate.plan import Plan
from allocate.report._optional import require
from allocate.report.load import Period, load
from allocate.report.rows import COLUMNS, PLAN_COLUMNS, assignment_rows
from allocate.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

LOAD_COLUMNS = (
    "person",
    "period",
    "first_day",
    "booked_hours",
    "available_hours",
    "utilisation",
)


def assignments_table(scenario: Scenario | None, plan: Plan) -> pd.DataFrame:
    """One row per assignment in time order: task, name, project, people, start, end (UTC),
    hours (work planned), deadline, late_hours, milestone, progress. Without `scenario`, only the
    columns the plan knows: task, people, start, end."""
    pd = require("pandas", "assignments_table")
    columns = COLUMNS if scenario is not None else PLAN_COLUMNS
    frame = pd.DataFrame(assignment_rows(scenario, plan), columns=list(columns))
    for column in ("start", "end", "deadline"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def utilisation_table(
    scenario: Scenario,
    plan: Plan,
    *,
    by: Period = "week",
    wide: bool = False,
    values: Literal["utilisation", "booked_hours", "available_hours"] = "utilisation",
) -> pd.DataFrame:
    """Booked hours (work inside each person's actual working time), available hours and
    utilisation per person and ISO week ('2027-W01', the person's local week) or day.

    Long form: one row per person and period. `wide=True`: people as rows (scenario order),
    periods as columns, cells from `values`. Utilisation is NaN where nobody could work.
    """
    pd = require("pandas", "utilisation_table")
    frame = pd.DataFrame(
        [
            (x.person, x.period, x.first_day, x.booked_hours, x.available_hours, x.utilisation)
            for x in load(scenario, plan, by=by)
        ],
        columns=list(LOAD_COLUMNS),
    )
    frame["utilisation"] = frame["utilisation"].astype(float)
    if not wide:
        return frame
    table = frame.pivot(index="person", columns="period", values=values)
    table = table.reindex(index=[p.id for p in scenario.people])
    table.columns.name = by
    return table


def write_utilisation_csv(
    scenario: Scenario, plan: Plan, path: str | Path, *, by: Period = "week"
) -> Path:
    """The long utilisation table as CSV, without pandas."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(LOAD_COLUMNS)
        for x in load(scenario, plan, by=by):
            share = "" if x.utilisation is None else f"{x.utilisation:.4f}"
            writer.writerow(
                (
                    x.person,
                    x.period,
                    x.first_day.isoformat(),
                    f"{x.booked_hours:g}",
                    f"{x.available_hours:g}",
                    share,
                )
            )
    return path
