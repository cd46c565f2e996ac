"""Recommendations: who should take a new request, screened by insertion, refined by re-planning,
each option with its effects and reasons; unqualified people excluded with why."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from allocate import (
    Calendar,
    Person,
    Pin,
    Project,
    Scenario,
    Task,
    TimeOff,
    check,
    recommend,
    solve,
)
from allocate.analysis.insertion import Kept, _pushing, best_placement
from allocate.on_grid import on_grid
from allocate.plan import SolveStats
from allocate.problem import NONE, compile_problem
from allocate.schedule import Schedule, earliest_times
from allocate.solve import verified_plan
from allocate.strategies.base import Outcome
from scenarios import scenarios

MONDAY = datetime(2027, 1, 4, 8, tzinfo=UTC)
BERLIN = Calendar(timezone="Europe/Berlin")


def _scenario(*tasks: Task, people=None, **fields) -> Scenario:
    people = people or [
        Person(id="ana", skills={"backend": 4}, calendar=BERLIN, hourly_rate=100),
        Person(id="ben", skills={"backend": 3}, calendar=BERLIN, hourly_rate=80),
        Person(id="cy", skills={"design": 3}, calendar=BERLIN, hourly_rate=90),
    ]
    return Scenario(start=MONDAY, people=people, tasks=tasks, calendar=BERLIN, **fields)


def _busy_ana() -> tuple[Scenario, object]:
    """Ana has a week of backend work due Friday; Ben is free."""
    work = Task(
        id="api",
        effort_hours=40,
        skills={"backend": 4},
        deadline=datetime(2027, 1, 8, 16, tzinfo=UTC),
    )
    scenario = _scenario(work)
    return scenario, solve(scenario, strategy="greedy")


REQUEST = Task(
    id="fix", effort_hours=8, skills={"backend": 3}, deadline=datetime(2027, 1, 6, 16, tzinfo=UTC)
)


def test_the_free_person_is_recommended_and_the_busy_one_would_delay_her_work():
    """Ben is free and finishes the request Monday; Ana would have to push her own work."""
    scenario, plan = _busy_ana()
    options = recommend(scenario, plan, REQUEST, top=2, time_limit=2)
    assert [o.person for o in options] == ["ben", "ana"]
    best = options[0]
    assert best.exact and best.finish == datetime(2027, 1, 4, 16, tzinfo=UTC)
    assert best.late_hours == 0 and not best.effects.delayed
    assert "delays nothing else" in best.reasons
    assert best.cost == 640 and "costs 640 (8 h at 80 an hour)" in best.reasons
    assert [str(e) for e in options.excluded] == ["cy: lacks backend 3 for 'fix'"]


def test_exact_options_are_re_plans_from_the_current_plan_checked_against_it():
    """Every refined option's plan is a minimal-disruption re-plan of the scenario with the
    request pinned to its person: the checker accepts it against the current plan (its
    `changes` included), and its diff says what it changes there."""
    scenario, plan = _busy_ana()
    options = recommend(scenario, plan, REQUEST, top=2, time_limit=2)
    for option in options:
        assert option.exact and option.plan is not None
        assert option.plan.feasible and not option.plan.violations
        assert option.plan.assignment("fix").people == (option.person,)
        pinned = scenario.replace(
            tasks=(*scenario.tasks, REQUEST), pins=[Pin(task="fix", person=option.person)]
        )
        assert check(pinned, option.plan, previous=plan) == []
        assert "changes" in option.plan.objective
        assert [c.task for c in option.diff.of("added")] == ["fix"]
    assert check(scenario, options.baseline, previous=plan) == []  # the re-plan without it
    assert not options.baseline_diff  # nothing to improve without the request
    ben, ana = options
    assert not ben.diff.moved and not ben.diff.reassigned  # Ben is free: nothing else moves
    assert [c.task for c in ana.diff.moved] == ["api"]  # Ana must push her own work


def test_the_same_request_gets_the_same_answer():
    """Re-plans are deterministic by default (one worker, a fixed amount of work)."""
    scenario, plan = _busy_ana()
    first, second = (recommend(scenario, plan, REQUEST, top=2, time_limit=1) for _ in range(2))
    assert [(o.person, o.levels, o.finish) for o in first] == [
        (o.person, o.levels, o.finish) for o in second
    ]


def test_screening_alone_estimates_pushing_the_busy_persons_work():
    """top=0: no re-plan. Ana can start the request at once and push 'api' by 8 h (it is then
    late), or do it after 'api' in free time (it is then late): the screen keeps the better."""
    scenario, plan = _busy_ana()
    options = recommend(scenario, plan, REQUEST, top=0)
    assert [(o.person, o.exact) for o in options] == [("ben", False), ("ana", False)]
    ana = options[1]
    assert ana.levels[0] > options[0].levels[0]


def test_time_off_is_named_as_why_a_person_starts_late():
    """Ben is on vacation until Wednesday: his option says so."""
    ben = Person(
        id="ben",
        skills={"backend": 3},
        calendar=BERLIN.replace(
            time_off=[TimeOff(start=date(2027, 1, 4), end=date(2027, 1, 6), reason="vacation")]
        ),
    )
    scenario = _scenario(people=[ben])
    plan = solve(scenario, strategy="greedy")
    [option] = recommend(scenario, plan, REQUEST, top=0, timezone="Europe/Berlin")
    assert option.start == datetime(2027, 1, 7, 8, tzinfo=UTC)
    assert "ben is on time off (vacation) until Wed 06 Jan" in option.reasons


def test_people_kept_off_or_without_time_are_excluded_with_why():
    """A zero weekly limit and a leave until past the horizon exclude people, each named."""
    people = [
        Person(id="zed", skills={"backend": 5}, max_hours_per_week=0, calendar=BERLIN),
        Person(
            id="gone",
            skills={"backend": 5},
            calendar=BERLIN.replace(
                time_off=[TimeOff(start=date(2027, 1, 1), end=date(2027, 12, 31))]
            ),
        ),
        Person(id="ben", skills={"backend": 3}, calendar=BERLIN),
    ]
    scenario = _scenario(people=people, horizon_end=datetime(2027, 6, 1, tzinfo=UTC))
    plan = solve(scenario, strategy="greedy")
    options = recommend(scenario, plan, REQUEST, top=0)
    assert [o.person for o in options] == ["ben"]
    reasons = {e.person: e.reason for e in options.excluded}
    assert reasons["zed"] == "is someone who may work 0 h a week"
    assert reasons["gone"].startswith("gone has no working time for it before the planning horizon")


def test_a_request_needing_a_skill_nobody_has_is_an_error_naming_it():
    scenario, plan = _busy_ana()
    with pytest.raises(ValidationError, match="task 'rust' needs rust 1; nobody has that"):
        recommend(scenario, plan, Task(id="rust", effort_hours=4, skills={"rust": 1}))


def test_bad_requests_are_named():
    """A reused id, a request of nothing to staff, a wrong type, an unknown zone."""
    scenario, plan = _busy_ana()
    with pytest.raises(ValidationError, match="task id 'api' is used 2 times"):
        recommend(scenario, plan, Task(id="api", effort_hours=4))
    with pytest.raises(ValueError, match="no task that needs a person"):
        recommend(scenario, plan, Task(id="m", milestone=True))
    with pytest.raises(TypeError, match="not str"):
        recommend(scenario, plan, ["fix"])
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Base'"):
        recommend(scenario, plan, REQUEST, timezone="Mars/Base", top=0)
    with pytest.raises(ValueError, match="time_limit"):
        recommend(scenario, plan, REQUEST, time_limit=0)


def test_a_small_project_request_goes_to_each_person_for_what_they_can_do():
    """Design then build, in a new project: Cy can only design; Ben and Ana only build. Each
    option names the tasks its person takes; the other task is still planned."""
    scenario, plan = _busy_ana()
    project = Project(id="promo", deadline=datetime(2027, 1, 15, 16, tzinfo=UTC))
    design = Task(id="promo-design", project="promo", effort_hours=8, skills={"design": 2})
    build = Task(
        id="promo-build",
        project="promo",
        effort_hours=16,
        skills={"backend": 3},
        after=["promo-design"],
    )
    options = recommend(scenario, plan, [project, design, build], top=3, time_limit=3)
    tasks = {o.person: o.tasks for o in options}
    assert tasks == {"cy": ("promo-design",), "ben": ("promo-build",), "ana": ("promo-build",)}
    for option in options:
        assert (
            option.plan.assignment("promo-design").end
            <= option.plan.assignment("promo-build").start
        )


def test_continuity_and_time_zone_overlap_are_reported():
    """Ben already works on the project; New York Nell shares 2 h a day with Berlin."""
    nell = Person(id="nell", skills={"backend": 3}, calendar=Calendar(timezone="America/New_York"))
    ben = Person(id="ben", skills={"backend": 3}, calendar=BERLIN)
    work = Task(id="shop-api", project="shop", effort_hours=8, skills={"backend": 3})
    scenario = _scenario(work, people=[ben, nell], projects=[Project(id="shop")])
    plan = solve(scenario, strategy="greedy", time_limit=1)
    request = Task(id="shop-fix", project="shop", effort_hours=4, skills={"backend": 3})
    options = {o.person: o for o in recommend(scenario, plan, request, top=0)}
    assert options["ben"].fit.continuity == ("already on 'shop' (1 task)",)
    assert options["nell"].fit.overlap_hours == 10  # 2 h a day (15:00-17:00 Berlin), Mon-Fri
    assert "10 h a week in the 'shop' team's working hours" in options["nell"].reasons
    customer = recommend(scenario, plan, request, top=0, customer_timezone="America/New_York")
    assert {o.person: o.fit.overlap_hours for o in customer} == {"ben": 10, "nell": 40}


def test_views_read_as_sentences_and_tables():
    scenario, plan = _busy_ana()
    options = recommend(scenario, plan, REQUEST, top=1, time_limit=1)
    text = str(options)
    assert text.startswith("Who should take 'fix'?")
    assert " 1. ben: finishes Mon 04 Jan 17:00" in text
    assert "Cannot take it:\n- cy: lacks backend 3 for 'fix'" in text
    html = options._repr_html_()
    assert "data-testid='options'" in html.replace('"', "'") and "ben" in html
    pd = pytest.importorskip("pandas")
    frame = options.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["person"]) == ["ben", "ana", "cy"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_people=3, max_tasks=7), st.integers(0, 6), st.integers(0, 2))
def test_insertion_keeps_every_rule_but_resources_and_limits(scenario, pick, who):
    """For any scenario: a task nothing depends on, taken out and put back by insertion at every
    place of a qualified person's sequence, gives schedules in which old work only moves later
    and keeps its people, and which the independent checker accepts but for shared resources and
    project limits (which pushed work does not re-check, by design)."""
    leaves = [
        t
        for t in scenario.tasks
        if t.staffed
        and t.team_size == 1
        and not t.optional
        and not any(d.task == t.id for other in scenario.tasks for d in other.after)
    ]
    if not leaves:
        return
    request = leaves[pick % len(leaves)]
    scenario = scenario.replace(pins=[p for p in scenario.pins if p.task != request.id])
    base = scenario.replace(tasks=[t for t in scenario.tasks if t.id != request.id])
    plan = solve(base, strategy="greedy")
    if not plan.feasible:
        return
    problem = compile_problem(scenario)
    placed = on_grid(problem, plan)
    kept = Kept(
        problem, Schedule(placed.start, placed.end, placed.person, optional=problem.optional)
    )
    people = [p for p, person in enumerate(scenario.people) if person.qualifies_for(request)]
    person = people[who % len(people)]
    index = problem.task_ids.index(request.id)
    lo, end_lo = earliest_times(problem, kept.schedule, index)
    placements = _pushing(kept, kept.schedule, kept.order, index, person, lo, end_lo)
    best = best_placement(kept, kept.schedule, kept.order, index, person)
    for placement in [*placements, *([best] if best else [])]:
        schedule = placement.schedule
        assert schedule.person[index] == person
        old = [i for i in range(problem.n_tasks) if i != index and placed.start[i] != NONE]
        assert all(schedule.start[i] >= placed.start[i] for i in old)
        assert all(schedule.person[i] == placed.person[i] for i in old)
        outcome = Outcome(schedule, "feasible", placement.levels, (), {})
        checked = verified_plan(scenario, problem, outcome, SolveStats())
        assert {v.rule for v in checked.violations} <= {"capacity", "max_projects"}, (
            checked.violations
        )
    assert np.array_equal(kept.schedule.start, placed.start)  # the shared plan is not changed


def test_a_strategy_instance_keeps_its_own_workers():
    """`workers` reaches a strategy chosen by name; an instance is used as it is."""
    from allocate.strategies.lns import Lns

    scenario, plan = _busy_ana()
    options = recommend(scenario, plan, REQUEST, top=1, strategy=Lns(workers=1, iterations=2))
    assert options[0].exact and options[0].plan.stats.workers is None


def test_effects_count_what_taking_the_request_changes_not_what_re_planning_alone_would():
    """The current plan starts 'api' on Wednesday (a start pinned then, released since): any
    re-plan moves it earlier. That move is the baseline's, told by `baseline_diff`; Ben taking
    the request delays nothing, and his option's effects say so."""
    scenario, _ = _busy_ana()
    wednesday = datetime(2027, 1, 6, 8, tzinfo=UTC)
    plan = solve(scenario.replace(pins=[Pin(task="api", start=wednesday)]), strategy="greedy")
    options = recommend(scenario, plan, REQUEST, top=2, time_limit=2)
    assert [c.task for c in options.baseline_diff.moved] == ["api"]
    ben = next(o for o in options if o.person == "ben")
    assert ben.exact and not ben.effects.delayed and ben.effects.changed == 0
    assert "delays nothing else" in ben.reasons
    assert [c.task for c in ben.diff.moved] == ["api"]  # against the current plan: it moved
    assert "would reassign 0 and move 1 tasks of the current plan" in str(options)
