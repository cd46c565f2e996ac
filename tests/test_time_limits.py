"""solve() within its limits: calendars compiled only as far as the plan needs, the search
stopped from outside (another thread, Ctrl-C), repeatable runs, and workers that reach the
strategy. No test here times anything: the speed and memory figures are in
benchmarks/time_limits.py. A `join` with a long timeout only turns a hang into a failure."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from allocate import Calendar, Person, Scenario, Task, TimeOff, solve
from allocate.bounds import level_bounds
from allocate.budget import Budget
from allocate.examples import agency
from allocate.problem import compile_problem
from allocate.solve import _choose, _first_plan, _named
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.hint import model_horizon
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from test_lns import generator

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
HANG = 300
"""Seconds after which a solve that was asked to stop counts as hung."""


def minute_grid(years: int = 3) -> Scenario:
    """A small team on a one-minute grid with a horizon years away: the case that once took
    seconds and gigabytes before its first plan."""
    scenario = generator().generate(6, 20, seed=1)
    end = scenario.start + timedelta(days=365 * years)
    return scenario.replace(resolution_minutes=1, horizon_end=end)


def test_calendars_are_compiled_for_the_window_the_plan_needs():
    """On a one-minute grid with a three-year horizon, the plan's calendars end a few months
    out, and the plan says so; the scenario's horizon is not touched."""
    scenario = minute_grid()
    problem, greedy, _ = _first_plan(scenario, Greedy())
    full = compile_problem(scenario).horizon
    assert problem.window and problem.horizon < full / 3
    assert greedy.schedule.complete
    plan = solve(scenario, strategy="greedy")
    until = datetime.fromisoformat(plan.stats.detail["calendars_until"])
    assert until < scenario.horizon_end - timedelta(days=365) and plan.feasible


def test_the_window_changes_nothing_a_strategy_sees():
    """Greedy plan, lower bounds and the exact model's horizon are the same on the window as on
    calendars expanded to the horizon."""
    scenario = generator().generate(8, 40, seed=3)
    scenario = scenario.replace(horizon_end=scenario.start + timedelta(days=3 * 365))
    window, greedy, _ = _first_plan(scenario, Greedy())
    full = compile_problem(scenario)
    assert window.window and not full.window and window.horizon < full.horizon
    whole = Greedy().solve(full)
    assert np.array_equal(whole.schedule.start, greedy.schedule.start)
    assert np.array_equal(whole.schedule.person, greedy.schedule.person)
    assert level_bounds(window) == pytest.approx(level_bounds(full))
    model, kind = model_horizon(window, greedy.schedule)
    assert (model, kind) == model_horizon(full, greedy.schedule) and kind != "window"


def test_work_that_needs_more_than_the_first_window_still_finds_its_place():
    """The only qualified person is away for two years: the window grows until the task fits,
    instead of calling it unplaceable."""
    away = TimeOff(start=MONDAY.date(), end=(MONDAY + timedelta(days=730)).date())
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", skills={"x": 1}, calendar=Calendar(time_off=[away]))],
        tasks=[Task(id="t", effort_hours=8, skills={"x": 1})],
        horizon_end=MONDAY + timedelta(days=4 * 365),
    )
    plan = solve(scenario, strategy="greedy")
    assert plan.feasible and plan.assignments[0].start > MONDAY + timedelta(days=730)


def test_no_plan_is_called_infeasible_before_the_whole_horizon_is_tried():
    """Work that fits nowhere is reported unplaced with the scenario's own horizon end."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", skills={"x": 1})],
        tasks=[Task(id="t", effort_hours=8, skills={"x": 1}, release=MONDAY + timedelta(days=9))],
        horizon_end=MONDAY + timedelta(days=8),
    )
    plan = solve(scenario, strategy="greedy")
    assert not plan.feasible
    problem, _, _ = _first_plan(scenario, Greedy())
    assert not problem.window


def test_a_problem_still_pickles_after_its_calendars_were_read():
    """Process pools (the risk simulation's) take a compiled problem whose look-up tables, made
    on first use over memoryviews of its arrays, are left behind and rebuilt there."""
    import pickle

    problem = compile_problem(agency())
    level_bounds(problem)
    ends = [problem.timeline(p).end(problem.first_tick, 8) for p in range(problem.n_people)]
    again = pickle.loads(pickle.dumps(problem))
    assert [again.timeline(p).end(again.first_tick, 8) for p in range(again.n_people)] == ends
    assert level_bounds(again) == level_bounds(problem)


def test_a_stop_set_before_the_search_returns_the_first_plan_checked():
    """A caller who has already asked to stop gets the greedy plan, verified, and the reason."""
    stop = threading.Event()
    stop.set()
    plan = solve(agency(), time_limit=600, stop=stop)
    assert plan.feasible and not plan.violations
    assert plan.stats.stopped == "asked to stop" and "search" in plan.stats.detail


def test_another_thread_stops_the_neighbourhood_search_with_the_best_plan_so_far():
    """`stop` set from another thread while the search runs (under a limit that would last ten
    minutes) ends the solve with the best plan found so far, checked."""
    stop = threading.Event()
    seen: list = []

    def progress(update) -> None:
        seen.append(update)
        if len(seen) >= 2:  # the greedy plan was reported; the search is under way
            stop.set()

    found: list = []
    thread = threading.Thread(
        target=lambda: found.append(solve(agency(), time_limit=600, stop=stop, progress=progress))
    )
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "the solve did not stop"
    plan = found[0]
    assert plan.feasible and not plan.violations and plan.stats.stopped == "asked to stop"
    assert plan.stats.strategy == "lns"


def test_a_stop_ends_cp_sat_mid_search():
    """CP-SAT, searching a model it cannot finish for minutes, stops at its first solution's
    report when the budget is asked to stop, and keeps that plan."""
    problem = compile_problem(generator().generate(10, 100, seed=1))
    hint = Greedy().solve(problem).schedule
    budget = Budget(600)
    found: list = []
    thread = threading.Thread(
        target=lambda: found.append(
            CpSat(workers=1).solve(
                problem,
                time_limit=600,
                hint=hint,
                budget=budget,
                progress=lambda update: budget.request_stop(),
            )
        )
    )
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "CP-SAT did not stop"
    outcome = found[0]
    assert outcome.schedule.complete and outcome.stats["solutions"] >= 1
    assert outcome.status == "feasible" and budget.reason == "stopped"


def test_ctrl_c_returns_the_best_plan_so_far_and_a_second_one_aborts():
    """The first SIGINT during solve() (in the main thread) is a request to stop; a second one
    raises KeyboardInterrupt as usual."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("the test runner handles SIGINT itself")

    def press(times: int):
        pressed: list = []

        def progress(update) -> None:
            if update.objective and not pressed:  # the first plan is in
                pressed.append(update)
                for _ in range(times):
                    os.kill(os.getpid(), signal.SIGINT)

        return progress

    plan = solve(agency(), time_limit=600, progress=press(1))
    assert plan.feasible and plan.stats.stopped == "interrupted (Ctrl-C)"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt):
        solve(agency(), time_limit=600, progress=press(2))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_two_solves_in_two_threads_do_not_interfere():
    """One thread's stop ends only its own solve; the other returns the very plan it returns
    alone (a deterministic run, so the plan itself can be compared)."""
    alone = solve(agency(), time_limit=0.5, deterministic=True)
    stop = threading.Event()
    stop.set()
    plans: dict[str, object] = {}
    threads = [
        threading.Thread(
            target=lambda: plans.update(free=solve(agency(), time_limit=0.5, deterministic=True))
        ),
        threading.Thread(target=lambda: plans.update(stopped=solve(agency(), stop=stop))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG)
    assert plans["stopped"].stats.stopped == "asked to stop"
    assert plans["free"].stats.stopped is None
    assert plans["free"].assignments == alone.assignments


@pytest.mark.parametrize("workers", [1, 2])
def test_a_deterministic_run_repeats_its_plan(workers):
    """The same scenario, seed and workers give the same plan, neighbourhood search (the
    example, 150 tasks) or the exact model (a small scenario, parallel workers interleaved)."""
    for scenario, strategy in ((agency(), "auto"), (generator().generate(5, 20, seed=4), "cpsat")):
        runs = [
            solve(
                scenario,
                time_limit=0.5,
                strategy=strategy,
                seed=3,
                workers=workers,
                deterministic=True,
            )
            for _ in range(2)
        ]
        assert runs[0].assignments == runs[1].assignments, strategy
        assert runs[0].stats.deterministic and runs[0].stats.workers == workers


def test_workers_and_seed_reach_the_strategy_auto_picks():
    """`auto` hands `workers` to the exact model and to the neighbourhood search it picks; a
    strategy named explicitly gets them too; greedy ignores them; an instance keeps its own."""
    small = compile_problem(generator().generate(3, 8, seed=1))
    large = compile_problem(agency())
    exact, _ = _choose("auto", small, workers=3)
    search, _ = _choose("auto", large, workers=5)
    assert isinstance(exact, CpSat) and exact.workers == 3
    assert isinstance(search, Lns) and search.workers == 5
    assert _named("lns", 4).workers == 4 and _named("cpsat", 1).workers == 1
    assert isinstance(_named("greedy", 4), Greedy)
    with pytest.raises(ValueError, match="keeps its own"):
        _named(CpSat(), 2)
    with pytest.raises(ValueError, match="positive integer"):
        _named("auto", 0)
    plan = solve(agency(), time_limit=0.5, workers=1, seed=7, deterministic=True)
    assert (plan.stats.workers, plan.stats.seed) == (1, 7)
