"""`python -m allocate`: solve a scenario file (or the bundled example) and write plan + report.

Every verb answers bad input with one message on stderr and an exit code a script can act on
(`EXIT_CODES`); a traceback means a bug in allocate.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from pydantic import ValidationError

EXIT_CODES = {
    0: "success: the plan is feasible, the check found no violations, the files are written",
    1: "the answer is no: the plan is infeasible (or rejected by the checker), or the check "
    "found violations",
    2: "bad input or usage: an unknown verb or option, a bad option value, an input file that "
    "is missing, unreadable, not JSON or not a valid scenario or plan",
    3: "an output file or folder could not be written",
    4: "internal error: a bug in allocate (the traceback is printed; please report it)",
    130: "interrupted (Ctrl-C)",
}


class InputError(Exception):
    """Bad input or usage: exit code 2."""


class OutputError(Exception):
    """An output could not be written: exit code 3."""


def main(argv: list[str] | None = None) -> int:
    """Run one verb; return its exit code (see `EXIT_CODES`)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse: usage errors (2), --help (0)
        return int(stop.code or 0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.run(args)
    except InputError as error:
        return _fail(args, error, 2)
    except OutputError as error:
        return _fail(args, error, 3)
    except KeyboardInterrupt:
        print("allocate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): nothing left to tell it
        sys.stdout = None
        return 0
    except Exception:
        traceback.print_exc()
        print(f"allocate {args.verb}: internal error: {EXIT_CODES[4]}", file=sys.stderr)
        return 4


def _fail(args, error: Exception, code: int) -> int:
    print(f"allocate {args.verb}: {error}", file=sys.stderr)
    return code


def _parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES.items())
    shared = {
        "epilog": f"exit codes:\n{codes}",
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }
    parser = argparse.ArgumentParser(
        prog="allocate", description=__doc__.split("\n\n")[0], **shared
    )
    subparsers = parser.add_subparsers(required=True, dest="verb", metavar="VERB")

    def verb(name: str, **options) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, **options, **shared)  # --help lists the exit codes

    solve = verb("solve", help="solve a scenario and write its plan and report")
    solve.add_argument(
        "scenario", nargs="?", help="scenario JSON file (default: the bundled example)"
    )
    solve.add_argument(
        "--out", default="plan.json", help="where to write the plan JSON (default plan.json)"
    )
    solve.add_argument("--report", default="report.md", help="where to write the Markdown report")
    solve.add_argument(
        "--time-limit", type=_seconds, default=10.0, help="seconds, more than 0 (default 10)"
    )
    solve.add_argument(
        "--strategy", type=_strategy, default="auto", help="auto, greedy, cpsat or lns"
    )
    solve.add_argument("--seed", type=_seed, default=0, help="random seed, 0 or more")
    solve.add_argument(
        "--workers",
        type=_count,
        default=None,
        help="CP-SAT workers, or parallel sub-solves of the neighbourhood search (default 2)",
    )
    solve.add_argument(
        "--deterministic",
        action="store_true",
        help="the same plan on every run and machine (same input, seed, workers and versions): "
        "the time limit becomes a fixed amount of work, about that long on two cores",
    )
    solve.add_argument(
        "--previous",
        help="re-plan from this earlier plan JSON, changing as little as deadlines allow",
    )
    solve.add_argument(
        "--freeze-days",
        type=_days,
        default=0,
        help="with --previous: keep what it starts in this many working days unless forced",
    )
    solve.add_argument("--quiet", action="store_true", help="no progress lines")
    solve.set_defaults(run=_solve)

    example = verb("example", help="print the bundled example scenario as JSON")
    example.set_defaults(run=_example)

    schema = verb("schema", help="print the JSON Schema of a scenario file")
    schema.set_defaults(run=_schema)

    report = verb("report", help="write a plan's dashboards, charts, CSV tables and calendar feeds")
    report.add_argument("plan", help="plan JSON file (from `solve --out`)")
    report.add_argument(
        "--scenario", help="the plan's scenario JSON file (default: the bundled example)"
    )
    report.add_argument("--html", default="report", help="folder to write into (default report/)")
    report.add_argument(
        "--timezone",
        type=_zone,
        help="zone for dates on the pages (default: the scenario's calendar zone)",
    )
    report.set_defaults(run=_report)

    risk = verb("risk", help="simulate uncertain efforts: how sure each project's date is")
    risk.add_argument("plan", help="plan JSON file (from `solve --out`)")
    risk.add_argument(
        "--scenario", help="the plan's scenario JSON file (default: the bundled example)"
    )
    risk.add_argument("--samples", type=_count, default=1000, help="outcomes to draw (1000)")
    risk.add_argument("--seed", type=_seed, default=0, help="random seed, 0 or more")
    risk.add_argument(
        "--spread",
        type=_spread,
        help="low,likely,high multiples of effort for tasks without an estimate (e.g. 0.8,1,1.5;"
        " default: the scenario's uncertainty)",
    )
    risk.add_argument("--html", help="also write the report with the risk into this folder")
    risk.set_defaults(run=_risk)

    check = verb("check", help="verify a plan JSON against its scenario")
    check.add_argument("scenario", help="scenario JSON file")
    check.add_argument("plan", help="plan JSON file")
    check.add_argument("--previous", help="the plan it re-planned (for its `changes`)")
    check.set_defaults(run=_check)

    diff = verb("diff", help="what changed from one plan to another")
    diff.add_argument("plan", help="the new plan JSON file")
    diff.add_argument("previous", help="the earlier plan JSON file")
    diff.add_argument("--scenario", help="the new plan's scenario (moves in working hours)")
    diff.add_argument("--html", help="also write a page with two bars per changed task")
    diff.set_defaults(run=_diff)
    _add_advice_verbs(verb)
    _add_file_verbs(verb)
    return parser


def _add_advice_verbs(verb) -> None:
    """`recommend` and `hire`: who takes a request, whom to hire (`allocate.analysis`)."""
    recommend = verb("recommend", help="who should take a new request, best first, with reasons")
    recommend.add_argument("plan", help="the plan in force (JSON, from `solve --out`)")
    recommend.add_argument(
        "request",
        help='JSON file: a task, a list of tasks, or {"projects": [...], "tasks": [...]}',
    )
    recommend.add_argument("--scenario", help="the plan's scenario (default: the bundled example)")
    recommend.add_argument("--top", type=_whole, default=5, help="options re-planned exactly (5)")
    recommend.add_argument(
        "--time-limit", type=_seconds, default=3.0, help="work for the re-plans, in seconds (3)"
    )
    recommend.add_argument("--timezone", type=_zone, help="zone for dates in the reasons")
    recommend.set_defaults(run=_recommend)

    hire = verb("hire", help="whom to hire: candidate hires re-planned, best value first")
    hire.add_argument("plan", help="the plan in force (JSON, from `solve --out`)")
    hire.add_argument("--scenario", help="the plan's scenario (default: the bundled example)")
    hire.add_argument(
        "--candidates", help="JSON file: a list of hires (default: from the capacity forecast)"
    )
    hire.add_argument("--budget", type=float, help="leave out hires that cost more than this")
    hire.add_argument(
        "--time-limit", type=_seconds, default=5.0, help="work for each re-plan, in seconds (5)"
    )
    hire.set_defaults(run=_hire)


def _add_file_verbs(verb) -> None:
    """`import`, `export` and `template`: planners' files (`allocate.files`)."""
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


# --- option values: argparse turns these ValueErrors into usage errors (exit code 2) ---------


def _seconds(text: str) -> float:
    from allocate.validation import time_limit_seconds

    try:
        return time_limit_seconds(float(text))
    except ValueError as error:
        message = str(error).replace("time_limit", "the time limit")
        raise argparse.ArgumentTypeError(message) from None


def _strategy(name: str) -> str:
    from allocate.strategies import REGISTRY

    if name != "auto" and name not in REGISTRY:
        choices = ", ".join(["auto", *sorted(REGISTRY)])
        raise argparse.ArgumentTypeError(f"unknown strategy '{name}' (choose from {choices})")
    return name


def _seed(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**31:
        raise argparse.ArgumentTypeError(f"'{text}' is not a seed (a whole number, 0 or more)")
    return seed


def _days(text: str) -> int:
    """A whole number of days, 0 or more."""
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days, 0 or more")
    return days


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, not {text!r}")
    return value


def _count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a count (a whole number, 1 or more)")
    return int(text)


def _spread(text: str) -> tuple[float, float, float]:
    try:
        parts = [float(part) for part in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 3 or not 0 <= parts[0] <= parts[1] <= parts[2] <= 100:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not low,likely,high multiples of effort (0 <= low <= likely <= high)"
        )
    return parts[0], parts[1], parts[2]


def _zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(
            f"unknown time zone '{name}' (use an IANA name such as 'Europe/Berlin')"
        ) from None
    return name


# --- reading and writing files --------------------------------------------------------------


def _read(model, path: str, what: str):
    """`model` read from the JSON file at `path`; InputError saying what is wrong with it."""
    from allocate.validation import readable

    try:
        return model.load(path)
    except OSError as error:
        raise InputError(f"cannot read the {what} file '{path}': {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"the {what} file '{path}' is not text (JSON expected)") from None
    except ValidationError as error:
        hint = _swapped_hint(path, what)
        raise InputError(
            f"the {what} file '{path}' is not valid:{hint}\n{readable(error)}"
        ) from None


MARKERS = {"plan": {"status", "assignments"}, "scenario": {"start", "people", "tasks"}}
"""Top-level keys that only a file of that kind has."""


def _swapped_hint(path: str, what: str) -> str:
    """' it looks like a plan file ...' when a plan is given for a scenario or the other way."""
    import json

    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return ""
    other = "plan" if what == "scenario" else "scenario"
    if isinstance(data, dict) and MARKERS[other] & data.keys():
        return f" it looks like a {other} file (are the arguments swapped?)"
    return ""


def _load_scenario(path: str | None):
    """The scenario in a JSON file, a workbook, a CSV folder or a project file (None: the
    bundled example)."""
    from allocate.examples import agency
    from allocate.scenario import Scenario

    if path is None:
        return agency()
    if Path(path).suffix.lower() == ".json":
        return _read(Scenario, path, "scenario")
    read = _read_file(path)
    return read if isinstance(read, Scenario) else read.scenario


def _read_file(path: str, **options):
    """A workbook or CSV folder as a Scenario, a project file as an ImportedProject."""
    from allocate.files.commands import is_project_file
    from allocate.files.problems import InputFileError

    try:
        if is_project_file(path):
            from allocate.files.project_file import read_project_file

            return read_project_file(path, **options)
        from allocate.files.read import read_spreadsheet

        return read_spreadsheet(path)
    except (InputFileError, ImportError, RuntimeError, ValueError) as error:
        raise InputError(str(error)) from None


def _writing(what: str, path: str, write):
    """`write()`; bad input is an InputError, a path that cannot be written an OutputError."""
    try:
        return write()
    except OSError as error:
        raise OutputError(f"cannot write {what} '{path}': {error.strerror or error}") from None
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot write {what}: {error}") from None


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise OutputError(f"cannot write '{path}': {error.strerror}") from None


# --- the verbs ------------------------------------------------------------------------------


def _solve(args) -> int:
    from allocate.plan import Plan
    from allocate.report import markdown
    from allocate.solve import solve

    scenario = _load_scenario(args.scenario)
    how = "work for" if args.deterministic else "time limit"
    print(
        f"Solving '{scenario.name or args.scenario}': {len(scenario.tasks)} tasks, "
        f"{len(scenario.people)} people, {how} {args.time_limit:g} s",
        file=sys.stderr,
    )
    previous = _read(Plan, args.previous, "plan") if args.previous else None
    plan = solve(
        scenario,
        time_limit=args.time_limit,
        strategy=args.strategy,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        progress=not args.quiet,
        previous=previous,
        freeze_days=args.freeze_days,
    )
    _write(args.out, plan.to_json())
    _write(args.report, markdown(plan))
    print(plan)
    print(f"Wrote {args.out} and {args.report}.")
    return 0 if plan.feasible else 1


def _example(args) -> int:
    print(_load_scenario(None).to_json())
    return 0


def _schema(args) -> int:
    import json

    from allocate.scenario import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def _risk(args) -> int:
    from allocate.analysis import simulate
    from allocate.plan import Plan

    scenario = _load_scenario(args.scenario)
    if args.spread:
        low, likely, high = args.spread
        spread = scenario.uncertainty.replace(low=low, likely=likely, high=high)
        scenario = scenario.replace(uncertainty=spread)
    plan = _read(Plan, args.plan, "plan")
    try:
        risk = simulate(scenario, plan, samples=args.samples, seed=args.seed)
    except ValueError as error:  # a plan that is not complete, or not of this scenario
        raise InputError(f"cannot simulate: {error}") from None
    print(risk)
    if args.html:
        from allocate.report import write_report

        try:
            paths = write_report(scenario, plan, args.html, risk=risk)
        except OSError as error:
            raise OutputError(f"cannot write the report into '{args.html}': {error}") from None
        print(f"Wrote {len(paths)} files to {args.html}")
    return 0


def _check(args) -> int:
    from allocate.check import check
    from allocate.plan import Plan

    scenario = _load_scenario(args.scenario)
    previous = _read(Plan, args.previous, "plan") if args.previous else None
    violations = check(scenario, _read(Plan, args.plan, "plan"), previous)
    for violation in violations:
        print(violation)
    print(f"{len(violations)} violation(s)")
    return 1 if violations else 0


def _diff(args) -> int:
    from allocate.plan import Plan

    plan, previous = _read(Plan, args.plan, "plan"), _read(Plan, args.previous, "plan")
    scenario = _load_scenario(args.scenario) if args.scenario else None
    diff = plan.diff(previous, scenario)
    print(diff, end="")
    if args.html:
        _writing("page", args.html, lambda: _write(args.html, diff.to_html()))
        print(f"Wrote {args.html}.")
    return 0


def _recommend(args) -> int:
    from allocate.analysis import recommend
    from allocate.plan import Plan
    from allocate.scenario import Project, Task

    scenario = _load_scenario(args.scenario)
    plan = _read(Plan, args.plan, "plan")
    data = _json(args.request, "request")
    if isinstance(data, dict) and "tasks" in data:  # a small project: {"projects", "tasks"}
        projects, tasks = data.get("projects", []), data["tasks"]
    else:
        projects, tasks = [], data if isinstance(data, list) else [data]
    try:
        request = [Project.model_validate(p) for p in projects]
        request += [Task.model_validate(t) for t in tasks]
        options = recommend(
            scenario,
            plan,
            request,
            top=args.top,
            time_limit=args.time_limit,
            timezone=args.timezone,
        )
    except (ValueError, TypeError) as error:  # pydantic's errors name the task and field
        raise InputError(f"the request in '{args.request}' cannot be planned: {error}") from None
    print(options, end="")
    return 0


def _hire(args) -> int:
    from pydantic import TypeAdapter

    from allocate.analysis import Hire, advise_hiring
    from allocate.plan import Plan

    scenario = _load_scenario(args.scenario)
    plan = _read(Plan, args.plan, "plan")
    candidates = None
    try:
        if args.candidates:
            data = _json(args.candidates, "candidates")
            candidates = TypeAdapter(list[Hire]).validate_python(data)
        advice = advise_hiring(
            scenario, plan, candidates=candidates, budget=args.budget, time_limit=args.time_limit
        )
    except (ValueError, TypeError) as error:
        raise InputError(f"cannot advise: {error}") from None
    print(advice, end="")
    return 0


def _json(path: str, what: str):
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read the {what} file '{path}': {error.strerror}") from None
    except ValueError as error:
        raise InputError(f"the {what} file '{path}' is not JSON: {error}") from None


def _report(args) -> int:
    from allocate.plan import Plan
    from allocate.report import write_report

    scenario = _load_scenario(args.scenario)
    plan = _read(Plan, args.plan, "plan")
    try:
        paths = write_report(scenario, plan, args.html, timezone=args.timezone)
    except ValueError as error:  # the plan names tasks or people the scenario does not have
        raise InputError(f"cannot write the report: {error}") from None
    except OSError as error:
        where = error.filename or args.html
        raise OutputError(f"cannot write the report into '{where}': {error.strerror}") from None
    print(f"Wrote {len(paths)} files to {args.html}; start with {Path(args.html) / 'index.html'}")
    return 0


def _import(args) -> int:
    from allocate.files.commands import is_project_file

    if is_project_file(args.file):
        imported = _read_file(args.file, assignments=args.assignments, timezone=args.timezone)
        print(imported, file=sys.stderr)
        scenario = imported.scenario
    else:
        scenario = _read_file(args.file)
    print(scenario.to_json())
    return 0


def _export(args) -> int:
    from allocate.files import write_msproject, write_spreadsheet
    from allocate.plan import Plan

    if not (args.xlsx or args.msproject):
        raise InputError("say what to write: --xlsx plan.xlsx and/or --msproject plan.xml")
    scenario = _load_scenario(args.scenario)
    plan = _read(Plan, args.plan, "plan")
    zone, written = args.timezone, []
    if args.xlsx:
        write = lambda: write_spreadsheet(scenario, plan, args.xlsx, timezone=zone)  # noqa: E731
        written.append(_writing("the workbook", args.xlsx, write))
    if args.msproject:
        write = lambda: write_msproject(scenario, plan, args.msproject, timezone=zone)  # noqa: E731
        written.append(_writing("the MS Project file", args.msproject, write))
    print(f"Wrote {' and '.join(map(str, written))}.")
    return 0


def _template(args) -> int:
    from allocate.files import write_template

    path = _writing("the template", args.path, lambda: write_template(args.path))
    print(f"Wrote {path}: fill it in, then `python -m allocate import {path} > scenario.json`.")
    return 0
