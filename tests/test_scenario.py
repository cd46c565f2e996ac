"""The user model: defaults, JSON round-trips, and every class of bad input named by id."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from allocate import Calendar, Dependency, Person, Pin, Project, Scenario, Task, TimeOff

START = datetime(2026, 3, 2, 8, tzinfo=UTC)


def scenario(**fields) -> Scenario:
    base = {
        "start": START,
        "people": [Person(id="ana", skills={"backend": 3})],
        "tasks": [Task(id="api", effort_hours=8, skills={"backend": 2})],
    }
    return Scenario(**{**base, **fields})


def errors(excinfo) -> str:
    return str(excinfo.value)


def test_calendar_defaults_to_office_hours():
    """A calendar given only a zone means Monday-Friday 09:00-17:00 there."""
    calendar = Calendar(timezone="Europe/Berlin")
    assert set(calendar.weekly_hours) == {"mon", "tue", "wed", "thu", "fri"}
    assert [str(r) for r in calendar.weekly_hours["mon"]] == ["09:00-17:00"]


def test_time_ranges_parse_and_serialise_compactly():
    """Weekly hours are typed as '09:00-12:30' strings and written back the same way."""
    calendar = Calendar(weekly_hours={"mon": ["09:00-12:30", "13:30-24:00"]})
    assert calendar.weekly_hours["mon"][1].minutes == (13 * 60 + 30, 24 * 60)
    assert '"09:00-12:30"' in calendar.to_json()


def test_scenario_round_trips_through_json():
    """Scenario -> JSON -> Scenario is the identity, including nested calendars and dependencies."""
    original = scenario(
        people=[
            Person(
                id="ana",
                skills={"backend": 3},
                calendar=Calendar(
                    timezone="Europe/Berlin",
                    holidays="DE-BY",
                    time_off=[TimeOff(start=date(2026, 3, 9), end=date(2026, 3, 13), reason="ski")],
                ),
                hourly_rate=80,
            )
        ],
        projects=[Project(id="acme", customer="ACME", deadline=datetime(2026, 4, 1, tzinfo=UTC))],
        tasks=[
            Task(id="spec", effort_hours=4, project="acme"),
            Task(id="api", effort_hours=8, after=[Dependency(task="spec", type="SS", lag_hours=2)]),
            Task(id="done", milestone=True, after=["api"]),
        ],
        pins=[Pin(task="spec", person="ana")],
        objective=["lateness", {"makespan": 2}],
    )
    assert Scenario.from_json(original.to_json()) == original


def test_models_are_immutable():
    """Inputs are never mutated: models are frozen."""
    task = Task(id="api", effort_hours=8)
    with pytest.raises(ValidationError):
        task.effort_hours = 3


def test_dependency_accepts_a_bare_task_id():
    """`after=['spec']` means a finish-to-start dependency without lag."""
    assert Task(id="api", effort_hours=1, after=["spec"]).after[0] == Dependency(task="spec")


def test_unknown_dependency_is_named():
    """A dependency on a task that does not exist names both tasks."""
    with pytest.raises(ValidationError) as excinfo:
        scenario(tasks=[Task(id="design", effort_hours=4, after=["spec"])])
    assert "task 'design' depends on unknown task 'spec'" in errors(excinfo)


def test_dependency_cycle_lists_its_members():
    """A cycle is reported once, with every member in order."""
    with pytest.raises(ValidationError) as excinfo:
        scenario(
            tasks=[
                Task(id="a", effort_hours=1, after=["c"]),
                Task(id="b", effort_hours=1, after=["a"]),
                Task(id="c", effort_hours=1, after=["b"]),
            ]
        )
    assert "dependency cycle: 'a' -> 'b' -> 'c' -> 'a'" in errors(excinfo)
    assert excinfo.value.error_count() == 1


def test_duplicate_ids_are_named():
    """Two people or two tasks with one id are reported with the id and count."""
    with pytest.raises(ValidationError) as excinfo:
        scenario(
            people=[Person(id="ana"), Person(id="ana")],
            tasks=[Task(id="x", effort_hours=1), Task(id="x", effort_hours=1)],
        )
    assert "person id 'ana' is used 2 times" in errors(excinfo)
    assert "task id 'x' is used 2 times" in errors(excinfo)


@pytest.mark.parametrize("effort", [0, -1])
def test_non_positive_effort_is_named(effort):
    """A task (not a milestone) needs a positive effort; the error names the task even when it
    comes from inside a scenario given as JSON, where pydantic would only say 'tasks.0'."""
    with pytest.raises(ValidationError) as excinfo:
        Scenario.model_validate(
            {"start": "2026-03-02T08:00:00Z", "tasks": [{"id": "api", "effort_hours": effort}]}
        )
    assert "task 'api'" in errors(excinfo)


def test_milestone_with_effort_is_rejected():
    """A milestone is a zero-effort marker."""
    with pytest.raises(ValidationError, match="milestone 'launch' must have zero effort"):
        Task(id="launch", milestone=True, effort_hours=2)


def test_deadline_before_release_is_named():
    """A deadline before the release date cannot be met by construction."""
    with pytest.raises(ValidationError, match="task 'api' has its deadline before its release"):
        Task(
            id="api",
            effort_hours=1,
            release=datetime(2026, 3, 5, tzinfo=UTC),
            deadline=datetime(2026, 3, 4, tzinfo=UTC),
        )


def test_skill_nobody_has_names_task_and_level():
    """A requirement no person meets names the task, skill and level, and the closest person."""
    with pytest.raises(ValidationError) as excinfo:
        scenario(tasks=[Task(id="api", effort_hours=8, skills={"backend": 5})])
    assert "task 'api' needs backend 5; nobody has that (closest: 'ana')" in errors(excinfo)


def test_calendar_without_working_time_is_rejected():
    """A calendar whose week has no working range is an input mistake."""
    with pytest.raises(ValidationError, match="no working time"):
        Person(id="ana", calendar=Calendar(weekly_hours={"mon": []}))


def test_unknown_time_zone_and_holiday_country_reported_together():
    """Field errors of one calendar come in one error."""
    with pytest.raises(ValidationError) as excinfo:
        Calendar(timezone="Mars/Olympus", holidays="XX")
    assert "unknown time zone 'Mars/Olympus'" in errors(excinfo)
    assert "unknown holiday country 'XX'" in errors(excinfo)
    assert excinfo.value.error_count() == 2


@pytest.mark.parametrize("effort", [float("nan"), float("inf"), 1e9])
def test_nan_and_absurd_values_are_rejected(effort):
    """NaN, infinity and absurd sizes never reach the solver."""
    with pytest.raises(ValidationError):
        Task(id="api", effort_hours=effort)


def test_naive_datetime_is_rejected():
    """Datetimes must say their time zone: a naive deadline is ambiguous across zones."""
    with pytest.raises(ValidationError, match="needs a time zone"):
        Task(id="api", effort_hours=1, deadline=datetime(2026, 3, 4))


def test_every_cross_reference_problem_is_reported_at_once():
    """One error lists every problem, each naming its ids."""
    with pytest.raises(ValidationError) as excinfo:
        scenario(
            people=[Person(id="ana", skills={"backend": 3})],
            tasks=[
                Task(id="api", effort_hours=8, project="nope", after=["ghost"]),
                Task(id="ux", effort_hours=8, skills={"design": 2}),
            ],
            pins=[Pin(task="api", person="bob"), Pin(task="zzz", person="ana")],
        )
    text = errors(excinfo)
    for expected in (
        "task 'api' belongs to unknown project 'nope'",
        "task 'api' depends on unknown task 'ghost'",
        "task 'ux' needs design 2",
        "task 'api' is pinned to unknown person 'bob'",
        "pin refers to unknown task 'zzz'",
    ):
        assert expected in text
    assert excinfo.value.error_count() == 5


def test_pin_to_unqualified_person_is_named():
    """A pin may not override skills: the person must qualify."""
    with pytest.raises(ValidationError, match="pinned to 'bob', who lacks its skills"):
        scenario(
            people=[Person(id="ana", skills={"backend": 3}), Person(id="bob")],
            pins=[Pin(task="api", person="bob")],
        )


def test_unknown_objective_term_lists_choices():
    """A misspelt objective term fails with the valid names."""
    with pytest.raises(ValidationError, match="unknown objective term 'latenes' \\(choose from"):
        scenario(objective=["latenes"])


def test_unknown_holiday_subdivision_is_named_with_close_choices():
    """'DE-XX' names the subdivision, not the country, and lists the valid ones; a near miss
    gets a suggestion."""
    with pytest.raises(ValidationError) as excinfo:
        Calendar(holidays="DE-XX")
    text = errors(excinfo)
    assert "unknown subdivision 'XX' of holiday country 'DE'" in text
    assert "BE" in text and "BY" in text and "unknown holiday country" not in text
    with pytest.raises(ValidationError, match=r"did you mean BY\?"):
        Calendar(holidays="DE-BYY")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("de-be", "DE-BE"),
        ("De-By", "DE-BY"),
        ("us-ny", "US-NY"),
        ("de", "DE"),
        ("DE-Bayern", "DE-BY"),
    ],
)
def test_holiday_codes_are_read_in_any_case(given, stored):
    """Country and subdivision codes are case-insensitive (and subdivision names are accepted);
    the calendar keeps the canonical spelling."""
    assert Calendar(holidays=given).holidays == stored


def test_a_tasks_headcount_is_still_read_as_people():
    """`Task.headcount` (how many people work on a task together) was called `people`, like a
    plan's list of who does a task: scenario files and code with the old name still load, and
    are written back with the new one."""
    old = Task.model_validate_json('{"id": "t", "effort_hours": 8, "people": 2}')
    assert (
        old == Task(id="t", effort_hours=8, headcount=2) == Task(id="t", effort_hours=8, people=2)
    )
    written = old.to_json(indent=None)
    assert '"headcount":2' in written and '"people"' not in written
    assert Task.model_validate_json(written) == old
