"""PSPLIB single-mode RCPSP (j30, j60) through allocate.solve and, side by side, PyJobShop.

    python benchmarks/psplib.py                     # j30 at 2 s and j60 at 5 s, all 480 each
    python benchmarks/psplib.py --set j30 --every 4 # every 4th instance (120, all classes)
    python benchmarks/psplib.py --set j60 --limit 20 --strategies greedy cpsat --time-limit 5
    python benchmarks/psplib.py --set j60 --only benchmarks/results/psplib_j60_hard.txt \
        --time-limit 30 --seed 1                    # the 79 hard j60 instances at 30 s

Each instance is read with `allocate.instances.read_psplib` into an ordinary Scenario and solved
with the public `solve()` (strategies configurable), then solved by PyJobShop (PyPI) with the same
time limit, workers and seed, one after the other so they never share the cores. PyJobShop runs
in its own virtual environment (`--peer-python`, default /tmp/venv-peers/bin/python; it pins its
own OR-Tools) through benchmarks/pyjobshop_runner.py. Set it up with:

    python -m venv /tmp/venv-peers && /tmp/venv-peers/bin/pip install pyjobshop==0.0.9

Per instance: makespan, status (proven optimal?), wall time, and for allocate whether the checker
accepts the plan. Excess = (makespan - best known) / best known, the PSPLIB literature's measure
(not a gap, which in allocate is always (value - bound) / value; the JSON keeps the key `gap_pct`
for it, as in the files already written), best-known makespans (`ub`) from
`<data-dir>/psplib_sm/reference_psplib_sm.csv`. Results: benchmarks/results/psplib_<set>.{json,md}
(a listed subset, every K-th, a limit, another time limit, seed or a tag add `_hard`,
`_every<K>`, `_limit<N>`, `_<T>s`, `_seed<S>`, `_<tag>` to the name).
"""

from __future__ import annotations

import sys
from pathlib import Path

# this folder would otherwise shadow the `psplib` package that allocate.instances imports
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from statistics import mean, median  # noqa: E402

REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchdata"
TIME_LIMITS = {"j30": 2.0, "j60": 5.0}
PEER = "pyjobshop"


def instances(
    data_dir: Path, name: str, every: int, limit: int | None, only: Path | None = None
) -> list[Path]:
    """The set's .sm files in PSPLIB order (parameter class, then instance); those named in the
    file `only` (if given), then every `every`-th."""
    folder = data_dir / "psplib_sm" / name / "instances"
    files = sorted(folder.glob("*.sm"), key=lambda path: _order(name, path))
    if not files:
        raise SystemExit(f"no .sm files in {folder} (use --data-dir)")
    if only is not None:
        names = set(only.read_text().split())
        files = [path for path in files if path.stem in names]
    files = files[::every]
    return files[:limit] if limit else files


def _order(name: str, path: Path) -> tuple[int, int]:
    """(parameter class, instance) of `j3013_2.sm` in set `j30`: (13, 2)."""
    match = re.fullmatch(rf"{name}(\d+)_(\d+)", path.stem)
    return (int(match.group(1)), int(match.group(2))) if match else (10**6, 0)


def references(data_dir: Path) -> dict[str, dict]:
    path = data_dir / "psplib_sm" / "reference_psplib_sm.csv"
    with path.open() as handle:
        return {
            row["instance"]: {
                "ub": int(row["ub"]),
                "lb": int(row["lb"]),
                "proven_optimal": row["proven_optimal"] == "1",
            }
            for row in csv.DictReader(handle)
        }


def run_allocate(path: Path, strategy: str, time_limit: float, workers: int, seed: int) -> dict:
    from allocate import check, solve
    from allocate.instances import START, read_psplib

    began = time.perf_counter()
    scenario = read_psplib(path)
    chosen = strategy
    if strategy == "cpsat":
        from allocate.strategies.cpsat import CpSat

        chosen = CpSat(workers=workers)
    plan = solve(scenario, time_limit=time_limit, strategy=chosen, seed=seed)
    wall = time.perf_counter() - began
    valid = plan.feasible and not plan.violations and not check(scenario, plan)
    span = max((a.end - START).total_seconds() / 3600 for a in plan.assignments)
    return {
        "makespan": span if valid else None,
        "status": plan.status,
        "optimal": valid and plan.status == "optimal",
        "bound": plan.level_bounds[0] if plan.level_bounds else None,
        "wall_s": round(wall, 3),
        "first_plan_s": round(plan.stats.first_plan_seconds or 0.0, 4),
        "ran": plan.stats.strategy,
        "valid": valid,
        "violations": len(plan.violations),
    }


class Peer:
    """A PyJobShop runner process in the peer virtual environment, kept for the whole run."""

    def __init__(self, python: str):
        self.process = subprocess.Popen(
            [python, str(HERE / "pyjobshop_runner.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.versions = json.loads(self.process.stdout.readline())["versions"]

    def solve(self, path: Path, time_limit: float, workers: int, seed: int) -> dict:
        request = {"path": str(path), "time_limit": time_limit, "workers": workers, "seed": seed}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer.get("error"):
            return {
                "makespan": None,
                "status": "error",
                "optimal": False,
                "valid": False,
                "wall_s": None,
                "error": answer["error"],
            }
        return {
            "makespan": answer["makespan"],
            "status": answer["status"],
            "optimal": answer["status"] == "Optimal",
            "bound": answer["lower_bound"],
            "wall_s": answer["wall_s"],
            "valid": answer["makespan"] is not None,
        }

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def run_set(name: str, args, peer: Peer | None, refs: dict[str, dict]) -> dict:
    time_limit = args.time_limit or TIME_LIMITS[name]
    files = instances(args.data_dir, name, args.every, args.limit, args.only)
    tools = [f"allocate:{s}" for s in args.strategies] + ([PEER] if peer else [])
    load_before = os.getloadavg()
    began = time.perf_counter()
    rows = []
    for k, path in enumerate(files, 1):
        ref = refs.get(path.stem, {})
        row = {
            "instance": path.stem,
            "best_known": ref.get("ub"),
            "lb": ref.get("lb"),
            "results": {},
        }
        for strategy in args.strategies:
            result = run_allocate(path, strategy, time_limit, args.workers, args.seed)
            row["results"][f"allocate:{strategy}"] = result
        if peer:
            row["results"][PEER] = peer.solve(path, time_limit, args.workers, args.seed)
        for result in row["results"].values():
            result["gap_pct"] = _excess(result.get("makespan"), row["best_known"])
        rows.append(row)
        cells = "  ".join(
            f"{tool} {_show(r.get('makespan'))} {r['status'][:4]} {r.get('wall_s') or 0:.2f}s"
            for tool, r in row["results"].items()
        )
        print(f"[{k}/{len(files)}] {path.stem} best {row['best_known']}  {cells}", flush=True)
    setup = {
        "set": name,
        "instances": len(files),
        "selection": _selection(args),
        "limit": args.limit,
        "time_limit_s": time_limit,
        "workers": args.workers,
        "seed": args.seed,
        "strategies": args.strategies,
        "peer": peer.versions if peer else None,
        "machine": _machine(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "run_wall_s": round(time.perf_counter() - began, 1),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "tag": args.tag,
    }
    return {"setup": setup, "summary": summarise(rows, tools), "runs": rows}


def _selection(args) -> str:
    """'all', 'every 4th', 'listed in psplib_j60_hard.txt' or 'every 2th listed in ...'."""
    listed = f"listed in {args.only.name}" if args.only else ""
    if args.every == 1:
        return listed or "all"
    return " ".join(filter(None, [f"every {args.every}th", listed]))


def _excess(makespan, best) -> float | None:
    """Percent above the best-known makespan."""
    if makespan is None or not best:
        return None
    return round(100.0 * (makespan - best) / best, 3)


def _show(value) -> str:
    return "-" if value is None else f"{value:g}"


def summarise(rows: list[dict], tools: list[str]) -> dict:
    summary = {}
    for tool in tools:
        results = [row["results"][tool] for row in rows]
        valid = [r for r in results if r["valid"]]
        gaps = [r["gap_pct"] for r in valid if r["gap_pct"] is not None]
        times = [r["wall_s"] for r in results if r.get("wall_s") is not None]
        summary[tool] = {
            "instances": len(results),
            "valid": len(valid),
            "mean_gap_pct": round(mean(gaps), 2) if gaps else None,
            "median_gap_pct": round(median(gaps), 2) if gaps else None,
            "max_gap_pct": round(max(gaps), 2) if gaps else None,
            "at_best_known_pct": round(100 * sum(g <= 0 for g in gaps) / len(results), 1)
            if results
            else None,
            "proven_optimal_pct": round(100 * sum(r["optimal"] for r in results) / len(results), 1)
            if results
            else None,
            "mean_time_s": round(mean(times), 3) if times else None,
            "max_time_s": round(max(times), 3) if times else None,
        }
    return summary


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write(result: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    setup, summary = result["setup"], result["summary"]
    base = out_dir / _stem(setup)
    base.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    lines = [
        f"# PSPLIB {setup['set']}: allocate and PyJobShop",
        "",
        f"{setup['instances']} instances ({setup['selection']}), {setup['time_limit_s']:g} s per "
        f"instance and tool, {setup['workers']} workers, seed {setup['seed']}; run "
        f"{setup['date']} on {setup['machine']} (shared with other work: load average "
        f"{setup['load_average_before'][0]} before, {setup['load_average_after'][0]} after).",
        f"PyJobShop: {json.dumps(setup['peer'])}.",
        "",
        "Excess = (makespan - best known) / best known, over the instances the tool solved; "
        "times are wall-clock seconds per instance, reading the file included.",
        "",
        "| tool | valid plans | mean excess % | median excess % | max excess % | at best known % "
        "| proven optimal % | mean time s | max time s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for tool, s in summary.items():
        lines.append(
            f"| {tool} | {s['valid']}/{s['instances']} | {_show(s['mean_gap_pct'])} | "
            f"{_show(s['median_gap_pct'])} | {_show(s['max_gap_pct'])} | "
            f"{_show(s['at_best_known_pct'])} | {_show(s['proven_optimal_pct'])} | "
            f"{_show(s['mean_time_s'])} | {_show(s['max_time_s'])} |"
        )
    tools = list(summary)
    lines += [
        "",
        "Per instance (makespan, status, seconds):",
        "",
        "| instance | best known | " + " | ".join(tools) + " |",
        "|---|---|" + "---|" * len(tools),
    ]
    for row in result["runs"]:
        cells = " | ".join(
            f"{_show(r.get('makespan'))} {r['status']} {_show(r.get('wall_s'))}"
            for r in (row["results"][t] for t in tools)
        )
        lines.append(f"| {row['instance']} | {_show(row['best_known'])} | {cells} |")
    base.with_suffix(".md").write_text("\n".join(lines) + "\n")
    return base


def _stem(setup: dict) -> str:
    """psplib_j30 for a full run with seed 0; psplib_j60_every4_seed1 and the like otherwise."""
    selection = setup["selection"]
    every = re.search(r"every (\d+)th", selection)
    listed = re.search(r"listed in (?:psplib_[a-z0-9]+_)?(\w+)\.\w+", selection)
    default = TIME_LIMITS.get(setup["set"])
    return "_".join(
        [f"psplib_{setup['set']}"]
        + ([listed.group(1)] if listed else [])
        + ([f"every{every.group(1)}"] if every else [])
        + ([f"limit{setup['limit']}"] if setup["limit"] else [])
        + ([f"{setup['time_limit_s']:g}s"] if setup["time_limit_s"] != default else [])
        + ([f"seed{setup['seed']}"] if setup["seed"] else [])
        + ([setup["tag"]] if setup.get("tag") else [])
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", nargs="+", default=["j30", "j60"], choices=sorted(TIME_LIMITS))
    parser.add_argument("--limit", type=int, help="at most N instances per set")
    parser.add_argument("--every", type=int, default=1, help="every K-th instance (stratified)")
    parser.add_argument(
        "--only", type=Path, help="a file of instance names (e.g. results/psplib_j60_hard.txt)"
    )
    parser.add_argument("--tag", default="", help="a word added to the results' file names")
    parser.add_argument(
        "--time-limit",
        type=float,
        help="seconds per instance and tool (default: 2 for j30, 5 for j60)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--strategies",
        nargs="+",
        default=["auto"],
        help="allocate strategies to run: auto, greedy, cpsat (default auto)",
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--peer-python",
        default="/tmp/venv-peers/bin/python",
        help="Python of the environment with PyJobShop installed",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip PyJobShop")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    refs = references(args.data_dir)
    peer = None
    if not args.no_peer:
        if not Path(args.peer_python).exists():
            raise SystemExit(
                f"{args.peer_python} not found: create the peer environment (see --help) "
                "or pass --no-peer"
            )
        peer = Peer(args.peer_python)
    try:
        for name in args.set:
            result = run_set(name, args, peer, refs)
            base = write(result, args.out)
            print(json.dumps(result["summary"], indent=1))
            print(f"wrote {base}.json and {base}.md")
    finally:
        if peer:
            peer.close()


if __name__ == "__main__":
    main()
