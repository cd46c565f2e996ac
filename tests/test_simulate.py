"""Risk simulation: efforts drawn from estimates, the plan executed through calendars and
people, percentiles that mean what they say, the same answer on any executor."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from allocate import Calendar, Dependency, Person, Project, Scenario, Task, solve
from allocate.analysis import sampling, simulate
from allocate.analysis.execute import execute
from allocate.on_grid import on_grid
from allocate.problem import compile_problem
from allocate.scenario import Estimate, Uncertainty
from scenarios import scenarios

MONDAY = datetime(2027, 1, 4, 8, tzinfo=UTC)
ACME = (Project(id="acme"),)
BERLIN = Calendar(timezone="Europe/Berlin")


def _scenario(*tasks, uncertainty=None, people=None, projects=ACME):
    return Scenario(
        start=MONDAY,
        people=people or [Person(id="ana", skills={"dev": 1}, calendar=BERLIN)],
        projects=projects,
        tasks=tasks,
        calendar=BERLIN,
        uncertainty=uncertainty or Uncertainty(),
    )


def _executed_ends(scenario, plan):
    problem = compile_problem(scenario)
    placed = on_grid(problem, plan)
    person, order = placed.person, placed.order
    draws = sampling.prepare(scenario, problem, person)
    effort = np.vstack([problem.effort, sampling.efforts(draws, 0, range(1))])
    return problem, execute(problem, person, order, effort).end


def _without_what_execution_ignores(scenario: Scenario) -> Scenario:
    """The scenario without shared resources, pins and limits (which may delay a greedy plan
    where the execution would not wait)."""
    data = scenario.model_dump()
    data["resources"], data["pins"] = [], []
    for person in data["people"]:
        person["max_projects"] = person["max_hours_per_week"] = None
    for task in data["tasks"]:
        task["resources"] = {}
    return Scenario.model_validate(data)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_people=3, max_tasks=6))
def test_executing_a_plan_with_its_own_efforts_never_ends_a_task_later(scenario):
    """Every rule the execution keeps is one the plan keeps, so with the planned efforts no task
    ends later than planned; a greedy plan of a scenario without shared resources, limits or pins
    comes back exactly (the execution starts each task as early as its people and predecessors
    allow, which is where the greedy rule puts it)."""
    plain = _without_what_execution_ignores(scenario)
    for case, strategy in ((scenario, "greedy"), (scenario, "cpsat"), (plain, "greedy")):
        plan = solve(case, strategy=strategy, time_limit=2, seed=1)
        if plan.unplaced:
            continue
        problem = compile_problem(case)
        placed = on_grid(problem, plan)
        person, order, planned = placed.person, placed.order, placed.end
        ends = execute(problem, person, order, problem.effort[None, :]).end[0]
        assert (ends[order] <= planned[order]).all()
        if case is plain:
            assert (ends[order] == planned[order]).all()


def test_without_uncertainty_every_percentile_is_the_plan():
    tasks = [
        Task(id="a", project="acme", effort_hours=20, skills={"dev": 1}),
        Task(id="b", project="acme", effort_hours=12, skills={"dev": 1}, after=["a"]),
    ]
    scenario = _scenario(*tasks)
    plan = solve(scenario, strategy="greedy")
    risk = simulate(scenario, plan, samples=20, seed=3)
    for policy in ("execute", "replan"):
        acme = risk.outlook("acme", policy)
        assert acme.p50 == acme.p95 == plan.assignment("b").end


def test_a_longer_task_moves_its_successor_and_the_persons_next_task():
    """Ana does a then c; b follows a. If a takes twice as long, b and c both move by its extra
    working hours, through the night and the weekend on Ana's Berlin calendar."""
    tasks = [
        Task(
            id="a",
            project="acme",
            effort_hours=8,
            skills={"dev": 1},
            estimate=Estimate(low=16, likely=16, high=16),
        ),
        Task(id="b", project="acme", effort_hours=8, people=0, after=["a"]),
        Task(id="c", project="acme", effort_hours=8, skills={"dev": 1}, after=["a"]),
    ]
    scenario = _scenario(*tasks)
    plan = solve(scenario, strategy="greedy")
    problem, ends = _executed_ends(scenario, plan)
    a, b, c = (problem.task_ids.index(t) for t in "abc")
    assert problem.grid.time(ends[1, a]) == datetime(2027, 1, 5, 16, tzinfo=UTC)  # Tue 17:00
    assert ends[1, c] - ends[0, c] == 24  # one working day later: Tue 17:00 -> Wed 17:00
    assert ends[1, b] > ends[0, b]


def test_pert_and_triangular_draws_have_their_means():
    task = Task(
        id="a", effort_hours=10, skills={"dev": 1}, estimate=Estimate(low=6, likely=10, high=20)
    )
    for distribution, mean in (("pert", (6 + 40 + 20) / 6), ("triangular", (6 + 10 + 20) / 3)):
        scenario = _scenario(task, uncertainty=Uncertainty(distribution=distribution), projects=())
        problem = compile_problem(scenario)
        draws = sampling.prepare(scenario, problem, np.zeros(1, dtype=np.int64))
        hours = sampling.efforts(draws, 7, range(4000))[:, 0] * problem.hours_per_tick
        assert hours.min() >= 6 and hours.max() <= 20
        assert hours.mean() == pytest.approx(mean + 0.5, abs=0.25)  # + rounding up to the hour


def test_a_default_spread_applies_to_tasks_without_an_estimate_and_sick_days_add_work():
    task = Task(id="a", effort_hours=40, skills={"dev": 1})
    spread = _scenario(task, uncertainty=Uncertainty(low=1, likely=1, high=2), projects=())
    sick = _scenario(task, uncertainty=Uncertainty(sick_days_per_year=52), projects=())
    for scenario, low, high in ((spread, 40, 80), (sick, 40, 200)):
        problem = compile_problem(scenario)
        draws = sampling.prepare(scenario, problem, np.zeros(1, dtype=np.int64))
        hours = sampling.efforts(draws, 1, range(500))[:, 0] * problem.hours_per_tick
        assert low <= hours.min() and hours.max() <= high and hours.mean() > low
    # 52 sick days a year on a 5-day week: one a week; a 5-day task gains ~8 h on average
    problem = compile_problem(sick)
    draws = sampling.prepare(sick, problem, np.zeros(1, dtype=np.int64))
    hours = sampling.efforts(draws, 1, range(2000))[:, 0] * problem.hours_per_tick
    assert hours.mean() == pytest.approx(48, abs=1)


def test_ignoring_people_is_optimistic():
    """Without one-at-a-time, two tasks of one person overlap: the critical-path view ends
    sooner."""
    tasks = [Task(id=t, project="acme", effort_hours=16, skills={"dev": 1}) for t in "ab"]
    scenario = _scenario(*tasks)
    plan = solve(scenario, strategy="greedy")
    problem = compile_problem(scenario)
    placed = on_grid(problem, plan)
    person, order, planned = placed.person, placed.order, placed.end
    with_people = execute(problem, person, order, problem.effort[None, :]).end.max()
    without = execute(
        problem, person, order, problem.effort[None, :], sequence_people=False
    ).end.max()
    assert without < with_people == planned.max()


def test_criticality_follows_the_chain_behind_the_finish():
    tasks = [
        Task(id="a", project="acme", effort_hours=8, skills={"dev": 1}),
        Task(id="b", project="acme", effort_hours=8, people=0, after=["a"]),
        Task(id="c", project="acme", effort_hours=2, people=0),
    ]
    scenario = _scenario(*tasks, uncertainty=Uncertainty(low=0.5, likely=1, high=1.5))
    plan = solve(scenario, strategy="greedy")
    risk = simulate(scenario, plan, samples=50, seed=1, policies=("execute",))
    shares = {c.task: c.share for c in risk.critical}
    assert shares["a"] == shares["b"] == 1.0
    assert "c" not in shares


def test_the_same_seed_gives_the_same_answer_on_any_executor():
    tasks = [
        Task(id="a", project="acme", effort_hours=8, skills={"dev": 1}),
        Task(id="b", project="acme", effort_hours=8, skills={"dev": 1}, after=["a"]),
    ]
    scenario = _scenario(*tasks, uncertainty=Uncertainty(low=0.5, likely=1, high=2))
    plan = solve(scenario, strategy="greedy")
    serial = simulate(scenario, plan, samples=120, seed=5)
    with ThreadPoolExecutor(2) as pool:
        threaded = simulate(scenario, plan, samples=120, seed=5, executor=pool)
    assert threaded == serial
    assert simulate(scenario, plan, samples=120, seed=6) != serial


def test_bad_requests_are_named():
    scenario = _scenario(Task(id="a", project="acme", effort_hours=8, skills={"dev": 1}))
    plan = solve(scenario, strategy="greedy")
    with pytest.raises(ValueError, match="samples must be at least 1"):
        simulate(scenario, plan, samples=0)
    with pytest.raises(ValueError, match="policies must be among"):
        simulate(scenario, plan, policies=("guess",))
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        simulate(scenario, plan, samples=5).outlook("acme").by(1.5)
    with pytest.raises(ValueError, match="low <= likely <= high"):
        Estimate(low=5, likely=3, high=8)
    with pytest.raises(ValueError, match="milestone 'm' takes no work"):
        Task(id="m", milestone=True, estimate=Estimate(low=1, likely=1, high=1))


def test_views_of_the_bundled_example():
    from allocate.examples import agency

    scenario = agency().model_copy(
        update={"uncertainty": Uncertainty(low=0.8, likely=1, high=1.5, sick_days_per_year=6)}
    )
    plan = solve(scenario, strategy="greedy")
    risk = simulate(scenario, plan, samples=60, seed=1)
    text = str(risk)
    assert "shop" in text and "P80" in text and "re-plan" in text
    assert "<table" in risk._repr_html_()
    frame = risk.to_dataframe()
    assert set(frame["policy"]) == {"execute", "replan"}
    assert risk.promise("shop", 0.8) == risk.outlook("shop").p80
    figure = risk.chart(["shop", "portal"])
    assert len(figure.data) == 4
    assert [p.id for p in risk.people] == [p.id for p in scenario.people]


def test_a_dask_cluster_gives_the_serial_answer():
    distributed = pytest.importorskip(
        "distributed", reason="needs dask distributed: pip install 'allocate[distributed]'"
    )
    tasks = [
        Task(id="a", project="acme", effort_hours=8, skills={"dev": 1}),
        Task(id="b", project="acme", effort_hours=8, skills={"dev": 1}, after=["a"]),
        Task(id="c", project="acme", effort_hours=4, people=0, after=[Dependency(task="a")]),
    ]
    scenario = _scenario(*tasks, uncertainty=Uncertainty(low=0.5, likely=1, high=2))
    plan = solve(scenario, strategy="greedy")
    serial = simulate(scenario, plan, samples=150, seed=2)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        spread = simulate(scenario, plan, samples=150, seed=2, executor=client.get_executor())
    assert spread == serial


def test_dashboards_and_report_say_how_sure_each_date_is(tmp_path):
    from allocate.examples import agency
    from allocate.report import markdown, write_report

    scenario = agency().replace(uncertainty=Uncertainty(low=0.8, likely=1, high=1.5))
    plan = solve(scenario, strategy="greedy")
    risk = simulate(scenario, plan, samples=40, seed=1)
    write_report(scenario, plan, tmp_path, risk=risk)
    shop = (tmp_path / "project-shop.html").read_text()
    assert 'data-testid="risk"' in shop and "80 % likely done by" in shop
    assert "Likely on time" in (tmp_path / "index.html").read_text()
    text = markdown(plan, risk)
    assert "## How sure the dates are" in text and "| shop | keep the plan |" in text
    without = tmp_path / "plain"
    write_report(scenario, plan, without)
    assert 'data-testid="risk"' not in (without / "project-shop.html").read_text()


def test_the_risk_verb_prints_the_dates_and_refuses_bad_options(tmp_path, capsys):
    from allocate.cli import main

    plan = tmp_path / "plan.json"
    assert (
        main(
            [
                "solve",
                "--out",
                str(plan),
                "--report",
                str(tmp_path / "r.md"),
                "--strategy",
                "greedy",
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["risk", str(plan), "--samples", "30", "--spread", "0.8,1,1.5"]) == 0
    out = capsys.readouterr().out
    assert "Risk: 30 samples" in out and "re-plan" in out
    assert main(["risk", str(plan), "--spread", "2,1,1"]) == 2
    assert "is not low,likely,high" in capsys.readouterr().err
    assert main(["risk", str(plan), "--samples", "0"]) == 2
