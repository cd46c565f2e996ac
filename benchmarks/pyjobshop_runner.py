"""Solve PSPLIB instances with PyJobShop, one JSON request per line on stdin, one JSON answer per
line on stdout. Started by benchmarks/psplib.py with the Python of a separate virtual environment
(PyJobShop pins its own OR-Tools), so nothing here imports allocate.

    request:  {"path": ".../j301_1.sm", "time_limit": 2, "workers": 2, "seed": 0}
    answer:   {"makespan": 43, "status": "Optimal", "lower_bound": 43, "runtime": 0.21,
               "wall_s": 0.25, "error": null}
"""

import sys
from pathlib import Path

# this folder holds benchmarks/psplib.py, which would shadow the `psplib` package PyJobShop imports
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import json  # noqa: E402
import time  # noqa: E402


def versions() -> dict:
    from importlib.metadata import version

    return {name: version(name) for name in ("pyjobshop", "ortools", "psplib")}


def solve(request: dict) -> dict:
    from pyjobshop import read, solve

    began = time.perf_counter()
    data = read(request["path"], instance_format="psplib")
    result = solve(
        data,
        solver="ortools",
        time_limit=request["time_limit"],
        num_workers=request["workers"],
        display=False,
        random_seed=request.get("seed", 0),
    )
    wall = time.perf_counter() - began
    feasible = result.status.value in ("Optimal", "Feasible")
    return {
        "makespan": result.objective if feasible else None,
        "status": result.status.value,
        "lower_bound": result.lower_bound,
        "runtime": round(result.runtime, 3),
        "wall_s": round(wall, 3),
        "error": None,
    }


def main() -> None:
    print(json.dumps({"versions": versions()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = solve(json.loads(line))
        except Exception as error:  # report, keep serving
            answer = {"error": repr(error)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
