"""How solve() scales on generated agency scenarios: build time, first plan, objective over time,
bounds, peak memory and the checker's verdict.

    python benchmarks/scale.py                       # all sizes, seeds 1-3, 60 s each
    python benchmarks/scale.py --sizes 10x100 --seeds 1 --time-limit 30

Each run is a fresh subprocess (so peak memory is the run's own); results go to
`benchmarks/results/scale.{json,md}`. Objectives are lexicographic (lateness h / makespan h), as
recomputed by the checker; "bound" is the best proven lower bound per level.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent
SIZES = ["10x100", "20x200", "40x500", "150x2000"]

TIME_ONLY = ({"lateness": 1.0}, {"makespan": 1.0})
"""The objective these results are stated in (kept when the library's default changed)."""


def run_one(size: str, seed: int, time_limit: float, strategy: str, workers: int) -> dict:
    """Solve one generated scenario in this process and measure it."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    from allocate import check, solve
    from allocate.strategies.cpsat import CpSat

    people, tasks = map(int, size.split("x"))
    scenario = generate(people, tasks, seed=seed).model_copy(update={"objective": TIME_ONLY})
    trace: list[tuple[float, tuple[float, ...]]] = []
    began = time.perf_counter()

    def record(update) -> None:
        trace.append((time.perf_counter() - began, tuple(update.objective)))

    chosen = CpSat(workers=workers) if strategy == "cpsat" else strategy
    plan = solve(scenario, time_limit=time_limit, strategy=chosen, seed=seed, progress=record)
    wall = time.perf_counter() - began
    checking = time.perf_counter()
    checked = check(scenario, plan)
    check_s = time.perf_counter() - checking
    return {
        "size": size,
        "seed": seed,
        "strategy": plan.stats.strategy,
        "options": plan.stats.detail.get("options"),
        "build_s": round(plan.stats.build_seconds, 3),
        "first_plan_s": round(plan.stats.first_plan_seconds or 0, 3),
        "objective_at": {str(t): _at(trace, t) for t in (5, 10, 30, 60) if t <= time_limit + 1},
        "final": list(_levels(plan)),
        "bound": list(plan.level_bounds),
        "gap": plan.gap,
        "status": plan.status,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "checker_ok": plan.feasible and not checked and not plan.violations,
        "check_s": round(check_s, 3),
    }


def _levels(plan) -> tuple[float, ...]:
    values = [plan.objective.get(name, 0.0) for name in ("lateness", "makespan")]
    return tuple(round(v, 1) for v in values)


def _at(trace, seconds: float):
    """The best objective found by `seconds` into the run."""
    seen = [objective for t, objective in trace if t <= seconds]
    return [round(v, 1) for v in min(seen)] if seen else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=SIZES)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--strategy", default="auto", help="auto, greedy or cpsat (forces CP-SAT)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(HERE / "results" / "scale"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child process: one run, JSON on stdout
        size, seed = args.one.split(":")
        print(json.dumps(run_one(size, int(seed), args.time_limit, args.strategy, args.workers)))
        return
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            command = [
                sys.executable,
                __file__,
                "--one",
                f"{size}:{seed}",
                "--time-limit",
                str(args.time_limit),
                "--strategy",
                args.strategy,
                "--workers",
                str(args.workers),
            ]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            rows.append(json.loads(output.strip().splitlines()[-1]))
            print(_row(rows[-1]), flush=True)
    write(rows, args)


def _row(r: dict) -> str:
    cells = [r["size"], r["seed"], r["strategy"], r["options"], r["build_s"], r["first_plan_s"]]
    cells += [_fmt(r["objective_at"].get(k)) for k in ("10", "60")]
    cells += [_fmt(r["final"]), _fmt(r["bound"]), r["status"], r["peak_rss_mb"], r["check_s"]]
    cells.append("yes" if r["checker_ok"] else "NO")
    return _cells(cells)


def _cells(cells) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _fmt(levels) -> str:
    return " / ".join(f"{v:,.0f}" for v in levels) if levels else "-"


def write(rows: list[dict], args) -> None:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    setup = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "time_limit_s": args.time_limit,
        "workers": args.workers,
        "strategy": args.strategy,
        "seeds": args.seeds,
        "date": time.strftime("%Y-%m-%d"),
    }
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1))
    names = "size seed strategy options build_s first_plan_s obj@10s obj@60s final bound status"
    names += " peak_RSS_MB check_s checker"
    header = _cells(names.split()) + "\n|" + "---|" * len(names.split())
    medians = []
    for size in args.sizes:
        mine = [r for r in rows if r["size"] == size]
        cells = [size] + [
            f"{median(r[key] for r in mine):.2f}"
            for key in ("build_s", "first_plan_s", "peak_rss_mb", "check_s")
        ]
        medians.append(_cells([*cells, f"{sum(r['checker_ok'] for r in mine)}/{len(mine)}"]))
    text = [
        f"Setup: {json.dumps(setup)}",
        "",
        "Objective = lateness h / makespan h (lexicographic), best plan found by that time.",
        "",
        header,
        *map(_row, rows),
        "",
        _cells(["size", "median build s", "first plan s", "peak RSS MB", "check s", "checker ok"]),
        "|---|---|---|---|---|---|",
        *medians,
    ]
    out.with_suffix(".md").write_text("\n".join(text) + "\n")
    print("\n".join(text))


if __name__ == "__main__":
    main()
