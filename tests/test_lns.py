"""The LNS strategy: option checks, improvement over the greedy plan on generated scenarios,
repeatability, the neighbourhood kinds and the adaptive choice between them.

Runs are bounded by `iterations` with one worker, so they do not depend on the machine's speed.
"""

import dataclasses
import importlib.util
import time
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from allocate import Person, Task
from allocate.problem import NONE, compile_problem
from allocate.strategies import get_strategy
from allocate.strategies.base import Outcome, Schedule
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.fixing import Fixing
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from allocate.strategies.lns.adaptive import Adaptive
from allocate.strategies.lns.compact import compact
from allocate.strategies.lns.neighbourhoods import KINDS, Neighbourhoods
from allocate.strategies.lns.search import Proposal, Search, Settings
from allocate.terms import level_values
from scenarios import scenarios
from test_cpsat import BERLIN, compile_, deadline_problem, placed, utc, verify, when

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


@cache
def generator():
    """The benchmarks' scenario generator (`benchmarks/generate.py`, not a package)."""
    spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TIME_ONLY = ({"lateness": 1.0}, {"makespan": 1.0})


@cache
def generated(people: int, tasks: int, seed: int = 1, time_only: bool = False):
    """A compiled generated agency scenario and its greedy outcome; with `time_only`, its
    objective is lateness then makespan."""
    scenario = generator().generate(people, tasks, seed=seed)
    if time_only:
        scenario = scenario.model_copy(update={"objective": TIME_ONLY})
    problem = compile_problem(scenario)
    return problem, Greedy().solve(problem)


def run(problem, hint=None, seed=1, time_limit=60.0, progress=None, workers=1, **options):
    outcome = Lns(workers=workers, **options).solve(
        problem, time_limit=time_limit, seed=seed, hint=hint, progress=progress
    )
    if outcome.schedule.complete:
        verify(problem, outcome.schedule)
        assert outcome.level_values == pytest.approx(
            level_values(problem, outcome.schedule.end, outcome.schedule.person)
        )
    return outcome


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kinds": ("late", "random")}, "kinds must be some of"),
        ({"kinds": ()}, "kinds must be some of"),
        ({"size": 0}, "positive integers"),
        ({"size": 500}, "min_size <= size <= max_size"),
        ({"min_size": 50}, "min_size <= size <= max_size"),
        ({"sub_limit": 0}, "sub_limit must be a positive number"),
        ({"reach_days": "14"}, "reach_days must be a positive number"),
        ({"iterations": 0}, "iterations must be a positive integer"),
        ({"workers": 0}, "workers must be a positive integer"),
        ({"formulation": "time-indexed"}, "unknown formulation"),
        ({"params": {"num_worker": 1}}, "did you mean num_workers"),
    ],
)
def test_bad_options_fail_at_construction(options, message):
    """Every option is checked when the strategy is made, through the registry too."""
    with pytest.raises(ValueError, match=message):
        Lns(**options)
    with pytest.raises(ValueError, match=message):
        get_strategy("lns", **options)


# --- the search ---------------------------------------------------------------------------------


def test_improves_the_greedy_plan_and_reports_each_improvement():
    """On 20 people x 200 tasks, 12 short sub-solves cut the greedy lateness by over 5 %; each
    improvement is reported, strictly better than the one before, and the stats add up."""
    problem, greedy = generated(20, 200)
    seen = []
    outcome = run(problem, greedy.schedule, iterations=12, sub_limit=0.2, progress=seen.append)
    assert outcome.status == "feasible"
    assert outcome.level_values[0] < 0.95 * greedy.level_values[0]
    assert [p.objective for p in seen] == sorted((p.objective for p in seen), reverse=True)
    assert seen[-1].objective == outcome.level_values
    stats = outcome.stats
    assert stats["start"] == "hint" and stats["iterations"] == 12
    assert 3 <= stats["improvements"] == len(seen) <= stats["accepted"] <= 12
    tried = sum(int(str(stats[f"lns_{kind}"]).split()[0]) for kind in KINDS)
    assert tried == 12


def test_same_seed_same_plan():
    """With one worker and a bounded number of sub-solves, a seed fixes the result."""
    problem, greedy = generated(20, 200)
    first = run(problem, greedy.schedule, seed=5, iterations=6, sub_limit=0.2)
    second = run(problem, greedy.schedule, seed=5, iterations=6, sub_limit=0.2)
    assert np.array_equal(first.schedule.start, second.schedule.start)
    assert np.array_equal(first.schedule.person, second.schedule.person)
    assert first.stats["lns_late"] == second.stats["lns_late"]


@pytest.mark.parametrize("workers", [1, 2])
def test_time_limit_is_kept_on_a_large_plan(workers):
    """On 40 x 500 a one-second limit is honoured, also with sub-solves side by side: each is
    capped by what is left, not by its own 30 s. (The margin is wide so that a busy machine
    cannot fail it; how close the limit is kept is measured in benchmarks/time_limits.py.)"""
    problem, greedy = generated(40, 500)
    began = time.perf_counter()
    outcome = run(problem, greedy.schedule, time_limit=1.0, sub_limit=30.0, workers=workers)
    assert time.perf_counter() - began < 10.0
    assert outcome.level_values <= greedy.level_values


def test_without_a_usable_hint_it_starts_from_the_greedy_plan():
    """No hint, or one that breaks the rules, and the search starts from the greedy plan."""
    problem, greedy = generated(20, 200)
    broken = greedy.schedule
    broken = type(broken)(broken.start.copy(), broken.end.copy(), broken.person.copy())
    broken.start[0] = broken.end[0] = NONE
    for hint in (None, broken):
        outcome = run(problem, hint, iterations=2)
        assert outcome.stats["start"] == "greedy"
        assert outcome.level_values <= greedy.level_values


def test_a_problem_within_one_neighbourhood_is_solved_whole():
    """Three tasks fit one neighbourhood: it is solved exactly at once and proven optimal."""
    problem = deadline_problem(["lateness", "makespan"])
    greedy = Greedy(rule="tail").solve(problem)
    assert greedy.level_values == (24, 176)
    outcome = run(problem, greedy.schedule)
    assert outcome.status == "optimal"
    assert outcome.level_values == (0, 200)
    assert outcome.stats["iterations"] == 1


# --- neighbourhoods -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_frees_at_most_size_tasks_around_a_target(kind):
    """A neighbourhood is a set of distinct tasks no larger than asked, holding something that
    can move: its tasks' windows contain their current starts."""
    problem, greedy = generated(20, 200)
    hood = Neighbourhoods(problem, reach_days=7)
    rng = np.random.default_rng(0)
    for size in (5, 30):
        target, free, group = hood.free(kind, greedy.schedule, size, rng)
        assert 0 < len(free) <= size
        assert len(np.unique(free)) == len(free)
        fixing = hood.fixing(greedy.schedule, free, group)
        starts = greedy.schedule.start[free]
        assert (fixing.earliest <= starts).all() and (starts <= fixing.latest).all()


def test_targets_are_dues_late_beyond_the_calendar_bound():
    """Only lateness the resource-free bound does not force makes a target (the task ending a
    due, besides the last task for the makespan level); each binding arc of the worst target's
    chain leaves its task no idle working time."""
    problem, greedy = generated(20, 200, time_only=True)
    hood = Neighbourhoods(problem, reach_days=14)
    schedule = greedy.schedule
    targets = hood.targets(schedule)
    assert targets and all(t.excess > 0 for t in targets)
    ending = {max(due.tasks, key=lambda t: schedule.end[t]) for due in problem.dues}
    assert {t.task for t in targets} <= ending | {int(np.argmax(schedule.end))}  # + makespan
    worst = max(targets, key=lambda t: t.excess).task
    chain = hood.binding_chain(schedule, worst, 50)
    assert chain[0] == worst and len(chain) > 1
    for task in chain:  # generated dependencies are finish-to-start without lags
        work = problem.cum_work[int(schedule.person[task])]
        for before in hood.binding(schedule, task):
            assert work[schedule.end[before]] == work[schedule.start[task]]


# --- the adaptive choice ------------------------------------------------------------------------


def test_kinds_that_pay_are_drawn_more_and_sizes_follow_the_solver():
    """A kind that keeps improving is drawn far more often than one that never does. Sizes: a
    quick proof that finds nothing grows a full neighbourhood, a gain keeps it, a timeout
    shrinks it, and a half-empty one says nothing."""
    adaptive = Adaptive(("good", "bad"), size=40, min_size=8, max_size=100)
    for _ in range(10):
        adaptive.update("good", 40, 0.05, True, True, 0.1, 0.1)
        adaptive.update("bad", round(adaptive.stats["bad"].size), 0.0, False, True, 0.1, 0.1)
    rng = np.random.default_rng(0)
    draws = [adaptive.choose(rng)[0] for _ in range(1000)]
    assert draws.count("good") > 800
    assert adaptive.stats["good"].size == 40 < adaptive.stats["bad"].size == 100
    adaptive.update("bad", 100, 0.0, False, False, 1.0, 1.0)
    assert adaptive.stats["bad"].size == 80
    adaptive.update("good", 5, 0.0, False, True, 0.0, 0.01)
    assert adaptive.stats["good"].size == 40


def test_targets_follow_the_first_objective_level():
    """With the makespan first, the task that ends the plan is the heaviest target; with lateness
    first (the default), late dues outweigh it."""
    problem, greedy = generated(20, 200)
    last = int(np.argmax(greedy.schedule.end))
    for objective, heaviest in (([{"makespan": 1}, {"lateness": 1}], True), (None, False)):
        ordered = (
            problem if objective is None else dataclasses.replace(problem, objective=objective)
        )
        targets = Neighbourhoods(ordered, reach_days=14).targets(greedy.schedule)
        assert (max(targets, key=lambda t: t.excess).task == last) == heaviest


def test_a_level_at_its_lower_bound_hands_over_to_the_next():
    """Told that the first level (lateness) already meets its lower bound, the search works on
    the next level at once instead of after `PATIENCE` fruitless sub-solves; told nothing, it
    starts on the first level alone."""
    problem, greedy = generated(10, 100)
    lns = Lns(workers=1)
    adaptive = Adaptive(KINDS, 40, 8, 400)
    settings = Settings(*lns._cpsat, 1, 0.5, 14.0, 6, True, True, False, None, adaptive)
    levels = len(greedy.level_values)
    bounds = (greedy.level_values[0],) + (0.0,) * (levels - 1)
    told = Search(settings, problem, greedy.schedule, seed=0, progress=None, bounds=bounds)
    untold = Search(settings, problem, greedy.schedule, seed=0, progress=None)
    assert levels > 1 and told.focus >= 2 and untold.focus == 1
    assert not told.optimal


def test_a_plan_at_the_lower_bounds_ends_the_search_with_several_workers():
    """With two workers and a start that meets the bounds, no sub-solve is launched: the start
    comes back as optimal, its values as its bounds."""
    problem, greedy = generated(10, 100)
    outcome = Lns(workers=2).solve(
        problem, time_limit=30, seed=1, hint=greedy.schedule, bounds=greedy.level_values
    )
    assert outcome.status == "optimal" and outcome.stats["iterations"] == 0
    assert outcome.level_values == outcome.level_bounds == greedy.level_values


# --- side-by-side sub-solves --------------------------------------------------------------------


def test_a_late_result_is_carried_over_only_if_it_still_fits():
    """Two sub-solves planned around the same plan finish one after the other: the second is
    merged into the first's result if it still keeps every rule, else counted as a conflict."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[Task(id=t, effort_hours=8) for t in "abc"],
        objective=["makespan"],
    )
    base = placed(problem, a=("ana", utc(2, 8)), b=("ana", utc(3, 8)), c=("ana", utc(4, 8)))

    def settle(search, task, person, start):
        moved = Schedule(base.start.copy(), base.end.copy(), base.person.copy())
        i = problem.task_ids.index(task)
        new = placed(problem, **{task: (person, start)})
        moved.start[i], moved.end[i], moved.person[i] = new.start[i], new.end[i], new.person[i]
        stats = {"build_seconds": 0, "solve_seconds": 0, "deterministic_time": 0, "variables": 0}
        outcome = Outcome(
            moved, "optimal", level_values(problem, moved.end, moved.person), (), stats
        )
        search.settle(Proposal("window", i, np.array([i]), base, 0), outcome)

    for second, fits in ((utc(3, 8), True), (utc(2, 8), False)):
        lns = Lns(workers=2)
        adaptive = Adaptive(KINDS, 40, 8, 400)
        settings = Settings(*lns._cpsat, 2, 1.0, 14.0, None, True, False, False, None, adaptive)
        search = Search(settings, problem, base, seed=0, progress=None)
        settle(search, "c", "ben", utc(2, 8))  # the plan now ends Tuesday 17:00, not Wednesday
        assert search.values == (32,) and search.version == 1
        settle(search, "b", "ben", second)  # planned around `base`, where Ben was free
        assert search.conflicts == (0 if fits else 1)
        verify(problem, search.incumbent)
        b = problem.task_ids.index("b")
        assert (search.incumbent.person[b] == problem.person_ids.index("ben")) == fits


# --- compaction ---------------------------------------------------------------------------------


def test_compaction_moves_a_task_to_the_first_gap_of_its_person():
    """Ben does held `a` Monday to Tuesday; Ana has free `c` on Wednesday and free `b` (after
    `a`) on Thursday. In order of start, `c` moves to Monday; `b` may not start before `a` ends,
    so it takes Wednesday, not Ana's free Tuesday. Nobody changes hands."""
    problem = compile_(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[
            Task(id="a", effort_hours=16),
            Task(id="b", effort_hours=8, after=["a"]),
            Task(id="c", effort_hours=8),
        ],
    )
    schedule = placed(problem, a=("ben", utc(2, 8)), b=("ana", utc(5, 8)), c=("ana", utc(4, 8)))
    free = np.array([problem.task_ids.index(t) for t in ("b", "c")])
    compacted = compact(problem, schedule, free)
    verify(problem, compacted)
    assert when(problem, compacted, "c") == (utc(2, 8), utc(2, 16))
    assert when(problem, compacted, "b") == (utc(4, 8), utc(4, 16))
    assert (compacted.person == schedule.person).all()


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6), data=st.data())
def test_compaction_keeps_every_rule_and_never_costs(scenario, data):
    """For random scenarios and neighbourhoods: the compacted re-plan keeps every rule, each task
    keeps its person and starts no later, and no objective level gets worse."""
    problem = compile_problem(scenario)
    greedy = Greedy().solve(problem)
    assume(greedy.schedule.complete)
    free = np.array(sorted(data.draw(st.sets(st.integers(0, problem.n_tasks - 1)))), dtype=int)
    replanned = CpSat(workers=1).reoptimise(
        problem, Fixing(greedy.schedule, free), horizon=problem.horizon, time_limit=5, seed=1
    )
    compacted = compact(problem, replanned.schedule, free)
    verify(problem, compacted)
    assert (compacted.person == replanned.schedule.person).all()
    assert (compacted.start <= replanned.schedule.start).all()
    assert level_values(problem, compacted.end, compacted.person) <= level_values(
        problem, replanned.schedule.end, replanned.schedule.person
    )
