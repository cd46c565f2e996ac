"""allocate: who does what, and when.

People with skills and working calendars, tasks with efforts, dependencies and deadlines; `solve()`
assigns and schedules them with a greedy construction and OR-Tools CP-SAT, checks the result with
an independent checker, and returns a `Plan` in real datetimes.

Every name a planner meets is here: the user model (`Scenario` and what it holds), `solve`,
`check`, `compare` (what-ifs) with `events` (the usual changes to a scenario), `forecast`
and `simulate`, `recommend` (who takes a new request), `advise_hiring` and `departures` (whom to
hire, whom we cannot lose), and the plan with its parts (`Plan`, `Assignment`, summaries,
explanations). `Progress` is a task's work done before the planning start; `SolveProgress` is
what `solve(progress=...)` reports while it searches.
"""

from allocate import events
from allocate.analysis import (
    Hire,
    advise_hiring,
    compare,
    departures,
    forecast,
    recommend,
    simulate,
)
from allocate.check import check
from allocate.diff import PlanDiff
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
    ALWAYS,
    Calendar,
    CapacityChange,
    Dependency,
    Estimate,
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
    Uncertainty,
)
from allocate.solve import solve
from allocate.strategies.base import SolveProgress

__all__ = [
    # the user model
    "ALWAYS",
    "Calendar",
    "CapacityChange",
    "Dependency",
    "Estimate",
    "Hire",
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
    "Uncertainty",
    # solving, checking and the answers built on plans
    "solve",
    "SolveProgress",
    "check",
    "compare",
    "events",
    "forecast",
    "simulate",
    "recommend",
    "advise_hiring",
    "departures",
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
    "PlanDiff",
]
