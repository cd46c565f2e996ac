"""Gantt charts of a plan (plotly): one row per person, or one row per task grouped by project.

Bars run from start to end (work pauses inside them outside working time, as in the plan);
dependencies are drawn from the event they constrain to the event they release (finish to start
for FS, start to start for SS, ...), with an arrowhead; milestones are diamonds; task deadlines are
short vertical ticks in their row, project deadlines vertical lines. Times are shown in one zone,
by default the organisation's calendar zone, because plotly's date axis has none.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from allocate.plan import Assignment, Plan
from allocate.report._optional import require
from allocate.report.rows import assignment_rows, known_tasks
from allocate.report.style import project_colours
from allocate.scenario import Scenario

if TYPE_CHECKING:
    import plotly.graph_objects as go

ROW_PX = 22
WHEN = "%a %d %b %H:%M"
NO_PROJECT = ""


def gantt(
    scenario: Scenario,
    plan: Plan,
    *,
    by: Literal["person", "project"] = "person",
    dependencies: bool | Literal["legendonly"] | None = None,
    timezone: str | None = None,
) -> go.Figure:
    """A Gantt chart: `by="person"` puts each person's assignments on their row (milestones and
    tasks that need no person on a row per project); `by="project"` gives every task its own
    row, grouped by project.

    `dependencies`: True draws them, False leaves them out, "legendonly" adds them hidden until
    clicked in the legend. The default is True by project and "legendonly" by person, where the
    lines cross every row.
    """
    go = require("plotly.graph_objects", "gantt")
    if by not in ("person", "project"):
        raise ValueError(f"by must be 'person' or 'project', not {by!r}")
    known_tasks(scenario, plan)
    zone = ZoneInfo(timezone or scenario.calendar.timezone)
    rows = _rows_by_person(scenario, plan) if by == "person" else _rows_by_project(scenario, plan)
    colours = project_colours([p.id for p in scenario.projects] + [NO_PROJECT])
    fig = go.Figure()
    _bars(fig, go, scenario, plan, rows, colours, zone)
    if dependencies is None:
        dependencies = True if by == "project" else "legendonly"
    if dependencies:
        _dependencies(fig, go, scenario, plan, rows, zone, visible=dependencies)
    _milestones(fig, go, scenario, plan, rows, zone)
    _task_deadlines(fig, go, scenario, plan, rows, zone)
    _project_deadlines(fig, scenario, rows, colours, zone, by)
    labels = sorted(set(rows.values()), key=lambda r: r[0])
    fig.update_layout(
        title=f"{scenario.name or 'Plan'}: by {by}",
        barmode="overlay",
        height=120 + ROW_PX * max(1, len(labels)),
        xaxis={"type": "date", "title": f"time ({zone.key})"},
        yaxis={
            "tickvals": [r[0] for r in labels],
            "ticktext": [r[1] for r in labels],
            "autorange": "reversed",
        },
        legend={"title": "project"},
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
        template="plotly_white",
    )
    return fig


def _rows_by_person(scenario: Scenario, plan: Plan) -> dict[str, tuple[int, str]]:
    """Keys: person ids, then a 'project:<id>' row per project for what needs no person
    (milestones and person-less tasks)."""
    rows = {p.id: (k, p.name or p.id) for k, p in enumerate(scenario.people)}
    placed = {a.task for a in plan.assignments}
    projects = [p.id for p in scenario.projects] + [NO_PROJECT]
    names = {p.id: p.name or p.id for p in scenario.projects}
    for pid in projects:
        if any(
            not t.staffed and t.id in placed and (t.project or NO_PROJECT) == pid
            for t in scenario.tasks
        ):
            rows[f"project:{pid}"] = (len(rows), f"◆ {names.get(pid, 'no project')}")
    return rows


def _rows_by_project(scenario: Scenario, plan: Plan) -> dict[str, tuple[int, str]]:
    """Keys: task ids, grouped by project (scenario order), in start order within a project."""
    order = {p.id: k for k, p in enumerate(scenario.projects)}
    placed = sorted(
        plan.assignments,
        key=lambda a: (order.get(scenario.task(a.task).project or "", len(order)), a.start, a.task),
    )
    return {a.task: (k, scenario.task(a.task).name or a.task) for k, a in enumerate(placed)}


def _row_of(assignment: Assignment, scenario: Scenario, rows) -> list[int]:
    if assignment.task in rows:
        return [rows[assignment.task][0]]
    task = scenario.task(assignment.task)
    if not assignment.people:
        return [rows[f"project:{task.project or NO_PROJECT}"][0]]
    return [rows[p][0] for p in assignment.people if p in rows]


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _bars(fig, go, scenario, plan, rows, colours, zone) -> None:
    """One bar trace per project (its legend entry), milestones excluded."""
    names = {p.id: p.name or p.id for p in scenario.projects}
    by_project: dict[str, list[dict]] = {}
    for row in assignment_rows(scenario, plan):
        if not row["milestone"]:
            by_project.setdefault(row["project"], []).append(row)
    order = [p.id for p in scenario.projects] + [NO_PROJECT]
    for pid, items in sorted(by_project.items(), key=lambda item: order.index(item[0])):
        ys, bases, widths, data = [], [], [], []
        for row in items:
            for y in _row_of(plan.assignment(row["task"]), scenario, rows):
                ys.append(y)
                bases.append(_local(row["start"], zone))
                widths.append((row["end"] - row["start"]).total_seconds() * 1000)
                when = f"{_local(row['start'], zone):{WHEN}} to {_local(row['end'], zone):{WHEN}}"
                data.append(
                    (row["name"] or row["task"], row["task"], row["people"], row["hours"], when)
                )
        fig.add_trace(
            go.Bar(
                name=names.get(pid, "no project"),
                orientation="h",
                y=ys,
                base=bases,
                x=widths,
                marker={"color": colours[pid], "line": {"width": 0.5, "color": "white"}},
                customdata=data,
                hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}, "
                "%{customdata[3]:g} h<br>%{customdata[4]}<extra></extra>",
                legendgroup=pid,
            )
        )


def _dependencies(fig, go, scenario, plan, rows, zone, visible) -> None:
    """Elbow connectors from the constraining event to the constrained one, arrow at the end."""
    placed = {a.task: a for a in plan.assignments}
    xs: list = []
    ys: list = []
    sizes: list = []
    for task in scenario.tasks:
        if task.id not in placed:
            continue
        for dep in task.after:
            if dep.task not in placed:
                continue
            before, after = placed[dep.task], placed[task.id]
            x0 = before.end if dep.type[0] == "F" else before.start
            x1 = after.start if dep.type[1] == "S" else after.end
            for y0 in _row_of(before, scenario, rows)[:1]:
                for y1 in _row_of(after, scenario, rows)[:1]:
                    xs += [_local(x0, zone), _local(x0, zone), _local(x1, zone), None]
                    ys += [y0, y1, y1, None]
                    sizes += [0, 0, 8, 0]
    fig.add_trace(
        go.Scatter(
            name="dependencies",
            x=xs,
            y=ys,
            mode="lines+markers",
            line={"color": "rgba(60,60,60,0.45)", "width": 1},
            marker={"symbol": "arrow", "angleref": "previous", "size": sizes, "color": "#444"},
            hoverinfo="skip",
            showlegend=bool(xs),
            visible=visible,
        )
    )


def _milestones(fig, go, scenario, plan, rows, zone) -> None:
    items = [a for a in plan.assignments if scenario.task(a.task).milestone]
    fig.add_trace(
        go.Scatter(
            name="milestones",
            x=[_local(a.end, zone) for a in items],
            y=[_row_of(a, scenario, rows)[0] for a in items],
            mode="markers",
            marker={"symbol": "diamond", "size": 13, "color": "#222", "line": {"color": "white"}},
            text=[scenario.task(a.task).name or a.task for a in items],
            hovertemplate="<b>%{text}</b><br>%{x|%a %d %b %Y %H:%M}<extra>milestone</extra>",
            showlegend=bool(items),
        )
    )


def _task_deadlines(fig, go, scenario, plan, rows, zone) -> None:
    items = [
        (a, scenario.task(a.task).deadline)
        for a in plan.assignments
        if scenario.task(a.task).deadline is not None
    ]
    fig.add_trace(
        go.Scatter(
            name="deadlines",
            x=[_local(deadline, zone) for _, deadline in items],
            y=[_row_of(a, scenario, rows)[0] for a, _ in items],
            mode="markers",
            marker={"symbol": "line-ns", "size": 16, "line": {"width": 2, "color": "#c0392b"}},
            text=[scenario.task(a.task).name or a.task for a, _ in items],
            hovertemplate="deadline of <b>%{text}</b><br>%{x|%a %d %b %Y %H:%M}<extra></extra>",
            showlegend=bool(items),
        )
    )


def _project_deadlines(fig, scenario, rows, colours, zone, by) -> None:
    """Vertical lines: across the chart by person, across the project's rows by project."""
    for k, project in enumerate(p for p in scenario.projects if p.deadline is not None):
        span = (0.0, 1.0, "paper")
        if by == "project":
            mine = [r[0] for t, r in rows.items() if scenario.task(t).project == project.id]
            if not mine:
                continue
            span = (min(mine) - 0.5, max(mine) + 0.5, "y")
        x = _local(project.deadline, zone)
        fig.add_shape(
            type="line",
            x0=x,
            x1=x,
            y0=span[0],
            y1=span[1],
            yref=span[2],
            line={"color": colours[project.id], "width": 2, "dash": "dash"},
            name=f"deadline {project.id}",
        )
        fig.add_annotation(
            x=x,
            y=span[1] if span[2] == "paper" else span[0],
            yref=span[2],
            text=f"{project.name or project.id} due",
            showarrow=False,
            yanchor="bottom",
            yshift=12 * (k % 4) if by == "person" else 0,
            font={"size": 10, "color": colours[project.id]},
        )
