"""Benchmark instances as Scenarios: PSPLIB single-mode `.sm` and iMOPSE `.def`.

The files in tests/data are unmodified public instances (sources in tests/data/README.md); the
known values below (capacities, demands, MPM times, optima) are read off the files and the PSPLIB
optimum table, not off our own output.
"""

import importlib.util
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from allocate import check, solve
from allocate.instances import (
    ALWAYS,
    START,
    InstanceFormatError,
    parse_imopse,
    parse_mslib,
    read_imopse,
    read_instance,
    read_mslib,
    read_psplib,
)
from allocate.scenario import hours

DATA = Path(__file__).parent / "data"
J301_1, J301_2 = DATA / "j301_1.sm", DATA / "j301_2.sm"
SMALL_DEF, LARGER_DEF = DATA / "10_3_5_3.def", DATA / "15_9_12_9.def"
J301_1_OPTIMUM = 43  # PSPLIB j30opt.sm, parameter 1 instance 1
J301_2_OPTIMUM = 47

needs_psplib = pytest.mark.skipif(
    importlib.util.find_spec("psplib") is None, reason="psplib is not installed"
)


def critical_path(scenario) -> float:
    """Longest chain of efforts through the FS dependencies, ignoring every resource and person."""
    finish: dict[str, float] = {}

    def end(task_id: str) -> float:
        if task_id not in finish:
            task = scenario.task(task_id)
            ready = max((end(d.task) for d in task.after), default=0.0)
            finish[task_id] = ready + task.effort_hours
        return finish[task_id]

    return max(end(t.id) for t in scenario.tasks)


def makespan(plan) -> float:
    return max(hours(a.end - START) for a in plan.assignments)


def after(scenario, task_id: str) -> list[str]:
    return sorted((d.task for d in scenario.task(task_id).after), key=int)


# ---------------------------------------------------------------- conventions


def test_conventions_are_an_always_working_calendar_from_a_monday():
    assert datetime(2024, 1, 1, tzinfo=UTC) == START and START.weekday() == 0
    assert all(ranges[0].minutes == (0, 1440) for ranges in ALWAYS.weekly_hours.values())
    assert len(ALWAYS.weekly_hours) == 7


# ---------------------------------------------------------------- PSPLIB


@needs_psplib
def test_psplib_jobs_resources_and_arcs():
    """j301_1: 32 jobs (30 real, dummy source and sink as milestones), 4 renewable resources."""
    s = read_psplib(J301_1)
    assert s.name == "j301_1"
    assert s.start == START and s.calendar == ALWAYS and s.people == ()
    assert s.objective == ({"makespan": 1.0},) and s.resolution_minutes == 60
    assert [t.id for t in s.tasks] == [str(j) for j in range(1, 33)]
    assert [(r.id, r.capacity) for r in s.resources] == [
        ("R1", 12),
        ("R2", 13),
        ("R3", 4),
        ("R4", 12),
    ]
    milestones = [t.id for t in s.tasks if t.milestone]
    assert milestones == ["1", "32"]
    assert all(t.headcount == 0 for t in s.tasks if not t.milestone)
    # a few rows of REQUESTS/DURATIONS
    assert (s.task("2").effort_hours, s.task("2").resources) == (8, {"R1": 4})
    assert (s.task("3").effort_hours, s.task("3").resources) == (4, {"R1": 10})
    assert (s.task("26").effort_hours, s.task("26").resources) == (7, {"R3": 4})
    assert (s.task("31").effort_hours, s.task("31").resources) == (2, {"R3": 2})
    # successors in the file become predecessors here, finish-to-start
    assert after(s, "2") == ["1"]
    assert after(s, "20") == ["5", "11", "18"]
    assert after(s, "32") == ["29", "30", "31"]
    assert all(d.type == "FS" and d.lag_hours == 0 for t in s.tasks for d in t.after)
    assert sum(len(t.after) for t in s.tasks) == 48  # the #successors column adds up to 48


@needs_psplib
@pytest.mark.parametrize(
    ("path", "capacities", "mpm_time", "optimum"),
    [(J301_1, [12, 13, 4, 12], 38, J301_1_OPTIMUM), (J301_2, [14, 10, 11, 14], 42, J301_2_OPTIMUM)],
)
def test_psplib_solves_into_a_checked_plan(path, capacities, mpm_time, optimum):
    """The greedy plan passes the checker, respects every capacity hour by hour, and its makespan
    is at least the critical path (the file's MPM-Time) and the proven optimum."""
    s = read_psplib(path)
    assert [r.capacity for r in s.resources] == capacities
    assert critical_path(s) == mpm_time
    plan = solve(s, strategy="greedy")
    assert plan.feasible and plan.violations == () and check(s, plan) == []
    assert all(a.people == () for a in plan.assignments)
    span = makespan(plan)
    assert plan.objective["makespan"] == span
    assert span >= optimum >= mpm_time
    assert plan.level_bounds[0] >= mpm_time  # allocate's bound is at least the critical path
    # independently of the checker: units in use never exceed a capacity
    for hour in range(int(span)):
        moment = START + timedelta(hours=hour)
        running = [a for a in plan.assignments if a.start <= moment < a.end]
        for resource in s.resources:
            used = sum(s.task(a.task).resources.get(resource.id, 0) for a in running)
            assert used <= resource.capacity, (resource.id, hour)
    # and every arc holds
    for task in s.tasks:
        for d in task.after:
            assert plan.assignment(d.task).end <= plan.assignment(task.id).start


@needs_psplib
def test_psplib_dummy_jobs_are_milestones_at_the_ends():
    plan = solve(read_psplib(J301_1), strategy="greedy")
    assert plan.assignment("1").start == plan.assignment("1").end == START
    sink = plan.assignment("32")
    assert sink.start == sink.end == START + timedelta(hours=makespan(plan))


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def edited(path, old: str, new: str, count: int = 1) -> str:
    text = path.read_text()
    assert old in text
    return text.replace(old, new, count)


@needs_psplib
@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("  3      1     4      10", "  3      1     4      1O", 57, "must be integers"),
        (
            "  2      1     8       4    0    0    0",
            "  2      1     8       4    0    0",
            56,
            "needs 7 numbers",
        ),
        (
            "   2        1          3           6  11  15",
            "   2        1          3           6  11",
            20,
            "declares 3 successors but lists 2",
        ),
        ("   2        1          3 ", "   2        2          3 ", 20, "only single-mode"),
        (
            "   5        1          1          20",
            "   5        1          1          40",
            23,
            "unknown successor 40",
        ),
        ("  3      1     4      10", "  3      1     4      30", 57, "needs 30 units of R1"),
        ("   12   13    4   12", "   12   13    4", 90, "capacities needs 4 numbers"),
    ],
)
def test_psplib_malformed_files_name_file_and_line(tmp_path, old, new, line, words):
    path = write(tmp_path, "bad.sm", edited(J301_1, old, new))
    with pytest.raises(InstanceFormatError, match=words) as caught:
        read_psplib(path)
    assert str(caught.value).startswith(f"{path}, line {line}: ")
    assert isinstance(caught.value, ValueError) and caught.value.line == line


@needs_psplib
def test_psplib_without_sections_or_with_a_cycle(tmp_path):
    path = write(tmp_path, "empty.sm", "nothing to see\n")
    with pytest.raises(ValueError, match=r"empty\.sm: no 'PRECEDENCE RELATIONS' section"):
        read_psplib(path)
    # job 30 -> 2 closes a cycle 2 -> 6 -> 30 -> 2: the scenario's own validation names it
    cyclic = edited(
        J301_1, "  30        1          1          32", "  30        1          2          32   2"
    )
    with pytest.raises(
        ValueError, match=r"(?s)cyclic\.sm: the instance is not a valid scenario.*dependency cycle"
    ):
        read_psplib(write(tmp_path, "cyclic.sm", cyclic))


def test_psplib_without_the_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psplib", None)
    with pytest.raises(ImportError, match=r"pip install psplib .*pip install -e '\.\[instances\]'"):
        read_psplib(J301_1)


# ---------------------------------------------------------------- iMOPSE


def test_imopse_people_skills_and_tasks():
    """10_3_5_3: 3 resources, 10 tasks, 4 precedence relations; levels shifted by one."""
    s = read_imopse(SMALL_DEF)
    assert s.name == "10_3_5_3" and s.resources == () and s.objective == ({"makespan": 1.0},)
    assert [p.id for p in s.people] == ["R1", "R2", "R3"]
    r1, r2, r3 = s.people
    assert r1.skills == {"Q1": 1, "Q2": 2} and r1.hourly_rate == 56.0
    assert r2.skills == {"Q2": 3, "Q0": 2} and r2.hourly_rate == 53.6
    assert r3.skills == {"Q0": 2, "Q1": 1} and r3.hourly_rate == 28.9
    assert all(p.calendar == ALWAYS for p in s.people)
    assert len(s.tasks) == 10 and all(t.headcount == 1 for t in s.tasks)
    assert (s.task("1").effort_hours, s.task("1").skills) == (37, {"Q2": 2})
    assert (s.task("2").effort_hours, s.task("2").skills) == (36, {"Q2": 3})
    assert after(s, "7") == ["4", "5"] and after(s, "9") == ["7"] and after(s, "10") == ["3"]
    assert sum(len(t.after) for t in s.tasks) == 4
    # Q1 at level 0 still needs Q1: R2 does not hold it and must not qualify
    assert [p.id for p in s.qualified_people(s.task("4"))] == ["R1", "R3"]
    assert [p.id for p in s.qualified_people(s.task("2"))] == ["R2"]


def test_imopse_parse_keeps_the_file_levels():
    instance = parse_imopse(LARGER_DEF)
    assert instance.header["tasks"] == "15" and len(instance.resources) == 9
    assert instance.tasks[9].predecessors == (2, 6, 7) and instance.tasks[9].skills == {"Q1": 0}
    assert instance.resources[8].skills == {"Q0": 0, "Q7": 1, "Q6": 1, "Q3": 1, "Q4": 2}


@pytest.mark.parametrize(("path", "proven_optimum"), [(SMALL_DEF, 93), (LARGER_DEF, 90)])
def test_imopse_solves_into_a_checked_plan(path, proven_optimum):
    """Greedy and the default solve give checked plans; each task goes to a resource holding its
    skill at the file's level; the makespan is at least the critical path and the optimum (proven
    by CP-SAT when the instances were added)."""
    s = read_imopse(path)
    instance = parse_imopse(path)
    holders = {f"R{r.id}": r.skills for r in instance.resources}
    for strategy in ("greedy", "auto"):
        plan = solve(s, strategy=strategy, time_limit=5)
        assert plan.feasible and plan.violations == () and check(s, plan) == []
        for task, a in zip(
            instance.tasks, sorted(plan.assignments, key=lambda a: int(a.task)), strict=True
        ):
            (person,) = a.people
            assert all(holders[person].get(k, -1) >= v for k, v in task.skills.items())
            assert hours(a.end - a.start) == task.duration  # always working: no pauses
        assert makespan(plan) >= proven_optimum >= critical_path(s)
        assert plan.level_bounds[0] >= critical_path(s)


DEF_HEADER = """General characteristics:
Tasks: 2
Resources: 1
Precedence relations: 1
==========
ResourceID  Salary  Skills
1   10.0   Q0: 1
==========
TaskID  Duration  Skill  Predecessor IDs
1   5   Q0: 1
2   3   Q0: 0   1
==========
"""


def test_imopse_a_minimal_file(tmp_path):
    s = read_imopse(write(tmp_path, "tiny.def", DEF_HEADER))
    plan = solve(s, strategy="greedy")
    assert makespan(plan) == 8 and plan.violations == ()


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("1   10.0   Q0: 1", "1   ten   Q0: 1", 7, "expected 'ResourceID Salary"),
        ("1   10.0   Q0: 1", "1   10.0   Q0 1", 7, "expected 'ResourceID Salary"),
        ("2   3   Q0: 0   1", "2   3   Q0: 0   one", 11, "expected 'TaskID Duration"),
        ("2   3   Q0: 0   1", "2   3   Q0: 0   7", 11, "follows unknown task 7"),
        ("2   3   Q0: 0   1", "2   3   Q0: 2   1", 11, "needs Q0 at level 2, which no resource"),
        ("2   3   Q0: 0   1", "1   3   Q0: 0   1", 11, "task 1 appears twice"),
        ("Tasks: 2", "Tasks 2", 2, "expected 'Name: value'"),
    ],
)
def test_imopse_malformed_files_name_file_and_line(tmp_path, old, new, line, words):
    path = write(tmp_path, "bad.def", DEF_HEADER.replace(old, new))
    with pytest.raises(InstanceFormatError, match=words) as caught:
        read_imopse(path)
    assert str(caught.value).startswith(f"{path}, line {line}: ")


def test_imopse_header_counts_must_match(tmp_path):
    path = write(
        tmp_path,
        "bad.def",
        DEF_HEADER.replace("Precedence relations: 1", "Precedence relations: 3"),
    )
    with pytest.raises(
        ValueError, match=r"bad\.def: the header says precedence relations: 3, found 1"
    ):
        read_imopse(path)
    with pytest.raises(ValueError, match="no task table"):
        read_imopse(write(tmp_path, "none.def", "hello\n"))


# ---------------------------------------------------------------- MSLIB

MSLIB = DATA / "MSLIB_Set1_1.msrcp"


def test_mslib_activities_become_teams():
    """An activity needing 3 resources of skill 2 is a team of three people mastering s2."""
    scenario = read_mslib(MSLIB)
    assert len(scenario.tasks) == 32 and len(scenario.people) == 4
    assert scenario.task("a1").milestone and scenario.task("a32").milestone
    a2 = scenario.task("a2")
    assert a2.effort_hours == 7 and a2.team_size == 3 and a2.members[0] == {"s2": 1}
    assert [d.task for d in scenario.task("a11").after] == ["a2", "a3"]


def test_mslib_levels_variant_keeps_each_resources_level():
    """With levels, activity 2's three places need s2 at levels 1, 1 and 2."""
    a2 = read_mslib(MSLIB, levels=True).task("a2")
    assert a2.members == ({"s2": 1}, {"s2": 1}, {"s2": 2})


def test_mslib_plan_is_valid_and_not_below_the_workload_bound():
    """Every activity is staffed by its whole team; the makespan respects the workload bound."""
    instance = parse_mslib(MSLIB)
    scenario = read_mslib(MSLIB)
    plan = solve(scenario, strategy="greedy")
    assert plan.feasible and not check(scenario, plan)
    work = sum(a.duration * sum(a.needs) for a in instance.activities)
    makespan = hours(plan.finish - START)
    assert makespan >= work / len(scenario.people)
    assert all(len(a.people) == scenario.task(a.task).team_size for a in plan.assignments)
    assert instance.deadlines == (133, 130)


def test_auto_plans_small_always_working_teams_exactly():
    """MSLIB_Set1_1 has 316 (place, person) choices, but its four people work around the clock
    and may all do everything: the exact model pools them into one class (79 choices), and
    `auto` runs it."""
    plan = solve(read_mslib(MSLIB), time_limit=1.0)
    assert plan.stats.strategy == "cpsat" and plan.stats.detail["options"] == 79
    assert plan.stats.detail["classes"] == 1
    assert plan.feasible and plan.violations == ()


def test_mslib_malformed_file_names_the_line(tmp_path):
    text = MSLIB.read_text().replace("0\t16\t2 3 4", "0\t17\t2 3 4", 1)
    with pytest.raises(InstanceFormatError, match=r"line \d+: expected 'duration successors"):
        read_mslib(write(tmp_path, "bad.msrcp", text))


# ---------------------------------------------------------------- dispatch


@needs_psplib
def test_read_instance_by_suffix(tmp_path):
    assert read_instance(J301_1).name == "j301_1"
    assert read_instance(SMALL_DEF).name == "10_3_5_3"
    assert read_instance(MSLIB).name == "MSLIB_Set1_1"
    with pytest.raises(ValueError, match=r"unknown instance format '\.txt'"):
        read_instance(tmp_path / "x.txt")
    with pytest.raises(FileNotFoundError):
        read_instance(tmp_path / "missing.def")
