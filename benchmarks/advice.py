"""Advice benchmarks: hiring on scarce skills, recommendations against brute force, speed.

    python benchmarks/advice.py scarce   # top hiring advice names the scarce skill (10 seeds)
    python benchmarks/advice.py brute    # recommend vs a full re-plan per candidate (20 requests)
    python benchmarks/advice.py speed    # recommend's time on the example and at 40 x 500

**scarce.** A generated 20 x 200 scenario (`generate.py`, seeds 1-10) is made short of one skill
on purpose: the skill most effort needs keeps only its two strongest holders (raised to level 5,
so that they can do all of its work; its tasks drop their second skill so that nobody else is
needed), everyone else loses it. The plan (greedy, then the same deterministic LNS as the
re-plans) is late; `advise_hiring` generates candidates from the forecast and re-plans each.
Hit: the top option's skills include the scarce skill. A second run gives `advise_hiring` a
fixed slate instead, one hire per skill at the median level its work needs (so the ranking of
the what-ifs alone must find the scarce skill). The forecast is then compared with the
plan's lateness: of the late tasks that need the skill, how many have a short week of it inside
the window where they were needed (earliest start to latest finish), and of its short weeks, how
many lie in the window of some late task that needs it.

**brute.** Twenty requests on the bundled example (skills, efforts, projects, deadlines and a
predecessor drawn with a fixed seed). `recommend` (top 5, its defaults: deterministic re-plans
from the current plan) and its screening alone (top 0) against brute force: every qualified
person pinned in turn and the scenario re-planned from the current plan with a generous budget
(`solve(previous=plan)`, LNS with 40 sub-solves). All rank plans the same way
(`recommend.plan_key`); a pick is good when brute force's value for it equals its best or is
within 2 % on the first component where they differ.

**speed.** `recommend`'s wall time on the bundled example and a generated 40 x 500 scenario,
five requests each: the screening alone (top 0), and top 5 at two time limits.

Quality comparisons use 1 CP-SAT worker and fixed seeds (deterministic re-plans, or LNS with a
fixed number of sub-solves: the same answer on a busy machine); wall times depend on the load,
which is written with the results (run them under `flock /work/coord/bench.lock` on a shared
machine). Results go to benchmarks/results/advice_<part>.{json,md}, rewritten after each row.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from generate import RATE_BASE, RATE_PER_LEVEL, SKILLS, generate  # noqa: E402

from allocate import Hire, Task, advise_hiring, check, forecast, recommend, solve  # noqa: E402
from allocate.analysis.forecast import latest_finishes, period_starts  # noqa: E402
from allocate.analysis.recommend import plan_key  # noqa: E402
from allocate.analysis.whatif import replan  # noqa: E402
from allocate.bounds.earliest import earliest_schedule  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.on_grid import on_grid  # noqa: E402
from allocate.problem import NONE, compile_problem  # noqa: E402
from allocate.scenario import Pin  # noqa: E402
from allocate.strategies.lns import Lns  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def lns(iterations: int) -> Lns:
    return Lns(workers=1, iterations=iterations)


def scarce_scenario(seed: int, people: int = 20, tasks: int = 200):
    """The generated scenario with its most needed skill left to its two strongest holders."""
    scenario = generate(people, tasks, seed=seed)
    effort: dict[str, float] = {}
    for task in scenario.tasks:
        for skill in task.skills:
            effort[skill] = effort.get(skill, 0.0) + task.effort_hours
    skill = max(sorted(effort), key=lambda s: effort[s])
    holders = sorted(scenario.people, key=lambda p: (-p.level(skill), p.id))[:2]
    keep = {p.id for p in holders}
    team = [
        p.replace(skills={**p.skills, skill: 5})
        if p.id in keep
        else p.replace(skills={s: v for s, v in p.skills.items() if s != skill} or {"pm": 1})
        for p in scenario.people
    ]
    work = [
        t.replace(skills={skill: t.skills[skill]}) if skill in t.skills else t
        for t in scenario.tasks
    ]
    return scenario.replace(people=team, tasks=work), skill


def scarce(args) -> dict:
    rows = []
    for seed in range(1, args.seeds + 1):
        scenario, skill = scarce_scenario(seed)
        began = time.perf_counter()
        plan = solve(scenario, time_limit=600, strategy=lns(args.iterations), seed=seed)
        fc = forecast(scenario, plan)
        advice = advise_hiring(
            scenario,
            plan,
            forecast=fc,
            time_limit=600,
            strategy=lns(args.iterations),
            seed=seed,
        )
        seconds = time.perf_counter() - began
        top = advice[0] if advice.options else None
        slate = advise_hiring(
            scenario,
            plan,
            candidates=one_per_skill(scenario),
            time_limit=600,
            strategy=lns(args.iterations),
            seed=seed,
        )
        match = _shortfall_match(scenario, plan, fc, skill)
        rows.append(
            {
                "seed": seed,
                "scarce": skill,
                "top_hire": top.hire.label if top else None,
                "hit": bool(top and skill in top.hire.skills),
                "candidates": ", ".join(o.hire.id for o in advice),
                "top_of_one_per_skill": slate[0].hire.label,
                "hit_one_per_skill": skill in slate[0].hire.skills,
                "late_projects": len(advice.baseline.late_projects),
                "saved_projects": len(top.saved_projects) if top else 0,
                "late_hours_saved": top.late_hours_saved if top else 0,
                **match,
                "seconds": round(seconds, 1),
            }
        )
        print(rows[-1], flush=True)
        write("scarce", _scarce_result(rows, args))
    return _scarce_result(rows, args)


def _scarce_result(rows: list[dict], args) -> dict:
    hits = sum(row["hit"] for row in rows)
    slate_hits = sum(row["hit_one_per_skill"] for row in rows)
    summary = {
        "hits": f"{hits} of {len(rows)}",
        "hits_one_hire_per_skill": f"{slate_hits} of {len(rows)}",
        "late_work_in_short_weeks_median": _median(rows, "late_work_in_short_weeks"),
        "short_weeks_with_late_work_median": _median(rows, "short_weeks_with_late_work"),
    }
    if len(rows) < args.seeds:
        summary["partial"] = f"{len(rows)} of {args.seeds} seeds"
    settings = {
        "size": "20x200",
        "seeds": f"1-{args.seeds}",
        "strategy": f"Lns(workers=1, iterations={args.iterations}), from the plan in force",
    }
    return {"machine": machine(), "settings": settings, "summary": summary, "rows": rows}


def one_per_skill(scenario) -> list[Hire]:
    """A fixed slate: per skill, a hire at the median level its work needs, in Berlin, from the
    start, at the generator's rate for that level (the ranking alone must find the scarce one)."""
    hires = []
    for skill in SKILLS:
        levels = [t.skills[skill] for t in scenario.tasks if skill in t.skills]
        if not levels:
            continue
        level = int(np.median(levels))
        hires.append(
            Hire(
                id=f"hire-{skill}",
                skills={skill: level},
                timezone="Europe/Berlin",
                holidays="DE",
                hourly_rate=RATE_BASE + RATE_PER_LEVEL * level,
            )
        )
    return hires


def _shortfall_match(scenario, plan, fc, skill: str) -> dict:
    """How well the forecast's short weeks of `skill` line up with the plan's late work on it."""
    problem = compile_problem(scenario)
    placed = on_grid(problem, plan)
    latest = latest_finishes(problem)
    earliest = earliest_schedule(problem)
    needs = [skill in scenario.task(t).skills for t in problem.task_ids]
    late = [
        i
        for i in range(problem.n_tasks)
        if needs[i]
        and placed.end[i] != NONE
        and latest[i] < problem.horizon
        and placed.end[i] > latest[i]
    ]
    short = sorted({r.start for r in fc.rows if r.skill == skill and r.shortfall_hours >= 0.5})
    zone = scenario.calendar.zone

    def weeks(i: int) -> set:
        begin = problem.grid.time(int(earliest.start[i]))
        end = problem.grid.time(int(latest[i]))
        return set(period_starts(begin, max(end, begin + timedelta(hours=1)), "week", zone))

    windows = {i: weeks(i) for i in late}
    explained = sum(1 for i in late if windows[i] & set(short))
    covered = sum(1 for week in short if any(week in w for w in windows.values()))
    return {
        "late_tasks": len(late),
        "short_weeks": len(short),
        "late_work_in_short_weeks": round(explained / len(late), 3) if late else None,
        "short_weeks_with_late_work": round(covered / len(short), 3) if short else None,
    }


def _median(rows, key):
    values = [row[key] for row in rows if row[key] is not None]
    return round(float(np.median(values)), 3) if values else None


def requests(scenario, count: int, seed: int) -> list[Task]:
    """`count` requests like the scenario's own work: a requirement some task has, an effort, a
    project and (half the time) a predecessor in it, a deadline 3-8 weeks out."""
    rng = np.random.default_rng(seed)
    work = [t for t in scenario.tasks if t.staffed and t.skills and t.team_size == 1]
    found = []
    for k in range(count):
        model = work[int(rng.integers(len(work)))]
        siblings = [t for t in work if t.project == model.project]
        before = siblings[int(rng.integers(len(siblings)))] if rng.random() < 0.5 else None
        found.append(
            Task(
                id=f"request-{k}",
                project=model.project,
                effort_hours=float(rng.choice([8, 16, 24, 40])),
                skills=model.skills,
                after=(before.id,) if before else (),
                deadline=scenario.start + timedelta(weeks=int(rng.integers(3, 9))),
                priority=int(rng.integers(1, 4)),
            )
        )
    return found


def brute(args) -> dict:
    scenario = agency()
    plan = solve(scenario, time_limit=600, strategy=lns(args.plan_iterations), seed=0)
    settings = {
        "scenario": "bundled example",
        "requests": args.requests,
        "seed": args.seed,
        "plan": f"Lns(workers=1, iterations={args.plan_iterations})",
        "recommend": f"top={args.top}, time_limit={args.time_limit}, deterministic, 1 worker",
        "screen": "top=0 (insertion only)",
        "brute": f"solve(previous=plan), Lns(workers=1, iterations={args.brute_iterations}) "
        "per candidate",
    }
    rows = []
    for request in requests(scenario, args.requests, seed=args.seed):
        began = time.perf_counter()
        ours = recommend(scenario, plan, request, top=args.top, time_limit=args.time_limit)
        ours_seconds = time.perf_counter() - began
        screen = recommend(scenario, plan, request, top=0)
        extended = scenario.replace(tasks=(*scenario.tasks, request))
        people = [p.id for p in extended.people if p.qualifies_for(request)]
        began = time.perf_counter()
        values = {}
        for person in people:
            pinned = extended.replace(pins=(*extended.pins, Pin(task=request.id, person=person)))
            options = {"time_limit": 600, "strategy": lns(args.brute_iterations), "seed": 0}
            result = replan((pinned, plan, options))
            assert check(pinned, result, previous=plan) == list(result.violations)
            values[person] = plan_key(extended, plan, result)
        brute_seconds = time.perf_counter() - began
        ranking = sorted(values, key=values.get)
        best = ranking[0]
        pick = ours[0].person if ours.options else None
        first = screen[0].person if screen.options else None
        gap = _gap(values[pick], values[best]) if pick in values else None
        screen_gap = _gap(values[first], values[best]) if first in values else None
        rows.append(
            {
                "request": request.id,
                "skills": " ".join(f"{s}:{v}" for s, v in request.skills.items()),
                "effort": request.effort_hours,
                "candidates": len(people),
                "pick": pick,
                "brute_best": best,
                "pick_rank_in_brute": ranking.index(pick) + 1 if pick in values else None,
                "gap": gap,
                "good": gap is not None and gap <= 0.02,
                "screen_pick": first,
                "screen_gap": screen_gap,
                "screen_good": screen_gap is not None and screen_gap <= 0.02,
                "ours_seconds": round(ours_seconds, 2),
                "brute_seconds": round(brute_seconds, 2),
            }
        )
        print(rows[-1], flush=True)
        write("brute", _brute_result(rows, settings, args.requests))
    return _brute_result(rows, settings, args.requests)


def _brute_result(rows: list[dict], settings: dict, planned: int) -> dict:
    good = sum(row["good"] for row in rows)
    summary = {
        "good_picks": f"{good} of {len(rows)}",
        "exact_best": sum(row["gap"] == 0 for row in rows),
        "good_screen_picks": f"{sum(row['screen_good'] for row in rows)} of {len(rows)}",
        "ours_seconds_median": _median(rows, "ours_seconds"),
        "brute_seconds_median": _median(rows, "brute_seconds"),
        "time_share_median": round(
            float(np.median([r["ours_seconds"] / r["brute_seconds"] for r in rows])), 3
        ),
    }
    if len(rows) < planned:
        summary["partial"] = f"{len(rows)} of {planned} requests"
    return {"machine": machine(), "settings": settings, "summary": summary, "rows": rows}


def _gap(value: tuple, best: tuple) -> float:
    """Relative excess of `value` over `best` on the first component where they differ."""
    for a, b in zip(value, best, strict=False):
        if abs(a - b) > 1e-9:
            return round((a - b) / abs(b), 4) if b else float("inf")
    return 0.0


def speed(args) -> dict:
    rows = []
    cases = [("example", agency())] + [("40x500", generate(40, 500, seed=1))]
    for name, scenario in cases:
        plan = solve(scenario, strategy="greedy")
        for request in requests(scenario, args.requests, seed=args.seed):
            for top, limit in RUNS:
                began = time.perf_counter()
                options = recommend(scenario, plan, request, top=top, time_limit=limit)
                seconds = time.perf_counter() - began
                rows.append(
                    {
                        "scenario": name,
                        "request": request.id,
                        "top": top,
                        "time_limit": limit,
                        "options": len(options),
                        "exact": sum(o.exact for o in options),
                        "seconds": round(seconds, 3),
                        "load_1min": round(os.getloadavg()[0], 2),
                    }
                )
                print(rows[-1], flush=True)
    summary = {
        f"{name} top={top} time_limit={limit}: median seconds": _median(
            [r for r in rows if (r["scenario"], r["top"], r["time_limit"]) == (name, top, limit)],
            "seconds",
        )
        for name, _ in cases
        for top, limit in RUNS
    }
    summary["load_1min_median"] = _median(rows, "load_1min")
    print(summary)
    settings = {
        "runs": "top 0 (screen only); top 5 at time_limit 1 and 3 (the default); deterministic "
        "re-plans, 1 worker",
        "requests": args.requests,
        "plan": "greedy",
    }
    return {"machine": machine(), "settings": settings, "summary": summary, "rows": rows}


RUNS = ((0, 3.0), (5, 1.0), (5, 3.0))
"""(top, time_limit) of each timed call."""


def write(part: str, result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"advice_{part}.json").write_text(json.dumps(result, indent=1, default=str))
    lines = [f"# Advice: {part}", "", f"Machine: {result['machine']}", ""]
    lines += [f"Settings: {result['settings']}", ""]
    lines += ["| figure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in result["summary"].items()]
    rows = result["rows"]
    keys = list(dict.fromkeys(k for row in rows for k in row))
    lines += ["", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row.get(k, "")) for k in keys) + " |" for row in rows]
    (RESULTS / f"advice_{part}.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="part", required=True)
    p = sub.add_parser("scarce")
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--iterations", type=int, default=20)
    p = sub.add_parser("brute")
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--top", type=int, default=5)
    p.add_argument("--plan-iterations", type=int, default=60)
    p.add_argument("--time-limit", type=float, default=3.0)
    p.add_argument("--brute-iterations", type=int, default=40)
    p = sub.add_parser("speed")
    p.add_argument("--requests", type=int, default=5)
    p.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    result = {"scarce": scarce, "brute": brute, "speed": speed}[args.part](args)
    write(args.part, result)


if __name__ == "__main__":
    main()
