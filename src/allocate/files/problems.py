"""What is wrong with an input file, said once for every problem and where it is.

A planner fixes a file in one pass when the error lists every problem with its place in their
words: `Tasks!C14` in a workbook, `tasks.csv row 14, Effort (h)` in a folder of CSV files, or a
task's name in a project file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Place:
    """A sheet (or CSV file), optionally a row (1-based, as the spreadsheet shows it) and a column
    (0-based index and its header as written)."""

    source: str
    csv: bool = False
    row: int | None = None
    column: int | None = None
    header: str = ""

    def __str__(self) -> str:
        if self.csv:
            where = self.source if self.row is None else f"{self.source} row {self.row}"
            return f"{where}, {self.header}" if self.header else where
        if self.row is None:
            return self.source
        if self.column is None:
            return f"{self.source} row {self.row}"
        return f"{self.source}!{column_letter(self.column)}{self.row}"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    place: Place | str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if str(self.place) else self.message


class InputFileError(ValueError):
    """A file that cannot become a scenario: `problems` lists every reason, each with its place."""

    def __init__(self, path: str | Path, problems: list[Problem] | tuple[Problem, ...]):
        self.path = Path(path)
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{self.path.name} has {count} {noun}:\n{lines}")
