"""MSLIB Set 1 (multi-skilled RCPSP, teams) through allocate.solve: proofs, gaps, time to proof.

    python benchmarks/mslib.py                                # 12 instances, greedy and auto, 10 s
    python benchmarks/mslib.py --count 0 --strategies auto --time-limit 20 --out results/mslib_set1
    python benchmarks/mslib.py --count 0 --strategies auto --time-limit 20 \\
        --code before=/tmp/allocate-main/src --code after=src     # two versions, alternating

The data folder (`--data-dir`, default ../shared/benchdata beside the repository) holds every
10th instance of Set 1 (660 files); `--count N` takes N of them evenly spaced in instance number
(which spreads them over the set's generation parameters), `--count 0` all. Each file is read with
`allocate.instances.read_mslib` (people who work around the clock; an activity is a team task with
`count` people per skill it needs) and solved with the public `solve()`; `auto` runs CP-SAT with
its default 2 workers, `--seeds` sets the seeds. With `--code label=path`, each instance is solved
by each version of allocate in turn (a subprocess with `PYTHONPATH=path`), so that a shared
machine's load falls on both alike.

Per run: makespan, status, wall time (the time to proof when proven optimal), time to the first
plan, the checker's verdict, and the lower bound: the larger of the plan's own (allocate's bounds
and CP-SAT's) and the workload bound ceil(sum of duration x team size / people). The summary
quotes each instance's gap to the best lower bound any run of it found, (makespan - bound) /
makespan as `plan.gap`, so versions are judged against one bound. `--merge` combines results
files (the gaps then use the best bound of all of them). MSLIB publishes no best-known values in
machine-readable form; the two deadlines in each file's project module are reported as given.
Results: `--out` {json,md}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean, median

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata"
STRATA = ((0, 15, "4-15 people"), (16, 40, "16-40 people"), (41, 10**6, "41+ people"))


def subset(folder: Path, count: int) -> list[Path]:
    """`count` files evenly spaced in instance number (all of them for 0)."""
    files = sorted(folder.glob("*.msrcp"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))
    if not files:
        raise SystemExit(f"no .msrcp files in {folder} (use --data-dir)")
    if count <= 0 or count >= len(files):
        return files
    step = len(files) / count
    return [files[int(k * step)] for k in range(count)]


def run_one(path: Path, strategy: str, time_limit: float, seed: int) -> dict:
    from allocate import check, solve
    from allocate.instances import START
    from allocate.instances.mslib import parse_mslib, read_mslib

    instance = parse_mslib(path)
    scenario = read_mslib(path)
    work = sum(a.duration * sum(a.needs) for a in instance.activities)
    workload = math.ceil(work / len(instance.masters))
    trace: list[float] = []
    load = os.getloadavg()[0]
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
        "team_places": sum(sum(a.needs) for a in instance.activities),
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
        "load": round(load, 2),
    }


def run_in(code: Path, path: Path, strategy: str, time_limit: float, seed: int) -> dict:
    """`run_one` with allocate imported from `code` (another version), in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(code.resolve())}
    command = [sys.executable, __file__, "--one", str(path), "--strategies", strategy]
    command += ["--time-limit", str(time_limit), "--seeds", str(seed)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def with_best_bounds(rows: list[dict]) -> None:
    """Each row's gap to its own bound and to the best lower bound any run of its instance
    found, both as `plan.gap` ((makespan - bound) / makespan)."""
    best: dict[str, float] = {}
    for r in rows:
        best[r["instance"]] = max(best.get(r["instance"], 0.0), r["lower_bound"])
    for r in rows:
        r["best_bound"] = best[r["instance"]]
        r["gap"] = (r["makespan"] - r["lower_bound"]) / r["makespan"]
        r["gap_best"] = (r["makespan"] - r["best_bound"]) / r["makespan"]


def summary(rows: list[dict]) -> dict:
    proven = [r for r in rows if r["status"] == "optimal"]
    times = [r["wall_s"] for r in proven]
    return {
        "instances": len(rows),
        "proven": len(proven),
        "mean_gap_best_pct": round(100 * mean(r["gap_best"] for r in rows), 2) if rows else 0,
        "mean_gap_own_pct": round(100 * mean(r["gap"] for r in rows), 2) if rows else 0,
        "proof_median_s": round(median(times), 2) if times else None,
        "proof_mean_s": round(mean(times), 2) if times else None,
        "proof_max_s": round(max(times), 2) if times else None,
        "valid": sum(r["valid"] for r in rows),
    }


def groups(rows: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """Per label (version/strategy), the rows of every stratum, of the instances greedy did not
    already close (`open`) and of all."""
    found: dict[str, dict[str, list[dict]]] = {}
    open_ = {r["instance"] for r in rows if not r["first_plan_optimal"]}
    for r in rows:
        mine = found.setdefault(r["label"], {})
        mine.setdefault("all", []).append(r)
        for low, high, name in STRATA:
            if low <= r["people"] <= high:
                mine.setdefault(name, []).append(r)
        if r["instance"] in open_:
            mine.setdefault("not closed by the first plan", []).append(r)
    return found


def markdown(rows: list[dict], setup: dict) -> str:
    lines = [
        "# MSLIB Set 1",
        "",
        f"{setup['instances']} instances of `{setup['data']}` ({setup['selection']}), time limit "
        f"{setup['time_limit']} s, seeds {setup['seeds']}, CP-SAT with auto's default 2 workers, "
        f"{setup['machine']}, {setup['date']}. Load average (1 min) before the run "
        f"{setup['load_before']}, after {setup['load_after']}, median at each instance's start "
        f"{setup['load_median']} (the cores are shared with other work). Versions: "
        f"{setup['code']}. Gaps are to the best lower bound any run of the instance found "
        "(allocate's bounds, CP-SAT's, the workload bound), (makespan - bound) / makespan "
        "as `plan.gap`; 'own' to the run's own bound. Time to "
        "proof: wall time of the runs proven optimal (reading, first plan, bounds, search, "
        "checker).",
        "",
        "| version | subset | instances | proven optimal | mean gap (best bound) | "
        "mean gap (own bound) | time to proof median / mean / max (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, parts in groups(rows).items():
        for name, mine in parts.items():
            s = summary(mine)
            proof = (
                "-"
                if not s["proven"]
                else (f"{s['proof_median_s']} / {s['proof_mean_s']} / {s['proof_max_s']}")
            )
            lines.append(
                f"| {label} | {name} | {s['instances']} | {s['proven']} | "
                f"{s['mean_gap_best_pct']:.2f} % | {s['mean_gap_own_pct']:.2f} % | {proof} |"
            )
    lines += [
        "",
        "Every plan passed the checker."
        if all(r["valid"] for r in rows)
        else f"INVALID plans: {[r['instance'] for r in rows if not r['valid']]}",
        "",
    ]
    lines += [
        "| instance | people | places | version | chosen | makespan | bound (own / best) | "
        "gap | s | status |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['people']} | {r['team_places']} | {r['label']} | "
            f"{r['chosen']} | {r['makespan']:g} | {r['lower_bound']:g} / {r['best_bound']:g} | "
            f"{100 * r['gap_best']:.1f} % | {r['wall_s']} | {r['status']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--count", type=int, default=12, help="instances (0: all)")
    parser.add_argument("--names", type=Path, help="a file of instance names, one a line")
    parser.add_argument("--strategies", nargs="+", default=["greedy", "auto"])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--code", action="append", default=[], help="label=path to a src folder")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "mslib")
    parser.add_argument("--merge", type=Path, nargs="+", help="results .json files to combine")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a subprocess of --code
        print(json.dumps(run_one(args.one, args.strategies[0], args.time_limit, args.seeds[0])))
        return
    if args.merge:
        write(*merged(args.merge), args.out)
        return
    files = subset(args.data_dir / "mslib_set1", args.count)
    if args.names:
        wanted = args.names.read_text().split()
        files = [args.data_dir / "mslib_set1" / f"{name}.msrcp" for name in wanted]
    versions = [tuple(c.split("=", 1)) for c in args.code] or [("this", None)]
    load_before = os.getloadavg()[0]
    rows = []
    for path in files:
        for seed in args.seeds:
            for strategy in args.strategies:
                for label, code in versions:
                    if code is None:
                        row = run_one(path, strategy, args.time_limit, seed)
                    else:
                        row = run_in(Path(code), path, strategy, args.time_limit, seed)
                    row["label"] = label if len(args.strategies) == 1 else f"{label} {strategy}"
                    print(json.dumps(row), flush=True)
                    rows.append(row)
    setup = {
        "instances": len(files),
        "data": str(args.data_dir / "mslib_set1"),
        "selection": f"the {len(files)} listed in {args.names.name}"
        if args.names
        else "all"
        if len(files) >= 660 or args.count <= 0
        else f"{len(files)} evenly spaced in instance number",
        "time_limit": args.time_limit,
        "seeds": args.seeds,
        "strategies": args.strategies,
        "code": ", ".join(f"{label} ({code or 'this checkout'})" for label, code in versions),
        "machine": f"{platform.machine()} with {os.cpu_count()} cores",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    write(rows, setup, args.out)


def merged(paths: list[Path]) -> tuple[list[dict], dict]:
    """The runs of several results files, and their setups joined (the first one's otherwise)."""
    loaded = [json.loads(path.read_text()) for path in paths]
    rows = [r for data in loaded for r in data["runs"]]
    setup = dict(loaded[0]["setup"])
    setup["code"] = "; ".join(data["setup"]["code"] for data in loaded)
    setup["date"] = ", ".join(sorted({data["setup"]["date"] for data in loaded}))
    setup["load_before"] = min(data["setup"]["load_before"] for data in loaded)
    setup["load_after"] = max(data["setup"]["load_after"] for data in loaded)
    return rows, setup


def write(rows: list[dict], setup: dict, out: Path) -> None:
    """Gaps to the best bound, the summaries, and the results files `out`.{json,md}."""
    at_once = {r["instance"] for r in rows if r["chosen"] == "greedy" and r["status"] == "optimal"}
    for r in rows:
        r["first_plan_optimal"] = r["instance"] in at_once
    with_best_bounds(rows)
    setup["load_median"] = round(median(r["load"] for r in rows), 2)
    summaries = {
        label: {name: summary(mine) for name, mine in parts.items()}
        for label, parts in groups(rows).items()
    }
    payload = {"setup": setup, "summary": summaries, "runs": rows}
    out.with_suffix(".json").write_text(json.dumps(payload, indent=1) + "\n")
    out.with_suffix(".md").write_text(markdown(rows, setup))


if __name__ == "__main__":
    main()
