"""A stratified subset of MSLIB Set 1 (multi-skilled RCPSP, teams) through allocate.solve.

    python benchmarks/mslib.py                          # 12 instances, greedy and auto, 10 s
    python benchmarks/mslib.py --count 24 --time-limit 30

The data folder holds every 10th instance of Set 1 (660 files); the subset takes `count` of them
evenly spaced in instance number, which spreads it over the set's generation parameters (they
vary with the number). Each file is read with `allocate.instances.read_mslib` (people who work
around the clock; an activity is a team task with `count` people per skill it needs) and solved
with the public `solve()`. Per run: makespan, status, time to the first feasible plan, and the gap
to the best lower bound we can state: the larger of allocate's own bound (critical path), the
solver's proven bound, and the workload bound ceil(sum of duration x team size / people). MSLIB
publishes no best-known values in machine-readable form; the two deadlines in each file's project
module are reported as given. Results: benchmarks/results/mslib.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata" / "mslib_set1"


def subset(folder: Path, count: int) -> list[Path]:
    files = sorted(folder.glob("*.msrcp"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    step = max(1, len(files) // count)
    return files[::step][:count]


def run_one(path: Path, strategy: str, time_limit: float, seed: int) -> dict:
    from allocate import check, solve
    from allocate.instances import START
    from allocate.instances.mslib import parse_mslib, read_mslib

    instance = parse_mslib(path)
    scenario = read_mslib(path)
    work = sum(a.duration * sum(a.needs) for a in instance.activities)
    workload = math.ceil(work / len(instance.masters))
    trace: list[float] = []
    began = time.perf_counter()
    plan = solve(
        scenario,
        time_limit=time_limit,
        strategy=strategy,
        seed=seed,
        progress=lambda update: trace.append(time.perf_counter() - began),
    )
    wall = time.perf_counter() - began
    valid = plan.feasible and not plan.violations and not check(scenario, plan)
    span = max((a.end - START).total_seconds() / 3600 for a in plan.assignments)
    bound = max(plan.level_bounds[0], workload)
    return {
        "instance": path.stem,
        "activities": len(instance.activities),
        "people": len(instance.masters),
        "strategy": strategy,
        "chosen": plan.stats.strategy,
        "seed": seed,
        "status": plan.status,
        "valid": valid,
        "makespan": span,
        "lower_bound": bound,
        "gap": (span - bound) / span if span else 0.0,  # as plan.gap
        "file_deadlines": list(instance.deadlines),
        "first_feasible_s": round(min(trace, default=plan.stats.first_plan_seconds or 0.0), 3),
        "wall_s": round(wall, 2),
        "options": plan.stats.detail.get("options"),
    }


def markdown(rows: list[dict], args, load: tuple[float, ...]) -> str:
    lines = [
        "# MSLIB Set 1, stratified subset",
        "",
        f"{len({r['instance'] for r in rows})} instances (every {args.step}th file of the folder, "
        f"by number), time limit {args.time_limit} s, seed {args.seed}, default workers (2), "
        f"{platform.machine()} with {os.cpu_count()} cores, load average before the run "
        f"{load[0]:.2f} (shared with other agents). Lower bound: max(critical path, solver "
        "bound, workload / people); gap = (makespan - bound) / makespan, as `plan.gap`. "
        "`deadlines` are the two values in the file's project module.",
        "",
        "| instance | acts | people | deadlines | strategy | makespan | bound | gap | "
        "first plan (s) | status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['activities']} | {r['people']} | "
            f"{'/'.join(map(str, r['file_deadlines']))} | {r['strategy']} ({r['chosen']}) | "
            f"{r['makespan']:g} | {r['lower_bound']:g} | {100 * r['gap']:.1f} % | "
            f"{r['first_feasible_s']:.3f} | {r['status']}{'' if r['valid'] else ' INVALID'} |"
        )
    lines.append("")
    for strategy in args.strategies:
        mine = [r for r in rows if r["strategy"] == strategy]
        lines.append(
            f"- {strategy}: median gap {100 * median(r['gap'] for r in mine):.1f} %, "
            f"{sum(r['gap'] == 0 for r in mine)} of {len(mine)} at the bound, "
            f"{sum(r['valid'] for r in mine)} valid, median first plan "
            f"{median(r['first_feasible_s'] for r in mine):.3f} s"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--strategies", nargs="+", default=["greedy", "auto"])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "mslib")
    args = parser.parse_args()
    files = subset(args.data, args.count)
    args.step = max(1, len(sorted(args.data.glob("*.msrcp"))) // args.count)
    load = os.getloadavg()
    rows = []
    for path in files:
        for strategy in args.strategies:
            row = run_one(path, strategy, args.time_limit, args.seed)
            print(json.dumps(row), flush=True)
            rows.append(row)
    args.out.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n")
    args.out.with_suffix(".md").write_text(markdown(rows, args, load))


if __name__ == "__main__":
    main()
