"""Did a refactoring change what allocate plans? A deterministic fingerprint of a fixed set.

    python benchmarks/equivalence.py --out /tmp/before.json      # on the old code
    python benchmarks/equivalence.py --out /tmp/after.json       # on the new code
    python benchmarks/equivalence.py --compare /tmp/before.json /tmp/after.json
    python benchmarks/equivalence.py --table /tmp/before.json /tmp/after.json  # markdown

Wall-clock limits make two runs differ with the machine's load, so nothing here depends on the
clock: CP-SAT runs with one worker and a deterministic time limit (`max_deterministic_time`),
LNS with one worker and a fixed number of sub-solves (`Lns(iterations=...)`), and every time limit
is far beyond what those budgets take. Equal code then gives equal plans on any machine (with
the same OR-Tools).

The set: the bundled example; generated scenarios (benchmarks/generate.py) at 10 x 100 (seeds 1
and 2; seed 1 also with weekly and with project limits, and as a "kitchen sink" that names every
objective term and has optional work, teams, preferences, streams, a resource and pins), kitchen
sinks at 8 x 40 (seed 2, small enough for CP-SAT to improve) and 6 x 30 (seed 3, which has no
plan: the conflict diagnosis runs), 40 x 500 (seed 1); 20 PSPLIB j30 instances that need a search
(`J30`) and 10 MSLIB set 1 instances from `--data-dir`.

Per scenario it records the compiled problem's fingerprint, the lower bounds, the strategy `auto`
would pick, the hashes of the whole CP-SAT model and of one neighbourhood model (both hinted with
the greedy plan), and per strategy (greedy, deterministic CP-SAT, deterministic LNS, each through
`solve()`) the plan: status, assignments, objective, bounds, gap, explanations and the
deterministic counters of its stats.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
import psplib  # noqa: E402, F401  (the PyPI package, before benchmarks/psplib.py can shadow it)

sys.path.append(str(HERE))  # generate.py, limits.py

DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata"
DETERMINISTIC = 2.0
"""CP-SAT deterministic seconds per stage (whole model), one worker."""
ITERATIONS = 12
"""LNS sub-solves, one worker, each within its own deterministic limit."""
J30 = (
    "j301_1", "j303_2", "j305_10", "j307_7", "j3010_1", "j3011_8", "j3014_3", "j3017_7",
    "j3019_5", "j3022_1", "j3023_7", "j3026_5", "j3030_10", "j3034_1", "j3037_2", "j3041_4",
    "j3013_1", "j3013_5", "j3029_3", "j3045_2",
)  # fmt: skip
"""Every 14th of the 287 j30 instances whose greedy plan is not proven optimal at once (so the
search runs), and four that allocate did not prove optimal in 2 s
(benchmarks/results/psplib_j30.json)."""
WALL = 3600.0
"""A time limit no run here comes near: the deterministic budgets end every search."""
DETAIL_KEYS = (
    "options",
    "resolution_minutes",
    "horizon",
    "horizon_kind",
    "hint",
    "solutions",
    "stages",
    "iterations",
    "improvements",
    "accepted",
    "conflicts",
    "start",
    "formulation",
)
"""Counters in `Plan.stats.detail` that do not depend on the clock."""


# --- the set -----------------------------------------------------------------------------------


def cases(data_dir: Path, quick: bool) -> list[tuple[str, object]]:
    """(name, a function returning the Scenario) for every scenario of the set."""
    from generate import generate
    from limits import with_limits

    from allocate.examples import agency
    from allocate.instances import read_mslib, read_psplib

    found: list[tuple[str, object]] = [("example", agency)]
    found += [(f"gen-10x100-s{s}", lambda s=s: generate(10, 100, seed=s)) for s in (1, 2)]
    for variant in ("weekly", "projects"):
        found.append(
            (f"gen-10x100-s1-{variant}", lambda v=variant: with_limits(generate(10, 100, 1), v))
        )
    found.append(("gen-10x100-s1-kitchen-sink", lambda: kitchen_sink(generate(10, 100, seed=1))))
    found.append(("gen-8x40-s2-kitchen-sink", lambda: kitchen_sink(generate(8, 40, seed=2))))
    found.append(("gen-6x30-s3-kitchen-sink", lambda: kitchen_sink(generate(6, 30, seed=3))))
    if not quick:
        found.append(("gen-40x500-s1", lambda: generate(40, 500, seed=1)))
    j30 = data_dir / "psplib_sm" / "j30" / "instances"
    chosen = J30[: 4 if quick else len(J30)]
    found += [(f"j30-{name}", lambda p=j30 / f"{name}.sm": read_psplib(p)) for name in chosen]
    mslib = sorted(
        (data_dir / "mslib_set1").glob("*.msrcp"), key=lambda p: int(p.stem.rsplit("_", 1)[-1])
    )
    step = max(1, len(mslib) // 12)
    chosen = mslib[::step][:12]
    chosen = [p for p in chosen if p.stat().st_size < 6000][: 3 if quick else 10]
    found += [(f"mslib-{p.stem}", lambda p=p: read_mslib(p)) for p in chosen]
    return found


def kitchen_sink(scenario):
    """`scenario` with every objective term and every kind of input a term or rule reads:
    optional leaves, preferences and avoidances, streams, a two-person task, a shared resource,
    pins. Deterministic, like the generator."""
    from allocate.scenario import Pin, Resource, Scenario, Task

    headcount = "headcount" if "headcount" in Task.model_fields else "people"  # renamed

    tasks = list(scenario.tasks)
    has_successor = {dep.task for task in tasks for dep in task.after}
    pinned = []
    for i, task in enumerate(tasks):
        update = {}
        qualified = [p.id for p in scenario.qualified_people(task)]
        if task.id not in has_successor and i % 3 == 0:
            update["optional"] = True
        elif i % 17 == 5 and len(qualified) >= 3:
            update[headcount] = 2
        if i % 5 == 1 and qualified:
            update["preferred"] = (qualified[-1],)
        if i % 7 == 2 and len(qualified) > 1:
            update["avoided"] = (qualified[0],)
        if i % 4 == 0:
            update["stream"] = f"s{task.project}"
        if i % 9 == 4:
            update["resources"] = {"lab": 1}
        if i % 31 == 3 and not task.after and task.release is None and qualified:
            pinned.append(Pin(task=task.id, person=qualified[0]))
        tasks[i] = task.model_copy(update=update)
    objective = (
        {"lateness": 1.0, "unplaced": 1.0, "late_projects": 2.0},
        {"peak_utilisation": 1.0, "utilisation_spread": 0.5},
        {"cost": 1.0, "preferences": 3.0, "handovers": 2.0, "people_per_project": 1.0},
        {"makespan": 1.0},
    )
    return Scenario(
        **{
            **dict(scenario),
            "name": scenario.name + ", kitchen sink",
            "tasks": tuple(tasks),
            "resources": (Resource(id="lab", capacity=2),),
            "pins": tuple(pinned),
            "objective": objective,
        }
    )


# --- fingerprints ------------------------------------------------------------------------------


def digest(value) -> str:
    """A stable hash of nested arrays, tuples, dataclasses and plain values."""
    hasher = hashlib.sha256()

    def feed(item) -> None:
        if isinstance(item, np.ndarray):
            hasher.update(f"a{item.dtype.kind}{item.shape}".encode())
            hasher.update(np.ascontiguousarray(item.astype(np.int64)).tobytes())
        elif is_dataclass(item):
            for f in fields(item):
                hasher.update(f.name.encode())
                feed(getattr(item, f.name))
        elif isinstance(item, list | tuple):
            hasher.update(f"l{len(item)}".encode())
            for element in item:
                feed(element)
        elif isinstance(item, dict):
            for key in sorted(item, key=repr):
                feed(key)
                feed(item[key])
        else:
            hasher.update(repr(item).encode())

    feed(value)
    return hasher.hexdigest()[:16]


PROBLEM_FIELDS = (
    "horizon",
    "first_tick",
    "start_offset",
    "task_ids",
    "person_ids",
    "effort",
    "release",
    "staffed",
    "eligible",
    "working",
    "cum_work",
    "org_cum_work",
    "precedences",
    "dues",
    "pinned_person",
    "pinned_start",
    "project_of",
    "rate_cents",
    "preferred",
    "avoided",
    "handovers",
    "available",
    "capacity",
    "demand",
    "optional",
    "priority",
    "week_limit",
    "week_start",
    "project_limit",
    "leader",
)
"""What a compiled problem holds (read by name, so that moving where a field lives is fine as
long as the name still answers)."""


def problem_fingerprint(problem) -> dict:
    return {
        "resolution": int(problem.resolution),
        "origin": getattr(problem, "grid", problem).origin.isoformat(),
        **{name: digest(getattr(problem, name)) for name in PROBLEM_FIELDS},
    }


def model_hashes(problem, greedy_schedule) -> dict:
    """The whole model's and a 20-task neighbourhood's CP-SAT protos, hinted with the greedy
    plan (equal protos mean equal searches)."""
    from allocate.strategies.cpsat.fixing import Fixing
    from allocate.strategies.cpsat.hint import add_hint, model_horizon
    from allocate.strategies.cpsat.model import build_model

    found = {}
    horizon, _ = model_horizon(problem, greedy_schedule)
    whole = build_model(problem, "day-hour", horizon)
    if whole.variables is not None:
        add_hint(whole.model, problem, whole.variables, greedy_schedule)
    found["whole"] = _proto_hash(whole)
    free = np.arange(0, problem.n_tasks, max(1, problem.n_tasks // 20))[:20]
    part = build_model(problem, "day-hour", horizon, Fixing(greedy_schedule, free))
    if part.variables is not None:
        add_hint(part.model, problem, part.variables, greedy_schedule)
    found["neighbourhood"] = _proto_hash(part)
    return found


def _proto_hash(built) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pb"
        built.model.export_to_file(str(path))
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def plan_record(plan) -> dict:
    detail = plan.stats.detail
    return {
        "status": plan.status,
        "strategy": plan.stats.strategy,
        "assignments": [
            [a.task, list(a.people), a.start.isoformat(), a.end.isoformat()]
            for a in plan.assignments
        ],
        "objective": {k: round(v, 9) for k, v in sorted(plan.objective.items())},
        "level_bounds": [round(b, 9) for b in plan.level_bounds],
        "gap": None if plan.gap is None else round(plan.gap, 12),
        "unplaced": [[u.task, u.reason] for u in plan.unplaced],
        "left_out": [[u.task, u.reason] for u in plan.left_out],
        "late": [str(late) for late in plan.late],
        "conflicts": [str(c) for c in plan.conflicts],
        "violations": [str(v) for v in plan.violations],
        "detail": {k: detail[k] for k in DETAIL_KEYS if k in detail},
    }


def auto_choice(problem) -> str:
    from allocate.solve import _choose

    chosen = _choose("auto", problem)
    chosen = chosen[0] if isinstance(chosen, tuple) else chosen  # (strategy, why) since main
    return "greedy" if chosen is None else chosen.name


# --- one scenario ------------------------------------------------------------------------------


def measure(name: str, make, skip_cpsat: bool) -> dict:
    from allocate import solve
    from allocate.bounds import level_bounds
    from allocate.problem import compile_problem
    from allocate.strategies.cpsat import CpSat
    from allocate.strategies.greedy import Greedy
    from allocate.strategies.lns import Lns

    began = time.perf_counter()
    scenario = make()
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem)
    record = {
        "problem": problem_fingerprint(problem),
        "bounds": [round(b, 9) for b in level_bounds(problem)],
        "auto": auto_choice(problem),
        "greedy_values": [round(v, 9) for v in greedy.level_values],
    }
    if greedy.schedule.complete:
        record["models"] = model_hashes(problem, greedy.schedule)
    params = {"max_deterministic_time": DETERMINISTIC}
    strategies = {"greedy": "greedy"}
    if not skip_cpsat:
        strategies["cpsat"] = CpSat(workers=1, params=params)
    strategies["lns"] = Lns(workers=1, iterations=ITERATIONS, params=params)
    record["plans"] = {
        label: plan_record(solve(scenario, strategy=strategy, time_limit=WALL, seed=0))
        for label, strategy in strategies.items()
    }
    record["seconds"] = round(time.perf_counter() - began, 1)
    return record


def run(data_dir: Path, out: Path, quick: bool, only: str | None) -> None:
    results = {}
    for name, make in cases(data_dir, quick):
        if only and only not in name:
            continue
        results[name] = measure(name, make, skip_cpsat=name.startswith("gen-40x500"))
        plans = results[name]["plans"]
        summary = "  ".join(
            f"{label} {'/'.join(f'{v:g}' for v in p['objective'].values())}"
            for label, p in plans.items()
        )
        print(f"{name:32s} {results[name]['seconds']:6.1f} s  {summary}", flush=True)
    meta = {"deterministic_time": DETERMINISTIC, "lns_iterations": ITERATIONS, "workers": 1}
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=1) + "\n")
    print(f"wrote {out}")


# --- comparing ---------------------------------------------------------------------------------


def compare(before: Path, after: Path) -> int:
    """Print every difference between two result files; the number of differing scenarios."""
    old, new = (json.loads(p.read_text())["results"] for p in (before, after))
    differing = 0
    for name in sorted(old.keys() | new.keys()):
        if name not in old or name not in new:
            print(f"{name}: only in {'after' if name in new else 'before'}")
            differing += 1
            continue
        diffs = list(_differences(old[name], new[name], ""))
        if diffs:
            differing += 1
            print(f"{name}:")
            for path, a, b in diffs[:12]:
                print(f"  {path}: {_short(a)} -> {_short(b)}")
    same = len(old.keys() & new.keys()) - differing
    print(f"{same} of {len(old.keys() | new.keys())} scenarios identical")
    return differing


def table(files: list[Path]) -> str:
    """A markdown table: per scenario, each strategy's lateness, left-out work and makespan (h) in
    the first file, and whether each later file is identical to it (everything recorded, the
    model hashes included)."""
    runs = [json.loads(p.read_text())["results"] for p in files]
    base = runs[0]
    header = "| scenario | greedy | cpsat | lns | " + " | ".join(p.stem for p in files[1:]) + " |"
    shown = ("lateness", "unplaced", "makespan")
    lines = [header, "|" + "---|" * (4 + len(files) - 1)]
    for name in sorted(base):
        plans = base[name]["plans"]
        cells = [
            ", ".join(
                f"{term} {plans[k]['objective'][term]:,.0f}"
                for term in shown
                if term in plans[k]["objective"]
            )
            if k in plans
            else "-"
            for k in ("greedy", "cpsat", "lns")
        ]
        same = [
            "identical" if not list(_differences(base[name], run.get(name), "")) else "differs"
            for run in runs[1:]
        ]
        lines.append(f"| {name} | " + " | ".join(cells + same) + " |")
    return "\n".join(lines)


def _differences(a, b, path: str):
    if path.endswith("seconds"):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            yield from _differences(a.get(key), b.get(key), f"{path}.{key}")
    elif a != b:
        yield path, a, b


def _short(value) -> str:
    text = json.dumps(value)
    return text if len(text) < 100 else text[:97] + "..."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/equivalence.json"))
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument(
        "--table", nargs="+", type=Path, metavar="FILE", help="a markdown table of result files"
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="a smaller set, for a first look")
    parser.add_argument("--only", help="only scenarios whose name contains this")
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(*args.compare) else 0)
    if args.table:
        print(table(args.table))
        return
    run(args.data_dir, args.out, args.quick, args.only)


if __name__ == "__main__":
    main()
