"""Small building blocks for self-contained HTML pages: one inline stylesheet, no scripts, no
fonts or images from elsewhere, so a page opens offline, by e-mail or from a file share, and
prints well. Every piece of text passes through `esc`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from allocate.report.style import STATE_COLOURS, STATE_LABELS

CSS = """
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#e3e8ef;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:#f5f7fa;color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1000px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:26px;margin:0 0 2px}h2{font-size:18px;margin:0 0 12px}
.sub,.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;
margin:16px 0}
.head{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;flex-wrap:wrap}
.badge{display:inline-block;padding:3px 12px;border-radius:12px;color:#fff;font-weight:600;
font-size:13px;white-space:nowrap}
.summary{font-size:17px;margin:0}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.kpi{flex:1 1 150px;background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:10px 14px}
.kpi b{display:block;font-size:24px;line-height:1.2}.kpi span{color:var(--muted);font-size:13px}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#eef1f5;min-width:60px}
.bar i{display:block;height:100%}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;color:var(--muted);margin-top:6px}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:13px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
.strip{display:flex;gap:1px}.strip i{display:block;width:14px;height:16px;border-radius:2px}
svg text{font-family:inherit}
a{color:#2457a6}
footer{color:var(--muted);font-size:12px;margin-top:24px}
@media print{body{background:#fff}.card,.kpi{break-inside:avoid}}
"""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, body: str, *, generated: datetime | str | None = None, note: str = "") -> str:
    """A complete HTML document. `generated` is shown only when given (output is deterministic)."""
    stamp = ""
    if generated is not None:
        text = (
            generated.isoformat(timespec="minutes")
            if isinstance(generated, datetime)
            else generated
        )
        stamp = f" Generated {esc(text)}."
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="allocate"><title>{esc(title)}</title>'
        f"<style>{CSS}</style></head>\n<body><main>\n{body}\n"
        f"<footer>{esc(note)}{stamp}</footer>\n</main></body></html>\n"
    )


def badge(state: str, test_id: str = "state") -> str:
    return (
        f'<span class="badge" data-testid="{esc(test_id)}" '
        f'style="background:{STATE_COLOURS[state]}">{esc(STATE_LABELS[state])}</span>'
    )


def kpi(key: str, value: str, label: str) -> str:
    return (
        f'<div class="kpi" data-kpi="{esc(key)}"><b>{esc(value)}</b><span>{esc(label)}</span></div>'
    )


def stacked_bar(parts: Sequence[tuple[str, float, str]], total: float | None = None) -> str:
    """A horizontal bar of (label, amount, colour) parts; each part's `title` gives its amount."""
    total = total if total is not None else sum(amount for _, amount, _ in parts)
    cells = "".join(
        f'<i style="width:{100 * amount / total:.2f}%;background:{colour}" '
        f'title="{esc(label)}: {amount:,.0f} h"></i>'
        for label, amount, colour in parts
        if total > 0 and amount > 0
    )
    return f'<div class="bar" role="img" aria-label="{esc(_describe(parts))}">{cells}</div>'


def _describe(parts: Sequence[tuple[str, float, str]]) -> str:
    return ", ".join(f"{label} {amount:,.0f} h" for label, amount, _ in parts)


def legend(items: Iterable[tuple[str, str]]) -> str:
    return (
        '<div class="legend">'
        + "".join(
            f'<span><span class="dot" style="background:{c}"></span>{esc(t)}</span>'
            for t, c in items
        )
        + "</div>"
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[int] = (),
    test_id: str = "",
) -> str:
    """An HTML table; cells are inserted as given (escape text with `esc` first)."""
    numeric = set(numeric)

    def cls(k: int) -> str:
        return ' class="num"' if k in numeric else ""

    head = "".join(f"<th{cls(k)}>{esc(h)}</th>" for k, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td{cls(k)}>{cell}</td>" for k, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    attribute = f' data-testid="{esc(test_id)}"' if test_id else ""
    return f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def margin_text(days: int | None) -> str:
    """'3 days early', 'on the day', '2 days late', or '' without a committed date."""
    if days is None:
        return ""
    if days == 0:
        return "on the day"
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'early' if days > 0 else 'late'}"
