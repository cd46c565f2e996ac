"""The notation of a planner's cells, both ways: `design:3, backend:2`, `Mon-Fri 09:00-17:00`,
`wires SS +48h`, `2027-04-01`.

Each `parse_*` turns one cell into model data or raises `CellError` with a message in the
planner's words (the caller adds the sheet, row and column); each `format_*` writes model data
back so that parsing it gives the same value. Cells arrive as the spreadsheet reader gives them:
str, float, int, bool, date, datetime or None.
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from allocate.scenario import WEEKDAYS, Dependency, Slot, TimeRange, holiday_calendar


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in the planner's words."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- text and numbers ----------------------------------------------------------------------


def parse_text(value: Any) -> str:
    """Cell text; a whole number typed into a text column (an id `7`) reads as `7`, not `7.0`."""
    if blank(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def parse_names(value: Any) -> tuple[str, ...]:
    """`ana, ben` (commas, semicolons or new lines) as ids."""
    return tuple(part.strip() for part in re.split(r"[,;\n]", parse_text(value)) if part.strip())


def format_names(names) -> str:
    return ", ".join(names)


_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?")
_CURRENCY = "$€£¥"


def parse_number(value: Any, what: str, unit: str = "", noun: str = "a number") -> float:
    """A number: a numeric cell or text like `1,250.5`, with an optional trailing `unit`."""
    if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
        raise CellError(f"{what} '{value}' is not {noun}")
    if isinstance(value, int | float):
        return float(value)
    text = parse_text(value).strip(_CURRENCY + " ")
    if unit:
        text = re.sub(rf"\s*({unit})\s*$", "", text, flags=re.IGNORECASE)
    if text and _NUMBER.fullmatch(text) and any(c.isdigit() for c in text):
        return float(text.replace(",", ""))
    hint = " (use a point for decimals: 1.5)" if re.fullmatch(r"\d+,\d{1,2}", text) else ""
    raise CellError(f"{what} '{parse_text(value)}' is not {noun}{hint}")


def parse_whole(value: Any, what: str) -> int:
    number = parse_number(value, what)
    if not number.is_integer():
        raise CellError(f"{what} '{parse_text(value)}' is not a whole number")
    return int(number)


def parse_hours(value: Any, what: str) -> float:
    """Hours: `16`, `16h`, `16 hours`. Days and weeks are refused: a working day is not the same
    length for everyone, so the planner says how many hours they mean."""
    text = parse_text(value)
    match = re.fullmatch(r"([\d.]+)\s*(d|days?|w|weeks?|wks?)", text, flags=re.IGNORECASE)
    if match:
        per, unit = (8, "days") if match[2].lower().startswith("d") else (40, "weeks")
        raise CellError(
            f"{what} '{text}' is not a number of hours (a day is not the same length for "
            f"everyone: write e.g. {float(match[1]) * per:g} for {match[1]} {unit} of {per} hours)"
        )
    return parse_number(value, what, unit="h|hrs?|hours?", noun="a number of hours")


def format_number(value: float | int | None) -> float | int | None:
    """A number as the cell value: whole floats as ints, so that `16.0` shows as `16`."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_YES = {"yes", "y", "true", "x", "1", "✓", "✔", "ja", "oui", "si", "sí"}
_NO = {"no", "n", "false", "0", "-", "nein", "non"}


def parse_yes_no(value: Any, what: str) -> bool:
    if blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = parse_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"{what} '{parse_text(value)}' is not yes or no")


# --- skills and amounts --------------------------------------------------------------------

_ITEM = re.compile(r"(?P<name>[^:=]+?)\s*(?:[:=]\s*(?P<level>\S+))?")
_SPACED = re.compile(r"\S+\s*[:=]\s*\S+(\s+\S+\s*[:=]\s*\S+)+")


def parse_levels(value: Any, what: str = "skill", default: int = 1) -> dict[str, int]:
    """`design:3, backend:2` (also `design=3`, `design:3 backend:2`); a name without a level has
    level `default`."""
    result: dict[str, int] = {}
    for part in re.split(r"[,;\n]", parse_text(value)):
        part = part.strip()
        items = part.split() if _SPACED.fullmatch(part) else [part] if part else []
        for item in items:
            match = _ITEM.fullmatch(item)
            name, level = match["name"].strip(), match["level"]
            if level is None:
                result[name] = default
                continue
            try:
                result[name] = parse_whole(level, f"{what} level")
            except CellError:
                raise CellError(
                    f"{what} level '{level}' of '{name}' is not a whole number"
                ) from None
    return result


def format_levels(levels: dict[str, int]) -> str:
    return ", ".join(f"{name}:{level}" for name, level in levels.items())


_SLOT = re.compile(r"(?:(?P<count>\d+)\s*[x×*]\s+)?(?P<skills>.*)", re.IGNORECASE)
ANYONE = "anyone"


def parse_team(value: Any) -> tuple[dict[str, int], tuple[Slot, ...]]:
    """The Needs cell: skills every person on the task needs (`backend:2`), or a team of slots
    joined by `+` (`design:3 + 2x backend:2`), each slot `count x skills`."""
    text = parse_text(value)
    if "+" not in text:
        return parse_levels(text), ()
    slots = []
    for part in text.split("+"):
        match = _SLOT.fullmatch(part.strip())
        skills = match["skills"].strip()
        if not skills:
            raise CellError(f"a team slot in '{text}' names no skills (write '{ANYONE}')")
        count = int(match["count"] or 1)
        if count < 1:
            raise CellError(f"a team slot in '{text}' asks for {count} people")
        levels = {} if skills.lower() == ANYONE else parse_levels(skills)
        slots.append(Slot(skills=levels, count=count))
    return {}, tuple(slots)


def format_team(skills: dict[str, int], team: tuple[Slot, ...]) -> str:
    if not team:
        return format_levels(skills)
    return " + ".join(
        (f"{slot.count}x " if slot.count > 1 else "") + (format_levels(slot.skills) or ANYONE)
        for slot in team
    )


# --- working hours -------------------------------------------------------------------------

_DAY_NAMES = {
    **{day: day for day in WEEKDAYS},
    **{day[:2]: day for day in WEEKDAYS},
    "monday": "mon",
    "tuesday": "tue",
    "tues": "tue",
    "wednesday": "wed",
    "thursday": "thu",
    "thur": "thu",
    "thurs": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
}
_TIME = r"\d{1,2}(?::\d{2})?"
_RANGE = re.compile(rf"({_TIME})\s*[-–]\s*({_TIME})")
OFFICE_WEEK = ("mon", "tue", "wed", "thu", "fri")


def parse_works(value: Any) -> dict[str, tuple[TimeRange, ...]]:
    """`Mon-Fri 09:00-17:00`; several groups with `;` (`Mon-Thu 9-17; Fri 9-13`); a split day
    with two ranges (`Mon-Fri 07:00-11:00, 13:00-17:00`); ranges alone mean Monday to Friday."""
    text = parse_text(value)
    week: dict[str, tuple[TimeRange, ...]] = {}
    for group in re.split(r"[;\n]", text):
        group = group.strip()
        if not group:
            continue
        first_range = _RANGE.search(group)
        if first_range is None:
            raise CellError(f"working hours '{group}' have no time range like 09:00-17:00")
        days = _days(group[: first_range.start()].strip(" ,:"), text)
        ranges = _ranges(group[first_range.start() :], text)
        for day in days:
            if day in week:
                raise CellError(f"working hours '{text}' list {day.title()} twice")
            week[day] = ranges
    if not week:
        raise CellError("working hours are empty")
    return {day: week[day] for day in WEEKDAYS if day in week}


def _days(text: str, whole: str) -> tuple[str, ...]:
    if not text:
        return OFFICE_WEEK
    days: list[str] = []
    for token in re.split(r"[,\s]+", re.sub(r"\s*[-–]\s*", "-", text)):
        first, _, last = token.partition("-")
        a = _day(first, whole)
        if not last:
            days.append(a)
            continue
        i, j = WEEKDAYS.index(a), WEEKDAYS.index(_day(last, whole))
        days += [WEEKDAYS[k % 7] for k in range(i, (j if j >= i else j + 7) + 1)]
    return tuple(days)


def _day(name: str, whole: str) -> str:
    day = _DAY_NAMES.get(name.strip(".").lower())
    if day is None:
        raise CellError(f"working hours '{whole}': '{name}' is not a weekday (Mon ... Sun)")
    return day


def _ranges(text: str, whole: str) -> tuple[TimeRange, ...]:
    ranges = []
    for start, end in _RANGE.findall(text):
        try:
            ranges.append(TimeRange.model_validate(f"{_clock(start)}-{_clock(end)}"))
        except ValueError as error:
            raise CellError(f"working hours '{whole}': {_first_message(error)}") from None
    leftover = _RANGE.sub("", text).strip(" ,")
    if leftover:
        raise CellError(f"working hours '{whole}': cannot read '{leftover}'")
    return tuple(sorted(ranges, key=lambda r: r.minutes))


def _clock(text: str) -> str:
    return text if ":" in text else f"{text}:00"


def format_works(week: dict[str, tuple[TimeRange, ...]]) -> str:
    """Weekdays with equal hours grouped, runs of days as ranges: `Mon-Thu 09:00-17:00; Fri
    09:00-13:00`."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for day in WEEKDAYS:
        if week.get(day):
            groups.setdefault(tuple(str(r) for r in week[day]), []).append(day)
    return "; ".join(f"{_day_runs(days)} {', '.join(ranges)}" for ranges, days in groups.items())


def _day_runs(days: list[str]) -> str:
    runs: list[list[int]] = []
    for index in (WEEKDAYS.index(day) for day in days):
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return ", ".join(
        WEEKDAYS[r[0]].title() + (f"-{WEEKDAYS[r[-1]].title()}" if len(r) > 1 else "") for r in runs
    )


# --- time zones and holidays ---------------------------------------------------------------


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def parse_zone(value: Any) -> str:
    text = parse_text(value)
    try:
        ZoneInfo(text)
        return text
    except (ZoneInfoNotFoundError, ValueError):
        pass
    city = text.replace(" ", "_").lower()
    guesses = [z for z in _zone_names() if z.lower().endswith("/" + city)]
    guesses = guesses or difflib.get_close_matches(text, _zone_names(), n=1)
    hint = f" (did you mean '{guesses[0]}'?)" if guesses else ""
    raise CellError(f"time zone '{text}' is unknown{hint}: use a name like 'Europe/Berlin'")


NO_HOLIDAYS = "none"


def parse_holidays(value: Any) -> str | None:
    """A region code (`DE`, `DE-BY`, `US-NY`), or `none`."""
    text = parse_text(value)
    if text.lower() in (NO_HOLIDAYS, "-", "no"):
        return None
    code = text.upper()
    try:
        holiday_calendar(code, [2026])
    except ValueError as error:
        raise CellError(f"holidays '{text}': {error}") from None
    return code


# --- dates and times -----------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S")


def parse_when(value: Any, what: str) -> date | datetime:
    """A date (`2027-04-01`, `1 Apr 2027`, `01.04.2027`, a date cell) or a datetime (`2027-04-01
    17:00`, a datetime cell, ISO 8601 with an offset). Naive datetimes stay naive: their zone
    is the caller's to choose. Slashed dates are refused: 04/01 means two different days."""
    if isinstance(value, datetime):
        return _whole_second(value)
    if isinstance(value, date):
        return value
    text = parse_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(f"{what} '{text}' is not a date (write it like 2027-04-01)")
    cleaned = re.sub(r"\s+", " ", text.replace(",", " ")).strip()
    try:
        parsed = datetime.fromisoformat(cleaned)
        return parsed.date() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned) else parsed
    except ValueError:
        pass
    for day_format in _DATE_FORMATS:
        for clock in ("", *(" " + f for f in _TIME_FORMATS)):
            try:
                parsed = datetime.strptime(cleaned, day_format + clock)
            except ValueError:
                continue
            return parsed if clock else parsed.date()
    hint = " (write dates like 2027-04-01: 04/01 is April in one country, January elsewhere)"
    raise CellError(f"{what} '{text}' is not a date{hint if '/' in text else ''}")


def _whole_second(value: datetime) -> datetime:
    """Spreadsheets store times as fractions of a day: undo their rounding to the second."""
    rounded = value + timedelta(microseconds=500_000)
    return rounded.replace(microsecond=0)


def parse_moment(value: Any, what: str, zone: str, end_of_day: bool = False) -> datetime:
    """An aware instant: naive datetimes are read in `zone`; a bare date is the start of that day
    in `zone`, or with `end_of_day` its end (the midnight after it: "due 1 April")."""
    when = parse_when(value, what)
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(zone))
    day = when + timedelta(days=1) if end_of_day else when
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone))


def format_moment(value: datetime | None, zone: str, *, end_of_day: bool = False):
    """The cell for an instant: a date when it is the start (or with `end_of_day`, the end) of a
    day in `zone`, a naive local datetime when that reads back to the same instant, else ISO 8601
    text with its offset (seconds, or a time that daylight saving makes ambiguous)."""
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(zone))
    naive = local.replace(tzinfo=None)
    if naive.replace(tzinfo=ZoneInfo(zone)) != value or naive.second or naive.microsecond:
        return value.isoformat()
    if naive.time() == time():
        return (naive - timedelta(days=1)).date() if end_of_day else naive.date()
    return naive


# --- dependencies --------------------------------------------------------------------------

_TYPE = r"(?:\s+(?P<type>FS|SS|FF|SF))?"
_SPACED_LAG = re.compile(
    rf"(?P<task>.+?){_TYPE}(?:\s+(?P<lag>[-+]\s*\d+(?:\.\d+)?)\s*(?P<unit>[a-z]+)?)?", re.IGNORECASE
)
_ATTACHED_LAG = re.compile(
    rf"(?P<task>.*?\S){_TYPE}(?P<lag>[-+]\d+(?:\.\d+)?)(?P<unit>wh|h)", re.IGNORECASE
)
"""A lag follows a space (`api +16`), or is written right after the id with its unit (`api+16h`),
so that ids such as `shop-2` stay whole."""


def parse_after(value: Any) -> tuple[Dependency, ...]:
    """`kickoff, wires SS +48h, uat +16wh`: predecessors with an optional type (FS, SS, FF, SF;
    FS when left out) and lag, `h` elapsed hours or `wh` working hours of the organisation."""
    dependencies = []
    for part in re.split(r"[,;\n]", parse_text(value)):
        part = part.strip()
        if not part:
            continue
        match = _ATTACHED_LAG.fullmatch(part) or _SPACED_LAG.fullmatch(part)
        unit = (match["unit"] or "h").lower()
        if unit not in ("h", "wh"):
            raise CellError(
                f"dependency '{part}': lags are hours, '+48h' elapsed or '+16wh' working "
                f"(not '{match['unit']}')"
            )
        lag = float(match["lag"].replace(" ", "")) if match["lag"] else 0.0
        if unit == "wh" and lag < 0:
            raise CellError(f"dependency '{part}': a lag in working hours cannot be negative")
        dependencies.append(
            Dependency(
                task=match["task"].strip(),
                type=(match["type"] or "FS").upper(),
                lag_hours=lag,
                lag_in="working" if unit == "wh" else "elapsed",
            )
        )
    return tuple(dependencies)


def format_after(after: tuple[Dependency, ...]) -> str:
    return ", ".join(_dependency(d) for d in after)


def _dependency(dependency: Dependency) -> str:
    text = dependency.task
    if dependency.type != "FS":
        text += f" {dependency.type}"
    if dependency.lag_hours or dependency.lag_in == "working":
        unit = "wh" if dependency.lag_in == "working" else "h"
        text += (
            f" {dependency.lag_hours:+g}{unit}"
            if _exact(dependency.lag_hours)
            else (f" {'+' if dependency.lag_hours >= 0 else ''}{dependency.lag_hours!r}{unit}")
        )
    return text


def _exact(number: float) -> bool:
    return float(f"{number:g}") == number


# --- objective, capacity, status -----------------------------------------------------------

_TERM = re.compile(r"(?:(?P<weight>\d+(?:\.\d+)?)\s*[*×x]\s*)?(?P<term>[a-z_ ]+)", re.IGNORECASE)


def parse_objective(value: Any) -> tuple[dict[str, float], ...]:
    """`lateness + unplaced; peak_utilisation; cost; makespan`: levels most important first,
    terms of one level joined by `+`, each optionally weighted (`2*lateness`)."""
    levels = []
    for level_text in re.split(r"[;\n]", parse_text(value)):
        if not level_text.strip():
            continue
        level: dict[str, float] = {}
        for term_text in level_text.split("+"):
            match = _TERM.fullmatch(term_text.strip())
            if match is None:
                raise CellError(f"objective term '{term_text.strip()}' cannot be read")
            name = match["term"].strip().lower().replace(" ", "_")
            level[name] = float(match["weight"] or 1)
        levels.append(level)
    return tuple(levels)


def format_objective(levels: tuple[dict[str, float], ...]) -> str:
    return "; ".join(
        " + ".join(term if weight == 1 else f"{weight:g}*{term}" for term, weight in level.items())
        for level in levels
    )


_CHANGE = re.compile(r"(?P<capacity>\d+)\s+from\s+(?P<when>.+)", re.IGNORECASE)


def parse_changes(value: Any, zone: str) -> tuple[dict, ...]:
    """`2 from 2027-04-01; 1 from 2027-06-01 12:00`: the capacity from each moment on."""
    changes = []
    for part in re.split(r"[;\n]", parse_text(value)):
        if not part.strip():
            continue
        match = _CHANGE.fullmatch(part.strip())
        if match is None:
            raise CellError(f"capacity change '{part.strip()}' is not like '2 from 2027-04-01'")
        start = parse_moment(match["when"], "capacity change", zone)
        changes.append({"start": start, "capacity": int(match["capacity"])})
    return tuple(changes)


def format_changes(changes, zone: str) -> str:
    parts = []
    for change in changes:
        when = format_moment(change.start, zone)
        text = (
            when.isoformat(sep=" ", timespec="minutes")
            if isinstance(when, datetime)
            else (str(when))
        )
        parts.append(f"{change.capacity} from {text}")
    return "; ".join(parts)


_STATUS = {
    "not started": "not_started",
    "not_started": "not_started",
    "to do": "not_started",
    "todo": "not_started",
    "open": "not_started",
    "in progress": "in_progress",
    "in_progress": "in_progress",
    "started": "in_progress",
    "doing": "in_progress",
    "done": "done",
    "complete": "done",
    "completed": "done",
    "finished": "done",
}
STATUS_WORDS = {"not_started": "not started", "in_progress": "in progress", "done": "done"}


def parse_status(value: Any) -> str:
    text = re.sub(r"\s+", " ", parse_text(value).lower().replace("-", " "))
    if not text:
        return "not_started"
    if text in _STATUS:
        return _STATUS[text]
    raise CellError(f"status '{parse_text(value)}' is not one of: not started, in progress, done")


def _first_message(error: ValueError) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):
        return errors()[0]["msg"].removeprefix("Value error, ")
    return str(error)
