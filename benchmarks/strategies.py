"""Greedy vs CP-SAT vs LNS on generated agency scenarios: objective over time, ratio to the greedy
plan, gap to the resource-free bound, peak memory, the checker's verdict.

    python benchmarks/strategies.py                          # 4 sizes x 3 seeds x 10 s and 60 s
    python benchmarks/strategies.py --sizes 40x500 --seeds 1 --budgets 60 --strategies lns

Every run is `allocate.solve()` in a fresh subprocess (so peak RSS is the run's own) with the
strategy forced and `--workers` CP-SAT workers; greedy runs once per scenario (it ignores the
budget). Objectives are the checker's, lexicographic: lateness h, then makespan h. "bound" is
`allocate.bounds.level_bounds`; the gap is (value - bound) / value on the first level. Results go
to `benchmarks/results/strategies.{json,md,svg}` (the SVG: lateness over time against the greedy
plan; `--plot` redraws it from the JSON). Multi-worker CP-SAT is not repeatable and the machine
may be shared: read medians over seeds, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent
SIZES = ["10x100", "20x200", "40x500", "150x2000"]
STRATEGIES = ["greedy", "cpsat", "lns"]
MARKS = (1, 5, 10, 30, 60)

TIME_ONLY = ({"lateness": 1.0}, {"makespan": 1.0})
"""The objective these results are stated in (kept when the library's default changed)."""


def run_one(size: str, seed: int, strategy: str, budget: float, workers: int) -> dict:
    """Solve one generated scenario with one strategy in this process and measure it."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    from allocate import check, solve
    from allocate.bounds import level_bounds
    from allocate.problem import compile_problem
    from allocate.strategies import get_strategy

    people, tasks = map(int, size.split("x"))
    scenario = generate(people, tasks, seed=seed).model_copy(update={"objective": TIME_ONLY})
    bound = level_bounds(compile_problem(scenario))
    trace: list[tuple[float, list[float]]] = []
    chosen = (
        get_strategy(strategy) if strategy == "greedy" else get_strategy(strategy, workers=workers)
    )
    began = time.perf_counter()

    def record(update) -> None:
        trace.append(
            (round(time.perf_counter() - began, 2), [round(v, 1) for v in update.objective])
        )

    plan = solve(scenario, time_limit=budget, strategy=chosen, seed=seed, progress=record)
    wall = time.perf_counter() - began
    final = [round(plan.objective.get(name, 0.0), 1) for name in ("lateness", "makespan")]
    detail = plan.stats.detail
    return {
        "size": size,
        "seed": seed,
        "strategy": strategy,
        "budget_s": budget,
        "options": detail.get("options"),
        "first_plan_s": round(plan.stats.first_plan_seconds or 0, 3),
        "trace": trace,
        "objective_at": {str(t): _at(trace, t) for t in MARKS if t <= budget},
        "final": final,
        "bound": [round(b, 1) for b in bound],
        "status": plan.status,
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "checker_ok": plan.feasible and not plan.violations and not check(scenario, plan),
        "iterations": detail.get("iterations"),
        "improvements": detail.get("improvements"),
    }


def _at(trace, seconds: float):
    """The best objective found by `seconds` into the run (None before the first plan)."""
    seen = [objective for t, objective in trace if t <= seconds]
    return min(seen) if seen else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=SIZES)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--budgets", nargs="+", type=float, default=[10.0, 60.0])
    parser.add_argument("--strategies", nargs="+", default=STRATEGIES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(HERE / "results" / "strategies"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument(
        "--plot", action="store_true", help="only redraw <out>.svg from the results in <out>.json"
    )
    args = parser.parse_args()
    if args.plot:
        out = Path(args.out)
        rows = json.loads(out.with_suffix(".json").read_text())["runs"]
        out.with_suffix(".svg").write_text(plot(rows))
        return
    if args.one:  # child process: one run, JSON on stdout
        size, seed, strategy, budget = args.one.split(":")
        print(json.dumps(run_one(size, int(seed), strategy, float(budget), args.workers)))
        return
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            for strategy in args.strategies:
                budgets = [min(args.budgets)] if strategy == "greedy" else args.budgets
                for budget in budgets:
                    one = f"{size}:{seed}:{strategy}:{budget}"
                    command = [
                        sys.executable,
                        __file__,
                        "--one",
                        one,
                        "--workers",
                        str(args.workers),
                    ]
                    output = subprocess.run(command, capture_output=True, text=True, check=True)
                    rows.append(json.loads(output.stdout.strip().splitlines()[-1]))
                    print(_row(rows[-1], _greedy(rows, size, seed)), flush=True)
    write(rows, args)


def _greedy(rows: list[dict], size: str, seed: int) -> dict | None:
    found = [
        r for r in rows if r["size"] == size and r["seed"] == seed and r["strategy"] == "greedy"
    ]
    return found[0] if found else None


def _ratio(row: dict, greedy: dict | None) -> float | None:
    """First-level objective over the greedy plan's."""
    if greedy is None or not greedy["final"][0]:
        return None
    return row["final"][0] / greedy["final"][0]


def _gap(row: dict) -> float | None:
    value, bound = row["final"][0], row["bound"][0]
    return (value - bound) / value if value else 0.0


def _row(r: dict, greedy: dict | None) -> str:
    at = " | ".join(_fmt(r["objective_at"].get(str(t))) for t in MARKS)
    ratio = _ratio(r, greedy)
    return (
        f"| {r['size']} | {r['seed']} | {r['strategy']} | {r['budget_s']:.0f} | {at} | "
        f"{_fmt(r['final'])} | {_pct(ratio)} | {_pct(_gap(r), signed=False)} | {r['status']} | "
        f"{r['iterations'] if r['iterations'] is not None else '-'} | {r['peak_rss_mb']} | "
        f"{'yes' if r['checker_ok'] else 'NO'} |"
    )


def _fmt(levels) -> str:
    return " / ".join(f"{v:,.0f}" for v in levels) if levels else "-"


def _pct(value: float | None, signed: bool = True) -> str:
    if value is None:
        return "-"
    return f"{100 * (value - 1):+.1f} %" if signed else f"{100 * value:.1f} %"


def summary(rows: list[dict]) -> list[str]:
    """Medians over seeds per size, strategy and budget."""
    lines = [
        "| size | strategy | budget s | median lateness vs greedy | median gap to bound | "
        "median peak RSS MB | checker ok |",
        "|---|---|---|---|---|---|---|",
    ]
    keys = sorted(
        {(r["size"], r["strategy"], r["budget_s"]) for r in rows},
        key=lambda k: (SIZES.index(k[0]) if k[0] in SIZES else 99, STRATEGIES.index(k[1]), k[2]),
    )
    for size, strategy, budget in keys:
        mine = [
            r for r in rows if (r["size"], r["strategy"], r["budget_s"]) == (size, strategy, budget)
        ]
        ratios = [x for r in mine if (x := _ratio(r, _greedy(rows, size, r["seed"]))) is not None]
        lines.append(
            f"| {size} | {strategy} | {budget:.0f} | {_pct(median(ratios)) if ratios else '-'} | "
            f"{_pct(median(_gap(r) for r in mine), signed=False)} | "
            f"{median(r['peak_rss_mb'] for r in mine):.0f} | "
            f"{sum(r['checker_ok'] for r in mine)}/{len(mine)} |"
        )
    return lines


def write(rows: list[dict], args) -> None:
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    setup = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "workers": args.workers,
        "budgets_s": args.budgets,
        "seeds": args.seeds,
        "date": time.strftime("%Y-%m-%d"),
    }
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1))
    marks = " | ".join(f"obj@{t}s" for t in MARKS)
    header = (
        f"| size | seed | strategy | budget s | {marks} | final | lateness vs greedy | "
        "gap to bound | status | LNS iterations | peak RSS MB | checker |\n|"
        + "---|"
        * (12 + len(MARKS))
    )
    text = [
        f"Setup: {json.dumps(setup)}",
        "",
        "Objective = lateness h / makespan h (lexicographic), best plan found by that time "
        "(checker's values). Gap = (lateness - bound) / lateness, bound = resource-free "
        "`level_bounds`. The machine is shared with other work: wall-clock figures are noisy.",
        "",
        *summary(rows),
        "",
        header,
        *(_row(r, _greedy(rows, r["size"], r["seed"])) for r in rows),
    ]
    out.with_suffix(".md").write_text("\n".join(text) + "\n")
    out.with_suffix(".svg").write_text(plot(rows))
    print("\n".join(text))


def plot(rows: list[dict]) -> str:
    """Lateness over time relative to the greedy plan, median over seeds, one panel per size,
    one line per strategy (its longest budget's runs)."""
    sys.path.insert(0, str(HERE))
    from plot import line_panels

    times = (0.5, 1, 2, 5, 10, 20, 30, 60)
    panels = []
    for size in [s for s in SIZES if any(r["size"] == s for r in rows)]:
        series = {}
        for strategy in STRATEGIES:
            mine = [r for r in rows if r["size"] == size and r["strategy"] == strategy]
            if not mine:
                continue
            budget = max(r["budget_s"] for r in mine)
            mine = [r for r in mine if r["budget_s"] == budget]
            if strategy == "greedy":  # one plan, at once: it stays the same for any budget
                budget = max(r["budget_s"] for r in rows)
            line = []
            for t in (t for t in times if t <= budget):
                ratios = [
                    best[0] / greedy["final"][0]
                    for r in mine
                    if (greedy := _greedy(rows, size, r["seed"])) and greedy["final"][0]
                    if (best := _at(r["trace"], t)) is not None
                ]
                if len(ratios) == len(mine):
                    line.append((t, median(ratios)))
            series[strategy] = line
        panels.append((size, series))
    return line_panels(
        panels,
        x_label="seconds since solve() started (log scale)",
        y_label="lateness / greedy plan's (median of seeds)",
    )


if __name__ == "__main__":
    main()
