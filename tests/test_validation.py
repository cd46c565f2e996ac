"""Input validation at the edges: every problem of a scenario at once, validated copies, and the
arguments of solve()."""

import copy
import json
import math
import sys
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from allocate import Person, Scenario, Task, solve
from allocate.examples import agency
from allocate.validation import time_limit_seconds

START = datetime(2027, 1, 4, 8, tzinfo=UTC)


def broken_scenario() -> dict:
    """Two field errors (a negative effort, an effort that is not a number) and five unknown
    references, as a JSON file would hold them."""
    return {
        "start": "2027-01-04T08:00:00Z",
        "people": [{"id": "ana", "skills": {"backend": 2}}],
        "tasks": [
            {"id": "a", "effort_hours": -1, "skills": {"backend": 1}},
            {"id": "b", "effort_hours": "lots"},
            {"id": "c", "effort_hours": 2, "after": ["nope", "a"], "project": "ghost"},
            {"id": "d", "effort_hours": 2, "after": ["b"], "resources": {"lab": 1}},
            {"id": "e", "effort_hours": 2, "preferred": ["zed"]},
        ],
        "pins": [{"task": "missing", "person": "ana"}],
    }


def messages(error: ValidationError) -> list[str]:
    return [e["msg"] for e in error.errors()]


@pytest.mark.parametrize(
    "read",
    [Scenario.from_dict, lambda data: Scenario.from_json(json.dumps(data))],
    ids=["from_dict", "from_json"],
)
def test_field_errors_and_unknown_references_are_reported_together(read):
    """A scenario with 2 field errors and 5 unknown references reports all 7 in one error."""
    with pytest.raises(ValidationError) as excinfo:
        read(broken_scenario())
    found = messages(excinfo.value)
    assert len(found) == 7, found
    text = "\n".join(found)
    for expected in (
        "task 'a': Input should be greater than or equal to 0",
        "task 'b': Input should be a valid number",
        "task 'c' depends on unknown task 'nope'",
        "task 'c' belongs to unknown project 'ghost'",
        "task 'd' uses unknown resource 'lab'",
        "task 'e' lists unknown person 'zed' as preferred",
        "pin refers to unknown task 'missing'",
    ):
        assert expected in text


def test_objects_that_did_not_parse_are_not_called_unknown():
    """'c' depends on 'a' and 'd' on 'b', which exist but are invalid: only their own errors show,
    no false 'unknown task' for them."""
    with pytest.raises(ValidationError) as excinfo:
        Scenario.from_dict(broken_scenario())
    text = "\n".join(messages(excinfo.value))
    assert "unknown task 'a'" not in text and "unknown task 'b'" not in text


def test_skill_checks_wait_for_people_that_did_not_parse():
    """With a person whose skills are unreadable, 'nobody has that skill' could be false: it is
    left out, and the person's own error is reported."""
    data = {
        "start": "2027-01-04T08:00:00Z",
        "people": [{"id": "ana", "skills": {"backend": "expert"}}],
        "tasks": [{"id": "api", "effort_hours": 8, "skills": {"backend": 2}, "after": ["x"]}],
    }
    with pytest.raises(ValidationError) as excinfo:
        Scenario.from_dict(data)
    found = messages(excinfo.value)
    assert any(m.startswith("person 'ana'") for m in found)
    assert any("unknown task 'x'" in m for m in found)
    assert not any("nobody has that" in m for m in found)


def test_load_and_save_round_trip(tmp_path):
    """`save` writes JSON that `load` reads back equal; a missing file is an OSError."""
    path = agency().save(tmp_path / "scenario.json")
    assert Scenario.load(path) == agency()
    with pytest.raises(FileNotFoundError):
        Scenario.load(tmp_path / "missing.json")


def test_replace_returns_a_validated_copy():
    """`replace` changes fields and re-runs every check, the cross-references included."""
    scenario = agency()
    later = scenario.replace(start=datetime(2027, 2, 1, 8, tzinfo=UTC))
    assert later.start.month == 2 and later.tasks == scenario.tasks
    assert scenario.start == START  # the original is untouched
    with pytest.raises(ValidationError, match="nobody has that"):
        scenario.replace(people=scenario.people[:1])
    with pytest.raises(ValidationError, match="tasks"):
        scenario.replace(tasks="not tasks")
    with pytest.raises(ValidationError, match="taskz"):
        scenario.replace(taskz=())


def test_replace_accepts_plain_data_for_nested_models():
    """A changed value may be a dict, validated into its model."""
    task = Task(id="api", effort_hours=8)
    done = task.replace(progress={"status": "done"})
    assert done.done and task.progress.status == "not_started"


def test_model_copy_with_an_update_is_validated_too():
    """pydantic's `model_copy(update=...)` skips validation; ours validates, so a wrong value
    fails at the copy, naming the field, not deep inside the solver."""
    scenario = agency()
    with pytest.raises(ValidationError, match="start"):
        scenario.model_copy(update={"start": "not a date"})
    with pytest.raises(ValidationError, match="person 'x'"):
        scenario.model_copy(update={"people": (*scenario.people, {"id": "x", "skills": "all"})})
    assert scenario.model_copy() == scenario


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is new in Python 3.13")
def test_copy_replace_validates():
    """`copy.replace(task, ...)` is `task.replace(...)`."""
    with pytest.raises(ValidationError):
        copy.replace(Task(id="api", effort_hours=8), effort_hours=-1)


def test_solve_refuses_a_scenario_built_without_validation():
    """A scenario from `model_construct` with a wrong value is refused at once, naming the
    field; so is a plain dict."""
    scenario = agency()
    unchecked = Scenario.model_construct(**{**dict(scenario), "tasks": ("api",)})
    with pytest.raises(TypeError, match="field 'tasks'"):
        solve(unchecked, strategy="greedy")
    with pytest.raises(TypeError, match="needs a Scenario"):
        solve({"start": START}, strategy="greedy")


@pytest.mark.parametrize("value", [0, -3, math.nan, math.inf, -math.inf])
def test_time_limits_that_cannot_be_kept_are_refused(value):
    """Zero, negative, NaN and infinite time limits raise a ValueError saying what is wanted."""
    scenario = Scenario(
        start=START,
        people=[Person(id="ana")],
        tasks=[Task(id="a", effort_hours=1)],
    )
    with pytest.raises(ValueError, match="positive, finite number of seconds"):
        solve(scenario, time_limit=value)


def test_time_limit_zero_points_to_the_greedy_strategy():
    """Zero is not read as 'greedy only'; the error says how to ask for that."""
    with pytest.raises(ValueError, match="strategy='greedy'"):
        time_limit_seconds(0)


@pytest.mark.parametrize("value", [True, "10", None])
def test_time_limit_must_be_a_number(value):
    """Booleans, strings and None are not seconds."""
    with pytest.raises(TypeError, match="number of seconds"):
        time_limit_seconds(value)
