"""How fast the greedy strategy is, and which priority rule leaves the least lateness.

    python benchmarks/greedy.py                     # the sizes and seeds below, 3 runs each
    python benchmarks/greedy.py --speed 150x2000 --rules 10x100 --seeds 1 --runs 1

Speed: generated agency scenarios (seed 1), compiled once (`compile_problem`, timed on its own),
then `Greedy().solve` (default rule) run `--runs` times: the median wall-clock and CPU seconds.
Compile and solve are separate columns because `solve()` pays both. Rules: every rule of
`allocate.strategies.priority.PRIORITY_RULES` on each size and seed and on the bundled example
`allocate.examples.agency()`; per rule the weighted lateness (hours, the first objective level),
the late tasks and the checker's verdict on the plan. Results go to
`benchmarks/results/greedy.{json,md}` with the machine's load average: the machine has 2 cores
shared with other agents, so wall-clock times are noisy; CPU seconds less so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import Scenario, check  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.plan import SolveStats  # noqa: E402
from allocate.problem import compile_problem  # noqa: E402
from allocate.solve import verified_plan  # noqa: E402
from allocate.strategies.greedy import Greedy  # noqa: E402
from allocate.strategies.priority import PRIORITY_RULES as RULES  # noqa: E402


def timed(work, runs: int) -> tuple[float, float, object]:
    """Median wall-clock and CPU seconds of `runs` calls of `work`, and its last result."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def speed(size: str, runs: int) -> dict:
    people, tasks = map(int, size.split("x"))
    scenario = generate(people, tasks, seed=1)
    compile_wall, compile_cpu, problem = timed(lambda: compile_problem(scenario), runs)

    def fresh_solve():
        problem.__dict__.pop("_timelines", None)  # calendars are cached per problem: start cold
        return Greedy().solve(problem)

    wall, cpu, outcome = timed(fresh_solve, runs)
    return {
        "size": size,
        "options": problem.options,
        "compile_s": round(compile_wall, 3),
        "compile_cpu_s": round(compile_cpu, 3),
        "greedy_s": round(wall, 3),
        "greedy_cpu_s": round(cpu, 3),
        "placed": int((outcome.schedule.start >= 0).sum()),
        "tasks": problem.n_tasks,
    }


def rule_row(name: str, seed: int | None, scenario: Scenario) -> dict:
    problem = compile_problem(scenario)
    row: dict = {"scenario": name, "seed": seed}
    for rule in RULES:
        outcome = Greedy(rule=rule).solve(problem)
        plan = verified_plan(scenario, problem, outcome, SolveStats(strategy=f"greedy-{rule}"))
        row[rule] = round(plan.objective.get("lateness", 0.0), 1) if plan.feasible else None
        row[f"{rule}_late"] = len(plan.late)
        row[f"{rule}_ok"] = plan.feasible and not check(scenario, plan)
    return row


def table(rows: list[dict]) -> list[str]:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]


def best_counts(rows: list[dict]) -> dict[str, int]:
    """Per rule, on how many scenarios it leaves the least lateness (ties count for each)."""
    wins = dict.fromkeys(RULES, 0)
    for row in rows:
        values = {rule: row[rule] for rule in RULES if row[rule] is not None}
        for rule, value in values.items():
            wins[rule] += value == min(values.values())
    return wins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--speed", nargs="*", default=["10x100", "40x500", "150x2000", "150x10000", "400x10000"]
    )
    parser.add_argument("--rules", nargs="*", default=["10x100", "40x500", "150x2000"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "greedy"))
    args = parser.parse_args()
    meta = {"runs": args.runs, "load_before": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    speeds = []
    for size in args.speed:
        speeds.append(speed(size, args.runs))
        print(json.dumps(speeds[-1]), flush=True)
    rules = [rule_row("agency example", None, agency())]
    print(json.dumps(rules[-1]), flush=True)
    for size in args.rules:
        for seed in args.seeds:
            people, tasks = map(int, size.split("x"))
            rules.append(rule_row(size, seed, generate(people, tasks, seed=seed)))
            print(json.dumps(rules[-1]), flush=True)
    meta["load_after"] = round(os.getloadavg()[0], 2)
    meta["best_counts"] = best_counts(rules)
    Path(args.out + ".json").write_text(
        json.dumps({"meta": meta, "speed": speeds, "rules": rules}, indent=1)
    )
    lines = [
        f"Greedy on generated agency scenarios; {meta['cores']}-core machine shared with other "
        f"agents (1-min load average {meta['load_before']} at the start, "
        f"{meta['load_after']} at the end).",
        "",
        f"Speed (seed 1; median of {args.runs} runs; `compile_problem` and `Greedy().solve` "
        "timed separately; wall and CPU seconds):",
        "",
        *table(speeds),
        "",
        "Weighted lateness (hours) per priority rule, late tasks and the checker's verdict:",
        "",
        *table(rules),
        "",
        "Scenarios on which each rule leaves the least lateness: "
        + ", ".join(f"{rule} {count}" for rule, count in meta["best_counts"].items()),
    ]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
