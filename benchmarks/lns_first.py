"""How soon neighbourhood search first improves the greedy plan on large generated scenarios.

    python benchmarks/lns_first.py                          # 150 x 2,000, seeds 1-3, both parts
    flock /work/coord/bench.lock python benchmarks/lns_first.py --part wall

Two parts, each run in a fresh subprocess per seed, the library's default objective:

* `steps` (load-independent): LNS with one worker and a fixed number of sub-solves, so the search
  is the same on any machine; per seed, the sub-solve that first improved the plan, the CPU
  seconds spent in the search until then and per sub-solve (building vs solving), and the first
  level after all the sub-solves.
* `wall`: `solve()` as a user calls it (auto, 2 workers, `--time-limit` s): seconds from the call
  to the greedy plan and to its first improvement. Wall time depends on the load, which is
  stated; run it under a lock when others benchmark too.

Results: `benchmarks/results/lns_first[_<label>].{md,json}`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent


def steps(size: str, seed: int, iterations: int, options: dict) -> dict:
    """One deterministic run: one worker, `iterations` sub-solves."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    from allocate import solve
    from allocate.strategies.lns import Lns
    from allocate.strategies.lns import search as lns_search

    people, tasks = map(int, size.split("x"))
    scenario = generate(people, tasks, seed=seed)
    settled: list[tuple[int, float, float, float]] = []  # (improved?, cpu, build, solve)
    original = lns_search.Search.settle
    began: list[float] = []

    def settle(self, proposal, outcome, budget=None):
        before = self.values[0]
        original(self, proposal, outcome, budget)
        stats = outcome.stats
        gain = before - self.values[0]
        cpu = time.process_time() - began[0]
        build, solved = float(stats["build_seconds"]), float(stats["solve_seconds"])
        settled.append((gain > 0, cpu, build, solved))

    lns_search.Search.settle = settle
    strategy = Lns(workers=1, iterations=iterations, **options)
    original_run = lns_search.Search.run

    def run(self, budget):
        began.append(time.process_time())
        return original_run(self, budget)

    lns_search.Search.run = run
    plan = solve(scenario, time_limit=3600, seed=seed, strategy=strategy)
    first = next((k for k, row in enumerate(settled) if row[0]), None)
    return {
        "size": size,
        "seed": seed,
        "iterations": len(settled),
        "first_improving_subsolve": None if first is None else first + 1,
        "cpu_to_first_s": None if first is None else round(settled[first][1], 2),
        "improving_subsolves": sum(row[0] for row in settled),
        "cpu_per_subsolve_s": round(settled[-1][1] / len(settled), 3) if settled else None,
        "build_per_subsolve_s": round(median(r[2] for r in settled), 3) if settled else None,
        "solve_per_subsolve_s": round(median(r[3] for r in settled), 3) if settled else None,
        "lateness_h_final": round(plan.objective.get("lateness", 0.0), 1),
    }


def wall(size: str, seed: int, time_limit: float) -> dict:
    """One run as a user makes it: auto, default workers, on the clock."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    from allocate import solve

    people, tasks = map(int, size.split("x"))
    scenario = generate(people, tasks, seed=seed)
    trace: list[tuple[float, float]] = []
    began = time.perf_counter()

    def record(update) -> None:
        if update.objective:
            trace.append((time.perf_counter() - began, float(update.objective[0])))

    load = os.getloadavg()[0]
    plan = solve(scenario, time_limit=time_limit, seed=seed, progress=record)
    greedy = trace[0] if trace else None
    better = next((t for t, v in trace if greedy and v < greedy[1] - 1e-9), None)
    return {
        "size": size,
        "seed": seed,
        "strategy": plan.stats.strategy,
        "greedy_s": round(greedy[0], 2) if greedy else None,
        "first_improvement_s": None if better is None else round(better, 2),
        "improvements": sum(
            1 for a, b in zip(trace, trace[1:], strict=False) if b[1] < a[1] - 1e-9
        ),
        "greedy_first_level": round(greedy[1], 1) if greedy else None,
        "final_first_level": round(trace[-1][1], 1) if trace else None,
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="150x2000")
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--part", choices=("steps", "wall", "both"), default="both")
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--lns", default="{}", help='Lns options for `steps`, e.g. {"size": 60}')
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        part, seed = args.one.split(":")
        if part == "steps":
            print(json.dumps(steps(args.size, int(seed), args.iterations, json.loads(args.lns))))
        else:
            print(json.dumps(wall(args.size, int(seed), args.time_limit)))
        return
    parts = ("steps", "wall") if args.part == "both" else (args.part,)
    found: dict[str, list[dict]] = {part: [] for part in parts}
    for part in parts:
        for seed in args.seeds:
            command = [sys.executable, __file__, "--one", f"{part}:{seed}", "--size", args.size]
            command += ["--iterations", str(args.iterations), "--time-limit", str(args.time_limit)]
            command += ["--lns", args.lns]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            found[part].append(json.loads(output.strip().splitlines()[-1]))
            print(part, found[part][-1], flush=True)
    write(found, args)


def write(found: dict[str, list[dict]], args) -> None:
    name = "lns_first" + (f"_{args.label}" if args.label else "")
    out = HERE / "results" / name
    setup = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} cores",
        "size": args.size,
        "seeds": args.seeds,
        "iterations": args.iterations,
        "time_limit_s": args.time_limit,
        "lns_options": json.loads(args.lns),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, **found}, indent=1))
    text = [f"Setup: {json.dumps(setup)}", ""]
    for part, rows in found.items():
        keys = list(rows[0])
        text += [f"## {part}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        text += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
        text.append("")
    out.with_suffix(".md").write_text("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main()
