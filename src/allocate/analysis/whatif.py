"""What-if questions in one call: solve a scenario and a changed copy of it, and say what the change
does ("what if Ben leaves in March?", "what if ACME's deadline moves a week earlier?").

Build the changed copy with `allocate.events`. Both are solved with the same options, side by side
on any `concurrent.futures.Executor` (`allocate.sweep.run_all`: a thread or process pool, Dask's
`client.get_executor()`), else one after the other. Given the plan in force (`previous`), both
are re-planned from it, so that the two plans differ by what the change forces rather than by
two unrelated searches; for answers that repeat exactly, use a search that stops on a work budget
(`strategy=Lns(workers=1, iterations=...)`), not the clock.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from allocate.diff import PlanDiff
from allocate.objective import with_unit
from allocate.plan import Plan
from allocate.scenario import Frozen, Scenario
from allocate.solve import solve
from allocate.strategies.base import Strategy
from allocate.sweep import run_all

SUMMARY_TERMS = ("lateness", "changes", "cost", "makespan")
"""The objective figures a what-if compares side by side, where the plans report them."""


class WhatIf(Frozen):
    """The plan of the scenario as it is (`base`), the plan of the changed scenario (`changed`)
    and what differs between them (`diff`, from base to changed)."""

    base: Plan
    changed: Plan
    diff: PlanDiff

    def figures(self) -> list[tuple[str, float, float]]:
        """(term, base value, changed value) for the headline terms both plans report."""
        return [
            (name, self.base.objective[name], self.changed.objective[name])
            for name in SUMMARY_TERMS
            if name in self.base.objective and name in self.changed.objective
        ]

    def __str__(self) -> str:
        lines = [f"Base plan: {self.base.status}; with the change: {self.changed.status}."]
        for name, before, after in self.figures():
            lines.append(f"  {name}: {with_unit(name, before)} -> {with_unit(name, after)}")
        late = {p.id for p in self.changed.projects if not p.on_time and p.deadline}
        was = {p.id for p in self.base.projects if not p.on_time and p.deadline}
        if late - was:
            lines.append(f"  no longer on time: {', '.join(sorted(late - was))}")
        if was - late:
            lines.append(f"  on time now: {', '.join(sorted(was - late))}")
        return "\n".join(lines) + "\n\n" + str(self.diff)

    def _repr_html_(self) -> str:
        from allocate.report.html import esc, table

        rows = [
            [esc(name), esc(with_unit(name, before)), esc(with_unit(name, after))]
            for name, before, after in self.figures()
        ]
        figures = table(("term", "base", "with the change"), rows, numeric=(1, 2))
        return f"<div>{figures}{self.diff._repr_html_()}</div>"


def compare(
    scenario: Scenario,
    changed: Scenario,
    *,
    previous: Plan | None = None,
    executor: Executor | None = None,
    **options: Any,
) -> WhatIf:
    """Solve `scenario` and `changed` with the same `options` (those of `solve`: time_limit,
    strategy, seed, freeze_days), from the plan in force `previous` if given, side by side on
    `executor` if given; the two plans and what changed between them."""
    if "progress" in options:
        raise ValueError("compare() solves side by side: it takes no progress callback")
    jobs = [(scenario, previous, options), (changed, previous, options)]
    base, new = run_all(replan, jobs, executor)
    return WhatIf(base=base, changed=new, diff=new.diff(base, changed))


def replan_options(
    time_limit: float,
    strategy: str | Strategy,
    seed: int,
    workers: int | None,
    deterministic: bool,
) -> dict[str, Any]:
    """The options of `solve` for every re-plan of one question (recommend, hiring advice,
    departures): `workers` reaches a strategy chosen by name only (an instance keeps its own)."""
    return {
        "time_limit": time_limit,
        "strategy": strategy,
        "seed": seed,
        "workers": workers if isinstance(strategy, str) else None,
        "deterministic": deterministic,
    }


def replan(job: tuple[Scenario, Plan | None, dict[str, Any]]) -> Plan:
    """One solve of a what-if, `(scenario, previous, options of solve)`: the job that `compare`,
    `recommend`, `advise_hiring` and `departures` run side by side (module level, so that process
    pools and Dask can ship it)."""
    scenario, previous, options = job
    return solve(scenario, previous=previous, **options)
