"""Plans out as a workbook: every sheet a PM filters is there, frozen and filterable with real
dates, and its figures are the plan's (local times per person, weekly load, projects, what was
not planned and why)."""

import re
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

calamine = pytest.importorskip(
    "python_calamine", reason="needs the files extra (pip install -e '.[files]')"
)
pytest.importorskip("xlsxwriter", reason="needs the files extra (pip install -e '.[files]')")

from allocate import Calendar, Person, Pin, Project, Scenario, Task, solve  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.files import write_spreadsheet  # noqa: E402

SHEETS = ["Plan", "Assignments", "Weekly load", "Load by week", "Projects", "Late", "Not planned"]


@pytest.fixture(scope="module")
def small():
    """Two people six hours apart, a team task, a milestone, optional work too big for the
    horizon (left out) and a task pinned to a Saturday (not placed)."""
    start = datetime(2027, 1, 4, 8, tzinfo=UTC)
    scenario = Scenario(
        start=start,
        horizon_end=datetime(2027, 1, 22, tzinfo=UTC),
        people=[
            Person(
                id="ana",
                name="Ana",
                skills={"x": 1},
                hourly_rate=90,
                calendar=Calendar(timezone="Europe/Berlin", holidays="DE-BE"),
            ),
            Person(
                id="ben",
                name="Ben",
                skills={"x": 1},
                calendar=Calendar(timezone="America/New_York"),
            ),
        ],  # fmt: skip
        projects=[
            Project(
                id="p",
                name="Pilot",
                customer="ACME",
                deadline=datetime(2027, 1, 6, 17, tzinfo=UTC),
                budget=1000,
            )
        ],  # fmt: skip
        tasks=[
            Task(id="a", name="Workshop", project="p", effort_hours=8, skills={"x": 1}, people=2),
            Task(id="m", project="p", milestone=True, after=["a"]),
            Task(id="big", project="p", effort_hours=300, skills={"x": 1}, optional=True),
            Task(id="sat", effort_hours=2, skills={"x": 1}),
        ],
        pins=[Pin(task="sat", start=datetime(2027, 1, 9, 10, tzinfo=UTC))],
    )
    return scenario, solve(scenario, strategy="greedy")


def read(path):
    book = calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def sheet_xml(path, index: int) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index + 1}.xml").decode()


def test_the_sheets_and_their_rows(tmp_path, small):
    """One row per person and task in both local and organisation time; milestones and
    tasks nobody works on have one row without a person."""
    scenario, plan = small
    book = read(write_spreadsheet(scenario, plan, tmp_path / "plan.xlsx", timezone="UTC"))
    assert list(book) == SHEETS
    header, *rows = book["Assignments"]
    assert header[5:10] == ["Start (local)", "End (local)", "Time zone", "Start (UTC)", "End (UTC)"]
    workshop = {row[3]: row for row in rows if row[0] == "a"}
    assert set(workshop) == {"ana", "ben"}
    a = plan.assignment("a")
    for person, row in workshop.items():
        zone = ZoneInfo(scenario.person(person).calendar.timezone)
        assert row[5] == a.start.astimezone(zone).replace(tzinfo=None)
        assert row[8] == a.start.astimezone(UTC).replace(tzinfo=None)
        assert row[10] == 8
    assert workshop["ana"][14] == 720 and workshop["ben"][14] == ""
    milestone = next(row for row in rows if row[0] == "m")
    assert milestone[3] == "" and milestone[13] == "yes"


def test_weekly_load_is_the_plans(tmp_path, small):
    """Booked and available hours per person and local week are the plan's summaries."""
    scenario, plan = small
    book = read(write_spreadsheet(scenario, plan, tmp_path / "plan.xlsx"))
    _, *rows = book["Weekly load"]
    expected = [
        (s.id, w.start, w.booked_hours, w.available_hours) for s in plan.people for w in s.weeks
    ]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == expected
    grid_header, *grid = book["Load by week"]
    assert grid_header[:2] == ["Person", "Name"] and [row[0] for row in grid] == ["ana", "ben"]


def test_projects_late_and_not_planned(tmp_path, small):
    """The project against its deadline and budget; what was left out or not placed, why."""
    scenario, plan = small
    book = read(write_spreadsheet(scenario, plan, tmp_path / "plan.xlsx"))
    _, project = book["Projects"]
    summary = plan.projects[0]
    assert project[0] == "p" and project[2] == "ACME" and project[8] == 1000
    assert project[5] == round(summary.late_hours, 2) and project[7] == round(summary.cost, 2)
    _, *missing = book["Not planned"]
    kinds = {(row[0], row[3]) for row in missing}
    assert ("big", "left out") in kinds and ("sat", "not placed") in kinds
    assert all(row[4] for row in missing)
    assert len(book["Late"]) == 1 + len(plan.late)


def test_frozen_headers_filters_widths_and_date_formats(tmp_path):
    """Every table sheet freezes its header row and filters every column; dates are date cells
    with a date format; columns are wide enough for their contents."""
    scenario = agency()
    plan = solve(scenario, strategy="greedy")
    path = write_spreadsheet(scenario, plan, tmp_path / "plan.xlsx")
    book = read(path)
    for index, name in enumerate(SHEETS):
        xml = sheet_xml(path, index)
        if name == "Plan":
            assert "autoFilter" not in xml
            continue
        assert re.search(r'<pane ySplit="1"[^>]*state="frozen"', xml), name
        rows, columns = len(book[name]), len(book[name][0])
        last = chr(ord("A") + columns - 1) if columns <= 26 else None
        assert f'<autoFilter ref="A1:{last}{max(rows, 2)}"' in xml or last is None, name
        widths = [float(w) for w in re.findall(r'width="([\d.]+)"', xml)]
        assert widths and min(widths) >= 4, name
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'formatCode="yyyy-mm-dd hh:mm"' in styles and 'formatCode="0%"' in styles
    first = book["Assignments"][1]
    assert isinstance(first[5], datetime) and isinstance(
        book["Weekly load"][1][2], type(plan.people[0].weeks[0].start)
    )


def test_a_folder_of_csv_files(tmp_path, small):
    """Without a suffix the plan is a folder with one CSV file per table."""
    scenario, plan = small
    folder = write_spreadsheet(scenario, plan, tmp_path / "plan")
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["plan.csv", "assignments.csv", "weekly_load.csv", "projects.csv", "late.csv",
         "not_planned.csv"]
    )  # fmt: skip
    assert (folder / "assignments.csv").read_text().startswith("Task,Task name,Project,Person")


def test_a_plan_of_another_scenario_is_refused(tmp_path, small):
    """Writing a plan with the wrong scenario names the strangers instead of writing nonsense."""
    _, plan = small
    with pytest.raises(ValueError, match="does not belong"):
        write_spreadsheet(agency(), plan, tmp_path / "plan.xlsx")
