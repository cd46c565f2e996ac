"""Public benchmark instances as ordinary Scenarios, so benchmarks exercise the same `solve()`.

Conventions shared by every reader: one period of the instance is one hour of an always-working
UTC calendar (`ALWAYS`), the planning start is Monday 2024-01-01 00:00 UTC (`START`), the
objective is `["makespan"]`, and a plan's makespan in hours is the instance's in periods.

- `read_psplib(path)`: PSPLIB single-mode RCPSP (`.sm`), via the optional `psplib` package
  (`pip install 'allocate[instances]'`): tasks need no person, only units of resources.
- `read_imopse(path)`: iMOPSE multi-skill RCPSP (`.def`): tasks need one person with a skill level.
- `read_instance(path)`: either of the above, by file suffix.

MSLIB (`.msrcp`) is not read: its activities need several skilled workers at once, and a task in
`allocate` is done by one person. See docs/instances.md.
"""

from __future__ import annotations

from pathlib import Path

from allocate.instances._common import ALWAYS, START, InstanceFormatError
from allocate.instances.imopse import ImopseInstance, parse_imopse, read_imopse
from allocate.instances.psplib import read_psplib
from allocate.scenario import Scenario

READERS = {".sm": read_psplib, ".def": read_imopse}


def read_instance(path: str | Path) -> Scenario:
    """The benchmark instance at `path` as a Scenario, chosen by suffix (`.sm`, `.def`)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".msrcp":
        raise ValueError(
            f"{path}: MSLIB instances need several workers per activity (teams), which allocate "
            "does not model yet (one person per task)"
        )
    try:
        reader = READERS[suffix]
    except KeyError:
        raise ValueError(
            f"{path}: unknown instance format '{suffix}' (known: {', '.join(sorted(READERS))})"
        ) from None
    return reader(path)


__all__ = [
    "ALWAYS",
    "START",
    "ImopseInstance",
    "InstanceFormatError",
    "parse_imopse",
    "read_imopse",
    "read_instance",
    "read_psplib",
]
