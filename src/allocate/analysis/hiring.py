"""Whom should we hire, and whom can we not afford to lose?

Each candidate hire is a what-if: the scenario with one more person, at work from their start
date (`events.join`), re-planned from the current plan with minimal disruption
(`solve(..., previous=plan)`; by default deterministic, one CP-SAT worker). The same re-plan of
the unchanged scenario is the baseline, so that a hire is credited only with what the hire
changes, not with what re-planning alone finds. Candidates come from the user, or from the
capacity forecast (`generated_hires`): for each of the skills that run shortest, a hire at the
level of its requirement that runs shortest and one at the highest level that runs short, in
the time zone most of its current holders work in, from the first week it runs short, at the
median rate of its holders.

Options are ranked first by work that only the hire makes possible (tasks the plan could not
place without them), then by value for money: the deadlines level of the objective saved (by
default priority-weighted hours late, plus optional work left out) per 1,000 of what employing
the hire costs until the end of the forecast window; then by late projects brought back on
time. The reverse question, what if someone leaves, is `departures`.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, model_validator

from allocate.analysis.forecast import Forecast, most_common_zone
from allocate.analysis.forecast import forecast as capacity_forecast
from allocate.analysis.ranked import Ranked
from allocate.analysis.standing import Standing, against_baseline
from allocate.analysis.whatif import replan_options
from allocate.budget import Budget
from allocate.calendar import working_intervals
from allocate.diff import PlanDiff
from allocate.events import join
from allocate.plan import Plan
from allocate.scenario import Calendar, Frozen, Id, Level, Person, Scenario, hours
from allocate.strategies.base import Strategy
from allocate.validation import time_limit_seconds

if TYPE_CHECKING:
    import pandas as pd

GENERATED = 3
"""Skills that run short that hires are generated for (one or two levels each), the largest
shortfall first."""
CALENDAR_FIELDS = ("timezone", "weekly_hours", "holidays")


class Hire(Frozen):
    """Someone we could hire: skills with levels, a working calendar (`timezone`, `weekly_hours`
    and `holidays` may be given directly: `Hire(skills={"backend": 3}, timezone="Europe/Berlin",
    start=date(2027, 4, 5), hourly_rate=90)`), the first day at work (None: at once) and the
    hourly rate their work costs."""

    id: Id = "hire"
    name: str = ""
    skills: dict[str, Level]
    calendar: Calendar = Field(default_factory=Calendar)
    start: date | None = None
    hourly_rate: Annotated[float, Field(ge=0, le=1e6)] | None = None
    max_hours_per_week: Annotated[float, Field(ge=0, le=168)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _calendar_shortcuts(cls, data: Any) -> Any:
        """`timezone`, `weekly_hours` and `holidays` go into the calendar (validated there: an
        unknown zone is named)."""
        if not isinstance(data, dict) or not any(k in data for k in CALENDAR_FIELDS):
            return data
        data = dict(data)
        calendar = data.pop("calendar", {})
        calendar = calendar.model_dump() if isinstance(calendar, Calendar) else dict(calendar)
        calendar |= {k: data.pop(k) for k in CALENDAR_FIELDS if k in data}
        return {**data, "calendar": calendar}

    @model_validator(mode="after")
    def _some_skill(self):
        if not any(level > 0 for level in self.skills.values()):
            raise ValueError(f"hire '{self.id}' needs at least one skill at level 1 or more")
        return self

    def person(self) -> Person:
        return Person(
            id=self.id,
            name=self.name,
            skills=self.skills,
            calendar=self.calendar,
            hourly_rate=self.hourly_rate,
            max_hours_per_week=self.max_hours_per_week,
        )

    @property
    def label(self) -> str:
        """'backend (level 3)', 'backend (level 4), data (level 2)'."""
        return ", ".join(f"{skill} (level {level})" for skill, level in self.skills.items())

    def __str__(self) -> str:
        when = f" from {self.start.isoformat()}" if self.start else ""
        return f"+1 {self.label} in {self.calendar.timezone}{when}"


class HireOption(Frozen):
    """One candidate hire, re-planned: how the plan stands with them against the baseline (the
    same re-plan without them), what employing them costs until `until`, the hours the plan
    gives them, the plan itself (checked against the current plan), which backs every figure,
    and what it changes in the current plan (`diff`)."""

    hire: Hire
    standing: Standing
    baseline: Standing
    cost: float
    paid_hours: float
    booked_hours: float
    plan: Plan
    diff: PlanDiff

    @property
    def saved_projects(self) -> tuple[str, ...]:
        """Projects late without the hire and on time with them."""
        return tuple(p for p in self.baseline.late_projects if p not in self.standing.late_projects)

    @property
    def late_hours_saved(self) -> float:
        return round(self.baseline.late_hours - self.standing.late_hours, 2)

    @property
    def value(self) -> float:
        """The objective's deadlines level saved (priority-weighted hours)."""
        return round(self.baseline.deadlines - self.standing.deadlines, 2)

    @property
    def value_per_cost(self) -> float:
        """`value` per 1,000 of the hire's cost (per 1,000 hours of their time when no rate)."""
        return 1000 * self.value / (self.cost or self.paid_hours or 1.0)

    def __str__(self) -> str:
        from allocate.report.advice import hire_sentence

        return hire_sentence(self)


class HiringAdvice(Ranked[HireOption]):
    """Candidate hires, the best value for money first (`options`), each backed by its
    re-planned plan; `baseline` is the plan's standing re-planned without a hire; `over_budget`
    the candidates that cost more than `budget` (not solved). Indexing and iteration go over the
    options."""

    options: tuple[HireOption, ...]
    baseline: Standing
    baseline_plan: Plan
    over_budget: tuple[Hire, ...] = ()
    budget: float | None = None
    until: datetime
    current: Standing
    """The current plan's standing (before any re-plan)."""
    seconds: float = 0.0

    @property
    def ranked(self) -> tuple[HireOption, ...]:
        return self.options

    def to_dataframe(self) -> pd.DataFrame:
        from allocate.report.advice import hiring_table

        return hiring_table(self)

    def __str__(self) -> str:
        from allocate.report.advice import hiring_text

        return hiring_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.advice import hiring_html

        return hiring_html(self)


def advise_hiring(
    scenario: Scenario,
    plan: Plan,
    *,
    candidates: Sequence[Hire] | None = None,
    budget: float | None = None,
    until: datetime | None = None,
    forecast: Forecast | None = None,
    count: int = GENERATED,
    time_limit: float = 5.0,
    strategy: str | Strategy = "auto",
    seed: int = 0,
    workers: int | None = 1,
    deterministic: bool = True,
    executor: Executor | None = None,
) -> HiringAdvice:
    """Each candidate hire (yours, or `count` generated from the capacity forecast's shortages)
    re-planned from `plan` within `time_limit` seconds, against the same re-plan without a hire;
    ranked by value for money (module docstring). `budget` leaves out hires that would cost more
    until `until` (default: the forecast's end, the later of the plan's finish and the last
    deadline). `forecast` is the capacity forecast to generate hires from, when you have it.
    `strategy`, `seed`, `workers` (for a strategy chosen by name) and `deterministic` are those
    of each re-plan (`solve`); the re-plans are independent jobs on `executor` when given."""
    limit = time_limit_seconds(time_limit)
    clock = Budget(limit)
    if budget is not None and not budget >= 0:
        raise ValueError(f"budget must be 0 or more, not {budget!r}")
    if candidates is None:
        fc = forecast if forecast is not None else capacity_forecast(scenario, plan)
        candidates = generated_hires(scenario, fc, count)
    hires = _unique(scenario, candidates)
    until = until or window_end(scenario, plan)
    costs = {hire.id: _employment(scenario, hire, until) for hire in hires}
    affordable = [h for h in hires if budget is None or costs[h.id][0] <= budget]
    settings = replan_options(limit, strategy, seed, workers, deterministic)
    changed = [join(scenario, h.person(), h.start) for h in affordable]
    baseline_plan, baseline, plans = against_baseline(scenario, plan, changed, settings, executor)
    options = [
        HireOption(
            hire=hire,
            standing=Standing.of(scenario, hired),
            baseline=baseline,
            cost=costs[hire.id][0],
            paid_hours=costs[hire.id][1],
            booked_hours=round(_booked(hired, hire.id), 2),
            plan=hired,
            diff=hired.diff(plan, with_hire),
        )
        for hire, with_hire, hired in zip(affordable, changed, plans, strict=True)
    ]
    options.sort(
        key=lambda o: (
            o.standing.unplaced - o.baseline.unplaced,
            -o.value_per_cost,
            -len(o.saved_projects),
            o.cost,
            o.hire.id,
        )
    )
    return HiringAdvice(
        options=tuple(options),
        baseline=baseline,
        baseline_plan=baseline_plan,
        over_budget=tuple(h for h in hires if h not in affordable),
        budget=budget,
        until=until,
        current=Standing.of(scenario, plan),
        seconds=round(clock.elapsed(), 3),
    )


def generated_hires(scenario: Scenario, fc: Forecast, count: int = GENERATED) -> list[Hire]:
    """Hires for the `count` skills that run shortest, each at two levels when they differ: the
    level of the skill's requirement that runs shortest ("backend 2+" counts all backend work
    from level 2 up, so it is usually the lowest), and the highest level that runs short (a hire
    who can do all of the short work). The re-plans then tell which pays. Each works in the zone
    most holders of the requirement work in (with their usual public holidays), from the first
    short week (or the planning start), at the median rate of those holders."""
    shortages = [s for s in fc.shortages() if s.skill is not None and s.level is not None]
    skills = list(dict.fromkeys(s.skill for s in shortages))[:count]
    found: list[Hire] = []
    for skill in skills:
        mine = [s for s in shortages if s.skill == skill]
        levels = {mine[0].level, max(s.level for s in mine)}
        found += [
            _hire(scenario, next(s for s in mine if s.level == level)) for level in sorted(levels)
        ]
    return found


def _hire(scenario: Scenario, shortage) -> Hire:
    skill, level = shortage.skill, shortage.level
    zone = most_common_zone(scenario, skill, level)
    holders = [p for p in scenario.people if p.level(skill) >= level]
    rates = [p.hourly_rate for p in holders if p.hourly_rate is not None]
    holidays = Counter(
        p.calendar.holidays for p in holders if p.calendar.timezone == zone
    ).most_common(1)
    return Hire(
        id=f"hire-{skill}-{level}",
        name=f"new {skill} {level}",
        skills={skill: level},
        timezone=zone,
        holidays=holidays[0][0] if holidays else None,
        start=max(scenario.start.date(), shortage.first),
        hourly_rate=statistics.median(rates) if rates else None,
    )


def window_end(scenario: Scenario, plan: Plan) -> datetime:
    """The end of the window a hire is paid for: the later of the plan's finish and the last
    deadline (the capacity forecast's default end)."""
    dates = [scenario.start + timedelta(days=1), *([plan.finish] if plan.finish else [])]
    dates += [t.deadline for t in scenario.tasks if t.deadline is not None]
    dates += [p.deadline for p in scenario.projects if p.deadline is not None]
    return max(dates)


def _employment(scenario: Scenario, hire: Hire, until: datetime) -> tuple[float, float]:
    """(cost, hours) of employing `hire` from their start to `until`: every working hour of
    their calendar (with a weekly limit, no more than it per week) at their rate."""
    begin = scenario.start
    if hire.start is not None:
        begin = max(begin, datetime.combine(hire.start, datetime.min.time(), hire.calendar.zone))
    spans = working_intervals(hire.calendar, begin, until) if until > begin else []
    paid = sum(hours(e - s) for s, e in spans)
    if hire.max_hours_per_week is not None:
        weeks = max(1.0, hours(until - begin) / (24 * 7)) if until > begin else 0.0
        paid = min(paid, hire.max_hours_per_week * weeks)
    return round(paid * (hire.hourly_rate or 0.0), 2), round(paid, 2)


def _unique(scenario: Scenario, hires: Sequence[Hire]) -> list[Hire]:
    """`hires` with ids nobody in the scenario (or an earlier hire) has: generated and default
    ids may clash."""
    taken = {p.id for p in scenario.people}
    unique = []
    for hire in hires:
        if not isinstance(hire, Hire):
            raise TypeError(f"candidates must be Hire objects, not {type(hire).__name__}")
        ident, n = hire.id, 2
        while ident in taken:
            ident, n = f"{hire.id}-{n}", n + 1
        taken.add(ident)
        unique.append(hire if ident == hire.id else hire.replace(id=ident))
    return unique


def _booked(plan: Plan, person: str) -> float:
    return next((p.booked_hours for p in plan.people if p.id == person), 0.0)


__all__ = [
    "Hire",
    "HireOption",
    "HiringAdvice",
    "advise_hiring",
    "generated_hires",
]
