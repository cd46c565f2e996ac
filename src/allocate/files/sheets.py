"""Raw tables from a workbook (.xlsx, .xlsm, .xls, .ods) or a folder of CSV files.

Each sheet (or file) is matched to a table of the layout by its name, its header row (the first
row with anything in it) to the table's columns; every cell keeps its place so that later
problems can name it. Workbooks are read with python-calamine (fast, reads Excel and
LibreOffice files alike, typed cells: dates arrive as dates); CSV files with the standard library
(UTF-8 with or without Excel's byte-order mark, else Windows-1252; comma, semicolon or tab).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allocate.files.layout import (
    README,
    TABLES,
    Column,
    Table,
    closest_column,
    find_column,
    find_table,
    normalise,
)
from allocate.files.notation import blank
from allocate.files.problems import InputFileError, Place, Problem

log = logging.getLogger("allocate")

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class Sheet:
    """One table as found in the file: where each column is and the rows below the header."""

    table: Table
    source: str
    csv: bool
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    """column key -> (index, header as written)"""
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    """(row number as the spreadsheet shows it, cell values)"""

    def has(self, key: str) -> bool:
        return key in self.columns

    def value(self, cells: list[Any], key: str) -> Any:
        if key not in self.columns:
            return None
        index = self.columns[key][0]
        return cells[index] if index < len(cells) else None

    def place(self, row: int | None = None, key: str | None = None) -> Place:
        if key is None or key not in self.columns:
            return Place(self.source, self.csv, row)
        index, header = self.columns[key]
        return Place(self.source, self.csv, row, index, header)


def read_sheets(path: str | Path) -> tuple[dict[str, Sheet], list[Problem]]:
    """The tables found in `path` by table key, and the problems with the file's structure
    (misspelt or repeated headers, missing required columns); InputFileError when it cannot be
    read at all."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, [Problem(path.name, "does not exist")])
    if path.is_dir():
        grids = _csv_grids(path)
        csv_files = True
    elif path.suffix.lower() in WORKBOOK_SUFFIXES:
        grids = _workbook_grids(path)
        csv_files = False
    elif path.suffix.lower() == ".csv":
        raise InputFileError(
            path,
            [
                Problem(
                    path.name,
                    "a CSV file holds one table: give the folder that holds people.csv, "
                    "tasks.csv, settings.csv ... (see `python -m allocate template team/`)",
                )
            ],
        )
    else:
        message = f"is not a workbook ({', '.join(WORKBOOK_SUFFIXES)}) or a folder of CSV files"
        raise InputFileError(path, [Problem(path.name, message)])
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    for source, grid in grids:
        table = find_table(source)
        if table is None:
            if normalise(source) != normalise(README):
                log.warning("%s: sheet '%s' is not part of the layout; skipped", path.name, source)
            continue
        if table.key in sheets:
            message = f"holds the {table.sheet} table, and so does {sheets[table.key].source}"
            problems.append(Problem(Place(source, csv_files), message))
            continue
        sheets[table.key] = _sheet(table, source, csv_files, grid, problems)
    return sheets, problems


def _sheet(table: Table, source: str, csv_files: bool, grid, problems: list[Problem]) -> Sheet:
    sheet = Sheet(table, source, csv_files)
    rows = [(number, cells) for number, cells in enumerate(grid, 1) if not all(map(blank, cells))]
    if table.key == "settings":
        return _settings(sheet, rows)
    if not rows:
        return sheet
    (header_row, headers), body = rows[0], rows[1:]
    unknown = []
    for index, header in enumerate(headers):
        if blank(header):
            continue
        column = find_column(table, str(header))
        place = Place(source, csv_files, header_row, index, str(header))
        if column is None:
            problem = _unknown_header(table, str(header))
            if problem:
                problems.append(Problem(place, problem))
            else:
                unknown.append(str(header))
        elif column.key in sheet.columns:
            first = sheet.columns[column.key][1]
            problems.append(Problem(place, f"'{header}' repeats the column '{first}'"))
        else:
            sheet.columns[column.key] = (index, str(header).strip())
    if unknown:
        log.warning("%s: columns %s are not part of the layout; skipped", source, unknown)
    for column in table.columns:
        if column.required and column.key not in sheet.columns and table.key != "settings":
            place = Place(source, csv_files, header_row)
            problems.append(Problem(place, f"has no '{column.header}' column"))
    sheet.rows = body
    return sheet


def _settings(sheet: Sheet, rows: list[tuple[int, list[Any]]]) -> Sheet:
    """Settings are rows of a name and a value (under an optional `Setting | Value` header)."""
    sheet.columns = {"setting": (0, "Setting"), "value": (1, "Value")}
    if rows and normalise(str(rows[0][1][0])) == "setting":
        rows = rows[1:]
    sheet.rows = rows
    return sheet


def _unknown_header(table: Table, header: str) -> str | None:
    """A problem for a header that looks like a misspelt column, which would otherwise be
    skipped silently; None for a column the planner keeps for themselves ("Notes")."""
    column: Column | None = closest_column(table, header)
    if column is None:
        return None
    return f"unknown column '{header}' (did you mean '{column.header}'?)"


def _workbook_grids(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from allocate.files._optional import require

    calamine = require("python_calamine", "reading workbooks")
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        return [
            (name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names
        ]
    except Exception as error:  # calamine raises its own error types for damaged files
        message = f"cannot be read as a workbook: {error}"
        raise InputFileError(path, [Problem(path.name, message)]) from None


def _csv_grids(folder: Path) -> list[tuple[str, list[list[Any]]]]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        expected = ", ".join(table.csv_name for table in TABLES)
        raise InputFileError(folder, [Problem(folder.name, f"has none of {expected}")])
    return [(file.name, _csv_rows(file)) for file in files]


def _csv_rows(file: Path) -> list[list[str]]:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))
