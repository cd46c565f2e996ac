"""solve() end to end: checked plans for every strategy, objective consistency, bad plans caught."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from allocate import Calendar, Person, Pin, Project, Scenario, Task, check, solve
from allocate.plan import Plan
from allocate.problem import NONE, compile_problem
from allocate.scenario import WEEKDAYS, Progress, Resource
from allocate.solve import _choose
from allocate.strategies.base import Outcome, Schedule
from allocate.strategies.cpsat import CpSat
from allocate.strategies.greedy import Greedy
from allocate.terms import level_values
from scenarios import scenarios
from test_lns import generator

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
BERLIN = Calendar(timezone="Europe/Berlin", holidays="DE")


def small_scenario() -> Scenario:
    people = [
        Person(id="ana", skills={"backend": 3}, calendar=BERLIN),
        Person(
            id="ben",
            skills={"backend": 2, "design": 2},
            calendar=Calendar(timezone="America/New_York"),
        ),
    ]
    tasks = [
        Task(id="spec", effort_hours=6, skills={"design": 1}, project="acme"),
        Task(id="api", effort_hours=16, skills={"backend": 2}, after=["spec"], project="acme"),
        Task(id="ui", effort_hours=12, skills={"design": 2}, after=["spec"], project="acme"),
        Task(id="launch", milestone=True, after=["api", "ui"], project="acme"),
    ]
    deadline = MONDAY + timedelta(days=3)
    return Scenario(
        name="small",
        start=MONDAY,
        people=people,
        tasks=tasks,
        projects=[Project(id="acme", deadline=deadline)],
    )


STRATEGIES = [Greedy(), CpSat(workers=1)]


class ErrorsLogged(logging.Handler):
    """Collects the messages of errors logged on the 'allocate' logger inside a with-block."""

    def __enter__(self) -> list[str]:
        self.messages: list[str] = []
        logging.getLogger("allocate").addHandler(self)
        return self.messages

    def __exit__(self, *exc) -> None:
        logging.getLogger("allocate").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.messages.append(record.getMessage())


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_small_plan_is_feasible_and_checked(strategy):
    """Every strategy returns a complete plan that the independent checker accepts."""
    plan = solve(small_scenario(), strategy=strategy, time_limit=10)
    assert plan.feasible
    assert plan.violations == ()
    assert {a.task for a in plan.assignments} == {"spec", "api", "ui", "launch"}
    assert check(small_scenario(), plan) == []


def test_exact_strategy_proves_optimality_on_a_small_plan():
    """CP-SAT closes the gap on a four-task plan."""
    plan = solve(small_scenario(), strategy=CpSat(workers=1), time_limit=20)
    assert plan.status == "optimal"
    assert plan.gap == 0


def test_a_first_plan_at_the_lower_bounds_is_returned_without_a_search():
    """Two independent tasks for two people, shortest plan wanted: the greedy plan meets the
    makespan's lower bound, so nothing can beat it; solve() returns it as optimal at once
    instead of handing it to a search for the rest of the time limit."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id=p, calendar=BERLIN) for p in ("ana", "ben")],
        tasks=[Task(id=t, effort_hours=8) for t in ("a", "b")],
        objective=["makespan"],
    )
    plan = solve(scenario, strategy="lns", time_limit=60)
    assert plan.status == "optimal" and plan.gap == 0
    assert plan.stats.strategy == "greedy"
    assert plan.stats.wall_seconds < 5


def round_the_clock(tasks: int, weekly_limit: float | None = None) -> Scenario:
    """`tasks` chained pairs of machine runs that need nobody, two machines, around the clock;
    one person (with an optional weekly limit) who is not needed."""
    always = Calendar(timezone="UTC", weekly_hours={d: ["00:00-24:00"] for d in WEEKDAYS})
    return Scenario(
        start=MONDAY,
        calendar=always,
        people=[Person(id="ana", calendar=always, max_hours_per_week=weekly_limit)],
        resources=[Resource(id="machine", capacity=2)],
        tasks=[
            Task(
                id=f"t{i}",
                effort_hours=1 + i % 5,
                people=0,
                resources={"machine": 1},
                after=[f"t{i - 1}"] if i % 2 else [],
            )
            for i in range(tasks)
        ],
    )


@pytest.mark.parametrize(
    "scenario, chosen",
    [
        (lambda: generator().generate(10, 100, seed=1), "lns"),  # 251 choices, calendars pause
        (lambda: round_the_clock(250), "cpsat"),  # 250 choices, never pausing, 250 tasks
        (lambda: round_the_clock(330), "lns"),  # more than 320 tasks
        (lambda: round_the_clock(250, weekly_limit=40), "lns"),  # limits add week variables
    ],
)
def test_auto_takes_the_exact_model_where_it_pays(scenario, chosen):
    """Above 200 choices `auto` hands the plan to LNS, unless nobody's calendar ever pauses,
    nobody has a limit and there are at most 320 tasks: then each choice is one plain interval."""
    assert _choose("auto", compile_problem(scenario()))[0].name == chosen


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios())
@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_generated_scenarios_give_checked_plans(strategy, scenario):
    """For any valid scenario: a plan claiming feasibility has zero violations, the strategy's own
    objective equals the checker's recomputation (solve logs an error otherwise), and anything
    unplaced comes with a reason."""
    with ErrorsLogged() as errors:
        plan = solve(scenario, strategy=strategy, time_limit=5)
    assert not errors, errors
    if plan.feasible:
        assert plan.violations == ()
        assert check(scenario, plan) == []
    else:
        assert plan.unplaced and all(u.reason for u in plan.unplaced)


def test_plan_round_trips_through_json():
    """Plan -> JSON -> Plan is the identity, and the checker accepts the reloaded plan."""
    plan = solve(small_scenario(), strategy="greedy")
    again = Plan.from_json(plan.to_json())
    assert again == plan
    assert check(small_scenario(), again) == []


def test_hand_edited_plan_is_caught():
    """Moving a task onto a Saturday is reported by name."""
    scenario = small_scenario()
    plan = solve(scenario, strategy="greedy")
    api = plan.assignment("api")
    saturday = datetime(2026, 3, 7, 10, tzinfo=UTC)
    edited = plan.model_copy(
        update={
            "assignments": tuple(
                a.model_copy(update={"start": saturday, "end": saturday + api.duration})
                if a.task == "api"
                else a
                for a in plan.assignments
            )
        }
    )
    violations = check(scenario, edited)
    assert any(v.rule == "working_time" and "api" in v.tasks for v in violations)


class Broken:
    """A strategy that books everything at the planning start on the first eligible person."""

    name = "broken"

    def solve(self, problem, *, time_limit, seed=0, hint=None, progress=None):
        schedule = Schedule.empty(problem.n_tasks)
        for i in range(problem.n_tasks):
            schedule.start[i] = problem.first_tick
            schedule.end[i] = problem.first_tick + problem.effort[i]
            schedule.person[i] = problem.eligible[i][0] if len(problem.eligible[i]) else NONE
        return Outcome(
            schedule=schedule,
            status="optimal",
            level_values=level_values(problem, schedule.end, schedule.person),
        )


def test_a_wrong_strategy_cannot_claim_feasibility():
    """If a strategy returns a plan the checker rejects, the plan says so instead of lying (on
    a generated plan: the greedy plan of the small one is optimal, so no strategy would run).
    `Broken.solve` predates the protocol's `bounds`: it is called without them."""
    plan = solve(generator().generate(10, 100, seed=2), strategy=Broken())
    assert plan.status == "unknown"
    assert plan.violations


def test_over_constrained_pin_is_a_result_not_a_crash():
    """A task pinned onto a public holiday is reported as not placed, with a reason."""
    scenario = small_scenario().model_copy(
        update={
            "pins": (Pin(task="spec", person="ben", start=datetime(2026, 3, 7, 14, tzinfo=UTC)),)
        }
    )
    plan = solve(scenario, time_limit=5)
    assert plan.status == "infeasible"
    assert plan.unplaced[0].task == "spec"
    assert "pinned time" in plan.unplaced[0].reason


def test_plan_reports_projects_people_and_local_times():
    """The plan carries project finish vs deadline and per-person hours, local time on request."""
    plan = solve(small_scenario(), strategy="greedy")
    (acme,) = plan.projects
    assert acme.finish == plan.assignment("launch").end
    booked = {p.id: p.booked_hours for p in plan.people}
    assert sum(booked.values()) == 6 + 16 + 12
    for assignment in plan.for_person("ben"):
        assert assignment.start.tzinfo.key == "America/New_York"


def test_unknown_strategy_name_lists_choices():
    """A misspelt strategy fails at once with the valid names."""
    with pytest.raises(ValueError, match="unknown strategy 'cpsta' \\(choose from .*cpsat.*greedy"):
        solve(small_scenario(), strategy="cpsta")


def test_done_tasks_are_history_and_in_progress_tasks_plan_their_rest():
    """A done task is not planned again and its dependants may start at once; an in-progress
    task is planned for its remaining hours only."""
    scenario = small_scenario()
    tasks = list(scenario.tasks)
    tasks[0] = tasks[0].model_copy(update={"progress": Progress(status="done")})
    tasks[1] = tasks[1].model_copy(
        update={"progress": Progress(status="in_progress", people=("ana",), hours_spent=10)}
    )
    progressed = scenario.model_copy(update={"tasks": tuple(tasks)})
    plan = solve(progressed, strategy="greedy")
    assert plan.feasible and plan.violations == ()
    assert "spec" not in {a.task for a in plan.assignments}
    assert sum(p.booked_hours for p in plan.people) == (16 - 10) + 12
    assert min(a.start for a in plan.assignments) < MONDAY + timedelta(hours=12)
