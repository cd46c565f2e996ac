"""A project's milestone timeline as inline SVG, for the dashboards: a few kilobytes, no script,
and it renders anywhere a browser or a mail client renders HTML (plotly's 4.8 MB bundle would
not be welcome in a customer's inbox).

One row per milestone: a pale bar for its phase (the work leading to it), a filled diamond at the
planned date coloured by state, an open diamond at the committed date, and a red link between them
when the plan is late. Month lines, the status date and the committed end frame it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from allocate.report.html import esc
from allocate.report.status import MONTHS, ProjectStatus, long_date
from allocate.report.style import STATE_COLOURS, STATE_LABELS

WIDTH = 960
LABEL = 230
RIGHT = 20
ROW = 34
TOP = 34
BOTTOM = 12


def timeline_svg(status: ProjectStatus) -> str:
    """The SVG element (as text) of `status`'s milestones on a time axis."""
    zone = ZoneInfo(status.timezone)
    milestones = [m for m in status.milestones if m.planned or m.committed]
    moments = [status.as_of]
    for m in milestones:
        moments += [t for t in (m.phase_start, m.planned, m.committed) if t is not None]
    moments += [t for t in (status.finish, status.deadline) if t is not None]
    t0, t1 = min(moments), max(moments)
    pad = max((t1 - t0) * 0.03, timedelta(days=1))
    t0, t1 = t0 - pad, t1 + pad
    span = (t1 - t0).total_seconds()

    def x(moment: datetime) -> float:
        return round(LABEL + (WIDTH - LABEL - RIGHT) * (moment - t0).total_seconds() / span, 1)

    height = TOP + ROW * max(1, len(milestones)) + BOTTOM
    out = [
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="Milestone timeline of {esc(status.name)}" '
        f'data-testid="timeline" style="max-width:{WIDTH}px;font-size:12px">'
    ]
    out += _months(t0, t1, zone, x, height)
    out += _vertical(x(status.as_of), height, "#555", "status date", "start")
    if status.deadline is not None:
        out += _vertical(x(status.deadline), height, "#c0392b", "committed end", "end")
    for k, m in enumerate(milestones):
        y = TOP + ROW * k + ROW / 2
        colour = STATE_COLOURS[m.state]
        tip = f"{m.name}: {STATE_LABELS[m.state].lower()}"
        if m.planned:
            tip += f", planned {long_date(m.planned, status.timezone)}"
        if m.committed:
            tip += f", committed {long_date(m.committed, status.timezone)}"
        out.append(f'<g data-milestone="{esc(m.id)}"><title>{esc(tip)}</title>')
        out.append(
            f'<text x="{LABEL - 10}" y="{y + 4}" text-anchor="end" fill="#1f2933">'
            f"{esc(_short(m.name))}</text>"
        )
        if m.phase_start is not None and m.planned is not None:
            x0, x1 = x(m.phase_start), x(m.planned)
            out.append(
                f'<rect x="{x0}" y="{y - 8}" width="{max(x1 - x0, 1):.1f}" height="16" rx="3" '
                f'fill="{colour}" fill-opacity="0.28"/>'
            )
        if m.planned and m.committed and m.planned > m.committed:
            out.append(
                f'<line x1="{x(m.committed)}" y1="{y}" x2="{x(m.planned)}" y2="{y}" '
                'stroke="#c0392b" stroke-width="2"/>'
            )
        if m.committed is not None:
            out.append(_diamond(x(m.committed), y, "none", "#333", "committed"))
        if m.planned is not None:
            out.append(_diamond(x(m.planned), y, colour, "#fff", "planned"))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _diamond(cx: float, cy: float, fill: str, stroke: str, kind: str) -> str:
    r = 7
    points = f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"
    return (
        f'<polygon class="{kind}" points="{points}" fill="{fill}" stroke="{stroke}" '
        'stroke-width="1.5"/>'
    )


def _months(t0: datetime, t1: datetime, zone: ZoneInfo, x, height: int) -> list[str]:
    """A line and a label at the first of each month (weekly when the span is short)."""
    first, last = t0.astimezone(zone).date(), t1.astimezone(zone).date()
    weekly = (last - first).days < 50
    out = []
    day = _next_tick(first, weekly)
    while day <= last:
        at = x(datetime.combine(day, datetime.min.time(), tzinfo=zone))
        label = f"{day.day} {MONTHS[day.month - 1][:3]}" if weekly else MONTHS[day.month - 1][:3]
        if not weekly and day.month == 1:
            label += f" {day.year}"
        out.append(
            f'<line x1="{at}" y1="{TOP - 6}" x2="{at}" y2="{height - BOTTOM}" stroke="#e3e8ef"/>'
            f'<text x="{at + 3}" y="{TOP - 10}" fill="#5f6b7a">{label}</text>'
        )
        day = day + timedelta(days=7) if weekly else _next_tick(day + timedelta(days=1), False)
    return out


def _next_tick(day: date, weekly: bool) -> date:
    if weekly:
        return day + timedelta(days=(7 - day.weekday()) % 7)
    if day.day == 1:
        return day
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _vertical(at: float, height: int, colour: str, label: str, anchor: str) -> list[str]:
    shift = -3 if anchor == "end" else 3
    return [
        f'<line x1="{at}" y1="{TOP - 22}" x2="{at}" y2="{height - BOTTOM}" stroke="{colour}" '
        'stroke-dasharray="4 3" stroke-width="1.5"/>',
        f'<text x="{at + shift}" y="{TOP - 24}" text-anchor="{anchor}" fill="{colour}" '
        f'font-size="11">{esc(label)}</text>',
    ]


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
