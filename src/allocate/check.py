"""The independent checker: does a Plan keep every rule of its Scenario?

Working time is re-derived here straight from the calendar rules (local wall-clock ranges through
zoneinfo, public holidays, time off), without `calendar.py`, `problem.py` or any solver, so that a
bug in how the solver compiles calendars shows up as a violation instead of being agreed with.
Each rule is one small function yielding findings; `check` names them after the rule.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

from allocate.objective import TERMS, Timing, balance_window, evaluate
from allocate.plan import Assignment, Plan, Violation
from allocate.scenario import (
    WEEKDAYS,
    Calendar,
    Dependency,
    Person,
    Scenario,
    Task,
    TimeOff,
    ceil_ticks,
    holiday_names,
    hours,
)

Span = tuple[datetime, datetime]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)
MARGIN = timedelta(days=7)
GIVE_UP = timedelta(days=3660)
"""How far past a start the checker looks for enough working time before calling it unreachable."""
TOLERANCE = 1e-6
EVENTS = {
    "FS": ("end", "start"),
    "SS": ("start", "start"),
    "FF": ("end", "end"),
    "SF": ("start", "end"),
}
"""Per dependency type: (event of the predecessor, event of the successor)."""


class Finding(NamedTuple):
    message: str
    tasks: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


# --- working time, from the calendar rules ---------------------------------------------------


def working_spans(calendar: Calendar, lo: datetime, hi: datetime, step: timedelta) -> list[Span]:
    """Working time around `[lo, hi]` as sorted disjoint UTC spans, trimmed inward to whole grid
    steps (work happens in whole steps of the plan's UTC grid; a no-op on a fitting grid)."""
    zone = calendar.zone
    first, last = lo.astimezone(zone).date() - DAY, hi.astimezone(zone).date() + DAY
    days_off = _days_off(calendar, first, last)
    spans = []
    day = first
    while day <= last:
        if day not in days_off:
            midnight = datetime.combine(day, time())
            for time_range in calendar.weekly_hours.get(WEEKDAYS[day.weekday()], ()):
                start, end = (midnight + timedelta(minutes=m) for m in time_range.minutes)
                spans.append((_utc(start, zone), _utc(end, zone)))
        day += DAY
    absences = [_absence(off, zone) for off in calendar.time_off if isinstance(off.end, datetime)]
    spans = _minus(_merged(spans), _merged(absences))
    snapped = ((_round(start, step, up=True), _round(end, step, up=False)) for start, end in spans)
    return [(start, end) for start, end in snapped if start < end]


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Local wall-clock time as UTC; a time in a DST gap reads with the offset before the gap."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def _round(moment: datetime, step: timedelta, up: bool) -> datetime:
    """`moment` rounded onto the UTC grid of `step` (whole steps since the epoch)."""
    rest = (moment - EPOCH) % step
    return moment + (step - rest) if up and rest else moment - rest


def _days_off(calendar: Calendar, first: date, last: date) -> set[date]:
    """Whole local days without work: public holidays and time off given as dates."""
    days = set(_holidays(calendar.holidays, first.year, last.year)) if calendar.holidays else set()
    for off in calendar.time_off:
        if not isinstance(off.start, datetime):
            day = max(off.start, first)
            while day <= min(off.end, last):
                days.add(day)
                day += DAY
    return days


@lru_cache(maxsize=64)
def _holidays(code: str, first_year: int, last_year: int) -> frozenset[date]:
    return frozenset(holiday_names(code, range(first_year, last_year + 1)))


def _absence(off: TimeOff, zone: ZoneInfo) -> Span:
    """A `[start, end)` absence in UTC; naive datetimes are read in the calendar's zone."""
    start, end = (t if t.tzinfo else t.replace(tzinfo=zone) for t in (off.start, off.end))
    return start.astimezone(UTC), end.astimezone(UTC)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start < end:
            merged.append((start, end))
    return merged


def _minus(spans: list[Span], holes: list[Span]) -> list[Span]:
    """`spans` without `holes` (both sorted and disjoint)."""
    result = []
    for start, end in spans:
        for hole_start, hole_end in holes:  # a person has few absences
            if hole_start < end and hole_end > start:
                if hole_start > start:
                    result.append((start, hole_start))
                start = hole_end
        if start < end:
            result.append((start, end))
    return result


class WorkingTime:
    """One calendar's working time over a window (grown on demand), walked with bisect."""

    def __init__(self, calendar: Calendar, step: timedelta, lo: datetime, hi: datetime):
        self.calendar, self.step = calendar, step
        self._expand(lo, hi)

    def _expand(self, lo: datetime, hi: datetime) -> None:
        self.lo, self.hi = lo, hi
        spans = working_spans(self.calendar, lo, hi, self.step)
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]
        self.done = list(accumulate((end - start for start, end in spans), initial=timedelta()))
        """done[i]: working time in the spans before span i."""

    def _cover(self, lo: datetime, hi: datetime) -> None:
        if lo < self.lo or hi > self.hi:
            self._expand(min(lo, self.lo) - MARGIN, max(hi, self.hi) + MARGIN)

    def _worked_before(self, moment: datetime) -> timedelta:
        i = bisect_right(self.starts, moment) - 1
        if i < 0:
            return timedelta()
        return self.done[i] + (min(moment, self.ends[i]) - self.starts[i])

    def worked_between(self, lo: datetime, hi: datetime) -> timedelta:
        """Working time inside [lo, hi)."""
        lo, hi = lo.astimezone(UTC), hi.astimezone(UTC)
        self._cover(lo, hi)
        return self._worked_before(hi) - self._worked_before(lo)

    def is_working(self, moment: datetime) -> bool:
        moment = moment.astimezone(UTC)
        self._cover(moment, moment)
        i = bisect_right(self.starts, moment) - 1
        return i >= 0 and moment < self.ends[i]

    def finish(self, start: datetime, work: timedelta) -> datetime | None:
        """The instant at which `work` of working time has passed since `start`; None if that is
        more than GIVE_UP away."""
        start = start.astimezone(UTC)  # arithmetic on zoned datetimes would be wall-clock
        if work <= timedelta():
            return start
        self._cover(start, start)
        while True:
            target = self._worked_before(start) + work
            k = bisect_left(self.done, target, lo=1)  # span k-1 is where the work reaches target
            if k < len(self.done):
                return self.ends[k - 1] - (self.done[k] - target)
            if self.hi - start > GIVE_UP:
                return None
            self._expand(self.lo, self.hi + max(self.hi - self.lo, MARGIN))


# --- what the rules share ---------------------------------------------------------------------


@dataclass
class _Context:
    scenario: Scenario
    plan: Plan
    previous: Plan | None = None
    _calendars: dict[str | None, WorkingTime] = field(default_factory=dict)

    @cached_property
    def placed(self) -> dict[str, Assignment]:
        """The first assignment of each scenario task (duplicates are the `placed` rule's)."""
        known = {task.id for task in self.scenario.tasks}
        placed: dict[str, Assignment] = {}
        for assignment in self.plan.assignments:
            if assignment.task in known:
                placed.setdefault(assignment.task, assignment)
        return placed

    @cached_property
    def step(self) -> timedelta:
        return timedelta(minutes=self.plan.resolution_minutes)

    def work(self, hours_: float) -> timedelta:
        """Hours rounded up to whole steps of the plan's grid."""
        return ceil_ticks(hours_, self.plan.resolution_minutes) * self.step

    @cached_property
    def _windows(self) -> dict[str | None, Span]:
        """Per person the span their tasks cover, and the balance window when the objective
        measures utilisation (so that each calendar is expanded once); under None, the whole
        plan's."""
        windows: dict[str | None, Span] = {}
        for a in self.placed.values():
            for key in (*a.people, None):
                lo, hi = windows.get(key, (a.start, a.end))
                windows[key] = min(lo, a.start), max(hi, a.end)
        names = {name for level in self.scenario.objective for name in level}
        if names & {"peak_utilisation", "utilisation_spread"}:
            start, end = balance_window(self.scenario)
            for person in self.scenario.people:
                lo, hi = windows.get(person.id, (start, end))
                windows[person.id] = min(lo, start), max(hi, end)
        return windows

    def working_time(self, person: Person | None) -> WorkingTime:
        """The person's working time, or the organisation's for None; expanded once each, over
        the span the plan uses (grown on demand)."""
        key = person.id if person else None
        if key not in self._calendars:
            calendar = person.calendar if person else self.scenario.calendar
            lo, hi = (t.astimezone(UTC) for t in self._windows.get(key, (self.scenario.start,) * 2))
            self._calendars[key] = WorkingTime(calendar, self.step, lo - MARGIN, hi + MARGIN)
        return self._calendars[key]

    def tasks(self) -> Iterator[tuple[Task, Assignment]]:
        for task in self.scenario.tasks:
            if task.id in self.placed:
                yield task, self.placed[task.id]

    def crews(self) -> Iterator[tuple[Task, Assignment, list[tuple[dict[str, int], Person]]]]:
        """Placed work tasks with as many known people as they need, each paired with the
        skills of their place (slot by slot); the others are the `people` rule's."""
        people = {person.id: person for person in self.scenario.people}
        for task, assignment in self.tasks():
            members = task.members
            if (
                task.staffed
                and len(assignment.people) == len(members)
                and all(p in people for p in assignment.people)
            ):
                crew = [people[p] for p in assignment.people]
                yield task, assignment, list(zip(members, crew, strict=True))

    def workers(self) -> Iterator[tuple[Task, Assignment, Person]]:
        """Each member of each placed work task with a full crew."""
        for task, assignment, crew in self.crews():
            for _, person in crew:
                yield task, assignment, person


def _at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _local(moment: datetime, calendar: Calendar) -> str:
    return moment.astimezone(calendar.zone).strftime(f"%a %H:%M {calendar.timezone}")


def _h(delta: timedelta) -> str:
    return f"{round(hours(delta), 2)} h"


# --- the rules --------------------------------------------------------------------------------


def placed(ctx: _Context) -> Iterator[Finding]:
    """Every task not yet done has exactly one assignment, and nothing else has one; an optional
    task may be left out instead (and only an optional one)."""
    known = {task.id for task in ctx.scenario.tasks}
    unplaced = {entry.task: entry.reason for entry in ctx.plan.unplaced}
    yield from _left_out(ctx)
    counts = Counter(assignment.task for assignment in ctx.plan.assignments)
    for task_id, count in counts.items():
        if task_id not in known:
            yield Finding(f"the plan assigns unknown task '{task_id}'", (task_id,))
        elif count > 1:
            yield Finding(f"task '{task_id}' is assigned {count} times", (task_id,))
    for task in ctx.scenario.tasks:
        if task.done:
            if task.id in counts:
                yield Finding(f"task '{task.id}' is done but planned again", (task.id,))
        elif task.optional and task.id not in counts:
            continue
        elif task.id in unplaced:
            yield Finding(f"task '{task.id}' is unplaced: {unplaced[task.id]}", (task.id,))
        elif task.id not in counts:
            yield Finding(f"task '{task.id}' has no assignment", (task.id,))
    for task_id in sorted(unplaced.keys() - known):
        yield Finding(f"the plan lists unknown task '{task_id}' as unplaced", (task_id,))


def _left_out(ctx: _Context) -> Iterator[Finding]:
    """What the plan lists as left out is optional, known, and indeed not assigned."""
    tasks = {task.id: task for task in ctx.scenario.tasks}
    for entry in ctx.plan.left_out:
        task = tasks.get(entry.task)
        if task is None:
            yield Finding(f"the plan leaves out unknown task '{entry.task}'", (entry.task,))
        elif not task.optional:
            message = f"task '{task.id}' is not optional but the plan leaves it out"
            yield Finding(message, (task.id,))
        elif task.id in ctx.placed:
            yield Finding(f"task '{task.id}' is listed as left out but is assigned", (task.id,))


def people(ctx: _Context) -> Iterator[Finding]:
    """A task has as many distinct known people as it needs (one, or its team's size); a
    milestone has none and is an instant; a task that needs nobody (`headcount=0`) has none."""
    known = {person.id for person in ctx.scenario.people}
    for task, a in ctx.tasks():
        ids, names = (task.id,), ", ".join(a.people) or "none"
        if task.milestone:
            if a.people:
                yield Finding(
                    f"milestone '{task.id}' needs no person but has {names}", ids, a.people
                )
            if a.start != a.end:
                yield Finding(
                    f"milestone '{task.id}' starts {_at(a.start)}, ends {_at(a.end)}", ids
                )
        elif not task.staffed:
            if a.people:
                yield Finding(f"task '{task.id}' needs nobody but has {names}", ids, a.people)
        elif len(a.people) != task.team_size:
            needed = "one person" if task.team_size == 1 else f"{task.team_size} people"
            yield Finding(f"task '{task.id}' needs {needed} but has {names}", ids, a.people)
        for person in sorted(set(a.people) - known):
            yield Finding(f"task '{task.id}' goes to unknown person '{person}'", ids, (person,))
        twice = sorted(p for p, n in Counter(a.people).items() if n > 1)
        if twice:
            message = f"task '{task.id}' has {', '.join(twice)} in more than one place"
            yield Finding(f"{message} (a team needs distinct people)", ids, tuple(twice))


def qualified(ctx: _Context) -> Iterator[Finding]:
    """Each person has every skill of their place on the task at the required level or above
    (a team's people are listed slot by slot, in the order of `Task.team`)."""
    for task, _, crew in ctx.crews():
        for place, (skills, person) in enumerate(crew, start=1):
            where = f" (place {place} of {len(crew)})" if len(crew) > 1 else ""
            for skill, level in skills.items():
                if (has := person.level(skill)) < level:
                    message = f"task '{task.id}'{where} needs {skill} {level} but {person.id} has"
                    yield Finding(f"{message} {has}", (task.id,), (person.id,))


def working_time(ctx: _Context) -> Iterator[Finding]:
    """Work starts in working time and ends once the effort is worked, pausing outside it: the
    assignee's working time, or the organisation's for a task that needs nobody. In a team each
    member starts in their working time and puts in the effort by the end, and the task ends
    when the last of them is done."""
    for task, a, crew in ctx.crews():
        yield from _worked(ctx, task, a, [person for _, person in crew])
    for task, a in ctx.tasks():
        if not task.staffed and not task.milestone:
            yield from _worked(ctx, task, a, [None])


def _worked(
    ctx: _Context, task: Task, a: Assignment, people_: list[Person | None]
) -> Iterator[Finding]:
    work = ctx.work(task.remaining_hours)
    finishes: list[tuple[datetime | None, Person | None]] = []
    for person in people_:
        calendar = ctx.working_time(person)
        owner = person.calendar if person else ctx.scenario.calendar
        name, ids = _who(person)
        if not calendar.is_working(a.start):
            local = _local(a.start, owner)
            message = f"task '{task.id}' ({name}) starts {_at(a.start)} ({local}), outside"
            yield Finding(f"{message} {name}'s working time", (task.id,), ids)
        finishes.append((calendar.finish(a.start, work), person))
    unfinished = [person for end, person in finishes if end is None]
    end, last = (None, unfinished[0]) if unfinished else max(finishes, key=lambda f: f[0])
    if end != a.end:
        name, ids = _who(last)
        then = f"end at {_at(end)}" if end else f"do not end within {GIVE_UP.days} days"
        message = f"task '{task.id}' ({name}) ends {_at(a.end)} but {_h(work)} of {name}'s"
        yield Finding(f"{message} working time from its start {then}", (task.id,), ids)


def _who(person: Person | None) -> tuple[str, tuple[str, ...]]:
    return (person.id, (person.id,)) if person else ("the organisation", ())


def one_at_a_time(ctx: _Context) -> Iterator[Finding]:
    """A person's tasks do not overlap (each task's `[start, end)` hull)."""
    by_person: dict[str, list[tuple[str, Assignment]]] = {}
    for task, a in ctx.tasks():
        for person in () if task.milestone else dict.fromkeys(a.people):
            by_person.setdefault(person, []).append((task.id, a))
    for person, tasks in by_person.items():
        tasks.sort(key=lambda pair: pair[1].start)
        last, last_end = tasks[0][0], tasks[0][1].end
        for task_id, a in tasks[1:]:
            if a.start < last_end:
                message = f"{person} works on '{last}' until {_at(last_end)}"
                yield Finding(
                    f"{message} but starts '{task_id}' at {_at(a.start)}",
                    (last, task_id),
                    (person,),
                )
            if a.end > last_end:
                last, last_end = task_id, a.end


def capacity(ctx: _Context) -> Iterator[Finding]:
    """At no instant do the tasks running then hold more units of a resource than it has."""
    for resource in ctx.scenario.resources:
        events: dict[datetime, list[tuple[int, str]]] = {
            c.start.astimezone(UTC): [] for c in resource.changes
        }
        for task, a in ctx.tasks():
            units = task.resources.get(resource.id, 0)
            if units and a.end > a.start:
                events.setdefault(a.start.astimezone(UTC), []).append((units, task.id))
                events.setdefault(a.end.astimezone(UTC), []).append((-units, task.id))
        running: dict[str, int] = {}
        for moment in sorted(events):
            for units, task_id in events[moment]:
                if units > 0:
                    running[task_id] = units
                else:
                    running.pop(task_id, None)
            held, limit = sum(running.values()), resource.capacity_at(moment)
            if held > limit:
                ids = tuple(sorted(running))
                message = f"resource '{resource.id}' has {limit} units at {_at(moment)}"
                yield Finding(f"{message} but {', '.join(ids)} hold {held}", ids)


def dependency(ctx: _Context) -> Iterator[Finding]:
    """Each dependency's later event comes no earlier than its earlier event plus the lag."""
    for task, a in ctx.tasks():
        for dep in task.after:
            if (before := ctx.placed.get(dep.task)) is None:
                continue
            first, then = EVENTS[dep.type]
            earlier, later = getattr(before, first), getattr(a, then)
            earliest = _earliest(ctx, dep, earlier)
            if earliest is None or later < earliest:
                allowed = f"no earlier than {_at(earliest)}" if earliest else "no time at all"
                message = f"task '{task.id}' {then}s {_at(later)} but its {dep.type} dependency"
                pred = f"'{dep.task}' ({first} {_at(earlier)}, {_lag(ctx, dep)})"
                yield Finding(f"{message} on {pred} allows {allowed}", (dep.task, task.id))


def _earliest(ctx: _Context, dep: Dependency, earlier: datetime) -> datetime | None:
    """Earliest instant for the later event: a working lag counts organisation working time."""
    lag, earlier = ctx.work(abs(dep.lag_hours)), earlier.astimezone(UTC)
    if dep.lag_in == "working":
        return ctx.working_time(None).finish(earlier, lag)
    return earlier + lag if dep.lag_hours >= 0 else earlier - lag


def _lag(ctx: _Context, dep: Dependency) -> str:
    lag = _h(ctx.work(abs(dep.lag_hours)))
    if dep.lag_in == "working":
        return f"lag {lag} of organisation working time"
    return f"lag {'-' if dep.lag_hours < 0 else ''}{lag}"


def release(ctx: _Context) -> Iterator[Finding]:
    """No task starts before its release."""
    for task, a in ctx.tasks():
        if task.release is not None and a.start < task.release:
            message = f"task '{task.id}' starts {_at(a.start)}"
            yield Finding(f"{message}, before its release {_at(task.release)}", (task.id,))


def planning_start(ctx: _Context) -> Iterator[Finding]:
    """No task starts before the scenario's planning start: the past cannot be planned."""
    for task, a in ctx.tasks():
        if a.start < ctx.scenario.start:
            message = f"task '{task.id}' starts {_at(a.start)}"
            yield Finding(
                f"{message}, before the planning start {_at(ctx.scenario.start)}", (task.id,)
            )


def pinned(ctx: _Context) -> Iterator[Finding]:
    """Each pin's person and start are kept."""
    for pin in ctx.scenario.pins:
        if (a := ctx.placed.get(pin.task)) is None:
            continue
        single = ctx.scenario.task(pin.task).team_size <= 1
        if pin.person is not None and (
            a.people != (pin.person,) if single else pin.person not in a.people
        ):
            message = f"task '{pin.task}' is pinned to {pin.person}"
            goes_to = ", ".join(a.people) or "nobody"
            yield Finding(f"{message} but goes to {goes_to}", (pin.task,), (pin.person, *a.people))
        if pin.start is not None and a.start != pin.start:
            message = f"task '{pin.task}' is pinned to start {_at(pin.start)}"
            yield Finding(f"{message} but starts {_at(a.start)}", (pin.task,))


def progress(ctx: _Context) -> Iterator[Finding]:
    """Work in progress stays with the people on it (`Progress.people`, in any order); what is
    done is not planned again (the `placed` rule) and nothing starts before the planning start
    (`planning_start`), so the past stays as recorded."""
    for task, a in ctx.tasks():
        recorded = task.progress.people
        if task.in_progress and recorded and sorted(a.people) != sorted(recorded):
            goes_to = ", ".join(a.people) or "nobody"
            message = f"task '{task.id}' is in progress with {', '.join(recorded)}"
            yield Finding(f"{message} but goes to {goes_to}", (task.id,), (*recorded, *a.people))


def horizon(ctx: _Context) -> Iterator[Finding]:
    """No task ends after the scenario's horizon end."""
    end = ctx.scenario.horizon_end
    for task, a in ctx.tasks():
        if end is not None and a.end > end:
            message = f"task '{task.id}' ends {_at(a.end)}"
            yield Finding(f"{message}, after the horizon end {_at(end)}", (task.id,))


def max_hours_per_week(ctx: _Context) -> Iterator[Finding]:
    """A person with a weekly limit works at most that many hours on tasks in each week (Monday
    00:00 to Monday 00:00 in their own zone), counting their working time inside each task."""
    booked: dict[str, dict[date, timedelta]] = {}
    tasks: dict[str, dict[date, list[str]]] = {}
    for task, a, person in ctx.workers():
        if person.max_hours_per_week is None:
            continue
        left = timedelta(hours=task.remaining_hours)  # a team member may finish before the end
        for monday, lo, hi in _weeks(a.start, a.end, person.calendar.zone):
            worked = min(left, ctx.working_time(person).worked_between(lo, hi))
            left -= worked
            if worked > timedelta():
                week = booked.setdefault(person.id, {})
                week[monday] = week.get(monday, timedelta()) + worked
                tasks.setdefault(person.id, {}).setdefault(monday, []).append(task.id)
    people = {person.id: person for person in ctx.scenario.people}
    for person_id, weeks in booked.items():
        limit = people[person_id].max_hours_per_week
        for monday, worked in sorted(weeks.items()):
            if hours(worked) > limit + TOLERANCE:
                ids = tuple(tasks[person_id][monday])
                message = f"{person_id} works {_h(worked)} in the week of {monday}"
                yield Finding(
                    f"{message} on {', '.join(ids)} but may work {limit:g} h a week",
                    ids,
                    (person_id,),
                )


def _weeks(
    start: datetime, end: datetime, zone: ZoneInfo
) -> Iterator[tuple[date, datetime, datetime]]:
    """(Monday, part of [start, end) in that local week) for each week the span touches."""
    local = start.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    while True:
        lo = datetime.combine(monday, time()).replace(tzinfo=zone)
        hi = datetime.combine(monday + timedelta(days=7), time()).replace(tzinfo=zone)
        if lo >= end:
            return
        if hi > start:
            yield monday, max(lo, start), min(hi, end)
        monday += timedelta(days=7)


def max_projects(ctx: _Context) -> Iterator[Finding]:
    """A person with a project limit is on at most that many projects at any instant; they are
    on a project from the start of their first task of it to the end of their last."""
    spans: dict[str, dict[str, Span]] = {}
    for task, a, person in ctx.workers():
        if person.max_projects is None or task.project is None:
            continue
        mine = spans.setdefault(person.id, {})
        lo, hi = mine.get(task.project, (a.start, a.end))
        mine[task.project] = min(lo, a.start), max(hi, a.end)
    people = {person.id: person for person in ctx.scenario.people}
    for person_id, projects in spans.items():
        limit = people[person_id].max_projects
        events = sorted(
            [(lo.astimezone(UTC), 1, p) for p, (lo, _) in projects.items()]
            + [(hi.astimezone(UTC), -1, p) for p, (_, hi) in projects.items()]
        )
        on: set[str] = set()
        for moment, change, project in events:  # ends sort first: spans are half-open
            if change < 0:
                on.discard(project)
                continue
            on.add(project)
            if len(on) > limit:
                names = ", ".join(f"'{p}'" for p in sorted(on))
                yield Finding(
                    f"{person_id} is on {len(on)} projects at {_at(moment)} ({names}) but may be "
                    f"on {limit} at once",
                    (),
                    (person_id,),
                )


def objective(ctx: _Context) -> Iterator[Finding]:
    """Each objective term the plan reports equals the term recomputed from its times (the
    `changes` of a re-plan from its times and the previous plan's, given to `check`)."""
    timing = _timing(ctx)
    for name, claimed in ctx.plan.objective.items():
        value = TERMS[name](ctx.scenario, timing) if name in TERMS else None
        if value is None:
            yield Finding(f"the plan reports unknown objective term '{name}' = {claimed}")
        elif name == "changes" and ctx.previous is None and claimed:
            yield Finding(
                f"the plan reports changes = {claimed} against a previous plan; give it to the "
                "checker to verify them: check(scenario, plan, previous)"
            )
        elif abs(claimed - value) > TOLERANCE * max(1.0, abs(value)):
            yield Finding(f"the plan reports {name} = {claimed} but its times give {value}")


def _timing(ctx: _Context) -> Timing:
    placed = ctx.placed.items()
    return Timing(
        start={task: a.start for task, a in placed},
        end={task: a.end for task, a in placed},
        people={task: a.people for task, a in placed},
        available=_available(ctx),
        previous=_previous(ctx),
        working=lambda lo, hi: _organisation_hours(ctx, lo, hi),
    )


def _previous(ctx: _Context) -> Timing | None:
    """The previous plan's starts, read on this plan's grid (rounded down), and people."""
    if ctx.previous is None:
        return None
    assignments = ctx.previous.assignments
    return Timing(
        start={a.task: _round(a.start.astimezone(UTC), ctx.step, up=False) for a in assignments},
        end={a.task: a.end for a in assignments},
        people={a.task: a.people for a in assignments},
    )


def _organisation_hours(ctx: _Context, lo: datetime, hi: datetime) -> float:
    """The organisation's working hours in `[lo, hi)`, both ends rounded up onto the grid."""
    lo, hi = (_round(t.astimezone(UTC), ctx.step, up=True) for t in (lo, hi))
    return hours(ctx.working_time(None).worked_between(lo, hi)) if hi > lo else 0.0


def _available(ctx: _Context) -> dict[str, float]:
    """Each person's working hours in the balance window, when the objective measures it."""
    names = {name for level in ctx.scenario.objective for name in level}
    if not names & {"peak_utilisation", "utilisation_spread"}:
        return {}
    lo, hi = balance_window(ctx.scenario)
    return {
        person.id: hours(ctx.working_time(person).worked_between(lo, hi))
        for person in ctx.scenario.people
    }


RULES: dict[str, Callable[[_Context], Iterator[Finding]]] = {
    rule.__name__: rule
    for rule in (
        placed,
        people,
        qualified,
        working_time,
        one_at_a_time,
        capacity,
        dependency,
        release,
        planning_start,
        pinned,
        progress,
        horizon,
        max_hours_per_week,
        max_projects,
        objective,
    )
}
"""Each rule by the name its violations carry."""


def check(scenario: Scenario, plan: Plan, previous: Plan | None = None) -> list[Violation]:
    """Every broken rule of `plan` against `scenario`, all at once; empty when the plan holds.
    For a re-plan (`solve(..., previous=...)`), give the `previous` plan too: the `changes` the
    plan reports are measured against it."""
    ctx = _Context(scenario, plan, previous)
    return [
        Violation(rule=name, message=found.message, tasks=found.tasks, people=found.people)
        for name, rule in RULES.items()
        for found in rule(ctx)
    ]


def recompute_objective(
    scenario: Scenario, plan: Plan, previous: Plan | None = None
) -> dict[str, float]:
    """The scenario's objective terms, recomputed from the plan's start and end times (and
    the `previous` plan's, for `changes`)."""
    return evaluate(scenario, _timing(_Context(scenario, plan, previous)))
