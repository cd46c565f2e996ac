"""What every benchmark reader shares: the always-working calendar, the planning start, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from allocate.scenario import ALWAYS, Scenario

__all__ = ["ALWAYS", "START", "InstanceFormatError", "build_scenario", "read_lines"]

START = datetime(2024, 1, 1, tzinfo=UTC)
"""The planning start of every instance: Monday 1 January 2024, 00:00 UTC. A plan's makespan in
hours is then the instance's makespan in periods."""


class InstanceFormatError(ValueError):
    """A benchmark file that does not follow its format. The message names the file and, where one
    line is at fault, its number (1-based); both are also attributes."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


def build_scenario(path: str | Path, **fields) -> Scenario:
    """A Scenario on the benchmark conventions; a scenario the model rejects names the file."""
    try:
        return Scenario(
            start=START,
            calendar=ALWAYS,
            resolution_minutes=60,
            objective=["makespan"],
            **fields,
        )
    except ValidationError as error:
        raise InstanceFormatError(
            path, None, f"the instance is not a valid scenario: {error}"
        ) from None


def read_lines(path: str | Path) -> list[str]:
    """The file's lines (a missing file raises FileNotFoundError, as open() does)."""
    return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
