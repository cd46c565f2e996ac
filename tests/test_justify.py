"""Forward-backward improvement of the greedy plan (`strategies/justify.py`)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from allocate import check, solve
from allocate.problem import compile_problem
from allocate.strategies.cpsat.hint import hint_problem
from allocate.strategies.greedy import Greedy
from allocate.strategies.justify import justified
from allocate.terms import level_values

DATA = Path(__file__).parent / "data"
needs_psplib = pytest.mark.skipif(
    importlib.util.find_spec("psplib") is None, reason="psplib is not installed"
)


@needs_psplib
@pytest.mark.parametrize("name", ["j301_1.sm", "j301_2.sm"])
def test_justified_plan_keeps_every_rule_and_is_no_worse(name):
    """The improved plan is a valid hint (precedences, capacities, releases) and its objective
    is no worse than the greedy plan's."""
    from allocate.instances import read_psplib

    problem = compile_problem(read_psplib(DATA / name))
    greedy = Greedy().solve(problem).schedule
    better = justified(problem, greedy)
    assert hint_problem(problem, better) is None
    before = level_values(problem, greedy.end, greedy.person)
    assert tuple(level_values(problem, better.end, better.person)) <= tuple(before)


@needs_psplib
def test_justification_closes_the_holes_of_a_one_at_a_time_plan():
    """j301_1 done one task at a time (valid, but everything waits): the passes pack it to no
    longer than the greedy plan, every rule kept."""
    from allocate.instances import read_psplib

    problem = compile_problem(read_psplib(DATA / "j301_1.sm"))
    greedy = Greedy().solve(problem).schedule
    serial = greedy.copy()
    clock = problem.first_tick
    for task in np.lexsort((greedy.end, greedy.start)).tolist():  # keeps the precedences
        serial.start[task], clock = clock, clock + int(problem.effort[task])
        serial.end[task] = clock
    assert hint_problem(problem, serial) is None
    packed = justified(problem, serial)
    assert hint_problem(problem, packed) is None
    assert packed.end.max() <= greedy.end.max() < serial.end.max()


@needs_psplib
def test_solve_greedy_answer_on_psplib_passes_the_checker():
    """solve()'s first plan, justified where it gains, is checked like any other."""
    from allocate.instances import read_psplib

    scenario = read_psplib(DATA / "j301_1.sm")
    plan = solve(scenario, strategy="greedy")
    assert plan.feasible and not plan.violations and not check(scenario, plan)


def test_plans_with_people_are_left_alone():
    """Where durations follow people's calendars the passes do not apply: the same object."""
    from allocate.examples import agency

    problem = compile_problem(agency())
    greedy = Greedy().solve(problem).schedule
    assert justified(problem, greedy) is greedy
    assert np.array_equal(greedy.start, justified(problem, greedy).start)
