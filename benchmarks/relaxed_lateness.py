"""A lower bound on lateness from a relaxation that knows who competes for whom.

    python benchmarks/relaxed_lateness.py --sizes 10x100 --seeds 1 2 --seconds 120
    python benchmarks/relaxed_lateness.py --check --sizes 4x12 5x16 --seeds 1 2 3 --seconds 30
    python benchmarks/relaxed_lateness.py --library --out /tmp/before   # (another checkout)
    python benchmarks/relaxed_lateness.py --library --before /tmp/before.json

Why: on generated 10 x 100 scenarios plans stay 66-73 % above `solve()`'s lateness bound, and
long searches of two kinds stop near the same plans: is the bound or the plan to blame? The
library's bound (`bounds/competition.py`) lets a pool of people work as one machine of their
summed capacity and looks at one pool at a time. This relaxation keeps much more:

* each task goes to one of its eligible people (`x[t, p]`), whose working hours it uses;
* time is in days: `w[t, p, d]` hours of task t done by p on day d, at most p's working hours that
  day in total over all tasks (work may split across days and pause: preemptive);
* `z[t, d]`: t is done by the end of day d (monotone); no work before its resource-free earliest
  start; a finish-to-start successor does no work on a day its predecessor is not done by;
* a task not done by the end of day d ends after it: `end_t >= 1 + 24 * #{d : z[t, d] = 0}`
  (ticks of an hour), and no earlier than its floor from `bounds.finish_bounds`;
* weighted lateness as the library counts it, per due the latest of its tasks.

Every plan gives a solution of this model with the same or higher lateness, so a solver's proven
bound on it (whether or not it finishes; `--solver` CP_SAT, HIGHS or SCIP through OR-Tools' linear
solver wrapper, GLOP for the LP relaxation alone) is a lower bound on every plan's lateness.
`--check` compares it with CP-SAT's proven optimum on scenarios small enough to prove.
Results: `benchmarks/results/relaxed_lateness.{md,json}`.

`--library` times the library's lateness bound alone (no relaxation; median of three first calls
on freshly compiled problems) and sets it against the proven optima and relaxation bounds of
`relaxed_lateness_check.json` and the best plans known for the larger scenarios (`KNOWN`);
`--before` adds the columns of an earlier `--library` run (of another checkout: run it with that
checkout's `src` first on PYTHONPATH). Results: `benchmarks/results/lateness_bound.{md,json}`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def relaxed_bound(problem, seconds: float, solver_name: str = "CP_SAT") -> dict:
    """The relaxation solved by `solver_name` (an OR-Tools linear solver: GLOP for its LP
    relaxation, HIGHS or SCIP as a MIP): its proven lower bound and best value, in weighted
    hours (a MIP stopped early still proves its best bound)."""
    from ortools.linear_solver import pywraplp

    from allocate.bounds import earliest_schedule, finish_bounds
    from allocate.problem import FS, NONE
    from allocate.schedule import required

    lp = pywraplp.Solver.CreateSolver(solver_name)
    integer = solver_name != "GLOP"
    tpd = problem.ticks_per_day
    days = -(-problem.horizon // tpd)
    working = np.zeros((problem.n_people, days * tpd), dtype=np.int64)
    working[:, : problem.horizon] = problem.working[:, : problem.horizon]
    cap = working.reshape(problem.n_people, days, tpd).sum(axis=2)
    earliest = earliest_schedule(problem, without_optional=True)
    finishes, _ = finish_bounds(problem)
    must = required(problem)
    z, people_of, work, end = {}, {}, {}, {}
    modelled = [
        t
        for t in range(problem.n_tasks)
        if must[t] and problem.staffed[t] and problem.effort[t] > 0 and len(problem.eligible[t])
    ]
    load: dict[tuple[int, int], list] = {}
    for t in modelled:
        effort = int(problem.effort[t])
        first = max(int(earliest.start[t]), int(problem.release[t]), 0) // tpd
        people = [int(p) for p in problem.eligible[t]]
        if problem.pinned_person[t] != NONE:
            people = [int(problem.pinned_person[t])]
        x = [lp.IntVar(0, 1, "") if integer else lp.NumVar(0, 1, "") for _ in people]
        lp.Add(sum(x) == 1)
        zs = [lp.IntVar(0, 1, "") if integer else lp.NumVar(0, 1, "") for _ in range(days)]
        for d in range(first):
            lp.Add(zs[d] == 0)
        lp.Add(zs[-1] == 1)
        for a, b in zip(zs, zs[1:], strict=False):
            lp.Add(a <= b)
        daily = [[] for _ in range(days)]
        for p, xp in zip(people, x, strict=True):
            mine = []
            for d in range(first, days):
                if cap[p, d] > 0:
                    w = lp.NumVar(0, min(effort, int(cap[p, d])), "")
                    mine.append(w)
                    daily[d].append(w)
                    load.setdefault((p, d), []).append(w)
            lp.Add(sum(mine) == effort * xp)
        done = None  # hours done by the end of each day, one variable a day (a sparse model)
        for d in range(first, days):
            today = lp.NumVar(0, effort, "")
            lp.Add(today == (0 if done is None else done) + sum(daily[d]))
            lp.Add(today >= effort * zs[d])  # done by day d only with all its work done
            done = today
        z[t], people_of[t], work[t] = zs, people, daily
        end[t] = lp.NumVar(0, days * tpd + 1, "")
        lp.Add(end[t] >= 1 + tpd * sum(1 - v for v in zs))
    for (p, d), ws in load.items():
        if len(ws) > 1:
            lp.Add(sum(ws) <= int(cap[p, d]))
    for prec in problem.precedences:
        a, b = prec.pred, prec.succ
        if prec.kind != FS or a not in z or b not in z or prec.lag < 0:
            continue
        effort = int(problem.effort[b])
        for d in range(days):
            lp.Add(z[b][d] <= z[a][d])
            if work[b][d]:
                lp.Add(sum(work[b][d]) <= effort * z[a][d])
    objective = []
    for k, due in enumerate(problem.dues):
        if not must[list(due.tasks)].any():
            continue
        floor = max(0, int(finishes[k]) - due.tick)
        late = lp.NumVar(floor, days * tpd + 1 + abs(due.tick), "")
        for t in due.tasks:
            if t in end:
                lp.Add(late >= end[t] - due.tick)
        objective.append(due.weight * late)
    lp.Minimize(sum(objective))
    lp.SetTimeLimit(int(seconds * 1000))
    lp.SetNumThreads(2)
    began = time.perf_counter()
    status = lp.Solve()
    names = {lp.OPTIMAL: "OPTIMAL", lp.FEASIBLE: "FEASIBLE", lp.INFEASIBLE: "INFEASIBLE"}
    found = status in (lp.OPTIMAL, lp.FEASIBLE)
    bound = lp.Objective().BestBound() if integer else lp.Objective().Value()
    if not found and not integer:
        bound = 0.0
    hours = problem.hours_per_tick
    return {
        "solver": solver_name,
        "status": names.get(status, "NOT_SOLVED"),
        "bound_h": round(bound * hours - 1e-6, 1) if (found or integer) else 0.0,
        "relaxed_value_h": round(lp.Objective().Value() * hours, 1) if found else None,
        "seconds": round(time.perf_counter() - began, 1),
        "variables": lp.NumVariables(),
    }


def run(size: str, seed: int, seconds: float, solver: str) -> dict:
    from generate import generate

    from allocate.bounds import term_bounds
    from allocate.problem import compile_problem

    people, tasks = map(int, size.split("x"))
    problem = compile_problem(generate(people, tasks, seed=seed))
    ours = term_bounds(problem, {"lateness"})["lateness"]
    found = relaxed_bound(problem, seconds, solver)
    return {"size": size, "seed": seed, "library_bound_h": round(ours, 1), **found}


KNOWN = {
    ("10x100", 1): (9780.0, "exact model, 900 s (issue 17)"),
    ("10x100", 2): (5432.0, "LNS 60 s, results/strategies.md"),
    ("10x100", 3): (3734.0, "proven optimum, docs/benchmarks.md"),
    ("40x500", 1): (17636.0, "LNS, results/equivalence.md"),
    ("40x500", 2): (13338.0, "LNS 60 s, results/strategies.md"),
}
"""Best plans known (lateness h) for scenarios too large to prove, and where they come from."""


LIBRARY_RUNS = [
    *((size, seed) for size in ("4x12", "5x16", "6x20", "8x30") for seed in (1, 2, 3, 4, 5)),
    *((size, seed) for size in ("10x100", "40x500") for seed in (1, 2, 3)),
    ("150x2000", 1),
]
"""--library's scenarios unless --sizes is given: small ones CP-SAT proves, and the sizes of
the issue, with 150 x 2,000 for the time."""


def library(runs: list[tuple[str, int]], before: dict) -> list[dict]:
    """The library's lateness bound and its time per scenario, against the best plans known."""
    from generate import generate

    from allocate.bounds import term_bounds
    from allocate.problem import compile_problem

    checked = {}
    path = HERE / "results" / "relaxed_lateness_check.json"
    for row in json.loads(path.read_text())["rows"]:
        if row["plan_status"] == "optimal":
            checked[row["size"], row["seed"]] = row
    rows = []
    for size, seed in runs:
        people, tasks = map(int, size.split("x"))
        times = []
        for _ in range(REPEATS):  # a fresh problem each time: nothing cached
            problem = compile_problem(generate(people, tasks, seed=seed))
            began = time.perf_counter()
            bound = term_bounds(problem, {"lateness"})["lateness"]
            times.append(time.perf_counter() - began)
        seconds = sorted(times)[len(times) // 2]
        proven = checked.get((size, seed))
        best, source = KNOWN.get((size, seed), (None, ""))
        if proven:
            best, source = proven["lateness_h"], "proven optimum"
        elif tasks <= PROVE_UP_TO:
            best, source = _optimum(generate(people, tasks, seed=seed), seed)
        old = before.get(f"{size} {seed}", {})
        rows.append(
            {
                "size": size,
                "seed": seed,
                "before_h": old.get("bound_h"),
                "bound_h": round(bound, 1),
                "relaxation_h": proven["bound_h"] if proven else None,
                "best_h": best,
                "best_is": source,
                "gap_before_pct": _gap(best, old.get("bound_h")),
                "gap_pct": _gap(best, bound),
                "before_s": old.get("seconds"),
                "seconds": round(seconds, 3),
            }
        )
        print(rows[-1], flush=True)
    return rows


LIBRARY_NOTE = (
    "The library's lateness bound (h) before (`--before`: main's library) and now; the "
    "relaxation's bound where `relaxed_lateness_check.json` has it; the best plan known "
    "(`best_is`: proven optima by CP-SAT, else `KNOWN`; 'infeasible': the work does not fit "
    "the horizon, no lateness to compare); gaps (best - bound) / best in %; seconds: median "
    "of three first calls on freshly compiled problems, niced, on a machine shared with "
    "other work."
)
REPEATS = 3
"""--library times the bound this many times (median)."""
PROVE_UP_TO = 30
"""--library proves the optimum itself (CP-SAT, one worker, 60 s) up to this many tasks."""


def _optimum(scenario, seed: int) -> tuple[float | None, str]:
    """CP-SAT's proven optimal lateness (h) of `scenario`, or None when not proven."""
    from allocate import solve
    from allocate.strategies.cpsat import CpSat

    scenario = scenario.model_copy(update={"objective": ({"lateness": 1.0},)})
    plan = solve(scenario, time_limit=60, strategy=CpSat(workers=1), seed=seed)
    if plan.status != "optimal":
        return None, f"not proven ({plan.status})"
    return round(plan.objective["lateness"], 1), "proven optimum (1 worker)"


def _gap(best: float | None, bound: float | None) -> float | None:
    if best is None or bound is None:
        return None
    return round(100 * (best - bound) / best, 1) if best > 0 else 0.0


def check(sizes: list[str], seeds: list[int], seconds: float, solver: str) -> list[dict]:
    """The relaxation's bound against CP-SAT's proven optimum of the lateness, on scenarios small
    enough to prove."""
    from generate import generate

    from allocate import solve
    from allocate.bounds import term_bounds
    from allocate.problem import compile_problem
    from allocate.strategies.cpsat import CpSat

    rows = []
    for size in sizes:
        people, tasks = map(int, size.split("x"))
        for seed in seeds:
            scenario = generate(people, tasks, seed=seed)
            scenario = scenario.model_copy(update={"objective": ({"lateness": 1.0},)})
            plan = solve(scenario, time_limit=seconds, strategy=CpSat(workers=1), seed=seed)
            problem = compile_problem(scenario)
            ours = term_bounds(problem, {"lateness"})["lateness"]
            found = relaxed_bound(problem, seconds, solver)
            rows.append(
                {
                    "size": size,
                    "seed": seed,
                    "plan_status": plan.status,
                    "lateness_h": round(plan.objective["lateness"], 1),
                    "library_bound_h": round(ours, 1),
                    **found,
                    "valid": found["bound_h"] <= plan.objective["lateness"] + 1e-6
                    or plan.status != "optimal",
                }
            )
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", help="default: 10x100 (--library: LIBRARY_RUNS)")
    parser.add_argument("--seeds", nargs="+", type=int, help="default: 1 2")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--solver", default="CP_SAT", help="CP_SAT, HIGHS, SCIP or GLOP (LP)")
    parser.add_argument("--check", action="store_true", help="small scenarios, proven optima")
    parser.add_argument("--library", action="store_true", help="the library's bound alone")
    parser.add_argument("--before", help="an earlier --library run's json, for before/after")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    name = "lateness_bound" if args.library else "relaxed_lateness"
    args.out = args.out or str(HERE / "results" / name)
    load = os.getloadavg()[0]
    if args.library:
        before = {}
        if args.before:
            earlier = json.loads(Path(args.before).read_text())["rows"]
            before = {f"{r['size']} {r['seed']}": r for r in earlier}
        runs = LIBRARY_RUNS
        if args.sizes:
            runs = [(size, seed) for size in args.sizes for seed in args.seeds or [1, 2]]
        rows = library(runs, before)
    elif args.check:
        rows = check(args.sizes or ["10x100"], args.seeds or [1, 2], args.seconds, args.solver)
    else:
        rows = []
        for size in args.sizes or ["10x100"]:
            for seed in args.seeds or [1, 2]:
                rows.append(run(size, seed, args.seconds, args.solver))
                print(rows[-1], flush=True)
    setup = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {os.cpu_count()} cores",
        "seconds": args.seconds,
        "solver": args.solver,
        "check": args.check,
        "library": args.library,
        "allocate": _allocate_path(),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "rows": rows}, indent=1))
    keys = list(rows[0])
    text = [f"Setup: {json.dumps(setup)}", ""]
    if args.library:
        text += [LIBRARY_NOTE, ""]
    text += ["| " + " | ".join(keys) + " |"]
    text += ["|" + "---|" * len(keys)]
    text += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    out.with_suffix(".md").write_text("\n".join(text) + "\n")
    print("\n".join(text))


def _allocate_path() -> str:
    import allocate

    return str(Path(allocate.__file__).parent)


if __name__ == "__main__":
    main()
