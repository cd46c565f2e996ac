"""CP-SAT options on PSPLIB instances, compared load-independently (deterministic solves).

    W=1 python benchmarks/psplib_options.py base 5 hard_j60.txt 4 > base.log

Arguments: a variant (below), the time limit whose deterministic work each solve gets, a file of
j60 instance names, a stride (every k-th name) and an offset (the first name taken). Each line
printed: instance, makespan, proven optimal, CPU seconds. `W` (environment) sets the CP-SAT
workers (default 2). Used for `benchmarks/results/psplib_j60_hard_cumulative_options.md` and
`psplib_j60_hard_plain_model.md`.

Variant `plain` is not allocate: the textbook CP-SAT model that PyJobShop states for these files
(a fixed-size interval per activity, a cumulative per resource, end-before-start precedences,
the makespan as the maximum of the ends, no horizon to speak of), given the same deterministic
work as `solve()` gives its exact model. It tells whether allocate's statement of the problem
(options, closing interval, floors, the hint) costs or gains search at equal work.
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
from allocate.solve import WORK_PER_WORKER_SECOND  # noqa: E402
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
    "plain": {},
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
        path = DATA / "j60" / "instances" / f"{name}.sm"
        if variant == "plain":
            began = time.process_time()
            span, proven = plain(path, seconds * WORK_PER_WORKER_SECOND["cpsat"] * workers, workers)
            print(name, span, proven, round(time.process_time() - began, 1), flush=True)
            continue
        scenario = read_psplib(path)
        began = time.process_time()
        strategy = CpSat(workers=workers, params=params)
        plan = solve(scenario, time_limit=seconds, strategy=strategy, seed=1, deterministic=True)
        span = max((a.end - START).total_seconds() / 3600 for a in plan.assignments)
        cpu = round(time.process_time() - began, 1)
        print(name, span, plan.status == "optimal", cpu, flush=True)


def plain(path: Path, work: float, workers: int) -> tuple[float, bool]:
    """The textbook model of `path` solved with `work` deterministic units: (makespan, proven)."""
    import psplib
    from ortools.sat.python import cp_model

    instance = psplib.parse(path, instance_format="psplib")
    modes = [activity.modes[0] for activity in instance.activities]
    horizon = 2**40  # unbounded in effect, as PyJobShop states it
    model = cp_model.CpModel()
    starts = [model.new_int_var(0, horizon, f"S{i}") for i in range(len(modes))]
    ends = [model.new_int_var(0, horizon, f"E{i}") for i in range(len(modes))]
    intervals = [
        model.new_interval_var(start, mode.duration, end, f"I{i}")
        for i, (start, end, mode) in enumerate(zip(starts, ends, modes, strict=True))
    ]
    for r, resource in enumerate(instance.resources):
        using = [i for i, mode in enumerate(modes) if mode.demands[r] > 0]
        demands = [modes[i].demands[r] for i in using]
        model.add_cumulative([intervals[i] for i in using], demands, resource.capacity)
    for i, activity in enumerate(instance.activities):
        for j in activity.successors:
            model.add(ends[i] <= starts[j])
    makespan = model.new_int_var(0, horizon, "M")
    model.add_max_equality(makespan, ends)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    solver.parameters.max_deterministic_time = work
    solver.parameters.interleave_search = workers > 1
    status = solver.solve(model)
    return solver.objective_value, status == cp_model.OPTIMAL


if __name__ == "__main__":
    main()
