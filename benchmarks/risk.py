"""Risk simulation benchmarks: speed, calibration, and Dask.

    python benchmarks/risk.py speed        # samples per second, example and 40x500, per policy
    python benchmarks/risk.py calibration  # how often P50 / P80 dates come true (>= 200 projects)
    python benchmarks/risk.py dask         # 1, 2 and 4 Dask workers on a LocalCluster

Calibration: for each generated scenario (10 x 100, seeds 1..N, greedy plan, efforts PERT 0.8 /
1 / 1.6 of the plan's, 5 sick days a year) `simulate` gives every project's P50 and P80; then
"true" efforts are drawn from the same distributions with an unrelated seed and the plan is
executed with them. A calibrated simulation meets its P80 in 80 % of projects. The same truths
judge a critical-path-only simulation (people may do several tasks at once), which is what most
Monte Carlo tools do. Results go to benchmarks/results/risk_<part>.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate  # noqa: E402

from allocate import solve  # noqa: E402
from allocate.analysis import sampling, simulate  # noqa: E402
from allocate.analysis.execute import execute  # noqa: E402
from allocate.on_grid import on_grid  # noqa: E402
from allocate.analysis.simulate import _horizon  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.problem import compile_problem  # noqa: E402
from allocate.scenario import Uncertainty  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SPREAD = Uncertainty(low=0.8, likely=1.0, high=1.6, sick_days_per_year=5)
TRUTH_SEED = 10_007


def uncertain(scenario):
    return scenario.model_copy(update={"uncertainty": SPREAD})


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def speed(args) -> dict:
    rows = []
    cases = [("example", uncertain(agency()))]
    cases += [(f"{p}x{t}", uncertain(generate(p, t, seed=1))) for p, t in ((40, 500),)]
    for name, scenario in cases:
        plan = solve(scenario, strategy="greedy")
        for policy in ("execute", "replan"):
            samples = args.samples if policy == "execute" else args.replan_samples
            times = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                simulate(scenario, plan, samples=samples, seed=1, policies=(policy,))
                times.append(time.perf_counter() - began)
            median = float(np.median(times))
            rows.append(
                {
                    "scenario": name,
                    "tasks": len(scenario.tasks),
                    "policy": policy,
                    "samples": samples,
                    "median_seconds": round(median, 3),
                    "ms_per_sample": round(1000 * median / samples, 3),
                    "runs": args.repeat,
                }
            )
            print(rows[-1], flush=True)
    rows += _where_time_goes(cases[0][1], args.samples)
    return {"machine": machine(), "rows": rows}


def _where_time_goes(scenario, samples: int) -> list[dict]:
    """The execute policy's parts on one batch of the example: compile, draw, execute."""
    plan = solve(scenario, strategy="greedy")
    began = time.perf_counter()
    problem = compile_problem(scenario, horizon_end=_horizon(scenario, plan))
    placed = on_grid(problem, plan)
    draws = sampling.prepare(scenario, problem, placed.person)
    compiled = time.perf_counter()
    effort = sampling.efforts(draws, 1, range(samples))
    drawn = time.perf_counter()
    execute(problem, placed.person, placed.order, effort)
    done = time.perf_counter()
    parts = {
        "compile and read the plan": compiled - began,
        "draw efforts": drawn - compiled,
        "execute": done - drawn,
    }
    return [
        {"scenario": "example", "part": part, "seconds": round(s, 3), "samples": samples}
        for part, s in parts.items()
    ]


def calibration(args) -> dict:
    projects = []
    for seed in range(1, args.scenarios + 1):
        scenario = uncertain(generate(10, 100, seed=seed))
        plan = solve(scenario, strategy="greedy")
        risk = simulate(scenario, plan, samples=args.samples, seed=seed, policies=("execute",))
        problem = compile_problem(scenario, horizon_end=_horizon(scenario, plan))
        placed = on_grid(problem, plan)
        draws = sampling.prepare(scenario, problem, placed.person)
        truths = sampling.efforts(draws, TRUTH_SEED + seed, range(args.truths))
        true_end = execute(problem, placed.person, placed.order, truths).end
        model = sampling.efforts(draws, seed, range(args.samples))
        cpm_end = execute(problem, placed.person, placed.order, model, sequence_people=False).end
        for j, project in enumerate(scenario.projects):
            mine = [i for i in placed.order if problem.project_of[i] == j]
            if not mine:
                continue
            outlook = risk.outlook(project.id, "execute")
            truth = true_end[:, mine].max(axis=1)
            cpm = np.quantile(cpm_end[:, mine].max(axis=1), [0.5, 0.8], method="inverted_cdf")
            p50, p80 = (problem.grid.offset(outlook.by(q)) for q in (0.5, 0.8))
            projects.append(
                {
                    "seed": seed,
                    "project": project.id,
                    "tasks": len(mine),
                    "p50_met": float(np.mean(truth <= p50)),
                    "p80_met": float(np.mean(truth <= p80)),
                    "first_truth_p80_met": bool(truth[0] <= p80),
                    "cpm_p50_met": float(np.mean(truth <= cpm[0])),
                    "cpm_p80_met": float(np.mean(truth <= cpm[1])),
                    "cpm_p80_early_hours": float((p80 - cpm[1]) * problem.hours_per_tick),
                }
            )
        print(f"seed {seed}: {len(projects)} projects so far", flush=True)
    early = np.array([p["cpm_p80_early_hours"] for p in projects])
    summary = {
        "projects": len(projects),
        "p50_met": round(float(np.mean([p["p50_met"] for p in projects])), 4),
        "p80_met": round(float(np.mean([p["p80_met"] for p in projects])), 4),
        "p80_met_one_truth_each": round(
            float(np.mean([p["first_truth_p80_met"] for p in projects])), 4
        ),
        "cpm_p50_met": round(float(np.mean([p["cpm_p50_met"] for p in projects])), 4),
        "cpm_p80_met": round(float(np.mean([p["cpm_p80_met"] for p in projects])), 4),
        "cpm_p80_early_hours_median": round(float(np.median(early)), 1),
        "cpm_p80_early_hours_p90": round(float(np.quantile(early, 0.9)), 1),
        "share_cpm_p80_earlier": round(float(np.mean(early > 0)), 4),
    }
    print(summary)
    return {
        "machine": machine(),
        "settings": {
            "scenarios": args.scenarios,
            "size": "10x100",
            "samples": args.samples,
            "truths_per_project": args.truths,
            "spread": SPREAD.model_dump(),
        },
        "summary": summary,
        "projects": projects,
    }


def dask(args) -> dict:
    from distributed import Client, LocalCluster

    rows = []
    scenario = uncertain(agency())
    plan = solve(scenario, strategy="greedy")
    problem = compile_problem(scenario, horizon_end=_horizon(scenario, plan))
    shipped = len(pickle.dumps(problem))
    began = time.perf_counter()
    serial = simulate(scenario, plan, samples=args.samples, seed=1)
    rows.append({"workers": 0, "seconds": round(time.perf_counter() - began, 2)})
    print(rows[-1], flush=True)
    for workers in (1, 2, 4):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            pool = client.get_executor()
            began = time.perf_counter()
            client.submit(len, b"x" * shipped).result()  # one round trip of the problem's size
            ship = time.perf_counter() - began
            began = time.perf_counter()
            spread = simulate(scenario, plan, samples=args.samples, seed=1, executor=pool)
            seconds = time.perf_counter() - began
        rows.append(
            {
                "workers": workers,
                "seconds": round(seconds, 2),
                "speed_up": round(rows[0]["seconds"] / seconds, 2),
                "ship_problem_seconds": round(ship, 3),
                "same_as_serial": spread == serial,
            }
        )
        print(rows[-1], flush=True)
    return {
        "machine": machine(),
        "settings": {"scenario": "example", "samples": args.samples, "policies": "both"},
        "problem_bytes": shipped,
        "rows": rows,
    }


def write(part: str, result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"risk_{part}.json").write_text(json.dumps(result, indent=1, default=str))
    lines = [f"# Risk simulation: {part}", "", f"Machine: {result['machine']}", ""]
    if "settings" in result:
        lines += [f"Settings: {result['settings']}", ""]
    if "summary" in result:
        lines += ["| figure | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in result["summary"].items()]
    else:
        rows = result["rows"]
        keys = list(dict.fromkeys(k for row in rows for k in row))
        lines += ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
        lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in rows]
    (RESULTS / f"risk_{part}.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("speed")
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--replan-samples", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("calibration")
    p.add_argument("--scenarios", type=int, default=30)
    p.add_argument("--samples", type=int, default=1000)
    p.add_argument("--truths", type=int, default=50)
    p = sub.add_parser("dask")
    p.add_argument("--samples", type=int, default=400)
    args = parser.parse_args(argv)
    result = {"speed": speed, "calibration": calibration, "dask": dask}[args.part](args)
    write(args.part, result)


if __name__ == "__main__":
    main()
