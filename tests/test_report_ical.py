"""iCalendar feeds: one event per assignment (or per working block), parseable, stable UIDs."""

from datetime import UTC, datetime

import pytest

from allocate import solve
from allocate.examples import agency
from allocate.report import ical_feed, write_ical

icalendar = pytest.importorskip("icalendar")


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def events(data: bytes) -> list:
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def test_feed_has_one_event_per_assignment(example):
    """Each of the person's assignments is one event with its UTC start and end."""
    scenario, plan = example
    mine = plan.for_person("lea")
    found = events(ical_feed(scenario, plan, "lea"))
    assert len(found) == len(mine)
    first = found[0]
    assert first.decoded("dtstart") == mine[0].start and first.decoded("dtend") == mine[0].end
    task = scenario.task(mine[0].task)
    assert str(first["summary"]) == f"{task.name} (Online shop relaunch)"
    assert str(first["uid"]) == f"{task.id}.lea@allocate"
    assert first.decoded("dtstamp") == scenario.start


def test_blocks_split_an_assignment_into_working_time(example):
    """With blocks=True the events cover exactly the working hours: no nights, no weekends."""
    scenario, plan = example
    found = events(ical_feed(scenario, plan, "lea", blocks=True))
    hours = sum((e.decoded("dtend") - e.decoded("dtstart")).total_seconds() / 3600 for e in found)
    lea = next(p for p in plan.people if p.id == "lea")
    assert hours == pytest.approx(lea.booked_hours)
    assert all(e.decoded("dtstart").weekday() < 4 for e in found)  # Lea works Monday-Thursday
    assert len({str(e["uid"]) for e in found}) == len(found)


def test_feed_is_reproducible_and_takes_a_stamp(example):
    """Same bytes each time; a publication stamp replaces the default DTSTAMP."""
    scenario, plan = example
    assert ical_feed(scenario, plan, "ana") == ical_feed(scenario, plan, "ana")
    stamp = datetime(2027, 1, 3, 12, tzinfo=UTC)
    assert events(ical_feed(scenario, plan, "ana", stamp=stamp))[0].decoded("dtstamp") == stamp


def test_write_ical_writes_a_file_per_busy_person(tmp_path, example):
    """One parseable .ics per person with at least one assignment."""
    scenario, plan = example
    paths = write_ical(scenario, plan, tmp_path)
    busy = {p for a in plan.assignments for p in a.people}
    assert sorted(p.stem for p in paths) == sorted(busy)
    total = sum(len(events(p.read_bytes())) for p in paths)
    assert total == sum(1 for a in plan.assignments if a.people)
