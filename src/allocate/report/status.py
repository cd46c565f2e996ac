"""Where a project stands, in the terms a customer asks about: what is done, in progress and
left, when each milestone is planned against the date that was committed, and one plain sentence.

Progress comes from the scenario (`Task.progress`, as of the planning start); dates come from the
plan. Days are counted between local calendar dates in one display zone (by default the
organisation's calendar zone), because "4 days before the committed date" is about dates, not
hours. Everything here is plain data that the dashboards, the charts and tests share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from allocate.plan import Plan
from allocate.report.rows import assignment_rows, known_tasks
from allocate.scenario import Scenario, Task, hours

TaskState = Literal["done", "in_progress", "not_started"]
MilestoneState = Literal["done", "on_time", "late", "unplanned"]
ProjectState = Literal["complete", "on_track", "at_risk", "late"]
FAR = datetime.max.replace(tzinfo=UTC)
PAST = datetime.min.replace(tzinfo=UTC)
"""Sort keys: undated open milestones go last, undated done ones first."""
MONTHS = ("January", "February", "March", "April", "May", "June") + (
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class TaskStatus:
    id: str
    name: str
    state: TaskState
    effort_hours: float
    done_hours: float
    start: datetime | None
    end: datetime | None
    late_hours: float
    unplaced: str | None = None
    """Why the plan could not place it, if it could not."""


@dataclass(frozen=True)
class Milestone:
    """A deliverable: `planned` (or when it was reached), `committed` (its deadline)."""

    id: str
    name: str
    planned: datetime | None
    committed: datetime | None
    state: MilestoneState
    days_spare: int | None
    """Local calendar days from `planned` to `committed`; negative when planned after it."""
    phase_start: datetime | None
    """When the work leading to it (and not to an earlier milestone) is planned to begin."""


@dataclass(frozen=True)
class ProjectStatus:
    id: str
    name: str
    customer: str
    as_of: datetime
    timezone: str
    tasks: tuple[TaskStatus, ...]
    milestones: tuple[Milestone, ...]
    finish: datetime | None
    deadline: datetime | None
    state: ProjectState
    summary: str
    cost_left: float | None = None
    """The planned work at the assignees' hourly rates, where every assignee has one."""
    cost: float | None = None
    """What the project costs as the plan computes it: the hours already spent plus the work
    left (`ProjectSummary.cost`; rates missing count as 0), compared with `budget`."""
    spent_cost: float = 0.0
    """The part of `cost` already spent (`ProjectSummary.spent_cost`)."""
    budget: float | None = None

    @property
    def over_budget(self) -> float:
        """How much the cost (spent + planned) exceeds the budget (0 when within it or without
        one)."""
        if self.budget is None or self.cost is None:
            return 0.0
        return max(0.0, self.cost - self.budget)

    def count(self, state: TaskState) -> int:
        return sum(task.state == state for task in self.tasks)

    def hours(self, part: Literal["done", "in_progress", "left"]) -> float:
        """Effort done (done tasks and time spent on started ones), still to do on started
        tasks, or still to do on tasks not started."""
        if part == "done":
            return sum(t.done_hours for t in self.tasks)
        wanted = "in_progress" if part == "in_progress" else "not_started"
        return sum(t.effort_hours - t.done_hours for t in self.tasks if t.state == wanted)

    @property
    def effort_hours(self) -> float:
        return sum(t.effort_hours for t in self.tasks)

    @property
    def fraction_done(self) -> float:
        return self.hours("done") / self.effort_hours if self.effort_hours else 1.0

    @property
    def percent_done(self) -> int:
        """Whole percent done, rounded down: 100 only when nothing is left."""
        return math.floor(100 * self.fraction_done + 1e-9)

    @property
    def late_tasks(self) -> int:
        return sum(t.late_hours > 0 for t in self.tasks) + sum(
            m.state == "late" for m in self.milestones
        )

    @property
    def days_spare(self) -> int | None:
        """Local calendar days from the planned finish to the deadline."""
        if self.finish is None or self.deadline is None:
            return None
        return days_between(self.finish, self.deadline, self.timezone)


def project_status(
    scenario: Scenario, plan: Plan, project: str, *, timezone: str | None = None
) -> ProjectStatus:
    """The status of `project` as of the planning start, dates in `timezone` (default: the
    scenario's organisation calendar zone)."""
    known_tasks(scenario, plan)
    if project not in {p.id for p in scenario.projects}:
        known = ", ".join(p.id for p in scenario.projects) or "none"
        raise ValueError(f"unknown project '{project}' (the scenario has: {known})")
    info = scenario.project(project)
    zone = timezone or scenario.calendar.timezone
    mine = [t for t in scenario.tasks if t.project == project]
    placed = {a.task: a for a in plan.assignments}
    unplaced = {u.task: u.reason for u in plan.unplaced}
    tasks = tuple(
        _task_status(t, placed.get(t.id), unplaced.get(t.id)) for t in mine if not t.milestone
    )
    milestones = _milestones(mine, placed, zone)
    finish = max((placed[t.id].end for t in mine if t.id in placed), default=None)
    state = _state(
        tasks, milestones, finish, info.deadline, bool(unplaced.keys() & {t.id for t in mine})
    )
    summary = next((p for p in plan.projects if p.id == project), None)
    status = ProjectStatus(
        id=info.id,
        name=info.name or info.id,
        customer=info.customer,
        as_of=scenario.start,
        timezone=zone,
        tasks=tasks,
        milestones=milestones,
        finish=finish,
        deadline=info.deadline,
        state=state,
        summary="",
        cost_left=_cost_left(scenario, plan, {t.id for t in mine}),
        cost=summary.cost if summary else None,
        spent_cost=summary.spent_cost if summary else 0.0,
        budget=info.budget,
    )
    return _with_summary(status)


def _cost_left(scenario: Scenario, plan: Plan, tasks: set[str]) -> float | None:
    costs = [
        row["cost"]
        for row in assignment_rows(scenario, plan)
        if row["task"] in tasks and row["people"]
    ]
    if any(cost is None for cost in costs):
        return None
    return sum(costs)


def portfolio(
    scenario: Scenario, plan: Plan, *, timezone: str | None = None
) -> list[ProjectStatus]:
    """Every project's status, in scenario order."""
    return [project_status(scenario, plan, p.id, timezone=timezone) for p in scenario.projects]


def _task_status(task: Task, assignment, reason: str | None) -> TaskStatus:
    progress = task.progress
    done = task.effort_hours if task.done else min(progress.hours_spent, task.effort_hours)
    late = hours(assignment.end - task.deadline) if assignment and task.deadline else 0.0
    return TaskStatus(
        id=task.id,
        name=task.name or task.id,
        state=progress.status,
        effort_hours=task.effort_hours,
        done_hours=done,
        start=assignment.start if assignment else None,
        end=assignment.end if assignment else progress.finished,
        late_hours=max(0.0, late),
        unplaced=reason,
    )


def _milestones(tasks: list[Task], placed: dict, zone: str) -> tuple[Milestone, ...]:
    """Milestones in planned order, each with the start of its phase: the work it depends on
    (within the project) that no earlier milestone already depends on."""
    by_id = {t.id: t for t in tasks}

    def when(task: Task) -> datetime | None:
        return placed[task.id].end if task.id in placed else task.progress.finished

    ordered = sorted(
        (t for t in tasks if t.milestone),
        key=lambda t: (when(t) or (PAST if t.done else FAR), t.deadline or FAR, t.id),
    )
    claimed: set[str] = set()
    result = []
    for task in ordered:
        phase = _ancestors(task, by_id) - claimed
        claimed |= phase | {task.id}
        starts = [placed[i].start for i in phase if i in placed]
        planned = when(task)
        committed = task.deadline
        if task.done:
            state: MilestoneState = "done"
        elif planned is None:
            state = "unplanned"
        else:
            state = "on_time" if committed is None or planned <= committed else "late"
        spare = days_between(planned, committed, zone) if planned and committed else None
        result.append(
            Milestone(
                task.id,
                task.name or task.id,
                planned,
                committed,
                state,
                spare,
                min(starts, default=None),
            )
        )
    return tuple(result)


def _ancestors(task: Task, by_id: dict[str, Task]) -> set[str]:
    seen: set[str] = set()
    stack = [d.task for d in task.after]
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        stack.extend(d.task for d in by_id[current].after)
    return seen


def _state(tasks, milestones, finish, deadline, unplaced: bool) -> ProjectState:
    if all(t.state == "done" for t in tasks) and all(m.state == "done" for m in milestones):
        return "complete"
    if finish is not None and deadline is not None and finish > deadline:
        return "late"
    if unplaced or any(t.late_hours > 0 for t in tasks):
        return "at_risk"
    if any(m.state in ("late", "unplanned") for m in milestones):
        return "at_risk"
    return "on_track"


def _with_summary(status: ProjectStatus) -> ProjectStatus:
    return replace(status, summary=summary_sentence(status))


def summary_sentence(status: ProjectStatus) -> str:
    """'3 of 5 milestones done; Launch planned for 12 April 2027, 4 days before the committed
    date. 60% of the work is done: 12 tasks done, 2 in progress, 8 to go.'"""
    zone = status.timezone
    if not status.tasks and not status.milestones:
        return "No tasks in this project yet."
    if status.state == "complete":
        return (
            f"Complete: all {_n(len(status.tasks), 'task')} and "
            f"{_n(len(status.milestones), 'milestone')} are done."
        )
    parts = []
    if status.milestones:
        done = sum(m.state == "done" for m in status.milestones)
        parts.append(f"{done} of {_n(len(status.milestones), 'milestone')} done")
    final = status.milestones[-1] if status.milestones else None
    if final is not None and final.state != "done" and final.planned == status.finish:
        parts.append(
            _date_phrase(final.name, final.planned, final.committed or status.deadline, zone)
        )
    elif status.finish is not None:
        parts.append(_date_phrase("completion", status.finish, status.deadline, zone))
    first = "; ".join(parts)
    sentences = [first[:1].upper() + first[1:] + "."] if first else []
    sentences.append(
        f"{status.percent_done}% of the work is done: {_n(status.count('done'), 'task')} done, "
        f"{status.count('in_progress')} in progress, {status.count('not_started')} to go."
    )
    blocked = sum(t.unplaced is not None for t in status.tasks)
    if blocked:
        sentences.append(f"{_n(blocked, 'task')} could not be planned yet.")
    return " ".join(sentences)


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _date_phrase(what: str, planned: datetime | None, committed: datetime | None, zone: str) -> str:
    if planned is None:
        return f"{what} not planned yet"
    phrase = f"{what} planned for {long_date(planned, zone)}"
    if committed is None:
        return phrase
    spare = days_between(planned, committed, zone)
    if spare == 0:
        return f"{phrase}, on the committed date" + (
            "" if planned <= committed else " but after the committed time"
        )
    days = f"{abs(spare)} day{'s' if abs(spare) != 1 else ''}"
    if spare > 0:
        return f"{phrase}, {days} before the committed date"
    return f"{phrase}, {days} after the committed date ({long_date(committed, zone)})"


def days_between(earlier: datetime, later: datetime, timezone: str) -> int:
    zone = ZoneInfo(timezone)
    return (later.astimezone(zone).date() - earlier.astimezone(zone).date()).days


def long_date(moment: datetime, timezone: str) -> str:
    """'12 April 2027', in `timezone`, independent of the locale."""
    day = moment.astimezone(ZoneInfo(timezone)).date()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(moment: datetime, timezone: str) -> str:
    """'12 Apr', in `timezone`."""
    day = moment.astimezone(ZoneInfo(timezone)).date()
    return f"{day.day} {MONTHS[day.month - 1][:3]}"
