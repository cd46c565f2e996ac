"""The command-line verbs for planners' files: `import`, `export` and `template`.

    python -m allocate import team.xlsx > scenario.json      # also a CSV folder or a project file
    python -m allocate export plan.json --scenario team.xlsx --xlsx plan.xlsx --msproject plan.xml
    python -m allocate template team.xlsx                     # or a folder: team/

Exit codes follow the command line's rule: 0 done, 2 bad input or usage (one message on stderr,
no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from allocate.files.problems import InputFileError

PROJECT_SUFFIXES = (".mpp", ".mpx", ".xml", ".xer", ".pmxml", ".pod", ".mpd", ".planner", ".gan")


def add_commands(commands) -> None:
    """Add the verbs to the `python -m allocate` subcommands."""
    read = commands.add_parser(
        "import", help="read a workbook, a folder of CSV files or a project file as scenario JSON"
    )
    read.add_argument("file", help="team.xlsx (.ods, .xls), a CSV folder, or .mpp/.xml/.xer ...")
    read.add_argument(
        "--assignments",
        choices=("pins", "preferences", "ignore"),
        default="pins",
        help="project files: the file's assignments as pins (default) or preferences",
    )
    read.add_argument("--timezone", help="project files: the zone of the file's times")
    read.set_defaults(run=_import)

    export = commands.add_parser("export", help="write a plan as a workbook or MS Project XML")
    export.add_argument("plan", help="plan JSON file (from `solve --out`)")
    export.add_argument(
        "--scenario", help="its scenario: JSON, workbook or CSV folder (default: the example)"
    )
    export.add_argument("--xlsx", help="write the plan workbook here")
    export.add_argument("--msproject", help="write MS Project XML (MSPDI) here")
    export.add_argument("--timezone", help="zone for the files' times (default: the scenario's)")
    export.set_defaults(run=_export)

    template = commands.add_parser("template", help="write an annotated workbook to fill in")
    template.add_argument("path", help="team.xlsx, or a folder for CSV files")
    template.set_defaults(run=_template)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def read_scenario(path: str | None):
    """A scenario from JSON, a workbook, a CSV folder or a project file (None: the example)."""
    from allocate.examples import agency
    from allocate.scenario import Scenario

    if path is None:
        return agency()
    file = Path(path)
    if file.suffix.lower() == ".json":
        return Scenario.from_json(file.read_bytes())
    if file.suffix.lower() in PROJECT_SUFFIXES:
        from allocate.files.project_file import read_project_file

        return read_project_file(file).scenario
    from allocate.files.read import read_spreadsheet

    return read_spreadsheet(file)


def _guarded(work) -> int:
    """Run `work`; bad input of any kind is one message and exit code 2."""
    try:
        return work()
    except (InputFileError, ValueError, ImportError, RuntimeError, OSError) as error:
        if isinstance(error, ValidationError):
            return _fail(f"The scenario or plan is not valid:\n{error}")
        return _fail(str(error))


def _import(args: argparse.Namespace) -> int:
    def work() -> int:
        path = Path(args.file)
        if path.suffix.lower() in PROJECT_SUFFIXES:
            from allocate.files.project_file import read_project_file

            imported = read_project_file(path, assignments=args.assignments, timezone=args.timezone)
            print(imported, file=sys.stderr)
            scenario = imported.scenario
        else:
            scenario = read_scenario(args.file)
        print(scenario.to_json())
        return 0

    return _guarded(work)


def _export(args: argparse.Namespace) -> int:
    def work() -> int:
        from allocate.plan import Plan

        if not (args.xlsx or args.msproject):
            return _fail("export: say what to write: --xlsx plan.xlsx and/or --msproject plan.xml")
        scenario = read_scenario(args.scenario)
        plan = Plan.from_json(Path(args.plan).read_bytes())
        written = []
        if args.xlsx:
            from allocate.files.plan_book import write_spreadsheet

            written.append(write_spreadsheet(scenario, plan, args.xlsx, timezone=args.timezone))
        if args.msproject:
            from allocate.files.mspdi import write_msproject

            written.append(write_msproject(scenario, plan, args.msproject, timezone=args.timezone))
        print(f"Wrote {' and '.join(map(str, written))}.")
        return 0

    return _guarded(work)


def _template(args: argparse.Namespace) -> int:
    def work() -> int:
        from allocate.files.inputs import write_template

        path = write_template(args.path)
        print(f"Wrote {path}: fill it in, then `python -m allocate import {path} > scenario.json`.")
        return 0

    return _guarded(work)
