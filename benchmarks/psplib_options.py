"""CP-SAT options on PSPLIB instances, compared load-independently (deterministic solves).

    W=1 python benchmarks/psplib_options.py base 5 hard_j60.txt 4 > base.log

Arguments: a variant (below), the time limit whose deterministic work each solve gets, a file of
j60 instance names, a stride (every k-th name) and an offset (the first name taken). Each line
printed: instance, makespan, proven optimal, CPU seconds. `W` (environment) sets the CP-SAT
workers (default 2). Used for `benchmarks/results/psplib_j60_hard_cumulative_options.md`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# this folder would otherwise shadow the `psplib` package that allocate.instances imports
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from allocate import solve  # noqa: E402
from allocate.instances import START, read_psplib  # noqa: E402
from allocate.strategies.cpsat import CpSat  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "benchdata" / "psplib_sm"
VARIANTS = {
    "base": {},
    "both": {
        "use_timetable_edge_finding_in_cumulative": True,
        "use_overload_checker_in_cumulative": True,
    },
    "hardprec": {"use_hard_precedences_in_cumulative": True, "exploit_all_precedences": True},
    "unjustified": {},
}
"""`unjustified`: today's options with the greedy plan not forward-backward improved."""


def main() -> None:
    variant, seconds, listing = sys.argv[1], float(sys.argv[2]), Path(sys.argv[3])
    every = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    offset = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    workers = int(os.environ.get("W", "2"))
    params = VARIANTS[variant] or None
    if variant == "unjustified":  # the module, which the package's `solve` function hides
        sys.modules["allocate.solve"]._justified = lambda problem, greedy: greedy
    for name in listing.read_text().split()[offset::every]:
        scenario = read_psplib(DATA / "j60" / "instances" / f"{name}.sm")
        began = time.process_time()
        strategy = CpSat(workers=workers, params=params)
        plan = solve(scenario, time_limit=seconds, strategy=strategy, seed=1, deterministic=True)
        span = max((a.end - START).total_seconds() / 3600 for a in plan.assignments)
        cpu = round(time.process_time() - began, 1)
        print(name, span, plan.status == "optimal", cpu, flush=True)


if __name__ == "__main__":
    main()
