"""The user model: people, calendars, projects and tasks, as frozen pydantic models.

Everything here is plain validated data. Field-level checks (types, ranges, time zones, holiday
countries) are pydantic's; the cross-references between models (unknown ids, cycles, skills nobody
has) are collected by `validation.py` and raised together, so one error lists every problem.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DependencyType = Literal["FS", "SS", "FF", "SF"]

MAX_HOURS = 100_000.0
"""Efforts and lags above this (about 50 working years) are treated as input mistakes."""


class Frozen(BaseModel):
    """Base of every model: immutable, strict about unknown fields, NaN-free."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="wrap")
    @classmethod
    def _name_errors(cls, data, handler):
        """Prefix field errors with the id of the object they belong to ("task 'api': ..."):
        inside a scenario, pydantic's own locations are list indices, which planners never see."""
        try:
            return handler(data)
        except ValidationError as error:
            ident = data.get("id") if isinstance(data, dict) else None
            if not isinstance(ident, str):
                raise
            prefix = f"{cls.__name__.lower()} '{ident}': "
            raise ValidationError.from_exception_data(
                error.title, [prefixed_error(e, prefix) for e in error.errors()]
            ) from None

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent, exclude_defaults=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Read from JSON text; one ValidationError lists every problem."""
        return cls.model_validate_json(text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from plain data (parsed JSON, YAML, a spreadsheet's rows); one ValidationError
        lists every problem. Nested objects may be dicts or models."""
        return cls.model_validate(data)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Self:
        """Read a JSON file written by `save` (or by hand); one ValidationError lists every
        problem, OSError when the file cannot be read."""
        return cls.model_validate_json(Path(path).read_bytes())

    def save(self, path: str | os.PathLike) -> Path:
        """Write as JSON (defaults left out); `load` reads it back."""
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes`, validated as if built anew: wrong types, unknown fields and (on
        a Scenario) unknown ids or cycles raise one ValidationError listing every problem.
        Changed values may be models or plain data: `task.replace(progress={"status": "done"})`.
        """
        kept = {name: getattr(self, name) for name in self.model_fields_set}
        return type(self).model_validate({**kept, **changes})

    __replace__ = replace  # copy.replace(model, **changes) on Python 3.13+

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """pydantic's copy, except that an `update` is validated (it is `replace(**update)`):
        pydantic skips validation there, and a wrong value would surface much later, deep inside
        the solver. A frozen model needs no deep copy."""
        if update:
            return self.replace(**update)
        return super().model_copy(deep=deep)


def prefixed_error(error: dict, prefix: str) -> InitErrorDetails:
    message = error["msg"].removeprefix("Value error, ")
    if not message.startswith(prefix):
        message = prefix + message
    return InitErrorDetails(
        type=PydanticCustomError(error["type"], "{message}", {"message": message}),
        loc=error["loc"],
        input=error.get("input"),
    )


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a time zone (e.g. 2026-03-02T09:00:00+01:00)")
    if not 1970 <= value.year <= 2200:
        raise ValueError(f"year {value.year} is outside 1970-2200")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Id = Annotated[str, Field(min_length=1, max_length=200)]
Hours = Annotated[float, Field(ge=0, le=MAX_HOURS)]
Level = Annotated[int, Field(ge=0, le=100)]
Priority = Annotated[int, Field(ge=1, le=1000)]


def _divides_an_hour(minutes: int) -> int:
    if minutes < 1 or 60 % minutes:
        raise ValueError(f"{minutes} minutes does not divide an hour (use 60, 30, 15, 10, 5 or 1)")
    return minutes


GridMinutes = Annotated[int, AfterValidator(_divides_an_hour)]


class TimeRange(Frozen):
    """Working time within one day, local wall-clock time: `09:00-17:00`. `24:00` ends a day."""

    start: time
    end: time | None = Field(description="end of the range; None or 24:00 means midnight")

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value):
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", value)
            if not match:
                raise ValueError(f"'{value}' is not a time range like '09:00-17:00'")
            h1, m1, h2, m2 = map(int, match.groups())
            if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
                raise ValueError(f"'{value}' is not a valid time range")
            return {"start": time(h1, m1), "end": None if h2 == 24 else time(h2, m2)}
        return value

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"range {self} ends before it starts (overnight shifts: split them)")
        return self

    @property
    def minutes(self) -> tuple[int, int]:
        """(start, end) in minutes after local midnight."""
        end = 24 * 60 if self.end is None else self.end.hour * 60 + self.end.minute
        return self.start.hour * 60 + self.start.minute, end

    def __str__(self) -> str:
        s, e = self.minutes
        return f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}"

    @model_serializer
    def _compact(self) -> str:
        return str(self)


def _office_hours() -> dict[str, tuple[TimeRange, ...]]:
    nine_to_five = (TimeRange.model_validate("09:00-17:00"),)
    return {day: nine_to_five for day in WEEKDAYS[:5]}


class TimeOff(Frozen):
    """Personal absence. Dates are whole local days, both ends included; datetimes are
    `[start, end)` instants (naive datetimes are read in the calendar's time zone)."""

    start: date | datetime
    end: date | datetime
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self):
        if isinstance(self.start, datetime) != isinstance(self.end, datetime):
            raise ValueError("start and end must both be dates or both be datetimes")
        if self.end < self.start:
            raise ValueError(f"time off ends ({self.end}) before it starts ({self.start})")
        return self


class Calendar(Frozen):
    """When a person works: weekly hours in their time zone, minus public holidays and time off.

    Given only a time zone, a calendar means Monday-Friday, 09:00-17:00 local time. Several ranges a
    day describe split days; leaving a weekday out describes part-time.
    """

    timezone: str = "UTC"
    weekly_hours: dict[Weekday, tuple[TimeRange, ...]] = Field(default_factory=_office_hours)
    holidays: str | None = Field(
        default=None,
        description="public holidays: ISO country code, optionally '-SUBDIVISION' (DE-BY)",
    )
    time_off: tuple[TimeOff, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"unknown time zone '{value}' (use an IANA name such as 'Europe/Berlin')"
            raise ValueError(message) from None
        return value

    @field_validator("holidays")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return None if value is None else holiday_code(value)

    @field_validator("weekly_hours")
    @classmethod
    def _has_working_time(cls, value: dict) -> dict:
        if not any(value.values()):
            raise ValueError("the calendar has no working time in any weekday")
        for day, ranges in value.items():
            spans = sorted(r.minutes for r in ranges)
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                if start < end:
                    raise ValueError(f"working ranges on {day} overlap")
        return value

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


ALWAYS = Calendar(timezone="UTC", weekly_hours={day: ("00:00-24:00",) for day in WEEKDAYS})
"""Around the clock, every day, no holidays: machines, 24/7 services, and the benchmark
instances (one period of a PSPLIB or MSLIB instance is one hour of it)."""


def holiday_calendar(code: str, years):
    """The `holidays` calendar for 'DE' or 'DE-BY' (any case); ValueError naming what is unknown."""
    import holidays

    country, _, subdivision = holiday_code(code).partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, years=years)


def holiday_names(code: str, years) -> dict[date, str]:
    """The public holidays of `code` in `years`, by date: looked up once per code and year
    (building a `holidays` calendar costs a millisecond or more, and the checker, the
    explanations and the compiler ask for the same few thousands of times)."""
    names: dict[date, str] = {}
    for year in years:
        names.update(_holiday_year(code, year))
    return names


@lru_cache(maxsize=1024)
def _holiday_year(code: str, year: int) -> dict[date, str]:
    return dict(holiday_calendar(code, [year]))


SHOWN_CHOICES = 20


def holiday_code(code: str) -> str:
    """`code` in the `holidays` package's own spelling ('de-be' -> 'DE-BE', 'DE-Bayern' ->
    'DE-BY'); a ValueError that names the unknown country or subdivision and lists close
    valid ones."""
    import holidays

    country, dash, subdivision = code.strip().partition("-")
    supported = holidays.list_supported_countries()
    if country.upper() not in supported:
        hint = _choices(country.upper(), sorted(supported), "ISO country codes such as DE, US")
        raise ValueError(f"unknown holiday country '{country}'{hint}")
    country = country.upper()
    if not dash:
        return country
    aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", {})
    names = {name.lower(): name for name in supported[country]}
    names |= {alias.lower(): name for alias, name in aliases.items()}
    if subdivision.lower() in names:
        return f"{country}-{names[subdivision.lower()]}"
    if not supported[country]:
        raise ValueError(f"holiday country '{country}' has no subdivisions (use '{country}')")
    hint = _choices(subdivision, list(supported[country]), "")
    raise ValueError(f"unknown subdivision '{subdivision}' of holiday country '{country}'{hint}")


def _choices(wrong: str, valid: list[str], fallback: str) -> str:
    """' (did you mean BY, BE?)', or the valid choices when few, or `fallback`."""
    import difflib

    by_lower = {choice.lower(): choice for choice in valid}
    close = difflib.get_close_matches(wrong.lower(), list(by_lower), n=5, cutoff=0.6)
    if close:
        return f" (did you mean {', '.join(by_lower[c] for c in close)}?)"
    if len(valid) <= SHOWN_CHOICES:
        return f" (valid: {', '.join(valid)})"
    return (
        f" (use {fallback})" if fallback else f" (valid: {', '.join(valid[:SHOWN_CHOICES])}, ...)"
    )


class Person(Frozen):
    """Someone who works on tasks, with their skills, calendar and limits.

    `max_hours_per_week` caps the hours of planned tasks in each calendar week (Monday 00:00 to
    Monday 00:00 in the person's own time zone) below what the calendar allows, e.g. a manager
    who may spend only 20 h a week on delivery. A task runs on every working hour of its person
    from its start to its end, so in a week where the limit is reached the person does no more
    task work, and a task cannot cover a whole week with more working hours than the limit.
    `max_projects` caps the projects a person is on at once; a person is on a project from the
    start of their first task of it to the end of their last (tasks outside projects do not count).
    """

    id: Id
    name: str = ""
    skills: dict[str, Level] = Field(default_factory=dict)
    calendar: Calendar = Field(default_factory=Calendar)
    hourly_rate: Annotated[float, Field(ge=0, le=1e6)] | None = None
    max_hours_per_week: Annotated[float, Field(ge=0, le=168)] | None = Field(
        default=None, description="hours of task work per local calendar week, at most"
    )
    max_projects: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        default=None, description="projects the person may be on at the same time, at most"
    )

    def level(self, skill: str) -> int:
        """The person's level in `skill`; a skill they do not list is level 0, so a task that
        asks for level 0 of something is open to everyone."""
        return self.skills.get(skill, 0)

    def qualifies_for(self, task: Task) -> bool:
        """Can this person fill some place on `task` (any slot of a team)?"""
        return any(self.has(dict(skills)) for skills in set(map(_frozen, task.members)))

    def has(self, skills: dict[str, int]) -> bool:
        """Every one of `skills` at its level or above?"""
        return all(self.level(skill) >= level for skill, level in skills.items())

    def kept_off(self, task: Task) -> str | None:
        """Why a limit of 0 keeps this person off `task` (0 h a week; 0 projects, for a project
        task), as the end of a sentence; None when no limit does."""
        if self.max_hours_per_week == 0:
            return "who may work 0 h a week"
        if self.max_projects == 0 and task.project is not None:
            return "who may be on 0 projects"
        return None


def _frozen(skills: dict[str, int]) -> tuple:
    return tuple(sorted(skills.items()))


Money = Annotated[float, Field(ge=0, le=1e12)]


class Project(Frozen):
    """A customer project. `budget` is what its work may cost (hours × rates); `value` is what the
    customer pays, so a plan shows each project's margin. A pipeline project, not yet won, has a
    `win_probability` below 1: the capacity forecast weighs its work by it (`solve` plans whatever
    the scenario holds; leave such projects out of the scenario you commit to)."""

    id: Id
    name: str = ""
    customer: str = ""
    deadline: AwareDatetime | None = None
    priority: Priority = 1
    budget: Money | None = None
    value: Money | None = None
    win_probability: Annotated[float, Field(ge=0, le=1)] = Field(
        default=1.0, description="chance the project is won (1: committed work)"
    )


class Dependency(Frozen):
    """`task` must come before the task that lists this dependency.

    `FS` (finish-to-start): this task starts after `task` finishes; `SS` start-to-start,
    `FF` finish-to-finish, `SF` start-to-finish. `lag_hours` is added to the earlier event;
    measured in elapsed time, or in working hours of the scenario's calendar when
    `lag_in="working"`. A negative elapsed lag is a lead.
    """

    task: Id
    type: DependencyType = "FS"
    lag_hours: Annotated[float, Field(ge=-MAX_HOURS, le=MAX_HOURS)] = 0.0
    lag_in: Literal["elapsed", "working"] = "elapsed"

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value):
        return {"task": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _working_lag_not_negative(self):
        if self.lag_in == "working" and self.lag_hours < 0:
            raise ValueError("a lag in working hours cannot be negative (use lag_in='elapsed')")
        return self


class CapacityChange(Frozen):
    """From `start` on, the resource has `capacity` units (until the next change)."""

    start: AwareDatetime
    capacity: Annotated[int, Field(ge=0, le=1_000_000)]


class Resource(Frozen):
    """Something tasks share with limited capacity: a test lab, licences, a contractor pool.

    A task holds its units from its start to its end, pauses included. `changes` make the capacity
    vary over time (a second lab from April, licences expiring).
    """

    id: Id
    name: str = ""
    capacity: Annotated[int, Field(ge=0, le=1_000_000)] = 1
    changes: tuple[CapacityChange, ...] = ()

    def capacity_at(self, moment: datetime) -> int:
        current = self.capacity
        for change in sorted(self.changes, key=lambda c: c.start):
            if change.start <= moment:
                current = change.capacity
        return current

    @property
    def max_capacity(self) -> int:
        return max([self.capacity, *(c.capacity for c in self.changes)])


class Progress(Frozen):
    """What has happened to a task by the planning start: its actuals.

    A `done` task is history: it is not planned again and its dependants may start at once. An
    `in_progress` task has `hours_spent` of its effort behind it (each member's, on a team); only
    the rest is planned, and it stays with its `people`, who are on it now (a task that needs a
    person must name them). `people` are who did or are doing the work (any order for a team:
    each takes a place they qualify for), `started` and `finished` when; none of it may lie after
    the planning start. Spent hours count in costs, budgets and margins at the rates of `people`;
    a done task without `hours_spent` counts its `effort_hours`.
    """

    status: Literal["not_started", "in_progress", "done"] = "not_started"
    people: tuple[Id, ...] = Field(default=(), description="who did or is doing the work")
    started: AwareDatetime | None = Field(default=None, description="when the work started")
    hours_spent: Hours = 0.0
    finished: AwareDatetime | None = Field(default=None, description="when a done task finished")

    @model_validator(mode="after")
    def _consistent(self):
        recorded = [
            name
            for name, value in (
                ("people", self.people),
                ("started", self.started),
                ("hours_spent", self.hours_spent),
                ("finished", self.finished),
            )
            if value
        ]
        if self.status == "not_started" and recorded:
            raise ValueError(f"a task not started cannot record {', '.join(recorded)}")
        if self.finished is not None and self.status != "done":
            raise ValueError("only a done task has a finish (mark it done, or drop `finished`)")
        if self.started and self.finished and self.finished < self.started:
            raise ValueError(f"finished ({self.finished}) before it started ({self.started})")
        if len(set(self.people)) < len(self.people):
            raise ValueError(f"lists someone twice in people {list(self.people)}")
        return self


Distribution = Literal["pert", "triangular"]


def _ordered_points(low: float, likely: float, high: float, what: str) -> None:
    if not low <= likely <= high:
        raise ValueError(f"{what} needs low <= likely <= high, not {low:g} / {likely:g} / {high:g}")


class Estimate(Frozen):
    """How much effort a task may really take, in hours: at least `low`, most often about
    `likely`, at most `high` (a three-point estimate). The plan is made with `effort_hours`; a
    risk simulation (`allocate.simulate`) draws the effort from this range instead."""

    low: Hours
    likely: Hours
    high: Hours

    @model_validator(mode="after")
    def _ordered(self):
        _ordered_points(self.low, self.likely, self.high, "an estimate")
        return self


class Uncertainty(Frozen):
    """How wrong estimates tend to be, for risk simulations.

    Tasks without an `estimate` take `low`, `likely` and `high` as multiples of their effort
    (the default, 1 / 1 / 1, means they are certain; 0.8 / 1 / 1.5 is a common spread).
    `distribution` shapes every estimate: "pert" (a beta distribution that weighs `likely` four
    times, the classic three-point estimate) or "triangular" (fatter tails, for estimates held
    with less confidence). `sick_days_per_year` is each person's expected days off sick: a sick
    day during a task adds that day's working hours to it."""

    low: Annotated[float, Field(ge=0, le=100)] = 1.0
    likely: Annotated[float, Field(ge=0, le=100)] = 1.0
    high: Annotated[float, Field(ge=0, le=100)] = 1.0
    distribution: Distribution = "pert"
    sick_days_per_year: Annotated[float, Field(ge=0, le=260)] = 0.0

    @model_validator(mode="after")
    def _ordered(self):
        _ordered_points(self.low, self.likely, self.high, "the default spread")
        return self


MAX_TEAM = 100
"""More people than this on one task is treated as an input mistake."""


class Slot(Frozen):
    """A place in a team: `count` people, each with every one of `skills`."""

    skills: dict[str, Level] = Field(default_factory=dict)
    count: Annotated[int, Field(ge=1, le=MAX_TEAM)] = 1


class Task(Frozen):
    """Work of `effort_hours` done by one qualified person, pausing outside their working time.

    A team task needs several people at once: `headcount=n` asks for n distinct people, each
    with `skills`; `team` gives each slot its own skills (one designer and two developers). All
    members work over the same `[start, end)`, each putting in `effort_hours` of their own working
    time; the task ends when the last of them is done, and every member is busy until then.

    A milestone marks a deliverable: zero effort, no person, it happens when its dependencies allow.
    `headcount=0` makes a task that needs nobody (a machine run, a review period): it takes
    `effort_hours` of the scenario's calendar. `resources` are units of shared resources held while
    the task runs. `priority` weighs this task's lateness against others'. `progress` records work
    already done.

    `headcount` is also read as `people`, its former name, so that older scenario files load
    (a plan's `Assignment.people` lists who does a task, which is another thing).
    """

    id: Id
    name: str = ""
    project: Id | None = None
    effort_hours: Hours = 0.0
    skills: dict[str, Level] = Field(default_factory=dict)
    after: tuple[Dependency, ...] = ()
    release: AwareDatetime | None = None
    deadline: AwareDatetime | None = None
    priority: Priority = 1
    milestone: bool = False
    headcount: Annotated[int, Field(ge=0, le=MAX_TEAM)] = Field(
        default=1,
        validation_alias=AliasChoices("headcount", "people"),
        description="people who work on the task together (0: it needs nobody)",
    )
    team: tuple[Slot, ...] = ()
    """Slots with their own skills; then `skills` stays empty and `headcount` at its default."""
    resources: dict[str, Annotated[int, Field(ge=1, le=1_000_000)]] = Field(default_factory=dict)
    progress: Progress = Field(default_factory=Progress)
    preferred: tuple[Id, ...] = ()
    """People the planner would like on this task (the `preferences` objective term)."""
    avoided: tuple[Id, ...] = ()
    """People the planner would rather not put on it (the `preferences` term)."""
    stream: Id | None = None
    """A work stream: consecutive tasks of one stream should stay with one person (`handovers`)."""
    estimate: Estimate | None = None
    """The range its effort may really take (risk simulations); None: the scenario's
    `uncertainty` spread around `effort_hours`."""
    optional: bool = False
    """Work that may be left out of the plan (it then costs its priority-weighted hours in the
    `unplaced` objective term). A dependency on a left-out task is dropped: its successors go
    ahead without it."""

    @property
    def staffed(self) -> bool:
        """Does this task need a person (not a milestone, not a person-less task)?"""
        return not self.milestone and self.headcount > 0

    @property
    def members(self) -> tuple[dict[str, int], ...]:
        """The skills each member needs, one entry per person, slot by slot (the order of a
        plan's `people`); empty when the task needs nobody."""
        if not self.staffed:
            return ()
        if self.team:
            return tuple(slot.skills for slot in self.team for _ in range(slot.count))
        return (self.skills,) * self.headcount

    @property
    def team_size(self) -> int:
        return len(self.members)

    @property
    def done(self) -> bool:
        return self.progress.status == "done"

    @property
    def in_progress(self) -> bool:
        return self.progress.status == "in_progress"

    @property
    def spent_hours(self) -> float:
        """Hours already worked on it (each member's, on a team): those recorded, or a done
        task's effort when it records none."""
        if self.done and not self.progress.hours_spent:
            return self.effort_hours
        return self.progress.hours_spent

    @property
    def remaining_hours(self) -> float:
        """Effort still to plan: all of it, the rest of an in-progress task, or none when done."""
        if self.done:
            return 0.0
        return max(0.0, self.effort_hours - self.progress.hours_spent)

    @model_validator(mode="after")
    def _effort_fits_kind(self):
        if self.milestone and self.effort_hours:
            raise ValueError(f"milestone '{self.id}' must have zero effort")
        if self.milestone and self.optional:
            raise ValueError(f"milestone '{self.id}' cannot be optional: it takes no work")
        if self.optional and self.team_size > 1:
            raise ValueError(f"task '{self.id}' has a team: a team task cannot be optional yet")
        if not self.milestone and self.effort_hours <= 0:
            raise ValueError(f"task '{self.id}' needs a positive effort_hours (or milestone=True)")
        if self.team and (self.skills or self.headcount != 1):
            raise ValueError(
                f"task '{self.id}' has a team: give skills per slot, not `skills` or `headcount`"
            )
        if self.milestone and (self.team or self.headcount > 1):
            raise ValueError(f"milestone '{self.id}' needs no people")
        if sum(slot.count for slot in self.team) > MAX_TEAM:
            raise ValueError(f"task '{self.id}' needs more than {MAX_TEAM} people")
        if self.estimate is not None and self.milestone:
            raise ValueError(f"milestone '{self.id}' takes no work: it needs no estimate")
        if self.release and self.deadline and self.deadline < self.release:
            raise ValueError(f"task '{self.id}' has its deadline before its release")
        if self.milestone and self.in_progress:
            raise ValueError(f"milestone '{self.id}' takes no time: it is done or not started")
        if self.in_progress and self.progress.hours_spent >= self.effort_hours:
            raise ValueError(
                f"task '{self.id}' is in progress with {self.progress.hours_spent:g} of "
                f"{self.effort_hours:g} h spent: mark it done or raise its effort"
            )
        return self


class Pin(Frozen):
    """A promise already made: `task` goes to `person`, and/or starts at `start`. On a team task,
    `person` takes the first slot whose skills they have and that leaves the other slots
    staffable."""

    task: Id
    person: Id | None = None
    start: AwareDatetime | None = None

    @model_validator(mode="after")
    def _pins_something(self):
        if self.person is None and self.start is None:
            raise ValueError(f"pin of task '{self.task}' names neither a person nor a start")
        return self


ObjectiveLevel = dict[str, Annotated[float, Field(gt=0, le=1e6)]]

DEFAULT_OBJECTIVE: tuple[ObjectiveLevel, ...] = (
    {"lateness": 1.0, "unplaced": 1.0},
    {"peak_utilisation": 1.0},
    {"cost": 1.0},
    {"makespan": 1.0},
)
"""Deadlines first (optional work left out only when doing it would cost more priority-weighted
hours of lateness than its own priority-weighted hours), then nobody more loaded than needed,
then the cheapest people, then early."""


class Scenario(Frozen):
    """Everything a plan is made from.

    `balance_until` ends the window over which utilisation (booked over available hours) is
    measured; by default the latest deadline, or 13 weeks if there is none.
    `resolution_minutes` is the time grid (a divisor of 60). By default it is the coarsest grid on
    which every working range, time-zone offset, effort and lag falls exactly; one hour for most
    teams. `objective` lists the named terms by priority: each entry is one lexicographic level,
    a term name or a `{term: weight}` mapping (see `allocate.objective`).
    """

    name: str = ""
    start: AwareDatetime
    people: tuple[Person, ...] = ()
    projects: tuple[Project, ...] = ()
    tasks: tuple[Task, ...] = ()
    resources: tuple[Resource, ...] = ()
    pins: tuple[Pin, ...] = ()
    calendar: Calendar = Field(
        default_factory=Calendar, description="the organisation's calendar, used for working lags"
    )
    resolution_minutes: GridMinutes | None = None
    horizon_end: AwareDatetime | None = None
    balance_until: AwareDatetime | None = Field(
        default=None,
        description="end of the utilisation window (default: the latest deadline)",
    )
    objective: tuple[ObjectiveLevel, ...] = DEFAULT_OBJECTIVE
    uncertainty: Uncertainty = Field(
        default_factory=Uncertainty,
        description="how wrong estimates tend to be (risk simulations only)",
    )

    @field_validator("objective", mode="before")
    @classmethod
    def _levels(cls, value):
        return objective_levels(value)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data, handler):
        """When fields are invalid, the cross-reference checks still run on the parts that did
        parse, so that one error lists every problem, not only the first kind."""
        try:
            return handler(data)
        except ValidationError as error:
            from allocate.validation import with_cross_references

            raise with_cross_references(data, error) from None

    @model_validator(mode="after")
    def _consistent(self):
        from allocate.validation import raise_problems

        raise_problems(self)
        return self

    def task(self, task_id: str) -> Task:
        return self._tasks_by_id[task_id]

    def person(self, person_id: str) -> Person:
        return self._people_by_id[person_id]

    def project(self, project_id: str) -> Project:
        return self._projects_by_id[project_id]

    @cached_property
    def _tasks_by_id(self) -> dict[str, Task]:
        return {task.id: task for task in self.tasks}

    @cached_property
    def _people_by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}

    @cached_property
    def _projects_by_id(self) -> dict[str, Project]:
        return {project.id: project for project in self.projects}

    def resource(self, resource_id: str) -> Resource:
        return {resource.id: resource for resource in self.resources}[resource_id]

    def qualified_people(self, task: Task) -> list[Person]:
        """Who can fill some place on `task`."""
        if not task.staffed:
            return []
        return [person for person in self.people if person.qualifies_for(task)]

    def _repr_html_(self) -> str:
        from allocate.report.notebook import scenario_html

        return scenario_html(self)


def objective_levels(value):
    """The objective as a tuple of `{term: weight}` levels: a bare term name is a level of its
    own, and a single name or mapping is the only level."""
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list | tuple):
        return value  # pydantic names the wrong type
    return tuple({item: 1.0} if isinstance(item, str) else item for item in value)


def ceil_ticks(hours: float, resolution_minutes: int) -> int:
    """Hours rounded up to whole ticks (tolerating float noise such as 0.1 + 0.2)."""
    return math.ceil(round(hours * 60 / resolution_minutes, 6))


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600
