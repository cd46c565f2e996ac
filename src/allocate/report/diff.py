"""Views of a `PlanDiff`: a text summary, a notebook view, a table and an HTML page whose chart
draws two bars per changed task, where it was (grey) and where it is now (blue).

Times are UTC, as in the plan's other tables; moves are signed, later positive, in elapsed hours
(days above a day) and, when the diff knew the scenario, working hours of the organisation
calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from allocate.report._optional import require
from allocate.report.html import esc, kpi, page, table
from allocate.report.text import text_table

if TYPE_CHECKING:
    import pandas as pd

    from allocate.diff import PlanDiff, ProjectChange, TaskChange

SHOWN = 40
"""Changed tasks listed in the text and notebook views (the table and the page list all)."""
BEFORE, AFTER = "#9aa5b1", "#2457a6"
COLUMNS = (
    "task",
    "kind",
    "reassigned",
    "people_before",
    "people_after",
    "start_before",
    "start_after",
    "end_before",
    "end_after",
    "start_moved_hours",
    "start_moved_working_hours",
    "end_moved_hours",
    "end_moved_working_hours",
)


def headline(diff: PlanDiff) -> str:
    """'9 of 148 tasks changed: 3 reassigned (2.0 %), 8 moved; 1 added, 2 done since.'"""
    if not diff:
        return "Nothing changed."
    changed = diff.of("changed")
    parts = [
        f"{len(changed)} of {diff.compared} tasks in both plans changed: "
        f"{len(diff.reassigned)} reassigned ({diff.reassigned_share:.1%}), "
        f"{len(diff.moved)} moved"
    ]
    others = [
        f"{len(diff.of(kind))} {words}"
        for kind, words in (
            ("added", "added"),
            ("placed", "placed now"),
            ("done", "done since"),
            ("removed", "removed"),
            ("left out", "left out"),
            ("not placed", "not placed now"),
        )
        if diff.of(kind)
    ]
    return "; ".join([", ".join(parts), ", ".join(others)] if others else parts) + "."


def change_text(change: TaskChange) -> str:
    """ "'api' reassigned ana -> ben, starts 1.5 days later (12 working h)"."""
    b, a = change.before, change.after
    if b is None or a is None:
        where = b or a
        when = (
            f" (was {_people(b)}, {_when(b.start)})" if b else f" ({_people(a)}, {_when(a.start)})"
        )
        return f"'{change.task}' {_kind_words(change.kind)}{when if where else ''}"
    parts = []
    if change.reassigned:
        parts.append(f"reassigned {_people(b)} -> {_people(a)}")
    if change.moved:
        parts.append(f"starts {_move(change.start_moved_hours, change.start_moved_working_hours)}")
        if abs(change.end_moved_hours - change.start_moved_hours) > 1e-9:
            parts.append(f"ends {_move(change.end_moved_hours, change.end_moved_working_hours)}")
    return f"'{change.task}' " + ", ".join(parts)


def _kind_words(kind: str) -> str:
    words = {"done": "done since", "placed": "placed now", "not placed": "cannot be placed now"}
    return words.get(kind, kind)


def _move(elapsed: float, working: float | None) -> str:
    """'1.5 days later (12 working h)', '3 h earlier'."""
    size = abs(elapsed)
    amount = f"{size:,.0f} h" if size < 24 else _days(size / 24)
    way = "later" if elapsed > 0 else "earlier" if elapsed < 0 else "at the same time"
    if size < 1e-9:
        return way
    extra = "" if working is None else f" ({abs(working):,.0f} working h)"
    return f"{amount} {way}{extra}"


def _days(days: float) -> str:
    """'1 day', '3 days', '1.5 days'."""
    if abs(days - round(days)) < 1e-9:
        return f"{round(days):,} day" + ("" if round(days) == 1 else "s")
    return f"{days:,.1f} days"


def _people(a) -> str:
    return ", ".join(a.people) or "nobody" if a is not None else "-"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def diff_text(diff: PlanDiff) -> str:
    lines = [headline(diff), ""]
    projects = [p for p in diff.projects if p.changed]
    if projects:
        lines += ["Projects (UTC):", *text_table(_project_rows(projects), markdown=False), ""]
    if diff.tasks:
        lines += ["Tasks:", *(f"  {change}" for change in diff.tasks[:SHOWN])]
        if len(diff.tasks) > SHOWN:
            lines.append(f"  ... and {len(diff.tasks) - SHOWN} more (diff.to_dataframe())")
        lines.append("")
    if diff.weeks:
        rows = [("person", "week of", "booked h before", "after", "change")]
        rows += [
            (
                c.person,
                str(c.week),
                f"{c.hours_before:,.1f}",
                f"{c.hours_after:,.1f}",
                _signed(c.delta),
            )
            for c in diff.weeks
        ]
        lines += ["People's weeks:", *text_table(rows, markdown=False), ""]
    return "\n".join(lines).rstrip() + "\n"


def _project_rows(projects: list[ProjectChange]) -> list[tuple[str, ...]]:
    rows = [("project", "finish before", "after", "moved", "late h before", "after", "cost change")]
    for p in projects:
        moved = p.finish_moved_hours
        rows.append(
            (
                p.id,
                _when(p.finish_before),
                _when(p.finish_after),
                "-" if moved is None else _move(moved, None),
                f"{p.late_hours_before:,.0f}",
                f"{p.late_hours_after:,.0f}",
                _signed(p.cost_delta, 0),
            )
        )
    return rows


def _signed(value: float, digits: int = 1) -> str:
    return f"{value:+,.{digits}f}" if abs(value) > 1e-9 else "0"


def diff_html(diff: PlanDiff) -> str:
    """The notebook view: headline, projects, the changed tasks as a chart and a table."""
    shown = diff.tasks[:SHOWN]
    more = f"<p>... and {len(diff.tasks) - SHOWN} more.</p>" if len(diff.tasks) > SHOWN else ""
    return (
        f"<div><p><b>{esc(headline(diff))}</b></p>"
        + _projects_html(diff)
        + (changes_svg(shown) + _tasks_html(shown) + more if shown else "")
        + "</div>"
    )


def _projects_html(diff: PlanDiff) -> str:
    projects = [p for p in diff.projects if p.changed]
    if not projects:
        return ""
    header, *rows = _project_rows(projects)
    return table(header, [[esc(cell) for cell in row] for row in rows], numeric=(4, 5, 6))


def _tasks_html(changes) -> str:
    rows = [
        [
            esc(c.task),
            esc(_kind_words(c.kind)),
            esc(_people(c.before)),
            esc(_people(c.after)),
            esc(_when(c.before.start if c.before else None)),
            esc(_when(c.after.start if c.after else None)),
            esc(_move(c.start_moved_hours, c.start_moved_working_hours) if c.moved else "-"),
        ]
        for c in changes
    ]
    header = ("task", "change", "people before", "after", "start before (UTC)", "after", "moved")
    return table(header, rows, test_id="changes")


def diff_table(diff: PlanDiff) -> pd.DataFrame:
    """One row per changed task (`COLUMNS`); times as UTC timestamps."""
    pd = require("pandas", "PlanDiff.to_dataframe")
    rows = []
    for c in diff.tasks:
        b, a = c.before, c.after
        rows.append(
            {
                "task": c.task,
                "kind": c.kind,
                "reassigned": c.reassigned,
                "people_before": ", ".join(b.people) if b else None,
                "people_after": ", ".join(a.people) if a else None,
                "start_before": b.start if b else None,
                "start_after": a.start if a else None,
                "end_before": b.end if b else None,
                "end_after": a.end if a else None,
                "start_moved_hours": c.start_moved_hours,
                "start_moved_working_hours": c.start_moved_working_hours,
                "end_moved_hours": c.end_moved_hours,
                "end_moved_working_hours": c.end_moved_working_hours,
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("start_before", "start_after", "end_before", "end_after"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def diff_page(diff: PlanDiff, title: str) -> str:
    """A self-contained page: headline figures, projects, the chart of every changed task, the
    changed tasks and people's weeks."""
    figures = (
        '<div class="kpis">'
        + kpi(
            "reassigned",
            f"{len(diff.reassigned)}",
            f"tasks reassigned ({diff.reassigned_share:.1%})",
        )
        + kpi("moved", f"{len(diff.moved)}", "tasks moved")
        + kpi(
            "added",
            f"{len(diff.of('added')) + len(diff.of('placed'))}",
            "tasks added or placed now",
        )
        + kpi(
            "gone",
            f"{sum(len(diff.of(k)) for k in ('removed', 'left out', 'not placed'))}",
            "tasks removed, left out or not placed",
        )
        + "</div>"
    )
    load = ""
    if diff.weeks:
        rows = [
            [
                esc(c.person),
                esc(c.week),
                f"{c.hours_before:,.1f}",
                f"{c.hours_after:,.1f}",
                _signed(c.delta),
            ]
            for c in diff.weeks
        ]
        header = ("person", "week of", "booked h before", "after", "change")
        weeks = table(header, rows, numeric=(2, 3, 4))
        load = f'<div class="card"><h2>People\'s weeks</h2>{weeks}</div>'
    body = (
        f'<h1>{esc(title)}</h1><p class="sub">{esc(headline(diff))}</p>{figures}'
        + (
            f'<div class="card"><h2>Projects</h2>{_projects_html(diff)}</div>'
            if _projects_html(diff)
            else ""
        )
        + (
            f'<div class="card"><h2>Changed tasks</h2>{changes_svg(diff.tasks)}'
            f"{_tasks_html(diff.tasks)}</div>"
            if diff.tasks
            else ""
        )
        + load
    )
    note = "Times in UTC. Grey: the earlier plan; blue: the new one."
    return page(title, body, note=note)


WIDTH, LABEL, RIGHT, ROW, TOP = 960, 200, 20, 26, 24


def changes_svg(changes) -> str:
    """Two bars per changed task on one time axis: where it was (grey, above) and where it is
    (blue, below); a task only in one plan has one bar."""
    bars = [(c, a) for c in changes for a in (c.before, c.after) if a is not None]
    if not bars:
        return ""
    t0 = min(a.start for _, a in bars)
    t1 = max(a.end for _, a in bars)
    pad = max((t1 - t0) * 0.02, timedelta(hours=1))
    t0, t1 = t0 - pad, t1 + pad
    span = (t1 - t0).total_seconds()

    def x(moment: datetime) -> float:
        return round(LABEL + (WIDTH - LABEL - RIGHT) * (moment - t0).total_seconds() / span, 1)

    height = TOP + ROW * len(changes) + 6
    out = [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="Changed tasks before and after" data-testid="diff-chart" '
        f'style="max-width:{WIDTH}px;font-size:12px">',
        f'<text x="{LABEL}" y="14" fill="{BEFORE}">{esc(_when(t0 + pad))} UTC</text>',
        f'<text x="{WIDTH - RIGHT}" y="14" text-anchor="end" fill="{BEFORE}">'
        f"{esc(_when(t1 - pad))} UTC</text>",
    ]
    for k, change in enumerate(changes):
        y = TOP + ROW * k
        out.append(f'<g data-task="{esc(change.task)}"><title>{esc(str(change))}</title>')
        out.append(
            f'<text x="{LABEL - 8}" y="{y + 15}" text-anchor="end" fill="#1f2933">'
            f"{esc(change.task[:28])}</text>"
        )
        for a, colour, dy in ((change.before, BEFORE, 3), (change.after, AFTER, 12)):
            if a is not None:
                x0, x1 = x(a.start), x(a.end)
                out.append(
                    f'<rect class="{"before" if colour == BEFORE else "after"}" x="{x0}" '
                    f'y="{y + dy}" width="{max(x1 - x0, 2):.1f}" height="8" rx="2" '
                    f'fill="{colour}"/>'
                )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
