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
time. The reverse question, what if someone leaves, is the same what-if with a person's working
time ending (`departures`, `events.leave`), ranked by the damage: work nobody else can do first,
then the deadlines level lost.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, model_validator

from allocate.analysis.forecast import Forecast, most_common_zone
from allocate.analysis.forecast import forecast as capacity_forecast
from allocate.analysis.whatif import replan, replan_options
from allocate.budget import Budget
from allocate.calendar import working_intervals
from allocate.diff import PlanDiff
from allocate.events import join, leave
from allocate.plan import Plan
from allocate.scenario import Calendar, Frozen, Id, Level, Person, Scenario, hours
from allocate.strategies.base import Strategy
from allocate.sweep import run_all
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


class HiringAdvice(Frozen):
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

    def __getitem__(self, index):
        return self.options[index]

    def __len__(self) -> int:
        return len(self.options)

    def __iter__(self) -> Iterator[HireOption]:  # type: ignore[override]
        return iter(self.options)

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
    baseline_plan, baseline, plans = _against_baseline(scenario, plan, changed, settings, executor)
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


class Departures(Frozen):
    """What-ifs of people leaving, the most damaging first; indexing and iteration go over them."""

    items: tuple[Departure, ...]
    baseline: Standing

    def __getitem__(self, index):
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Departure]:  # type: ignore[override]
        return iter(self.items)

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
    _, baseline, plans = _against_baseline(scenario, plan, changed, settings, executor)
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


def _against_baseline(scenario: Scenario, plan: Plan, changed: list[Scenario], settings, executor):
    """(baseline plan, its standing, the plans of `changed`): each changed scenario re-planned
    from `plan`, beside the same re-plan of `scenario` unchanged that its effects count against,
    as independent jobs on `executor`."""
    jobs = [(s, plan, settings) for s in (scenario, *changed)]
    baseline_plan, *plans = run_all(replan, jobs, executor)
    return baseline_plan, Standing.of(scenario, baseline_plan), plans


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


def _work_cost(scenario: Scenario, plan: Plan) -> float:
    rates = {p.id: p.hourly_rate or 0.0 for p in scenario.people}
    total = 0.0
    for a in plan.assignments:
        task = scenario._tasks_by_id.get(a.task)
        if task is not None:
            total += task.remaining_hours * sum(rates.get(p, 0.0) for p in a.people)
    return total


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


__all__ = [
    "Departure",
    "Departures",
    "Hire",
    "HireOption",
    "HiringAdvice",
    "Standing",
    "advise_hiring",
    "departures",
    "generated_hires",
]
