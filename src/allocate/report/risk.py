"""Views of a risk simulation: a text summary, a notebook table and the finish-date chart.

Dates are shown in the organisation's zone as a planner says them ("Fri 12 Mar"); each project
line reads as a promise: planned date, the dates it is 50 / 80 / 95 % likely to be done by, and
how likely it is to meet its deadline, for a team that keeps the plan and for one that re-plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from allocate.report._optional import require
from allocate.report.html import esc
from allocate.report.style import PALETTE

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from allocate.analysis.simulate import Outlook, Risk

POLICY_WORDS = {"execute": "keep the plan", "replan": "re-plan"}


def risk_text(risk: Risk) -> str:
    zone = ZoneInfo(risk.timezone)
    lines = [
        f"Risk: {risk.samples:,} samples (seed {risk.seed}); dates in {risk.timezone}",
        "",
        f"{'project':<16} {'policy':<14} {'planned':<11} {'P50':<11} {'P80':<11} {'P95':<11} "
        f"{'deadline':<11} on time",
    ]
    for o in risk.projects:
        lines.append(_line(o, zone))
    if risk.milestones:
        lines += ["", "Milestones:"]
        lines += [_line(o, zone) for o in risk.milestones]
    if risk.critical:
        lines += ["", "What decides each finish (share of samples, keeping the plan):"]
        for project in dict.fromkeys(c.project for c in risk.critical):
            tops = [c for c in risk.critical if c.project == project]
            lines.append(f"- {project}: " + ", ".join(f"{c.task} {_share(c.share)}" for c in tops))
    risky = [p for p in risk.people if p.overload >= 0.2]
    if risky:
        lines += ["", "Likely to have more work than time before their deadlines:"]
        lines += [
            f"- {p.id}: {_share(p.overload)} of samples (P80 {p.hours_p80:,.0f} h of work, "
            f"{p.available_hours:,.0f} h available)"
            for p in sorted(risky, key=lambda p: -p.overload)
        ]
    if risk.overflow:
        lines += ["", f"Note: {risk.overflow:.1%} of sampled ends ran past the calendars' horizon."]
    return "\n".join(lines) + "\n"


def _line(o: Outlook, zone: ZoneInfo) -> str:
    on_time = _share(o.on_time)
    return (
        f"{o.id:<16} {POLICY_WORDS[o.policy]:<14} {_day(o.planned, zone):<11} "
        f"{_day(o.p50, zone):<11} {_day(o.p80, zone):<11} {_day(o.p95, zone):<11} "
        f"{_day(o.deadline, zone):<11} {on_time}"
    )


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f} %"


def _day(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%a %d %b") if moment else "-"


def risk_html(risk: Risk) -> str:
    zone = ZoneInfo(risk.timezone)
    head = "".join(
        f"<th>{h}</th>"
        for h in ("project", "policy", "planned", "P50", "P80", "P95", "deadline", "on time")
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{esc(cell)}</td>"
            for cell in (
                o.id,
                POLICY_WORDS[o.policy],
                _day(o.planned, zone),
                _day(o.p50, zone),
                _day(o.p80, zone),
                _day(o.p95, zone),
                _day(o.deadline, zone),
                _share(o.on_time),
            )
        )
        + "</tr>"
        for o in (*risk.projects, *risk.milestones)
    )
    return (
        f"<div><p><b>Risk</b>: {risk.samples:,} samples, dates in {esc(risk.timezone)}. "
        "P80 is the date by which 80 % of samples are done.</p>"
        f"<table><tr>{head}</tr>{rows}</table></div>"
    )


def finish_chart(risk: Risk, ids: Sequence[str] | None = None) -> go.Figure:
    """Per project, the chance of being done by each date (one curve per policy), with its
    deadline marked: read off the date for the confidence you want to promise."""
    go = require("plotly.graph_objects", "Risk.chart")
    from allocate.analysis.simulate import LEVELS

    zone = ZoneInfo(risk.timezone)
    chosen = list(ids) if ids is not None else list(dict.fromkeys(o.id for o in risk.projects))
    fig = go.Figure()
    for k, ident in enumerate(chosen):
        colour = PALETTE[k % len(PALETTE)]
        for policy in risk.policies:
            o = risk.outlook(ident, policy)
            fig.add_trace(
                go.Scatter(
                    x=[q.astimezone(zone).replace(tzinfo=None) for q in o.quantiles],
                    y=[level / 100 for level in LEVELS],
                    mode="lines",
                    name=f"{ident} ({POLICY_WORDS[policy]})",
                    line={"color": colour, "dash": "solid" if policy == "replan" else "dot"},
                    hovertemplate=f"{ident}: %{{y:.0%}} done by %{{x|%a %d %b}}<extra></extra>",
                )
            )
        deadline = risk.outlook(ident).deadline
        if deadline is not None:
            fig.add_vline(
                x=deadline.astimezone(zone).replace(tzinfo=None).timestamp() * 1000,
                line={"color": colour, "width": 1, "dash": "dash"},
                annotation_text=f"{ident} deadline",
                annotation_font_size=10,
            )
    fig.update_layout(
        title="Chance of being done by each date",
        yaxis={"tickformat": ".0%", "range": [0, 1.02], "title": "done in this share of samples"},
        xaxis={"type": "date", "title": f"finish ({risk.timezone})"},
        template="plotly_white",
        height=420,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def promise_sentences(risk: Risk, ident: str) -> list[str]:
    """How sure `ident`'s finish is, as a planner would tell a customer: per policy, the chance
    of meeting the deadline and the date that is 80 % sure."""
    zone = ZoneInfo(risk.timezone)
    lines = []
    for policy in risk.policies:
        o = risk.outlook(ident, policy)
        sure = f"80 % likely done by {_day(o.p80, zone)} (50 %: {_day(o.p50, zone)})"
        if o.on_time is not None:
            sure = f"{_share(o.on_time)} likely by the deadline {_day(o.deadline, zone)}; " + sure
        lines.append(f"If we {POLICY_WORDS[o.policy]}: {sure}.")
    return lines


def risk_card(risk: Risk | None, ident: str) -> str:
    """The dashboard card 'How sure is the date' (empty without a simulation of `ident`)."""
    if risk is None or not any(o.id == ident for o in risk.projects):
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in promise_sentences(risk, ident))
    return (
        f'<div class="card" data-testid="risk"><h2>How sure is the date</h2><ul>{items}</ul>'
        f'<p class="muted">From {risk.samples:,} simulated outcomes of the estimates.</p></div>'
    )


def on_time_share(risk: Risk | None, ident: str) -> str:
    """'85 %': the chance `ident` meets its deadline (the first policy), '-' when unknown."""
    if risk is None:
        return "-"
    try:
        o = risk.outlook(ident)
    except KeyError:
        return "-"
    return _share(o.on_time)


def risk_markdown(risk: Risk) -> list[str]:
    """The report.md section: per project P50 / P80 / P95 and the chance of meeting the
    deadline, per policy."""
    zone = ZoneInfo(risk.timezone)
    lines = [
        "| project | if we | P50 | P80 | P95 | deadline | on time |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in risk.projects:
        on_time = _share(o.on_time)
        lines.append(
            f"| {o.id} | {POLICY_WORDS[o.policy]} | {_day(o.p50, zone)} | {_day(o.p80, zone)} | "
            f"{_day(o.p95, zone)} | {_day(o.deadline, zone)} | {on_time} |"
        )
    return lines
