"""Living plans: how much a re-plan from the previous plan changes, against solving from scratch.

    python benchmarks/replan.py events            # one event at a time: example and 40x500
    python benchmarks/replan.py rolling           # eight weeks of disruptions on 40x500
    python benchmarks/replan.py ties --sizes 40x500 --seeds 1 2 3   # neighbourhoods' tie-breaker
    python benchmarks/replan.py events --sizes example --iterations 20   # a quick look

`events`: a base plan is made (neighbourhood search, one CP-SAT worker, `--base-iterations`
sub-solves), then one event happens at the same planning start: an absence (the person with the
most work in the first week is away for the next five days), a new urgent task (16 h, due in
three days, priority 5) or a doubled estimate (a task the base plan starts in its first week).
The changed scenario is solved from the base plan (`solve(..., previous=base)`), the same with
`changes` weighted inside the deadlines level (`WEIGHTED`), and from scratch, with the same
work budget (`--iterations` sub-solves, one worker, a time limit they never reach),
so the comparison does not depend on the machine's load. A control re-plans with no event: what
continued optimisation alone changes. Reported: tasks reassigned and moved (of those both plans
place), lateness, the `changes` term (the from-scratch plan's measured against the base too), and
the seconds to the first re-planned, checked plan (`strategy="greedy"`: the repaired previous plan
or the greedy one, whichever is better, through the checker).

`rolling`: the 40x500 plan is executed week by week for `--weeks` weeks. Each week, as it is
carried out, every task takes its true effort (its estimate times a lognormal factor, sigma 0.3,
drawn once per task), some people are away (each with probability 0.1, for 1-3 days of the
coming week) and new requests arrive (three tasks a week, due in two to three weeks); then the
next week is re-planned three ways: from the previous plan (the default objective), from it
with `changes` weighted into the deadlines level (`WEIGHTED`), and from scratch. The same seed
gives every policy the same disruptions; the generator's fixed horizon is dropped (weeks of
overruns reach past it). Reported: the changes people absorbed week after week (reassignments
and moves of tasks both plans place, and the `changes` term), and the final lateness: tasks
done at their recorded finish, the rest at the final plan's end, against every deadline.

`ties`: the events above, re-planned from the base plan with the default objective twice, with
and without `changes` as the tie-breaker inside each neighbourhood sub-solve
(`Lns(stable_ties=True)`; without it, the default, a sub-solve that cuts lateness may hand any of
its free tasks to anyone as good), once per search seed (`--seeds`).

Results go to `benchmarks/results/replan.{json,md}`, `replan_rolling.{json,md}` and
`replan_ties.{json,md}`, with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from allocate import Task, check, events, solve  # noqa: E402
from allocate.actuals import NEEDS, _has  # noqa: E402
from allocate.check import recompute_objective  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.objective import with_changes  # noqa: E402
from allocate.plan import Plan  # noqa: E402
from allocate.scenario import Progress, Scenario, hours  # noqa: E402
from allocate.strategies.lns import Lns  # noqa: E402

LONG = 3600.0
"""A time limit the work budget always ends before."""
WEIGHTED = (
    {"lateness": 1.0, "unplaced": 1.0, "changes": 0.1},
    {"peak_utilisation": 1.0},
    {"cost": 1.0},
    {"makespan": 1.0},
)
"""The default objective with `changes` inside the deadlines level at 0.1: ten working hours of
changes weigh one priority-weighted hour of lateness (a reassignment close at hand, 24 h, weighs
2.4 h), so a re-plan gives up small lateness gains that would take many changes."""


def scenario_of(size: str, seed: int) -> Scenario:
    if size == "example":
        return agency()
    people, tasks = map(int, size.split("x"))
    return generate(people, tasks, seed=seed)


def search(iterations: int) -> Lns:
    return Lns(workers=1, iterations=iterations)


# --- one event at a time ----------------------------------------------------------------------


def the_events(scenario: Scenario, base: Plan, seed: int) -> dict[str, Scenario]:
    """The changed scenarios, one event each, at the same planning start."""
    rng = np.random.default_rng(seed)
    week = scenario.start + timedelta(days=7)
    load: dict[str, float] = {}
    for a in base.assignments:
        if a.start < week:
            for person in a.people:
                load[person] = load.get(person, 0.0) + hours(min(a.end, week) - a.start)
    busiest = max(sorted(load), key=lambda p: load[p])
    first = scenario.start.date() + timedelta(days=1)
    absence = events.absence(scenario, busiest, first, first + timedelta(days=4), "ill")
    staffed = [t for t in scenario.tasks if t.staffed and not t.done and not t.team]
    model = staffed[int(rng.integers(len(staffed)))]
    urgent = Task(
        id="urgent-request",
        effort_hours=16,
        skills=model.skills,
        deadline=datetime.combine(
            scenario.start.date() + timedelta(days=3), datetime.min.time(), scenario.start.tzinfo
        )
        + timedelta(hours=17),
        priority=5,
    )
    soon = [
        a.task
        for a in sorted(base.assignments, key=lambda a: (a.start, a.task))
        if a.start < week and a.people and not scenario.task(a.task).done
    ]
    doubled = soon[int(rng.integers(len(soon)))]
    effort = scenario.task(doubled).effort_hours
    return {
        "none": scenario,
        "absence": absence,
        "urgent task": events.add_tasks(scenario, urgent),
        "estimate x2": events.estimate(scenario, doubled, 2 * effort),
    }


def compare_event(name: str, base: Plan, changed: Scenario, iterations: int, seed: int) -> dict:
    began = time.perf_counter()
    first = solve(changed, previous=base, strategy="greedy", time_limit=LONG)
    first_seconds = time.perf_counter() - began
    runs = {}
    weighted = changed.model_copy(update={"objective": WEIGHTED})
    for policy, scenario, previous in (
        ("previous", changed, base),
        ("weighted", weighted, base),
        ("scratch", changed, None),
    ):
        began = time.perf_counter()
        plan = solve(
            scenario, previous=previous, strategy=search(iterations), seed=seed, time_limit=LONG
        )
        wall = time.perf_counter() - began
        runs[policy] = _measure(changed, base, plan, wall)
    runs["first"] = _measure(changed, base, first, first_seconds)
    runs["first"]["first_plan_seconds"] = first.stats.first_plan_seconds
    return {"event": name, **{f"{p}_{k}": v for p, r in runs.items() for k, v in r.items()}}


def _measure(changed: Scenario, base: Plan, plan: Plan, wall: float) -> dict:
    diff = plan.diff(base, changed)
    measured = changed.model_copy(update={"objective": with_changes(changed.objective)})
    terms = recompute_objective(measured, plan, base)
    return {
        "status": plan.status,
        "checked": check(changed, plan, base) == []
        if "changes" in plan.objective
        else check(changed, plan) == [],
        "compared": diff.compared,
        "reassigned": len(diff.reassigned),
        "reassigned_share": round(diff.reassigned_share, 4),
        "moved": len(diff.moved),
        "lateness": plan.objective["lateness"],
        "changes": round(terms["changes"], 1),
        "seconds": round(wall, 2),
    }


def run_events(args) -> None:
    rows = []
    for size in args.sizes:
        scenario = scenario_of(size, args.seed)
        began = time.perf_counter()
        base = solve(
            scenario, strategy=search(args.base_iterations), seed=args.seed, time_limit=LONG
        )
        base_seconds = time.perf_counter() - began
        lateness = base.objective["lateness"]
        print(f"{size}: base plan lateness {lateness:,.0f} h in {base_seconds:.0f} s", flush=True)
        for name, changed in the_events(scenario, base, args.seed).items():
            row = {
                "size": size,
                "base_lateness": base.objective["lateness"],
                **compare_event(name, base, changed, args.iterations, args.seed),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    setup = _setup(args) | {"base_iterations": args.base_iterations, "iterations": args.iterations}
    out = HERE / "results" / "replan"
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1))
    out.with_suffix(".md").write_text(_events_table(rows, setup))


POLICIES = ("previous", "weighted", "scratch")


def _events_table(rows: list[dict], setup: dict) -> str:
    lines = [
        "# Re-planning after one event: from the previous plan vs from scratch",
        "",
        f"Setup: {json.dumps(setup)}",
        "",
        "previous: `solve(changed, previous=base)`, the default objective (changes right after "
        "the deadlines level); weighted: the same with `changes` inside the deadlines level at "
        "0.1; scratch: `solve(changed)`. Reassigned counts the tasks both the base plan and the "
        "new plan place that changed hands (share of them); `changes` is the term in working "
        "hours, every plan's measured against the base plan. First plan: the repaired previous "
        'plan (or the greedy one if better) through the checker, `strategy="greedy"`; the JSON '
        "file has moves and wall times too.",
        "",
        "| scenario | event | reassigned: previous | weighted | scratch "
        "| lateness h: previous | weighted | scratch | previous vs scratch "
        "| changes h: previous | weighted | scratch | first checked plan s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = r["previous_lateness"] / r["scratch_lateness"] - 1 if r["scratch_lateness"] else 0.0
        share = {p: f"{r[p + '_reassigned']} ({r[p + '_reassigned_share']:.1%})" for p in POLICIES}
        lines.append(
            f"| {r['size']} | {r['event']} "
            f"| {share['previous']} | {share['weighted']} | {share['scratch']} "
            f"| {r['previous_lateness']:,.0f} | {r['weighted_lateness']:,.0f} "
            f"| {r['scratch_lateness']:,.0f} | {ratio:+.1%} "
            f"| {r['previous_changes']:,.0f} | {r['weighted_changes']:,.0f} "
            f"| {r['scratch_changes']:,.0f} | {r['first_seconds']:.2f} |"
        )
    return "\n".join(lines) + "\n"


# --- the neighbourhoods' tie-breaker ---------------------------------------------------------


def run_ties(args) -> None:
    rows = []
    for size in args.sizes:
        scenario = scenario_of(size, args.seed)
        base = solve(
            scenario, strategy=search(args.base_iterations), seed=args.seed, time_limit=LONG
        )
        for name, changed in the_events(scenario, base, args.seed).items():
            for seed in args.seeds:
                for variant, ties in (("ties", True), ("no ties", False)):
                    strategy = Lns(workers=1, iterations=args.iterations, stable_ties=ties)
                    began = time.perf_counter()
                    plan = solve(
                        changed, previous=base, strategy=strategy, seed=seed, time_limit=LONG
                    )
                    measured = _measure(changed, base, plan, time.perf_counter() - began)
                    row = {"size": size, "event": name, "seed": seed, "variant": variant}
                    rows.append(row | measured)
                    print(json.dumps(rows[-1]), flush=True)
    setup = _setup(args) | {"base_iterations": args.base_iterations, "iterations": args.iterations}
    setup["seeds"] = args.seeds
    out = HERE / "results" / "replan_ties"
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "runs": rows}, indent=1))
    out.with_suffix(".md").write_text(_ties_table(rows, setup))


def _ties_table(rows: list[dict], setup: dict) -> str:
    lines = [
        "# Re-planning after one event: neighbourhoods with and without the tie-breaker",
        "",
        f"Setup: {json.dumps(setup)}",
        "",
        "Both re-plan from the base plan with the default objective and the same work; "
        "`ties` (`Lns(stable_ties=True)`): each neighbourhood sub-solve minimises `changes` "
        "among its equally late choices; `no ties` (the default): it keeps any of them. Seed: "
        "the search's.",
        "",
        "| scenario | event | seed | reassigned: ties | no ties | changes h: ties | no ties "
        "| lateness h: ties | no ties | difference | seconds: ties | no ties |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    pairs: dict[tuple, dict] = {}
    for r in rows:
        pairs.setdefault((r["size"], r["event"], r["seed"]), {})[r["variant"]] = r
    for (size, event, seed), by in pairs.items():
        a, b = by["ties"], by["no ties"]
        ratio = a["lateness"] / b["lateness"] - 1 if b["lateness"] else 0.0
        lines.append(
            f"| {size} | {event} | {seed} | {a['reassigned']} | {b['reassigned']} "
            f"| {a['changes']:,.0f} | {b['changes']:,.0f} | {a['lateness']:,.0f} "
            f"| {b['lateness']:,.0f} | {ratio:+.1%} | {a['seconds']:.0f} | {b['seconds']:.0f} |"
        )
    return "\n".join(lines) + "\n"


# --- rolling horizon -----------------------------------------------------------------------------


class World:
    """The disruptions of one simulation, the same for every policy: each task's true effort,
    each week's absences and new requests."""

    def __init__(self, scenario: Scenario, seed: int):
        self.seed = seed
        self.people = [p.id for p in scenario.people]
        self.models = [t for t in scenario.tasks if t.staffed and not t.team]
        self.truths: dict[str, float] = {}

    def true_effort(self, task: Task) -> float:
        """The hours `task` really takes: its estimate when first carried out (efforts change
        only here, so that is the planner's estimate) times a lognormal factor of mean 1, drawn
        once per task. Asked again in later weeks, the same hours: a factor applied to an
        effort already made true would compound week after week."""
        if task.id not in self.truths:
            rng = np.random.default_rng([self.seed, _key(task.id)])
            factor = float(np.exp(rng.normal(-0.045, 0.3)))
            self.truths[task.id] = round(task.effort_hours * factor * 4) / 4 or 0.25
        return self.truths[task.id]

    def week(self, scenario: Scenario, week: int) -> Scenario:
        """`scenario` with week `week`'s absences and new requests (from its planning start)."""
        rng = np.random.default_rng([self.seed, 1000 + week])
        start = scenario.start.date()
        for person in self.people:
            if rng.random() < 0.1:
                first = start + timedelta(days=int(rng.integers(0, 5)))
                scenario = events.absence(
                    scenario, person, first, first + timedelta(days=int(rng.integers(0, 3))), "away"
                )
        new = []
        for k in range(3):
            model = self.models[int(rng.integers(len(self.models)))]
            due = scenario.start + timedelta(days=int(rng.integers(14, 22)))
            new.append(
                Task(
                    id=f"request-{week}-{k}",
                    effort_hours=float(rng.integers(4, 25)),
                    skills=model.skills,
                    deadline=due,
                    priority=int(rng.integers(1, 6)),
                )
            )
        return events.add_tasks(scenario, *new)


def _key(text: str) -> int:
    return int.from_bytes(text.encode()[-8:].rjust(8, b"\0"), "big") % 2**32


def executed(world: World, scenario: Scenario, plan: Plan, now: datetime) -> Scenario:
    """The scenario a week on: the plan carried out, except that each task takes its true
    effort (work the plan finished that needs more is still in progress; work that needs less
    is done when the plan said)."""
    later = events.advance(scenario, now, plan=plan)
    actuals = {}
    for task in later.tasks:
        if task.progress.status == "not_started" or scenario.task(task.id).done:
            continue
        true = world.true_effort(task)
        spent = task.spent_hours
        if task.done and true > spent and not task.milestone:
            actuals[task.id] = (
                Progress(
                    status="in_progress",
                    people=task.progress.people,
                    started=task.progress.started,
                    hours_spent=spent,
                ),
                true,
            )
        elif task.in_progress and true <= spent:
            actuals[task.id] = (
                Progress(
                    status="done",
                    people=task.progress.people,
                    started=task.progress.started,
                    hours_spent=spent,
                    finished=now,
                ),
                spent,
            )
        elif task.in_progress:
            actuals[task.id] = (task.progress, max(true, spent + 0.25))
    tasks = [
        t.replace(progress=actuals[t.id][0], effort_hours=actuals[t.id][1])
        if t.id in actuals
        else t
        for t in later.tasks
    ]
    return later.replace(tasks=_in_order(tasks))


def _in_order(tasks: list[Task]) -> list[Task]:
    """Work that could not have begun (its predecessor took longer than planned and is not done)
    has not begun: such tasks go back to not started, until every dependency agrees."""
    by_id = {t.id: t for t in tasks}
    changed = True
    while changed:
        changed = False
        for task in list(by_id.values()):
            if task.progress.status == "not_started":
                continue
            for dep in task.after:
                needed = NEEDS[dep.type][1 if task.done else 0]
                before = by_id.get(dep.task)
                if needed and before is not None and not _has(before, needed):
                    by_id[task.id] = task.replace(progress=Progress())
                    changed = True
                    break
    return [by_id[t.id] for t in tasks]


def realised_lateness(scenario: Scenario, plan: Plan) -> float:
    """Priority-weighted hours late against every deadline: done tasks at their recorded
    finish, the rest at the plan's end."""
    end = {t.id: t.progress.finished for t in scenario.tasks if t.done and t.progress.finished}
    end |= {a.task: a.end for a in plan.assignments}
    total = 0.0
    for task in scenario.tasks:
        if task.deadline and task.id in end:
            total += task.priority * max(0.0, hours(end[task.id] - task.deadline))
    for project in scenario.projects:
        mine = [end[t.id] for t in scenario.tasks if t.project == project.id and t.id in end]
        if project.deadline and mine:
            total += project.priority * max(0.0, hours(max(mine) - project.deadline))
    return total


def run_rolling(args) -> None:
    size = args.rolling_size
    # the generator's horizon ends before eight weeks of overruns do: calendars as far as needed
    start_scenario = scenario_of(size, args.seed).replace(horizon_end=None)
    base = solve(
        start_scenario, strategy=search(args.base_iterations), seed=args.seed, time_limit=LONG
    )
    print(f"{size}: base lateness {base.objective['lateness']:,.0f}", flush=True)
    results = {}
    for policy in POLICIES:
        world = World(start_scenario, args.seed)
        scenario, plan, weeks = start_scenario, base, []
        for week in range(1, args.weeks + 1):
            now = start_scenario.start + timedelta(days=7 * week)
            updated = world.week(executed(world, scenario, plan, now), week)
            solved = updated.replace(objective=WEIGHTED) if policy == "weighted" else updated
            began = time.perf_counter()
            new = solve(
                solved,
                previous=None if policy == "scratch" else plan,
                strategy=search(args.iterations),
                seed=args.seed + week,
                time_limit=LONG,
            )
            wall = time.perf_counter() - began
            row = {"week": week, **_measure(updated, plan, new, wall)}
            row["planned_lateness"] = new.objective["lateness"]
            weeks.append(row)
            print(policy, json.dumps(row), flush=True)
            scenario, plan = updated, new
        results[policy] = {
            "weeks": weeks,
            "reassigned": sum(w["reassigned"] for w in weeks),
            "moved": sum(w["moved"] for w in weeks),
            "changes": round(sum(w["changes"] for w in weeks), 1),
            "final_lateness": round(realised_lateness(scenario, plan), 1),
            "all_checked": all(w["checked"] for w in weeks),
        }
    setup = _setup(args) | {
        "size": size,
        "weeks": args.weeks,
        "base_iterations": args.base_iterations,
        "iterations": args.iterations,
    }
    out = HERE / "results" / "replan_rolling"
    out.with_suffix(".json").write_text(json.dumps({"setup": setup, "results": results}, indent=1))
    out.with_suffix(".md").write_text(_rolling_table(results, setup))


def _rolling_table(results: dict, setup: dict) -> str:
    lines = [
        "# Rolling horizon: a plan carried out week by week, re-planned with and without the "
        "previous plan",
        "",
        f"Setup: {json.dumps(setup)}",
        "",
        "| policy | reassigned (sum of weeks) | moved | changes h | final lateness h "
        "| every plan checked |",
        "|---|---|---|---|---|---|",
    ]
    for policy, r in results.items():
        lines.append(
            f"| {policy} | {r['reassigned']} | {r['moved']} | {r['changes']:,.0f} "
            f"| {r['final_lateness']:,.0f} | {r['all_checked']} |"
        )
    lines += ["", "Week by week (reassigned / moved / lateness of the plan made that week):", ""]
    lines += ["| week | " + " | ".join(results) + " |", "|---" * (len(results) + 1) + "|"]
    for weeks in zip(*(r["weeks"] for r in results.values()), strict=True):
        cells = [f"{w['reassigned']} / {w['moved']} / {w['planned_lateness']:,.0f}" for w in weeks]
        lines.append(f"| {weeks[0]['week']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _setup(args) -> dict:
    return {
        "seed": args.seed,
        "workers": 1,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_1min_at_start": round(os.getloadavg()[0], 1),
        "date": date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=("events", "rolling", "ties"))
    parser.add_argument("--sizes", nargs="+", default=["example", "40x500"])
    parser.add_argument("--rolling-size", default="40x500")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base-iterations", type=int, default=150)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1], help="for ties")
    args = parser.parse_args()
    {"events": run_events, "rolling": run_rolling, "ties": run_ties}[args.what](args)


if __name__ == "__main__":
    main()
