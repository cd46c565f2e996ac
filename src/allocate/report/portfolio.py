"""The manager's page across projects: a single self-contained HTML file.

Each project's state, finish against deadline, late tasks, progress and the cost of the work left
(at hourly rates) in one table; then who is how busy, overall and week by week, on the same colour
scale as the workload heatmap; then what the plan could not place, what the checker objects to,
and why deadlines are missed. Links to the project pages are optional relative hrefs, so the page
works alone and inside a folder of reports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from allocate.plan import Plan, late_by
from allocate.report.html import badge, esc, kpi, margin_text, page, stacked_bar, table
from allocate.report.load import load
from allocate.report.risk import on_time_share
from allocate.report.status import ProjectStatus, long_date, portfolio, short_date
from allocate.report.style import STATE_COLOURS, utilisation_colour
from allocate.report.words import STATUS_MEANING
from allocate.scenario import Scenario

if TYPE_CHECKING:
    from allocate.analysis.simulate import Risk


def portfolio_dashboard(
    scenario: Scenario,
    plan: Plan,
    *,
    links: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
    timezone: str | None = None,
    generated: datetime | str | None = None,
    risk: Risk | None = None,
) -> str:
    """The HTML page of every project and person. `links` maps project ids to (relative) hrefs
    of their own dashboards; `files` maps labels to hrefs listed at the end (charts, CSV); with a
    `risk` simulation, each project's chance of meeting its deadline."""
    statuses = portfolio(scenario, plan, timezone=timezone)
    zone = timezone or scenario.calendar.timezone
    verdict = (
        "checked: no violations"
        if not plan.violations
        else f"{len(plan.violations)} violations found by the checker"
    )
    header = (
        f"<h1>{esc(scenario.name or 'Portfolio')}</h1>"
        f'<div class="sub">Status on {esc(long_date(scenario.start, zone))} · plan '
        f'<b data-testid="plan-status">{esc(plan.status)}</b> '
        f"({esc(STATUS_MEANING[plan.status])}), {esc(verdict)}</div>"
    )
    body = [
        header,
        _kpis(statuses, plan),
        f'<div class="card"><h2>Projects</h2>{_projects(statuses, links or {}, risk)}</div>',
        f'<div class="card"><h2>People</h2>{_people(scenario, plan)}</div>',
    ]
    problems = _problems(scenario, plan)
    if problems:
        body.append(problems)
    if plan.late:
        body.append(_missed_deadlines(scenario, plan, zone))
    if files:
        items = "".join(
            f'<li><a href="{esc(h)}">{esc(label)}</a></li>' for label, h in files.items()
        )
        body.append(f'<div class="card"><h2>Charts and files</h2><ul>{items}</ul></div>')
    note = f"Planned with allocate. Dates are in {zone}."
    return page(
        f"{scenario.name or 'Portfolio'}: status", "\n".join(body), generated=generated, note=note
    )


def _kpis(statuses: list[ProjectStatus], plan: Plan) -> str:
    on_track = sum(s.state in ("on_track", "complete") for s in statuses)
    booked = sum(p.booked_hours for p in plan.people)
    available = sum(p.available_hours for p in plan.people)
    share = booked / available if available else 0.0
    return (
        '<div class="kpis">'
        + kpi("on-track", f"{on_track} of {len(statuses)}", "projects on track")
        + kpi(
            "late-projects",
            str(sum(s.state == "late" for s in statuses)),
            "projects behind schedule",
        )
        + kpi("late-tasks", str(sum(s.late_tasks for s in statuses)), "tasks and milestones late")
        + kpi(
            "over-budget",
            str(sum(s.over_budget > 0 for s in statuses)),
            "projects over budget",
        )
        + kpi("utilisation", f"{share:.0%}", "team utilisation until the plan's end")
        + kpi("unplaced", str(len(plan.unplaced)), "tasks not placed")
        + "</div>"
    )


def _projects(
    statuses: list[ProjectStatus], links: Mapping[str, str], risk: Risk | None = None
) -> str:
    rows = []
    for s in statuses:
        zone = s.timezone
        name = esc(s.name)
        if s.id in links:
            name = f'<a href="{esc(links[s.id])}">{name}</a>'
        done = sum(m.state == "done" for m in s.milestones)
        progress = stacked_bar([("Done", s.hours("done"), STATE_COLOURS["done"])], s.effort_hours)
        rows.append(
            (
                name,
                esc(s.customer),
                badge(s.state, test_id=f"project-{s.id}"),
                f'<div style="display:flex;gap:6px;align-items:center">{progress}'
                f"<span>{s.percent_done}%</span></div>",
                esc(short_date(s.finish, zone)) if s.finish else "-",
                esc(short_date(s.deadline, zone)) if s.deadline else "-",
                esc(margin_text(s.days_spare)),
                *([on_time_share(risk, s.id)] if risk is not None else []),
                f"{done} of {len(s.milestones)}",
                str(s.late_tasks),
                _budget(s),
                "-" if s.cost_left is None else f"{s.cost_left:,.0f}",
            )
        )
    headers = [
        "Project",
        "Customer",
        "Status",
        "Done",
        "Planned finish",
        "Committed",
        "Margin",
        *(["Likely on time"] if risk is not None else []),
        "Milestones",
        "Late",
        "Budget",
        "Cost left",
    ]
    if all(s.cost_left is None for s in statuses):  # nobody has an hourly rate
        headers.pop()
        rows = [row[:-1] for row in rows]
    numeric = (8, 9, 10) if risk is None else (7, 9, 10, 11)  # the risk column is the 8th
    return table(headers, rows, numeric=numeric, test_id="projects")


def _budget(status: ProjectStatus) -> str:
    """The budget, and by how much the cost (spent + planned) goes over it (in red)."""
    if status.budget is None:
        return "-"
    if not status.over_budget:
        return f"{status.budget:,.0f}"
    return (
        f'{status.budget:,.0f} <b data-testid="over-budget-{esc(status.id)}" '
        f'style="color:{STATE_COLOURS["late"]}">over by {status.over_budget:,.0f}</b>'
    )


def _missed_deadlines(scenario: Scenario, plan: Plan, zone: str) -> str:
    """Every missed deadline by name, how late (elapsed and working time), and why, with the
    reason's times in the page's zone."""
    tasks = {t.id: t for t in scenario.tasks}
    projects = {p.id: p for p in scenario.projects}
    rows = []
    for item in plan.late:
        if item.kind == "project":
            what = (
                f"Project {projects[item.id].name or item.id}" if item.id in projects else item.id
            )
        else:
            task = tasks.get(item.id)
            what = f"Task {task.name or task.id}" if task else item.id
        rows.append(
            (
                esc(what),
                esc(late_by(item.late_hours, item.late_working_hours)),
                esc(localised(item.reason, scenario, zone)),
            )
        )
    late = table(("Missed deadline", "Late by", "Why"), rows, test_id="late")
    return f'<div class="card"><h2>Missed deadlines, and why</h2>{late}</div>'


UTC_TIME = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC")
QUOTED = re.compile(r"'([^']+)'")


def localised(text: str, scenario: Scenario, zone: str) -> str:
    """A plan's explanation for a page: its UTC times ('2027-03-02 09:00 UTC', as
    `allocate.explain` writes them) in `zone`, and quoted task ids by their names."""
    local = ZoneInfo(zone)

    def moment(match: re.Match) -> str:
        when = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        return when.astimezone(local).strftime("%Y-%m-%d %H:%M %Z")

    names = {t.id: t.name for t in scenario.tasks if t.name}
    text = UTC_TIME.sub(moment, text)
    return QUOTED.sub(lambda m: f"'{names.get(m.group(1), m.group(1))}'", text)


def _people(scenario: Scenario, plan: Plan) -> str:
    """Overall utilisation per person, and a strip of weekly cells coloured like the heatmap."""
    weekly: dict[str, list] = {}
    for x in load(scenario, plan):
        weekly.setdefault(x.person, []).append(x)
    summaries = {p.id: p for p in plan.people}
    rows = []
    for person in scenario.people:
        summary = summaries.get(person.id)
        booked = summary.booked_hours if summary else 0.0
        available = summary.available_hours if summary else 0.0
        share = booked / available if available else 0.0
        colour = utilisation_colour(share)
        strip = "".join(
            f'<i style="background:{utilisation_colour(x.utilisation)}" title="{esc(x.period)}: '
            f"{x.booked_hours:,.0f} of {x.available_hours:,.0f} h"
            f'{"" if x.utilisation is None else f" ({x.utilisation:.0%})"}"></i>'
            for x in weekly.get(person.id, ())
        )
        rows.append(
            (
                esc(person.name or person.id),
                esc(person.calendar.timezone),
                f"{booked:,.0f}",
                f"{available:,.0f}",
                f'<span class="dot" style="background:{colour}"></span>{share:.0%}',
                f'<div class="strip">{strip}</div>',
            )
        )
    periods = [x.period for x in next(iter(weekly.values()), [])]
    span = f"{periods[0]} to {periods[-1]}" if periods else ""
    headers = ("Person", "Time zone", "Booked h", "Available h", "Utilisation", f"Weeks {span}")
    caption = (
        '<p class="muted">Booked against available working hours from the status date to the '
        "plan's end; each cell is one local week (blue up to 100 %, red above, grey: not "
        "working).</p>"
    )
    return caption + table(headers, rows, numeric=(2, 3, 4), test_id="people")


def _problems(scenario: Scenario, plan: Plan) -> str:
    names = {t.id: t.name or t.id for t in scenario.tasks}
    items = [f"<li>{esc(names.get(u.task, u.task))}: {esc(u.reason)}</li>" for u in plan.unplaced]
    items += [f"<li>{esc(str(v))}</li>" for v in plan.violations]
    if not items:
        return ""
    return f'<div class="card"><h2>Needs attention</h2><ul>{"".join(items)}</ul></div>'
