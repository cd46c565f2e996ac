"""Where a plan stands on what a change to the team does (a hire, a departure), and the re-plan
that change is judged against: the same re-plan of the unchanged scenario, so that a change is
credited only with what it changes, not with what re-planning alone finds."""

from __future__ import annotations

from allocate.analysis.whatif import replan
from allocate.plan import Plan
from allocate.scenario import Frozen, Scenario
from allocate.sweep import run_all


class Standing(Frozen):
    """Where a plan stands on what a hire or a departure changes: the projects that miss their
    deadline (or have work not placed), the elapsed hours past every missed deadline summed,
    the objective's deadlines level (priority-weighted), tasks not placed, the cost of the
    planned work, and the margin of the projects with a value."""

    late_projects: tuple[str, ...] = ()
    late_hours: float = 0.0
    deadlines: float = 0.0
    unplaced: int = 0
    cost: float = 0.0
    margin: float | None = None

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> Standing:
        first = scenario.objective[0] if scenario.objective else {}
        margins = [p.margin for p in plan.projects if p.margin is not None]
        return cls(
            late_projects=tuple(p.id for p in plan.projects if p.deadline and not p.on_time),
            late_hours=round(sum(item.late_hours for item in plan.late), 2),
            deadlines=round(sum(w * plan.objective.get(t, 0.0) for t, w in first.items()), 2),
            unplaced=len(plan.unplaced),
            cost=round(_work_cost(scenario, plan), 2),
            margin=round(sum(margins), 2) if margins else None,
        )


def against_baseline(scenario: Scenario, plan: Plan, changed: list[Scenario], settings, executor):
    """(baseline plan, its standing, the plans of `changed`): each changed scenario re-planned
    from `plan`, beside the same re-plan of `scenario` unchanged that its effects count against,
    as independent jobs on `executor`."""
    jobs = [(s, plan, settings) for s in (scenario, *changed)]
    baseline_plan, *plans = run_all(replan, jobs, executor)
    return baseline_plan, Standing.of(scenario, baseline_plan), plans


def _work_cost(scenario: Scenario, plan: Plan) -> float:
    rates = {p.id: p.hourly_rate or 0.0 for p in scenario.people}
    total = 0.0
    for a in plan.assignments:
        task = scenario._tasks_by_id.get(a.task)
        if task is not None:
            total += task.remaining_hours * sum(rates.get(p, 0.0) for p in a.people)
    return total


__all__ = ["Standing", "against_baseline"]
