"""The spreadsheet layout: which sheets (or CSV files) hold which table, and their columns.

One statement of the layout serves the reader (which headers it accepts), the writers (which
headers they write, in which order), the template (each header's note) and the documentation
(a test checks that docs/spreadsheets.md lists every header). Headers are matched loosely: case,
spaces, punctuation and a few synonyms a planner might use ("Depends on" for "After") do not
matter.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(normalise(name) for name in (self.header, self.key, *self.aliases))


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str
    note: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()

    @property
    def csv_name(self) -> str:
        return f"{self.key}.csv"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(normalise(name) for name in (self.sheet, self.key, *self.aliases))

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


def normalise(header: str) -> str:
    """`Effort (h)`, `effort_h` and ` EFFORT  h ` are the same header."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(header).lower()).split())


C = Column

SETTINGS = Table(
    "settings",
    "Settings",
    "One row per setting: the planning start is required, the rest have defaults.",
    (
        C("name", "Scenario", "A name for this plan", ("name", "plan", "title")),
        C(
            "start",
            "Planning start",
            "When planning starts: nothing is scheduled before it (a date means 00:00)",
            ("start", "planning starts", "plan start", "from"),
            required=True,
        ),
        C(
            "timezone",
            "Time zone",
            "The organisation's time zone: dates and times in every sheet are read in it, "
            "and people without one work in it (default UTC)",
            ("timezone", "zone", "tz"),
        ),
        C(
            "works",
            "Works",
            "The organisation's working hours: working lags and tasks that need nobody use "
            "them, and people without their own work them (default Mon-Fri 09:00-17:00)",
            ("working hours", "hours", "weekly hours"),
        ),
        C(
            "holidays",
            "Holidays",
            "The organisation's public holidays: a region code such as DE, DE-BY or US-NY",
            ("holiday region", "public holidays", "region"),
        ),
        C(
            "horizon_end",
            "Horizon end",
            "Nothing may end after this (default: a year after the latest date mentioned)",
            ("horizon", "plan until"),
        ),
        C(
            "balance_until",
            "Balance until",
            "End of the window over which workloads are balanced (default: latest deadline)",
        ),
        C(
            "resolution",
            "Resolution (min)",
            "The time grid in minutes (60, 30, 15, 10, 5 or 1; default: chosen from the data)",
            ("resolution", "resolution minutes", "grid", "grid minutes"),
        ),
        C(
            "objective",
            "Objective",
            "What a good plan is, most important first, levels separated by ';': "
            "lateness + unplaced; peak_utilisation; cost; makespan",
            ("goal", "objectives"),
        ),
    ),
    aliases=("setting", "scenario", "plan", "project settings"),
)

PEOPLE = Table(
    "people",
    "People",
    "One row per person who can take tasks.",
    (
        C(
            "id",
            "Person",
            "A short unique id, used in other sheets",
            ("id", "person id", "who", "resource"),
            True,
        ),
        C("name", "Name", "Full name", ("full name",)),
        C(
            "skills",
            "Skills",
            "Skills with levels: design:3, backend:2 (a skill without a level has level 1)",
            ("skill levels", "skill"),
        ),
        C(
            "timezone",
            "Time zone",
            "IANA name such as Europe/Berlin (default: the organisation's)",
            ("timezone", "zone", "tz"),
        ),
        C(
            "works",
            "Works",
            "Weekly hours, local time: Mon-Fri 09:00-17:00; split days Mon-Fri 07:00-11:00, "
            "13:00-17:00; part-time Mon-Wed 09:00-17:00; mixed Mon-Thu 9-17; Fri 9-13",
            ("working hours", "hours", "weekly hours", "schedule"),
        ),
        C(
            "holidays",
            "Holidays",
            "Public holidays: a region code such as DE-BE, GB-ENG or US-NY; 'none' for none "
            "(default: the organisation's)",
            ("holiday region", "public holidays", "region"),
        ),
        C(
            "rate",
            "Rate (per h)",
            "Hourly cost, for budgets and the cost objective",
            ("rate", "hourly rate", "cost per hour", "rate per hour", "hourly_rate"),
        ),
        C(
            "max_hours_per_week",
            "Max h/week",
            "At most this many hours of tasks in each of their weeks (e.g. 20 for a manager)",
            ("max hours per week", "max hours week", "hours per week", "weekly limit"),
        ),
        C(
            "max_projects",
            "Max projects",
            "On at most this many projects at the same time",
            ("projects at once", "max parallel projects"),
        ),
    ),
    aliases=("person", "team", "staff"),
)

PROJECTS = Table(
    "projects",
    "Projects",
    "One row per project; tasks name their project in their Project column.",
    (
        C(
            "id",
            "Project",
            "A short unique id, used in the Tasks sheet",
            ("id", "project id", "key"),
            True,
        ),
        C("name", "Name", "Project name", ("project name", "title")),
        C("customer", "Customer", "Who it is for", ("client",)),
        C(
            "deadline",
            "Deadline",
            "When its last task should be done (a date means the end of that day)",
            ("due", "due date", "end"),
        ),
        C("priority", "Priority", "1 (default) to 1000: how much its lateness weighs", ("weight",)),
        C("budget", "Budget", "What its work may cost (hours x rates)", ()),
        C(
            "value",
            "Value",
            "What the customer pays: the plan shows the margin",
            ("price", "revenue"),
        ),
    ),
    aliases=("project",),
)

TASKS = Table(
    "tasks",
    "Tasks",
    "One row per task.",
    (
        C("id", "Task", "A short unique id, used in After", ("id", "task id", "key"), True),
        C("name", "Name", "What the task is", ("task name", "title", "summary", "description")),
        C("project", "Project", "The project's id (from the Projects sheet)", ("project id",)),
        C(
            "effort",
            "Effort (h)",
            "Hours of work for one person (each person on a team puts in these hours); "
            "0 or empty makes a milestone",
            (
                "effort",
                "effort hours",
                "effort_hours",
                "work",
                "work h",
                "hours",
                "estimate",
                "estimate h",
            ),
        ),
        C(
            "needs",
            "Needs",
            "Skills the person needs, at least at these levels: backend:3, devops:2. A team: "
            "slots joined by '+', e.g. design:3 + 2x backend:2 ('anyone': a slot without skills)",
            ("skills", "required skills", "requires"),
        ),
        C(
            "people",
            "People",
            "How many people work on it together, each with the Needs (default 1; 0 for "
            "work that needs nobody, such as a review period)",
            ("team size", "people needed", "headcount"),
        ),
        C(
            "after",
            "After",
            "Tasks it waits for: kickoff, design SS, review +24h, signoff FF -4h, uat +16wh. "
            "Types FS (default), SS, FF, SF; lags in elapsed hours (h) or the organisation's "
            "working hours (wh)",
            ("depends on", "dependencies", "predecessors", "follows", "waits for"),
        ),
        C(
            "release",
            "Release",
            "Earliest start (a date means 00:00 that day)",
            ("earliest start", "start no earlier than", "not before", "available from"),
        ),
        C(
            "deadline",
            "Deadline",
            "When it should be done (a date means the end of that day)",
            ("due", "due date"),
        ),
        C("priority", "Priority", "1 (default) to 1000: how much its lateness weighs", ("weight",)),
        C("milestone", "Milestone", "yes for a deliverable that takes no work", ("is milestone",)),
        C(
            "optional",
            "Optional",
            "yes for work the plan may leave out when it would cost more lateness than it weighs",
            ("nice to have",),
        ),
        C(
            "pinned_to",
            "Pinned to",
            "A person it must go to (a promise already made)",
            ("fixed person", "assigned to", "pinned person"),
        ),
        C(
            "pinned_start",
            "Pinned start",
            "When it must start (a promise already made)",
            ("fixed start", "pinned at", "must start"),
        ),
        C(
            "preferred",
            "Preferred",
            "People who should rather do it: ana, ben",
            ("prefer", "preferred people"),
        ),
        C("avoided", "Avoid", "People who should rather not do it", ("avoided", "not")),
        C(
            "stream",
            "Stream",
            "A work stream: its consecutive tasks should stay with one person",
            ("work stream", "workstream"),
        ),
        C(
            "resources",
            "Resources",
            "Shared resources it holds while it runs: lab:1, licence:2",
            ("uses",),
        ),
        C("status", "Status", "not started (default), in progress or done", ("progress", "state")),
        C(
            "by",
            "By",
            "Who did it or is doing it: ana, ben (work in progress stays with them)",
            ("done by", "worked by", "doing it"),
        ),
        C("started", "Started", "When work on it started", ("started on", "actual start")),
        C(
            "spent",
            "Spent (h)",
            "Hours already worked on a task in progress",
            ("spent", "hours spent", "actual h", "actual hours", "actual work"),
        ),
        C(
            "finished",
            "Finished",
            "When a done task finished",
            ("finished on", "done on", "actual finish"),
        ),
    ),
    aliases=("task", "work", "backlog"),
)

TIME_OFF = Table(
    "time_off",
    "Time off",
    "One row per absence. Dates are whole days, both ends included; times are local to the "
    "person. Person 'everyone' means every person and the organisation; 'organisation' only the "
    "organisation's calendar (working lags, tasks that need nobody).",
    (
        C(
            "person",
            "Person",
            "The person's id, 'everyone' or 'organisation'",
            ("who", "id", "person id"),
            True,
        ),
        C(
            "start",
            "From",
            "First day off (or the moment the absence starts)",
            ("start", "first day", "begin"),
            True,
        ),
        C(
            "end",
            "To",
            "Last day off (or the moment they are back)",
            ("end", "last day", "until", "back"),
            True,
        ),
        C("reason", "Reason", "Vacation, conference, ...", ("why", "note")),
    ),
    aliases=(
        "timeoff",
        "absences",
        "absence",
        "leave",
        "vacations",
        "vacation",
        "holiday bookings",
    ),
)

RESOURCES = Table(
    "resources",
    "Resources",
    "Shared things with limited capacity (a test lab, licences); tasks name them in Resources.",
    (
        C(
            "id",
            "Resource",
            "A short unique id, used in the Tasks sheet",
            ("id", "resource id"),
            True,
        ),
        C("name", "Name", "What it is", ()),
        C("capacity", "Capacity", "Units available at once (default 1)", ("units",)),
        C(
            "changes",
            "Changes",
            "Capacity changing over time: 2 from 2027-04-01; 1 from 2027-06-01",
            ("capacity changes",),
        ),
    ),
    aliases=("resource", "equipment", "shared resources"),
)

TABLES = (SETTINGS, PEOPLE, PROJECTS, TASKS, TIME_OFF, RESOURCES)
README = "Read me"
"""The template's first sheet, explaining the others; the reader skips it."""

EVERYONE = ("everyone", "all", "*")
ORGANISATION = ("organisation", "organization", "company", "office")


def find_table(name: str) -> Table | None:
    wanted = normalise(name.removesuffix(".csv"))
    return next((table for table in TABLES if wanted in table.names), None)


def find_column(table: Table, header: str) -> Column | None:
    wanted = normalise(header)
    return next((column for column in table.columns if wanted in column.names), None)


def closest_column(table: Table, header: str) -> Column | None:
    """The column a misspelt header most likely means ("Efort" -> "Effort (h)")."""
    names = {name: column for column in table.columns for name in column.names}
    match = difflib.get_close_matches(normalise(header), list(names), n=1, cutoff=0.8)
    return names[match[0]] if match else None
