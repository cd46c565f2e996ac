"""Views of a capacity forecast: a text summary, a notebook table and a heatmap.

Every view uses the utilisation scale of the workload heatmap (blue up to 100 %, red beyond), so
"demand over supply" reads the same as "booked over available": a red cell is a group that needs
more hours than its people have in that period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocate.report._optional import require
from allocate.report.advice import departures_html, hiring_options_table, standing_text
from allocate.report.html import esc
from allocate.report.style import utilisation_colour

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from allocate.analysis.departures import Departures
    from allocate.analysis.forecast import Forecast
    from allocate.analysis.hiring import HiringAdvice

PERIOD_WORDS = {"week": "week", "month": "month"}


def forecast_text(forecast: Forecast) -> str:
    """Per group: people, demand and supply in all, and where it runs short."""
    unit = PERIOD_WORDS[forecast.freq]
    head = (
        f"Capacity forecast by {forecast.by} and {unit}, {len(forecast.periods)} {unit}s from "
        f"{forecast.periods[0]:%d %b %Y} ({forecast.timezone})"
    )
    rows = [_summary_row(forecast, group) for group in forecast.groups]
    width = max([len(r[0]) for r in rows] + [5])
    lines = [head, "", f"{'group':<{width}}  people  demand h  supply h   load  short {unit}s"]
    for group, people, demand, supply, load, short in rows:
        lines.append(
            f"{group:<{width}}  {people:>6}  {demand:>8,.0f}  {supply:>8,.0f}  {load:>5}  {short}"
        )
    shortages = forecast.shortages()
    lines += ["", "Short of people:" if shortages else "No group is short of people."]
    lines += [f"- {s}" for s in shortages]
    if forecast.sole_holders:
        lines += ["", "Only one person can do it:", *(f"- {s}" for s in forecast.sole_holders)]
    return "\n".join(lines) + "\n"


def _summary_row(forecast: Forecast, group: str) -> tuple:
    rows = [r for r in forecast.rows if r.group == group]
    demand = sum(r.demand_hours for r in rows)
    supply = sum(r.supply_hours for r in rows)
    load = f"{demand / supply:.0%}" if supply else "-"
    short = [r for r in rows if r.shortfall_hours >= 0.5]
    when = f"{len(short)} from {short[0].start:%d %b}" if short else "-"
    return group, rows[0].people, demand, supply, load, when


def forecast_html(forecast: Forecast) -> str:
    """Groups × periods, each cell coloured by demand over supply and showing the shortfall."""
    head = "".join(f"<th style='padding:2px 4px'>{d:%d %b}</th>" for d in forecast.periods)
    body = []
    for group in forecast.groups:
        cells = []
        for row in (r for r in forecast.rows if r.group == group):
            load = row.load
            colour = utilisation_colour(load)
            ink = "#fff" if load is not None and load > 0.8 else "#222"
            text = f"−{row.shortfall_hours:,.0f}" if row.shortfall_hours >= 0.5 else ""
            tip = f"demand {row.demand_hours:,.1f} h, supply {row.supply_hours:,.1f} h" + (
                f", short {row.shortfall_hours:,.1f} h" if text else ""
            )
            cells.append(
                f"<td title='{esc(tip)}' style='background:{colour};color:{ink};"
                f"text-align:center;font-size:11px;padding:2px 4px'>{text}</td>"
            )
        body.append(f"<tr><th style='text-align:left'>{esc(group)}</th>{''.join(cells)}</tr>")
    notes = "".join(f"<li>{esc(str(s))}</li>" for s in forecast.shortages())
    notes += "".join(f"<li>{esc(str(s))}</li>" for s in forecast.sole_holders)
    return (
        f"<div><p><b>Capacity forecast</b> by {forecast.by} and {forecast.freq} "
        f"({esc(forecast.timezone)}): cells coloured by demand over supply, red above 100 %, "
        f"with the hours short.</p><table style='border-collapse:collapse'><tr><th></th>{head}"
        f"</tr>{''.join(body)}</table>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"
    )


def capacity_heatmap(forecast: Forecast) -> go.Figure:
    """Groups × periods coloured by demand over supply (plotly); hover shows the hours."""
    from allocate.report.charts import share_heatmap, share_layout

    go = require("plotly.graph_objects", "Forecast.heatmap")
    periods = [d.isoformat() for d in forecast.periods]
    z, text, data = [], [], []
    for group in forecast.groups:
        rows = [r for r in forecast.rows if r.group == group]
        z.append([r.load for r in rows])
        text.append(
            [f"−{r.shortfall_hours:,.0f} h" if r.shortfall_hours >= 0.5 else "" for r in rows]
        )
        data.append([(r.demand_hours, r.supply_hours, r.shortfall_hours) for r in rows])
    fig = go.Figure(
        share_heatmap(
            go,
            z=z,
            x=periods,
            y=list(forecast.groups),
            text=text,
            customdata=data,
            hovertemplate="%{y}, %{x}<br>demand %{customdata[0]:.1f} h of %{customdata[1]:.1f} h"
            "<br>short %{customdata[2]:.1f} h<extra></extra>",
            scale=("demand / supply", "short"),
        )
    )
    share_layout(
        fig,
        f"Capacity by {forecast.by}: demand over supply per {forecast.freq} (red: short)",
        forecast.groups,
    )
    return fig


def capacity_page(
    forecast: Forecast,
    *,
    hiring: HiringAdvice | None = None,
    departures: Departures | None = None,
    generated=None,
) -> str:
    """A self-contained page: where the team runs short, who is the only holder of a skill, the
    forecast table, and with `hiring` (`allocate.advise_hiring`) and `departures` the candidate
    hires and the people we cannot lose (the report's capacity.html)."""
    from allocate.report.html import page, table

    shortages = forecast.shortages()
    short = (
        table(
            (
                "group",
                "qualified",
                "first short",
                "periods short",
                "hours short",
                "demand h",
                "supply h",
            ),
            (
                (
                    esc(s.group),
                    str(s.people),
                    f"{s.first:%a %d %b %Y}",
                    str(s.periods),
                    f"{s.shortfall_hours:,.0f}",
                    f"{s.demand_hours:,.0f}",
                    f"{s.supply_hours:,.0f}",
                )
                for s in shortages
            ),
            numeric=(1, 3, 4, 5, 6),
            test_id="shortages",
        )
        if shortages
        else "<p>No group needs more hours than its people have.</p>"
    )
    sole = "".join(f"<li>{esc(str(s))}</li>" for s in forecast.sole_holders)
    body = (
        "<h1>Capacity forecast</h1>"
        "<p class='sub'>Demand for each skill against the hours of the people who have it, per "
        f"{forecast.freq} ({esc(forecast.timezone)}). Demand counts work where it is needed to "
        "meet deadlines, work the plan could not place, and pipeline work weighted by its "
        "chance of being won.</p>"
        f"<div class='card'><h2>Where we run short</h2>{short}</div>"
        + (
            f"<div class='card'><h2>Only one person can do it</h2><ul>{sole}</ul></div>"
            if sole
            else ""
        )
        + (_hiring_card(hiring) if hiring is not None else "")
        + (f"<div class='card'>{departures_html(departures)}</div>" if departures else "")
        + f"<div class='card'><h2>By {forecast.freq}</h2>{forecast_html(forecast)}</div>"
    )
    return page("Capacity forecast", body, generated=generated)


def _hiring_card(hiring: HiringAdvice) -> str:
    return (
        "<div class='card'><h2>Whom to hire</h2><p class='sub'>Each candidate re-planned "
        "against the same re-plan without a hire "
        f"({esc(standing_text(hiring.baseline))}); ranked by deadline hours saved per 1,000 of "
        f"what they cost until {hiring.until:%d %b %Y}.</p>{hiring_options_table(hiring)}</div>"
    )
