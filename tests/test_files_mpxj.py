"""Project files through MPXJ (Java): MPXJ reads our MS Project XML as we wrote it, our own file
imports back as its scenario, and files MPXJ itself writes (MPX, Primavera PMXML and XER, Planner,
MSPDI) import with what each format can hold.

Skipped without a Java runtime or the `mpxj` and `JPype1` packages (`pip install -e '.[files]'`
in a clone; Debian: `apt-get install default-jre-headless`). The Java VM starts once per process
(the fixture below) and stays up for every test here.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings

from allocate.files.mpxj import java_missing
from scenarios import scenarios

DAY = timedelta(days=1)
MISSING = java_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

from allocate import solve  # noqa: E402
from allocate.calendar import working_intervals  # noqa: E402
from allocate.cli import main  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.files import InputFileError, read_project_file, write_msproject  # noqa: E402
from allocate.files import mpxj as bridge  # noqa: E402
from allocate.files.inputs import template_scenario  # noqa: E402
from allocate.files.project_calendar import day_ranges  # noqa: E402
from allocate.report.rows import planned_hours  # noqa: E402


@pytest.fixture(scope="session")
def java():
    """The Java VM with MPXJ, started once for the whole test session."""
    bridge.start()
    return bridge


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


@pytest.fixture(scope="module")
def template():
    scenario = template_scenario()
    return scenario, solve(scenario, strategy="greedy")


def local(moment: datetime, zone="Europe/Berlin") -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def test_mpxj_reads_our_file_as_written(java, tmp_path, example):
    """Tasks (start, finish, work, links with type and lag), resources (rate), assignments and
    every person's calendar, day by day, as MPXJ understands the file."""
    scenario, plan = example
    project = java.read(write_msproject(scenario, plan, tmp_path / "plan.xml"))
    from java.time import LocalDate
    from org.mpxj import TimeUnit

    tasks = {
        str(t.getNotes()).split("\n")[0].removeprefix("Task id: "): t
        for t in project.getTasks()
        if not t.getSummary()
    }
    properties = project.getProjectProperties()
    for a in plan.assignments:
        task = scenario.task(a.task)
        read = tasks[task.id]
        assert str(read.getStart()) == local(a.start) and str(read.getFinish()) == local(a.end)
        hours = read.getWork().convertUnits(TimeUnit.HOURS, properties).getDuration()
        assert hours == pytest.approx(task.effort_hours * task.team_size)
        links = [
            (str(r.getPredecessorTask().getName()), str(r.getType()), str(r.getLag()))
            for r in read.getPredecessors()
        ]
        names = {t.id: t.name for t in scenario.tasks}
        expected = [
            (names[d.task], d.type, f"{d.lag_hours:.1f}{'h' if d.lag_in == 'working' else 'eh'}")
            for d in task.after
        ]
        assert links == expected
    resources = {str(r.getInitials()): r for r in project.getResources() if r.getName()}
    first = scenario.start.astimezone(ZoneInfo("Europe/Berlin")).date()
    for person in scenario.people:
        resource = resources[person.id]
        assert float(resource.getStandardRate().getAmount()) == person.hourly_rate
        expected = day_ranges(person.calendar, "Europe/Berlin", first, first + timedelta(days=150))
        calendar = resource.getCalendar()
        for day, ranges in expected.items():
            hours = calendar.getHours(LocalDate.of(day.year, day.month, day.day))
            read_ranges = [(str(r.getStart()), str(r.getEnd())) for r in hours]
            assert read_ranges == [(_clock(lo), _clock(hi)) for lo, hi in ranges], (person.id, day)
    pairs = sorted(
        (str(x.getTask().getName()), str(x.getResource().getInitials()))
        for x in project.getResourceAssignments()
    )
    assert pairs == sorted(
        (scenario.task(a.task).name, p) for a in plan.assignments for p in a.people
    )


def work(task) -> float:
    """Hours of work on a task: a task that needs nobody counts its duration (formats without
    custom fields cannot say that it needs nobody, and read it as one person's work)."""
    return task.effort_hours * (task.team_size or 1)


def _clock(minutes: int) -> str:
    return "00:00" if minutes == 1440 else f"{minutes // 60:02d}:{minutes % 60:02d}"


@pytest.mark.parametrize("fixture", ["example", "template"])
def test_our_file_imports_back_as_its_scenario(java, tmp_path, fixture, request):
    """With releases as constraints, a written plan imports back as its scenario: the same
    tasks (effort, needs, teams, links, dates, priorities), projects, and people who work the
    very same instants in their own time zones (holidays come back as time off)."""
    scenario, plan = request.getfixturevalue(fixture)
    path = write_msproject(scenario, plan, tmp_path / "plan.xml", keep_dates=False)
    imported = read_project_file(path, assignments="ignore")
    back = imported.scenario
    assert imported.unmapped == ()
    fields = ("id", "name", "project", "effort_hours", "skills", "team", "headcount", "after",
              "release", "deadline", "priority", "milestone")  # fmt: skip
    for task in scenario.tasks:
        assert {f: getattr(back.task(task.id), f) for f in fields} == {
            f: getattr(task, f) for f in fields
        }, task.id
    for project in scenario.projects:
        assert back.project(project.id).model_dump(exclude={"budget", "value"}) == (
            project.model_dump(exclude={"budget", "value"})
        )
    window = (scenario.start, scenario.start + timedelta(days=300))
    for person in scenario.people:
        twin = back.person(person.id)
        assert (twin.name, twin.skills, twin.hourly_rate) == (
            person.name, person.skills, person.hourly_rate
        )  # fmt: skip
        assert twin.calendar.timezone == person.calendar.timezone
        assert working_intervals(twin.calendar, *window) == working_intervals(
            person.calendar, *window
        )
    assert working_intervals(back.calendar, *window) == working_intervals(
        scenario.calendar, *window
    )


def test_assignments_become_pins_or_preferences(java, tmp_path, template):
    """The file's assignments: pins of the person (first member of a team; the rest preferred),
    or preferences; a re-plan with the pins gives every task to the same person."""
    scenario, plan = template
    path = write_msproject(scenario, plan, tmp_path / "plan.xml", keep_dates=False)
    pinned = read_project_file(path).scenario
    assert {(pin.task, pin.person) for pin in pinned.pins} == {
        (a.task, a.people[0]) for a in plan.assignments if a.people
    }
    replanned = solve(pinned, strategy="greedy")
    assert all(
        replanned.assignment(a.task).people[0] == a.people[0] for a in plan.assignments if a.people
    )
    preferred = read_project_file(path, assignments="preferences").scenario
    assert not preferred.pins
    assert preferred.task("design").preferred == plan.assignment("design").people


@pytest.mark.parametrize("suffix", [".mpx", ".pmxml", ".xer", ".planner", ".xml"])
def test_files_mpxj_writes_import(java, tmp_path, template, suffix):
    """MS Project MPX, Primavera PMXML and XER, Planner and MSPDI, as MPXJ writes them from our
    plan: tasks, efforts, links and people come back; what a format cannot hold is reported."""
    scenario, plan = template
    project = java.read(write_msproject(scenario, plan, tmp_path / "ours.xml"))
    path = java.write(project, tmp_path / f"plan{suffix}")
    imported = read_project_file(path, timezone="Europe/Berlin")
    back = imported.scenario
    assert [t.id for t in back.tasks] == [t.id for t in scenario.tasks]
    assert [t.name for t in back.tasks] == [t.name for t in scenario.tasks]
    for task in scenario.tasks:
        twin = back.task(task.id)
        assert twin.milestone == task.milestone
        assert work(twin) == pytest.approx(work(task))
        assert [d.task for d in twin.after] == [d.task for d in task.after]
        start = plan.assignment(task.id).start  # kept as constraints; MPX keeps only the day
        assert twin.release == start or (suffix == ".mpx" and start - twin.release < DAY)
    assert [p.name for p in back.people] == [p.name for p in scenario.people]
    assert [p.id for p in back.projects] == ["web"]
    assert str(imported).startswith("8 tasks, 4 people, 1 projects")


def test_a_file_that_is_no_project(java, tmp_path):
    """A file MPXJ cannot read is one clear problem, not a Java traceback."""
    path = tmp_path / "notes.mpp"
    path.write_bytes(b"these are not the tasks you are looking for")
    with pytest.raises(InputFileError, match="notes.mpp has 1 problem"):
        read_project_file(path)


def test_the_command_line_imports_a_project_file(java, tmp_path, template, capsys):
    """`python -m allocate import plan.xml` prints scenario JSON, the report on stderr."""
    scenario, plan = template
    path = write_msproject(scenario, plan, tmp_path / "plan.xml")
    assert main(["import", str(path), "--assignments", "preferences"]) == 0
    out, err = capsys.readouterr()
    assert '"id": "kickoff"' in out and err.startswith("8 tasks, 4 people, 1 projects")


@settings(
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
def test_any_plan_survives_ms_project(java, tmp_path, scenario):
    """For generated scenarios (zones nine hours apart, a half-hour zone, split days, part-time,
    holidays, time off, every link type with lags, teams, tasks that need nobody): the planned
    tasks come back with their work, links and dates, and people work the same instants."""
    plan = solve(scenario, strategy="greedy")
    if not plan.assignments:
        return
    path = write_msproject(scenario, plan, tmp_path / "plan.xml", keep_dates=False)
    back = read_project_file(path, assignments="ignore").scenario
    placed = {a.task for a in plan.assignments}
    for task in (t for t in scenario.tasks if t.id in placed):
        twin = back.task(task.id)
        hours = planned_hours(task.remaining_hours, plan.resolution_minutes)
        assert (twin.milestone, twin.headcount, twin.team, twin.skills) == (
            task.milestone, task.headcount, task.team, task.skills
        )  # fmt: skip
        assert twin.effort_hours == pytest.approx(0.0 if task.milestone else hours)
        assert twin.after == tuple(d for d in task.after if d.task in placed)
        assert (twin.release, twin.deadline, twin.priority) == (
            task.release, task.deadline, task.priority
        )  # fmt: skip
    window = (scenario.start, scenario.start + timedelta(days=200))
    for person in scenario.people:
        twin = back.person(person.id)
        assert working_intervals(twin.calendar, *window) == working_intervals(
            person.calendar, *window
        )
