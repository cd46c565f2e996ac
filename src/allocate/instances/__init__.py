"""Public benchmark instances as ordinary Scenarios, so benchmarks exercise the same `solve()`.

Conventions shared by every reader: one period of the instance is one hour of an always-working
UTC calendar (`ALWAYS`), the planning start is Monday 2024-01-01 00:00 UTC (`START`), the
objective is `["makespan"]`, and a plan's makespan in hours is the instance's in periods.

- `read_psplib(path)`: PSPLIB single-mode RCPSP (`.sm`), via the optional `psplib` package
  (`pip install -e '.[instances]'` in a clone): tasks need no person, only units of resources.
- `read_imopse(path)`: iMOPSE multi-skill RCPSP (`.def`): tasks need one person with a skill level.
- `read_mslib(path)`: MSLIB multi-skilled RCPSP (`.msrcp`): tasks need a team, a number of people
  per skill, all working the activity's whole duration.
- `read_instance(path)`: any of the above, by file suffix.
"""

from __future__ import annotations

from pathlib import Path

from allocate.instances._common import ALWAYS, START, InstanceFormatError
from allocate.instances.imopse import ImopseInstance, parse_imopse, read_imopse
from allocate.instances.mslib import MslibInstance, parse_mslib, read_mslib
from allocate.instances.psplib import read_psplib
from allocate.scenario import Scenario

READERS = {".sm": read_psplib, ".def": read_imopse, ".msrcp": read_mslib}


def read_instance(path: str | Path) -> Scenario:
    """The benchmark instance at `path` as a Scenario, chosen by suffix (`.sm`, `.def`,
    `.msrcp`)."""
    suffix = Path(path).suffix.lower()
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
    "MslibInstance",
    "parse_mslib",
    "read_mslib",
    "parse_imopse",
    "read_imopse",
    "read_instance",
    "read_psplib",
]
