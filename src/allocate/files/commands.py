"""What the command line needs to know about planners' files (its verbs `import`, `export` and
`template` live in `allocate.cli`)."""

from __future__ import annotations

from pathlib import Path

PROJECT_SUFFIXES = (".mpp", ".mpx", ".xml", ".xer", ".pmxml", ".pod", ".mpd", ".planner", ".gan")
"""Files read through MPXJ; everything else is a workbook or a folder of CSV files."""


def is_project_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PROJECT_SUFFIXES
