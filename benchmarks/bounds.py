"""Lower bounds: the resource-free bound against the energy and people-term bounds, and the gap
of a `solve()` plan to each.

    python benchmarks/bounds.py             # generated, iMOPSE; PSPLIB and MSLIB bounds only
    python benchmarks/bounds.py --sizes 10x100 --seeds 1 --weekly --time-limit 2

Per instance: every objective term's value in the plan that `solve()` returns within the time
limit (strategy "auto", default workers) and, per term, the old bound (before energy bounds: the
resource-free earliest schedule for the time terms, the cheapest rates for cost, one person per
staffed project, 0 for the rest) and the new one (`allocate.bounds.term_bounds`), with gaps
(value - bound) / value. Also the time `term_bounds` takes. Generated scenarios use the default
objective (lateness, then peak utilisation, then cost, then makespan), and with weekly limits
(every fourth person at most 20 h a week; seed 1); iMOPSE minimises makespan. PSPLIB j30/j60
and the MSLIB instances of benchmarks/results/mslib.json get makespan bounds only (no solving),
against best-known values. Results: benchmarks/results/bounds.{json,md}.
"""

from __future__ import annotations

import sys
from pathlib import Path

# this folder would otherwise shadow the `psplib` package that allocate.instances imports
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

DEFAULT_DATA = HERE.parent.parent / "shared" / "benchdata"
TERMS = (
    "lateness",
    "late_projects",
    "makespan",
    "peak_utilisation",
    "utilisation_spread",
    "cost",
    "people_per_project",
    "handovers",
    "preferences",
)


def old_bounds(problem) -> dict[str, float]:
    """The bounds as they were before this benchmark's change (see the module docstring)."""
    from allocate.bounds import Floors, earliest_schedule
    from allocate.terms import TERMS as COMPILED

    end = earliest_schedule(problem).end
    old = {name: 0.0 for name in TERMS}
    for name, term in COMPILED.items():
        if not term.needs_people:
            old[name] = term.value(problem, end, None)
    old["cost"] = COMPILED["cost"].lower(problem, Floors(problem))
    staffed = problem.project_of[problem.staffed]
    old["people_per_project"] = float(len(set(staffed[staffed != -1].tolist())))
    return old


def plan_terms(scenario, problem, plan) -> dict[str, float]:
    """Every term's value in `plan`, recomputed from its datetimes (as the checker does)."""
    from allocate.objective import TERMS as DOMAIN
    from allocate.objective import Timing

    timing = Timing(
        start={a.task: a.start for a in plan.assignments},
        end={a.task: a.end for a in plan.assignments},
        people={a.task: a.people for a in plan.assignments},
        available={
            person: float(problem.available[p]) * problem.hours_per_tick
            for p, person in enumerate(problem.person_ids)
        },
    )
    return {name: DOMAIN[name](scenario, timing) for name in TERMS}


def run_one(name: str, scenario, time_limit: float, seed: int) -> dict:
    from allocate import solve
    from allocate.bounds import term_bounds
    from allocate.problem import compile_problem

    problem = compile_problem(scenario)
    began = time.perf_counter()
    new = term_bounds(problem, set(TERMS))
    seconds = time.perf_counter() - began
    old = old_bounds(problem)
    plan = solve(scenario, time_limit=time_limit, seed=seed)
    values = plan_terms(scenario, problem, plan) if plan.feasible else {}
    row = {
        "instance": name,
        "tasks": len(scenario.tasks),
        "people": len(scenario.people),
        "objective": [list(level) for level in scenario.objective],
        "status": plan.status,
        "strategy": plan.stats.strategy,
        "bound_seconds": round(seconds, 3),
        "terms": {},
    }
    for term in TERMS:
        value = values.get(term)
        assert value is None or new[term] <= value + 1e-6, (name, term, new[term], value)
        row["terms"][term] = {
            "value": value,
            "old": old[term],
            "new": new[term],
            "gap_old": _gap(value, old[term]),
            "gap_new": _gap(value, new[term]),
        }
    return row


def _gap(value: float | None, bound: float) -> float | None:
    if value is None:
        return None
    return round((value - bound) / value, 4) if value > 0 else 0.0


def with_weekly_limits(scenario):
    """Every fourth person at most 20 h a week on tasks (`benchmarks/limits.py`'s `weekly`)."""
    people = [
        p.model_copy(update={"max_hours_per_week": 20}) if i % 4 == 0 else p
        for i, p in enumerate(scenario.people)
    ]
    return type(scenario)(**{**dict(scenario), "people": tuple(people)})


def instances(sizes: list[str], seeds: list[int], weekly: list[str], data_dir: Path):
    spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate = module.generate

    for size in sizes:
        people, tasks = (int(x) for x in size.split("x"))
        for seed in seeds:
            yield f"{size} seed {seed}", generate(people, tasks, seed), seed
    for size in weekly:
        people, tasks = (int(x) for x in size.split("x"))
        yield f"{size} seed 1 weekly", with_weekly_limits(generate(people, tasks, 1)), 1
    from allocate.instances import read_imopse

    files = sorted((data_dir / "imopse_small").glob("*.def"))
    for path in files:
        yield f"iMOPSE {path.stem}", read_imopse(path), 0


def public_rows(data_dir: Path) -> list[dict]:
    """Makespan bounds only (no solving): PSPLIB j30/j60 against the best-known bounds and
    makespans, MSLIB against the best makespan in benchmarks/results/mslib.json."""
    import csv

    from allocate.instances import read_psplib
    from allocate.instances.mslib import read_mslib
    from allocate.problem import compile_problem

    rows = []
    reference = data_dir / "psplib_sm" / "reference_psplib_sm.csv"
    known = {r["instance"]: r for r in csv.DictReader(reference.open())}
    for family in ("j30", "j60"):
        for path in sorted((data_dir / "psplib_sm" / family / "instances").glob("*.sm")):
            problem = compile_problem(read_psplib(path))
            ref = known[path.stem]
            rows.append(_bound_row(family, path.stem, problem, float(ref["lb"]), float(ref["ub"])))
    runs = json.loads((HERE / "results" / "mslib.json").read_text())
    best: dict[str, float] = {}
    for run in runs:
        if run["valid"]:
            best[run["instance"]] = min(best.get(run["instance"], math.inf), run["makespan"])
    for name, makespan in sorted(best.items()):
        problem = compile_problem(read_mslib(data_dir / "mslib_set1" / f"{name}.msrcp"))
        rows.append(_bound_row("MSLIB", name, problem, None, makespan))
    return rows


def _bound_row(family: str, name: str, problem, known_lb, best) -> dict:
    from allocate import terms
    from allocate.bounds import earliest_schedule, level_bounds

    old = terms.TERMS["makespan"].value(problem, earliest_schedule(problem).end, None)
    return {
        "family": family,
        "instance": name,
        "old": old,
        "new": level_bounds(problem)[0],
        "known_lb": known_lb,
        "best": best,
    }


SHOWN = {
    "lateness": "lateness h",
    "late_projects": "late projects",
    "makespan": "makespan h",
    "peak_utilisation": "peak %",
    "utilisation_spread": "spread %",
    "cost": "cost",
    "people_per_project": "people/project",
    "handovers": "handovers",
    "preferences": "preferences",
}


def write(rows: list[dict], public: list[dict], setup: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    record = {"setup": setup, "runs": rows, "public": public}
    out.with_suffix(".json").write_text(json.dumps(record, indent=1) + "\n")
    lines = [
        "# Lower bounds: resource-free (old) against energy and people-term bounds (new)",
        "",
        f"Plans from `solve()` (strategy auto, default workers) in {setup['time_limit_s']:g} s; "
        f"run {setup['date']} on {setup['machine']} (shared with other work: load average "
        f"{setup['load_average_before'][0]} before, {setup['load_average_after'][0]} after).",
        "",
        "Per term: the plan's value, the old and the new bound, and the gap (value - bound) / "
        "value in %; rows where the value and the bound are 0 are left out. 'bound s' is the "
        "time `term_bounds` takes for all nine terms. Terms the objective does not name are "
        "reported too: the plan does not optimise them, so their gaps say little.",
        "",
    ]
    for term in TERMS:
        shown = [r for r in rows if r["terms"][term]["value"] or r["terms"][term]["new"]]
        if not shown:
            continue  # the term is 0 in every plan and bound: nothing to show
        lines += [
            f"## {SHOWN[term]}",
            "",
            "| instance | value | old bound | new bound | gap old % | gap new % |",
            "|---|---|---|---|---|---|",
        ]
        for r in shown:
            t = r["terms"][term]
            lines.append(
                f"| {r['instance']} | {_num(t['value'])} | {_num(t['old'])} | {_num(t['new'])} "
                f"| {_pct(t['gap_old'])} | {_pct(t['gap_new'])} |"
            )
        lines.append("")
    lines += ["## Time to compute the bounds", "", "| instance | tasks | people | bound s | plan |"]
    lines.append("|---|---|---|---|---|")
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['tasks']} | {r['people']} | {r['bound_seconds']} "
            f"| {r['status']} ({r['strategy']}) |"
        )
    lines += ["", *public_table(public)]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def public_table(public: list[dict]) -> list[str]:
    """Per family: how often the new makespan bound is higher, and the mean gap of the best
    known makespan to each bound."""
    lines = [
        "## Makespan bounds on public instances (no solving)",
        "",
        "PSPLIB: 'best' is the best-known makespan (`ub` in the reference file; 'known lb' its "
        "best-known lower bound). MSLIB: 'best' is the best valid plan in "
        "`benchmarks/results/mslib.json` (10 s runs), so its gaps are upper estimates. Gap = "
        "(best - bound) / best, mean over the instances.",
        "",
        "| family | instances | new > old | new = best | mean gap old % | mean gap new % "
        "| mean gap known lb % |",
        "|---|---|---|---|---|---|---|",
    ]
    for family in ("j30", "j60", "MSLIB"):
        mine = [r for r in public if r["family"] == family]
        if not mine:
            continue

        def gap(key, runs=mine) -> str:
            values = [(r["best"] - r[key]) / r["best"] for r in runs if r[key] is not None]
            return f"{100 * sum(values) / len(values):.2f}" if values else "-"

        lines.append(
            f"| {family} | {len(mine)} | {sum(r['new'] > r['old'] for r in mine)} "
            f"| {sum(r['new'] >= r['best'] for r in mine)} | {gap('old')} | {gap('new')} "
            f"| {gap('known_lb')} |"
        )
    return lines


def _num(x) -> str:
    return "-" if x is None else f"{x:,.2f}".rstrip("0").rstrip(".")


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["10x100", "40x500", "150x2000"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument(
        "--weekly",
        nargs="*",
        default=["10x100", "40x500"],
        help="sizes also run with weekly limits",
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--no-public", dest="public", action="store_false", help="skip PSPLIB and MSLIB bounds"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results" / "bounds")
    args = parser.parse_args()
    load_before = os.getloadavg()
    rows = []
    for name, scenario, seed in instances(args.sizes, args.seeds, args.weekly, args.data_dir):
        rows.append(run_one(name, scenario, args.time_limit, seed))
        print(f"{name}: {rows[-1]['status']} ({rows[-1]['bound_seconds']} s bounds)", flush=True)
    setup = {
        "sizes": args.sizes,
        "seeds": args.seeds,
        "time_limit_s": args.time_limit,
        "machine": f"{_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    public = public_rows(args.data_dir) if args.public else []
    write(rows, public, setup, args.out)


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


if __name__ == "__main__":
    main()
