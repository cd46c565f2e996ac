"""What per-person limits cost: generated agency scenarios with and without them.

    python benchmarks/limits.py                      # 10x100 and 40x500, seed 1, 10 s
    python benchmarks/limits.py --sizes 10x100 --seeds 1 2 --budget 10

Variants of each scenario: `none` (as generated), `projects` (every second person may be on at
most 2 projects at once), `weekly` (every fourth person may work at most 20 h a week on tasks;
only the greedy strategy states this limit, `auto` keeps its plan). Per variant: the greedy
plan (seconds, placed tasks, lateness), the exact model's size and build time (10x100 only,
where `auto` uses it) and `solve(strategy="auto")` within the budget, with the checker's verdict.
Results go to `benchmarks/results/limits.{json,md}`, with the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import Scenario, check, solve  # noqa: E402
from allocate.problem import compile_problem  # noqa: E402
from allocate.strategies.cpsat.hint import model_horizon  # noqa: E402
from allocate.strategies.cpsat.model import build_model  # noqa: E402
from allocate.strategies.greedy import Greedy  # noqa: E402


def with_limits(scenario: Scenario, variant: str) -> Scenario:
    people = []
    for i, person in enumerate(scenario.people):
        if variant == "projects" and i % 2 == 0:
            person = person.model_copy(update={"max_projects": 2})
        if variant == "weekly" and i % 4 == 0:
            person = person.model_copy(update={"max_hours_per_week": 20})
        people.append(person)
    return Scenario(**{**dict(scenario), "people": tuple(people)})


def measure(size: str, seed: int, variant: str, budget: float) -> dict:
    people, tasks = map(int, size.split("x"))
    scenario = with_limits(generate(people, tasks, seed=seed), variant)
    problem = compile_problem(scenario)
    began = time.perf_counter()
    greedy = Greedy().solve(problem)
    row = {
        "size": size,
        "seed": seed,
        "variant": variant,
        "options": problem.options,
        "greedy_s": round(time.perf_counter() - began, 3),
        "greedy_placed": int((greedy.schedule.start >= 0).sum()),
        "tasks": problem.n_tasks,
        "greedy_lateness": round(greedy.level_values[0], 1) if greedy.level_values else None,
    }
    if people <= 10 and variant != "weekly" and greedy.schedule.complete:
        horizon, _ = model_horizon(problem, greedy.schedule)
        began = time.perf_counter()
        built = build_model(problem, "day-hour", horizon)
        row["build_s"] = round(time.perf_counter() - began, 2)
        row["variables"] = len(built.model.proto.variables)
        row["constraints"] = len(built.model.proto.constraints)
    plan = solve(scenario, time_limit=budget, seed=seed)
    row.update(
        strategy=plan.stats.strategy,
        status=plan.status,
        lateness=round(plan.objective.get("lateness", 0.0), 1),
        wall_s=round(plan.stats.wall_seconds, 2),
        checker_ok=not check(scenario, plan) if plan.feasible else None,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["10x100", "40x500"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--out", default=str(HERE / "results" / "limits"))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            for variant in ("none", "projects", "weekly"):
                rows.append(measure(size, seed, variant, args.budget))
                print(json.dumps(rows[-1]), flush=True)
    meta = {"budget_s": args.budget, "workers": 2, "load_before": os.getloadavg()[0]}
    Path(args.out + ".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = [
        f"Budget {args.budget:g} s per `solve`, CP-SAT 2 workers, 2-core machine shared with other "
        f"agents (1-min load average {meta['load_before']:.1f} at the start).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
