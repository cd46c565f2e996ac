"""The workload heatmap and the customer's project timeline (plotly).

The heatmap colours each person's week by utilisation on one fixed scale: blue up to 100 %, red
beyond, so over-allocation (possible only in a hand-edited or rejected plan) cannot be missed, and
marked with "!" for readers who do not see red. The timeline shows a project as a customer thinks
of it: phases ending in milestones, each planned date beside the committed one, no people.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from allocate.plan import Plan
from allocate.report._optional import require
from allocate.report.load import Period, load
from allocate.report.status import long_date, project_status
from allocate.report.style import (
    NOT_WORKING,
    OVER_LIMIT,
    STATE_COLOURS,
    STATE_LABELS,
    UTILISATION_SCALE,
)
from allocate.scenario import Scenario

if TYPE_CHECKING:
    import plotly.graph_objects as go


def workload_heatmap(scenario: Scenario, plan: Plan, *, by: Period = "week") -> go.Figure:
    """People × weeks (or days), coloured by booked / available hours; cells show the share."""
    go = require("plotly.graph_objects", "workload_heatmap")
    loads = load(scenario, plan, by=by)
    periods = list(dict.fromkeys(x.period for x in loads))
    people = [p.id for p in scenario.people]
    names = {p.id: p.name or p.id for p in scenario.people}
    z, text, data = _cells(loads, people, periods)
    off = [[1 if share is None else None for share in row] for row in z]
    fig = go.Figure(
        go.Heatmap(
            name="not working",
            z=off,
            x=periods,
            y=[names[p] for p in people],
            colorscale=[[0, NOT_WORKING], [1, NOT_WORKING]],
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="%{y}, %{x}: not working<extra></extra>",
        )
    )
    fig.add_trace(
        share_heatmap(
            go,
            z=z,
            x=periods,
            y=[names[p] for p in people],
            text=text,
            customdata=data,
            hovertemplate="%{y}, %{x}<br>booked %{customdata[0]} h of %{customdata[1]} h"
            "<extra></extra>",
            scale=("utilisation", "over"),
        )
    )
    share_layout(fig, f"Workload by {by}: booked / available hours (red: over-allocated)", people)
    return fig


def share_heatmap(go, *, scale: tuple[str, str], **data) -> go.Heatmap:
    """A heatmap trace of shares on the utilisation scale (blue to 100 %, red beyond), its
    colour bar titled `scale[0]` and its top tick marked `scale[1]`."""
    return go.Heatmap(
        name=scale[0],
        texttemplate="%{text}",
        textfont={"size": 9},
        colorscale=[list(step) for step in UTILISATION_SCALE],
        zmin=0,
        zmax=OVER_LIMIT,
        xgap=1,
        ygap=1,
        colorbar={
            "title": scale[0],
            "tickvals": [0, 0.5, 1.0, OVER_LIMIT],
            "ticktext": ["0 %", "50 %", "100 %", f"≥ {OVER_LIMIT:.0%} ({scale[1]})"],
        },
        **data,
    )


def share_layout(fig, title: str, rows) -> None:
    """Rows top-down, periods as categories along the top, height for the rows."""
    fig.update_layout(
        title=title,
        height=140 + 24 * max(1, len(rows)),
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "type": "category"},
        margin={"l": 10, "r": 10, "t": 90, "b": 20},
        template="plotly_white",
    )


def _cells(loads, people: list[str], periods: list) -> tuple[list, list, list]:
    """Per person and period: the utilisation (None when not working), its label ("!" when
    over 100 %) and (booked, available) hours."""
    cell = {(x.person, x.period): x for x in loads}
    z, text, data = [], [], []
    for person in people:
        row_z, row_text, row_data = [], [], []
        for period in periods:
            x = cell[person, period]
            share = x.utilisation
            row_z.append(share)
            row_text.append("" if share is None else f"{share:.0%}" + ("!" if share > 1 else ""))
            row_data.append((round(x.booked_hours, 2), round(x.available_hours, 2)))
        z.append(row_z)
        text.append(row_text)
        data.append(row_data)
    return z, text, data


def project_timeline(
    scenario: Scenario, plan: Plan, project: str, *, timezone: str | None = None
) -> go.Figure:
    """A customer's view of one project: a bar per phase (the work leading to a milestone) ending
    in the milestone's planned date (filled diamond), the committed date beside it (open diamond),
    the status date and the project's committed end as vertical lines."""
    go = require("plotly.graph_objects", "project_timeline")
    status = project_status(scenario, plan, project, timezone=timezone)
    zone = ZoneInfo(status.timezone)

    def local(moment: datetime) -> datetime:
        return moment.astimezone(zone).replace(tzinfo=None)

    fig = go.Figure()
    milestones = [m for m in status.milestones if m.planned is not None or m.committed]
    names = [m.name for m in milestones]
    for trace in _milestone_traces(go, milestones, local, status.timezone):
        fig.add_trace(trace)
    _line(fig, local(status.as_of), "status date", "#555")
    if status.deadline is not None:
        _line(fig, local(status.deadline), "committed end", "#c0392b")
    fig.update_layout(
        title=f"{status.name}: {STATE_LABELS[status.state].lower()}",
        height=160 + 40 * max(1, len(names)),
        yaxis={"categoryorder": "array", "categoryarray": names, "autorange": "reversed"},
        xaxis={"type": "date", "title": f"dates ({status.timezone})"},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        template="plotly_white",
    )
    return fig


def _milestone_traces(go, milestones, local, timezone: str) -> list:
    """Per milestone: the bar of its phase, its planned date (filled diamond) and its committed
    date (open diamond)."""
    phases = [m for m in milestones if m.phase_start is not None and m.planned is not None]
    planned = [m for m in milestones if m.planned is not None]
    committed = [m for m in milestones if m.committed is not None]
    return [
        go.Bar(
            name="phase",
            orientation="h",
            y=[m.name for m in phases],
            base=[local(m.phase_start) for m in phases],
            x=[(m.planned - m.phase_start).total_seconds() * 1000 for m in phases],
            marker={"color": [STATE_COLOURS[m.state] for m in phases], "opacity": 0.35},
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            name="planned",
            x=[local(m.planned) for m in planned],
            y=[m.name for m in planned],
            mode="markers",
            marker={
                "symbol": "diamond",
                "size": 16,
                "color": [STATE_COLOURS[m.state] for m in planned],
                "line": {"color": "white", "width": 1},
            },
            text=[f"{STATE_LABELS[m.state]}: {long_date(m.planned, timezone)}" for m in planned],
            hovertemplate="<b>%{y}</b><br>planned %{text}<extra></extra>",
        ),
        go.Scatter(
            name="committed",
            x=[local(m.committed) for m in committed],
            y=[m.name for m in committed],
            mode="markers",
            marker={"symbol": "diamond-open", "size": 16, "color": "#333", "line": {"width": 2}},
            text=[long_date(m.committed, timezone) for m in committed],
            hovertemplate="<b>%{y}</b><br>committed %{text}<extra></extra>",
        ),
    ]


def _line(fig, x: datetime, label: str, colour: str) -> None:
    fig.add_shape(
        type="line",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": colour, "width": 1.5, "dash": "dot"},
        name=label,
    )
    fig.add_annotation(
        x=x, y=1, yref="paper", text=label, showarrow=False, yanchor="bottom", font={"size": 10}
    )
