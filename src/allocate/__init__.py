"""allocate: who does what, and when.

People with skills and working calendars, tasks with efforts, dependencies and deadlines; `solve()`
assigns and schedules them with a greedy construction and OR-Tools CP-SAT, checks the result with
an independent checker, and returns a `Plan` in real datetimes.
"""

from allocate.analysis import Hire, advise_hiring, departures, forecast, recommend, simulate
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
    "advise_hiring",
    "departures",
    "forecast",
    "recommend",
    "simulate",
    "solve",
    "Dependency",
    "Estimate",
    "Hire",
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
