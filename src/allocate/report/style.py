"""Colours and labels shared by the charts and the HTML dashboards, so that a project, a state or
a utilisation looks the same in every view. Over-allocation is the one red on the utilisation
scale."""

from __future__ import annotations

PALETTE = (
    "#3366cc",
    "#0f9d8a",
    "#e08e0b",
    "#8e44ad",
    "#c0392b",
    "#2c7fb8",
    "#7f8c8d",
    "#d35400",
    "#16a085",
    "#5d6d7e",
)
"""Project colours, in scenario order (cycled)."""

STATE_COLOURS = {
    "done": "#7f8c8d",
    "complete": "#7f8c8d",
    "in_progress": "#3366cc",
    "not_started": "#d5dbe3",
    "on_time": "#1e8449",
    "on_track": "#1e8449",
    "at_risk": "#d68910",
    "late": "#c0392b",
    "unplanned": "#c0392b",
}
STATE_LABELS = {
    "done": "Done",
    "complete": "Complete",
    "in_progress": "In progress",
    "not_started": "Not started",
    "on_time": "On time",
    "on_track": "On track",
    "at_risk": "At risk",
    "late": "Late",
    "unplanned": "Not planned",
}

NOT_WORKING = "#cdd1d6"
"""Periods without working time (holidays, leave, days off), distinct from an idle 0 %."""
OVER_LIMIT = 1.5
"""The utilisation at which the colour scale saturates; anything above 1.0 is red."""
UTILISATION_SCALE = (
    (0.0, "#f4f7fb"),
    (0.5 / OVER_LIMIT, "#9ecae1"),
    (1.0 / OVER_LIMIT, "#08519c"),
    (1.0 / OVER_LIMIT + 1e-9, "#f08080"),
    (1.0, "#b30000"),
)
"""Plotly colour scale on [0, OVER_LIMIT]: light to dark blue up to 100 %, red beyond."""


def project_colours(project_ids) -> dict[str, str]:
    return {pid: PALETTE[k % len(PALETTE)] for k, pid in enumerate(project_ids)}


def utilisation_colour(share: float | None) -> str:
    """The colour of one utilisation value on `UTILISATION_SCALE` (for HTML cells)."""
    if share is None:
        return NOT_WORKING
    value = min(max(share, 0.0), OVER_LIMIT) / OVER_LIMIT
    for (lo, a), (hi, b) in zip(UTILISATION_SCALE, UTILISATION_SCALE[1:], strict=False):
        if value <= hi:
            t = 0.0 if hi == lo else (value - lo) / (hi - lo)
            return _mix(a, b, t)
    return UTILISATION_SCALE[-1][1]


def _mix(a: str, b: str, t: float) -> str:
    ra, ga, ba = (int(a[i : i + 2], 16) for i in (1, 3, 5))
    rb, gb, bb = (int(b[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(
        *(round(x + (y - x) * t) for x, y in ((ra, rb), (ga, gb), (ba, bb)))
    )
