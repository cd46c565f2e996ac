"""The six small iMOPSE multi-skill instances through allocate.solve.

    python benchmarks/imopse.py                                  # greedy and auto, seeds 0-2, 10 s
    python benchmarks/imopse.py --strategies cpsat --seeds 0 --time-limit 5

Each `.def` file is read with `allocate.instances.read_imopse` into an ordinary Scenario (people
who work around the clock, one per task, skill levels) and solved with the public `solve()`.
Per run: makespan, status, the gap to allocate's own lower bound (`allocate.bounds.level_bounds`:
earliest ends with nobody busy, i.e. the critical path here) and to the best bound the solve
proved (`plan.level_bounds`, which includes CP-SAT's), the time to the first feasible plan, the
time to the best plan, and the plan's cost (salary x hours, iMOPSE's second objective, not
optimised). Gaps are (makespan - bound) / makespan, as `plan.gap`. Results:
benchmarks/results/imopse.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata"


def run_one(path: Path, strategy: str, time_limit: float, workers: int, seed: int) -> dict:
    from allocate import check, solve
    from allocate.bounds import level_bounds
    from allocate.instances import START, read_imopse
    from allocate.problem import compile_problem

    scenario = read_imopse(path)
    own_bound = level_bounds(compile_problem(scenario))[0]
    trace: list[tuple[float, float]] = []
    began = time.perf_counter()

    def record(update) -> None:
        trace.append((time.perf_counter() - began, update.objective[0]))

    chosen = strategy
    if strategy == "cpsat":
        from allocate.strategies.cpsat import CpSat

        chosen = CpSat(workers=workers)
    plan = solve(scenario, time_limit=time_limit, strategy=chosen, seed=seed, progress=record)
    wall = time.perf_counter() - began
    valid = plan.feasible and not plan.violations and not check(scenario, plan)
    span = max((a.end - START).total_seconds() / 3600 for a in plan.assignments)
    rates = {p.id: p.hourly_rate for p in scenario.people}
    cost = sum(
        rates[a.people[0]] * (a.end - a.start).total_seconds() / 3600
        for a in plan.assignments
        if a.people
    )
    best = plan.level_bounds[0]
    first = min((t for t, _ in trace), default=plan.stats.first_plan_seconds or 0.0)
    to_best = min((t for t, value in trace if value <= span + 1e-9), default=first)
    return {
        "instance": path.stem,
        "tasks": len(scenario.tasks),
        "people": len(scenario.people),
        "strategy": strategy,
        "ran": plan.stats.strategy,
        "seed": seed,
        "makespan": span if valid else None,
        "status": plan.status,
        "valid": valid,
        "own_bound": own_bound,
        "gap_own_pct": _gap(span, own_bound) if valid else None,
        "best_bound": best,
        "gap_best_pct": _gap(span, best) if valid else None,
        "first_feasible_s": round(first, 4),
        "best_found_s": round(to_best, 4),
        "wall_s": round(wall, 3),
        "cost": round(cost, 1),
    }


def _gap(value: float, bound: float) -> float:
    """(value - bound) / value in percent: the one definition of a gap (`plan.gap`)."""
    return round(100 * (value - bound) / value, 2) if value else 0.0


def write(rows: list[dict], setup: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1) + "\n")
    lines = [
        "# iMOPSE (six small examples): allocate",
        "",
        f"{setup['time_limit_s']:g} s per run, {setup['workers']} workers, seeds "
        f"{setup['seeds']}; run {setup['date']} on {setup['machine']} (shared with other work: "
        f"load average {setup['load_average_before'][0]} before, "
        f"{setup['load_average_after'][0]} after).",
        "",
        "Medians over the seeds. Gap = (makespan - bound) / makespan; 'own bound' is "
        "`allocate.bounds.level_bounds` (the critical path here), 'best bound' the best the solve "
        "proved. Times in seconds from the call to `solve()`.",
        "",
        "| instance | tasks | people | strategy | makespan | status | own bound | gap own % "
        "| best bound | gap best % | first feasible s | best found s | wall s | cost |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted(
        {(r["instance"], r["strategy"]) for r in rows},
        key=lambda k: ([r["instance"] for r in rows].index(k[0]), k[1]),
    )
    for instance, strategy in keys:
        mine = [r for r in rows if r["instance"] == instance and r["strategy"] == strategy]
        first = mine[0]
        statuses = "/".join(sorted({r["status"] for r in mine}))

        def med(key, runs=mine):
            values = [r[key] for r in runs if r[key] is not None]
            return f"{median(values):g}" if values else "-"

        lines.append(
            f"| {instance} | {first['tasks']} | {first['people']} | {strategy} "
            f"({first['ran']}) | {med('makespan')} | {statuses} | {med('own_bound')} | "
            f"{med('gap_own_pct')} | {med('best_bound')} | {med('gap_best_pct')} | "
            f"{med('first_feasible_s')} | {med('best_found_s')} | {med('wall_s')} | {med('cost')} |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--strategies", nargs="+", default=["greedy", "auto"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (strategy cpsat)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "imopse")
    args = parser.parse_args()
    files = sorted(
        (args.data_dir / "imopse_small").glob("*.def"),
        key=lambda p: tuple(int(x) for x in p.stem.split("_")),
    )
    if not files:
        raise SystemExit(f"no .def files in {args.data_dir / 'imopse_small'} (use --data-dir)")
    load_before = os.getloadavg()
    rows = []
    for path in files:
        for strategy in args.strategies:
            seeds = [args.seeds[0]] if strategy == "greedy" else args.seeds  # greedy: no seed
            for seed in seeds:
                rows.append(run_one(path, strategy, args.time_limit, args.workers, seed))
                r = rows[-1]
                print(
                    f"{r['instance']} {strategy} seed {seed}: {r['makespan']} {r['status']} "
                    f"({r['wall_s']} s)",
                    flush=True,
                )
    setup = {
        "instances": [p.name for p in files],
        "strategies": args.strategies,
        "seeds": args.seeds,
        "time_limit_s": args.time_limit,
        "workers": args.workers,
        "machine": f"{_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    write(rows, setup, args.out)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    main()
