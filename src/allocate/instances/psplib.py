"""PSPLIB single-mode RCPSP instances (`.sm`) as Scenarios, parsed by the `psplib` package.

Every job becomes a task that needs nobody (`headcount=0`) and holds units of renewable resources
from its start to its end; durations are hours of an always-working calendar, precedence arcs are
finish-to-start dependencies, and the objective is the makespan. Zero-duration jobs (the dummy
source and sink) become milestones, so task ids are the file's job numbers and the sink's time is
the makespan.

Kolisch & Sprecher (1996), "PSPLIB - a project scheduling problem library", EJOR 96:205-216.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from allocate.instances._common import InstanceFormatError, build_scenario, read_lines
from allocate.scenario import Resource, Scenario, Task

INSTALL_HINT = (
    "reading PSPLIB files needs the 'psplib' package: pip install psplib (or, in a clone of "
    "allocate, pip install -e '.[instances]')"
)


def read_psplib(path: str | Path) -> Scenario:
    """The PSPLIB single-mode instance at `path` (`j301_1.sm`) as a Scenario.

    Tasks are named by job number ("1" … "32"), resources by their column ("R1" … "R4"). Raises
    InstanceFormatError (a ValueError naming the file and line) for a file that is not a valid
    single-mode instance, and ImportError when `psplib` is not installed.
    """
    psplib = _import_psplib()
    lines = read_lines(path)
    layout = _scan(path, lines)
    try:
        instance = psplib.parse(path, instance_format="psplib")
    except Exception as error:  # the layout scan should have caught it; name the file anyway
        raise InstanceFormatError(path, None, f"psplib cannot parse it: {error!r}") from None
    return _scenario(path, instance, layout)


def _import_psplib():
    try:
        import psplib
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return psplib


@dataclass
class _Layout:
    """Where things are in the file (1-based line numbers), found by a light scan of its
    structure, so that errors can point at a line (the psplib parser does not say where)."""

    jobs: int
    precedence_lines: list[int] = field(default_factory=list)
    request_lines: list[int] = field(default_factory=list)
    capacity_line: int = 0
    kinds: list[str] = field(default_factory=list)


SECTIONS = ("PRECEDENCE RELATIONS", "REQUESTS/DURATIONS", "RESOURCEAVAILABILITIES")


def _scan(path, lines: list[str]) -> _Layout:
    """Where each part of the file is, checked line by line: resources, precedences, requests."""
    starts = _sections(path, lines)
    layout = _resources(path, lines, starts["RESOURCEAVAILABILITIES"])
    _precedences(path, lines, starts["PRECEDENCE RELATIONS"], layout)
    _requests(path, lines, starts["REQUESTS/DURATIONS"], layout)
    return layout


def _sections(path, lines: list[str]) -> dict[str, int]:
    """The line of each section heading, which must all be there, in order."""
    starts = {}
    for name in SECTIONS:
        found = [k for k, line in enumerate(lines) if line.strip().upper().startswith(name)]
        if not found:
            raise InstanceFormatError(path, None, f"no '{name}' section: not a PSPLIB .sm file")
        starts[name] = found[0]
    if not starts[SECTIONS[0]] < starts[SECTIONS[1]] < starts[SECTIONS[2]]:
        raise InstanceFormatError(path, None, "sections out of order: not a PSPLIB .sm file")
    return starts


def _resources(path, lines: list[str], k: int) -> _Layout:
    """The resource columns: the line after RESOURCEAVAILABILITIES names them ("R 1  R 2 ..."),
    the one after holds the capacities."""
    names_at, names = _next_data_line(lines, k + 1)
    kinds = re.findall(r"([A-Za-z])\s*\d+", names or "")
    if names is None or not kinds:
        raise InstanceFormatError(path, names_at + 1, "expected the resource names ('R 1  R 2')")
    capacity_at, capacities = _next_data_line(lines, names_at + 1)
    _integers(path, capacity_at, capacities, exactly=len(kinds), what="capacities")
    layout = _Layout(jobs=0, capacity_line=capacity_at + 1, kinds=[c.upper() for c in kinds])
    for kind in layout.kinds:
        if kind not in "RN":
            raise InstanceFormatError(
                path, names_at + 1, f"resource kind '{kind}' is not supported (only R and N)"
            )
    return layout


def _precedences(path, lines: list[str], k: int, layout: _Layout) -> None:
    """Precedence rows: jobnr #modes #successors successors..."""
    for number, row in _rows(lines, k + 2):
        values = _integers(path, number, row, at_least=3, what="a precedence row")
        job, modes, count = values[:3]
        expected = len(layout.precedence_lines) + 1
        if job != expected:
            raise InstanceFormatError(path, number + 1, f"job {job} where job {expected} belongs")
        if modes != 1:
            raise InstanceFormatError(
                path,
                number + 1,
                f"job {job} has {modes} modes: only single-mode (.sm) instances are supported",
            )
        if len(values) != 3 + count:
            raise InstanceFormatError(
                path,
                number + 1,
                f"job {job} declares {count} successors but lists {len(values) - 3}",
            )
        layout.precedence_lines.append(number + 1)
    layout.jobs = len(layout.precedence_lines)
    if not layout.jobs:
        raise InstanceFormatError(path, k + 1, "no jobs")


def _requests(path, lines: list[str], k: int, layout: _Layout) -> None:
    """Request rows: jobnr mode duration demand per resource, one per job."""
    for number, row in _rows(lines, k + 2):
        if set(row.strip()) <= {"-"}:
            continue
        values = _integers(path, number, row, exactly=3 + len(layout.kinds), what="a request row")
        if min(values) < 0:
            raise InstanceFormatError(path, number + 1, "negative duration or demand")
        layout.request_lines.append(number + 1)
    if len(layout.request_lines) != layout.jobs:
        raise InstanceFormatError(
            path, k + 1, f"{len(layout.request_lines)} request rows for {layout.jobs} jobs"
        )


def _next_data_line(lines: list[str], k: int) -> tuple[int, str | None]:
    while k < len(lines) and not lines[k].strip():
        k += 1
    return (k, lines[k]) if k < len(lines) else (len(lines) - 1, None)


def _rows(lines: list[str], k: int):
    """(0-based index, text) of the data rows from k up to the next '****' rule."""
    while k < len(lines) and not lines[k].lstrip().startswith("*"):
        if lines[k].strip():
            yield k, lines[k]
        k += 1


def _integers(path, index: int, row: str | None, *, what: str, exactly=None, at_least=None):
    fields = (row or "").split()
    try:
        values = [int(f) for f in fields]
    except ValueError:
        raise InstanceFormatError(path, index + 1, f"{what} must be integers: {row!r}") from None
    if exactly is not None and len(values) != exactly:
        raise InstanceFormatError(
            path, index + 1, f"{what} needs {exactly} numbers, found {len(values)}: {row!r}"
        )
    if at_least is not None and len(values) < at_least:
        raise InstanceFormatError(
            path, index + 1, f"{what} needs at least {at_least} numbers: {row!r}"
        )
    return values


def _scenario(path, instance, layout: _Layout) -> Scenario:
    names = [f"R{k + 1}" for k in range(len(instance.resources))]
    renewable = [r.renewable for r in instance.resources]
    if len(instance.activities) != layout.jobs:
        raise InstanceFormatError(path, None, "psplib read a different number of jobs")
    predecessors: dict[int, list[str]] = {j: [] for j in range(layout.jobs)}
    consumed = [0] * len(names)
    for j, activity in enumerate(instance.activities):
        for s in activity.successors:
            if not 0 <= s < layout.jobs:
                raise InstanceFormatError(
                    path, layout.precedence_lines[j], f"job {j + 1} has unknown successor {s + 1}"
                )
            predecessors[s].append(str(j + 1))
    tasks = []
    for j, activity in enumerate(instance.activities):
        (mode,) = activity.modes
        line = layout.request_lines[j]
        demands = {}
        for k, units in enumerate(mode.demands):
            if not units:
                continue
            if not renewable[k]:
                consumed[k] += units  # single mode: a fixed consumption, checked below
                continue
            if units > instance.resources[k].capacity:
                raise InstanceFormatError(
                    path,
                    line,
                    f"job {j + 1} needs {units} units of {names[k]}, "
                    f"which has only {instance.resources[k].capacity}",
                )
            demands[names[k]] = units
        after = sorted(predecessors[j], key=int)
        if mode.duration == 0:
            tasks.append(Task(id=str(j + 1), name=f"job {j + 1}", milestone=True, after=after))
        else:
            tasks.append(
                Task(
                    id=str(j + 1),
                    name=f"job {j + 1}",
                    effort_hours=mode.duration,
                    headcount=0,
                    resources=demands,
                    after=after,
                )
            )
    for k, used in enumerate(consumed):
        if used > instance.resources[k].capacity:
            raise InstanceFormatError(
                path,
                layout.capacity_line,
                f"non-renewable {names[k]}: the jobs consume {used} units of "
                f"{instance.resources[k].capacity}, so no schedule exists",
            )
    resources = [
        Resource(id=name, name=f"resource {k + 1}", capacity=instance.resources[k].capacity)
        for k, name in enumerate(names)
        if renewable[k]
    ]
    return build_scenario(path, name=Path(path).stem, resources=resources, tasks=tasks)
