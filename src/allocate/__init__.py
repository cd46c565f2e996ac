"""allocate: who does what, and when.

People with skills and working calendars, tasks with efforts, dependencies and deadlines; `solve()`
assigns and schedules them with a greedy construction and OR-Tools CP-SAT, checks the result with
an independent checker, and returns a `Plan` in real datetimes.
"""

from allocate.analysis import forecast, simulate
from allocate.check import check
from allocate.plan import Assignment, Plan, Violation
from allocate.scenario import (
    ALWAYS,
    Calendar,
    Dependency,
    Estimate,
    Person,
    Pin,
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

__all__ = [
    "ALWAYS",
    "Assignment",
    "Calendar",
    "check",
    "forecast",
    "simulate",
    "solve",
    "Dependency",
    "Estimate",
    "Person",
    "Pin",
    "Plan",
    "Project",
    "Resource",
    "Scenario",
    "Slot",
    "Task",
    "TimeOff",
    "TimeRange",
    "Uncertainty",
    "Violation",
]
