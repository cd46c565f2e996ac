"""Writing tables a planner can work with: .xlsx through XlsxWriter, or a folder of CSV files.

Every sheet gets a bold, frozen header row, a filter on every column, widths that fit their
contents and real dates (not text) in a `yyyy-mm-dd` or `yyyy-mm-dd hh:mm` format. XlsxWriter
is write-only, well kept, and makes all of that (and header notes, colour scales) one call each.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from allocate.files._optional import require

DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


@dataclass
class SheetData:
    """One sheet: headers, rows of cell values (None for blank), optional notes per header and
    number formats per column (by header)."""

    name: str
    headers: Sequence[str]
    rows: list[Sequence[Any]]
    notes: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    colour_scale: tuple[str, ...] = ()
    """Headers whose numbers get a green-yellow-red colour scale (utilisation)."""
    key_value: bool = False
    """A two-column sheet of names and values: no filter, the names bold."""


def write_xlsx(path: str | Path, sheets: Sequence[SheetData], *, intro: str | None = None) -> Path:
    """The sheets in one workbook; `intro` (lines of text) becomes a first 'Read me' sheet."""
    xlsxwriter = require("xlsxwriter", "writing .xlsx workbooks")
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    styles = {
        "header": book.add_format({"bold": True, "bg_color": "#DDE3F0", "bottom": 1}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        DATE: book.add_format({"num_format": DATE}),
        DATETIME: book.add_format({"num_format": DATETIME}),
    }
    if intro is not None:
        readme = book.add_worksheet("Read me")
        readme.set_column(0, 0, 110, styles["wrap"])
        for row, line in enumerate(intro.splitlines()):
            readme.write_string(row, 0, line, styles["bold"] if row == 0 else styles["wrap"])
    for sheet in sheets:
        _write_sheet(book, sheet, styles)
    book.close()
    return path


def _write_sheet(book, data: SheetData, styles: dict) -> None:
    sheet = book.add_worksheet(data.name)
    extra = {fmt: book.add_format({"num_format": fmt}) for fmt in set(data.formats.values())}
    widths = [len(str(header)) + 2 for header in data.headers]
    for col, header in enumerate(data.headers):
        sheet.write_string(0, col, header, styles["bold" if data.key_value else "header"])
        if header in data.notes:
            sheet.write_comment(0, col, data.notes[header], {"x_scale": 2, "y_scale": 1.6})
    for row, values in enumerate(data.rows, 1):
        for col, value in enumerate(values):
            header = data.headers[col] if col < len(data.headers) else ""
            style = extra.get(data.formats.get(header))
            widths[col] = max(widths[col], _write_cell(sheet, row, col, value, style, styles))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 1, MAX_WIDTH))
    if data.key_value:
        sheet.set_column(0, 0, max(widths[0], 18) + 1, styles["bold"])
        return
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(data.rows), 1), max(len(data.headers) - 1, 0))
    for header in data.colour_scale:
        col = list(data.headers).index(header)
        sheet.conditional_format(
            1, col, max(len(data.rows), 1), col,
            {"type": "3_color_scale", "min_color": "#63BE7B", "mid_color": "#FFEB84",
             "max_color": "#F8696B", "min_type": "num", "min_value": 0, "mid_type": "num",
             "mid_value": 0.8, "max_type": "num", "max_value": 1.1},
        )  # fmt: skip


def _write_cell(sheet, row: int, col: int, value: Any, style, styles: dict) -> int:
    """Write one value with its natural type; return the width it needs."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        sheet.write_string(row, col, "yes" if value else "no", style)
        return 3
    if isinstance(value, datetime):
        sheet.write_datetime(row, col, value.replace(tzinfo=None), style or styles[DATETIME])
        return 16
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, style or styles[DATE])
        return 10
    if isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
        return len(f"{value:,.2f}") if isinstance(value, float) else len(str(value))
    text = str(value)
    sheet.write_string(row, col, text, style)
    return max(len(line) for line in text.splitlines() or [""])


def write_csv_folder(folder: str | Path, sheets: Sequence[SheetData]) -> list[Path]:
    """One CSV file per sheet (named `<sheet>.csv` in lower case, spaces as underscores)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets:
        path = folder / f"{sheet.name.lower().replace(' ', '_')}.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(sheet.headers)
            writer.writerows([csv_cell(value) for value in row] for row in sheet.rows)
        written.append(path)
    return written


def csv_cell(value: Any) -> str:
    """A value as CSV text that reads back the same: ISO dates, `yes`/`no`, shortest floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
