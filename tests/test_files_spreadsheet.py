"""Spreadsheets in: a workbook or CSV folder becomes the scenario it describes, a scenario written
out reads back equal, and a bad file lists every problem at its sheet, row and column."""

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip(
    "python_calamine", reason="needs the files extra (pip install -e '.[files]') (python-calamine)"
)
xlsxwriter = pytest.importorskip(
    "xlsxwriter", reason="needs the files extra (pip install -e '.[files]') (xlsxwriter)"
)

from allocate import solve  # noqa: E402
from allocate.examples import agency  # noqa: E402
from allocate.files import (  # noqa: E402
    InputFileError,
    read_spreadsheet,
    write_scenario_spreadsheet,
    write_template,
)
from allocate.files.inputs import template_scenario  # noqa: E402
from scenarios import scenarios, with_actuals  # noqa: E402


def in_task_order(scenario):
    """Pins come back in task order (the Tasks sheet holds them); nothing else moves."""
    order = {task.id: k for k, task in enumerate(scenario.tasks)}
    pins = tuple(sorted(scenario.pins, key=lambda pin: order[pin.task]))
    return scenario.model_copy(update={"pins": pins})


def workbook(path, sheets: dict[str, list[list]]):
    """A workbook with these rows, written the way a planner's spreadsheet program would."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    return path


@pytest.mark.parametrize("target", ["team.xlsx", "team"])
def test_the_example_round_trips(tmp_path, target):
    """The bundled agency (time zones, split days, part-time, holidays, vacations, lags of every
    kind) reads back equal from a workbook and from a CSV folder."""
    scenario = agency()
    assert read_spreadsheet(write_scenario_spreadsheet(scenario, tmp_path / target)) == scenario


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(weekly=True))
def test_any_scenario_round_trips_through_csv(tmp_path_factory, scenario):
    """Teams, pins, people-less tasks, resources, progress, limits: every field survives."""
    folder = tmp_path_factory.mktemp("csv") / "team"
    assert read_spreadsheet(write_scenario_spreadsheet(scenario, folder)) == in_task_order(scenario)


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(with_actuals())
def test_actuals_round_trip_through_csv(tmp_path_factory, scenario):
    """Work done and in progress: status, who, when started and finished, hours spent."""
    folder = tmp_path_factory.mktemp("csv") / "team"
    assert read_spreadsheet(write_scenario_spreadsheet(scenario, folder)) == in_task_order(scenario)


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_any_scenario_round_trips_through_xlsx(tmp_path_factory, scenario):
    """The same through real date cells and numbers in a workbook."""
    path = tmp_path_factory.mktemp("xlsx") / "team.xlsx"
    assert read_spreadsheet(write_scenario_spreadsheet(scenario, path)) == in_task_order(scenario)


@pytest.mark.parametrize("target", ["template.xlsx", "template"])
def test_the_template_is_its_worked_example_and_solves(tmp_path, target):
    """The template reads back as its example, whose plan is feasible."""
    scenario = read_spreadsheet(write_template(tmp_path / target))
    assert scenario == in_task_order(template_scenario())
    assert solve(scenario, strategy="greedy").feasible


def test_a_bad_workbook_lists_every_problem_at_its_cell(tmp_path):
    """Cells that cannot be read, repeated ids, a misspelt header, a missing setting and time off
    of someone unknown: all in one error, sheet by sheet, row by row."""
    path = workbook(
        tmp_path / "team.xlsx",
        {
            "Settings": [["Setting", "Value"], ["Time zone", "Europe/Berln"]],
            "People": [
                ["Person", "Skills", "Time zone", "Works", "Holidays", "Rate"],
                ["ana", "design:3, backend:high", "Berlin", "Mon-Fri 09:00-17:00", "DE-BE", 95],
                ["ben", "backend:2", "America/New_York", "Mon-Fry 9-17", "XX", "lots"],
                ["ana", "pm:2", "UTC", "", "", 0],
            ],
            "Tasks": [
                ["Task", "Name", "Efort (h)", "Needs", "After", "Deadline", "Notes"],
                ["a", "Spec", 16, "design:3", "", "2027-13-01", "our own column"],
                ["b", "API", "3 days", "backend:3", "a", "04/01/2027"],
                ["c", "Test", 8, "qa:2", "b FS +2d"],
            ],
            "Time off": [["Person", "From", "To"], ["carl", "2027-01-05", "2027-01-06"]],
        },
    )
    with pytest.raises(InputFileError) as caught:
        read_spreadsheet(path)
    assert [str(p) for p in caught.value.problems] == [
        "Settings: no 'Planning start' setting: when should planning start?",
        "Settings!B2: time zone 'Europe/Berln' is unknown (did you mean 'Europe/Berlin'?): "
        "use a name like 'Europe/Berlin'",
        "People!A2: person id 'ana' is used 2 times (rows 2, 4)",
        "People!B2: skill level 'high' of 'backend' is not a whole number",
        "People!C2: time zone 'Berlin' is unknown (did you mean 'Europe/Berlin'?): "
        "use a name like 'Europe/Berlin'",
        "People!D3: working hours 'Mon-Fry 9-17': 'Fry' is not a weekday (Mon ... Sun)",
        "People!E3: holidays 'XX': unknown holiday country 'XX' (use ISO country codes such as "
        "DE, US)",
        "People!F3: rate 'lots' is not a number",
        "People!A4: person id 'ana' is used 2 times (rows 2, 4)",
        "Tasks!C1: unknown column 'Efort (h)' (did you mean 'Effort (h)'?)",
        "Tasks!F2: deadline '2027-13-01' is not a date",
        "Tasks!F3: deadline '04/01/2027' is not a date (write dates like 2027-04-01: 04/01 is "
        "April in one country, January elsewhere)",
        "Tasks!E4: dependency 'b FS +2d': lags are hours, '+48h' elapsed or '+16wh' working "
        "(not 'd')",
        "Time off!A2: unknown person 'carl'",
    ]
    assert str(caught.value).startswith("team.xlsx has 14 problems:\n  Settings: no")


def test_scenario_problems_come_back_to_their_rows(tmp_path):
    """Cross-references the scenario checks (unknown tasks, cycles, skills nobody has, pins,
    preferences, objective terms) are placed at the row and column that name them."""
    path = workbook(
        tmp_path / "team.xlsx",
        {
            "Settings": [["Planning start", "2027-01-04"], ["Objective", "lateness; speed"]],
            "People": [["Person", "Skills"], ["ana", "design:3"], ["ben", "backend:2"]],
            "Tasks": [
                ["Task", "Effort (h)", "Needs", "After", "Project", "Pinned to", "Preferred"],
                ["a", 16, "design:3", "c", "", "ben"],
                ["b", 8, "backend:3", "a, zz", "shop"],
                ["c", 8, "design:1", "b", "", "", "carl"],
            ],
        },
    )
    with pytest.raises(InputFileError) as caught:
        read_spreadsheet(path)
    assert [str(p) for p in caught.value.problems] == [
        "Settings!B2: unknown objective term 'speed' (choose from changes, cost, handovers, "
        "late_projects, lateness, makespan, peak_utilisation, people_per_project, preferences, "
        "unplaced, utilisation_spread)",
        "Tasks!D2: dependency cycle: 'a' -> 'b' -> 'c' -> 'a'",
        "Tasks!F2: task 'a' is pinned to 'ben', who lacks its skills",
        "Tasks!C3: task 'b' needs backend 3; nobody has that (closest: 'ben')",
        "Tasks!D3: task 'b' depends on unknown task 'zz'",
        "Tasks!E3: task 'b' belongs to unknown project 'shop'",
        "Tasks!G4: task 'c' lists unknown person 'carl' as preferred",
    ]


def test_rows_that_contradict_themselves(tmp_path):
    """A milestone with effort, a team whose size disagrees with People, a task without id."""
    path = workbook(
        tmp_path / "team.xlsx",
        {
            "Settings": [["Planning start", "2027-01-04"]],
            "People": [["Person", "Skills"], ["ana", "design:3, backend:2"], ["ben", "backend:2"]],
            "Tasks": [
                ["Task", "Effort (h)", "Needs", "People", "Milestone"],
                ["m", 8, "", "", "yes"],
                ["t", 8, "design:1 + backend:1", 3],
                ["", 4],
                ["n", "", "", "", "no"],
            ],
        },
    )
    with pytest.raises(InputFileError) as caught:
        read_spreadsheet(path)
    assert [str(p) for p in caught.value.problems] == [
        "Tasks!B2: a milestone takes no work, but its effort is 8 h",
        "Tasks!D3: 3 people, but its Needs list a team of 2",
        "Tasks!A4: the task has no id",
        "Tasks!B5: no effort: give the hours of work (or mark it as a milestone)",
    ]


def test_a_planners_csv_folder(tmp_path):
    """Excel's CSV habits (byte-order mark, semicolons, Windows-1252), loose headers, defaults
    from the settings, 'everyone' and 'organisation' time off, an effort of 0 as a milestone."""
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "Settings.csv").write_bytes(
        "\ufeffSetting;Value\nPlanning start;2027-01-04\nTime zone;Europe/Berlin\n"
        "Works;Mon-Thu 08:00-16:00\nHolidays;DE-BY\n".encode("utf-8")
    )
    (folder / "people.csv").write_bytes(
        "PERSON;Full name;skill levels;hourly_rate\nana;Zoë Müller;design:3;95\n"
        "ben;Ben;backend:2;80\n".encode("cp1252")
    )
    (folder / "tasks.csv").write_text(
        "Task ID,Effort,Required skills,Depends on,Due date\n"
        "a,16 h,design:3,,2027-01-29\nb,8,backend:1,a SS +4h,\nm,0,,b,\n"
    )
    (folder / "time_off.csv").write_text(
        "Who,First day,Last day,Why\neveryone,2027-01-06,2027-01-06,offsite\n"
        "organisation,2027-02-01,2027-02-01,server move\nana,2027-01-11,2027-01-12,\n"
    )
    scenario = read_spreadsheet(folder)
    ana = scenario.person("ana")
    assert ana.name == "Zoë Müller" and ana.hourly_rate == 95
    assert ana.calendar.timezone == "Europe/Berlin" and ana.calendar.holidays == "DE-BY"
    assert set(ana.calendar.weekly_hours) == {"mon", "tue", "wed", "thu"}
    assert [off.reason for off in ana.calendar.time_off] == ["offsite", ""]
    assert [off.reason for off in scenario.calendar.time_off] == ["offsite", "server move"]
    assert scenario.task("b").after[0].type == "SS" and scenario.task("m").milestone
    assert scenario.task("a").deadline.isoformat() == "2027-01-30T00:00:00+01:00"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tasks.csv", "a CSV file holds one table: give the folder"),
        ("team.docx", "is not a workbook"),
        ("missing.xlsx", "does not exist"),
    ],
)
def test_files_that_are_not_a_team(tmp_path, name, message):
    """A single CSV file, another kind of file, or no file at all: one clear problem."""
    path = tmp_path / name
    if name != "missing.xlsx":
        path.write_text("Task\na\n")
    with pytest.raises(InputFileError, match=message):
        read_spreadsheet(path)


def test_the_core_imports_none_of_the_file_libraries():
    """`import allocate` (and solving) never loads the optional file packages."""
    code = (
        "import sys, allocate, allocate.cli; "
        "print(sorted(m for m in ('python_calamine', 'xlsxwriter', 'openpyxl', 'mpxj', 'jpype') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_documentation_lists_every_sheet_and_column():
    """docs/spreadsheets.md describes the layout the reader reads: every sheet, every header."""
    from pathlib import Path

    from allocate.files.layout import TABLES

    page = (Path(__file__).parents[1] / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"### {table.sheet} (`{table.csv_name}`)" in page
        for column in table.columns:
            assert f"| {column.header}" in page, column.header
