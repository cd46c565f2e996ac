"""Views of a Plan for people: text and Markdown summaries, tables, charts, dashboards, calendar
feeds and notebook display. Heavy dependencies (pandas, plotly, icalendar: `allocate[views]`) are
imported lazily inside the views that need them; the dashboards and CSV files need none."""

from allocate.report.charts import project_timeline, workload_heatmap
from allocate.report.dashboard import project_dashboard
from allocate.report.files import write_report
from allocate.report.gantt import gantt
from allocate.report.ical import ical_feed, write_ical
from allocate.report.load import Load, load
from allocate.report.notebook import plan_html, scenario_html
from allocate.report.portfolio import portfolio_dashboard
from allocate.report.rows import assignment_rows, write_csv
from allocate.report.status import Milestone, ProjectStatus, TaskStatus, portfolio, project_status
from allocate.report.tables import assignments_table, utilisation_table, write_utilisation_csv
from allocate.report.text import markdown, summary

__all__ = [
    "Load",
    "Milestone",
    "ProjectStatus",
    "TaskStatus",
    "assignment_rows",
    "assignments_table",
    "gantt",
    "ical_feed",
    "load",
    "markdown",
    "plan_html",
    "portfolio",
    "portfolio_dashboard",
    "project_dashboard",
    "project_status",
    "project_timeline",
    "scenario_html",
    "summary",
    "utilisation_table",
    "workload_heatmap",
    "write_csv",
    "write_ical",
    "write_report",
    "write_utilisation_csv",
]
