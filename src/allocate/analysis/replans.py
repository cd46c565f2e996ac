"""Re-plans as jobs: a changed scenario re-planned from the current plan, one job per change.

Recommendations (the request pinned to each candidate) and hiring advice (a person joins, or one
leaves) ask the same thing many times: re-plan this changed scenario, keeping the current plan
where the change does not call for moving it. Each re-plan is independent, so they run as jobs
through `sweep.run_all` on any executor; the job and its function live at module level so that
process pools and Dask can ship them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from allocate.plan import Plan
from allocate.scenario import Person, Scenario, TimeOff
from allocate.solve import solve
from allocate.strategies.base import Strategy

FOREVER = date(2200, 1, 1)
"""The last day of a leaver's time off: they do not come back (scenarios end in 2200)."""


@dataclass(frozen=True)
class Replan:
    """Re-plan `scenario` from `previous` within `time_limit` seconds."""

    scenario: Scenario
    previous: Plan
    time_limit: float
    strategy: str | Strategy = "auto"
    seed: int = 0


def replan(job: Replan) -> Plan:
    """The checked plan of `job.scenario`, starting from `job.previous`.

    The seam for living plans' minimal-disruption re-plan (`solve(..., previous=plan)`); until it
    is in place, a fresh solve with the same limit and seed."""
    return solve(job.scenario, time_limit=job.time_limit, strategy=job.strategy, seed=job.seed)


def joined(scenario: Scenario, person: Person, on: date | None = None) -> Scenario:
    """`scenario` with `person` added, at work from their local day `on` (by default at once)."""
    first = scenario.start.astimezone(person.calendar.zone).date()
    if on is not None and on > first:
        away = TimeOff(start=first, end=on - timedelta(days=1), reason="joins")
        calendar = person.calendar.replace(time_off=(*person.calendar.time_off, away))
        person = person.replace(calendar=calendar)
    return scenario.replace(people=(*scenario.people, person))


def left(scenario: Scenario, person: str, on: date) -> Scenario:
    """`scenario` where `person` works no more from the local day `on`; pins to them go."""
    who = scenario.person(person)
    gone = TimeOff(start=on, end=FOREVER, reason="leaves")
    calendar = who.calendar.replace(time_off=(*who.calendar.time_off, gone))
    people = [who.replace(calendar=calendar) if p.id == person else p for p in scenario.people]
    return scenario.replace(
        people=people, pins=[pin for pin in scenario.pins if pin.person != person]
    )
