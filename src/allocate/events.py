"""The usual events of a living plan, each a small validated change on a scenario.

Someone is ill for a week, a customer moves a deadline, an estimate doubles, a request arrives, a
person joins or leaves, a task is cancelled, a week of work gets done. Each function here takes a
scenario and returns a new one (inputs are never changed), validated like any scenario, so a
contradiction raises one `ValidationError` naming the ids; an unknown id raises a `KeyError`
that names it. They chain, and they are what what-if questions and forecasts are built from:

    updated = events.advance(scenario, now, plan=plan, actuals={"api": {"hours_spent": 30}})
    updated = events.absence(updated, "ana", date(2027, 1, 18), date(2027, 1, 22), "ill")
    new = solve(updated, previous=plan)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from allocate.calendar import working_intervals
from allocate.scenario import Person, Progress, Project, Scenario, Task, TimeOff, hours

if TYPE_CHECKING:
    from allocate.plan import Assignment, Plan

FOREVER = datetime(2200, 1, 1, tzinfo=UTC)
"""The end of a leaver's time off (the last year scenarios may name): they do not come back."""


def absence(
    scenario: Scenario,
    person: str,
    start: date | datetime,
    end: date | datetime,
    reason: str = "",
) -> Scenario:
    """`person` is away: dates are whole local days, both included (Monday to Friday of a week
    of illness); datetimes the instants `[start, end)`."""
    who = _person(scenario, person)
    off = TimeOff(start=start, end=end, reason=reason)
    calendar = who.calendar.replace(time_off=(*who.calendar.time_off, off))
    return _with_person(scenario, who.replace(calendar=calendar))


def join(scenario: Scenario, person: Person, on: date | datetime | None = None) -> Scenario:
    """A new person, available from `on` (a date: that local day; by default at once)."""
    if on is not None:
        first = _first_moment(on, person)
        if first > scenario.start:
            away = TimeOff(start=scenario.start, end=first, reason="joins")
            calendar = person.calendar.replace(time_off=(*person.calendar.time_off, away))
            person = person.replace(calendar=calendar)
    return scenario.replace(people=(*scenario.people, person))


def leave(scenario: Scenario, person: str, on: date | datetime | None = None) -> Scenario:
    """`person` leaves from `on` (a date: from that local day; by default the planning start):
    they stay in the scenario, with what they did, but have no working time from then on, and
    pins to them are dropped (a promise they cannot keep). Work they have in progress must be
    handed over first (`hand_over`) when they leave at the planning start; a later leaver's work
    in progress is planned before they go, or reported as not placeable."""
    who = _person(scenario, person)
    first = scenario.start if on is None else max(scenario.start, _first_moment(on, who))
    if first <= scenario.start:
        theirs = [t.id for t in scenario.tasks if t.in_progress and person in t.progress.people]
        if theirs:
            raise ValueError(
                f"{person} has work in progress on {', '.join(repr(t) for t in theirs)}: hand it "
                "over (events.hand_over) before they leave"
            )
    gone = TimeOff(start=first, end=FOREVER, reason="left")
    calendar = who.calendar.replace(time_off=(*who.calendar.time_off, gone))
    changed = _with_person(scenario, who.replace(calendar=calendar))
    return changed.replace(pins=[pin for pin in scenario.pins if pin.person != person])


def hand_over(scenario: Scenario, task: str, people: Iterable[str]) -> Scenario:
    """Work in progress on `task` goes on with `people` (its spent hours then count at their
    rates: actuals record who is on a task, not who was)."""
    current = _task(scenario, task)
    if not current.in_progress:
        raise ValueError(
            f"task '{task}' is {current.progress.status.replace('_', ' ')}, not in progress"
        )
    progress = current.progress.replace(people=tuple(people))
    pins = [pin for pin in scenario.pins if pin.task != task or pin.person is None]
    return scenario.replace(
        tasks=_replaced(scenario, {task: current.replace(progress=progress)}), pins=pins
    )


def add_tasks(scenario: Scenario, *tasks: Task | Mapping[str, Any]) -> Scenario:
    """New work (a request, a change order), as tasks or plain data."""
    new = [t if isinstance(t, Task) else Task.model_validate(t) for t in tasks]
    return scenario.replace(tasks=(*scenario.tasks, *new))


def add_project(
    scenario: Scenario, project: Project | Mapping[str, Any], *tasks: Task | Mapping[str, Any]
) -> Scenario:
    """A new project with its tasks (tasks that name no project join it)."""
    project = project if isinstance(project, Project) else Project.model_validate(project)
    new = [t if isinstance(t, Task) else Task.model_validate(t) for t in tasks]
    new = [t if t.project else t.replace(project=project.id) for t in new]
    return scenario.replace(projects=(*scenario.projects, project), tasks=(*scenario.tasks, *new))


def estimate(scenario: Scenario, task: str, effort_hours: float) -> Scenario:
    """`task` takes `effort_hours` in all (hours spent included), not what it said before."""
    current = _task(scenario, task)
    return scenario.replace(
        tasks=_replaced(scenario, {task: current.replace(effort_hours=effort_hours)})
    )


def deadline(scenario: Scenario, id: str, moment: datetime | None) -> Scenario:
    """The deadline of the task or project `id` moves to `moment` (None: no deadline)."""
    if id in scenario._projects_by_id:
        project = scenario.project(id).replace(deadline=moment)
        projects = [project if p.id == id else p for p in scenario.projects]
        return scenario.replace(projects=projects)
    return scenario.replace(
        tasks=_replaced(scenario, {id: _task(scenario, id).replace(deadline=moment)})
    )


def cancel(scenario: Scenario, task: str) -> Scenario:
    """`task` is no longer wanted. Work not started goes, with the dependencies on it (its
    dependants no longer wait for it) and its pin. Work in progress is closed as done at the
    hours spent, which stay in the project's cost: money spent is spent. Done work cannot be
    cancelled."""
    current = _task(scenario, task)
    if current.done:
        raise ValueError(f"task '{task}' is done: it cannot be cancelled")
    if current.in_progress:
        closed = current.replace(
            effort_hours=current.progress.hours_spent,
            progress=current.progress.replace(status="done", finished=scenario.start),
        )
        pins = [pin for pin in scenario.pins if pin.task != task]
        return scenario.replace(tasks=_replaced(scenario, {task: closed}), pins=pins)
    tasks = [
        t.replace(after=[d for d in t.after if d.task != task]) if _waits_for(t, task) else t
        for t in scenario.tasks
        if t.id != task
    ]
    return scenario.replace(tasks=tasks, pins=[pin for pin in scenario.pins if pin.task != task])


def record(scenario: Scenario, actuals: Mapping[str, Progress | Mapping[str, Any]]) -> Scenario:
    """Each task's progress as recorded (`{"api": {"status": "done", "people": ["ana"]}}`); a
    mapping changes only the fields it names. Pins on tasks now done are dropped."""
    return scenario.replace(**_recorded(scenario, actuals))


def advance(
    scenario: Scenario,
    now: datetime,
    *,
    plan: Plan | None = None,
    actuals: Mapping[str, Progress | Mapping[str, Any]] | None = None,
) -> Scenario:
    """The scenario as of `now`: the planning start moves there, with what happened meanwhile.

    `actuals` (as for `record`) say what happened. With the `plan` that was being followed,
    work it had started before `now` that `actuals` do not mention is taken to have gone as
    planned: done if it was to end by `now`, else in progress with the people and working hours
    planned so far. Pins that start before `now` are history and are dropped.
    """
    if now < scenario.start:
        raise ValueError(f"now ({now.isoformat()}) is before the planning start: it cannot go back")
    told = actuals or {}
    assumed = _as_planned(scenario, plan, now, set(told)) if plan is not None else {}
    changed = _recorded(scenario, {**assumed, **told})
    changed["pins"] = [pin for pin in changed["pins"] if pin.start is None or pin.start >= now]
    return scenario.replace(start=now, **changed)


def _recorded(scenario: Scenario, actuals: Mapping[str, Progress | Mapping[str, Any]]) -> dict:
    """The tasks and pins of `scenario` with `actuals` recorded (not yet validated)."""
    changed = {}
    for task_id, progress in actuals.items():
        task = _task(scenario, task_id)
        if not isinstance(progress, Progress):
            progress = task.progress.replace(**progress)
        changed[task_id] = task.replace(progress=progress)
    done = {t for t, task in changed.items() if task.done}
    pins = [pin for pin in scenario.pins if pin.task not in done]
    return {"tasks": _replaced(scenario, changed), "pins": pins}


def _as_planned(
    scenario: Scenario, plan: Plan, now: datetime, told: set[str]
) -> dict[str, Progress]:
    """What `plan` says happened before `now` to tasks not yet done that `told` leaves out."""
    found = {}
    for a in plan.assignments:
        task = scenario._tasks_by_id.get(a.task)
        if task is None or task.done or a.task in told or a.start >= now:
            continue
        worked = _worked(scenario, a, now)
        started = task.progress.started or a.start
        spent = task.progress.hours_spent + worked
        if a.end <= now or spent >= task.effort_hours:
            found[a.task] = Progress(
                status="done",
                people=a.people,
                started=started,
                hours_spent=task.effort_hours,
                finished=min(a.end, now),
            )
        elif worked > 0 or task.in_progress:
            found[a.task] = Progress(
                status="in_progress", people=a.people, started=started, hours_spent=spent
            )
    return found


def _worked(scenario: Scenario, a: Assignment, now: datetime) -> float:
    """Working hours each of `a`'s people put in from its start until `now` (the least of them,
    on a team); the organisation's for work that needs nobody."""
    calendars = [scenario.person(p).calendar for p in a.people] or [scenario.calendar]
    end = min(a.end, now)
    return min(
        sum(hours(e - s) for s, e in working_intervals(calendar, a.start, end))
        for calendar in calendars
    )


def _first_moment(on: date | datetime, person: Person) -> datetime:
    """A datetime as given; a date as the start of that local day in the person's zone."""
    if isinstance(on, datetime):
        return on
    return datetime.combine(on, datetime.min.time(), person.calendar.zone)


def _waits_for(task: Task, other: str) -> bool:
    return any(d.task == other for d in task.after)


def _person(scenario: Scenario, person: str) -> Person:
    if person not in scenario._people_by_id:
        raise KeyError(f"unknown person '{person}' (the scenario has: {_ids(scenario.people)})")
    return scenario.person(person)


def _task(scenario: Scenario, task: str) -> Task:
    if task not in scenario._tasks_by_id:
        raise KeyError(f"unknown task '{task}' (the scenario has: {_ids(scenario.tasks)})")
    return scenario.task(task)


def _ids(items) -> str:
    ids = [item.id for item in items]
    return ", ".join(ids[:10]) + (f", ... ({len(ids)} in all)" if len(ids) > 10 else "") or "none"


def _with_person(scenario: Scenario, person: Person) -> Scenario:
    return scenario.replace(people=[person if p.id == person.id else p for p in scenario.people])


def _replaced(scenario: Scenario, changed: Mapping[str, Task]) -> list[Task]:
    """The scenario's tasks with those in `changed` replaced, in their places."""
    return [changed.get(t.id, t) for t in scenario.tasks]


__all__ = [
    "absence",
    "add_project",
    "add_tasks",
    "advance",
    "cancel",
    "deadline",
    "estimate",
    "hand_over",
    "join",
    "leave",
    "record",
]
