"""What a plan's figures mean, in a project manager's words: its status, its gap, how late
something is, which figures are weighted. One place, so that the terminal summary, the Markdown
report, the notebook view and the dashboards say the same thing (docs/concepts.md, "Reading a
plan", defines each figure)."""

from __future__ import annotations

from allocate.objective import with_unit
from allocate.plan import Plan, ProjectSummary, late_by

STATUS_MEANING = {
    "optimal": "the best plan possible for the objective, proven",
    "feasible": "every task placed and every rule kept; not proven the best possible",
    "infeasible": "some work could not be placed (see 'Not placed' and 'Conflicting inputs')",
    "unknown": "the independent checker rejects this plan (see 'Violations'): do not use it",
}
WEIGHTED = frozenset({"lateness", "unplaced"})
"""Terms that weigh each hour by its task's or project's priority."""

__all__ = ["STATUS_MEANING", "late_by", "plan_notes", "project_state", "term_figure"]


def term_figure(name: str, value: float) -> str:
    """'lateness 1,844.0 h (priority-weighted)', 'peak_utilisation 71.6 %'."""
    weighted = " (priority-weighted)" if name in WEIGHTED else ""
    return f"{name} {with_unit(name, value)}{weighted}"


def gap_sentence(plan: Plan) -> str | None:
    """'gap 63.1 %: the best possible plan could cut lateness + unplaced by at most 63.1 %'."""
    if plan.gap is None:
        return None
    if plan.gap == 0:
        return "gap 0 %: no plan can do better on any level of the objective"
    level = " + ".join(plan.gap_terms) or "the objective"
    return (
        f"gap {plan.gap:.1%}: the best possible plan could cut {level} by at most {plan.gap:.1%} "
        "(a proven ceiling, not an estimate: the real room is often smaller)"
    )


def plan_notes(plan: Plan) -> list[str]:
    """What the status, the gap and the strategy mean for this plan, one sentence each."""
    notes = [f"{plan.status}: {STATUS_MEANING[plan.status]}"]
    if plan.stats.stopped:
        notes.append(
            f"stopped early ({plan.stats.stopped}) at {plan.stats.wall_seconds:.1f} s: "
            "the best plan found by then, checked"
        )
    gap = gap_sentence(plan)
    if gap and plan.status != "optimal":
        notes.append(gap)
    if auto := plan.stats.detail.get("auto"):
        notes.append(str(auto))
    return notes


def deadlines_sentence(plan: Plan) -> str:
    """The real lateness, unweighted: how many projects and tasks are late and the worst."""
    if not plan.late:
        return "Deadlines: every deadline is met." if plan.assignments else "Deadlines: -"
    projects = sum(item.kind == "project" for item in plan.late)
    tasks = len(plan.late) - projects
    worst = max(plan.late, key=lambda item: item.late_hours)
    return (
        f"Deadlines: {_n(projects, 'project')} and {_n(tasks, 'task')} late; the latest is "
        f"{worst.kind} '{worst.id}', {late_by(worst.late_hours, worst.late_working_hours)}."
    )


def project_state(project: ProjectSummary) -> str:
    """'on time (0.8 days spare)', '6.1 days late (32 working h)', '3 tasks not placed', 'no
    deadline', 'nothing left to plan': a finish is only claimed for a project whose work is all
    placed."""
    if project.unplaced:
        return f"{_n(project.unplaced, 'task')} not placed"
    if project.finish is None:
        return "nothing left to plan"
    if project.deadline is None:
        return "no deadline"
    if project.late_hours > 0:
        return late_by(project.late_hours, project.late_working_hours)
    spare = (project.deadline - project.finish).total_seconds() / 86400
    return f"on time ({spare:.1f} days spare)"


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
