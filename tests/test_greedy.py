"""The compiled problem, the greedy construction and the resource-free bound, on tiny cases."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from allocate import Calendar, Dependency, Person, Pin, Project, Scenario, Task, TimeOff
from allocate.bounds import earliest_schedule, level_bounds
from allocate.examples import agency
from allocate.plan import SolveStats
from allocate.problem import NONE, compile_problem
from allocate.solve import verified_plan
from allocate.strategies import greedy
from allocate.strategies.greedy import Greedy
from allocate.strategies.priority import PRIORITY_RULES
from scenarios import scenarios
from test_lns import generator

THURSDAY = datetime(2026, 3, 5, 8, tzinfo=UTC)  # 09:00 in Berlin
BERLIN = Calendar(timezone="Europe/Berlin")


def solve_greedy(**fields):
    fields.setdefault("objective", ({"lateness": 1.0}, {"makespan": 1.0}))
    scenario = Scenario(start=THURSDAY, **fields)
    problem = compile_problem(scenario)
    outcome = Greedy().solve(problem)
    return problem, outcome.schedule, outcome


def when(problem, schedule, task_id):
    i = problem.task_ids.index(task_id)
    return problem.grid.time(int(schedule.start[i])), problem.grid.time(int(schedule.end[i]))


def test_work_pauses_over_the_weekend():
    """A 24-hour task started Thursday 09:00 by a Mon-Fri 9-17 person ends Monday 17:00."""
    problem, schedule, _ = solve_greedy(
        people=[Person(id="ana", calendar=BERLIN)], tasks=[Task(id="t", effort_hours=24)]
    )
    start, end = when(problem, schedule, "t")
    assert start == THURSDAY
    assert end == datetime(2026, 3, 9, 16, tzinfo=UTC)  # Monday 17:00 Berlin


def test_end_of_matches_hand_count():
    """`end_of` counts working ticks: 3 hours from Thursday 15:00 Berlin end Friday 10:00."""
    problem = compile_problem(
        Scenario(
            start=THURSDAY,
            people=[Person(id="ana", calendar=BERLIN)],
            tasks=[Task(id="t", effort_hours=3)],
        )
    )
    start = problem.grid.tick(datetime(2026, 3, 5, 14, tzinfo=UTC))
    assert problem.grid.time(problem.end_of(0, 0, start)) == datetime(2026, 3, 6, 9, tzinfo=UTC)


def test_picks_the_person_who_finishes_first():
    """Ana is on leave Thursday-Friday, so Ben (free) gets the task."""
    ana = Person(
        id="ana",
        calendar=BERLIN.model_copy(
            update={"time_off": (TimeOff(start=date(2026, 3, 5), end=date(2026, 3, 6)),)}
        ),
    )
    problem, schedule, _ = solve_greedy(
        people=[ana, Person(id="ben", calendar=BERLIN)], tasks=[Task(id="t", effort_hours=8)]
    )
    assert problem.person_ids[schedule.person[0]] == "ben"


def test_one_task_at_a_time_and_gap_insertion():
    """Two 8-hour tasks for one person run back to back, never overlapping."""
    problem, schedule, _ = solve_greedy(
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[Task(id="a", effort_hours=8), Task(id="b", effort_hours=8)],
    )
    (s1, e1), (s2, e2) = when(problem, schedule, "a"), when(problem, schedule, "b")
    assert e1 <= s2 or e2 <= s1


@pytest.mark.parametrize(
    ("kind", "lag", "expected_start"),
    [
        ("FS", 0, datetime(2026, 3, 5, 16, tzinfo=UTC)),  # Thu 17:00 Berlin: ana done; ben is free
        ("SS", 2, datetime(2026, 3, 5, 10, tzinfo=UTC)),
        ("FS", 1, datetime(2026, 3, 6, 8, tzinfo=UTC)),  # 17:00+1h is outside ben's hours
    ],
)
def test_dependency_kinds_and_lags(kind, lag, expected_start):
    """Successor start honours the dependency type and its elapsed lag."""
    problem, schedule, _ = solve_greedy(
        people=[
            Person(id="ana", skills={"x": 1}, calendar=BERLIN),
            Person(
                id="ben",
                calendar=Calendar(
                    timezone="Europe/Berlin",
                    weekly_hours={d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
                ),
            ),
        ],
        tasks=[
            Task(id="a", effort_hours=8, skills={"x": 1}),
            Task(id="b", effort_hours=1, after=[Dependency(task="a", type=kind, lag_hours=lag)]),
        ],
        pins=[Pin(task="b", person="ben")],
    )
    assert when(problem, schedule, "b")[0] == expected_start


def test_working_lag_counts_organisation_hours():
    """A 2-working-hour lag after Thursday 17:00 Berlin lands Friday 11:00 Berlin."""
    problem, schedule, _ = solve_greedy(
        calendar=BERLIN,
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[
            Task(id="a", effort_hours=8),
            Task(
                id="m", milestone=True, after=[Dependency(task="a", lag_hours=2, lag_in="working")]
            ),
        ],
    )
    assert when(problem, schedule, "m")[0] == datetime(2026, 3, 6, 10, tzinfo=UTC)


def test_pinned_start_and_person_are_kept():
    """A pin fixes both the person and the start."""
    monday = datetime(2026, 3, 9, 8, tzinfo=UTC)
    problem, schedule, _ = solve_greedy(
        people=[Person(id="ana", calendar=BERLIN), Person(id="ben", calendar=BERLIN)],
        tasks=[Task(id="t", effort_hours=4)],
        pins=[Pin(task="t", person="ben", start=monday)],
    )
    assert problem.person_ids[schedule.person[0]] == "ben"
    assert when(problem, schedule, "t")[0] == monday


def test_pin_on_a_holiday_is_unplaced_with_a_reason():
    """A task pinned to start on Good Friday cannot be placed; it and its successor say why."""
    problem, schedule, outcome = solve_greedy(
        people=[Person(id="ana", calendar=Calendar(timezone="Europe/Berlin", holidays="DE"))],
        tasks=[Task(id="t", effort_hours=4), Task(id="u", effort_hours=1, after=["t"])],
        pins=[Pin(task="t", start=datetime(2026, 4, 3, 8, tzinfo=UTC))],
    )
    assert outcome.status == "infeasible"
    assert "pinned time 2026-04-03 08:00 UTC" in schedule.reasons[0]
    assert schedule.reasons[1] == "depends on 't', which could not be placed"
    assert schedule.start[1] == NONE


def test_deadline_first_ordering():
    """With one person, the task with the earlier deadline goes first."""
    problem, schedule, _ = solve_greedy(
        people=[Person(id="ana", calendar=BERLIN)],
        tasks=[
            Task(id="late", effort_hours=8),
            Task(id="urgent", effort_hours=8, deadline=datetime(2026, 3, 5, 17, tzinfo=UTC)),
        ],
    )
    assert when(problem, schedule, "urgent")[0] == THURSDAY


def test_level_values_in_hours():
    """Lateness counts weighted hours past due (task and project deadlines); makespan from start."""
    due = datetime(2026, 3, 5, 12, tzinfo=UTC)
    problem, schedule, outcome = solve_greedy(
        people=[Person(id="ana", calendar=BERLIN)],
        projects=[Project(id="p", deadline=due, priority=2)],
        tasks=[Task(id="t", effort_hours=8, project="p", deadline=due, priority=3)],
    )
    late = 16 - 12  # ends 16:00 UTC
    assert outcome.level_values == (3 * late + 2 * late, 8.0)


def test_bound_is_below_every_plan_and_tight_without_contention():
    """The resource-free bound never exceeds the greedy value and equals it for one chain."""
    people = [Person(id="ana", calendar=BERLIN)]
    tasks = [
        Task(id="a", effort_hours=6),
        Task(id="b", effort_hours=6, after=["a"], deadline=THURSDAY),
    ]
    problem, _, outcome = solve_greedy(people=people, tasks=tasks)
    assert level_bounds(problem) == outcome.level_values
    crowded = [Task(id=f"t{i}", effort_hours=6, deadline=THURSDAY) for i in range(4)]
    problem, _, outcome = solve_greedy(people=people, tasks=crowded)
    assert all(b <= v for b, v in zip(level_bounds(problem), outcome.level_values, strict=True))
    assert np.all(earliest_schedule(problem).start == problem.first_tick)


def slot_by_walking(problem, loads, task, person, not_before, end_not_before):
    """The plain search the fast one replaces: walk real ticks, jumping past each clash."""
    timeline = problem.timeline(person)
    effort = int(problem.effort[task])
    pinned_start = int(problem.pinned_start[task])
    start = max(not_before, pinned_start)
    if end_not_before > 0:
        start = max(start, timeline.start_for_end(end_not_before, effort))
    while start < problem.horizon:
        start = timeline.next_working(start)
        end = timeline.end(start, effort) if start < problem.horizon else NONE
        if end == NONE:
            return None
        clash = loads.first_clash(task, person, start, end)
        if clash is None:
            return None if pinned_start not in (NONE, start) else (start, end)
        start = clash
    return None


def walked(problem, monkeypatch):
    """The greedy schedule with every slot found by `slot_by_walking`, person by person."""
    with monkeypatch.context() as patch:
        patch.setattr(greedy, "earliest_slot", slot_by_walking)
        patch.setattr(greedy.Loads, "bookings_only", lambda *_: False)
        return Greedy().solve(problem).schedule


@pytest.mark.parametrize(("people", "tasks", "seed"), [(10, 100, 1), (20, 200, 2), (40, 500, 3)])
def test_fast_slot_search_places_every_task_as_walking_does(people, tasks, seed, monkeypatch):
    """The working-tick and all-candidates-at-once search gives the identical plan."""
    problem = compile_problem(generator().generate(people, tasks, seed=seed))
    fast, plain = Greedy().solve(problem).schedule, walked(problem, monkeypatch)
    for field in ("start", "end", "person"):
        assert np.array_equal(getattr(fast, field), getattr(plain, field))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(scenario=scenarios(max_people=3, max_tasks=8, weekly=True))
def test_fast_slot_search_agrees_on_hard_calendars(scenario, monkeypatch):
    """Same on small scenarios with teams, pins, resources, lags and both kinds of limit."""
    problem = compile_problem(scenario)
    fast, plain = Greedy().solve(problem).schedule, walked(problem, monkeypatch)
    for field in ("start", "end", "person"):
        assert np.array_equal(getattr(fast, field), getattr(plain, field))
    assert fast.reasons.keys() == plain.reasons.keys()


def test_rules_are_chosen_by_name_and_a_typo_fails_at_once():
    """Every listed rule builds; an unknown one fails at construction naming the valid ones."""
    assert [Greedy(rule=rule).rule for rule in PRIORITY_RULES] == list(PRIORITY_RULES)
    with pytest.raises(ValueError, match="choose from deadline, tail, constrained"):
        Greedy(rule="edf")


@pytest.mark.parametrize("rule", PRIORITY_RULES)
def test_every_rule_gives_a_plan_the_checker_accepts(rule):
    """On the bundled example and a generated 20 x 200 scenario, each rule's plan is complete
    and has no violations."""
    for scenario in (agency(), generator().generate(20, 200, seed=2)):
        problem = compile_problem(scenario)
        outcome = Greedy(rule=rule).solve(problem)
        plan = verified_plan(scenario, problem, outcome, SolveStats(strategy=rule))
        assert plan.feasible and not plan.violations


def test_most_constrained_first_keeps_the_scarce_person_for_the_task_only_they_can_do():
    """Two 8-hour tasks due today: anyone can do 'any', which is due an hour earlier; only Ana
    can do 'scarce'. Latest finish first gives 'any' to Ana, so 'scarce' waits a day; most
    constrained first gives 'scarce' to Ana and 'any' to Ben, and nothing is late."""
    scenario = Scenario(
        start=THURSDAY,
        objective=({"lateness": 1.0}, {"makespan": 1.0}),
        people=[
            Person(id="ana", skills={"x": 1}, calendar=BERLIN),
            Person(id="ben", calendar=BERLIN),
        ],
        tasks=[
            Task(id="any", effort_hours=8, deadline=datetime(2026, 3, 5, 17, tzinfo=UTC)),
            Task(
                id="scarce",
                effort_hours=8,
                skills={"x": 1},
                deadline=datetime(2026, 3, 5, 18, tzinfo=UTC),
            ),
        ],
    )
    problem = compile_problem(scenario)
    urgent = Greedy(rule="deadline").solve(problem)
    assert urgent.level_values[0] > 0
    assert problem.person_ids[urgent.schedule.person[0]] == "ana"
    scarce = Greedy(rule="constrained").solve(problem)
    assert scarce.level_values[0] == 0
    assert [problem.person_ids[p] for p in scarce.schedule.person] == ["ben", "ana"]


def test_solve_uses_the_greedy_strategy_it_is_given():
    """`solve(strategy=Greedy(rule=...))` returns that rule's plan, not the default rule's."""
    from allocate import solve

    scenario = agency()
    problem = compile_problem(scenario)
    for rule in PRIORITY_RULES:
        expected = Greedy(rule=rule).solve(problem).level_values
        plan = solve(scenario, strategy=Greedy(rule=rule))
        lateness = plan.objective["lateness"]
        assert lateness == pytest.approx(expected[0]), rule
    assert len({Greedy(rule=r).solve(problem).level_values[0] for r in PRIORITY_RULES}) > 1


def test_pinned_work_keeps_its_time_whatever_the_order():
    """An urgent task and a task pinned to Ana on Thursday 09:00 Berlin: the urgent one goes
    first in priority order but must go around the pin, so both are placed and the pin holds."""
    people = [Person(id="ana", calendar=BERLIN)]
    tasks = [
        Task(id="urgent", effort_hours=4, deadline=THURSDAY + timedelta(hours=4)),
        Task(id="promised", effort_hours=2),
    ]
    pins = [Pin(task="promised", person="ana", start=THURSDAY)]
    problem, schedule, outcome = solve_greedy(people=people, tasks=tasks, pins=pins)
    assert outcome.schedule.complete
    assert when(problem, schedule, "promised")[0] == THURSDAY
    assert when(problem, schedule, "urgent")[0] == THURSDAY + timedelta(hours=2)
