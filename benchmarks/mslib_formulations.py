"""Formulations of MSLIB teams side by side, load-independent: one CP-SAT worker, a fixed
deterministic time, seed 0, through the public `solve()` (greedy hint, bounds, checker).

    python benchmarks/mslib_formulations.py 1651 341 3321 --seconds 3
    python benchmarks/mslib_formulations.py 671 --variants pooled pooled-no-cliques

Variants: `per-person` (the calendar-true model), `per-person-rc` (it with CP-SAT's reduced-cost
search), `pooled-no-groups` (classes of interchangeable people, no redundant group cumulatives
or cliques), `pooled-sets` (group cumulatives per eligible set and everybody, no unions, no
cliques), `pooled-no-cliques` (every union of eligible sets), `pooled` (what `solve()` runs: with
the cliques of teams that cannot run together). The pooled variants use the reduced-cost search
alone (what `subsolvers.py` gives a pooled model on one worker). Per run: makespan, the plan's
bound and status. Results: `--out` {json,md} (appended to the json when it exists).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "benchdata" / "mslib_set1"
VARIANTS = (
    "per-person",
    "per-person-rc",
    "pooled-no-groups",
    "pooled-sets",
    "pooled-no-cliques",
    "pooled",
)


def run(number: str, variant: str, seconds: float, data: Path) -> dict:
    from allocate import check, solve
    from allocate.instances.mslib import read_mslib
    from allocate.strategies.cpsat import CpSat, pools

    scenario = read_mslib(data / f"MSLIB_Set1_{number}.msrcp")
    params: dict = {"max_deterministic_time": seconds}
    if variant == "per-person-rc":
        params["subsolvers"] = ["reduced_costs"]
    saved = pools.CLIQUES, pools.UNION_SETS, pools.Pools._group_loads
    pools.CLIQUES = variant == "pooled"
    pools.UNION_SETS = 0 if variant == "pooled-sets" else saved[1]
    if variant == "pooled-no-groups":
        pools.Pools._group_loads = lambda self, model, variables: None
    try:
        strategy = CpSat(workers=1, params=params, pooling=variant.startswith("pooled"))
        plan = solve(scenario, strategy=strategy, time_limit=3600)
    finally:
        pools.CLIQUES, pools.UNION_SETS, pools.Pools._group_loads = saved
    return {
        "instance": f"MSLIB_Set1_{number}",
        "variant": variant,
        "seconds": seconds,
        "makespan": plan.objective["makespan"],
        "bound": plan.level_bounds[0],
        "status": plan.status,
        "valid": not check(scenario, plan),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", nargs="+", help="instance numbers of set 1")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    parser.add_argument("--seconds", type=float, default=3.0, help="deterministic time")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "mslib_formulations")
    args = parser.parse_args()
    path = args.out.with_suffix(".json")
    rows = json.loads(path.read_text()) if path.exists() else []
    for number in args.numbers:
        for variant in args.variants:
            row = run(number, variant, args.seconds, args.data_dir)
            print(json.dumps(row), flush=True)
            rows.append(row)
    path.write_text(json.dumps(rows, indent=1) + "\n")
    lines = ["| instance | variant | deterministic s | makespan | bound | status |", "|---|" * 6]
    lines[1] = "|---|---|---|---|---|---|"
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['variant']} | {r['seconds']} | {r['makespan']:g} | "
            f"{r['bound']:g} | {r['status']}{'' if r['valid'] else ' INVALID'} |"
        )
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
