"""Whom can we not afford to lose? Each person leaving is a what-if: the scenario with their
working time ending (`events.leave`), re-planned from the current plan with minimal disruption
against the same re-plan with everybody (`standing.against_baseline`), ranked by the damage:
work nobody else can do first, then the deadlines level lost."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import date

from allocate.analysis.ranked import Ranked
from allocate.analysis.standing import Standing, against_baseline
from allocate.analysis.whatif import replan_options
from allocate.diff import PlanDiff
from allocate.events import leave
from allocate.plan import Plan
from allocate.scenario import Frozen, Scenario
from allocate.strategies.base import Strategy
from allocate.validation import time_limit_seconds


class Departure(Frozen):
    """What happens if `person` works no more from `on`: how the plan stands re-planned without
    them against the baseline, the requirements only they meet, how many of their tasks go to
    others, the plan itself (checked against the current plan) and what it changes there."""

    person: str
    on: date
    standing: Standing
    baseline: Standing
    sole: tuple[str, ...] = ()
    handed: int = 0
    plan: Plan
    diff: PlanDiff

    @property
    def late_projects_added(self) -> tuple[str, ...]:
        return tuple(p for p in self.standing.late_projects if p not in self.baseline.late_projects)

    @property
    def late_hours_added(self) -> float:
        return round(self.standing.late_hours - self.baseline.late_hours, 2)

    @property
    def damage(self) -> float:
        """The objective's deadlines level lost (priority-weighted hours)."""
        return round(self.standing.deadlines - self.baseline.deadlines, 2)

    def __str__(self) -> str:
        from allocate.report.advice import departure_sentence

        return departure_sentence(self)


class Departures(Ranked[Departure]):
    """What-ifs of people leaving, the most damaging first; indexing and iteration go over them."""

    items: tuple[Departure, ...]
    baseline: Standing

    @property
    def ranked(self) -> tuple[Departure, ...]:
        return self.items

    def __str__(self) -> str:
        from allocate.report.advice import departures_text

        return departures_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.advice import departures_html

        return departures_html(self)


def departures(
    scenario: Scenario,
    plan: Plan,
    people: Sequence[str] | None = None,
    *,
    on: date | None = None,
    time_limit: float = 5.0,
    strategy: str | Strategy = "auto",
    seed: int = 0,
    workers: int | None = 1,
    deterministic: bool = True,
    executor: Executor | None = None,
) -> Departures:
    """Each of `people` (default: everyone the plan gives work) leaving from `on` (default: the
    planning start), re-planned from `plan` against the same re-plan with everybody; the most
    damaging first (deadlines level lost, then late projects added); re-plans as in
    `advise_hiring`. Unknown ids raise a `KeyError` naming them; someone with work in progress
    leaving at the planning start, a `ValueError` naming it (`events.leave`: hand it over
    first)."""
    limit = time_limit_seconds(time_limit)
    known = {p.id for p in scenario.people}
    chosen = list(people) if people is not None else _busy(plan, known)
    unknown = [p for p in chosen if p not in known]
    if unknown:
        raise KeyError(f"unknown people {', '.join(map(repr, unknown))} (known: {_ids(known)})")
    day = on or scenario.start.date()
    settings = replan_options(limit, strategy, seed, workers, deterministic)
    changed = [leave(scenario, person, day) for person in chosen]
    _, baseline, plans = against_baseline(scenario, plan, changed, settings, executor)
    sole = _sole_holders(scenario, plan)
    items = [
        Departure(
            person=person,
            on=day,
            standing=Standing.of(scenario, after),
            baseline=baseline,
            sole=tuple(sole.get(person, ())),
            handed=_handed(plan, after, person),
            plan=after,
            diff=after.diff(plan, without),
        )
        for person, without, after in zip(chosen, changed, plans, strict=True)
    ]
    items.sort(
        key=lambda d: (
            d.baseline.unplaced - d.standing.unplaced,
            -d.damage,
            -len(d.late_projects_added),
            d.person,
        )
    )
    return Departures(items=tuple(items), baseline=baseline)


def _busy(plan: Plan, known: set[str]) -> list[str]:
    return [p.id for p in plan.people if p.booked_hours > 0 and p.id in known]


def _ids(ids) -> str:
    shown = sorted(ids)
    return ", ".join(shown[:10]) + (f", ... ({len(shown)} in all)" if len(shown) > 10 else "")


def _sole_holders(scenario: Scenario, plan: Plan) -> dict[str, list[str]]:
    """Per person, the skill requirements of the scenario's work that only they meet."""
    needs = {
        (skill, level)
        for t in scenario.tasks
        if not t.done
        for member in t.members
        for skill, level in member.items()
        if level > 0
    }
    found: dict[str, list[str]] = {}
    for skill, level in sorted(needs):
        holders = [p.id for p in scenario.people if p.level(skill) >= level]
        if len(holders) == 1:
            found.setdefault(holders[0], []).append(f"{skill} {level}+")
    return found


def _handed(before: Plan, after: Plan, person: str) -> int:
    """Tasks `person` had in `before` that someone else has in `after`."""
    theirs = {a.task for a in before.assignments if person in a.people}
    return sum(1 for a in after.assignments if a.task in theirs and person not in a.people)


__all__ = ["Departure", "Departures", "departures"]
