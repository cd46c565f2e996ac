"""What balance and cost cost in deadlines: three objective orders on the same scenarios.

    python benchmarks/tradeoff.py                  # example + 10x100, 40x500, seeds 1-3
    python benchmarks/tradeoff.py --sizes 10x100 --seeds 1 --time-limit 10

Each scenario (the bundled agency example and generated ones, `generate.py`) is solved with the
public `solve()` (`auto`, with its default of 2 CP-SAT workers) under three lexicographic
objectives:

* deadlines: `lateness`, then `makespan`;
* balance: `lateness`, then `peak_utilisation`, then `makespan`;
* default: the library's default order (`allocate.scenario.DEFAULT_OBJECTIVE`).

Per run the checker's values of every term are reported, whatever the objective: lateness (h),
late projects, peak and spread of utilisation over the balance window (%), the highest weekly
utilisation of anyone (booked over available hours in their own local week, from
`allocate.report.load`), cost, and distinct people per project. Results go to
`benchmarks/results/tradeoff.{json,md}`. Multi-worker CP-SAT is not repeatable and the machine may
be shared: read medians over seeds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import check, solve  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.objective import TERMS, balance_window  # noqa: E402
from allocate.report.load import load  # noqa: E402
from allocate.scenario import DEFAULT_OBJECTIVE, Scenario  # noqa: E402

ORDERS = {
    "deadlines": ({"lateness": 1.0}, {"makespan": 1.0}),
    "balance": ({"lateness": 1.0}, {"peak_utilisation": 1.0}, {"makespan": 1.0}),
    "default": DEFAULT_OBJECTIVE,
}
COLUMNS = (
    ("lateness", "lateness h"),
    ("late_projects", "late projects"),
    ("peak_utilisation", "peak util %"),
    ("utilisation_spread", "spread %"),
    ("peak_week", "peak week %"),
    ("cost", "cost"),
    ("people_per_project", "people/project"),
)


def scenario_of(size: str, seed: int) -> Scenario:
    if size == "example":
        return agency()
    people, tasks = map(int, size.split("x"))
    return generate(people, tasks, seed=seed)


def run_one(scenario: Scenario, order: str, time_limit: float, seed: int) -> dict:
    scenario = scenario.model_copy(update={"objective": ORDERS[order]})
    began = time.perf_counter()
    plan = solve(scenario, time_limit=time_limit, seed=seed)
    wall = time.perf_counter() - began
    values = every_term(scenario, plan)
    weeks = [row.utilisation for row in load(scenario, plan, until=balance_window(scenario)[1])]
    values["peak_week"] = round(100 * max((u for u in weeks if u is not None), default=0.0), 1)
    return {
        "order": order,
        "strategy": plan.stats.strategy,
        "status": plan.status,
        "wall_s": round(wall, 1),
        "checker_ok": plan.feasible and not plan.violations and not check(scenario, plan),
        **values,
    }


def every_term(scenario: Scenario, plan) -> dict[str, float]:
    """The checker-side value of each reported term, whatever the objective was."""
    from allocate.check import recompute_objective

    everything = scenario.model_copy(update={"objective": tuple({n: 1.0} for n in TERMS)})
    values = recompute_objective(everything, plan)
    return {name: round(values[name], 1) for name, _ in COLUMNS if name in values}


def markdown(runs: list[dict], meta: dict) -> str:
    lines = [
        "# Trade-off: deadlines only, then balance, then the default order",
        "",
        f"{meta['time_limit']} s per run, `auto` strategy (2 CP-SAT workers), seeds "
        f"{meta['seeds']}; run {meta['when']} on {meta['machine']} (load average "
        f"{meta['load_before']} before, {meta['load_after']} after).",
        "",
        "Orders: " + "; ".join(f"**{k}** = {_order(v)}" for k, v in ORDERS.items()) + ".",
        "",
        "Medians over seeds (the example has one scenario). Every plan passed the checker"
        if all(r["checker_ok"] for r in runs)
        else "Medians over seeds. NOT every plan passed the checker: see the JSON",
        "",
        "| scenario | order | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for size in dict.fromkeys(r["size"] for r in runs):
        for order in ORDERS:
            rows = [r for r in runs if r["size"] == size and r["order"] == order]
            if rows:
                cells = [f"{median(r[name] for r in rows):,.1f}" for name, _ in COLUMNS]
                lines.append(f"| {size} | {order} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Per run:",
        "",
        "| scenario | seed | order | strategy | status | wall s | "
        + " | ".join(title for _, title in COLUMNS)
        + " |",
        "|---|---|---|---|---|---|" + "---|" * len(COLUMNS),
    ]
    for r in runs:
        cells = [f"{r[name]:,.1f}" for name, _ in COLUMNS]
        lines.append(
            f"| {r['size']} | {r['seed']} | {r['order']} | {r['strategy']} | {r['status']} | "
            f"{r['wall_s']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"


def _order(levels) -> str:
    return " → ".join("+".join(level) for level in levels)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["example", "10x100", "40x500"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--out", default=str(HERE / "results" / "tradeoff"))
    args = parser.parse_args()
    meta = {
        "time_limit": args.time_limit,
        "seeds": args.seeds,
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_before": round(os.getloadavg()[0], 2),
    }
    runs = []
    for size in args.sizes:
        for seed in [0] if size == "example" else args.seeds:
            scenario = scenario_of(size, seed)
            for order in ORDERS:
                run = {"size": size, "seed": seed}
                run.update(run_one(scenario, order, args.time_limit, seed))
                runs.append(run)
                print(json.dumps(run), flush=True)
    meta["load_after"] = round(os.getloadavg()[0], 2)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "runs": runs}, indent=1))
    out.with_suffix(".md").write_text(markdown(runs, meta))
    print(markdown(runs, meta))


if __name__ == "__main__":
    main()
