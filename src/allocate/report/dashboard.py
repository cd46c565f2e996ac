"""The customer's status page for one project: a single self-contained HTML file.

It answers what a customer asks, in this order: are we on track (badge and one sentence), how much
is done, when is each milestone planned against what was promised, and which tasks are done, in
progress and coming up. It names no people and shows no internal ids, so it can be sent as is.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from allocate.plan import Plan
from allocate.report.html import (
    badge,
    esc,
    kpi,
    legend,
    margin_text,
    page,
    stacked_bar,
    table,
)
from allocate.report.risk import risk_card
from allocate.report.status import (
    Milestone,
    ProjectStatus,
    TaskStatus,
    long_date,
    project_status,
    short_date,
)
from allocate.report.style import STATE_COLOURS
from allocate.report.svg import timeline_svg
from allocate.scenario import Scenario

if TYPE_CHECKING:
    from allocate.analysis.simulate import Risk


def project_dashboard(
    scenario: Scenario,
    plan: Plan,
    project: str,
    *,
    timezone: str | None = None,
    generated: datetime | str | None = None,
    risk: Risk | None = None,
) -> str:
    """The HTML page of `project`'s status as of the planning start (dates in `timezone`, by
    default the scenario's organisation calendar zone), with how sure its date is when a `risk`
    simulation is given. Same inputs, same bytes."""
    status = project_status(scenario, plan, project, timezone=timezone)
    return render(status, generated=generated, risk=risk)


def render(
    status: ProjectStatus, *, generated: datetime | str | None = None, risk: Risk | None = None
) -> str:
    """The page for an already computed status."""
    zone = status.timezone
    customer = f"{esc(status.customer)} · " if status.customer else ""
    header = (
        '<div class="head"><div>'
        f"<h1>{esc(status.name)}</h1>"
        f'<div class="sub">{customer}Status on {esc(long_date(status.as_of, zone))}</div>'
        f"</div>{badge(status.state)}</div>"
    )
    body = [
        header,
        f'<div class="card"><p class="summary" data-testid="summary">{esc(status.summary)}</p>'
        "</div>",
        _kpis(status),
        risk_card(risk, status.id),
        _progress(status),
    ]
    if status.milestones:
        body.append(
            f'<div class="card"><h2>Milestones</h2>{timeline_svg(status)}{_milestone_table(status)}'
            "</div>"
        )
    body.append(_task_lists(status))
    note = f"Planned with allocate. Dates are in {zone}."
    return page(f"{status.name}: status", "\n".join(body), generated=generated, note=note)


def _kpis(status: ProjectStatus) -> str:
    done = sum(m.state == "done" for m in status.milestones)
    finish = short_date(status.finish, status.timezone) if status.finish else "-"
    committed = short_date(status.deadline, status.timezone) if status.deadline else "none"
    return (
        '<div class="kpis">'
        + kpi("done-percent", f"{status.percent_done}%", "of the work done")
        + kpi(
            "tasks",
            f"{status.count('done')} / {status.count('in_progress')} / "
            f"{status.count('not_started')}",
            "tasks done / in progress / to do",
        )
        + kpi("milestones", f"{done} of {len(status.milestones)}", "milestones reached")
        + kpi("finish", finish, f"planned finish (committed: {committed})")
        + _budget_kpi(status)
        + "</div>"
    )


def _budget_kpi(status: ProjectStatus) -> str:
    """The cost (spent so far + planned for the work left) against the budget, when the
    project has one."""
    if status.budget is None or status.cost is None:
        return ""
    over = status.over_budget
    label = f"over budget by {over:,.0f}" if over else f"within the budget of {status.budget:,.0f}"
    what = "planned cost of the work left"
    if status.spent_cost:
        planned = status.cost - status.spent_cost
        what = f"{status.spent_cost:,.0f} spent + {planned:,.0f} planned"
    return kpi("budget", f"{status.cost:,.0f}", f"{what}: {label}")


def _progress(status: ProjectStatus) -> str:
    parts = [
        ("Done", status.hours("done"), STATE_COLOURS["done"]),
        ("In progress (left)", status.hours("in_progress"), STATE_COLOURS["in_progress"]),
        ("To do", status.hours("left"), STATE_COLOURS["not_started"]),
    ]
    labels = [(f"{label}: {hours:,.0f} h", colour) for label, hours, colour in parts]
    return (
        '<div class="card"><h2>Work</h2>'
        f"{stacked_bar(parts, status.effort_hours)}{legend(labels)}</div>"
    )


def _milestone_table(status: ProjectStatus) -> str:
    zone = status.timezone
    rows = []
    for m in status.milestones:
        rows.append(
            (
                esc(m.name),
                _planned(m, zone),
                esc(long_date(m.committed, zone)) if m.committed else "-",
                badge(m.state, test_id=f"milestone-{m.id}"),
                esc(_margin(m)),
            )
        )
    headers = ("Milestone", "Planned", "Committed", "Status", "Margin")
    return table(headers, rows, test_id="milestones")


def _planned(m: Milestone, zone: str) -> str:
    if m.planned is not None:
        return esc(long_date(m.planned, zone))
    return "reached" if m.state == "done" else "not planned"


def _margin(m: Milestone) -> str:
    if m.state == "done":
        return ""
    if m.state == "late" and m.days_spare == 0:
        return "on the day, after the committed time"
    return margin_text(m.days_spare)


def _task_lists(status: ProjectStatus) -> str:
    zone = status.timezone

    def when(t: TaskStatus) -> str:
        if t.unplaced:
            return "not planned yet"
        if t.start is None or t.end is None:
            return "-"
        return f"{short_date(t.start, zone)} – {short_date(t.end, zone)}"

    groups = [
        ("in_progress", "In progress", True, [t for t in status.tasks if t.state == "in_progress"]),
        ("not_started", "Coming up", True, [t for t in status.tasks if t.state == "not_started"]),
        ("done", "Done", False, [t for t in status.tasks if t.state == "done"]),
    ]
    out = ['<div class="card"><h2>Tasks</h2>']
    for key, title, open_, tasks in groups:
        tasks = sorted(
            tasks, key=lambda t: (t.start is None, t.start or t.end or status.as_of, t.name)
        )
        rows = []
        for t in tasks:
            if key == "done":
                third = esc(long_date(t.end, zone)) if t.end else "done"
            elif key == "in_progress":
                third = f"{t.done_hours / t.effort_hours:.0%} done"
            else:
                third = "planned after its deadline" if t.late_hours > 0 else ""
            rows.append((esc(t.name), esc(when(t)) if key != "done" else "", esc(third)))
        headers = ("Task", "Planned", "Finished" if key == "done" else "")
        inner = (
            table(headers, rows, test_id=f"tasks-{key}") if rows else '<p class="muted">None.</p>'
        )
        out.append(
            f'<details{" open" if open_ else ""} data-group="{key}">'
            f"<summary>{esc(title)} ({len(tasks)})</summary>{inner}</details>"
        )
    out.append("</div>")
    return "".join(out)
