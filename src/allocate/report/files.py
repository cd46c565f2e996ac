"""Every view of a plan written into one folder (what `python -m allocate report` does):

    index.html                  the portfolio dashboard, linking to each project's page
    project-<id>.html           one customer dashboard per project
    capacity.html               demand per skill against the people who have it, by week
    assignments.csv             the assignment table
    utilisation.csv             booked / available hours per person and week
    calendars/<person>.ics      one iCalendar feed per person with work
    charts/*.html               Gantt by person and by project, workload heatmap, project
                                timelines; they share charts/plotly.min.js (4.8 MB, written
                                once), so they open offline

The dashboards and CSV files need no optional package. Charts need plotly and calendars need
icalendar (`allocate[views]`); without them those parts are skipped with a warning rather than
failing the dashboards a customer is waiting for. Output is deterministic unless `generated`
is given.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from allocate.plan import Plan
from allocate.report._optional import INSTALL, available
from allocate.report.dashboard import project_dashboard
from allocate.report.portfolio import portfolio_dashboard
from allocate.report.rows import file_name, known_tasks, write_csv
from allocate.report.tables import write_utilisation_csv
from allocate.scenario import Scenario

if TYPE_CHECKING:
    from allocate.analysis.departures import Departures
    from allocate.analysis.hiring import HiringAdvice
    from allocate.analysis.simulate import Risk

log = logging.getLogger("allocate")


def write_report(
    scenario: Scenario,
    plan: Plan,
    directory: str | Path,
    *,
    timezone: str | None = None,
    generated: datetime | str | None = None,
    risk: Risk | None = None,
    hiring: HiringAdvice | None = None,
    departures: Departures | None = None,
) -> list[Path]:
    """Write every view of `plan` into `directory` (created if needed); return the paths. With
    a `risk` simulation (`allocate.simulate`) the dashboards say how sure each date is; with
    `hiring` (`allocate.advise_hiring`) and `departures` the capacity page shows the candidate
    hires and what losing each person would cost."""
    known_tasks(scenario, plan)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    pages = {p.id: file_name(f"project-{p.id}", ".html") for p in scenario.projects}
    written = []
    for project, name in pages.items():
        html = project_dashboard(
            scenario, plan, project, timezone=timezone, generated=generated, risk=risk
        )
        written.append(_write(out / name, html))
    files = {
        "Capacity forecast": _write(
            out / "capacity.html", _capacity(scenario, plan, generated, hiring, departures)
        ),
        "Assignments (CSV)": write_csv(scenario, plan, out / "assignments.csv"),
        "Utilisation per person and week (CSV)": write_utilisation_csv(
            scenario, plan, out / "utilisation.csv"
        ),
    }
    if available("plotly"):
        files |= _charts(scenario, plan, out / "charts", timezone)
    else:
        log.warning("charts skipped: they need plotly (%s)", INSTALL)
    written += files.values()
    if (out / "charts" / "plotly.min.js").exists():
        written.append(out / "charts" / "plotly.min.js")
    if available("icalendar"):
        from allocate.report.ical import write_ical

        written += write_ical(scenario, plan, out / "calendars")
    else:
        log.warning("calendars skipped: they need icalendar (%s)", INSTALL)
    links = {label: path.relative_to(out).as_posix() for label, path in files.items()}
    index = portfolio_dashboard(
        scenario,
        plan,
        links=pages,
        files=links,
        timezone=timezone,
        generated=generated,
        risk=risk,
    )
    written.append(_write(out / "index.html", index))
    return written


def _capacity(scenario: Scenario, plan: Plan, generated, hiring, departures) -> str:
    from allocate.analysis.forecast import forecast
    from allocate.report.capacity import capacity_page

    return capacity_page(
        forecast(scenario, plan), hiring=hiring, departures=departures, generated=generated
    )


def _charts(scenario: Scenario, plan: Plan, out: Path, timezone: str | None) -> dict[str, Path]:
    """Each chart's label and path; the charts share `plotly.min.js`, written beside them."""
    from allocate.report.charts import project_timeline, workload_heatmap
    from allocate.report.gantt import gantt

    out.mkdir(parents=True, exist_ok=True)
    figures = {
        ("Gantt chart by person", "gantt-people"): gantt(
            scenario, plan, by="person", timezone=timezone
        ),
        ("Gantt chart by project", "gantt-projects"): gantt(
            scenario, plan, by="project", timezone=timezone
        ),
        ("Workload heatmap", "workload"): workload_heatmap(scenario, plan),
    }
    for project in scenario.projects:
        key = (f"Timeline: {project.name or project.id}", file_name(f"timeline-{project.id}", ""))
        figures[key] = project_timeline(scenario, plan, project.id, timezone=timezone)
    paths = {}
    for (label, name), figure in figures.items():
        path = out / f"{name}.html"
        figure.write_html(path, include_plotlyjs="directory", div_id=name, full_html=True)
        paths[label] = path
    return paths


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
