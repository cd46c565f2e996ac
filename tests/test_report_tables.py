"""Tables of a plan: assignment rows, weekly and daily load from the real calendars, CSV."""

import csv
from datetime import UTC, date, datetime

import pytest

from allocate import Assignment, Calendar, Person, Plan, Project, Scenario, Task, solve
from allocate.examples import agency
from allocate.report import assignments_table, load, utilisation_table, write_csv
from allocate.report.rows import COLUMNS, PLAN_COLUMNS, assignment_rows
from allocate.scenario import Progress

pd = pytest.importorskip("pandas")


def at(day: int, hour: int = 17) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


def small() -> Scenario:
    """Two people five hours apart; one task done, one in progress, two milestones."""
    return Scenario(
        name="Studio",
        start=at(4, 8),
        people=[
            Person(id="ana", name="Ana", skills={"design": 3}),
            Person(
                id="ben",
                name="Ben",
                skills={"backend": 3},
                calendar=Calendar(timezone="America/New_York"),
            ),
        ],
        projects=[Project(id="web", name="Website", customer="ACME", deadline=at(29))],
        tasks=[
            Task(
                id="spec",
                name="Specification",
                project="web",
                effort_hours=16,
                skills={"design": 1},
                progress=Progress(status="done", finished=datetime(2026, 12, 31, 17, tzinfo=UTC)),
            ),
            Task(
                id="design",
                name="Design",
                project="web",
                effort_hours=24,
                skills={"design": 2},
                after=["spec"],
                progress=Progress(status="in_progress", people=("ana",), hours_spent=8),
            ),
            Task(id="api", name="API", project="web", effort_hours=40, skills={"backend": 2}),
            Task(
                id="alpha", project="web", milestone=True, after=["design", "api"], deadline=at(6)
            ),
            Task(
                id="polish", project="web", effort_hours=16, skills={"design": 2}, after=["alpha"]
            ),
        ],
    )


@pytest.fixture(scope="module")
def studio():
    scenario = small()
    return scenario, solve(scenario, strategy="greedy")


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def test_assignment_table_has_one_row_per_assignment_with_task_facts(studio):
    """Rows carry names, projects, planned hours (remaining effort), deadlines and lateness."""
    scenario, plan = studio
    table = assignments_table(scenario, plan)
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == len(plan.assignments)
    design = table.set_index("task").loc["design"]
    assert design["hours"] == 16 and design["progress"] == "in_progress"
    assert design["people"] == "ana" and design["start"] == pd.Timestamp("2027-01-04 09:00Z")
    alpha = table.set_index("task").loc["alpha"]
    assert bool(alpha["milestone"]) and alpha["late_hours"] == pytest.approx(2 * 24 + 5)
    assert str(table["start"].dt.tz) == "UTC"
    assert table["cost"].isna().all()  # nobody has an hourly rate


def test_cost_is_planned_hours_at_the_hourly_rate(example):
    """Each assignment costs its hours at the assignee's rate; milestones cost nothing."""
    scenario, plan = example
    table = assignments_table(scenario, plan).set_index("task")
    assert table.loc["shop-kickoff", "cost"] == 16 * 110  # Sophie, 110 an hour
    assert table.loc["shop-launch", "cost"] != table.loc["shop-launch", "cost"]  # NaN


def test_plan_to_dataframe_works_with_and_without_the_scenario(studio):
    """Without a scenario only what the plan knows; with one the full table."""
    scenario, plan = studio
    assert list(plan.to_dataframe().columns) == list(PLAN_COLUMNS)
    assert plan.to_dataframe(scenario).equals(assignments_table(scenario, plan))


def test_hours_add_up_to_the_plans_booked_hours(example):
    """Per person, the table's hours and the weekly booked hours both equal the plan's summary."""
    scenario, plan = example
    table = assignments_table(scenario, plan)
    weekly = utilisation_table(scenario, plan)
    for person in plan.people:
        mine = table[table["people"] == person.id]["hours"].sum()
        booked = weekly[weekly["person"] == person.id]["booked_hours"].sum()
        assert mine == pytest.approx(person.booked_hours)
        assert booked == pytest.approx(person.booked_hours)


def test_a_task_over_a_weekend_books_nothing_on_saturday():
    """Thursday 09:00 to Monday 17:00 is 24 working hours: Thursday, Friday and Monday only."""
    scenario = small()
    plan = Plan(
        status="feasible",
        assignments=(Assignment(task="polish", people=("ana",), start=at(7, 9), end=at(11, 17)),),
    )
    days = {x.period: x.booked_hours for x in load(scenario, plan, by="day") if x.person == "ana"}
    assert days == {
        "2027-01-04": 0,
        "2027-01-05": 0,
        "2027-01-06": 0,
        "2027-01-07": 8,
        "2027-01-08": 8,
        "2027-01-09": 0,
        "2027-01-10": 0,
        "2027-01-11": 8,
    }
    weeks = utilisation_table(scenario, plan)
    ana = weeks[weeks["person"] == "ana"].set_index("period")
    assert ana.loc["2027-W01", "booked_hours"] == 16 and ana.loc["2027-W02", "booked_hours"] == 8
    assert ana.loc["2027-W01", "available_hours"] == 40  # from the planning start, Monday 08:00


def test_weeks_are_local_and_exclude_holidays_and_time_off():
    """A Berlin person's week has Berlin's holidays and their leave removed from availability."""
    person = Person(
        id="eva",
        calendar=Calendar(
            timezone="Europe/Berlin",
            holidays="DE-BE",
            time_off=[{"start": date(2027, 1, 12), "end": date(2027, 1, 13)}],
        ),
    )
    scenario = Scenario(
        start=datetime(2026, 12, 28, 8, tzinfo=UTC),
        people=[person],
        tasks=[Task(id="t", effort_hours=8)],
    )
    plan = Plan(
        status="feasible",
        assignments=(Assignment(task="t", people=("eva",), start=at(11, 8), end=at(11, 16)),),
    )
    weeks = {x.period: x for x in load(scenario, plan)}
    assert weeks["2026-W53"].available_hours == 32  # New Year's Day
    assert weeks["2027-W02"].available_hours == 24  # two days off
    assert weeks["2027-W02"].booked_hours == 8 and weeks["2027-W02"].utilisation == pytest.approx(
        1 / 3
    )


def test_wide_utilisation_has_people_as_rows_and_weeks_as_columns(example):
    """The wide form is the pivot of the long one, in scenario order; idle weeks are NaN."""
    scenario, plan = example
    wide = utilisation_table(scenario, plan, wide=True)
    assert list(wide.index) == [p.id for p in scenario.people]
    assert wide.columns[0] == "2027-W01" and wide.columns.is_monotonic_increasing
    assert wide.loc["priya", "2027-W08"] != wide.loc["priya", "2027-W08"]  # on leave: NaN
    assert (wide.fillna(0) <= 1 + 1e-9).all().all()
    hours = utilisation_table(scenario, plan, wide=True, values="booked_hours")
    assert hours.sum().sum() == pytest.approx(sum(p.booked_hours for p in plan.people))


def test_csv_has_the_table_columns_and_rows(tmp_path, studio):
    """The CSV export reads back with the same columns and one row per assignment."""
    scenario, plan = studio
    path = write_csv(scenario, plan, tmp_path / "plan.csv")
    rows = list(csv.DictReader(path.open()))
    assert list(rows[0]) == list(COLUMNS) and len(rows) == len(plan.assignments)
    design = next(r for r in rows if r["task"] == "design")
    assert design["start"] == "2027-01-04T09:00:00+00:00" and design["hours"] == "16"
    assert next(r for r in rows if r["task"] == "polish")["deadline"] == ""


def test_rows_refuse_a_plan_of_another_scenario(studio):
    """A plan read with the wrong scenario fails naming the unknown tasks."""
    _, plan = studio
    with pytest.raises(ValueError, match="unknown tasks"):
        assignment_rows(agency(), plan)
