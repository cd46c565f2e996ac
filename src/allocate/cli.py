"""`python -m allocate`: solve a scenario file (or the bundled example) and write plan + report."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="allocate", description=__doc__)
    commands = parser.add_subparsers(required=True)

    solve = commands.add_parser("solve", help="solve a scenario and write its plan and report")
    solve.add_argument(
        "scenario", nargs="?", help="scenario JSON file (default: the bundled example)"
    )
    solve.add_argument(
        "--out", default="plan.json", help="where to write the plan JSON (default plan.json)"
    )
    solve.add_argument("--report", default="report.md", help="where to write the Markdown report")
    solve.add_argument("--time-limit", type=float, default=10.0, help="seconds (default 10)")
    solve.add_argument("--strategy", default="auto", help="auto, greedy, cpsat or lns")
    solve.add_argument("--seed", type=int, default=0)
    solve.add_argument("--quiet", action="store_true", help="no progress lines")
    solve.set_defaults(run=_solve)

    example = commands.add_parser("example", help="print the bundled example scenario as JSON")
    example.set_defaults(run=_example)

    schema = commands.add_parser("schema", help="print the JSON Schema of a scenario file")
    schema.set_defaults(run=_schema)

    report = commands.add_parser(
        "report", help="write a plan's dashboards, charts, CSV tables and calendar feeds"
    )
    report.add_argument("plan", help="plan JSON file (from `solve --out`)")
    report.add_argument(
        "--scenario", help="the plan's scenario JSON file (default: the bundled example)"
    )
    report.add_argument("--html", default="report", help="folder to write into (default report/)")
    report.add_argument(
        "--timezone", help="zone for dates on the pages (default: the scenario's calendar zone)"
    )
    report.set_defaults(run=_report)

    check = commands.add_parser("check", help="verify a plan JSON against its scenario")
    check.add_argument("scenario")
    check.add_argument("plan")
    check.set_defaults(run=_check)
    _add_file_commands(commands)
    return parser


def _add_file_commands(commands) -> None:
    """`import`, `export` and `template` (see `allocate.files.commands`)."""
    from allocate.files.commands import add_commands

    add_commands(commands)


def _load_scenario(path: str | None):
    from allocate.examples import agency
    from allocate.scenario import Scenario

    if path is None:
        return agency()
    return Scenario.from_json(Path(path).read_bytes())


def _solve(args) -> int:
    from allocate.report import markdown
    from allocate.solve import solve

    try:
        scenario = _load_scenario(args.scenario)
    except ValidationError as error:
        print(f"The scenario is not valid:\n{error}", file=sys.stderr)
        return 2
    print(
        f"Solving '{scenario.name or args.scenario}': {len(scenario.tasks)} tasks, "
        f"{len(scenario.people)} people, time limit {args.time_limit:g} s",
        file=sys.stderr,
    )
    plan = solve(
        scenario,
        time_limit=args.time_limit,
        strategy=args.strategy,
        seed=args.seed,
        progress=not args.quiet,
    )
    Path(args.out).write_text(plan.to_json())
    Path(args.report).write_text(markdown(plan))
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

    violations = check(_load_scenario(args.scenario), Plan.from_json(Path(args.plan).read_bytes()))
    for violation in violations:
        print(violation)
    print(f"{len(violations)} violation(s)")
    return 1 if violations else 0


def _report(args) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from allocate.plan import Plan
    from allocate.report import write_report

    try:
        scenario = _load_scenario(args.scenario)
        plan = Plan.from_json(Path(args.plan).read_bytes())
        if args.timezone:
            ZoneInfo(args.timezone)
        paths = write_report(scenario, plan, args.html, timezone=args.timezone)
    except ValidationError as error:
        print(f"The scenario or plan is not valid:\n{error}", file=sys.stderr)
        return 2
    except (ValueError, ZoneInfoNotFoundError) as error:
        print(f"Cannot write the report: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {len(paths)} files to {args.html}; start with {Path(args.html) / 'index.html'}")
    return 0
