"""Re-planning from a previous plan: the `changes` term means what it says on both sides, the
previous plan is kept where it still fits, a freeze window holds, and every re-plan is checked."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocate import Calendar, Person, Scenario, Task, check, events, solve
from allocate.check import recompute_objective
from allocate.objective import with_changes
from allocate.on_grid import on_grid
from allocate.plan import Assignment, Plan
from allocate.previous import with_previous
from allocate.problem import compile_problem
from allocate.strategies.cpsat import CpSat
from allocate.strategies.greedy import Greedy
from allocate.strategies.lns import Lns
from allocate.strategies.repair import kept_where_it_fits, repair
from allocate.terms import level_values
from scenarios import with_actuals
from test_solve import ErrorsLogged

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
OFFICE = Calendar(timezone="UTC")  # Monday-Friday 09:00-17:00 UTC
STRATEGIES = [Greedy(), CpSat(workers=1), Lns(workers=1, iterations=6)]
LATENESS = {"lateness": 1.0, "unplaced": 1.0}  # the default objective's deadlines level


def at(day: int, hour: int = 9) -> datetime:
    """Day `day` of March 2026 at `hour` UTC."""
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def twins(*tasks: Task, **fields) -> Scenario:
    """Two interchangeable people: many plans are equally good, so only `changes` tells them
    apart."""
    people = [Person(id=p, skills={"x": 1}, calendar=OFFICE) for p in ("ana", "ben")]
    return Scenario(start=MONDAY, people=people, tasks=tasks, **fields)


def work(n: int, hours: float = 8, **fields) -> list[Task]:
    return [Task(id=f"t{i}", effort_hours=hours, skills={"x": 1}, **fields) for i in range(n)]


def plan(*rows: tuple[str, str, datetime, datetime]) -> Plan:
    return Plan(
        status="feasible",
        assignments=[Assignment(task=t, people=(p,), start=s, end=e) for t, p, s, e in rows],
    )


# --- the term, on plans ------------------------------------------------------------------------


def test_a_re_plan_objective_puts_changes_right_after_the_deadlines():
    """After the level with lateness (or first without one); an objective naming it stays."""
    default = ({"lateness": 1, "unplaced": 1}, {"peak_utilisation": 1}, {"cost": 1})
    assert with_changes(default)[1] == {"changes": 1.0}
    assert with_changes(({"cost": 1},))[0] == {"changes": 1.0}
    mine = ({"lateness": 1, "changes": 0.5},)
    assert with_changes(mine) == mine


def test_changes_weigh_reassignments_by_nearness_and_moves_in_working_hours():
    """Against a previous plan: t0 (to start now) reassigned weighs 3 x 8 h, t9 (to start in
    three weeks) 1 x 8 h; t1 moved from Tuesday 09:00 to Thursday 11:00 is 18 working hours,
    weekend or not; a task begun before the planning start counts its end's move."""
    s = twins(*work(3), Task(id="t9", effort_hours=8, skills={"x": 1}))
    s = s.model_copy(update={"objective": ({"changes": 1.0},)})
    before = plan(
        ("t0", "ana", at(2), at(2, 17)),
        ("t1", "ana", at(3), at(3, 17)),
        ("t2", "ben", at(2), at(2, 17)),
        ("t9", "ana", at(23), at(23, 17)),
    )
    after = plan(
        ("t0", "ben", at(2), at(2, 17)),
        ("t1", "ana", at(5, 11), at(6, 11)),
        ("t2", "ben", at(3), at(3, 17)),
        ("t9", "ben", at(23), at(23, 17)),
    )
    assert recompute_objective(s, after, before)["changes"] == 24 + 18 + 8 + 8
    begun = plan(("t0", "ana", at(2) - timedelta(days=3), at(2, 13)))
    moved = plan(("t0", "ana", at(2), at(2, 15)))
    assert recompute_objective(s, moved, begun)["changes"] == 2  # its end, 13:00 -> 15:00


def test_the_checker_asks_for_the_previous_plan_of_a_re_plan():
    """A re-plan reports `changes`; the checker verifies them only against the previous plan,
    and says so without it."""
    s = twins(*work(4))
    first = solve(s, strategy="greedy")
    later = events.estimate(s, "t0", 12)
    again = solve(later, previous=first, strategy="greedy")
    assert "changes" in again.objective and again.violations == ()
    assert check(later, again, first) == []
    [found] = check(later, again)
    assert found.rule == "objective" and "check(scenario, plan, previous)" in found.message


# --- re-planning -------------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_nothing_changed_nothing_moves(strategy):
    """Re-planned a day later with everything done as planned, every strategy keeps the rest of
    the plan exactly: people, starts and ends (`changes` 0)."""
    s = twins(*work(6, after=()))
    first = solve(s, strategy="cpsat", time_limit=5)
    later = events.advance(s, at(3, 8), plan=first)
    again = solve(later, previous=first, strategy=strategy, time_limit=5)
    assert again.violations == () and check(later, again, first) == []
    assert again.objective["changes"] == 0
    assert not again.diff(first, later).tasks or all(
        c.kind == "done" for c in again.diff(first, later).tasks
    )


@pytest.mark.parametrize("strategy", STRATEGIES[1:], ids=lambda s: s.name)
def test_of_equally_good_plans_the_re_plan_keeps_the_previous_one(strategy):
    """Six tasks for two interchangeable people: from scratch any split is optimal, but the
    re-plan keeps the previous plan's people and times (a hand-made one, not the solver's
    favourite), moving only what a new request forces."""
    s = twins(*work(6), Task(id="new", effort_hours=4, skills={"x": 1}))
    previous = plan(
        *[(f"t{i}", "ben" if i < 3 else "ana", at(2 + i % 3), at(2 + i % 3, 17)) for i in range(6)]
    )
    again = solve(s, previous=previous, strategy=strategy, time_limit=5)
    kept = [a for a in again.assignments if a.task != "new"]
    assert all(a == previous.assignment(a.task) for a in kept)
    assert again.objective["changes"] == 0 and check(s, again, previous) == []


def test_neighbourhoods_of_a_re_plan_may_break_ties_by_changes(monkeypatch):
    """With `stable_ties`, an LNS sub-solve of a re-plan also minimises `changes` among its
    equally late choices (a second stage, with a share of the work); by default, and from
    scratch where there is nothing to keep, it optimises the levels in focus only."""
    from allocate.strategies.cpsat import run
    from allocate.strategies.cpsat import strategy as exact

    asked = []
    solve_stages = run.solve_stages

    def spy(built_run, configure, levels=None, tie=False):
        asked.append((built_run.problem.objective[levels - 1], tie))
        return solve_stages(built_run, configure, levels, tie)

    monkeypatch.setattr(exact, "solve_stages", spy)
    s = twins(*work(12, deadline=at(3, 17)))
    previous = solve(s, strategy="greedy")
    longer = events.estimate(s, "t0", 24)
    for ties, expected in ((True, ({"changes": 1.0}, True)), (False, (LATENESS, False))):
        asked.clear()
        search = Lns(workers=1, iterations=2, size=4, min_size=4, stable_ties=ties)
        again = solve(longer, previous=previous, strategy=search, seed=1)
        assert asked and set(map(repr, asked)) == {repr(expected)}
        assert check(longer, again, previous) == []
    asked.clear()
    solve(longer, strategy=Lns(workers=1, iterations=2, size=4, min_size=4, stable_ties=True))
    assert asked and set(map(repr, asked)) == {repr((LATENESS, False))}


def test_cpsat_proves_the_least_disruptive_plan_when_someone_falls_ill():
    """ana is ill on Tuesday, when her 't1' was planned: the least disruption is moving it to
    Wednesday, after her Monday task and before her Thursday one (8 working hours), not giving
    it to ben, who is busy all week (a reassignment weighs 24 h this close)."""
    s = twins(*work(5), objective=["changes", "makespan"])
    previous = plan(
        ("t0", "ana", at(2), at(2, 17)),
        ("t1", "ana", at(3), at(3, 17)),
        ("t2", "ana", at(5), at(5, 17)),
        ("t3", "ben", at(2), at(4, 17)),
        ("t4", "ben", at(5), at(6, 17)),
    )
    s = s.replace(
        tasks=[
            t.replace(effort_hours=24 if t.id == "t3" else 16 if t.id == "t4" else 8)
            for t in s.tasks
        ]
    )
    ill = events.absence(s, "ana", date(2026, 3, 3), date(2026, 3, 3))
    again = solve(ill, previous=previous, strategy="cpsat", time_limit=10)
    assert again.status == "optimal" and again.objective["changes"] == 8
    assert again.assignment("t1") == Assignment(
        task="t1", people=("ana",), start=at(4), end=at(4, 17)
    )
    assert check(ill, again, previous) == []


def test_a_repair_shifts_the_plan_when_keeping_it_would_make_work_late():
    """ana's Monday task now takes two days. Kept to the minute, her Wednesday task stays and
    Tuesday's, due that evening, goes to Thursday; the repair shifts the plan instead (the due
    task first, every task still hers), so the re-plan starts on time."""
    ana = Person(id="ana", skills={"x": 1}, calendar=OFFICE)
    tasks = work(3)
    tasks[2] = tasks[2].replace(deadline=at(3, 17))
    s = Scenario(start=MONDAY, people=[ana], tasks=tasks)
    previous = plan(*[(f"t{i}", "ana", at(2 + i), at(2 + i, 17)) for i in (0, 2, 1)])
    longer = events.estimate(s, "t0", 16)
    problem = compile_problem(longer.replace(objective=with_changes(longer.objective)))
    old = on_grid(problem, previous)
    problem = with_previous(problem, old)
    kept = kept_where_it_fits(problem, old)
    repaired = repair(problem, old)
    assert level_values(problem, kept.end, kept.person)[0] > 0  # 't2' late
    assert repaired.level_values[0] == 0 and (repaired.schedule.person == 0).all()
    again = solve(longer, previous=previous, strategy="greedy")
    assert again.assignment("t2").end <= at(3, 17) and check(longer, again, previous) == []


def test_work_in_progress_continues_and_is_compared_by_its_end():
    """A week on, a task begun last week carries on with its person to the end it was given
    ('changes' counts nothing for it)."""
    s = twins(Task(id="long", effort_hours=40, skills={"x": 1}), *work(2))
    first = solve(s, strategy="cpsat", time_limit=5)
    long = first.assignment("long")
    later = events.advance(s, long.start + timedelta(days=1), plan=first)
    assert later.task("long").in_progress
    again = solve(later, previous=first, strategy="cpsat", time_limit=5)
    assert (
        again.assignment("long").people == long.people and again.assignment("long").end == long.end
    )
    assert again.objective["changes"] == 0 and check(later, again, first) == []


def test_a_freeze_window_holds_this_week_unless_forced():
    """An urgent request arrives with a deadline tomorrow. Without a freeze, a week of work
    moves aside for it; with `freeze_days=5` nothing planned this week moves (the request waits
    and is late), except ben's task on the day he is now away: it is forced to move."""
    s = twins(*work(10), objective=["lateness", "changes", "makespan"])
    first = solve(s, strategy="cpsat", time_limit=5)
    urgent = events.add_tasks(
        s, Task(id="urgent", effort_hours=8, skills={"x": 1}, deadline=at(3, 17), priority=10)
    )
    free = solve(urgent, previous=first, strategy="cpsat", time_limit=10)
    assert free.objective["lateness"] == 0 and free.objective["changes"] > 0
    away = events.absence(urgent, "ben", date(2026, 3, 4), date(2026, 3, 4))
    frozen = solve(away, previous=first, freeze_days=5, strategy="cpsat", time_limit=10)
    assert frozen.violations == () and check(away, frozen, first) == []
    moved = {c.task for c in frozen.diff(first, away).tasks if c.kind == "changed"}
    week = {a.task for a in first.assignments if a.start < at(7)}
    forced = {a.task for a in first.assignments if "ben" in a.people and a.start.day == 4}
    assert forced and moved & week == forced
    assert frozen.objective["lateness"] > 0


def test_freeze_days_must_be_a_whole_number():
    s = twins(*work(2))
    first = solve(s, strategy="greedy")
    with pytest.raises(ValueError, match="freeze_days must be a whole number of days"):
        solve(s, previous=first, freeze_days=1.5)
    with pytest.raises(TypeError, match="previous must be a Plan"):
        solve(s, previous={"assignments": []})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_actuals(), data=st.data())
@pytest.mark.parametrize("strategy", STRATEGIES, ids=lambda s: s.name)
def test_re_plans_of_generated_scenarios_are_checked_and_agree_on_changes(strategy, scenario, data):
    """For any scenario with actuals, a plan of it and a change (an estimate, an absence, a
    cancelled task): a re-plan that claims feasibility keeps every rule, and its `changes` as
    the strategy counts them on ticks equal the checker's from datetimes (solve logs an error
    otherwise)."""
    first = solve(scenario, strategy="greedy")
    if not first.feasible:
        return
    open_tasks = [t for t in scenario.tasks if not t.done and not t.milestone]
    changed = scenario
    event = data.draw(st.sampled_from(["estimate", "absence", "cancel", "none"]))
    if event == "estimate" and open_tasks:
        task = data.draw(st.sampled_from(open_tasks))
        changed = events.estimate(scenario, task.id, task.effort_hours * 2)
    elif event == "absence":
        person = data.draw(st.sampled_from(scenario.people))
        day = scenario.start.date() + timedelta(days=data.draw(st.integers(0, 6)))
        changed = events.absence(scenario, person.id, day, day + timedelta(days=1))
    elif event == "cancel" and open_tasks:
        task = data.draw(st.sampled_from(open_tasks))
        if not any(p.task == task.id for p in scenario.pins):
            changed = events.cancel(scenario, task.id)
    freeze = data.draw(st.sampled_from([0, 0, 2]))
    with ErrorsLogged() as errors:
        again = solve(changed, previous=first, freeze_days=freeze, strategy=strategy, time_limit=5)
    assert not errors, errors
    if again.feasible:
        assert again.violations == () and check(changed, again, first) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=with_actuals())
def test_a_start_is_read_back_exactly_from_its_end_and_people(scenario):
    """The objective terms see a schedule as ends and people; on any valid schedule (the greedy
    plan of any scenario, teams and work that needs nobody included) the start read back from
    them is the start."""
    from allocate.previous import start_ticks
    from allocate.problem import compile_problem

    problem = compile_problem(scenario)
    schedule = Greedy().solve(problem).schedule
    placed = schedule.start != -1
    assert (
        start_ticks(problem, schedule.end, schedule.person)[placed] == schedule.start[placed]
    ).all()


def test_a_freeze_window_ends_after_its_working_days():
    """Five working days from a Wednesday morning before Easter (Berlin): Wednesday, Thursday,
    then Good Friday, the weekend and Easter Monday do not count, then Tuesday to Thursday; the
    window ends at midnight after that Thursday."""
    from allocate.previous import working_days_end

    berlin = Calendar(timezone="Europe/Berlin", holidays="DE")
    wednesday = datetime(2027, 3, 24, 8, tzinfo=UTC)
    assert working_days_end(berlin, wednesday, 5) == datetime(2027, 4, 2, tzinfo=berlin.zone)
    assert working_days_end(berlin, wednesday, 1) == datetime(2027, 3, 25, tzinfo=berlin.zone)
