"""How long planners' files take: spreadsheets in and out, MS Project XML out, project files in.

    python benchmarks/files.py                  # the bundled example and 40x500, 3 runs each
    python benchmarks/files.py --sizes 10x100 --runs 1

For each scenario (the bundled agency and generated ones, seed 1) and its greedy plan: writing
the scenario as .xlsx and as a CSV folder and reading each back, writing the plan workbook and the
MSPDI file, MPXJ reading that file (the Java VM already running; its start is timed once on its
own) and `read_project_file` importing it. Median wall-clock seconds of `--runs` runs; results go
to `benchmarks/results/files.{json,md}` with the machine's load average (2 cores shared with
other agents, so wall-clock times are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import solve  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.files import (  # noqa: E402
    mpxj,
    read_project_file,
    read_spreadsheet,
    write_msproject,
    write_scenario_spreadsheet,
    write_spreadsheet,
)

STEPS = (
    "write .xlsx",
    "read .xlsx",
    "write CSV",
    "read CSV",
    "plan workbook",
    "write MSPDI",
    "MPXJ reads MSPDI",
    "import MSPDI",
)


def median_seconds(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def measure(name: str, scenario, runs: int, java: bool) -> dict:
    plan = solve(scenario, strategy="greedy")
    folder = Path(tempfile.mkdtemp())
    xlsx, csv, book, xml = (
        folder / "team.xlsx",
        folder / "team",
        folder / "plan.xlsx",
        folder / "plan.xml",
    )
    steps = {
        "write .xlsx": lambda: write_scenario_spreadsheet(scenario, xlsx),
        "read .xlsx": lambda: read_spreadsheet(xlsx),
        "write CSV": lambda: write_scenario_spreadsheet(scenario, csv),
        "read CSV": lambda: read_spreadsheet(csv),
        "plan workbook": lambda: write_spreadsheet(scenario, plan, book),
        "write MSPDI": lambda: write_msproject(scenario, plan, xml),
    }
    if java:
        steps["MPXJ reads MSPDI"] = lambda: mpxj.read(xml)
        steps["import MSPDI"] = lambda: read_project_file(xml, assignments="ignore")
    row = {"scenario": name, "people": len(scenario.people), "tasks": len(scenario.tasks)}
    for step, work in steps.items():
        row[step] = median_seconds(work, runs)
    row["xlsx_kb"] = round(xlsx.stat().st_size / 1024)
    row["mspdi_kb"] = round(xml.stat().st_size / 1024)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=["40x500"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "files"))
    args = parser.parse_args()
    meta = {"runs": args.runs, "load_before": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    java = mpxj.java_missing() is None
    if java:
        start = time.perf_counter()
        mpxj.start()
        meta["jvm_start_s"] = round(time.perf_counter() - start, 3)
    rows = [measure("example", agency(), args.runs, java)]
    for size in args.sizes:
        people, tasks = map(int, size.split("x"))
        rows.append(measure(size, generate(people, tasks, seed=1), args.runs, java))
    meta["load_after"] = round(os.getloadavg()[0], 2)
    Path(args.out + ".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    Path(args.out + ".md").write_text(table(meta, rows))
    print(table(meta, rows))


def table(meta: dict, rows: list[dict]) -> str:
    lines = [
        "# Planners' files: import and export times",
        "",
        f"`python benchmarks/files.py` — median wall-clock seconds of {meta['runs']} runs on "
        f"{meta['cores']} cores shared with other agents (1-min load average "
        f"{meta['load_before']} at the start, {meta['load_after']} at the end). The Java VM "
        f"started in {meta.get('jvm_start_s', '—')} s, once, before the MPXJ columns.",
        "",
        "| scenario | people × tasks | " + " | ".join(STEPS) + " | .xlsx | MSPDI |",
        "|---|---|" + "---|" * (len(STEPS) + 2),
    ]
    for row in rows:
        cells = [f"{row[step]:.3f}" if step in row else "—" for step in STEPS]
        lines.append(
            f"| {row['scenario']} | {row['people']} × {row['tasks']} | " + " | ".join(cells)
            + f" | {row['xlsx_kb']} KB | {row['mspdi_kb']} KB |"
        )  # fmt: skip
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
