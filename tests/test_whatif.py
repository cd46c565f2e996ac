"""What-if in one call, and solves side by side: a comparison says what a change does, and solves
running in two threads (as an app re-planning in the background does) give what they give alone."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest

from allocate import Calendar, Person, Project, Scenario, Task, check, compare, events, solve
from allocate.analysis import WhatIf
from allocate.examples import agency
from allocate.strategies.lns import Lns

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
OFFICE = Calendar(timezone="UTC")
REPEATABLE = Lns(workers=1, iterations=8)
"""A search that stops on a work budget: the same answer on any machine, in any thread."""
LONG = 300.0
"""A time limit the work budget always ends before, even on a loaded machine."""


def team() -> Scenario:
    return Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", skills={"x": 2}, calendar=OFFICE),
            Person(id="ben", skills={"x": 1}, calendar=OFFICE),
        ],
        projects=[Project(id="web", deadline=MONDAY + timedelta(days=5))],
        tasks=[
            Task(id=f"t{i}", effort_hours=8, skills={"x": 2 if i < 3 else 1}, project="web")
            for i in range(6)
        ],
    )


def test_what_if_ana_is_away_next_week():
    """Her three tasks go late or to no one else (only she has x 2): the comparison shows the
    lateness, the newly late project and which tasks moved, and both plans are checked."""
    s = team()
    away = events.absence(s, "ana", date(2026, 3, 2), date(2026, 3, 6))
    answer = compare(s, away, strategy="cpsat", time_limit=5)
    assert isinstance(answer, WhatIf)
    assert check(s, answer.base) == [] and check(away, answer.changed) == []
    [(name, before, after)] = [f for f in answer.figures() if f[0] == "lateness"]
    assert before == 0 and after > 0
    assert {c.task for c in answer.diff.moved} >= {"t0", "t1", "t2"}
    assert "no longer on time: web" in str(answer) and "<table" in answer._repr_html_()


def test_what_if_from_the_plan_in_force_runs_on_an_executor_with_the_serial_answer():
    """Both sides re-planned from the plan in force, on a thread pool, give exactly what they give
    one after the other (a search that stops on its work budget, one CP-SAT worker)."""
    s = team()
    plan = solve(s, strategy=REPEATABLE, time_limit=LONG)
    later = events.add_tasks(s, Task(id="fix", effort_hours=4, skills={"x": 1}))
    serial = compare(s, later, previous=plan, strategy=REPEATABLE, time_limit=LONG)
    with ThreadPoolExecutor(2) as pool:
        parallel = compare(
            s, later, previous=plan, strategy=REPEATABLE, time_limit=LONG, executor=pool
        )
    assert serial.base.assignments == parallel.base.assignments
    assert serial.changed.assignments == parallel.changed.assignments
    assert serial.diff.tasks == parallel.diff.tasks
    assert check(later, parallel.changed, plan) == []


def test_compare_takes_no_progress_callback():
    with pytest.raises(ValueError, match="no progress callback"):
        compare(team(), team(), progress=True)


def test_two_solves_in_two_threads_do_not_interfere():
    """The bundled example and a re-plan of it solved at once in two threads give the plans each
    gives alone: nothing is shared between solves but read-only data."""
    example = agency()
    first = solve(example, strategy=Lns(workers=1, iterations=4), time_limit=LONG)
    later = events.absence(example, "ana", date(2027, 1, 4), date(2027, 1, 8))
    jobs = [
        (example, None),
        (later, first),
    ]

    def run(job):
        scenario, previous = job
        return solve(
            scenario, previous=previous, strategy=Lns(workers=1, iterations=4), time_limit=LONG
        )

    alone = [run(job) for job in jobs]
    with ThreadPoolExecutor(2) as pool:
        together = list(pool.map(run, jobs))
    for a, b in zip(alone, together, strict=True):
        assert a.assignments == b.assignments and a.objective == b.objective
        assert a.violations == b.violations == ()


def test_a_re_plan_in_the_background_stops_when_asked_with_its_best_plan():
    """An app re-plans in a thread under a long limit; another thread asks it to stop once the
    search is under way: it returns at once with the best re-plan found so far, checked against
    the previous plan."""
    example = agency()
    first = solve(example, strategy="greedy")
    later = events.absence(example, "ana", date(2027, 1, 4), date(2027, 1, 8))
    stop, seen, found = threading.Event(), [], []

    def progress(update) -> None:
        seen.append(update)
        if len(seen) >= 2:  # the first plan was reported: the search is running
            stop.set()

    thread = threading.Thread(
        target=lambda: found.append(
            solve(later, previous=first, time_limit=600, stop=stop, progress=progress)
        )
    )
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the re-plan did not stop"
    [plan] = found
    assert plan.stats.stopped == "asked to stop" and plan.feasible
    assert "changes" in plan.objective and check(later, plan, first) == []
