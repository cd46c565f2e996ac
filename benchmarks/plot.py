"""Small line charts as standalone SVG for benchmark results: no plotting dependency, a few
kilobytes, readable in a browser or on GitHub.

`line_panels` draws one panel per title side by side, each with one line per series over a
logarithmic time axis and a linear value axis shared by all panels.
"""

from __future__ import annotations

import math
from html import escape

COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2")
PANEL, HEIGHT, MARGIN, TOP = 260, 220, 44, 30


def line_panels(
    panels: list[tuple[str, dict[str, list[tuple[float, float]]]]],
    *,
    x_label: str,
    y_label: str,
    x_ticks: tuple[float, ...] = (1, 5, 10, 30, 60),
) -> str:
    """The SVG text of `panels` (title, {series: [(x, y), ...]}); x > 0 on a log axis."""
    points = [p for _, series in panels for line in series.values() for p in line]
    x_lo, x_hi = min(x_ticks[0], *(x for x, _ in points)), max(x_ticks[-1], *(x for x, _ in points))
    y_lo = min(0.0, *(y for _, y in points))
    y_hi = max(1.0, *(y for _, y in points))
    names = list(dict.fromkeys(name for _, series in panels for name in series))
    width = MARGIN + len(panels) * (PANEL + MARGIN)
    height = TOP + HEIGHT + 70

    def x_of(panel: int, x: float) -> float:
        share = (math.log(x) - math.log(x_lo)) / (math.log(x_hi) - math.log(x_lo))
        return MARGIN + panel * (PANEL + MARGIN) + share * PANEL

    def y_of(y: float) -> float:
        return TOP + HEIGHT * (1 - (y - y_lo) / (y_hi - y_lo))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for k, (title, series) in enumerate(panels):
        left = MARGIN + k * (PANEL + MARGIN)
        parts.append(
            f'<text x="{left + PANEL / 2}" y="{TOP - 10}" text-anchor="middle" '
            f'font-weight="bold">{escape(title)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{TOP}" width="{PANEL}" height="{HEIGHT}" fill="none" '
            'stroke="#999"/>'
        )
        for tick in x_ticks:
            x = x_of(k, tick)
            parts.append(
                f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + HEIGHT}" stroke="#eee"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{TOP + HEIGHT + 14}" text-anchor="middle">{tick:g}</text>'
            )
        for tick in _nice_ticks(y_lo, y_hi):
            y = y_of(tick)
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + PANEL}" y2="{y:.1f}" stroke="#eee"/>'
            )
            parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
        for name, line in series.items():
            colour = COLOURS[names.index(name) % len(COLOURS)]
            path = " ".join(f"{x_of(k, x):.1f},{y_of(y):.1f}" for x, y in sorted(line))
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
    parts.append(
        f'<text x="{width / 2}" y="{TOP + HEIGHT + 32}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    parts.append(
        f'<text x="12" y="{TOP + HEIGHT / 2}" transform="rotate(-90 12 {TOP + HEIGHT / 2})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for i, name in enumerate(names):
        x = MARGIN + i * 120
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<line x1="{x}" y1="{height - 14}" x2="{x + 20}" y2="{height - 14}" '
            f'stroke="{colour}" stroke-width="3"/>'
        )
        parts.append(f'<text x="{x + 25}" y="{height - 10}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _nice_ticks(lo: float, hi: float) -> list[float]:
    step = 10 ** math.floor(math.log10((hi - lo) / 2 or 1))
    for factor in (1, 2, 5, 10):
        if (hi - lo) / (step * factor) <= 6:
            step *= factor
            break
    first = math.ceil(lo / step) * step
    return [round(first + k * step, 10) for k in range(int((hi - first) / step) + 1)]
