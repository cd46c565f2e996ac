"""Dates you can promise: a Monte Carlo simulation of a plan under uncertain efforts.

Each sample draws every task's effort (`allocate.analysis.sampling`) and asks what happens under
two policies:
- **execute**: nobody re-plans. Each task keeps its people, each person the order of their
  tasks, and dates move through dependencies and everyone's working time
  (`allocate.analysis.execute`).
- **replan**: the team re-plans with the greedy rule, every rule kept, knowing each task's true
  effort when it assigns it: the best a team that adapts can hope for.
The truth for a team that re-plans weekly lies between the two; their difference is what
re-planning is worth. Criticality (which tasks most often decide a project's finish) comes from
the execute policy, where the chain behind each finish is known.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import numpy as np

from allocate.analysis import sampling
from allocate.analysis.execute import execute
from allocate.grid import default_horizon_end
from allocate.on_grid import on_grid
from allocate.plan import Plan
from allocate.problem import NONE, Problem, compile_problem
from allocate.scenario import Frozen, Scenario
from allocate.sweep import run_all

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

Policy = Literal["execute", "replan"]
POLICIES: tuple[Policy, ...] = ("execute", "replan")
LEVELS = tuple(range(0, 101, 5))
"""The percentiles kept of every finish-date distribution (P0, P5, ..., P100)."""
BATCH = 50
"""Samples per job: enough work per job that shipping the problem to a worker is cheap, and
fixed, so that every executor draws the same samples."""


class Outlook(Frozen):
    """When a project, milestone or task finishes under one policy, across the samples."""

    id: str
    kind: Literal["project", "milestone", "task"]
    policy: Policy
    planned: datetime | None = None
    deadline: datetime | None = None
    quantiles: tuple[datetime, ...]
    """The finish at P0, P5, ..., P100 (`LEVELS`)."""
    on_time: float | None = None
    """The share of samples that finish by the deadline (None without one)."""
    late_hours: float = 0.0
    """Mean hours past the deadline over all samples (0 when on time)."""

    def by(self, confidence: float) -> datetime:
        """The date by which it finishes with this probability (0.8: in 80 % of samples)."""
        if not 0 <= confidence <= 1:
            raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
        return self.quantiles[int(np.ceil(round(confidence * 100, 9) / 5))]

    @property
    def p50(self) -> datetime:
        return self.by(0.5)

    @property
    def p80(self) -> datetime:
        return self.by(0.8)

    @property
    def p95(self) -> datetime:
        return self.by(0.95)


class PersonRisk(Frozen):
    """A person's work under uncertain efforts: how many hours it really takes, and how often
    that is more than they can work before the last deadline of their tasks (`overload`)."""

    id: str
    planned_hours: float
    hours_p50: float
    hours_p80: float
    available_hours: float
    """What they can work from the planning start to the last deadline their tasks serve (or the
    plan's finish when none does)."""
    overload: float
    """The share of samples in which their work exceeds `available_hours`."""


class Critical(Frozen):
    """How often a task is on the chain that decides a project's finish (execute policy)."""

    project: str
    task: str
    share: float


class Risk(Frozen):
    """The result of `simulate`: per project, milestone and task a finish-date distribution per
    policy; per person their hours and overload risk; per project its critical tasks."""

    samples: int
    seed: int
    policies: tuple[Policy, ...]
    timezone: str = "UTC"
    projects: tuple[Outlook, ...] = ()
    milestones: tuple[Outlook, ...] = ()
    tasks: tuple[Outlook, ...] = ()
    people: tuple[PersonRisk, ...] = ()
    critical: tuple[Critical, ...] = ()
    overflow: float = 0.0
    """Share of sampled task ends past the calendars' horizon (dates there are clipped)."""

    def outlook(self, ident: str, policy: Policy | None = None) -> Outlook:
        """The distribution of a project, milestone or task (the first policy by default)."""
        policy = policy or self.policies[0]
        for item in (*self.projects, *self.milestones, *self.tasks):
            if item.id == ident and item.policy == policy:
                return item
        raise KeyError(f"no outlook for '{ident}' under policy '{policy}'")

    def promise(self, ident: str, confidence: float = 0.8, policy: Policy | None = None):
        """The date to promise for `ident` at this confidence."""
        return self.outlook(ident, policy).by(confidence)

    def to_dataframe(self) -> pd.DataFrame:
        """One row per project, milestone and task and policy: P50, P80, P95, on-time share."""
        from allocate.report._optional import require

        pd = require("pandas", "Risk.to_dataframe")
        return pd.DataFrame.from_records(
            {
                "kind": o.kind,
                "id": o.id,
                "policy": o.policy,
                "planned": o.planned,
                "deadline": o.deadline,
                "p50": o.p50,
                "p80": o.p80,
                "p95": o.p95,
                "on_time": o.on_time,
                "late_hours": o.late_hours,
            }
            for o in (*self.projects, *self.milestones, *self.tasks)
        )

    def chart(self, ids: Sequence[str] | None = None) -> go.Figure:
        """Finish-date distributions (the chance of being done by each date) per project."""
        from allocate.report.risk import finish_chart

        return finish_chart(self, ids)

    def __str__(self) -> str:
        from allocate.report.risk import risk_text

        return risk_text(self)

    def _repr_html_(self) -> str:
        from allocate.report.risk import risk_html

        return risk_html(self)


def simulate(
    scenario: Scenario,
    plan: Plan,
    *,
    samples: int = 1000,
    seed: int = 0,
    policies: Sequence[Policy] = POLICIES,
    executor: Executor | None = None,
) -> Risk:
    """Run `samples` draws of every task's effort through `plan` under each policy.

    `executor` is any `concurrent.futures.Executor` (a process pool, or Dask's
    `client.get_executor()`); the answer is the same as without one for the same seed."""
    policies = tuple(dict.fromkeys(policies))
    if samples < 1:
        raise ValueError(f"samples must be at least 1, not {samples}")
    if not policies or set(policies) - set(POLICIES):
        raise ValueError(f"policies must be among {POLICIES}, not {policies!r}")
    if plan.unplaced:
        missing = ", ".join(f"'{u.task}'" for u in plan.unplaced[:5])
        raise ValueError(f"simulate needs a plan that places every task; {missing} not placed")
    problem = compile_problem(scenario, horizon_end=_horizon(scenario, plan))
    placed = on_grid(problem, plan)
    person, order, planned = placed.person, placed.order, placed.end
    draws = sampling.prepare(scenario, problem, person)
    jobs = [
        _Job(problem, person, order, draws, seed, range(k, min(k + BATCH, samples)), policies)
        for k in range(0, samples, BATCH)
    ]
    parts = run_all(_run, jobs, executor)
    return _summarise(scenario, problem, plan, person, planned, parts, samples, seed, policies)


@dataclasses.dataclass(frozen=True)
class _Job:
    problem: Problem
    person: np.ndarray
    order: list[int]
    draws: sampling.Draws
    seed: int
    samples: range
    policies: tuple[Policy, ...]


@dataclasses.dataclass(frozen=True)
class _Part:
    """What one batch of samples found: per policy, ends (samples, tasks); people's hours; and
    under the execute policy the drivers behind each start."""

    ends: dict[str, np.ndarray]
    hours: np.ndarray
    driver: np.ndarray | None
    overflow: float


def _run(job: _Job) -> _Part:
    """One batch (module level, so that process pools and Dask can ship it)."""
    effort = sampling.efforts(job.draws, job.seed, job.samples)
    ends: dict[str, np.ndarray] = {}
    driver, overflow = None, 0.0
    if "execute" in job.policies:
        done = execute(job.problem, job.person, job.order, effort)
        ends["execute"], driver, overflow = done.end, done.driver, done.overflow
    if "replan" in job.policies:
        ends["replan"] = np.vstack([_replan(job.problem, job.order, row) for row in effort])
    return _Part(ends, effort, driver, overflow)


def _replan(problem: Problem, order: list[int], effort: np.ndarray) -> np.ndarray:
    """The greedy rule with the true efforts, taking ready tasks in the plan's order (so that
    with the planned efforts it rebuilds a plan much like the original) and leaving out what
    the plan leaves out."""
    from allocate.strategies.greedy import build_schedule

    effort = effort.copy()
    effort.setflags(write=False)
    rank = {task: k for k, task in enumerate(order)}
    priority = [(rank.get(problem.team(i)[0], len(order)), i) for i in range(problem.n_tasks)]
    skip = np.array([problem.team(i)[0] not in rank for i in range(problem.n_tasks)])
    schedule = build_schedule(dataclasses.replace(problem, effort=effort), priority, skip=skip)
    return np.where(schedule.end == NONE, problem.horizon, schedule.end).astype(np.int64)


def _horizon(scenario: Scenario, plan: Plan) -> datetime:
    """Calendars long enough for slow samples: four times the plan's span past its start, and
    at least the default horizon."""
    finish = plan.finish or scenario.start
    return max(
        scenario.horizon_end or default_horizon_end(scenario),
        scenario.start + 4 * (finish - scenario.start) + timedelta(days=60),
    )


def _summarise(scenario, problem, plan, person, planned, parts, samples, seed, policies) -> Risk:
    ends = {p: np.vstack([part.ends[p] for part in parts]) for p in policies}
    hours = np.vstack([part.hours for part in parts])
    outlooks = _Outlooks(scenario, problem, plan, planned)
    projects, milestones, tasks = [], [], []
    for policy in policies:
        projects += outlooks.projects(ends[policy], policy)
        milestones += outlooks.tasks(ends[policy], policy, milestones=True)
        tasks += outlooks.tasks(ends[policy], policy, milestones=False)
    critical = []
    if "execute" in policies:
        driver = np.vstack([part.driver for part in parts])
        critical = _critical(scenario, problem, ends["execute"], driver)
    return Risk(
        samples=samples,
        seed=seed,
        policies=policies,
        timezone=scenario.calendar.timezone,
        projects=tuple(projects),
        milestones=tuple(milestones),
        tasks=tuple(tasks),
        people=tuple(_people(scenario, problem, person, hours, planned)),
        critical=tuple(critical),
        overflow=float(np.mean([part.overflow for part in parts])),
    )


class _Outlooks:
    """Finish-date distributions from (samples, tasks) end ticks."""

    def __init__(self, scenario: Scenario, problem: Problem, plan: Plan, planned: np.ndarray):
        self.scenario, self.problem, self.plan = scenario, problem, plan
        self.leaders = [i for i in range(problem.n_tasks) if problem.team(i)[0] == i]
        self.placed = [i for i in self.leaders if planned[i] != NONE]

    def projects(self, ends: np.ndarray, policy: Policy) -> list[Outlook]:
        found = []
        for j, project in enumerate(self.scenario.projects):
            mine = [i for i in self.placed if self.problem.project_of[i] == j]
            if not mine:
                continue
            finish = ends[:, mine].max(axis=1)
            planned = max(self.plan.assignment(self.problem.task_ids[i]).end for i in mine)
            found.append(
                self._outlook(project.id, "project", policy, finish, planned, project.deadline)
            )
        return found

    def tasks(self, ends: np.ndarray, policy: Policy, milestones: bool) -> list[Outlook]:
        found = []
        for i in self.placed:
            if bool(self.problem.is_milestone(i)) != milestones:
                continue
            task = self.scenario.task(self.problem.task_ids[i])
            planned = self.plan.assignment(task.id).end
            kind = "milestone" if milestones else "task"
            found.append(self._outlook(task.id, kind, policy, ends[:, i], planned, task.deadline))
        return found

    def _outlook(self, ident, kind, policy, finish, planned, deadline) -> Outlook:
        time_of = self.problem.grid.time
        quantiles = np.quantile(finish, [q / 100 for q in LEVELS], method="inverted_cdf")
        on_time, late = None, 0.0
        if deadline is not None:
            limit = self.problem.grid.offset(deadline)
            on_time = float(np.mean(finish <= limit))
            late = float(np.mean(np.maximum(0.0, finish - limit))) * self.problem.hours_per_tick
        return Outlook(
            id=ident,
            kind=kind,
            policy=policy,
            planned=planned,
            deadline=deadline,
            quantiles=tuple(time_of(int(q)) for q in quantiles),
            on_time=on_time,
            late_hours=round(late, 2),
        )


def _people(scenario: Scenario, problem: Problem, person, hours: np.ndarray, planned):
    """Per person: sampled hours of their planned work against what they can work until the
    last deadline their tasks serve."""
    last_due = np.full(problem.n_tasks, NONE, dtype=np.int64)
    for due in problem.dues:
        for t in due.tasks:
            for slot in problem.team(t):
                last_due[slot] = max(last_due[slot], due.tick)
    ticks = problem.hours_per_tick
    for p, who in enumerate(scenario.people):
        mine = np.flatnonzero(person == p)
        work = hours[:, mine].sum(axis=1) * ticks
        bounds = last_due[mine][last_due[mine] != NONE]
        until = (
            int(bounds.max()) if len(bounds) else int(planned[mine].max(initial=problem.first_tick))
        )
        until = min(max(until, problem.first_tick), problem.horizon)
        cum = problem.cum_work[p]
        available = float(cum[until] - cum[problem.first_tick]) * ticks
        yield PersonRisk(
            id=who.id,
            planned_hours=round(float(problem.effort[mine].sum()) * ticks, 2),
            hours_p50=round(float(np.quantile(work, 0.5)), 2) if len(mine) else 0.0,
            hours_p80=round(float(np.quantile(work, 0.8)), 2) if len(mine) else 0.0,
            available_hours=round(available, 2),
            overload=float(np.mean(work > available + 1e-9)) if len(mine) else 0.0,
        )


def _critical(scenario, problem, ends: np.ndarray, driver: np.ndarray, top: int = 5):
    """Per project, its `top` tasks by how often they are on the chain behind its finish."""
    samples = ends.shape[0]
    rows = np.arange(samples)
    found = []
    for j, project in enumerate(scenario.projects):
        mine = [
            i
            for i in range(problem.n_tasks)
            if problem.project_of[i] == j and problem.team(i)[0] == i and ends[0, i] != NONE
        ]
        if not mine:
            continue
        on_chain = np.zeros((samples, problem.n_tasks), dtype=bool)
        current = np.asarray(mine)[ends[:, mine].argmax(axis=1)]
        for _ in range(problem.n_tasks):
            live = current != NONE
            if not live.any():
                break
            on_chain[rows[live], current[live]] = True
            current = np.where(live, driver[rows, np.maximum(current, 0)], NONE)
        share = on_chain.mean(axis=0)
        ranked = sorted(
            (i for i in range(problem.n_tasks) if share[i] > 0 and problem.team(i)[0] == i),
            key=lambda i: (-share[i], i),
        )
        found += [
            Critical(project=project.id, task=problem.task_ids[i], share=round(float(share[i]), 4))
            for i in ranked[:top]
        ]
    return found
