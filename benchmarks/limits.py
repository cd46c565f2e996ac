"""What per-person limits cost: generated agency scenarios with and without them.

    python benchmarks/limits.py                      # 10x100 and 40x500, seed 1, 10 s
    python benchmarks/limits.py --sizes 10x100 --seeds 1 2 --budget 10
    python benchmarks/limits.py --sizes 10x100 --variants weekly --overlap table \
        --out benchmarks/results/limits-table     # week overlaps as element tables

Variants of each scenario: `none` (as generated), `projects` (every second person may be on at
most 2 projects at once), `weekly` (a quarter of the people may work at most 20 h a week on
tasks: every fourth person, skipping one who would leave a task of more than 40 h with only
limited people, which no plan could place, for the next). Per variant: the greedy plan
(seconds, placed tasks, lateness); the whole exact model's size and build time with the greedy
plan's horizon (`week_options`: options with week loads, `week_sums`: (person, week) sums); at
sizes up to `--exact-up-to` people, `CpSat` alone on it (greedy hint, one worker, 10
deterministic seconds); LNS for 40 sub-solves on one worker (both load-independent but for
their seconds), with the checker's verdict; and `solve(strategy="auto")` within the budget
(wall clock: depends on the machine's load). `--overlap table` gives every CP-SAT model
`week_overlap="table"` (`auto` then runs the strategy it would choose, with that option).
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
from allocate.solve import _choose  # noqa: E402
from allocate.strategies.cpsat import CpSat, weeks  # noqa: E402
from allocate.strategies.cpsat.hint import model_horizon  # noqa: E402
from allocate.strategies.cpsat.model import build_model  # noqa: E402
from allocate.strategies.greedy import Greedy  # noqa: E402
from allocate.strategies.lns import Lns  # noqa: E402

WEEKLY_HOURS = 20
DETERMINISTIC = 10.0
"""CP-SAT's deterministic seconds for the whole model (one worker): load-independent."""
ITERATIONS = 40
"""LNS sub-solves (one worker, each with its deterministic limit): load-independent."""


def with_limits(scenario: Scenario, variant: str) -> Scenario:
    people = list(scenario.people)
    if variant == "projects":
        people = [
            p.model_copy(update={"max_projects": 2}) if i % 2 == 0 else p
            for i, p in enumerate(people)
        ]
    if variant == "weekly":
        for i in _weekly_limited(scenario):
            people[i] = people[i].model_copy(update={"max_hours_per_week": WEEKLY_HOURS})
    return Scenario(**{**dict(scenario), "people": tuple(people)})


def _weekly_limited(scenario: Scenario) -> list[int]:
    """A quarter of the people, from every fourth on, none leaving a long task to limited
    people only (more than two weeks' limit: no start keeps the limit in a full week)."""
    long = [t for t in scenario.tasks if t.effort_hours > 2 * WEEKLY_HOURS]
    chosen: set[int] = set()
    wanted = len(scenario.people) // 4
    order = sorted(range(len(scenario.people)), key=lambda i: (i % 4 != 0, i))
    for i in order:
        if len(chosen) == wanted:
            break
        trial = chosen | {i}
        if all(
            any(p.qualifies_for(t) for k, p in enumerate(scenario.people) if k not in trial)
            for t in long
        ):
            chosen = trial
    return sorted(chosen)


def measure(
    size: str, seed: int, variant: str, budget: float, exact_up_to: int, overlap: str = "min"
) -> dict:
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
    if greedy.schedule.complete:
        horizon, _ = model_horizon(problem, greedy.schedule)
        began = time.perf_counter()
        built = build_model(problem, "day-hour", horizon, week_overlap=overlap)
        row["build_s"] = round(time.perf_counter() - began, 2)
        row["variables"] = len(built.model.proto.variables)
        row["constraints"] = len(built.model.proto.constraints)
        loads = built.variables.week_loads
        row["week_options"] = len(loads)
        row["week_sums"] = len({(w.option.person, week) for w in loads for week, _, _ in w.weeks})
    if people <= exact_up_to and greedy.schedule.complete:
        params = {"max_deterministic_time": DETERMINISTIC, "random_seed": seed}
        exact = CpSat(workers=1, params=params, week_overlap=overlap).solve(
            problem, time_limit=600, seed=seed, hint=greedy.schedule
        )
        row["exact_lateness"] = round(exact.level_values[0], 1)
        row["exact_solve_s"] = round(float(exact.stats["solve_seconds"]), 1)
    if greedy.schedule.complete:
        lns = Lns(workers=1, iterations=ITERATIONS, week_overlap=overlap)
        plan = solve(scenario, strategy=lns, time_limit=3600, seed=seed)
        detail = plan.stats.detail
        row.update(
            lns_lateness=round(plan.objective.get("lateness", 0.0), 1),
            lns_build_s=round(float(detail["build_seconds"]), 1),
            lns_solve_s=round(float(detail["solve_seconds"]), 1),
            lns_checker_ok=plan.violations == () and not check(scenario, plan),
        )
    plan = solve(scenario, time_limit=budget, seed=seed, strategy=auto(problem, overlap))
    row.update(
        strategy=plan.stats.strategy,
        status=plan.status,
        lateness=round(plan.objective.get("lateness", 0.0), 1),
        wall_s=round(plan.stats.wall_seconds, 2),
        checker_ok=not check(scenario, plan) if plan.feasible else None,
        iterations=plan.stats.detail.get("iterations", ""),
        load=round(os.getloadavg()[0], 1),
    )
    return row


def auto(problem, overlap: str):
    """What `solve(strategy="auto")` runs, with `week_overlap=overlap` if not the default."""
    if overlap == "min":
        return "auto"
    chosen, _ = _choose("auto", problem)
    return "greedy" if chosen is None else type(chosen)(week_overlap=overlap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["10x100", "40x500"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1])
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--exact-up-to", type=int, default=10, help="people; larger: no CpSat run")
    parser.add_argument("--variants", nargs="+", default=["none", "projects", "weekly"])
    parser.add_argument("--overlap", choices=weeks.OVERLAPS, default="min")
    parser.add_argument("--out", default=str(HERE / "results" / "limits"))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            for variant in args.variants:
                rows.append(
                    measure(size, seed, variant, args.budget, args.exact_up_to, args.overlap)
                )
                print(json.dumps(rows[-1]), flush=True)
    meta = {
        "budget_s": args.budget,
        "workers": 2,
        "load_at_end": os.getloadavg()[0],
        "overlap": args.overlap,
    }
    Path(args.out + ".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = [
        f"Budget {args.budget:g} s per `solve` (auto, 2 workers); exact: 1 worker, "
        f"{DETERMINISTIC:g} deterministic s; LNS: 1 worker, {ITERATIONS} sub-solves; week "
        f"overlaps as `{args.overlap}`. 2-core machine shared with other agents (1-min load "
        f"average {meta['load_at_end']:.1f} at the end; per row in `load`).",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
