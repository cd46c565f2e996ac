"""The command-line verbs for planners' files: `import`, `export` and `template`.

    python -m allocate import team.xlsx > scenario.json      # also a CSV folder or a project file
    python -m allocate export plan.json --scenario team.xlsx --xlsx plan.xlsx --msproject plan.xml
    python -m allocate template team.xlsx                     # or a folder: team/

They follow the command line's rule (`allocate.cli.EXIT_CODES`): bad input is an `InputError`
(exit code 2, one message listing every problem), an output that cannot be written an
`OutputError` (3).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT_SUFFIXES = (".mpp", ".mpx", ".xml", ".xer", ".pmxml", ".pod", ".mpd", ".planner", ".gan")


def add_commands(verb) -> None:
    """Add the verbs through `verb(name, help=...)`, which returns a subcommand's parser."""
    from allocate.cli import _zone

    read = verb(
        "import", help="read a workbook, a folder of CSV files or a project file as scenario JSON"
    )
    read.add_argument("file", help="team.xlsx (.ods, .xls), a CSV folder, or .mpp/.xml/.xer ...")
    read.add_argument(
        "--assignments",
        choices=("pins", "preferences", "ignore"),
        default="pins",
        help="project files: the file's assignments as pins (default) or preferences",
    )
    read.add_argument("--timezone", type=_zone, help="project files: the zone of their times")
    read.set_defaults(run=_import)

    export = verb("export", help="write a plan as a workbook or MS Project XML")
    export.add_argument("plan", help="plan JSON file (from `solve --out`)")
    export.add_argument(
        "--scenario", help="its scenario: JSON, workbook or CSV folder (default: the example)"
    )
    export.add_argument("--xlsx", help="write the plan workbook here (.xlsx, or a folder)")
    export.add_argument("--msproject", help="write MS Project XML (MSPDI) here")
    export.add_argument(
        "--timezone", type=_zone, help="zone for the files' times (default: the scenario's)"
    )
    export.set_defaults(run=_export)

    template = verb("template", help="write an annotated workbook to fill in")
    template.add_argument("path", help="team.xlsx, or a folder for CSV files")
    template.set_defaults(run=_template)


def read_scenario(path: str | None):
    """A scenario from JSON, a workbook, a CSV folder or a project file (None: the example);
    InputError listing what is wrong."""
    from allocate.cli import _load_scenario

    if path is None or Path(path).suffix.lower() == ".json":
        return _load_scenario(path)
    return _read_file(Path(path)).scenario if _is_project(path) else _read_file(Path(path))


def _is_project(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PROJECT_SUFFIXES


def _read_file(path: Path, **options):
    """A workbook or CSV folder as a Scenario, a project file as an ImportedProject."""
    from allocate.cli import InputError
    from allocate.files.problems import InputFileError

    try:
        if _is_project(path):
            from allocate.files.project_file import read_project_file

            return read_project_file(path, **options)
        from allocate.files.read import read_spreadsheet

        return read_spreadsheet(path)
    except (InputFileError, ImportError, RuntimeError, ValueError) as error:
        raise InputError(str(error)) from None


def _writing(what: str, path: str, write):
    """`write()`, with bad input as InputError and an unwritable path as OutputError."""
    from allocate.cli import InputError, OutputError

    try:
        return write()
    except OSError as error:
        raise OutputError(f"cannot write {what} '{path}': {error.strerror or error}") from None
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot write {what}: {error}") from None


def _import(args: argparse.Namespace) -> int:
    if _is_project(args.file):
        imported = _read_file(Path(args.file), assignments=args.assignments, timezone=args.timezone)
        print(imported, file=sys.stderr)
        scenario = imported.scenario
    else:
        scenario = _read_file(Path(args.file))
    print(scenario.to_json())
    return 0


def _export(args: argparse.Namespace) -> int:
    from allocate.cli import InputError, _read
    from allocate.plan import Plan

    if not (args.xlsx or args.msproject):
        raise InputError("say what to write: --xlsx plan.xlsx and/or --msproject plan.xml")
    scenario = read_scenario(args.scenario)
    plan = _read(Plan, args.plan, "plan")
    written = []
    if args.xlsx:
        from allocate.files.plan_book import write_spreadsheet

        zone = args.timezone
        written.append(
            _writing("the workbook", args.xlsx,
                     lambda: write_spreadsheet(scenario, plan, args.xlsx, timezone=zone))
        )  # fmt: skip
    if args.msproject:
        from allocate.files.mspdi import write_msproject

        zone = args.timezone
        written.append(
            _writing("the MS Project file", args.msproject,
                     lambda: write_msproject(scenario, plan, args.msproject, timezone=zone))
        )  # fmt: skip
    print(f"Wrote {' and '.join(map(str, written))}.")
    return 0


def _template(args: argparse.Namespace) -> int:
    from allocate.files.inputs import write_template

    path = _writing("the template", args.path, lambda: write_template(args.path))
    print(f"Wrote {path}: fill it in, then `python -m allocate import {path} > scenario.json`.")
    return 0
