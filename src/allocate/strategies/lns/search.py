"""One LNS run: the incumbent, the sub-solves in flight, and what is learnt from each.

With one worker the loop is plain: propose a neighbourhood, re-plan it, settle the result. With
more, that many one-worker sub-solves run side by side in threads, around different targets.
CP-SAT releases the GIL while it searches (two threads solved the same sub-models exactly twice as
fast as one), but building a model is Python, so on 2 cores an LNS ran about 15 % more sub-solves
than with one worker; giving each sub-solve two CP-SAT workers instead did no better. A
sub-solve that finishes after another was accepted was planned around an older incumbent: its
free tasks are carried over into the current one, and the result is kept only if the merged plan
still keeps every rule and is no worse ("conflicts" counts those that did not fit).

The search works on the objective's levels in order ("focus"): at first sub-solves optimise, and
plans are compared on, the first level only; the next level joins once the levels in focus have
no target left or `PATIENCE` sub-solves in a row gained nothing on them. Measured on the bundled
example and generated 10 x 100 plans, optimising every level from the start cost the first level
(lateness) up to twice its value at 20 s: each sub-solve solved several stages, and plans that
kept lateness but not cost could not be accepted to move across plateaus.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np

from allocate.budget import Budget
from allocate.problem import NONE, Problem
from allocate.schedule import Schedule, reaches
from allocate.strategies.base import Outcome, SolveProgress
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.cpsat.hint import hint_problem, model_horizon
from allocate.strategies.cpsat.model import prepare
from allocate.strategies.lns.adaptive import Adaptive
from allocate.strategies.lns.compact import compact
from allocate.strategies.lns.neighbourhoods import Neighbourhoods
from allocate.terms import level_values

PATIENCE = 30
"""Sub-solves without a gain on the levels in focus before the next level joins them."""
MIN_ITERATION_SECONDS = 0.2
"""No new sub-solve starts with less time than this left."""
BUILD_WORK_PER_VARIABLE = 4e-6
"""Model building in CP-SAT deterministic-time units per variable (about 0.2 s of Python per 10k
variables, and a deterministic unit took 1-6 s of wall time on these models)."""


@dataclass(frozen=True)
class Settings:
    """What the search needs of `Lns`'s options."""

    cpsat: CpSat
    """One-worker CP-SAT for the sub-solves."""
    whole: CpSat
    """CP-SAT with all the workers, for a problem that is one neighbourhood."""
    workers: int
    sub_limit: float
    reach_days: float
    candidates: int | None
    accept_equal: bool
    compact: bool
    stable_ties: bool
    iterations: int | None
    adaptive: Adaptive


@dataclass
class Proposal:
    kind: str
    target: int
    free: np.ndarray
    base: Schedule
    """The incumbent it is planned around (never modified, only replaced)."""
    version: int
    seed: int = 0
    group: np.ndarray | None = None
    """The people the free tasks may move between (None: the default candidates)."""


class Search:
    def __init__(
        self, settings: Settings, problem: Problem, start: Schedule, seed, progress, bounds=()
    ):
        self.settings, self.problem, self.seed = settings, problem, seed
        self.began, self.progress = time.perf_counter(), progress
        self.bounds = bounds  # known lower bounds per level: a level at its own needs no work
        self.incumbent, self.version = start, 0
        self.values = level_values(problem, start.end, start.person)
        self.horizon = model_horizon(problem, start)[0]
        self.rng = np.random.default_rng(seed)
        self.neighbourhoods = Neighbourhoods(problem, settings.reach_days, settings.candidates)
        self.prepared = prepare(problem, settings.cpsat.formulation)
        self.adaptive = settings.adaptive
        self.focus = 1
        self.steady = _changes_level(problem)
        self.stale = 0
        self._widen()
        self.launched = self.iterations = self.improvements = self.accepted = 0
        self.conflicts = 0
        self.build_seconds = self.solve_seconds = 0.0

    # --- loops ---------------------------------------------------------------------------------

    def run(self, budget: Budget) -> None:
        """Improve until the `budget` or the iterations run out."""
        if self.settings.workers == 1:
            while self._may_launch(budget):
                proposal = self.propose()
                self.settle(proposal, self.solve(proposal, budget.part(budget.left())), budget)
            return
        with ThreadPoolExecutor(self.settings.workers) as pool:
            if budget.work is not None:
                self._in_batches(pool, budget)
            else:
                self._as_they_finish(pool, budget)

    def _as_they_finish(self, pool: ThreadPoolExecutor, budget: Budget) -> None:
        """Keep every worker busy: a new sub-solve starts whenever one ends (fastest, but what
        each one starts from depends on which ended first)."""
        pending: dict[Future, Proposal] = {}
        while True:
            while len(pending) < self.settings.workers and self._may_launch(budget):
                proposal = self.propose(frozenset(p.target for p in pending.values()))
                part = budget.part(budget.left())
                pending[pool.submit(self.solve, proposal, part)] = proposal
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                self.settle(pending.pop(future), future.result(), budget)

    def _in_batches(self, pool: ThreadPoolExecutor, budget: Budget) -> None:
        """A deterministic run's way to use the workers: a batch of sub-solves around one
        incumbent, all waited for and settled in the order they were proposed, so that no
        thread's timing reaches the plan. Workers idle at the end of each batch."""
        while self._may_launch(budget):
            batch: list[tuple[Proposal, Future]] = []
            while len(batch) < self.settings.workers and self._may_launch(budget):
                proposal = self.propose(frozenset(p.target for p, _ in batch))
                part = budget.part(budget.left(), work=budget.work_left())
                batch.append((proposal, pool.submit(self.solve, proposal, part)))
            for proposal, future in batch:
                self.settle(proposal, future.result(), budget)

    def whole(self, budget: Budget) -> str:
        """Re-plan every task at once, without windows or deterministic limit; the status."""
        free = np.arange(self.problem.n_tasks)
        proposal = Proposal("whole", NONE, free, self.incumbent, self.version, self.seed)
        outcome = self.settings.whole.reoptimise(
            self.problem,
            Fixing(self.incumbent, proposal.free),
            horizon=self.horizon,
            budget=budget,
            seed=proposal.seed,
            prepared=self.prepared,
            bounds=self.bounds,
        )
        self.settle(proposal, outcome)
        return "optimal" if outcome.status == "optimal" else "feasible"

    @property
    def optimal(self) -> bool:
        """Does the incumbent reach the lower bounds on every level?"""
        return reaches(self.values, self.bounds)

    def _may_launch(self, budget: Budget) -> bool:
        if self.launched == self.settings.iterations or self.optimal:
            return False
        return budget.left() >= MIN_ITERATION_SECONDS

    # --- one sub-solve -------------------------------------------------------------------------

    def propose(self, busy: frozenset[int] = frozenset()) -> Proposal:
        """A neighbourhood of the incumbent around a target none of the `busy` sub-solves has."""
        kind, size = self.adaptive.choose(self.rng)
        target, free, group = self.neighbourhoods.free(
            kind, self.incumbent, size, self.rng, busy, self.focus
        )
        self.launched += 1
        seed = (self.seed + self.launched) % 2**31
        return Proposal(kind, target, free, self.incumbent, self.version, seed, group)

    def solve(self, proposal: Proposal, budget: Budget) -> Outcome:
        """Re-plan `proposal` around its base (safe in a worker thread: it only reads)."""
        return self.settings.cpsat.reoptimise(
            self.problem,
            self.neighbourhoods.fixing(proposal.base, proposal.free, proposal.group),
            horizon=self.horizon,
            budget=budget,
            seed=proposal.seed,
            deterministic_limit=self.settings.sub_limit,
            prepared=self.prepared,
            levels=self.focus + self._ties,
            tie=self._ties,
            bounds=self.bounds,
        )

    @property
    def _ties(self) -> bool:
        """Does a sub-solve also minimise `changes` as a tie-breaker (`Lns.stable_ties`, in a
        re-plan whose `changes` level comes right after those in focus)? Solved only once the
        levels in focus are proven optimal within the neighbourhood, with a share of the work.
        Without it a sub-solve that cuts lateness may hand any of its free tasks to anyone as
        good, which also lets the search drift to where more lateness can be cut."""
        return self.settings.stable_ties and self.steady == self.focus

    def settle(self, proposal: Proposal, outcome: Outcome, budget: Budget | None = None) -> None:
        """Keep `outcome` if it is better (or equal and different, with `accept_equal`), after
        carrying it over to the current incumbent if that changed meanwhile; learn from it, and
        count its work against the `budget`."""
        self.iterations += 1
        stats = outcome.stats
        self.build_seconds += float(stats["build_seconds"])
        self.solve_seconds += float(stats["solve_seconds"])
        schedule, values = outcome.schedule, outcome.level_values
        if proposal.version != self.version:
            schedule = self._carried_over(proposal, schedule)
        if schedule is not None and self.settings.compact:
            schedule = compact(self.problem, schedule, proposal.free)
        values = (
            None if schedule is None else level_values(self.problem, schedule.end, schedule.person)
        )
        order = 1 if values is None else _compare(values[: self.focus], self.values[: self.focus])
        changed = order < 0 or (
            order == 0
            and self.settings.accept_equal
            and _differs(schedule, self.incumbent)
            and not self._drifts(values)
        )
        gain = _gain(values, self.values) if order < 0 else 0.0
        if changed:
            self.incumbent, self.values, self.version = schedule, values, self.version + 1
            self.accepted += 1
        if order < 0:
            self.improvements += 1
            if self.progress is not None:
                elapsed = time.perf_counter() - self.began
                self.progress(SolveProgress(elapsed, self.values, (), self.improvements + 1))
        self.stale = 0 if order < 0 else self.stale + 1
        if changed or self.stale >= PATIENCE:
            self._widen()
        if proposal.kind == "whole":
            return
        self.neighbourhoods.record(proposal.target, order < 0)
        deterministic = float(stats["deterministic_time"])
        work = deterministic + BUILD_WORK_PER_VARIABLE * int(stats["variables"])
        if budget is not None:
            budget.spend(work)
        proven = outcome.status == "optimal"
        used = deterministic / self.settings.sub_limit
        self.adaptive.update(proposal.kind, len(proposal.free), gain, changed, proven, used, work)

    def _drifts(self, values) -> bool:
        """Would a plan of equal value on the levels in focus move a re-plan further from the
        previous plan (a worse `changes` level, not yet in focus)? Plans that only drift across
        a plateau of lateness must not drift away from what people were told."""
        k = self.steady
        return k is not None and k >= self.focus and values[k] > self.values[k] + 1e-9

    def _widen(self) -> None:
        """Let the next objective level join the focus while those in focus have no target,
        have reached their lower bounds, or have gained nothing for `PATIENCE` sub-solves."""
        levels = len(self.problem.objective)
        hood = self.neighbourhoods
        while self.focus < levels and (
            self.stale >= PATIENCE
            or not hood.has_targets(self.incumbent, self.focus)
            or reaches(self.values, self.bounds, range(self.focus))
        ):
            self.focus += 1
            self.stale = 0

    def _carried_over(self, proposal: Proposal, schedule: Schedule) -> Schedule | None:
        """The current incumbent with `proposal`'s free tasks placed as in `schedule`; None if
        that breaks a rule (another sub-solve moved something in the way)."""
        free = proposal.free
        current = self.incumbent
        merged = current.copy()
        merged.start[free], merged.end[free] = schedule.start[free], schedule.end[free]
        merged.person[free] = schedule.person[free]
        if hint_problem(self.problem, merged) is not None:
            self.conflicts += 1
            return None
        return merged

    def stats(self) -> dict[str, float | int | str]:
        return {
            "iterations": self.iterations,
            "improvements": self.improvements,
            "accepted": self.accepted,
            "conflicts": self.conflicts,
            "solutions": self.improvements + 1,
            "build_seconds": round(self.build_seconds, 3),
            "solve_seconds": round(self.solve_seconds, 3),
        }


def _changes_level(problem: Problem) -> int | None:
    """The objective level holding a re-plan's `changes` term (None: not a re-plan)."""
    if problem.previous is None:
        return None
    return next((k for k, level in enumerate(problem.objective) if "changes" in level), None)


def _compare(a, b) -> int:
    """-1, 0 or 1 as the level values `a` are lexicographically below, equal to or above `b`."""
    for x, y in zip(a, b, strict=True):
        if abs(x - y) > 1e-9 * max(1.0, abs(x), abs(y)):
            return -1 if x < y else 1
    return 0


def _gain(new, old) -> float:
    """The relative improvement at the first level that differs."""
    for x, y in zip(new, old, strict=True):
        if x != y:
            return (y - x) / max(abs(y), 1.0)
    return 0.0


def _differs(a: Schedule, b: Schedule) -> bool:
    return not (np.array_equal(a.start, b.start) and np.array_equal(a.person, b.person))
