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
        type=_workers,
        default=None,
        help="CP-SAT workers, or parallel sub-solves of the neighbourhood search (default 2)",
    )
    solve.add_argument(
        "--deterministic",
        action="store_true",
        help="the same plan on every run and machine (same input, seed, workers and versions): "
        "the time limit becomes a fixed amount of work, about that long on two cores",
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

    check = verb("check", help="verify a plan JSON against its scenario")
    check.add_argument("scenario", help="scenario JSON file")
    check.add_argument("plan", help="plan JSON file")
    check.set_defaults(run=_check)
    return parser


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


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        workers = 0
    if workers < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of workers (1 or more)")
    return workers


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
    from allocate.examples import agency
    from allocate.scenario import Scenario

    return agency() if path is None else _read(Scenario, path, "scenario")


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise OutputError(f"cannot write '{path}': {error.strerror}") from None


# --- the verbs ------------------------------------------------------------------------------


def _solve(args) -> int:
    from allocate.report import markdown
    from allocate.solve import solve

    scenario = _load_scenario(args.scenario)
    how = "work for" if args.deterministic else "time limit"
    print(
        f"Solving '{scenario.name or args.scenario}': {len(scenario.tasks)} tasks, "
        f"{len(scenario.people)} people, {how} {args.time_limit:g} s",
        file=sys.stderr,
    )
    plan = solve(
        scenario,
        time_limit=args.time_limit,
        strategy=args.strategy,
        seed=args.seed,
        workers=args.workers,
        deterministic=args.deterministic,
        progress=not args.quiet,
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


def _check(args) -> int:
    from allocate.check import check
    from allocate.plan import Plan

    scenario = _load_scenario(args.scenario)
    violations = check(scenario, _read(Plan, args.plan, "plan"))
    for violation in violations:
        print(violation)
    print(f"{len(violations)} violation(s)")
    return 1 if violations else 0


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
