"""Views of advice: who should take a request, whom to hire, whom we cannot lose. Text for the
terminal, a table for notebooks and pages, a DataFrame for analysis.

Each option is read as a sentence a project manager can repeat: "lea: finishes Thu 18 Mar 17:00,
24 h before its deadline; delays nothing else; costs 2,040 (24 h at 85 an hour)". Money has no
currency symbol: the scenario's rates do not say which one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allocate.analysis.screening import effects_sentence
from allocate.report._optional import require
from allocate.report.html import esc, table

if TYPE_CHECKING:
    import pandas as pd

    from allocate.analysis.departures import Departure, Departures
    from allocate.analysis.hiring import HireOption, HiringAdvice
    from allocate.analysis.recommend import Recommendations
    from allocate.analysis.screening import Option
    from allocate.analysis.standing import Standing

SHOWN = 5


def recommendations_text(recs: Recommendations) -> str:
    request = ", ".join(f"'{t}'" for t in recs.request)
    lines = [
        f"Who should take {request}? Dates in {recs.timezone}; options judged by "
        + _order(recs.objective),
        "",
    ]
    alone = recs.baseline_diff
    if alone:
        lines[-1:-1] = [
            f"Re-planning alone, without the request, would reassign {len(alone.reassigned)} "
            f"and move {len(alone.moved)} tasks of the current plan (baseline_diff); effects "
            "below are counted against that re-plan."
        ]
    if not recs.options:
        lines.append("Nobody can take it.")
    for rank, option in enumerate(recs.options, 1):
        how = "" if option.exact else " (estimate)"
        lines.append(f"{rank:>2}. {option.person}{how}: {'; '.join(option.reasons)}")
    if recs.excluded:
        lines += ["", "Cannot take it:"]
        lines += [f"- {e}" for e in recs.excluded]
    return "\n".join(lines) + "\n"


def _order(objective: tuple[str, ...]) -> str:
    """'lateness + unplaced, then changes to the plan, then peak_utilisation, cost, makespan'."""
    if not objective:
        return "changes to the plan"
    rest = f", then {', '.join(objective[1:])}" if len(objective) > 1 else ""
    return f"{objective[0]}, then changes to the existing plan{rest}"


def recommendations_html(recs: Recommendations) -> str:
    rows = [
        (
            str(rank),
            f"<b>{esc(o.person)}</b>" + ("" if o.exact else " <span class='muted'>(est.)</span>"),
            esc(f"{o.finish.astimezone(_zone(recs.timezone)):%a %d %b %H:%M}"),
            esc(_late(o)),
            esc(_delays(o)),
            f"{o.cost:,.0f}",
            str(o.effects.changed),
            esc("; ".join(o.reasons[1:])),
        )
        for rank, o in enumerate(recs.options, 1)
    ]
    options = table(
        ("#", "person", "finishes", "deadline", "other work", "cost", "changes", "why"),
        rows,
        numeric=(0, 5, 6),
        test_id="options",
    )
    excluded = "".join(f"<li>{esc(str(e))}</li>" for e in recs.excluded)
    request = ", ".join(recs.request)
    return (
        f"<div><p><b>Who should take {esc(request)}?</b> Dates in {esc(recs.timezone)}; "
        f"judged by {esc(_order(recs.objective))}. <span class='muted'>(est.): estimated by "
        "insertion, not re-planned.</span></p>"
        + options
        + (f"<p><b>Cannot take it</b></p><ul>{excluded}</ul>" if excluded else "")
        + "</div>"
    )


def recommendations_table(recs: Recommendations) -> pd.DataFrame:
    pd = require("pandas", "Recommendations.to_dataframe")
    records = [
        {
            "rank": rank,
            "person": o.person,
            "exact": o.exact,
            "tasks": ", ".join(o.tasks),
            "start": o.start,
            "finish": o.finish,
            "deadline": o.deadline,
            "late_hours": o.late_hours,
            "hours": o.hours,
            "cost": o.cost,
            "delayed_tasks": len(o.effects.delayed),
            "delay_hours": sum(d.hours for d in o.effects.delayed),
            "late_hours_added": o.effects.late_hours_added,
            "changed": o.effects.changed,
            "levels_above": o.fit.levels_above,
            "overlap_hours": o.fit.overlap_hours,
            "continuity": "; ".join(o.fit.continuity),
            "reasons": "; ".join(o.reasons),
        }
        for rank, o in enumerate(recs.options, 1)
    ]
    records += [{"person": e.person, "reasons": e.reason} for e in recs.excluded]
    return pd.DataFrame.from_records(records)


def _late(option: Option) -> str:
    if option.deadline is None:
        return "no deadline"
    if option.late_hours > 0:
        return f"{_span(option.late_hours)} late"
    spare = (option.deadline - option.finish).total_seconds() / 3600
    return f"{_span(spare)} spare"


def _delays(option: Option) -> str:
    return effects_sentence(option.effects)


def _span(hours: float) -> str:
    return f"{hours:,.0f} h" if abs(hours) < 48 else f"{hours / 24:,.1f} days"


def _zone(name: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def hire_sentence(option: HireOption) -> str:
    """'+1 backend (level 3) in Europe/Berlin from 2027-04-05: 2 late projects on time, lateness
    -312 h, cost +18,400'."""
    effects = []
    saved = option.saved_projects
    if saved:
        effects.append(f"{_count(len(saved), 'late project')} on time ({', '.join(saved)})")
    placed = option.baseline.unplaced - option.standing.unplaced
    if placed > 0:
        effects.append(f"{_count(placed, 'task')} placed that nobody could do")
    effects.append(f"lateness {_signed(-option.late_hours_saved)} h")
    comparable = not option.standing.unplaced and not option.baseline.unplaced
    if comparable and option.standing.margin is not None and option.baseline.margin is not None:
        margin = option.standing.margin - option.baseline.margin
        if abs(margin) >= 0.5:
            effects.append(f"project margins {_signed(margin)}")
    effects.append(f"cost +{option.cost:,.0f}")
    effects.append(f"{option.booked_hours:,.0f} of {option.paid_hours:,.0f} h booked")
    return f"{option.hire}: {', '.join(effects)}"


def hiring_text(advice: HiringAdvice) -> str:
    lines = [
        f"Hiring advice: each hire re-planned against the same re-plan without one; cost is "
        f"their hours until {advice.until:%d %b %Y} at their rate",
        f"Without a hire: {standing_text(advice.baseline)}",
        "",
    ]
    if not advice.options:
        lines.append("No candidate hire to compare.")
    for rank, option in enumerate(advice.options, 1):
        lines.append(f"{rank:>2}. {option}")
    if advice.over_budget:
        lines += ["", f"Over the budget of {advice.budget:,.0f}:"]
        lines += [f"- {hire}" for hire in advice.over_budget]
    return "\n".join(lines) + "\n"


def standing_text(standing: Standing) -> str:
    late = (
        f"{_count(len(standing.late_projects), 'late project')} "
        f"({', '.join(standing.late_projects)})"
        if standing.late_projects
        else "every project on time"
    )
    return f"{late}, {standing.late_hours:,.0f} h past deadlines in all"


def hiring_html(advice: HiringAdvice) -> str:
    return (
        f"<div><p><b>Hiring advice</b>: each hire re-planned against the same re-plan without "
        f"one; without a hire: {esc(standing_text(advice.baseline))}. Cost: their hours until "
        f"{advice.until:%d %b %Y} at their rate.</p>{hiring_options_table(advice)}</div>"
    )


def hiring_options_table(advice: HiringAdvice) -> str:
    rows = [
        (
            str(rank),
            esc(str(o.hire)),
            esc(", ".join(o.saved_projects) or "-"),
            f"{-o.late_hours_saved:+,.0f}",
            f"{o.value_per_cost:,.1f}",
            f"{o.cost:,.0f}",
            f"{o.booked_hours:,.0f} / {o.paid_hours:,.0f}",
        )
        for rank, o in enumerate(advice.options, 1)
    ]
    over = "".join(f"<li>{esc(str(h))}</li>" for h in advice.over_budget)
    return (
        table(
            (
                "#",
                "hire",
                "late projects on time",
                "hours late",
                "saved per 1,000",
                "cost",
                "booked / paid h",
            ),
            rows,
            numeric=(0, 3, 4, 5, 6),
            test_id="hires",
        )
        if rows
        else "<p>No candidate hire to compare.</p>"
    ) + (f"<p>Over the budget of {advice.budget:,.0f}:</p><ul>{over}</ul>" if over else "")


def hiring_table(advice: HiringAdvice) -> pd.DataFrame:
    pd = require("pandas", "HiringAdvice.to_dataframe")
    return pd.DataFrame.from_records(
        {
            "rank": rank,
            "hire": o.hire.id,
            "skills": o.hire.label,
            "timezone": o.hire.calendar.timezone,
            "start": o.hire.start,
            "hourly_rate": o.hire.hourly_rate,
            "cost": o.cost,
            "paid_hours": o.paid_hours,
            "booked_hours": o.booked_hours,
            "late_projects_saved": ", ".join(o.saved_projects),
            "late_hours_saved": o.late_hours_saved,
            "value": o.value,
            "value_per_1000": o.value_per_cost,
        }
        for rank, o in enumerate(advice.options, 1)
    )


def departure_sentence(departure: Departure) -> str:
    """'if jonas leaves from 2027-01-04: 1 more late project (shop), lateness +140 h, 12 tasks to
    others; only holder of backend 5+'."""
    added = departure.late_projects_added
    parts = [
        f"{_count(len(added), 'more late project')} ({', '.join(added)})"
        if added
        else "no more late projects",
        f"lateness {_signed(departure.late_hours_added)} h",
        f"{_count(departure.handed, 'task')} to others",
    ]
    if departure.standing.unplaced > departure.baseline.unplaced:
        parts.append(f"{departure.standing.unplaced} tasks nobody can do")
    sole = f"; only holder of {', '.join(departure.sole)}" if departure.sole else ""
    return f"if {departure.person} leaves from {departure.on.isoformat()}: {', '.join(parts)}{sole}"


def departures_text(items: Departures) -> str:
    lines = ["What if someone leaves (the most damaging first):", ""]
    lines += [f"- {d}" for d in items]
    return "\n".join(lines) + "\n"


def departures_html(items: Departures) -> str:
    rows = "".join(f"<li>{esc(str(d))}</li>" for d in items)
    return (
        f"<div><p><b>What if someone leaves</b> (the most damaging first)</p><ul>{rows}</ul></div>"
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _signed(value: float) -> str:
    return "0" if abs(value) < 0.5 else f"{value:+,.0f}"
