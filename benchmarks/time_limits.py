"""Does solve() keep its time limit, at every size and grid? Wall time against the limit, peak
memory, where the time went, and how fast a request to stop is answered.

    python benchmarks/time_limits.py                          # every case below
    python benchmarks/time_limits.py --cases minute-grid --limits 2
    PYTHONPATH=/path/to/other/src python benchmarks/time_limits.py --out results/other

Each run is a fresh subprocess (peak memory is the run's own, and OR-Tools is imported inside the
limit, as a first call in a notebook would). A run keeps its promise when it returns within the
limit plus the margin `docs/api.md` documents, max(0.5 s, 10 % of the limit), or, when the
first plan, its lower bounds and its check alone take longer than the limit ("floor"), within
that plus the margin; `over_s` is the plain overrun of the limit. `deterministic`
rows solve the bundled example as the README's main job does, twice, and say whether the two
plans are the same and how long the fixed amount of work took. `stop` rows give `solve()` four
times the largest limit, set its `stop` event from another thread at half that limit, and
measure how long `solve()` took to return after it.
The machine's load average is recorded with every run: wall-clock figures on a shared machine
are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from statistics import median

HERE = Path(__file__).parent
CASES = {
    "10x100": (10, 100, None, None),
    "40x500": (40, 500, None, None),
    "150x2000": (150, 2000, None, None),
    "minute-grid": (24, 60, 1, 3 * 365),
}
"""name: (people, tasks, resolution minutes (None: the generator's), horizon days (None: its))."""
LIMITS = (1.0, 2.0, 5.0)
MARGIN_SECONDS, MARGIN_SHARE = 0.5, 0.10


def scenario_of(case: str):
    sys.path.insert(0, str(HERE))
    from generate import START, generate

    people, tasks, resolution, days = CASES[case]
    scenario = generate(people, tasks, seed=1)
    changes = {}
    if resolution is not None:
        changes["resolution_minutes"] = resolution
    if days is not None:
        changes["horizon_end"] = START + timedelta(days=days)
    return scenario.replace(**changes) if changes else scenario


def run_one(case: str, limit: float, mode: str) -> dict:
    """One solve in this process, measured."""
    from allocate import solve

    if mode == "deterministic":
        return _deterministic(limit)
    scenario = scenario_of(case)
    stop = threading.Event()
    asked = []
    if mode == "stop":

        def ask() -> None:
            asked.append(time.perf_counter())
            stop.set()

        threading.Timer(limit / 2, ask).start()
    began = time.perf_counter()
    kwargs = {"stop": stop} if mode == "stop" else {}
    plan = solve(scenario, time_limit=limit * (4 if mode == "stop" else 1), **kwargs)
    ended = time.perf_counter()
    wall = ended - began
    detail = plan.stats.detail
    first = plan.stats.first_plan_seconds or 0.0
    floor = first + detail.get("bounds_seconds", 0.0) + detail.get("check_seconds", 0.0)
    row = {
        "case": case,
        "mode": mode,
        "limit_s": limit,
        "wall_s": round(wall, 2),
        "over_s": round(wall - limit, 2),
        "floor_s": round(floor, 2) if "check_seconds" in detail else None,
        "kept": wall <= max(limit, floor) + max(MARGIN_SECONDS, MARGIN_SHARE * limit),
        "first_plan_s": round(first, 2),
        "bounds_s": detail.get("bounds_seconds"),
        "check_s": detail.get("check_seconds"),
        "search": detail.get("search", "run") if "check_seconds" in detail else None,
        "strategy": plan.stats.strategy,
        "status": plan.status,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }
    if mode == "stop":
        row["after_stop_s"] = round(ended - asked[0], 2) if asked else None
        row["stopped"] = getattr(plan.stats, "stopped", None)
        row["kept"] = None
    return row


def _deterministic(limit: float) -> dict:
    """The README's main job (the bundled example), twice in this process."""
    from allocate import solve
    from allocate.examples import agency

    plans, walls, cpus = [], [], []
    for _ in range(2):
        began, cpu = time.perf_counter(), time.process_time()
        plan = solve(agency(), time_limit=limit, deterministic=True)
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
        plans.append([(a.task, a.people, a.start) for a in plan.assignments])
    return {
        "case": "example",
        "mode": "deterministic",
        "limit_s": limit,
        "wall_s": round(max(walls), 2),
        "cpu_s": round(max(cpus), 2),
        "same_plan": plans[0] == plans[1],
        "differing": sum(a != b for a, b in zip(plans[0], plans[1], strict=True)),
        "strategy": plan.stats.strategy,
        "status": plan.status,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", nargs="+", default=list(CASES))
    parser.add_argument("--limits", nargs="+", type=float, default=list(LIMITS))
    parser.add_argument("--modes", nargs="+", default=["limit", "stop", "deterministic"])
    parser.add_argument("--out", default=str(HERE / "results" / "time_limits"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child process: one run, JSON on stdout
        case, limit, mode = args.one.split(":")
        print(json.dumps(run_one(case, float(limit), mode)))
        return
    rows = []
    for mode in args.modes:
        cases = ["example"] if mode == "deterministic" else args.cases
        limits = args.limits if mode != "stop" else [max(args.limits)]
        for case in cases:
            for limit in limits:
                command = [sys.executable, __file__, "--one", f"{case}:{limit}:{mode}"]
                done = subprocess.run(command, capture_output=True, text=True, check=True)
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), flush=True)
    write(rows, args)


def write(rows: list[dict], args) -> None:
    import allocate

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    setup = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "allocate": str(Path(allocate.__file__).parent),
        "margin": f"max({MARGIN_SECONDS} s, {MARGIN_SHARE:.0%} of the limit)",
        "workers": "default (2)",
        "seed": 1,
        "date": time.strftime("%Y-%m-%d"),
    }
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1))
    text = [f"Setup: {json.dumps(setup)}", ""]
    for mode, keys in (
        (
            "limit",
            "case limit_s wall_s over_s floor_s kept first_plan_s bounds_s check_s strategy "
            "peak_rss_mb load",
        ),
        ("stop", "case limit_s wall_s after_stop_s stopped strategy peak_rss_mb load"),
        ("deterministic", "case limit_s wall_s cpu_s same_plan differing strategy load"),
    ):
        mine = [r for r in rows if r["mode"] == mode]
        if not mine:
            continue
        names = keys.split()
        text += [f"## {mode}", "", _cells(names), "|" + "---|" * len(names)]
        text += [_cells([r.get(k, "-") for k in names]) for r in mine]
        if mode == "limit":
            kept = sum(bool(r["kept"]) for r in mine)
            text += [
                "",
                f"Kept the limit plus margin: {kept} of {len(mine)}; median overrun "
                f"{median(r['over_s'] for r in mine):.2f} s.",
            ]
        text.append("")
    out.with_suffix(".md").write_text("\n".join(text))
    print("\n".join(text))


def _cells(cells) -> str:
    return "| " + " | ".join("-" if c is None else str(c) for c in cells) + " |"


if __name__ == "__main__":
    main()
