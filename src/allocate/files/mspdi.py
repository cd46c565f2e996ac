"""A plan as Microsoft Project XML (MSPDI): opens in MS Project, ProjectLibre and every tool that
reads MS Project files through MPXJ.

What goes in: each project as a summary task with its planned tasks under it (tasks outside
projects at the top level); each task with its planned start and finish, duration, work,
priority, deadline, predecessors (type and lag; lags in elapsed or working hours) and a
Start-No-Earlier-Than constraint at its planned start, so that MS Project, which recalculates
on opening and does not level resources by default, keeps the plan; people as work resources
with their hourly rate and a calendar; one assignment per person and task with its work.

Time zones: MSPDI has one zone for the whole project and none per resource. Every time is
written in the project zone (default: the scenario's organisation zone), and each person's
calendar is shifted into it (see `project_calendar.py`), so MS Project shows a New York
09:00-17:00 day as 15:00-23:00 in Berlin, and the instants people work are the real ones.
Done tasks, unplaced tasks and optional work left out are not written (their links are dropped;
the summary task's notes list what was not placed). Skills go into a text field called "Needs"
(tasks) and "Skills" (resources) so that `read_project_file` can read them back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allocate.calendar import working_intervals
from allocate.files.notation import format_levels, format_team
from allocate.files.project_calendar import ProjectCalendar, project_calendar
from allocate.plan import Assignment, Plan
from allocate.report.rows import known_tasks, planned_hours
from allocate.scenario import Calendar, Scenario, Task, hours

NAMESPACE = "http://schemas.microsoft.com/project"
LINK_TYPES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
ELAPSED_HOURS, HOURS = 6, 5
"""MSPDI duration formats: `eh` (elapsed hours) and `h` (working hours)."""
SNET = 4
"""MSPDI constraint type Start No Earlier Than."""
TEXT1_TASK, TEXT1_RESOURCE = "188743731", "205520904"
"""MSPDI field ids of the task and resource custom fields Text1."""
NOBODY = "nobody"
"""The Needs of a task that needs no person (it runs on the organisation's calendar)."""
WINDOW_DAYS = 366
"""Calendars are exact from the planning start for a year, and at least past the plan's end."""


def write_msproject(
    scenario: Scenario,
    plan: Plan,
    path: str | Path,
    *,
    timezone: str | None = None,
    keep_dates: bool = True,
) -> Path:
    """Write `plan` as MSPDI XML. `timezone`: the project's zone (default the scenario's
    calendar zone). `keep_dates=False` writes releases as the constraints instead of the planned
    starts: the file then states the inputs, and MS Project reschedules it its own way."""
    known_tasks(scenario, plan)
    zone = timezone or scenario.calendar.timezone
    root = _Writer(scenario, plan, zone, keep_dates).project(Path(path).name)
    ET.indent(root, space="  ")
    tree = ET.ElementTree(root)
    tree.write(path, encoding="UTF-8", xml_declaration=True)
    return Path(path)


def _add(parent: ET.Element, tag: str, value=None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if value is not None:
        element.text = value if isinstance(value, str) else _text(value)
    return element


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def _duration(hours_: float) -> str:
    minutes = round(hours_ * 60)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _clock(minutes: int) -> str:
    return "00:00:00" if minutes == 1440 else f"{minutes // 60:02d}:{minutes % 60:02d}:00"


class _Writer:
    def __init__(self, scenario: Scenario, plan: Plan, zone: str, keep_dates: bool):
        self.scenario, self.plan, self.keep_dates = scenario, plan, keep_dates
        self.tz = ZoneInfo(zone)
        self.placed = {a.task: a for a in plan.assignments}
        self.uid: dict[str, int] = {}
        self.person_uid = {p.id: k for k, p in enumerate(scenario.people, 1)}
        start = scenario.start.astimezone(self.tz).date() - timedelta(days=1)  # a person's
        # local day that holds the planning start may begin on the project's day before
        ends = [plan.finish or scenario.start, scenario.start + timedelta(days=WINDOW_DAYS)]
        self.window = (start, max(ends).astimezone(self.tz).date() + timedelta(days=7))

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def project(self, file_name: str) -> ET.Element:
        root = ET.Element("Project", xmlns=NAMESPACE)
        organisation = self.scenario.calendar
        day = next((r for r in organisation.weekly_hours.values() if r), ())
        spans = [r.minutes for ranges in organisation.weekly_hours.values() for r in ranges]
        minutes_per_week = sum(b - a for a, b in spans)
        days = sum(1 for r in organisation.weekly_hours.values() if r) or 5
        for tag, value in (
            ("SaveVersion", 14),
            ("Name", file_name),
            ("Title", self.scenario.name or file_name),
            ("Subject", f"Planned by allocate; times in {self.tz.key}"),
            ("ScheduleFromStart", True),
            ("StartDate", self.local(self.scenario.start)),
            ("FinishDate", self.local(self.plan.finish or self.scenario.start)),
            ("CalendarUID", 1),
            ("DefaultStartTime", _clock(day[0].minutes[0]) if day else "09:00:00"),
            ("DefaultFinishTime", _clock(day[-1].minutes[1]) if day else "17:00:00"),
            ("MinutesPerDay", minutes_per_week // days),
            ("MinutesPerWeek", minutes_per_week),
            ("DaysPerMonth", round(days * 4.33)),
            ("DurationFormat", HOURS),
            ("WorkFormat", 2),
            ("NewTasksEffortDriven", False),
            ("WeekStartDay", 1),
        ):
            _add(root, tag, value)
        self.custom_fields(root)
        self.calendars(_add(root, "Calendars"))
        self.tasks(_add(root, "Tasks"))
        self.resources(_add(root, "Resources"))
        self.assignments(_add(root, "Assignments"))
        return root

    def custom_fields(self, root: ET.Element) -> None:
        attributes = _add(root, "ExtendedAttributes")
        for field_id, alias in ((TEXT1_TASK, "Needs"), (TEXT1_RESOURCE, "Skills")):
            attribute = _add(attributes, "ExtendedAttribute")
            _add(attribute, "FieldID", field_id)
            _add(attribute, "FieldName", "Text1")
            _add(attribute, "Alias", alias)

    # --- calendars ------------------------------------------------------------------------

    def calendars(self, calendars: ET.Element) -> None:
        """The organisation's calendar, and per person a base calendar of their own with a
        resource calendar on it: a resource calendar built on the organisation's would inherit
        its holidays (MS Project's rule), and a New York person has no Berlin holidays."""
        self.calendar(calendars, 1, "Standard", self.scenario.calendar)
        for person in self.scenario.people:
            uid = self.person_uid[person.id]
            self.calendar(calendars, 2 * uid, person.name or person.id, person.calendar)
            derived = _add(calendars, "Calendar")
            for tag, value in (
                ("UID", 2 * uid + 1), ("Name", person.name or person.id),
                ("IsBaseCalendar", False), ("BaseCalendarUID", 2 * uid),
            ):  # fmt: skip
                _add(derived, tag, value)

    def calendar(self, parent, uid: int, name: str, calendar: Calendar) -> None:
        shifted: ProjectCalendar = project_calendar(calendar, self.tz.key, *self.window)
        element = _add(parent, "Calendar")
        _add(element, "UID", uid)
        _add(element, "Name", name)
        _add(element, "IsBaseCalendar", True)
        _add(element, "BaseCalendarUID", -1)
        week = _add(element, "WeekDays")
        for day_type in range(1, 8):  # 1 is Sunday
            ranges = shifted.week[(day_type + 5) % 7]
            weekday = _add(week, "WeekDay")
            _add(weekday, "DayType", day_type)
            _add(weekday, "DayWorking", bool(ranges))
            _working_times(weekday, ranges)
        exceptions = _add(element, "Exceptions")
        for exception in shifted.exceptions:
            item = _add(exceptions, "Exception")
            _add(item, "EnteredByOccurrences", False)
            period = _add(item, "TimePeriod")
            _add(period, "FromDate", datetime.combine(exception.first, time()))
            _add(period, "ToDate", datetime.combine(exception.last, time(23, 59)))
            _add(item, "Occurrences", 1)
            _add(item, "Name", exception.name or ("day off" if not exception.ranges else "hours"))
            _add(item, "Type", 1)
            _add(item, "DayWorking", bool(exception.ranges))
            _working_times(item, exception.ranges)

    # --- tasks ----------------------------------------------------------------------------

    def tasks(self, tasks: ET.Element) -> None:
        """Summary tasks and tasks in outline order; every unique id is given out first, so a
        link may point to a task written after it."""
        groups: dict[str | None, list[Task]] = {}
        for task in self.scenario.tasks:
            if task.id in self.placed:
                groups.setdefault(task.project, []).append(task)
        rows: list[tuple] = []
        for project in self.scenario.projects:
            members = groups.get(project.id, [])
            if members:
                outline = str(sum(1 for row in rows if row[3] == 1) + 1)
                rows.append((f"project:{project.id}", project, members, 1, outline))
                rows += [(t.id, t, None, 2, f"{outline}.{k}") for k, t in enumerate(members, 1)]
        for task in groups.get(None, []):
            rows.append((task.id, task, None, 1, str(sum(1 for row in rows if row[3] == 1) + 1)))
        self.uid = {key: k for k, (key, *_) in enumerate(rows, 1)}
        for _, item, members, level, outline in rows:
            if members is not None:
                self.summary(tasks, item, members, outline)
            else:
                self.task(tasks, item, outline, level)

    def summary(self, tasks: ET.Element, project, members: list[Task], outline: str) -> None:
        spans = [self.placed[t.id] for t in members]
        start, finish = min(a.start for a in spans), max(a.end for a in spans)
        element = _add(tasks, "Task")
        uid = self.uid[f"project:{project.id}"]
        work = sum(self.work_hours(t) for t in members)
        for tag, value in (
            ("UID", uid), ("ID", uid), ("Name", project.name or project.id), ("Active", True),
            ("Manual", False), ("Type", 1), ("IsNull", False), ("WBS", outline),
            ("OutlineNumber", outline), ("OutlineLevel", 1),
            ("Priority", _priority(project.priority)), ("Start", self.local(start)),
            ("Finish", self.local(finish)),
            ("Duration", _duration(_working_hours(self.scenario.calendar, start, finish))),
            ("DurationFormat", HOURS), ("Work", _duration(work)), ("Milestone", False),
            ("Summary", True),
        ):  # fmt: skip
            _add(element, tag, value)
        if project.deadline:
            _add(element, "Deadline", self.local(project.deadline))
        notes = [f"Project id: {project.id}"]
        notes += [f"Customer: {project.customer}"] if project.customer else []
        missing = [u for u in (*self.plan.unplaced, *self.plan.left_out)
                   if self.scenario.task(u.task).project == project.id]  # fmt: skip
        notes += [f"Not placed: {u.task} ({u.reason})" for u in missing]
        _add(element, "Notes", "\n".join(notes))

    def task(self, tasks: ET.Element, task: Task, outline: str, level: int) -> None:
        a = self.placed[task.id]
        uid = self.uid[task.id]
        element = _add(tasks, "Task")
        for tag, value in (
            ("UID", uid), ("ID", uid), ("Name", task.name or task.id), ("Active", True),
            ("Manual", False), ("Type", 0), ("IsNull", False), ("WBS", outline),
            ("OutlineNumber", outline), ("OutlineLevel", level),
            ("Priority", _priority(task.priority)), ("Start", self.local(a.start)),
            ("Finish", self.local(a.end)), ("Duration", _duration(self.duration(task))),
            ("DurationFormat", HOURS), ("Work", _duration(self.work_hours(task))),
            ("EffortDriven", False), ("Milestone", task.milestone), ("Summary", False),
            ("RemainingDuration", _duration(self.duration(task))),
            ("RemainingWork", _duration(self.work_hours(task))),
        ):  # fmt: skip
            _add(element, tag, value)
        constraint = a.start if self.keep_dates else task.release
        if constraint is not None:
            _add(element, "ConstraintType", SNET)
        if not task.staffed:
            _add(element, "CalendarUID", 1)
        if constraint is not None:
            _add(element, "ConstraintDate", self.local(constraint))
        if task.deadline:
            _add(element, "Deadline", self.local(task.deadline))
        notes = [f"Task id: {task.id}"]
        if task.progress.status == "in_progress":
            spent, effort = task.progress.hours_spent, task.effort_hours
            notes.append(f"{spent:g} h of {effort:g} h were done before the plan")
        _add(element, "Notes", "\n".join(notes))
        for dependency in task.after:
            if dependency.task in self.uid:
                self.link(element, dependency)
        needs = (
            format_team(task.skills, task.team) if task.staffed else NOBODY * (not task.milestone)
        )
        if needs:
            attribute = _add(element, "ExtendedAttribute")
            _add(attribute, "FieldID", TEXT1_TASK)
            _add(attribute, "Value", needs)

    def link(self, element: ET.Element, dependency) -> None:
        link = _add(element, "PredecessorLink")
        _add(link, "PredecessorUID", self.uid[dependency.task])
        _add(link, "Type", LINK_TYPES[dependency.type])
        _add(link, "CrossProject", False)
        _add(link, "LinkLag", round(dependency.lag_hours * 600))  # tenths of a minute
        _add(link, "LagFormat", HOURS if dependency.lag_in == "working" else ELAPSED_HOURS)

    def duration(self, task: Task) -> float:
        """Working hours from start to finish: the remaining effort (each member works it at
        full time on their own calendar), or for a task that needs nobody, the organisation's."""
        if task.milestone:
            return 0.0
        return planned_hours(task.remaining_hours, self.plan.resolution_minutes)

    def work_hours(self, task: Task) -> float:
        return self.duration(task) * max(task.team_size, 0) if task.staffed else 0.0

    # --- resources and assignments --------------------------------------------------------

    def resources(self, resources: ET.Element) -> None:
        for person in self.scenario.people:
            uid = self.person_uid[person.id]
            element = _add(resources, "Resource")
            for tag, value in (
                ("UID", uid), ("ID", uid), ("Name", person.name or person.id), ("Type", 1),
                ("IsNull", False), ("Initials", person.id), ("MaxUnits", 1.0),
            ):  # fmt: skip
                _add(element, tag, value)
            if person.hourly_rate is not None:
                _add(element, "StandardRate", float(person.hourly_rate))
                _add(element, "StandardRateFormat", 2)
            _add(element, "CalendarUID", 2 * uid + 1)
            notes = [f"Person id: {person.id}", f"Time zone: {person.calendar.timezone}"]
            _add(element, "Notes", "\n".join(notes))
            if person.skills:
                attribute = _add(element, "ExtendedAttribute")
                _add(attribute, "FieldID", TEXT1_RESOURCE)
                _add(attribute, "Value", format_levels(person.skills))

    def assignments(self, assignments: ET.Element) -> None:
        uid = 0
        for task in self.scenario.tasks:
            a = self.placed.get(task.id)
            if a is None or not task.staffed:
                continue
            for person_id in a.people:
                uid += 1
                self.assignment(assignments, uid, task, a, person_id)

    def assignment(self, parent, uid: int, task: Task, a: Assignment, person_id: str) -> None:
        person = self.scenario.person(person_id)
        work = self.duration(task)
        finish = _after_working_hours(person.calendar, a.start, a.end, work)
        element = _add(parent, "Assignment")
        for tag, value in (
            ("UID", uid), ("TaskUID", self.uid[task.id]),
            ("ResourceUID", self.person_uid[person_id]),
            ("Finish", self.local(finish)), ("RemainingWork", _duration(work)),
            ("Start", self.local(a.start)), ("Units", 1.0), ("Work", _duration(work)),
        ):  # fmt: skip
            _add(element, tag, value)


def _working_times(parent: ET.Element, ranges) -> None:
    if not ranges:
        return
    times = _add(parent, "WorkingTimes")
    for lo, hi in ranges:
        working = _add(times, "WorkingTime")
        _add(working, "FromTime", _clock(lo))
        _add(working, "ToTime", _clock(hi))


def _priority(priority: int) -> int:
    """Ours (1 default, up to 1000, a lateness weight) on MS Project's scale (500 default, 0-1000):
    1 -> 500, 2 -> 501 ..., so the order is kept; above 501 all are 1000."""
    return min(1000, 499 + priority)


def _working_hours(calendar: Calendar, start: datetime, end: datetime) -> float:
    return sum(hours(b - a) for a, b in working_intervals(calendar, start, end))


def _after_working_hours(calendar: Calendar, start: datetime, end: datetime, work: float):
    """When a member who starts at `start` has done `work` hours (at the latest, `end`: the
    task's end, when the last member is done)."""
    left = timedelta(hours=work)
    for a, b in working_intervals(calendar, start, end):
        if b - a >= left:
            return a + left
        left -= b - a
    return end
