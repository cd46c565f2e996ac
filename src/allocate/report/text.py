"""Readable summaries of a Plan: a terminal text and a Markdown report, from the same rows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from allocate.plan import Plan

if TYPE_CHECKING:
    from allocate.analysis.simulate import Risk
from allocate.report.words import deadlines_sentence, plan_notes, project_state, term_figure


def summary(plan: Plan) -> str:
    """The plan at a glance, for a terminal."""
    return _render(plan, markdown=False)


def markdown(plan: Plan, risk: Risk | None = None) -> str:
    """The same content as a Markdown document (the CLI's report file); with a `risk`
    simulation, a section on how sure each project's date is (P50 / P80 / P95)."""
    text = _render(plan, markdown=True)
    if risk is None:
        return text
    from allocate.report.risk import risk_markdown

    section = [
        "",
        "## How sure the dates are",
        "",
        f"From {risk.samples:,} simulated outcomes of the estimates; dates in {risk.timezone}. "
        "P80 is the date by which 80 % of outcomes are done.",
        "",
        *risk_markdown(risk),
    ]
    return text + "\n".join(section) + "\n"


def _render(plan: Plan, markdown: bool) -> str:
    heading = "## " if markdown else ""
    lines = [("# " if markdown else "") + _headline(plan), ""]
    lines += [("- " if markdown else "  ") + note for note in plan_notes(plan)] + [""]
    lines += [_objective_line(plan), deadlines_sentence(plan), ""]
    lines += [f"{heading}Projects", *text_table(_project_rows(plan), markdown), ""]
    lines += [f"{heading}People", *text_table(_people_rows(plan), markdown), _people_note(plan), ""]
    if plan.late:
        lines += [f"{heading}Late", *(f"- {item}" for item in plan.late), ""]
    if plan.conflicts:
        lines += [f"{heading}Conflicting inputs", *(f"- {c}" for c in plan.conflicts), ""]
    if plan.unplaced:
        lines += [f"{heading}Not placed", *(f"- {u.task}: {u.reason}" for u in plan.unplaced), ""]
    if plan.left_out:
        lines += [
            f"{heading}Left out (optional)",
            *(f"- {u.task}: {u.reason}" for u in plan.left_out),
            "",
        ]
    if plan.violations:
        lines += [f"{heading}Violations", *(f"- {v}" for v in plan.violations), ""]
    else:
        lines += ["Checked independently: no violations.", ""]
    if markdown:
        lines += [f"{heading}Who does what and when", "", *_who_does_what(plan)]
    return "\n".join(lines).rstrip() + "\n"


def _headline(plan: Plan) -> str:
    name = f"Plan '{plan.scenario}'" if plan.scenario else "Plan"
    gap = f", gap {plan.gap:.1%}" if plan.gap is not None else ""
    stats = plan.stats
    return (
        f"{name}: {plan.status}{gap}. {len(plan.assignments)} tasks placed, "
        f"{len(plan.unplaced)} not placed{_left_out_count(plan)}; {stats.strategy} in "
        f"{stats.wall_seconds:.1f} s"
    )


def _left_out_count(plan: Plan) -> str:
    return f", {len(plan.left_out)} optional left out" if plan.left_out else ""


def _objective_line(plan: Plan) -> str:
    terms = ", ".join(term_figure(name, value) for name, value in plan.objective.items())
    bounds = " / ".join(f"{b:,.1f}" for b in plan.level_bounds)
    return f"Objective: {terms or '-'} (lower bound per level: {bounds or '-'})"


def _project_rows(plan: Plan) -> list[tuple[str, ...]]:
    rows = [("project", "finish (UTC)", "deadline (UTC)", "status", "cost", "budget", "margin")]
    for project in plan.projects:
        status = project_state(project)
        budget = "-" if project.budget is None else f"{project.budget:,.0f}"
        if project.over_budget:
            budget += f" (OVER by {project.over_budget:,.0f})"
        margin = "-" if project.margin is None else f"{project.margin:,.0f}"
        row = (project.id, _when(project.finish), _when(project.deadline), status)
        cost = f"{project.cost:,.0f}"
        if project.spent_cost:
            cost += f" ({project.spent_cost:,.0f} spent)"
        rows.append((*row, cost, budget, margin))
    return rows


def _people_rows(plan: Plan) -> list[tuple[str, ...]]:
    balance = f"utilisation to {_day(plan.balance_until)}"
    rows = [("person", "time zone", "tasks", "booked h", "available h", "utilisation", balance)]
    for person in plan.people:
        share = person.balance_utilisation
        rows.append(
            (
                person.id,
                person.timezone,
                str(person.tasks),
                f"{person.booked_hours:,.1f}",
                f"{person.available_hours:,.1f}",
                f"{person.utilisation:.0%}",
                "-" if share is None else f"{share:.0%}",
            )
        )
    return rows


def _people_note(plan: Plan) -> str:
    return (
        "Available hours and utilisation count from the planning start to the plan's finish; "
        f"'utilisation to {_day(plan.balance_until)}' counts the hours available up to the "
        "balance date (the latest deadline unless set), and its highest value is the "
        "objective's peak_utilisation."
    )


def _who_does_what(plan: Plan) -> list[str]:
    """Each person's assignments in their own time zone, in time order; then the milestones and
    the work that needs nobody, in UTC."""
    lines = []
    for person in plan.people:
        mine = plan.for_person(person.id)
        if not mine:
            continue
        lines += [f"### {person.id} ({person.timezone})", ""]
        rows = [("task", "start", "end")]
        rows += [(a.task, _when(a.start), _when(a.end)) for a in mine]
        lines += [*text_table(rows, markdown=True), ""]
    nobody = sorted((a for a in plan.assignments if not a.people), key=lambda a: a.start)
    if nobody:
        lines += ["### Milestones and work that needs nobody (UTC)", ""]
        rows = [("task", "start", "end")] + [(a.task, _when(a.start), _when(a.end)) for a in nobody]
        lines += text_table(rows, markdown=True)
    return lines or ["(nothing planned)"]


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "the balance date"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def text_table(rows: list[tuple[str, ...]], markdown: bool) -> list[str]:
    if len(rows) == 1:
        return ["(none)"]
    if markdown:
        header, *body = rows
        return [_md_row(header), _md_row(tuple("---" for _ in header)), *map(_md_row, body)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _md_row(row: tuple[str, ...]) -> str:
    return "| " + " | ".join(row) + " |"
