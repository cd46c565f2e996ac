"""How long conflict diagnosis takes: the fast checks at scale, the CP-SAT core on small cases.

    python benchmarks/conflicts.py                  # all of it
    python benchmarks/conflicts.py --sizes 10x100 --seeds 1

Fast checks (`allocate.conflicts.precheck`): generated agency scenarios (`generate.py`) with 5 %
of the tasks pinned to a random qualified person at a random hour of the first 60 days (so that
some pins land off work or before their predecessors), timed after compiling (median of 3).

Core (`allocate.conflicts.core`, one CP-SAT worker, deletion filtering at most 1 s per re-solve):
a hand-made contradiction; generated 10 x 100 scenarios whose horizon end is cut to 60 days
(releases in its last 10 days dropped: chains cannot end); and ones whose horizon ends 7 days
after the resource-free earliest finish (every chain fits; the people may not).
Results go to `benchmarks/results/conflicts.{json,md}`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import Calendar, Person, Pin, Scenario, Task  # noqa: E402
from allocate.bounds import earliest_schedule  # noqa: E402
from allocate.conflicts import core, precheck  # noqa: E402
from allocate.problem import compile_problem  # noqa: E402

SIZES = ["10x100", "40x500", "150x2000"]


def with_pins(scenario: Scenario, seed: int, share: float = 0.05) -> Scenario:
    rng = np.random.default_rng(seed)
    pins = []
    for task in scenario.tasks:
        if rng.random() < share:
            people = scenario.qualified_people(task)
            person = people[int(rng.integers(len(people)))].id
            start = scenario.start + timedelta(hours=int(rng.integers(0, 60 * 24)))
            pins.append(Pin(task=task.id, person=person, start=start))
    return Scenario.model_validate(scenario.model_dump() | {"pins": [p.model_dump() for p in pins]})


def time_precheck(size: str, seed: int) -> dict:
    people, tasks = map(int, size.split("x"))
    scenario = with_pins(generate(people, tasks, seed=seed), seed)
    began = time.perf_counter()
    problem = compile_problem(scenario)
    compile_s = time.perf_counter() - began
    times, found = [], []
    for _ in range(3):
        began = time.perf_counter()
        found = precheck(scenario, problem)
        times.append(time.perf_counter() - began)
    return {
        "size": size,
        "seed": seed,
        "pins": len(scenario.pins),
        "compile_s": round(compile_s, 3),
        "precheck_s": round(median(times), 3),
        "conflicts": len(found),
        "first": found[0].message if found else "",
    }


def small_cases() -> dict[str, Scenario]:
    monday = datetime(2026, 4, 27, 9, tzinfo=UTC)
    ana = Person(id="ana", skills={"backend": 3}, calendar=Calendar())
    ben = Person(id="ben", skills={"design": 2}, calendar=Calendar())
    tuesday = Scenario(
        start=monday,
        people=[ana, ben],
        tasks=[
            Task(id="a", effort_hours=8, skills={"backend": 1}),
            Task(id="b", effort_hours=8, skills={"backend": 1}, release=monday + timedelta(1)),
            Task(id="c", effort_hours=4, skills={"design": 1}, release=monday + timedelta(0.1)),
            Task(id="d", effort_hours=4, skills={"design": 1}, after=["c"]),
        ],
        pins=[Pin(task="a", start=monday + timedelta(1)), Pin(task="d", person="ben")],
        horizon_end=monday + timedelta(days=1, hours=8),
    )
    cases = {"pin, release and horizon (4 tasks)": tuesday}
    for seed in (1, 2, 3):
        cases[f"10x100 seed {seed}, horizon cut to 60 days"] = _cut(generate(10, 100, seed), 60)
    for seed in (1, 2, 3):
        cases[f"10x100 seed {seed}, horizon 7 days past the chains"] = _tight(
            generate(10, 100, seed), 7
        )
    return cases


def _cut(scenario: Scenario, days: int) -> Scenario:
    """`scenario` with its horizon end `days` after the start and no release in the last 10 days
    of it (the fast checks still find chains that cannot end in time)."""
    end = scenario.start + timedelta(days=days)
    tasks = [
        t.model_dump()
        | ({"release": None} if t.release and t.release > end - timedelta(10) else {})
        for t in scenario.tasks
    ]
    return Scenario.model_validate(scenario.model_dump() | {"horizon_end": end, "tasks": tasks})


def _tight(scenario: Scenario, days: int) -> Scenario:
    """`scenario` with its horizon end `days` after the resource-free earliest finish: every chain
    fits (no fast check fires); whether the people can do it all in time is CP-SAT's question."""
    problem = compile_problem(scenario)
    end = problem.grid.time(int(earliest_schedule(problem).end.max())) + timedelta(days=days)
    return Scenario.model_validate(scenario.model_dump() | {"horizon_end": end})


def time_core(name: str, scenario: Scenario, time_limit: float) -> dict:
    problem = compile_problem(scenario)
    began = time.perf_counter()
    fast = precheck(scenario, problem)
    precheck_s = time.perf_counter() - began
    began = time.perf_counter()
    diagnosis, conflicts = core(scenario, problem, time_limit)
    return {
        "case": name,
        "precheck_conflicts": len(fast),
        "precheck_s": round(precheck_s, 3),
        "status": diagnosis.status,
        "core_s": round(time.perf_counter() - began, 2),
        "inputs": len(diagnosis.inputs) if diagnosis.status == "infeasible" else None,
        "conflict": conflicts[0].message if conflicts else "",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=SIZES)
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--core-limit", type=float, default=30.0)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    prechecks = [time_precheck(size, seed) for size in args.sizes for seed in args.seeds]
    cores = [time_core(n, s, args.core_limit) for n, s in small_cases().items()]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "core_time_limit_s": args.core_limit,
        "precheck": prechecks,
        "core": cores,
    }
    out = HERE / "results"
    (out / "conflicts.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "conflicts.md").write_text(_markdown(result))
    print(_markdown(result))


def _markdown(result: dict) -> str:
    lines = [
        "# Conflict diagnosis timings",
        "",
        f"Machine: {result['machine']}; load average before {result['load_before']}, after "
        f"{result['load_after']} (shared with other agents). Core: one CP-SAT worker, time limit "
        f"{result['core_time_limit_s']} s.",
        "",
        "## Fast checks (after compiling; 5 % of tasks pinned at random)",
        "",
        "| size | seed | pins | compile s | precheck s | conflicts |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["precheck"]:
        lines.append(
            f"| {r['size']} | {r['seed']} | {r['pins']} | {r['compile_s']} | {r['precheck_s']} "
            f"| {r['conflicts']} |"
        )
    lines += [
        "",
        "## CP-SAT core",
        "",
        "| case | fast checks found | core status | core seconds | inputs named |",
        "|---|---|---|---|---|",
    ]
    for r in result["core"]:
        lines.append(
            f"| {r['case']} | {r['precheck_conflicts']} | {r['status']} | {r['core_s']} "
            f"| {'-' if r['inputs'] is None else r['inputs']} |"
        )
    lines += ["", "Conflicts named:", ""]
    lines += [f"- {r['case']}: {r['conflict']}" for r in result["core"] if r["conflict"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
