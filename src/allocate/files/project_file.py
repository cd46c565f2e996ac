"""A project file (MS Project, Primavera, ProjectLibre, ... through MPXJ) as a Scenario, with a
report of what could not be mapped.

How the concepts meet:
- work resources become people: their calendars (read day by day through MPXJ, so base
  calendars, exceptions and work weeks all count) become a weekly pattern plus time off; their
  standard rate the hourly rate; a "Skills" text field (as `write_msproject` writes it) or else
  their group (as a skill at level 1) their skills; max units below 100 % a weekly hour limit;
- top-level summary tasks become projects (their deadline the project's), deeper summaries are
  flattened; leaf tasks become tasks: work as effort (per person when several are assigned:
  a team), a "Needs" text field as skills, links with type and lag (elapsed lags stay elapsed,
  working lags count the organisation's working hours), Start-No-Earlier-Than or Must-Start-On
  as the release, Finish-No-Later-Than, Must-Finish-On and the deadline field as the deadline,
  percent complete and actual work as progress, MS Project's priority (500 is ours 1);
- assignments become pins (`assignments="pins"`: the person, not the date) or preferences.

MPXJ's times carry no zone: they are read in `timezone`, by default the zone `write_msproject`
noted in the file, else UTC.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from allocate.files import mpxj
from allocate.files.notation import CellError, parse_levels
from allocate.files.problems import InputFileError, Problem
from allocate.files.project_calendar import ranges_to_intervals, split_by_day
from allocate.files.project_tasks import map_tasks, text_field
from allocate.scenario import WEEKDAYS, Calendar, Scenario, TimeOff, TimeRange

ZONE_NOTE = re.compile(r"times in ([A-Za-z_/+\-0-9]+)")
PERSON_ID = re.compile(r"^Person id: (.+)$", re.MULTILINE)
PERSON_ZONE = re.compile(r"^Time zone: (.+)$", re.MULTILINE)
ELAPSED_MINUTES = {
    "ELAPSED_MINUTES": 1,
    "ELAPSED_HOURS": 60,
    "ELAPSED_DAYS": 1440,
    "ELAPSED_WEEKS": 10080,
    "ELAPSED_MONTHS": 43200,
    "ELAPSED_YEARS": 525600,
}
CALENDAR_DAYS = 366
"""Calendars are read day by day for a year from the project start (at least a week past its
finish): the span `write_msproject` makes exact."""


@dataclass(frozen=True)
class ImportedProject:
    """The scenario read from a project file, and what in the file it could not express."""

    scenario: Scenario
    unmapped: tuple[str, ...] = ()

    def __str__(self) -> str:
        s = self.scenario
        head = f"{len(s.tasks)} tasks, {len(s.people)} people, {len(s.projects)} projects"
        if not self.unmapped:
            return f"{head}; everything in the file was mapped"
        return head + "; not mapped:\n" + "\n".join(f"  {line}" for line in self.unmapped)


def read_project_file(
    path: str | Path,
    *,
    assignments: Literal["pins", "preferences", "ignore"] = "pins",
    timezone: str | None = None,
    start: datetime | None = None,
) -> ImportedProject:
    """Read an MS Project, Primavera, ProjectLibre (or any MPXJ-readable) file as a validated
    Scenario. `assignments`: the file's resource assignments as pins (the person, not the
    date), as preferences, or ignored. `start`: the planning start (default: the project's
    start). InputFileError when the file cannot be read or gives an invalid scenario."""
    path = Path(path)
    if assignments not in ("pins", "preferences", "ignore"):
        raise ValueError("assignments must be 'pins', 'preferences' or 'ignore'")
    if not path.exists():
        raise InputFileError(path, [Problem(path.name, "does not exist")])
    try:
        project = mpxj.read(path)
    except RuntimeError:
        raise
    except Exception as error:  # a Java exception for a damaged or unknown file
        raise InputFileError(path, [Problem(path.name, f"cannot be read: {error}")]) from None
    return _Mapping(path, project, assignments, timezone, start).imported()


class _Mapping:
    def __init__(self, path, project, assignments, timezone, start):
        self.path, self.project, self.mode = path, project, assignments
        self.properties = project.getProjectProperties()
        self.unmapped: list[str] = []
        self.zone = timezone or self.noted_zone() or "UTC"
        ZoneInfo(self.zone)
        first = _py(self.properties.getStartDate()) or datetime(2000, 1, 3)
        self.start = start or first.replace(tzinfo=ZoneInfo(self.zone))
        finish = _py(self.properties.getFinishDate()) or first
        days = max(CALENDAR_DAYS, (finish - first).days + 7)
        self.window = (first.date() - timedelta(days=1), first.date() + timedelta(days=days))

    def noted_zone(self) -> str | None:
        for text in (self.properties.getSubject(), self.properties.getComments()):
            match = ZONE_NOTE.search(str(text or ""))
            if match:
                return match.group(1)
        self.unmapped.append("the file gives no time zone: its times are read as UTC")
        return None

    def at(self, value) -> datetime | None:
        moment = _py(value)
        return moment.replace(tzinfo=ZoneInfo(self.zone)) if moment else None

    def hours(self, duration) -> float:
        """A duration in hours: elapsed units as real time, working units at the project's
        hours per day (MPXJ's conversion)."""
        if duration is None:
            return 0.0
        unit = str(duration.getUnits().name())
        if unit in ELAPSED_MINUTES:
            return float(duration.getDuration()) * ELAPSED_MINUTES[unit] / 60
        if unit == "PERCENT":
            return 0.0
        from org.mpxj import TimeUnit

        return float(duration.convertUnits(TimeUnit.HOURS, self.properties).getDuration())

    def imported(self) -> ImportedProject:
        organisation = self.calendar(self.project.getDefaultCalendar(), "the project calendar")
        people, person_of = self.people()
        projects, tasks, pins = map_tasks(self, person_of)
        fields = {
            "name": str(self.properties.getProjectTitle() or self.path.stem),
            "start": self.start,
            "people": people,
            "projects": projects,
            "tasks": tasks,
            "pins": pins,
            "calendar": Calendar(**organisation) if organisation else Calendar(timezone=self.zone),
        }
        try:
            scenario = Scenario(**fields)
        except ValidationError as error:
            problems = [
                Problem(_where(e["loc"], fields), e["msg"].removeprefix("Value error, "))
                for e in error.errors()
            ]
            raise InputFileError(self.path, problems) from None
        return ImportedProject(scenario, tuple(self.unmapped))

    # --- people -------------------------------------------------------------------------------

    def people(self):
        people, person_of = [], {}
        used: Counter[str] = Counter()
        for resource in self.project.getResources():
            name = str(resource.getName() or "")
            if not name and int(resource.getUniqueID() or 0) == 0:
                continue  # MS Project's placeholder resource
            kind = str(resource.getType().name()) if resource.getType() else "WORK"
            if kind != "WORK":
                self.unmapped.append(f"resource '{name}' is a {kind.lower()} resource: left out")
                continue
            ident = _person_id(resource, used)
            person_of[int(resource.getUniqueID())] = ident
            people.append(self.person(resource, ident, name))
        return people, person_of

    def person(self, resource, ident: str, name: str) -> dict:
        noted = PERSON_ZONE.search(str(resource.getNotes() or ""))
        zone = noted.group(1).strip() if noted else None
        calendar = self.calendar(resource.getCalendar(), f"'{name}'", zone) or {
            "timezone": self.zone
        }
        person = {"id": ident, "name": name, "calendar": calendar}
        skills = text_field(self.project, resource, "Skills")
        group = str(resource.getGroup() or "").strip()
        if skills:
            try:
                person["skills"] = parse_levels(skills)
            except CellError as error:
                self.unmapped.append(f"'{name}': skills {error}")
        elif group:
            person["skills"] = {group: 1}
        rate = self.rate(resource.getStandardRate(), name)
        if rate:
            person["hourly_rate"] = rate
        units = resource.getMaxUnits()
        if units is not None and 0 < float(units) < 100:
            weekly = sum(
                (r.minutes[1] - r.minutes[0]) / 60
                for ranges in calendar.get("weekly_hours", {}).values()
                for r in ranges
            )
            person["max_hours_per_week"] = round(weekly * float(units) / 100, 2)
            self.unmapped.append(
                f"'{name}': max units {float(units):g} % became at most "
                f"{person['max_hours_per_week']:g} h a week"
            )
        return person

    def rate(self, rate, name: str) -> float | None:
        if rate is None or float(rate.getAmount()) == 0:
            return None
        unit = str(rate.getUnits().name())
        per_hour = {"MINUTES": 60.0, "HOURS": 1.0}.get(unit)
        if per_hour is None:
            minutes = {
                "DAYS": self.properties.getMinutesPerDay(),
                "WEEKS": self.properties.getMinutesPerWeek(),
            }.get(unit)
            if not minutes:
                self.unmapped.append(f"'{name}': a rate per {unit.lower()} is not kept")
                return None
            per_hour = 60.0 / float(minutes)
        return round(float(rate.getAmount()) * per_hour, 6)

    # --- calendars ----------------------------------------------------------------------------

    def calendar(self, calendar, owner: str, zone: str | None = None) -> dict | None:
        """A calendar as weekly hours plus time off in `zone` (default the project's), read day
        by day over the window; a person's own zone (noted by `write_msproject`) undoes the
        shift into the project's zone."""
        if calendar is None:
            return None
        zone = zone or self.zone
        days, names = self.days(calendar)
        if zone != self.zone:
            moved = split_by_day(ranges_to_intervals(days, self.zone), zone)
            days = {day: moved.get(day, ()) for day in self.whole_days(zone)}
        week = {}
        for weekday in range(7):
            counts = Counter(r for d, r in days.items() if d.weekday() == weekday)
            week[weekday] = counts.most_common(1)[0][0] if counts else ()
        weekly = {
            WEEKDAYS[w]: tuple(TimeRange.model_validate(_range(a, b)) for a, b in ranges)
            for w, ranges in week.items()
            if ranges
        }
        if not weekly:
            self.unmapped.append(f"{owner} has no working time: Monday to Friday 9-17 assumed")
            return {"timezone": zone}
        time_off = self.time_off(days, week, names, owner)
        return {"timezone": zone, "weekly_hours": weekly, "time_off": time_off}

    def whole_days(self, zone: str) -> list[date]:
        """The days of `zone` that lie wholly inside the window (of the project's zone)."""
        first, last = self.window
        lo = datetime.combine(first, time(), tzinfo=ZoneInfo(self.zone))
        hi = datetime.combine(last + timedelta(days=1), time(), tzinfo=ZoneInfo(self.zone))
        tz = ZoneInfo(zone)
        day, result = lo.astimezone(tz).date(), []
        while datetime.combine(day, time(), tzinfo=tz) < hi:
            start = datetime.combine(day, time(), tzinfo=tz)
            end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
            if lo <= start and end <= hi:
                result.append(day)
            day += timedelta(days=1)
        return result

    def days(self, calendar) -> tuple[dict[date, tuple[tuple[int, int], ...]], dict[date, str]]:
        """Working ranges of every day in the window, and the names of exception days."""
        from java.time import LocalDate

        first, last = self.window
        days, names = {}, {}
        day = first
        while day <= last:
            local = LocalDate.of(day.year, day.month, day.day)
            hours = calendar.getHours(local)
            days[day] = tuple(_minutes(r) for r in hours) if hours is not None else ()
            exception = calendar.getException(local)
            if exception is not None and exception.getName():
                names[day] = str(exception.getName())
            day += timedelta(days=1)
        return days, names

    def time_off(self, days, week, names, owner: str) -> tuple[TimeOff, ...]:
        """Days with less working time than their weekday as time off (whole days as dates,
        named after the calendar's exception); extra working time cannot be expressed, and is
        reported."""
        result: list[TimeOff] = []
        extra: list[date] = []
        for day, ranges in days.items():
            usual = week[day.weekday()]
            if ranges == usual:
                continue
            reason = names.get(day, "")
            if not ranges:
                last = result[-1] if result else None
                if (
                    last
                    and type(last.end) is date
                    and last.end == day - timedelta(days=1)
                    and (last.reason == reason)
                ):
                    result[-1] = last.model_copy(update={"end": day})
                else:
                    result.append(TimeOff(start=day, end=day, reason=reason))
                continue
            if _subtract(ranges, usual):
                extra.append(day)
            midnight = datetime.combine(day, time())
            result += [
                TimeOff(
                    start=midnight + timedelta(minutes=a),
                    end=midnight + timedelta(minutes=b),
                    reason=reason,
                )
                for a, b in _subtract(usual, ranges)
            ]
        if extra:
            self.unmapped.append(
                f"{owner}: extra working time on {len(extra)} days (first {extra[0]}) is not kept"
            )
        return tuple(result)


def _py(value) -> datetime | None:
    """A java.time.LocalDateTime as a naive datetime."""
    if value is None:
        return None
    return datetime.fromisoformat(str(value))


def _minutes(time_range) -> tuple[int, int]:
    start, end = str(time_range.getStart()), str(time_range.getEnd())
    a = int(start[:2]) * 60 + int(start[3:5])
    b = int(end[:2]) * 60 + int(end[3:5])
    return a, (1440 if b == 0 else b)


def _range(a: int, b: int) -> str:
    return f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"


def _subtract(ranges, holes) -> list[tuple[int, int]]:
    """Parts of `ranges` outside every range of `holes`."""
    result = []
    for a, b in ranges:
        for c, d in sorted(holes):
            if d <= a or c >= b:
                continue
            if c > a:
                result.append((a, c))
            a = max(a, d)
        if a < b:
            result.append((a, b))
    return result


def _person_id(resource, used: Counter) -> str:
    """The id `write_msproject` noted, else the resource's initials if unique, else its name."""
    notes = str(resource.getNotes() or "")
    match = PERSON_ID.search(notes)
    ident = match.group(1).strip() if match else ""
    ident = ident or str(resource.getInitials() or "").strip() or str(resource.getName() or "")
    ident = ident or f"resource-{resource.getUniqueID()}"
    used[ident] += 1
    return ident if used[ident] == 1 else f"{ident}-{used[ident]}"


def _where(loc: tuple, fields: dict) -> str:
    """A validation error's place in the file's words: the task or person it is about."""
    if len(loc) > 1 and loc[0] in ("tasks", "people") and isinstance(loc[1], int):
        item = fields[loc[0]][loc[1]]
        name = item.get("name") or item.get("id") if isinstance(item, dict) else str(loc[1])
        return f"{'task' if loc[0] == 'tasks' else 'resource'} '{name}'"
    return ""
