"""Optional tasks: left out when they cannot be placed or cost more lateness than they are worth;
a dependency on a left-out task is dropped; the checker and the `unplaced` term agree."""

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from pydantic import ValidationError

from allocate import Calendar, Person, Pin, Scenario, Task, TimeOff, check, solve
from allocate.check import recompute_objective
from allocate.plan import Assignment, Plan, Unplaced
from allocate.problem import NONE, compile_problem
from allocate.strategies.cpsat import CpSat
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from allocate.terms import level_values

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
STRATEGIES = [Greedy(), CpSat(workers=1), Lns(workers=1)]


def crowded(**extra) -> Scenario:
    """One person, 9-17 UTC; 'launch' (8 h) is due Monday 17:00; 'polish' (4 h, optional) and
    'blog' (2 h, optional, after 'polish') compete for the same day."""
    return Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=Calendar())],
        tasks=[
            Task(id="launch", effort_hours=8, deadline=MONDAY + timedelta(hours=8), priority=5),
            Task(id="polish", effort_hours=4, optional=True),
            Task(id="blog", effort_hours=2, optional=True, after=["polish"]),
        ],
        **extra,
    )


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_optional_work_after_the_deadline_is_kept(strategy):
    """Optional work that makes no deadline late is done (leaving it out would cost its hours)."""
    plan = solve(crowded(), strategy=strategy, time_limit=5)
    assert plan.feasible and plan.violations == ()
    assert plan.left_out == () and plan.objective["unplaced"] == 0
    assert plan.assignment("launch").end == MONDAY + timedelta(hours=8)


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_optional_work_that_cannot_fit_in_the_horizon_is_left_out_with_a_reason(strategy):
    """With the horizon ending Monday night, only 'launch' fits: the optional tasks are left out,
    the plan is still feasible and says why."""
    scenario = crowded(horizon_end=MONDAY + timedelta(hours=12))
    plan = solve(scenario, strategy=strategy, time_limit=5)
    assert plan.feasible and plan.violations == ()
    assert {u.task for u in plan.left_out} == {"polish", "blog"}
    assert all("before the planning horizon ends" in u.reason for u in plan.left_out)
    assert plan.objective["unplaced"] == 6.0
    assert plan.unplaced == ()


@pytest.mark.parametrize("strategy", [Greedy(), CpSat(workers=1)], ids=lambda s: s.name)
def test_optional_work_that_would_make_a_deadline_late_is_left_out(strategy):
    """'extra' (optional, 4 h, priority 1) must come before 'launch' (FS) if done; doing it makes
    'launch' (priority 5) 4 working hours (= 4 h elapsed) late, costing 20 > 4: it is left out,
    and 'launch' goes ahead without it (the dependency is dropped)."""
    scenario = Scenario(
        start=MONDAY,
        people=[
            Person(
                id="ana",
                calendar=Calendar(weekly_hours={d: ["09:00-24:00"] for d in ("mon", "tue")}),
            )
        ],
        tasks=[
            Task(id="extra", effort_hours=4, optional=True),
            Task(
                id="launch",
                effort_hours=8,
                after=["extra"],
                deadline=MONDAY + timedelta(hours=8),
                priority=5,
            ),
        ],
    )
    plan = solve(scenario, strategy=strategy, time_limit=5)
    assert plan.feasible and plan.violations == ()
    assert [u.task for u in plan.left_out] == ["extra"]
    assert "later by more than its priority-weighted hours are worth" in plan.left_out[0].reason
    assert plan.assignment("launch").start == MONDAY
    assert (plan.objective["lateness"], plan.objective["unplaced"]) == (0.0, 4.0)


def test_cheap_lateness_keeps_the_optional_work():
    """With the deadline's priority at 1 and the optional task weighing 10 per hour, 4 h late
    (cost 4) beats leaving out 4 h x 10 (cost 40): the exact model keeps it."""
    scenario = Scenario(
        start=MONDAY,
        people=[Person(id="ana", calendar=Calendar(weekly_hours={"mon": ["09:00-24:00"]}))],
        tasks=[
            Task(id="extra", effort_hours=4, optional=True, priority=10),
            Task(
                id="launch", effort_hours=8, after=["extra"], deadline=MONDAY + timedelta(hours=8)
            ),
        ],
    )
    plan = solve(scenario, strategy=CpSat(workers=1), time_limit=5)
    assert plan.status == "optimal" and plan.left_out == ()
    assert plan.objective["lateness"] == 4.0


def test_lns_brings_back_optional_work_the_hint_left_out():
    """From a plan that leaves 'polish' and 'blog' out although they fit, LNS puts them back."""
    problem = compile_problem(crowded())
    hint = Greedy().solve(problem).schedule.copy()
    for task in ("polish", "blog"):
        i = problem.task_ids.index(task)
        hint.start[i] = hint.end[i] = hint.person[i] = NONE
    assert hint.complete and level_values(problem, hint.end, hint.person)[0] == 6.0
    outcome = Lns(workers=1, iterations=20).solve(problem, time_limit=10, seed=1, hint=hint)
    assert outcome.level_values[0] == 0.0
    assert (outcome.schedule.start != NONE).all()


def test_unplaced_term_on_ticks_matches_the_checker():
    """The term on the compiled problem and on the plan agree: priority x remaining hours."""
    scenario = crowded(horizon_end=MONDAY + timedelta(hours=12))
    problem = compile_problem(scenario)
    outcome = Greedy().solve(problem)
    plan = solve(scenario, strategy="greedy")
    assert outcome.level_values[0] == recompute_objective(scenario, plan)["unplaced"] == 6.0
    assert list(np.flatnonzero(outcome.schedule.start == NONE)) == [1, 2]


def _plan(*assignments: Assignment, **fields) -> Plan:
    return Plan(status="feasible", assignments=assignments, **fields)


def _at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


def test_checker_accepts_a_plan_without_an_optional_task_and_rejects_a_missing_mandatory_one():
    scenario = crowded()
    launch = Assignment(task="launch", people=("ana",), start=_at(0), end=_at(8))
    polish = Assignment(task="polish", people=("ana",), start=_at(24), end=_at(28))
    left_out = (Unplaced(task="blog", reason="left out"),)
    assert check(scenario, _plan(launch, polish, left_out=left_out)) == []
    assert check(scenario, _plan(launch)) == []  # both optional ones left out
    found = check(scenario, _plan(polish))
    assert [(v.rule, v.tasks) for v in found] == [("placed", ("launch",))]


def test_checker_rejects_leaving_out_a_mandatory_or_an_assigned_task():
    scenario = crowded()
    launch = Assignment(task="launch", people=("ana",), start=_at(0), end=_at(8))
    polish = Assignment(task="polish", people=("ana",), start=_at(24), end=_at(28))
    listed = (Unplaced(task="launch", reason="x"), Unplaced(task="polish", reason="y"))
    found = check(scenario, _plan(launch, polish, left_out=listed))
    assert sorted(v.message for v in found if v.rule == "placed") == [
        "task 'launch' is not optional but the plan leaves it out",
        "task 'polish' is listed as left out but is assigned",
    ]


def test_checker_recomputes_the_unplaced_term():
    scenario = crowded()
    launch = Assignment(task="launch", people=("ana",), start=_at(0), end=_at(8))
    claimed = _plan(launch, objective={"unplaced": 2.0})
    found = [v.message for v in check(scenario, claimed) if v.rule == "objective"]
    assert found == ["the plan reports unplaced = 2.0 but its times give 6.0"]


def test_optional_milestones_and_objectives_without_the_term_are_refused():
    with pytest.raises(ValidationError, match="cannot be optional"):
        Task(id="m", milestone=True, optional=True)
    with pytest.raises(ValidationError, match="no 'unplaced' term"):
        crowded(objective=["lateness", "makespan"])


def test_reason_for_leaving_out_names_bookings_and_leave():
    """Ana is booked on 'launch' Monday and on leave the rest of the week; Ben is on leave all
    week: 'polish' cannot be done before the horizon ends on Friday, and the reason says so."""
    leave = TimeOff(start=date(2026, 3, 3), end=date(2026, 3, 6), reason="leave")
    away = TimeOff(start=date(2026, 3, 2), end=date(2026, 3, 6), reason="conference")
    scenario = Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", calendar=Calendar(time_off=[leave])),
            Person(id="ben", calendar=Calendar(time_off=[away])),
        ],
        tasks=[
            Task(id="launch", effort_hours=8, deadline=MONDAY + timedelta(hours=8)),
            Task(id="polish", effort_hours=4, optional=True),
        ],
        pins=[Pin(task="launch", person="ana")],
        horizon_end=MONDAY + timedelta(days=4),
    )
    (left,) = solve(scenario, time_limit=5).left_out
    assert left.reason == (
        "left out: nobody who may do its 4 h has free working time for it before the planning "
        "horizon ends (2026-03-06 09:00 UTC): ana works 8 h in that time, 8 h of it booked, "
        "off 2026-03-03 to 2026-03-06 (leave); ben works 0 h in that time, off 2026-03-02 to "
        "2026-03-06 (conference)"
    )


def test_cpsat_states_a_left_out_task_as_nothing_but_unplaced(monkeypatch):
    """'extra' (optional, preferred: ben, in a stream after 'spec') is left out: the model must
    count no preference miss and no handover for it. At every solution the solver's own stage
    objective bound may not exceed the plan's recomputed value (a phantom term would)."""
    from allocate.strategies.cpsat import run as cpsat_run

    seen = []
    record = cpsat_run.Run.record

    def checked(self, schedule, bound):
        values = self.integer_values(self.stage, schedule)
        seen.append(
            (bound, sum(m * v for m, v in zip(self.stage.multipliers, values, strict=True)))
        )
        return record(self, schedule, bound)

    monkeypatch.setattr(cpsat_run.Run, "record", checked)
    week = {d: ["09:00-24:00"] for d in ("mon", "tue")}
    scenario = Scenario(
        start=MONDAY,
        people=[
            Person(id="ana", calendar=Calendar(weekly_hours=week)),
            Person(id="ben", calendar=Calendar(weekly_hours=week)),
        ],
        tasks=[
            Task(id="spec", effort_hours=2, stream="s", preferred=("ana",)),
            Task(
                id="extra",
                effort_hours=4,
                optional=True,
                stream="s",
                after=["spec"],
                preferred=("ben",),
            ),
            Task(
                id="launch",
                effort_hours=8,
                after=["extra"],
                deadline=MONDAY + timedelta(hours=10),
                priority=5,
                preferred=("ana",),
            ),
        ],
        objective=[{"lateness": 1, "unplaced": 1}, "preferences", "handovers", "makespan"],
    )
    plan = solve(scenario, strategy=CpSat(workers=1), time_limit=10)
    assert plan.status == "optimal" and [u.task for u in plan.left_out] == ["extra"]
    assert plan.objective["preferences"] == 0 and plan.objective["handovers"] == 0
    assert seen and all(bound <= value + 1e-6 for bound, value in seen)
