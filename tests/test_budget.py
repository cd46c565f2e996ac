"""The time budget of a solve: one clock, asked what is left and whether it is over."""

import threading
from datetime import UTC, datetime

from allocate import Person, Scenario, Task, solve
from allocate.budget import Budget
from allocate.strategies.greedy import Greedy


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_budget_counts_down_and_expires():
    """Left is what remains of the seconds (never negative); expired once nothing is left."""
    clock = Clock()
    budget = Budget(10.0, clock)
    clock.now += 4
    assert (budget.left(), budget.elapsed(), budget.expired) == (6.0, 4.0, False)
    clock.now += 7
    assert (budget.left(), budget.expired) == (0.0, True)


def test_a_part_has_its_own_seconds_on_the_same_clock():
    """A share given to a part of the work starts when it is given, and may outlast the whole
    (a search always gets a moment, even when compiling used up the time limit)."""
    clock = Clock()
    whole = Budget(1.0, clock)
    clock.now += 0.9
    part = whole.part(0.5)
    clock.now += 0.2
    assert whole.expired and not part.expired and abs(part.left() - 0.3) < 1e-12


def test_a_deterministic_budget_counts_work_not_seconds():
    """Its clock never runs out; spent work and stop requests end it, and its parts share
    the stop but count their own work."""
    budget = Budget.deterministic(2.0)
    assert budget.left() == float("inf") and budget.work_left() == 2.0
    part = budget.part(1.0, work=0.5)
    assert part.work_left() == 0.5 and part.seconds == float("inf")
    part.spend(0.5)
    assert part.expired and part.reason == "work" and not budget.expired
    budget.spend(2.5)
    assert budget.expired and budget.reason == "work"
    again = Budget.deterministic(1.0)
    piece = again.part(1.0)
    again.request_stop()
    assert piece.stopped and piece.reason == "stopped" and piece.stopped_by == "asked to stop"


def test_a_stop_signal_or_request_ends_a_budget_and_each_of_its_parts():
    """The caller's event, set from anywhere, spends the budget at once; so does a request."""
    clock = Clock()
    event = threading.Event()
    budget = Budget(10.0, clock, stop=event)
    part = budget.part(5.0)
    assert not budget.expired and budget.reason == ""
    event.set()
    assert budget.expired and part.expired and budget.left() == 0.0
    assert (budget.reason, budget.stopped_by) == ("stopped", "asked to stop")
    other = Budget(10.0, clock)
    other.part(1.0).request_stop("interrupted (Ctrl-C)")
    assert other.stopped_by == "interrupted (Ctrl-C)"


class Spy:
    """A strategy that records what `solve()` passes it and returns the greedy plan."""

    name = "spy"

    def solve(self, problem, *, time_limit, seed=0, hint=None, progress=None, budget=None):
        self.given = (time_limit, budget)
        return Greedy().solve(problem)


class Old:
    """A strategy written before budgets: it is called without one."""

    name = "old"

    def solve(self, problem, *, time_limit, seed=0, hint=None, progress=None):
        return Greedy().solve(problem)


def test_solve_hands_its_budget_to_a_strategy_that_takes_one():
    """The strategy's share is a Budget of the seconds it is told; one without the keyword
    still runs."""
    scenario = Scenario(
        start=datetime(2026, 3, 2, 8, tzinfo=UTC),
        people=[Person(id="ana"), Person(id="ben")],
        tasks=[Task(id=f"t{i}", effort_hours=8 + i) for i in range(3)],
        objective=["makespan"],
    )
    spy = Spy()
    solve(scenario, strategy=spy, time_limit=30)
    seconds, budget = spy.given
    assert isinstance(budget, Budget) and budget.seconds == seconds and 0 < seconds <= 30
    assert solve(scenario, strategy=Old(), time_limit=30).feasible
