"""allocate: who does what, and when.

People with skills and working calendars, tasks with efforts, dependencies and deadlines; `solve()`
assigns and schedules them with a greedy construction and OR-Tools CP-SAT, checks the result with
an independent checker, and returns a `Plan` in real datetimes.

Every name a planner meets is here: the user model (`Scenario` and what it holds), `solve` and
`check`, and the plan with its parts (`Plan`, `Assignment`, summaries, explanations). `Progress`
is a task's work done before the planning start; `SolveProgress` is what `solve(progress=...)`
reports while it searches.
"""

from allocate.check import check
from allocate.plan import (
    Assignment,
    Conflict,
    Lateness,
    PersonSummary,
    Plan,
    ProjectSummary,
    SolveStats,
    Unplaced,
    Violation,
    WeekHours,
)
from allocate.scenario import (
    Calendar,
    CapacityChange,
    Dependency,
    Person,
    Pin,
    Progress,
    Project,
    Resource,
    Scenario,
    Slot,
    Task,
    TimeOff,
    TimeRange,
)
from allocate.solve import solve
from allocate.strategies.base import SolveProgress

__all__ = [
    # the user model
    "Calendar",
    "CapacityChange",
    "Dependency",
    "Person",
    "Pin",
    "Progress",
    "Project",
    "Resource",
    "Scenario",
    "Slot",
    "Task",
    "TimeOff",
    "TimeRange",
    # solving and checking
    "solve",
    "SolveProgress",
    "check",
    # the plan
    "Plan",
    "Assignment",
    "Unplaced",
    "Conflict",
    "Lateness",
    "ProjectSummary",
    "PersonSummary",
    "WeekHours",
    "SolveStats",
    "Violation",
]
