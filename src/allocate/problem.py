"""The compiled problem: a Scenario turned into integer ticks and indices, read-only.

Strategies see only this form. Tasks and people are numbered in scenario order; times are ticks on
the UTC grid of `grid.py`. A team task becomes one compiled task per member ("slot tasks",
consecutive, the first one its `leader`): each has one person, all share one start and one end
(the last member's finish), and precedences, resources and dues hang on the leader. Deadlines of
tasks and of projects become one list of `Due` entries, each "the last of these tasks ends by
tick d, else pay weight per hour late".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cached_property
from typing import TypeVar

import numpy as np

from allocate.actuals import crew
from allocate.calendar import week_starts, working_ticks
from allocate.grid import Grid
from allocate.matching import match
from allocate.objective import balance_window
from allocate.scenario import Resource, Scenario, Task

T = TypeVar("T")
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

    @property
    def from_start(self) -> bool:
        """Does it count from the predecessor's start (SS, SF), not its end?"""
        return self.kind in (SS, SF)

    @property
    def to_start(self) -> bool:
        """Does it bound the successor's start (FS, SS), not its end?"""
        return self.kind in (FS, SS)


@dataclass(frozen=True)
class Previous:
    """The plan a re-plan keeps close to (`solve(..., previous=plan)`), on this problem's grid;
    built by `allocate.previous.with_previous`. Per compiled task: `crew`, the people the
    previous plan gave its team (empty: a task it did not place, or that needs nobody); `at`,
    the tick a move is measured from (NONE: not placed): its previous start, or its previous
    end when `by_end` (it was to have begun before the planning start: its start is history or
    overdue, its end is what people were told); `reassign`, the ticks each new person on it
    weighs in the `changes` term (by how soon it was to start)."""

    crew: tuple[np.ndarray, ...]
    at: np.ndarray
    by_end: np.ndarray
    reassign: np.ndarray


@dataclass(frozen=True)
class Problem:
    """A scenario compiled for the strategies: every task, person and time as an index or a tick.

    Built by `compile_problem` and never changed (its arrays are read-only). Tasks are the
    scenario's tasks that are not done, a team once per member (`team`, `leader`); people are
    the scenario's, in order; every time is a tick of `grid`. Per task and per person the fields
    below are arrays aligned with `task_ids` and `person_ids`; `NONE` (-1) means "none".
    Calendars are expanded per person (`working`, `cum_work`, and `timeline` for scalar
    questions), so a strategy never sees a calendar rule.
    """

    grid: Grid
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
    in_progress: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per task: is it work in progress (pinned to the people on it, `Progress.people`)?"""
    previous: Previous | None = None
    """The previous plan of a re-plan (the `changes` term's reference); None otherwise."""
    window: bool = False
    """Were calendars expanded only for a window, short of the scenario's horizon (`solve()`
    compiles what the first plan needs: `grid.first_window_end`)? A task that does not fit
    before `horizon` may then still fit in the scenario, and a plan optimal within `horizon` is
    not proven optimal in the scenario."""

    @property
    def n_tasks(self) -> int:
        return len(self.task_ids)

    @property
    def n_people(self) -> int:
        return len(self.person_ids)

    @property
    def horizon(self) -> int:
        """The ticks calendars are expanded for; nothing ends after `horizon`."""
        return self.grid.horizon

    @property
    def resolution(self) -> int:
        """Minutes per tick."""
        return self.grid.resolution

    @property
    def hours_per_tick(self) -> float:
        return self.grid.hours_per_tick

    @property
    def ticks_per_day(self) -> int:
        return self.grid.ticks_per_day

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
    def fixed_durations(self) -> bool:
        """Does every task take the same ticks wherever it starts? True when no task needs a
        person and the organisation's calendar never pauses: plain project scheduling with
        resources, PSPLIB's class."""
        return not self.staffed.any() and int(self.org_cum_work[-1]) == self.horizon

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

    def shared(self, make: Callable[[Problem], T]) -> T:
        """`make(self)`, made once per problem and kept: look-up tables that several parts
        derive from the same calendars (the earliest schedule's, for the lower bounds, the
        neighbourhood search and the explanations) are built once."""
        memo = self._memo
        if make not in memo:
            memo[make] = make(self)
        return memo[make]

    @cached_property
    def _memo(self) -> dict:
        return {}

    def __getstate__(self) -> dict:
        """The compiled problem without the look-up tables derived from it (a Timeline's
        memoryviews do not pickle): a process that receives it rebuilds what it asks for."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_timelines", "_memo")}

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

    def predecessors(self, task: int) -> list[Precedence]:
        return self._incoming[task]

    @cached_property
    def _incoming(self) -> list[list[Precedence]]:
        incoming: list[list[Precedence]] = [[] for _ in self.task_ids]
        for prec in self.precedences:
            incoming[prec.succ].append(prec)
        return incoming

    @property
    def options(self) -> int:
        """Number of (task, person) pairs a strategy chooses from."""
        return sum(len(people) for people in self.eligible)


class Timeline:
    """One calendar for scalar look-ups. Constructive heuristics ask millions of scalar questions
    ("next working tick?", "end if started here?"); indexing a memoryview of the arrays answers
    them in O(1) without numpy's per-call overhead, and without the copy a Python list would be
    (a list of a year of one-minute ticks is 20 MB per person)."""

    __slots__ = ("cum", "work", "horizon")

    def __init__(self, cum: np.ndarray):
        self.cum = memoryview(np.ascontiguousarray(cum))
        self.work = memoryview(np.flatnonzero(np.diff(cum)).astype(np.int32))
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
    """Compile `scenario` onto its grid, expanding calendars up to `horizon_end` (by default the
    scenario's, else a year past the latest date it mentions; an earlier one makes the problem a
    `window`)."""
    grid = Grid.for_scenario(scenario, horizon_end)
    window = horizon_end is not None and grid.horizon < Grid.for_scenario(scenario).horizon
    tasks, slot_skills, leader = _slot_tasks(scenario)
    eligible = _within_zero_limits(scenario.people, tasks, _qualified(scenario.people, slot_skills))
    first = grid.tick(scenario.start, up=True)
    problem = Problem(
        grid=grid,
        first_tick=first,
        start_offset=grid.offset(scenario.start),
        task_ids=tuple(task.id for task in tasks),
        person_ids=tuple(person.id for person in scenario.people),
        eligible=eligible,
        leader=leader,
        objective=scenario.objective,
        window=window,
        **_work(tasks, grid, first),
        **_calendars(scenario, grid),
        **_dependencies(scenario, tasks, leader, grid),
        **_pins(scenario, tasks, leader, eligible, grid),
        **_resources(scenario, tasks, leader, grid),
        **_people_terms(scenario, tasks, grid),
        **_limits(scenario, grid),
    )
    freeze(problem)
    return problem


def _work(tasks: list[Task], grid: Grid, first: int) -> dict:
    """What each compiled task is: its effort in ticks, release tick, whether it needs a person,
    may be left out, and how it weighs."""
    return {
        "effort": np.array([grid.ticks(t.remaining_hours) for t in tasks], dtype=np.int64),
        "release": np.array(
            [max(first, grid.tick(t.release, up=True)) if t.release else first for t in tasks],
            dtype=np.int64,
        ),
        "staffed": np.array([task.staffed for task in tasks], dtype=bool),
        "optional": np.array([t.optional for t in tasks], dtype=bool),
        "priority": np.array([t.priority for t in tasks], dtype=np.int64),
        "in_progress": np.array([t.in_progress for t in tasks], dtype=bool),
    }


def _calendars(scenario: Scenario, grid: Grid) -> dict:
    """Each person's and the organisation's working ticks, and the working ticks in the balance
    window (utilisation's denominator)."""
    people = scenario.people
    working = (
        np.stack([working_ticks(p.calendar, grid) for p in people])
        if people
        else np.zeros((0, grid.horizon), dtype=bool)
    )
    cum = _cumulative(working)
    window = [min(max(grid.tick(m, up=True), 0), grid.horizon) for m in balance_window(scenario)]
    return {
        "working": working,
        "cum_work": cum,
        "org_cum_work": _cumulative(working_ticks(scenario.calendar, grid)[None, :])[0],
        "available": (cum[:, window[1]] - cum[:, window[0]]).astype(np.int64),
    }


def _dependencies(scenario: Scenario, tasks: list[Task], leader: np.ndarray, grid: Grid) -> dict:
    """The precedences, the dues (task and project deadlines) and the hand-overs within work
    streams, all between leaders (a team's first slot task)."""
    index = _task_index(tasks, leader)
    leads = [i for i, lead in enumerate(leader.tolist()) if lead == i]
    streams = {t.id: t.stream for t in tasks}
    return {
        "precedences": tuple(
            Precedence(
                pred=index[dep.task],
                succ=i,
                kind=KINDS.index(dep.type),
                lag=grid.ticks(dep.lag_hours)
                if dep.lag_hours >= 0
                else -grid.ticks(-dep.lag_hours),
                working_lag=dep.lag_in == "working" and dep.lag_hours > 0,
            )
            for i in leads
            for dep in tasks[i].after
            if dep.task in index  # dependencies on done tasks are met
        ),
        "dues": tuple(_dues(scenario, [tasks[i] for i in leads], index, grid)),
        "handovers": tuple(
            (index[dep.task], i)
            for i in leads
            for dep in tasks[i].after
            if tasks[i].stream and streams.get(dep.task) == tasks[i].stream
        ),
    }


def _pins(scenario: Scenario, tasks: list[Task], leader: np.ndarray, eligible, grid: Grid) -> dict:
    """Per task, the pinned person (on the slot they fit, for a team) and pinned start tick.
    Work in progress is pinned to the people on it (`Progress.people`)."""
    index = _task_index(tasks, leader)
    people = {person.id: p for p, person in enumerate(scenario.people)}
    pinned_person = np.full(len(tasks), NONE, dtype=np.int64)
    pinned_start = np.full(len(tasks), NONE, dtype=np.int64)
    for pin in (pin for pin in scenario.pins if pin.task in index):
        team = [i for i in range(len(tasks)) if leader[i] == index[pin.task]]
        if pin.person is not None:
            person = people[pin.person]
            pinned_person[_pinned_slot(team, person, eligible)] = person
        if pin.start is not None:
            pinned_start[team] = grid.tick(pin.start, up=True)
    for task in scenario.tasks:  # work in progress stays with its people, place by place
        if task.in_progress and task.id in index and (members := crew(scenario, task)):
            first = index[task.id]
            for slot, member in enumerate(members):
                pinned_person[first + slot] = people[member.id]
    return {"pinned_person": pinned_person, "pinned_start": pinned_start}


def _resources(scenario: Scenario, tasks: list[Task], leader: np.ndarray, grid: Grid) -> dict:
    """Each resource's units per tick, and the units each leader holds."""
    resource_ids = tuple(resource.id for resource in scenario.resources)
    capacity = (
        np.stack([_capacity_profile(r, grid) for r in scenario.resources])
        if resource_ids
        else np.zeros((0, grid.horizon), dtype=np.int64)
    )
    demand = np.array(
        [
            [task.resources.get(r, 0) if leader[i] == i else 0 for r in resource_ids]
            for i, task in enumerate(tasks)
        ],
        dtype=np.int64,
    ).reshape(len(tasks), len(resource_ids))
    return {"resource_ids": resource_ids, "capacity": capacity, "demand": demand}


def _people_terms(scenario: Scenario, tasks: list[Task], grid: Grid) -> dict:
    """What the people terms of the objective read: projects, rates, preferences."""
    project_index = {project.id: j for j, project in enumerate(scenario.projects)}
    people = {person.id: p for p, person in enumerate(scenario.people)}
    return {
        "project_of": np.array([project_index.get(t.project, NONE) for t in tasks], np.int64),
        "n_projects": len(scenario.projects),
        "rate_cents": np.array(
            [round(100 * (p.hourly_rate or 0)) for p in scenario.people], dtype=np.int64
        ),
        "preferred": tuple(np.array([people[q] for q in t.preferred], np.int64) for t in tasks),
        "avoided": tuple(np.array([people[q] for q in t.avoided], np.int64) for t in tasks),
    }


def freeze(problem: Problem) -> None:
    """Make every array of `problem` read-only: strategies share it and must never write."""
    for holder in (problem, problem.previous):
        for f in fields(holder) if holder is not None else ():
            value = getattr(holder, f.name)
            for array in value if isinstance(value, tuple) else (value,):
                if isinstance(array, np.ndarray):
                    array.setflags(write=False)


def _task_index(tasks: list[Task], leader: np.ndarray) -> dict[str, int]:
    """Each scenario task's compiled index: its leader's, for a team."""
    return {task.id: int(lead) for task, lead in zip(tasks, leader, strict=True)}


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
        np.array([p for p in chosen.tolist() if not people[p].kept_off(task)], np.int64)
        for chosen, task in zip(eligible, tasks, strict=True)
    )


def _limits(scenario: Scenario, grid: Grid) -> dict:
    """The per-person limits: weekly task hours in ticks (rounded down: never more than the
    limit) with the ticks where each limited person's weeks start, and projects at once."""
    people = scenario.people
    week_limit = np.array(
        [
            NONE if p.max_hours_per_week is None else grid.ticks(p.max_hours_per_week, up=False)
            for p in people
        ],
        dtype=np.int64,
    )
    week_start = tuple(
        week_starts(p.calendar, grid)
        if p.max_hours_per_week is not None
        else np.zeros(0, dtype=np.int64)
        for p in people
    )
    project_limit = np.array(
        [NONE if p.max_projects is None else p.max_projects for p in people], dtype=np.int64
    )
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


def _capacity_profile(resource: Resource, grid: Grid) -> np.ndarray:
    """Units per tick; a change takes effect from the tick that contains it, rounding down the
    capacity of that tick (the smaller of the two values) so that nothing overbooks it."""
    profile = np.full(grid.horizon, resource.capacity, dtype=np.int64)
    for change in sorted(resource.changes, key=lambda c: c.start):
        first = max(0, grid.tick(change.start))
        if first < grid.horizon:
            before = profile[first]
            profile[first:] = change.capacity
            if grid.time(first) != change.start:
                profile[first] = min(before, change.capacity)
    return profile


def _dues(scenario: Scenario, tasks: list[Task], task_index: dict[str, int], grid: Grid):
    """Each deadline as a `Due`: a task's on its leader, a project's on its tasks' leaders; the
    deadline rounded down onto the grid (ending in the tick that holds it is late)."""
    dues = [
        Due((task_index[t.id],), grid.tick(t.deadline), float(t.priority), f"task '{t.id}'")
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
                    grid.tick(project.deadline),
                    float(project.priority),
                    f"project '{project.id}'",
                    project=True,
                )
            )
    return dues


def _cumulative(working: np.ndarray) -> np.ndarray:
    cum = np.zeros((working.shape[0], working.shape[1] + 1), dtype=np.int32)
    np.cumsum(working, axis=1, out=cum[:, 1:])
    return cum
