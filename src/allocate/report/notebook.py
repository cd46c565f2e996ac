"""HTML for notebooks: what `Scenario._repr_html_` and `Plan._repr_html_` show in Jupyter.

Plain tables with inline styles only (a notebook page is shared, so no stylesheet that would leak
into other cells), and long tables cut at `MAX_ROWS` with a count of the rest, so that displaying
a thousand-person scenario stays readable and fast.
"""

from __future__ import annotations

from collections.abc import Sequence

from allocate.plan import Plan, late_by
from allocate.report.html import esc
from allocate.report.style import STATE_COLOURS, utilisation_colour
from allocate.report.words import deadlines_sentence, plan_notes, project_state, term_figure
from allocate.scenario import Scenario

MAX_ROWS = 30
NUM = "text-align:right;font-variant-numeric:tabular-nums"
BADGES = {"optimal": "on_time", "feasible": "on_track", "infeasible": "late", "unknown": "at_risk"}


def scenario_html(scenario: Scenario) -> str:
    """People, projects and task counts of a scenario."""
    tasks = scenario.tasks
    milestones = sum(t.milestone for t in tasks)
    done = sum(t.done for t in tasks)
    started = sum(t.progress.status == "in_progress" for t in tasks)
    remaining = sum(t.remaining_hours for t in tasks)
    head = (
        f"<b>Scenario {esc(repr(scenario.name)) if scenario.name else ''}</b>: starts "
        f"{esc(_when(scenario))}; {len(scenario.people)} people, {len(scenario.projects)} "
        f"projects, {len(tasks)} tasks ({milestones} milestones, {done} done, {started} in "
        f"progress), {remaining:,.0f} h of work left"
        + (f", {len(scenario.resources)} shared resources" if scenario.resources else "")
    )
    projects = [
        (
            esc(p.id),
            esc(p.name),
            esc(p.customer),
            esc(p.deadline.strftime("%Y-%m-%d %H:%M %Z")) if p.deadline else "-",
            str(p.priority),
            str(sum(t.project == p.id for t in tasks)),
            f"{sum(t.remaining_hours for t in tasks if t.project == p.id):,.0f}",
        )
        for p in scenario.projects
    ]
    people = [
        (
            esc(p.id),
            esc(p.name),
            esc(p.calendar.timezone),
            f"{_weekly_hours(p.calendar.weekly_hours):g}",
            esc(", ".join(f"{s} {level}" for s, level in sorted(p.skills.items()))),
            esc(p.calendar.holidays or "-"),
            str(len(p.calendar.time_off)),
            "-" if p.hourly_rate is None else f"{p.hourly_rate:g}",
        )
        for p in scenario.people
    ]
    return (
        f"<div><p>{head}</p>"
        + _table(
            "Projects",
            ("project", "name", "customer", "deadline", "priority", "tasks", "hours left"),
            projects,
            numeric=(4, 5, 6),
        )
        + _table(
            "People",
            ("person", "name", "time zone", "h/week", "skills", "holidays", "time off", "rate"),
            people,
            numeric=(3, 6, 7),
        )
        + "</div>"
    )


def plan_html(plan: Plan) -> str:
    """Status, objective, projects against deadlines and people's utilisation of a plan."""
    state = BADGES[plan.status]
    badge = (
        f'<span style="background:{STATE_COLOURS[state]};color:#fff;padding:1px 8px;'
        f'border-radius:8px">{esc(plan.status)}</span>'
    )
    gap = f", gap {plan.gap:.1%}" if plan.gap is not None else ""
    terms = ", ".join(esc(term_figure(k, v)) for k, v in plan.objective.items()) or "-"
    checked = (
        "checked: no violations" if not plan.violations else f"{len(plan.violations)} violations"
    )
    head = (
        f"<b>Plan {esc(repr(plan.scenario)) if plan.scenario else ''}</b> {badge}{gap}: "
        f"{len(plan.assignments)} tasks placed, {len(plan.unplaced)} not placed; "
        f"objective {terms}; {esc(plan.stats.strategy or '-')} in "
        f"{plan.stats.wall_seconds:.1f} s; {checked}"
    )
    notes = "".join(f"<li>{esc(note)}</li>" for note in plan_notes(plan))
    head += f'</p><ul style="margin-top:0">{notes}<li>{esc(deadlines_sentence(plan))}</li></ul><p>'
    projects = [
        (esc(p.id), _utc(p.finish), _utc(p.deadline), _project_state(p)) for p in plan.projects
    ]
    people = [
        (
            esc(p.id),
            esc(p.timezone),
            str(p.tasks),
            f"{p.booked_hours:,.1f}",
            f"{p.available_hours:,.1f}",
            f'<span style="display:inline-block;width:9px;height:9px;margin-right:4px;'
            f'background:{utilisation_colour(p.utilisation)}"></span>{p.utilisation:.0%}',
            "-" if p.balance_utilisation is None else f"{p.balance_utilisation:.0%}",
        )
        for p in plan.people
    ]
    until = plan.balance_until.strftime("%Y-%m-%d") if plan.balance_until else "balance date"
    problems = [(esc(", ".join(c.ids) or "inputs"), esc(c.message)) for c in plan.conflicts]
    problems += [(esc(u.task), esc(u.reason)) for u in plan.unplaced]
    problems += [(esc(", ".join(v.tasks) or v.rule), esc(str(v))) for v in plan.violations]
    left_out = [(esc(u.task), esc(u.reason)) for u in plan.left_out]
    late = [
        (
            esc(f"{item.kind} {item.id}"),
            esc(late_by(item.late_hours, item.late_working_hours)),
            esc(item.reason),
        )
        for item in plan.late
    ]
    return (
        f"<div><p>{head}</p>"
        + _table("Projects", ("project", "finish (UTC)", "deadline (UTC)", "status"), projects)
        + _table(
            "People",
            (
                "person",
                "time zone",
                "tasks",
                "booked h",
                "available h",
                "utilisation",
                f"utilisation to {until}",
            ),
            people,
            numeric=(2, 3, 4, 5, 6),
        )
        + "<p><small>Available hours and utilisation: from the planning start to the plan's "
        f"finish. Utilisation to {esc(until)}: over the hours available up to the balance date; "
        "its highest value is the objective's peak_utilisation.</small></p>"
        + (_table("Needs attention", ("task", "problem"), problems) if problems else "")
        + (_table("Late, and why", ("late", "by", "why"), late) if late else "")
        + (_table("Optional work left out", ("task", "why"), left_out) if left_out else "")
        + "</div>"
    )


def _table(title: str, headers: Sequence[str], rows: list, numeric: Sequence[int] = ()) -> str:
    if not rows:
        return f"<p><b>{esc(title)}</b>: none</p>"

    def style(k: int) -> str:
        return f' style="{NUM}"' if k in numeric else ' style="text-align:left"'

    head = "".join(f"<th{style(k)}>{esc(h)}</th>" for k, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{style(k)}>{cell}</td>" for k, cell in enumerate(row)) + "</tr>"
        for row in rows[:MAX_ROWS]
    )
    more = f"<p>… and {len(rows) - MAX_ROWS} more</p>" if len(rows) > MAX_ROWS else ""
    return (
        f"<details open><summary><b>{esc(title)}</b> ({len(rows)})</summary>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}</details>"
    )


def _project_state(project) -> str:
    state = esc(project_state(project))
    if project.on_time or project.deadline is None and not project.unplaced:
        return state
    return f'<span style="color:{STATE_COLOURS["late"]}">{state}</span>'


def _weekly_hours(weekly) -> float:
    return sum((r.minutes[1] - r.minutes[0]) / 60 for ranges in weekly.values() for r in ranges)


def _utc(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def _when(scenario: Scenario) -> str:
    return scenario.start.strftime("%Y-%m-%d %H:%M %Z").strip()
