"""Lower bounds (`allocate.bounds`): below every plan, equal to the optimum where they should be.

Each bound gets a small plan whose optimum CP-SAT proves (one worker), where the bound is tight
and the resource-free floor alone is not; a hypothesis test checks every term's bound against the
plans of every strategy on random scenarios with teams, pins, resources and limits.
"""

import importlib.util
from datetime import UTC, datetime, timedelta
from itertools import permutations
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate import Calendar, Person, Project, Scenario, Task, solve, terms
from allocate.bounds import finish_bounds, level_bounds, term_bounds
from allocate.bounds.competition import _packed
from allocate.bounds.earliest import earliest_schedule
from allocate.bounds.tails import shortest_spans
from allocate.bounds.weekly import _capped
from allocate.budget import Budget
from allocate.matching import min_assignment
from allocate.problem import compile_problem
from allocate.scenario import Resource
from allocate.strategies.cpsat import CpSat
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from allocate.terms import level_values
from scenarios import scenarios

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 in Berlin
BERLIN = Calendar(timezone="Europe/Berlin")  # 09:00-17:00 on weekdays
ALWAYS = Calendar(
    weekly_hours={d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
)
ALL_TERMS = set(terms.TERMS)


def problem_of(objective, people=(), tasks=(), **fields):
    scenario = Scenario(
        start=MONDAY,
        horizon_end=MONDAY + timedelta(weeks=3),
        people=list(people),
        tasks=list(tasks),
        objective=objective,
        **fields,
    )
    return compile_problem(scenario)


def optimum(problem) -> tuple[float, ...]:
    """The proven optimal level values (one worker, fixed seed)."""
    outcome = CpSat(workers=1).solve(problem, time_limit=20, seed=1)
    assert outcome.status == "optimal", outcome.stats
    return outcome.level_values


def resource_free(problem, term: str) -> float:
    return terms.TERMS[term].value(problem, earliest_schedule(problem).end, None)


def ana_and(*tasks, **fields):
    return [Person(id="ana", skills={"design": 2}, calendar=BERLIN, **fields)], list(tasks)


def test_makespan_counts_the_hours_only_a_pool_can_work():
    """Three days of work for one person end on Wednesday evening, not on Monday's."""
    people, tasks = ana_and(
        *(Task(id=f"t{i}", effort_hours=8, skills={"design": 1}) for i in range(3))
    )
    problem = problem_of(({"makespan": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (2 * 24 + 8,)
    assert resource_free(problem, "makespan") == 8


def test_optional_work_may_be_left_out():
    """An optional third day of work counts in no bound: the plan that leaves it out ends on
    Tuesday evening and costs two days (then it pays 8 h unplaced, whose bound is 0)."""
    people, tasks = ana_and(
        *(Task(id=f"t{i}", effort_hours=8, skills={"design": 1}, project="web") for i in range(2)),
        Task(id="extra", effort_hours=8, skills={"design": 1}, project="web", optional=True),
        hourly_rate=100,
    )
    objective = ({"makespan": 1.0}, {"cost": 1.0}, {"unplaced": 1.0})
    problem = problem_of(objective, people, tasks, projects=[Project(id="web")])
    assert level_bounds(problem) == (24 + 8.0, 1600.0, 0.0)
    assert optimum(problem) == (24 + 8.0, 1600.0, 8.0)


def test_a_due_counts_the_work_of_its_tasks_and_their_predecessors():
    """A project's tasks and what they wait for, all Ana's, end a day after the deadline; the
    unrelated task does not count, and one late project is unavoidable."""
    people, tasks = ana_and(
        Task(id="brief", effort_hours=4, skills={"design": 1}),
        Task(id="a", effort_hours=4, skills={"design": 1}, project="web", after=["brief"]),
        Task(id="b", effort_hours=8, skills={"design": 1}, project="web"),
        Task(id="other", effort_hours=8, skills={"design": 1}),
    )
    web = Project(id="web", deadline=MONDAY + timedelta(hours=8), priority=2)  # Monday 17:00
    problem = problem_of(({"lateness": 1.0}, {"late_projects": 1.0}), people, tasks, projects=[web])
    assert level_bounds(problem) == optimum(problem) == (2 * 24.0, 1.0)
    assert resource_free(problem, "lateness") == resource_free(problem, "late_projects") == 0


def test_dues_that_compete_for_a_person_cannot_all_be_met():
    """Three one-day tasks, all Ana's, all due Monday evening: each alone could make it, together
    the second is a day late and the third two; the most urgent goes first. Each due's own floor
    is on time, so only the order-of-completion bound (`competition`) sees the lateness."""
    deadline = MONDAY + timedelta(hours=8)  # Monday 17:00
    people, tasks = ana_and(
        *(
            Task(id=f"t{p}", effort_hours=8, skills={"design": 1}, deadline=deadline, priority=p)
            for p in (1, 2, 3)
        )
    )
    problem = problem_of(({"lateness": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == ((2 * 1 + 1 * 2) * 24.0,)
    finishes, _ = finish_bounds(problem)
    assert (finishes <= [due.tick for due in problem.dues]).all()


def test_a_task_waits_for_the_work_its_predecessors_queue_for():
    """Two days of Ana's work, then Ben's day: the resource-free schedule ends Ben's task on
    Tuesday, but Ana's two days end on Tuesday evening, so Ben works on Wednesday (`heads`)."""
    people = [
        Person(id="ana", skills={"design": 1}, calendar=BERLIN),
        Person(id="ben", skills={"backend": 1}, calendar=BERLIN),
    ]
    tasks = [
        *(Task(id=f"d{i}", effort_hours=8, skills={"design": 1}) for i in range(2)),
        Task(
            id="api",
            effort_hours=8,
            skills={"backend": 1},
            after=["d0", "d1"],
            deadline=MONDAY + timedelta(hours=8),  # Monday 17:00
        ),
    ]
    problem = problem_of(({"lateness": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (2 * 24.0,)
    assert resource_free(problem, "lateness") == 24


def test_dues_released_late_cannot_use_the_idle_days_before():
    """Ana works Monday on a task due Friday; two one-day tasks released on Wednesday and due
    that evening cannot both make it. Counted from Monday (the first release), three days of work
    would leave room for both; the shortest-remaining-work schedule from the releases does not."""
    wednesday = MONDAY + timedelta(days=2)
    people, tasks = ana_and(
        Task(id="early", effort_hours=8, skills={"design": 1}, deadline=MONDAY + timedelta(days=4)),
        *(
            Task(
                id=f"late{i}",
                effort_hours=8,
                skills={"design": 1},
                release=wednesday,
                deadline=wednesday + timedelta(hours=8),
            )
            for i in range(2)
        ),
    )
    problem = problem_of(({"lateness": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (24.0,)


def test_a_task_cannot_be_split_between_two_people():
    """Ana's one-day task is due Monday evening; the two-day task either of them may do is due
    Tuesday evening, but Ben works Mondays only. Summed, their hours fit both deadlines; one
    person at a time, the two-day task ends a day late on Ana (or a week late on Ben), or Ana's
    task two days late (`pairs`)."""
    mondays = Calendar(timezone="Europe/Berlin", weekly_hours={"mon": ["09:00-17:00"]})
    people = [
        Person(id="ana", skills={"design": 2}, calendar=BERLIN),
        Person(id="ben", skills={"design": 1}, calendar=mondays),
    ]
    monday, tuesday = MONDAY + timedelta(hours=8), MONDAY + timedelta(hours=32)  # 17:00
    tasks = [
        Task(id="only", effort_hours=8, skills={"design": 2}, deadline=monday),
        Task(id="long", effort_hours=16, skills={"design": 1}, deadline=tuesday),
    ]
    problem = problem_of(({"lateness": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (24.0,)


def test_a_raised_end_is_not_lowered_by_a_raised_predecessor():
    """`pairs` raises the ends of two tasks at once; when one follows the other, redoing the
    follower from its predecessor's raised end must keep its own raised end where that is later
    (the bound stays valid either way, but would be weaker)."""
    from allocate.bounds.pairs import _Chains

    people, tasks = ana_and(
        Task(id="a", effort_hours=8, skills={"design": 1}),
        Task(
            id="b",
            effort_hours=8,
            skills={"design": 1},
            after=["a"],
            deadline=MONDAY + timedelta(days=1),
        ),
    )
    problem = problem_of(({"lateness": 1.0},), people, tasks)
    earliest = earliest_schedule(problem)
    a, b = problem.task_ids.index("a"), problem.task_ids.index("b")
    chains = _Chains(problem, earliest)
    a_later, b_later = int(earliest.end[a]) + 1, int(earliest.end[b]) + 48
    assert chains.due_end(0, {a: a_later}) < b_later
    assert chains.due_end(0, {a: a_later, b: b_later}) == b_later


def test_a_task_lasts_at_least_its_shortest_window_of_working_hours():
    """Twelve hours on a 09:00-17:00 weekday calendar take at least a day and a half: 8 + 16
    (the night) + 4 elapsed hours; a team lasts as long as its slowest member needs."""
    people, tasks = ana_and(Task(id="long", effort_hours=12, skills={"design": 1}))
    problem = problem_of(({"makespan": 1.0},), people, tasks)
    assert shortest_spans(problem).tolist() == [28]


def test_a_due_of_optional_work_only_may_be_left_out_on_time():
    """An optional task already past its deadline can be left out: no lateness is unavoidable."""
    people, tasks = ana_and(
        Task(
            id="extra",
            effort_hours=8,
            skills={"design": 1},
            optional=True,
            deadline=MONDAY - timedelta(days=2),
            project="p",
        )
    )
    projects = [Project(id="p", deadline=MONDAY - timedelta(days=2))]
    objective = ({"lateness": 1.0}, {"late_projects": 1.0}, {"unplaced": 1.0})
    problem = problem_of(objective, people, tasks, projects=projects)
    assert level_bounds(problem) == (0.0, 0.0, 0.0)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(cost=hnp.arrays(float, st.integers(1, 6).map(lambda n: (n, n)), elements=st.integers(0, 9)))
def test_min_assignment_is_the_cheapest_matching(cost):
    """The Hungarian method's total equals the best of all permutations, ties included."""
    cheapest = min(cost[range(len(cost)), list(p)].sum() for p in permutations(range(len(cost))))
    assert min_assignment(cost) == cheapest


def test_gains_of_groups_of_dues_add_up_where_they_share_no_due_and_in_part_where_they_do():
    """Disjoint groups add up; three groups that pairwise share a due count half each (each
    due's lateness beyond its floor is split between its two groups)."""
    assert _packed([(5.0, frozenset({0, 1})), (7.0, frozenset({2}))]) == 12.0
    triangle = [(10.0, frozenset(pair)) for pair in ({0, 1}, {1, 2}, {0, 2})]
    assert abs(_packed(triangle) - 15.0) < 1e-6
    assert _packed([(10.0, frozenset({0, 1})), (4.0, frozenset({1}))]) == 10.0


def test_resource_energy_bounds_the_makespan_of_work_without_people():
    """Three four-hour tasks that each hold the only lab unit take twelve hours."""
    tasks = [Task(id=f"t{i}", effort_hours=4, people=0, resources={"lab": 1}) for i in range(3)]
    problem = problem_of(
        ({"makespan": 1.0},), tasks=tasks, resources=[Resource(id="lab")], calendar=ALWAYS
    )
    assert level_bounds(problem) == optimum(problem) == (12.0,)
    assert resource_free(problem, "makespan") == 4


def test_the_last_of_the_contended_work_still_has_its_tail_to_go():
    """Two lab tasks one after the other, then the report that waits for both: twelve hours,
    for the project's deadline too."""
    lab = [Task(id=f"t{i}", effort_hours=4, people=0, resources={"lab": 1}) for i in range(2)]
    report = Task(id="report", effort_hours=4, people=0, after=["t0", "t1"], project="p")
    due = Project(id="p", deadline=MONDAY + timedelta(hours=10))
    problem = problem_of(
        ({"makespan": 1.0}, {"lateness": 1.0}),
        tasks=[*lab, report],
        projects=[due],
        resources=[Resource(id="lab")],
        calendar=ALWAYS,
    )
    assert level_bounds(problem) == optimum(problem) == (12.0, 2.0)
    assert resource_free(problem, "makespan") == 8


def test_weekly_limits_cap_a_pools_capacity():
    """Eight hours a week for three days of work: the last ends on the third Monday evening,
    which the greedy plan reaches (so both are optimal)."""
    people, tasks = ana_and(
        *(Task(id=f"t{i}", effort_hours=8, skills={"design": 1}) for i in range(3)),
        max_hours_per_week=8,
    )
    problem = problem_of(({"makespan": 1.0},), people, tasks)
    outcome = Greedy().solve(problem)
    assert level_bounds(problem) == outcome.level_values == (2 * 7 * 24 + 8.0,)


def test_capped_work_counts_each_week_up_to_the_limit():
    """Weeks of 5 working ticks from tick 0 and 10, limit 3: the capped count, and the week
    floors that the capacity since a tick is measured from."""
    cum = np.array([0, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 6, 7, 8, 9, 10])
    capped, floor = _capped(cum, np.array([0, 10, 20]), 3)
    assert capped.tolist() == [0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 5, 6, 6, 6]
    assert floor.tolist() == [0] * 10 + [3] * 6


def test_cost_takes_each_slot_at_its_cheapest_rate():
    """A team of two and a task for one: the two cheapest on the team, the cheapest alone."""
    people = [
        Person(id=name, skills={"design": 1}, calendar=BERLIN, hourly_rate=rate)
        for name, rate in (("ana", 50), ("ben", 80), ("cem", 120))
    ]
    tasks = [
        Task(id="pair", effort_hours=2, people=2, skills={"design": 1}),
        Task(id="solo", effort_hours=3, skills={"design": 1}),
    ]
    problem = problem_of(({"cost": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (2 * 50 + 2 * 80 + 3 * 50,)


def test_preferences_count_tasks_that_cannot_meet_them():
    """A preferred person who lacks the skill, and a task only an avoided person can do."""
    people = [
        Person(id="ana", skills={"design": 2}, calendar=BERLIN),
        Person(id="ben", skills={"design": 1}, calendar=BERLIN),
    ]
    tasks = [
        Task(id="hard", effort_hours=2, skills={"design": 2}, preferred=["ben"]),
        Task(id="easy", effort_hours=2, skills={"design": 1}, preferred=["ben"], avoided=["ana"]),
        Task(id="only", effort_hours=2, skills={"design": 2}, avoided=["ana"]),
    ]
    problem = problem_of(({"preferences": 1.0},), people, tasks)
    assert level_bounds(problem) == optimum(problem) == (2.0,)


def test_people_per_project_needs_one_per_disjoint_skill():
    """A design task and a backend task that no one can both do need two people."""
    people = [
        Person(id="ana", skills={"design": 1}, calendar=BERLIN),
        Person(id="ben", skills={"backend": 1}, calendar=BERLIN),
        Person(id="cem", skills={"backend": 1}, calendar=BERLIN),
    ]
    tasks = [
        Task(id=name, effort_hours=2, skills={skill: 1}, project="web", stream="s", after=after)
        for name, skill, after in (
            ("ui", "design", []),
            ("api", "backend", ["ui"]),
            ("db", "backend", ["api"]),
        )
    ]
    problem = problem_of(
        ({"people_per_project": 1.0}, {"handovers": 1.0}),
        people,
        tasks,
        projects=[Project(id="web")],
    )
    assert level_bounds(problem) == optimum(problem) == (2.0, 1.0)


def test_peak_is_at_least_the_average_of_a_pool_and_spread_counts_the_idle():
    """Two designers share 32 hours of design work; the developer has nothing to do."""
    people = [
        Person(id="ana", skills={"design": 1}, calendar=BERLIN),
        Person(id="ben", skills={"design": 1}, calendar=BERLIN),
        Person(id="dev", skills={"backend": 1}, calendar=BERLIN),
    ]
    tasks = [Task(id=f"t{i}", effort_hours=8, skills={"design": 1}) for i in range(4)]
    until = MONDAY + timedelta(weeks=1)  # 40 working hours each
    problem = problem_of(
        ({"peak_utilisation": 1.0}, {"utilisation_spread": 1.0}), people, tasks, balance_until=until
    )
    assert level_bounds(problem) == optimum(problem) == (40.0, 40.0)


def test_bounds_of_an_empty_scenario_are_zero():
    problem = problem_of({name: 1.0} for name in sorted(ALL_TERMS))
    assert set(level_bounds(problem)) == {0.0}


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6))
def test_no_bound_exceeds_any_plan(scenario):
    """Every term's bound is at most its value in the plan of every strategy (teams, pins,
    resources, project limits and every dependency type), and so is every level's."""
    problem = compile_problem(scenario)
    bounds = term_bounds(problem, ALL_TERMS)
    greedy = Greedy().solve(problem)
    outcomes = [greedy]
    if greedy.schedule.complete:
        hint = greedy.schedule
        outcomes.append(CpSat(workers=1).solve(problem, time_limit=5, seed=1, hint=hint))
        outcomes.append(
            Lns(workers=1, iterations=2).solve(problem, time_limit=5, seed=1, hint=hint)
        )
    for outcome in outcomes:
        schedule = outcome.schedule
        if not schedule.complete:
            continue
        for name in ALL_TERMS:
            value = terms.TERMS[name].value(problem, schedule.end, schedule.person)
            assert bounds[name] <= value + 1e-9, (name, bounds[name], value)
        values = level_values(problem, schedule.end, schedule.person)
        assert all(b <= v + 1e-9 for b, v in zip(level_bounds(problem), values, strict=True))


def _generate():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("benchmarks_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.mark.parametrize(
    ("size", "seed"),
    [("4x12", s) for s in (1, 3, 4, 5, 7, 8, 9, 10)]
    + [("5x16", s) for s in (1, 2, 3, 5, 7, 8, 10)]
    + [("6x20", 1), ("6x20", 5)]
    + [("8x30", s) for s in (2, 4, 6, 10)],
)
def test_lateness_bound_stays_below_plans_of_generated_agencies(size, seed):
    """On small generated agency scenarios (benchmarks/generate.py; the seeds whose work fits
    the horizon and whose optimum CP-SAT proves within one deterministic unit), where queues for
    the same people make most of the lateness, the bound stays below the optimal plan and never
    below the resource-free floor. A deterministic budget keeps the outcome (and the test's
    length, a few seconds in all) independent of the machine's load."""
    people, tasks = map(int, size.split("x"))
    scenario = _generate()(people, tasks, seed)
    scenario = scenario.model_copy(update={"objective": ({"lateness": 1.0},)})
    problem = compile_problem(scenario)
    bound = term_bounds(problem, {"lateness"})["lateness"]
    outcome = CpSat(workers=1).solve(
        problem, time_limit=60, seed=1, budget=Budget.deterministic(1.0)
    )
    assert outcome.status == "optimal", outcome.stats
    schedule = outcome.schedule
    assert bound <= terms.TERMS["lateness"].value(problem, schedule.end, schedule.person) + 1e-9
    assert bound >= resource_free(problem, "lateness")


@settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(scenario=scenarios(max_people=3, max_tasks=6, weekly=True))
def test_no_bound_exceeds_a_plan_with_weekly_limits(scenario):
    """Weekly limits only take capacity away: every term's bound stays below the greedy plan
    the checker accepts (all terms as levels, so that the plan reports each)."""
    scenario = scenario.model_copy(update={"objective": tuple({n: 1.0} for n in sorted(ALL_TERMS))})
    plan = solve(scenario, strategy="greedy")
    if plan.feasible and not plan.violations:
        bounds = term_bounds(compile_problem(scenario), ALL_TERMS)
        for name in ALL_TERMS:
            assert bounds[name] <= plan.objective[name] + 1e-6, (name, bounds[name])


def test_bounds_without_the_costlier_parts_are_weaker_never_stronger():
    """A solve whose time limit leaves no room computes the bounds without energy heads and
    contested pairs: each level's bound is then at most the thorough one (and still a bound)."""
    from allocate.bounds import level_bounds
    from test_lns import generated

    for seed in (1, 2, 3):
        problem, greedy = generated(10, 100, seed=seed)
        quick, thorough = level_bounds(problem, thorough=False), level_bounds(problem)
        assert all(q <= t + 1e-9 for q, t in zip(quick, thorough, strict=True))
        assert all(t <= v + 1e-9 for t, v in zip(thorough, greedy.level_values, strict=True))
    assert quick[0] < thorough[0]  # the costlier parts matter here


def test_only_a_budget_with_room_computes_the_costlier_bounds():
    """Room means six times the first plan's time left, or a budget that counts work (whose
    results must not depend on the clock)."""
    from allocate.budget import Budget
    from allocate.solve import _room_for_thorough_bounds

    assert _room_for_thorough_bounds(Budget.deterministic(5.0), first_plan=100.0)
    assert _room_for_thorough_bounds(Budget(60.0), first_plan=0.3)
    assert not _room_for_thorough_bounds(Budget(1.0), first_plan=0.3)
