"""The compiled problem: a Scenario turned into integer ticks and indices, read-only.

Strategies see only this form. Tasks and people are numbered in scenario order; times are ticks on
the UTC grid of `calendar.py`. A team task becomes one compiled task per member ("slot tasks",
consecutive, the first one its `leader`): each has one person, all share one start and one end
(the last member's finish), and precedences, resources and dues hang on the leader. Deadlines of
tasks and of projects become one list of `Due` entries, each "the last of these tasks ends by
tick d, else pay weight per hour late".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

import numpy as np

from allocate import calendar as cal
from allocate import limits
from allocate.matching import match
from allocate.objective import balance_window
from allocate.scenario import Resource, Scenario, Task, ceil_ticks

KINDS = ("FS", "SS", "FF", "SF")
FS, SS, FF, SF = range(4)
NONE = -1


@dataclass(frozen=True)
class Due:
    """The last of `tasks` should end by tick `tick` (may be negative: already late)."""

    tasks: tuple[int, ...]
    tick: int
    weight: float
    label: str
    project: bool = False
    """A project's deadline (counted by `late_projects`), not a task's."""


@dataclass(frozen=True)
class Precedence:
    """`kind` relation from `pred` to `succ` (FS: start(succ) >= end(pred) + lag).

    A working lag counts `lag` working ticks of the organisation calendar after the earlier event.
    """

    pred: int
    succ: int
    kind: int
    lag: int
    working_lag: bool


@dataclass(frozen=True)
class Problem:
    origin: datetime
    resolution: int
    horizon: int
    first_tick: int
    """The first tick at or after the planning start (nothing starts before it)."""
    start_offset: float
    """The planning start in ticks after the origin (fractional when it lies off the grid)."""
    task_ids: tuple[str, ...]
    """Per compiled task, its scenario task's id (repeated for the slots of a team)."""
    person_ids: tuple[str, ...]
    effort: np.ndarray
    """Work per task in ticks; 0 for milestones."""
    release: np.ndarray
    """Earliest start tick per task (never before `first_tick`)."""
    staffed: np.ndarray
    """Per task: does it need a person? (False for milestones and person-less tasks, which run
    on the organisation calendar.)"""
    eligible: tuple[np.ndarray, ...]
    """Per task, the indices of the people qualified for it (empty when not staffed)."""
    working: np.ndarray
    """(people, horizon) booleans: is tick t working time for person p?"""
    cum_work: np.ndarray
    """(people, horizon + 1): working ticks of person p before tick t."""
    org_cum_work: np.ndarray
    """(horizon + 1,): working ticks of the organisation calendar before tick t (working lags)."""
    precedences: tuple[Precedence, ...]
    dues: tuple[Due, ...]
    pinned_person: np.ndarray
    pinned_start: np.ndarray
    objective: tuple[dict[str, float], ...]
    project_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per task, its project's index (NONE outside any project)."""
    n_projects: int = 0
    rate_cents: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per person, the hourly rate in whole cents."""
    preferred: tuple[np.ndarray, ...] = ()
    avoided: tuple[np.ndarray, ...] = ()
    handovers: tuple[tuple[int, int], ...] = ()
    """Dependencies (pred, succ) inside one work stream."""
    available: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per person, working ticks in the balance window (utilisation's denominator)."""
    resource_ids: tuple[str, ...] = ()
    capacity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """(resources, horizon): units of each resource available in each tick."""
    demand: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    """(tasks, resources): units each task holds from its start to its end."""
    optional: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per task: may it be left out of the plan (`Task.optional`)?"""
    priority: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per task, its priority (weighs the `unplaced` term)."""
    week_limit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per person, working ticks of task work allowed per local week (NONE: no limit)."""
    week_start: tuple[np.ndarray, ...] = ()
    """Per person with a weekly limit, the ticks where their local weeks start (see `limits`)."""
    project_limit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per person, the projects they may be on at once (NONE: no limit)."""
    leader: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Per task, the first slot task of its team (itself for a task of one person or none)."""

    @property
    def n_tasks(self) -> int:
        return len(self.task_ids)

    @property
    def n_people(self) -> int:
        return len(self.person_ids)

    @property
    def hours_per_tick(self) -> float:
        return self.resolution / 60

    @property
    def ticks_per_day(self) -> int:
        return 24 * 60 // self.resolution

    def is_milestone(self, task: int) -> bool:
        return self.effort[task] == 0

    def team(self, task: int) -> range:
        """The slot tasks of `task`'s team (just `task` when one person or none does it)."""
        return self._teams[int(self.leader[task])] if len(self.leader) else range(task, task + 1)

    @cached_property
    def _teams(self) -> dict[int, range]:
        teams: dict[int, range] = {}
        for task, lead in enumerate(self.leader.tolist()):
            teams[lead] = range(lead, task + 1)
        return teams

    @cached_property
    def has_teams(self) -> bool:
        return bool(len(self.leader)) and bool((self.leader != np.arange(self.n_tasks)).any())

    def team_end(self, task: int, person: np.ndarray, start: int) -> int:
        """Where `task`'s team, begun at `start`, ends: the last member's finish on their own
        calendar (`person` per task); NONE past the horizon."""
        ends = [self.end_of(slot, int(person[slot]), start) for slot in self.team(task)]
        return NONE if NONE in ends else max(ends)

    def calendar_of(self, person: int) -> np.ndarray:
        """Cumulative working ticks of `person`, or of the organisation for NONE (tasks without
        a person run on its calendar)."""
        return self.org_cum_work if person == NONE else self.cum_work[person]

    def timeline(self, person: int) -> Timeline:
        """`person`'s calendar (NONE: the organisation's) for fast scalar look-ups."""
        timelines = self._timelines
        if person not in timelines:
            timelines[person] = Timeline(self.calendar_of(person))
        return timelines[person]

    @cached_property
    def _timelines(self) -> dict[int, Timeline]:
        return {}

    def end_of(self, task: int, person: int, start: int) -> int:
        """The tick at which `person` (NONE: the organisation calendar) finishes `task` begun at
        `start`; NONE past the horizon."""
        cum = self.calendar_of(person)
        target = cum[start] + self.effort[task]
        end = int(np.searchsorted(cum, target, side="left"))
        return end if end <= self.horizon else NONE

    def after_working_lag(self, tick: int, lag: int) -> int:
        """The earliest tick with `lag` organisation working ticks since `tick`."""
        target = self.org_cum_work[tick] + lag
        end = int(np.searchsorted(self.org_cum_work, target, side="left"))
        return end if end <= self.horizon else self.horizon + 1

    def tick_of(self, moment: datetime) -> float:
        return (moment - self.origin) / timedelta(minutes=self.resolution)

    def time_of(self, tick: int) -> datetime:
        return self.origin + timedelta(minutes=self.resolution * int(tick))

    def predecessors(self, task: int) -> list[Precedence]:
        return self._incoming[task]

    @cached_property
    def _incoming(self) -> list[list[Precedence]]:
        incoming: list[list[Precedence]] = [[] for _ in self.task_ids]
        for prec in self.precedences:
            incoming[prec.succ].append(prec)
        return incoming

    def level_values(self, end: np.ndarray, person: np.ndarray | None = None) -> tuple[float, ...]:
        """Each objective level's value for tasks ending at `end` done by `person` (see
        `allocate.terms`; `person` is needed only when a level names a people term)."""
        from allocate.terms import level_values

        return level_values(self, end, person)

    @property
    def options(self) -> int:
        """Number of (task, person) pairs a strategy chooses from."""
        return sum(len(people) for people in self.eligible)


class Timeline:
    """One calendar as Python lists. Constructive heuristics ask millions of scalar questions
    ("next working tick?", "end if started here?"); list indexing answers them in O(1) without
    numpy's per-call overhead."""

    __slots__ = ("cum", "work", "horizon")

    def __init__(self, cum: np.ndarray):
        self.cum: list[int] = cum.tolist()
        self.work: list[int] = np.flatnonzero(np.diff(cum)).tolist()
        self.horizon = len(cum) - 1

    def next_working(self, tick: int) -> int:
        """The first working tick at or after `tick`; the horizon if there is none."""
        if tick >= self.horizon:
            return self.horizon
        k = self.cum[max(tick, 0)]
        return self.work[k] if k < len(self.work) else self.horizon

    def end(self, start: int, effort: int) -> int:
        """Where `effort` working ticks counted from `start` end; NONE past the horizon."""
        if effort <= 0:
            return start
        k = self.cum[start] + effort - 1
        return self.work[k] + 1 if k < len(self.work) else NONE

    def start_for_end(self, end: int, effort: int) -> int:
        """The earliest start from which `effort` working ticks end at or after `end`."""
        k = self.cum[min(end, self.horizon) - 1] - effort + 1 if end > 0 else 0
        return self.work[k] if 0 <= k < len(self.work) else (0 if k < 0 else self.horizon)


def compile_problem(scenario: Scenario, horizon_end: datetime | None = None) -> Problem:
    """Compile `scenario` onto its grid, expanding calendars up to `horizon_end`."""
    resolution = cal.choose_resolution(scenario)
    origin = cal.grid_origin(scenario.start, resolution)
    step = timedelta(minutes=resolution)
    end = horizon_end or scenario.horizon_end or default_horizon_end(scenario)
    horizon = max(1, int((end.astimezone(UTC) - origin) // step))
    first = _ceil((scenario.start - origin) / step)

    tasks, slot_skills, leader = _slot_tasks(scenario)
    task_index = {task.id: int(lead) for task, lead in zip(tasks, leader, strict=True)}
    person_index = {person.id: p for p, person in enumerate(scenario.people)}

    working = (
        np.stack(
            [cal.working_ticks(p.calendar, origin, horizon, resolution) for p in scenario.people]
        )
        if scenario.people
        else np.zeros((0, horizon), dtype=bool)
    )
    org = cal.working_ticks(scenario.calendar, origin, horizon, resolution)

    def tick(moment: datetime, up: bool) -> int:
        value = (moment - origin) / step
        return _ceil(value) if up else int(np.floor(value))

    effort = np.array([ceil_ticks(t.remaining_hours, resolution) for t in tasks], dtype=np.int64)
    release = np.array(
        [max(first, tick(t.release, up=True)) if t.release else first for t in tasks],
        dtype=np.int64,
    )
    staffed = np.array([task.staffed for task in tasks], dtype=bool)
    eligible = _qualified(scenario.people, slot_skills)
    eligible = _within_zero_limits(scenario.people, tasks, eligible)
    leads = [i for i, lead in enumerate(leader) if lead == i]
    precedences = tuple(
        Precedence(
            pred=task_index[dep.task],
            succ=i,
            kind=KINDS.index(dep.type),
            lag=_signed_ticks(dep.lag_hours, resolution),
            working_lag=dep.lag_in == "working" and dep.lag_hours > 0,
        )
        for i in leads
        for dep in tasks[i].after
        if dep.task in task_index  # dependencies on done tasks are met
    )
    dues = tuple(
        _dues(scenario, [tasks[i] for i in leads], task_index, lambda m: tick(m, up=False))
    )
    pinned_person = np.full(len(tasks), NONE, dtype=np.int64)
    pinned_start = np.full(len(tasks), NONE, dtype=np.int64)
    for pin in (pin for pin in scenario.pins if pin.task in task_index):
        team = [i for i in range(len(tasks)) if leader[i] == task_index[pin.task]]
        if pin.person is not None:
            person = person_index[pin.person]
            pinned_person[_pinned_slot(team, person, eligible)] = person
        if pin.start is not None:
            pinned_start[team] = tick(pin.start, up=True)

    resource_ids = tuple(resource.id for resource in scenario.resources)
    capacity = (
        np.stack([_capacity_profile(r, origin, step, horizon) for r in scenario.resources])
        if resource_ids
        else np.zeros((0, horizon), dtype=np.int64)
    )
    demand = np.array(
        [
            [task.resources.get(r, 0) if leader[i] == i else 0 for r in resource_ids]
            for i, task in enumerate(tasks)
        ],
        dtype=np.int64,
    ).reshape(len(tasks), len(resource_ids))

    project_index = {project.id: j for j, project in enumerate(scenario.projects)}
    project_of = np.array([project_index.get(t.project, NONE) for t in tasks], dtype=np.int64)
    window = [_ceil((moment - origin) / step) for moment in balance_window(scenario)]
    window = [min(max(t, 0), horizon) for t in window]
    cum = _cumulative(working)
    available = (cum[:, window[1]] - cum[:, window[0]]).astype(np.int64)
    streams = {t.id: t.stream for t in tasks}
    handovers = tuple(
        (task_index[dep.task], i)
        for i in leads
        for dep in tasks[i].after
        if tasks[i].stream and streams.get(dep.task) == tasks[i].stream
    )

    problem = Problem(
        origin=origin,
        resolution=resolution,
        horizon=horizon,
        first_tick=first,
        start_offset=(scenario.start - origin) / step,
        task_ids=tuple(task.id for task in tasks),
        person_ids=tuple(person_index),
        effort=effort,
        release=release,
        eligible=eligible,
        working=working,
        cum_work=cum,
        org_cum_work=_cumulative(org[None, :])[0],
        precedences=precedences,
        dues=dues,
        pinned_person=pinned_person,
        pinned_start=pinned_start,
        objective=scenario.objective,
        staffed=staffed,
        project_of=project_of,
        n_projects=len(scenario.projects),
        rate_cents=np.array(
            [round(100 * (p.hourly_rate or 0)) for p in scenario.people], dtype=np.int64
        ),
        preferred=tuple(
            np.array([person_index[q] for q in t.preferred], dtype=np.int64) for t in tasks
        ),
        avoided=tuple(
            np.array([person_index[q] for q in t.avoided], dtype=np.int64) for t in tasks
        ),
        handovers=handovers,
        available=available,
        resource_ids=resource_ids,
        capacity=capacity,
        demand=demand,
        optional=np.array([t.optional for t in tasks], dtype=bool),
        priority=np.array([t.priority for t in tasks], dtype=np.int64),
        **_limits(scenario, origin, step, horizon, resolution),
        leader=leader,
    )
    for array in (
        effort,
        release,
        working,
        problem.cum_work,
        problem.org_cum_work,
        pinned_person,
        pinned_start,
        staffed,
        capacity,
        demand,
        problem.optional,
        problem.priority,
        leader,
        *eligible,
    ):
        array.setflags(write=False)
    return problem


def _qualified(people, slot_skills: list[dict | None]) -> tuple[np.ndarray, ...]:
    """Per slot task, the people with its skills; asked once per distinct requirement (tasks
    repeat a few of them, and asking person by person dominated compiling 10,000 tasks)."""
    known: dict[tuple, np.ndarray] = {}
    eligible = []
    for skills in slot_skills:
        key = tuple(sorted(skills.items())) if skills is not None else None
        if key not in known:
            chosen = [
                p for p, person in enumerate(people) if skills is not None and person.has(skills)
            ]
            known[key] = np.array(chosen, dtype=np.int64)
        eligible.append(known[key])
    return tuple(eligible)


def _within_zero_limits(people, tasks, eligible) -> tuple[np.ndarray, ...]:
    """Eligible people without those a limit of 0 keeps off the task."""
    if not any(p.max_hours_per_week == 0 or p.max_projects == 0 for p in people):
        return eligible
    return tuple(
        np.array([p for p in chosen.tolist() if not limits.excluded(people[p], task)], np.int64)
        for chosen, task in zip(eligible, tasks, strict=True)
    )


def _limits(scenario: Scenario, origin: datetime, step: timedelta, horizon: int, resolution: int):
    """The compiled per-person limits (fields of `Problem`; see `allocate.limits`)."""
    people = scenario.people
    week_limit = np.array(
        [limits.limit_ticks(p.max_hours_per_week, resolution) for p in people], dtype=np.int64
    )
    week_start = tuple(
        limits.week_starts(p.calendar, origin, step, horizon)
        if p.max_hours_per_week is not None
        else np.zeros(0, dtype=np.int64)
        for p in people
    )
    project_limit = np.array(
        [NONE if p.max_projects is None else p.max_projects for p in people], dtype=np.int64
    )
    for array in (week_limit, project_limit, *week_start):
        array.setflags(write=False)
    return {"week_limit": week_limit, "week_start": week_start, "project_limit": project_limit}


def _slot_tasks(scenario: Scenario) -> tuple[list[Task], list[dict | None], np.ndarray]:
    """The compiled tasks: each task not done, a team once per member (consecutive). Returns
    the scenario task of each, the skills its person needs (None: no person) and its leader."""
    tasks: list[Task] = []
    skills: list[dict | None] = []
    leader: list[int] = []
    for task in scenario.tasks:
        if task.done:
            continue
        lead = len(tasks)
        for member in task.members or (None,):
            tasks.append(task)
            skills.append(member)
            leader.append(lead)
    return tasks, skills, np.array(leader, dtype=np.int64)


def _pinned_slot(team: list[int], person: int, eligible) -> int:
    """The first slot of `team` that `person` can take while the others can still be staffed
    by other people (the first they qualify for if none)."""
    places = [i for i in team if person in eligible[i]]
    for slot in places:
        others = [[p for p in eligible[i].tolist() if p != person] for i in team if i != slot]
        if match(others) is not None:
            return slot
    return places[0] if places else team[0]


def _capacity_profile(resource: Resource, origin: datetime, step: timedelta, horizon: int):
    """Units per tick; a change takes effect from the tick that contains it, rounding down the
    capacity of that tick (the smaller of the two values) so that nothing overbooks it."""
    profile = np.full(horizon, resource.capacity, dtype=np.int64)
    for change in sorted(resource.changes, key=lambda c: c.start):
        at = (change.start - origin) / step
        first = max(0, int(np.floor(at)))
        if first < horizon:
            before = profile[first]
            profile[first:] = change.capacity
            if at != first:
                profile[first] = min(before, change.capacity)
    return profile


def _dues(scenario: Scenario, tasks: list[Task], task_index: dict[str, int], to_tick) -> list[Due]:
    dues = [
        Due((task_index[t.id],), to_tick(t.deadline), float(t.priority), f"task '{t.id}'")
        for t in tasks
        if t.deadline is not None
    ]
    in_project: dict[str, list[int]] = {}
    for t in tasks:
        in_project.setdefault(t.project, []).append(task_index[t.id])
    for project in scenario.projects:
        members = tuple(in_project.get(project.id, ()))
        if project.deadline is not None and members:
            dues.append(
                Due(
                    members,
                    to_tick(project.deadline),
                    float(project.priority),
                    f"project '{project.id}'",
                    project=True,
                )
            )
    return dues


def default_horizon_end(scenario: Scenario) -> datetime:
    """How far calendars are expanded when the scenario sets no horizon: a year past the latest
    start, release, deadline or pinned start, which leaves room for any realistic plan. Time off
    and capacity changes do not count: they never need the plan to reach them (docs/concepts.md,
    "The grid", says the same)."""
    dates = [scenario.start]
    for task in scenario.tasks:
        dates += [t for t in (task.release, task.deadline) if t]
    dates += [p.deadline for p in scenario.projects if p.deadline]
    dates += [pin.start for pin in scenario.pins if pin.start]
    return max(dates) + timedelta(days=365)


def _cumulative(working: np.ndarray) -> np.ndarray:
    cum = np.zeros((working.shape[0], working.shape[1] + 1), dtype=np.int32)
    np.cumsum(working, axis=1, out=cum[:, 1:])
    return cum


def _ceil(value: float) -> int:
    return int(np.ceil(round(value, 9)))


def _signed_ticks(hours: float, resolution: int) -> int:
    return ceil_ticks(hours, resolution) if hours >= 0 else -ceil_ticks(-hours, resolution)
