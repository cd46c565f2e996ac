"""CP-SAT's subsolvers per class of model (`strategies/cpsat/subsolvers.py`)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

import allocate.strategies.cpsat.run as run
from allocate import Resource, Scenario, Task, check, solve
from allocate.budget import Budget
from allocate.problem import compile_problem
from allocate.scenario import ALWAYS
from allocate.strategies.cpsat import CpSat
from allocate.strategies.cpsat.subsolvers import NOT_SCHEDULING, subsolvers

DATA = Path(__file__).parent / "data"
needs_psplib = pytest.mark.skipif(
    importlib.util.find_spec("psplib") is None, reason="psplib is not installed"
)
START = datetime(2027, 1, 4, tzinfo=UTC)


def _resource_only(calendar=ALWAYS) -> Scenario:
    return Scenario(
        start=START,
        calendar=calendar,
        resources=[Resource(id="crane", capacity=1)],
        tasks=[
            Task(id="a", effort_hours=5, headcount=0, resources={"crane": 1}),
            Task(id="b", effort_hours=3, headcount=0, resources={"crane": 1}, after=["a"]),
        ],
    )


def test_fixed_durations_leave_out_searches_that_do_not_schedule():
    problem = compile_problem(_resource_only())
    assert problem.fixed_durations
    chosen = subsolvers(problem, 2, pooled=False)
    assert all(f'ignore_subsolvers: "{name}"' in chosen for name in NOT_SCHEDULING)
    assert subsolvers(problem, 1, pooled=False) == ""  # one worker runs no neighbourhoods


def test_people_or_a_pausing_calendar_keep_cp_sats_default():
    from allocate.examples import agency

    staffed = compile_problem(agency())
    office_hours = compile_problem(_resource_only(calendar=agency().people[0].calendar))
    assert not staffed.fixed_durations and not office_hours.fixed_durations
    assert subsolvers(staffed, 2, pooled=False) == subsolvers(office_hours, 2, pooled=False) == ""
    assert "reduced_costs" in subsolvers(staffed, 2, pooled=True)


def _ignored(monkeypatch) -> list[list[str]]:
    """The `ignore_subsolvers` of every CP-SAT solve from now on."""
    seen: list[list[str]] = []
    watched = run.solve_watched

    def spy(solver, model, callback, budget):
        seen.append(list(solver.parameters.ignore_subsolvers))
        return watched(solver, model, callback, budget)

    monkeypatch.setattr(run, "solve_watched", spy)
    return seen


@needs_psplib
def test_a_psplib_solve_runs_without_them_and_its_plan_passes_the_checker(monkeypatch):
    from allocate.instances import read_psplib

    seen = _ignored(monkeypatch)
    scenario = read_psplib(DATA / "j301_1.sm")
    plan = solve(scenario, strategy=CpSat(workers=2), time_limit=5, seed=1)
    assert plan.feasible and not check(scenario, plan)
    assert seen and all(names == list(NOT_SCHEDULING) for names in seen)


def test_subsolvers_the_caller_names_replace_the_choice():
    problem = compile_problem(_resource_only())

    def ignored(strategy: CpSat) -> list[str]:
        parameters = cp_model.CpSolver().parameters
        strategy._configurer(problem, seed=1)(parameters, Budget(5))
        return list(parameters.ignore_subsolvers)

    assert ignored(CpSat(workers=2)) == list(NOT_SCHEDULING)
    assert ignored(CpSat(workers=2, params={"ignore_subsolvers": ["ls"]})) == ["ls"]
    assert ignored(CpSat(workers=2, params={"subsolvers": ["default_lp"]})) == []
