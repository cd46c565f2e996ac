"""The independent checker, rule by rule: a clean case and a violating case each, on tiny scenarios
built by hand, plus the calendar situations a solver's calendar compilation can get wrong."""

from __future__ import annotations

import ast
import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from allocate.check import RULES, WorkingTime, check, recompute_objective
from allocate.plan import Assignment, Plan, Unplaced
from allocate.scenario import Calendar, Dependency, Person, Pin, Project, Scenario, Task, TimeOff

BERLIN = "Europe/Berlin"
LA = "America/Los_Angeles"
KOLKATA = "Asia/Kolkata"
MONDAY = "2026-03-02"  # a plain week in winter time: Berlin is UTC+1, Los Angeles UTC-8


def at(text: str, zone: str = BERLIN) -> datetime:
    """A local wall-clock time, e.g. at('2026-03-02 09:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def utc(text: str) -> datetime:
    return at(text, "UTC")


def person(pid: str = "ana", zone: str = BERLIN, skills=None, **calendar) -> Person:
    return Person(id=pid, skills=skills or {}, calendar=Calendar(timezone=zone, **calendar))


def scenario(*tasks: Task, people=None, start=None, **fields) -> Scenario:
    return Scenario(
        start=start or at(f"{MONDAY} 00:00"),
        people=people or (person(),),
        tasks=tasks,
        calendar=Calendar(timezone=BERLIN),
        **fields,
    )


def task(tid: str = "api", hours: float = 8, **fields) -> Task:
    return Task(id=tid, effort_hours=hours, **fields)


def put(tid: str, start: datetime, end: datetime, *people: str) -> Assignment:
    return Assignment(task=tid, people=people or ("ana",), start=start, end=end)


def plan(*assignments: Assignment, resolution: int = 60, **fields) -> Plan:
    return Plan(status="feasible", resolution_minutes=resolution, assignments=assignments, **fields)


def broken(scen: Scenario, the_plan: Plan) -> dict[str, list[str]]:
    """The violations by rule: {rule: [messages]}."""
    found: dict[str, list[str]] = {}
    for violation in check(scen, the_plan):
        found.setdefault(violation.rule, []).append(violation.message)
    return found


def only(scen: Scenario, the_plan: Plan, rule: str, *names: str) -> str:
    """Assert that exactly `rule` is broken, once, and its message names `names`; return it."""
    found = broken(scen, the_plan)
    assert list(found) == [rule], found
    [message] = found[rule]
    for name in names:
        assert name in message, (name, message)
    return message


MON_9_17 = (at(f"{MONDAY} 09:00"), at(f"{MONDAY} 17:00"))


# --- placed -----------------------------------------------------------------------------------


def test_clean_plan_has_no_violations():
    """One task worked for a whole office day breaks no rule."""
    assert check(scenario(task()), plan(put("api", *MON_9_17))) == []


def test_missing_task_is_reported():
    """A scenario task without an assignment breaks `placed`."""
    only(scenario(task(), task("db")), plan(put("api", *MON_9_17)), "placed", "'db'")


def test_unplaced_task_is_reported_with_its_reason():
    """A task the plan gave up on is a violation: a plan claiming feasibility places everything."""
    the_plan = plan(put("api", *MON_9_17), unplaced=(Unplaced(task="db", reason="no capacity"),))
    only(scenario(task(), task("db")), the_plan, "placed", "'db'", "no capacity")


def test_duplicate_and_unknown_assignments_are_reported():
    """Assigning a task twice, or a task the scenario lacks, breaks `placed`."""
    the_plan = plan(put("api", *MON_9_17), put("api", *MON_9_17), put("ghost", *MON_9_17))
    messages = broken(scenario(task()), the_plan)["placed"]
    assert any("'api'" in m and "2 times" in m for m in messages)
    assert any("'ghost'" in m for m in messages)


# --- people -----------------------------------------------------------------------------------


def test_milestone_without_people_at_an_instant_is_clean():
    """A milestone has no person and starts when it ends."""
    scen = scenario(task(), Task(id="go-live", milestone=True, after=("api",)))
    moment = MON_9_17[1]
    the_plan = plan(put("api", *MON_9_17), Assignment(task="go-live", start=moment, end=moment))
    assert check(scen, the_plan) == []


def test_task_with_two_people_is_reported():
    """A task is done by exactly one person."""
    scen = scenario(task(), people=(person(), person("bob")))
    only(scen, plan(put("api", *MON_9_17, "ana", "bob")), "people", "'api'", "ana", "bob")


def test_unknown_person_is_reported():
    """A task given to someone outside the scenario breaks `people`."""
    only(scenario(task()), plan(put("api", *MON_9_17, "zoe")), "people", "'api'", "zoe")


def test_milestone_with_a_person_or_a_duration_is_reported():
    """A milestone with a person, or lasting a while, breaks `people`."""
    scen = scenario(Task(id="go-live", milestone=True))
    messages = broken(scen, plan(put("go-live", *MON_9_17, "ana")))["people"]
    assert len(messages) == 2 and all("'go-live'" in m for m in messages)
    assert any("ana" in m for m in messages)


# --- qualified --------------------------------------------------------------------------------


def test_qualified_person_is_clean():
    """A person at or above every required level may do the task."""
    scen = scenario(task(skills={"python": 3}), people=(person(skills={"python": 3}),))
    assert check(scen, plan(put("api", *MON_9_17))) == []


def test_underqualified_person_is_reported():
    """A person below a required level breaks `qualified`, naming task, person and skill."""
    people = (person(skills={"python": 1}), person("bob", skills={"python": 3}))
    scen = scenario(task(skills={"python": 3}), people=people)
    only(scen, plan(put("api", *MON_9_17)), "qualified", "'api'", "ana", "python")


# --- working_time -----------------------------------------------------------------------------


def test_task_pauses_over_the_weekend():
    """24 h from Thursday 09:00 for a Mon-Fri 9-17 person ends Monday 17:00 local."""
    the_plan = plan(put("api", at("2026-03-05 09:00"), at("2026-03-09 17:00")))
    assert check(scenario(task(hours=24)), the_plan) == []


def test_end_ignoring_the_weekend_is_reported_with_the_expected_end():
    """Ending 24 h of work too early breaks `working_time`; the message gives the right end."""
    the_plan = plan(put("api", at("2026-03-05 09:00"), at("2026-03-07 09:00")))
    message = only(scenario(task(hours=24)), the_plan, "working_time", "'api'", "ana")
    assert "2026-03-07 08:00 UTC" in message and "2026-03-09 16:00 UTC" in message


def test_start_outside_working_time_is_reported():
    """Starting on a Saturday is outside working time, even if the end is then right."""
    the_plan = plan(put("api", at("2026-03-07 10:00"), at("2026-03-09 17:00")))
    message = only(scenario(task()), the_plan, "working_time", "'api'", "ana")
    assert "outside" in message and "Sat 10:00 Europe/Berlin" in message


def test_office_hours_follow_the_dst_change():
    """Across Berlin's switch to summer time (29 March 2026) the office day moves an hour in UTC."""
    start, end = at("2026-03-27 09:00"), at("2026-03-30 17:00")
    assert end.astimezone(UTC) == utc("2026-03-30 15:00")
    scen = scenario(task(hours=16))
    assert check(scen, plan(put("api", start, end))) == []
    wrong = plan(put("api", start, utc("2026-03-30 16:00")))
    only(scen, wrong, "working_time", "2026-03-30 15:00 UTC")


def test_round_the_clock_work_loses_an_hour_on_the_dst_night():
    """A 24/7 person working 24 h from Saturday 12:00 ends Sunday 13:00: that night has 23 h."""
    always = {day: ("00:00-24:00",) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    scen = scenario(task(hours=24), people=(person(weekly_hours=always),))
    assert check(scen, plan(put("api", at("2026-03-28 12:00"), at("2026-03-29 13:00")))) == []
    wrong = plan(put("api", at("2026-03-28 12:00"), at("2026-03-29 12:00")))
    only(scen, wrong, "working_time", "2026-03-29 11:00 UTC")


def test_public_holidays_pause_work():
    """With DE holidays, Good Friday and Easter Monday 2026 are not worked."""
    scen = scenario(task(hours=16), people=(person(holidays="DE"),))
    start = at("2026-04-02 09:00")
    assert check(scen, plan(put("api", start, at("2026-04-07 17:00")))) == []
    wrong = plan(put("api", start, at("2026-04-03 17:00")))
    only(scen, wrong, "working_time", "2026-04-07 15:00 UTC")


def test_whole_days_of_time_off_pause_work():
    """Time off Monday to Tuesday (dates, both included) moves Friday's 16 h task to Wednesday."""
    off = (TimeOff(start="2026-03-09", end="2026-03-10"),)
    scen = scenario(task(hours=16), people=(person(time_off=off),))
    start = at("2026-03-06 09:00")
    assert check(scen, plan(put("api", start, at("2026-03-11 17:00")))) == []
    wrong = plan(put("api", start, at("2026-03-09 17:00")))
    only(scen, wrong, "working_time", "2026-03-11 16:00 UTC")


def test_hours_of_time_off_pause_work():
    """A naive 13:00-15:00 absence (read in the local zone) pushes an 8 h day to 11:00 next day."""
    off = (TimeOff(start="2026-03-10T13:00", end="2026-03-10T15:00"),)
    scen = scenario(task(), people=(person(time_off=off),))
    start = at("2026-03-10 09:00")
    assert check(scen, plan(put("api", start, at("2026-03-11 11:00")))) == []
    wrong = plan(put("api", start, at("2026-03-10 17:00")))
    only(scen, wrong, "working_time", "2026-03-11 10:00 UTC")


def test_part_time_person_works_only_their_days():
    """A Monday/Tuesday person's 16 h task begun Tuesday ends the next Monday."""
    part_time = {"mon": ("09:00-17:00",), "tue": ("09:00-17:00",)}
    scen = scenario(task(hours=16), people=(person(weekly_hours=part_time),))
    start = at("2026-03-03 09:00")
    assert check(scen, plan(put("api", start, at("2026-03-09 17:00")))) == []
    wrong = plan(put("api", start, at("2026-03-04 17:00")))
    only(scen, wrong, "working_time", "'api'")


def test_split_day_pauses_over_lunch():
    """With 09:00-12:00 and 13:00-17:00, 4 h from 09:00 end at 14:00, and 12:30 is no start."""
    split = {day: ("09:00-12:00", "13:00-17:00") for day in ("mon", "tue", "wed", "thu", "fri")}
    scen = scenario(task(hours=4), people=(person(weekly_hours=split),))
    assert check(scen, plan(put("api", at(f"{MONDAY} 09:00"), at(f"{MONDAY} 14:00")))) == []
    late = plan(put("api", at(f"{MONDAY} 12:30"), at(f"{MONDAY} 17:00")))
    assert "outside" in only(scen, late, "working_time", "'api'")
    short = plan(put("api", at(f"{MONDAY} 09:00"), at(f"{MONDAY} 13:00")))
    only(scen, short, "working_time", f"{MONDAY} 13:00 UTC")


def test_half_hour_grid_in_kolkata():
    """On a 30-minute grid, 1.25 h round up to 1.5 h for a person at UTC+05:30."""
    scen = scenario(task(hours=1.25), people=(person(zone=KOLKATA),))
    start = at(f"{MONDAY} 09:00", KOLKATA)
    good = plan(put("api", start, at(f"{MONDAY} 10:30", KOLKATA)), resolution=30)
    assert check(scen, good) == []
    unrounded = plan(put("api", start, at(f"{MONDAY} 10:15", KOLKATA)), resolution=30)
    only(scen, unrounded, "working_time", f"{MONDAY} 05:00 UTC", "1.5 h")


def test_coarse_grid_counts_only_whole_steps():
    """On a 60-minute grid a Kolkata 09:00-17:00 day offers only the whole hours 04:00-11:00 UTC."""
    scen = scenario(task(hours=7), people=(person(zone=KOLKATA),))
    whole_hours = plan(put("api", utc(f"{MONDAY} 04:00"), utc(f"{MONDAY} 11:00")))
    assert check(scen, whole_hours) == []
    half_past = plan(put("api", at(f"{MONDAY} 09:00", KOLKATA), utc(f"{MONDAY} 10:30")))
    assert "outside" in broken(scen, half_past)["working_time"][0]


def test_working_time_grows_its_window_for_long_tasks():
    """Walking past the expanded window extends it instead of failing."""
    hours = WorkingTime(Calendar(timezone=BERLIN), timedelta(hours=1), *MON_9_17)
    assert hours.finish(MON_9_17[0], timedelta(hours=8 * 50)) == at("2026-05-08 17:00")


# --- one_at_a_time ----------------------------------------------------------------------------


def test_back_to_back_tasks_are_clean():
    """One task may start the instant the person's previous one ends."""
    scen = scenario(task(hours=4), task("db", hours=4))
    noon = at(f"{MONDAY} 13:00")
    assert check(scen, plan(put("api", MON_9_17[0], noon), put("db", noon, MON_9_17[1]))) == []


def test_overlapping_hulls_are_reported():
    """A task placed inside the span of another of the same person breaks `one_at_a_time`."""
    scen = scenario(task(hours=16), task("db", hours=8))
    the_plan = plan(
        put("api", at("2026-03-06 09:00"), at("2026-03-09 17:00")),
        put("db", at("2026-03-09 09:00"), at("2026-03-09 17:00")),
    )
    only(scen, the_plan, "one_at_a_time", "ana", "'api'", "'db'")


# --- dependency -------------------------------------------------------------------------------

DEPENDENCY_CASES = [
    # type, lag, clean (start, end) of b, violating (start, end) of b; a runs Mon 09:00-13:00
    ("FS", 1, ("14:00", "03 10:00"), ("13:00", "02 17:00")),
    ("SS", 1, ("10:00", "02 14:00"), ("09:00", "02 13:00")),
    ("FF", 1, ("10:00", "02 14:00"), ("09:00", "02 13:00")),
    ("SF", 5, ("10:00", "02 14:00"), ("09:00", "02 13:00")),
    ("FS", -2, ("11:00", "02 15:00"), ("10:00", "02 14:00")),
]


@pytest.mark.parametrize(("kind", "lag", "clean", "bad"), DEPENDENCY_CASES)
def test_dependency_types_with_lags(kind, lag, clean, bad):
    """Each dependency type, with its lag rounded to the grid, holds or is reported."""
    after = (Dependency(task="a", type=kind, lag_hours=lag),)
    scen = scenario(task("a", 4), task("b", 4, after=after), people=(person(), person("bob")))
    a = put("a", at(f"{MONDAY} 09:00"), at(f"{MONDAY} 13:00"))

    def b(start: str, end: str) -> Assignment:
        return put("b", at(f"{MONDAY} {start}"), at(f"2026-03-{end}"), "bob")

    assert check(scen, plan(a, b(*clean))) == []
    only(scen, plan(a, b(*bad)), "dependency", "'a'", "'b'", kind)


def test_working_lag_counts_organisation_working_time():
    """2 working hours after Friday 16:00 are Monday 10:00; Monday 09:00 is too early."""
    after = (Dependency(task="a", lag_hours=2, lag_in="working"),)
    scen = scenario(task("a", 1), task("b", 1, after=after), people=(person(), person("bob")))
    a = put("a", at("2026-03-06 15:00"), at("2026-03-06 16:00"))
    good = put("b", at("2026-03-09 10:00"), at("2026-03-09 11:00"), "bob")
    assert check(scen, plan(a, good)) == []
    early = put("b", at("2026-03-09 09:00"), at("2026-03-09 10:00"), "bob")
    only(scen, plan(a, early), "dependency", "'a'", "'b'", "2026-03-09 09:00 UTC", "working")


def test_dependency_across_time_zones_compares_real_time():
    """Berlin ends 17:00 CET = 16:00 UTC; Los Angeles 09:00 PST = 17:00 UTC is after it."""
    after = (Dependency(task="a", lag_hours=1),)
    scen = scenario(task("a"), task("b", after=after), people=(person(), person("lee", LA)))
    a = put("a", *MON_9_17)
    good = put("b", at(f"{MONDAY} 09:00", LA), at(f"{MONDAY} 17:00", LA), "lee")
    assert check(scen, plan(a, good)) == []
    late_a = put("a", at("2026-03-03 09:00"), at("2026-03-03 17:00"))
    only(scen, plan(late_a, good), "dependency", "'a'", "'b'", "2026-03-03 17:00 UTC")


def test_elapsed_lag_is_real_time_across_dst():
    """24 elapsed hours after Saturday 12:00 in Berlin are Sunday 13:00 local on the DST night."""
    always = {day: ("00:00-24:00",) for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    people = tuple(person(pid, weekly_hours=always) for pid in ("ana", "bob"))
    after = (Dependency(task="a", lag_hours=24),)
    scen = scenario(task("a", 1), task("b", 1, after=after), people=people)
    a = put("a", at("2026-03-28 11:00"), at("2026-03-28 12:00"))
    good = put("b", at("2026-03-29 13:00"), at("2026-03-29 14:00"), "bob")
    assert check(scen, plan(a, good)) == []
    wall_clock = put("b", at("2026-03-29 12:00"), at("2026-03-29 13:00"), "bob")
    only(scen, plan(a, wall_clock), "dependency", "2026-03-29 11:00 UTC")


# --- release, planning_start, pinned, horizon -------------------------------------------------


def test_start_at_release_is_clean():
    """A task may start exactly at its release."""
    assert check(scenario(task(release=MON_9_17[0])), plan(put("api", *MON_9_17))) == []


def test_start_before_release_is_reported():
    """Starting before the release breaks `release`."""
    scen = scenario(task(release=at("2026-03-03 09:00")))
    only(scen, plan(put("api", *MON_9_17)), "release", "'api'", "2026-03-03 08:00 UTC")


def test_start_before_planning_start_is_reported():
    """The past cannot be planned: starting before the scenario's start breaks `planning_start`."""
    scen = scenario(task(), start=at(f"{MONDAY} 12:00"))
    only(scen, plan(put("api", *MON_9_17)), "planning_start", "'api'")


def test_kept_pin_is_clean():
    """A pinned task placed with its person at its start breaks nothing."""
    scen = scenario(task(), pins=(Pin(task="api", person="ana", start=MON_9_17[0]),))
    assert check(scen, plan(put("api", *MON_9_17))) == []


def test_moved_pin_is_reported():
    """A pinned task moved to another person and time breaks `pinned` twice."""
    people = (person(), person("bob"))
    pin = Pin(task="api", person="ana", start=at("2026-03-03 09:00"))
    scen = scenario(task(), people=people, pins=(pin,))
    messages = broken(scen, plan(put("api", *MON_9_17, "bob")))["pinned"]
    assert len(messages) == 2 and all("'api'" in m for m in messages)
    assert any("ana" in m and "bob" in m for m in messages)


def test_end_at_horizon_is_clean():
    """A task may end exactly at the horizon end."""
    assert check(scenario(task(), horizon_end=MON_9_17[1]), plan(put("api", *MON_9_17))) == []


def test_end_after_horizon_is_reported():
    """Ending past the horizon breaks `horizon`."""
    scen = scenario(task(), horizon_end=at(f"{MONDAY} 12:00"))
    only(scen, plan(put("api", *MON_9_17)), "horizon", "'api'", f"{MONDAY} 11:00 UTC")


# --- objective --------------------------------------------------------------------------------


def late_scenario() -> Scenario:
    project = Project(id="web", deadline=at(f"{MONDAY} 15:00"), priority=2)
    return scenario(task(project="web", deadline=at(f"{MONDAY} 16:00")), projects=(project,))


def test_recompute_objective_from_plan_times():
    """Lateness is 1 h (task) + 2 x 2 h (project); makespan runs from the planning start."""
    timed = late_scenario().model_copy(update={"objective": ({"lateness": 1.0}, {"makespan": 1.0})})
    terms = recompute_objective(timed, plan(put("api", *MON_9_17)))
    assert terms == {"lateness": 5.0, "makespan": 17.0}


def test_matching_objective_is_clean():
    """A plan reporting the recomputed terms (within 1e-6 relative) breaks nothing."""
    the_plan = plan(put("api", *MON_9_17), objective={"lateness": 5.0 + 1e-9, "makespan": 17.0})
    assert check(late_scenario(), the_plan) == []


def test_wrong_objective_is_reported():
    """A plan misreporting a term, or reporting an unknown one, breaks `objective`."""
    the_plan = plan(put("api", *MON_9_17), objective={"lateness": 4.0, "cost": 1.0})
    messages = broken(late_scenario(), the_plan)["objective"]
    assert any("lateness" in m and "5.0" in m for m in messages)
    assert any("cost" in m for m in messages)


# --- the whole checker ------------------------------------------------------------------------


def test_every_rule_is_named_as_documented():
    """The rule names are the vocabulary shared with the solver and the tests."""
    assert list(RULES) == [
        "placed",
        "people",
        "qualified",
        "working_time",
        "one_at_a_time",
        "capacity",
        "dependency",
        "release",
        "planning_start",
        "pinned",
        "progress",
        "horizon",
        "max_hours_per_week",
        "max_projects",
        "objective",
    ]


def test_checker_stays_independent_of_the_solver():
    """check.py reaches no solver, compiled problem or solver calendar through its module-level
    imports (lazy imports inside functions, such as Plan.__str__'s report, are not its code)."""
    forbidden = ("ortools", "numpy", "allocate.problem", "allocate.calendar", "allocate.strategies")
    seen, todo = set(), ["allocate.check"]
    while todo:
        module = todo.pop()
        seen.add(module)
        tree = ast.parse(Path(importlib.util.find_spec(module).origin).read_text())
        for node in tree.body:
            names = [node.module] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            assert not [n for n in names if n and n.startswith(forbidden)], (module, names)
            todo += [n for n in names if n and n.startswith("allocate.") and n not in seen]


def test_large_long_plan_is_clean():
    """150 people x 2,000 chained tasks over more than 6 months in three zones check clean
    (its speed is measured by benchmarks/scale.py, not asserted here)."""
    zones = (BERLIN, LA, KOLKATA)
    people = tuple(person(f"p{i}", zones[i % 3], holidays="DE") for i in range(150))
    start, step = at("2026-01-05 00:00"), timedelta(minutes=30)
    hours = {p.id: WorkingTime(p.calendar, step, start, start + timedelta(days=99)) for p in people}
    tasks, assignments, free = [], [], {p.id: start for p in people}
    for i in range(2000):
        who = people[i % 150].id
        after = (Dependency(task=f"t{i - 150}"),) if i >= 150 and i % 7 == 0 else ()
        ready = max(free[who], assignments[i - 150].end) if after else free[who]
        begin = hours[who].finish(ready, step) - step  # the first working step from `ready`
        effort = 16 + i % 5 * 26.5
        free[who] = hours[who].finish(begin, timedelta(hours=effort))
        tasks.append(task(f"t{i}", effort, after=after))
        assignments.append(put(f"t{i}", begin, free[who], who))
    scen = Scenario(start=start, people=people, tasks=tuple(tasks))
    the_plan = plan(*assignments, resolution=30)
    assert check(scen, the_plan) == []
    assert the_plan.finish > start + timedelta(days=183)
