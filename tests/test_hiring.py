"""Hiring advice and departures: candidate hires from the forecast's shortages, each re-planned
against the same re-plan without them, ranked by value for money; people leaving, by damage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from allocate import (
    Calendar,
    Hire,
    Person,
    Project,
    Scenario,
    Task,
    advise_hiring,
    check,
    departures,
    events,
    forecast,
    solve,
)
from allocate.analysis import generated_hires
from allocate.report.capacity import capacity_page

MONDAY = datetime(2027, 1, 4, 8, tzinfo=UTC)
BERLIN = Calendar(timezone="Europe/Berlin", holidays="DE-BE")
LONDON = Calendar(timezone="Europe/London")


def _scarce() -> Scenario:
    """Only Ana does data work: 160 h of it due in two weeks; three backend people idle."""
    people = [
        Person(id="ana", skills={"data": 3}, calendar=BERLIN, hourly_rate=100),
        Person(id="ben", skills={"backend": 3}, calendar=BERLIN, hourly_rate=80),
        Person(id="cy", skills={"backend": 3}, calendar=LONDON, hourly_rate=70),
    ]
    due = datetime(2027, 1, 15, 16, tzinfo=UTC)
    tasks = [
        *(Task(id=f"etl{k}", project="etl", effort_hours=40, skills={"data": 3}) for k in range(4)),
        Task(id="api", project="web", effort_hours=24, skills={"backend": 3}),
    ]
    projects = [Project(id="etl", deadline=due, priority=3, value=50_000), Project(id="web")]
    return Scenario(start=MONDAY, people=people, projects=projects, tasks=tasks, calendar=BERLIN)


def test_generated_hires_name_the_short_skill_where_its_holders_work():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    [hire] = generated_hires(scenario, forecast(scenario, plan))
    assert hire.skills == {"data": 3}
    assert hire.calendar.timezone == "Europe/Berlin" and hire.calendar.holidays == "DE-BE"
    assert hire.start == date(2027, 1, 4) and hire.hourly_rate == 100
    assert str(hire) == "+1 data (level 3) in Europe/Berlin from 2027-01-04"


def test_the_hire_of_the_scarce_skill_saves_the_late_project_and_is_costed():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    backend = Hire(
        id="extra-backend", skills={"backend": 3}, timezone="Europe/Berlin", hourly_rate=80
    )
    advice = advise_hiring(
        scenario,
        plan,
        candidates=[backend, *generated_hires(scenario, forecast(scenario, plan))],
        time_limit=1,
    )
    best = advice[0]
    assert best.hire.skills == {"data": 3}
    assert advice.baseline.late_projects == ("etl",)
    assert best.saved_projects == ("etl",) and best.late_hours_saved > 0
    assert best.plan.feasible and not best.plan.violations
    with_hire = events.join(scenario, best.hire.person(), best.hire.start)
    assert check(with_hire, best.plan, previous=plan) == []
    assert check(scenario, advice.baseline_plan, previous=plan) == []
    assert best.plan.assignment("etl3").people[0] in {"ana", "hire-data-3"}
    handed = {c.task for c in best.diff.reassigned}
    assert handed and all(best.plan.assignment(t).people == ("hire-data-3",) for t in handed)
    assert best.booked_hours > 0
    # paid: every working hour from 4 Jan to the plan's finish (Ana's 160 h end 29 Jan) at 100
    assert advice.until == plan.finish == datetime(2027, 1, 29, 16, tzinfo=UTC)
    assert best.paid_hours == 160 and best.cost == 16_000
    assert str(best).startswith(
        "+1 data (level 3) in Europe/Berlin from 2027-01-04: 1 late project on time (etl), "
        "lateness -"
    )
    assert advice[1].hire.id == "extra-backend" and advice[1].value <= 0


def test_a_budget_leaves_out_hires_that_cost_more():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    advice = advise_hiring(scenario, plan, budget=1000, time_limit=1)
    assert not advice.options and [h.id for h in advice.over_budget] == ["hire-data-3"]
    assert "Over the budget of 1,000:" in str(advice)


def test_a_hire_in_an_unknown_time_zone_is_an_error_naming_it():
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Berln'"):
        Hire(skills={"backend": 3}, timezone="Europe/Berln")
    with pytest.raises(ValidationError, match="needs at least one skill"):
        Hire(id="nobody", skills={"backend": 0})
    with pytest.raises(TypeError, match="Hire objects"):
        advise_hiring(_scarce(), solve(_scarce(), strategy="greedy"), candidates=[{"skills": {}}])


def test_hire_ids_never_clash_with_people_or_each_other():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    hires = [Hire(id="ana", skills={"data": 3}), Hire(id="ana", skills={"data": 3})]
    advice = advise_hiring(scenario, plan, candidates=hires, time_limit=1)
    assert sorted(o.hire.id for o in advice) == ["ana-2", "ana-3"]


def test_losing_the_only_data_person_is_the_most_damaging_departure():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    gone = departures(scenario, plan, time_limit=1)
    worst = gone[0]
    assert worst.person == "ana" and worst.sole == ("data 3+",)
    assert worst.standing.unplaced == 4  # ranked first: work nobody else can do
    found = check(events.leave(scenario, "ana"), worst.plan, previous=plan)
    assert found == list(worst.plan.violations) and {v.rule for v in found} == {"placed"}
    assert {c.task for c in worst.diff.of("not placed")} == {f"etl{k}" for k in range(4)}
    assert str(worst).startswith("if ana leaves from 2027-01-04: ")
    assert "4 tasks nobody can do" in str(worst) and "only holder of data 3+" in str(worst)
    with pytest.raises(KeyError, match="unknown people 'zoe'"):
        departures(scenario, plan, ["zoe"])


def test_the_capacity_page_shows_the_hiring_options():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    fc = forecast(scenario, plan)
    advice = advise_hiring(scenario, plan, forecast=fc, time_limit=1)
    page = capacity_page(fc, hiring=advice)
    assert "Whom to hire" in page and 'data-testid="hires"' in page
    assert "+1 data (level 3) in Europe/Berlin from 2027-01-04" in page


def test_hiring_views_and_table():
    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    advice = advise_hiring(scenario, plan, time_limit=1)
    text = str(advice)
    assert "Without a hire: 1 late project (etl)" in text
    assert " 1. +1 data (level 3)" in text
    assert "data-testid" in advice._repr_html_()
    pytest.importorskip("pandas")
    assert list(advice.to_dataframe()["hire"]) == ["hire-data-3"]


def test_the_report_writes_the_hiring_options_and_departures_on_the_capacity_page(tmp_path):
    from allocate.report import write_report

    scenario = _scarce()
    plan = solve(scenario, strategy="greedy")
    advice = advise_hiring(scenario, plan, time_limit=1)
    gone = departures(scenario, plan, ["ana"], time_limit=1)
    write_report(scenario, plan, tmp_path, hiring=advice, departures=gone)
    page = (tmp_path / "capacity.html").read_text(encoding="utf-8")
    assert "Whom to hire" in page and "What if someone leaves" in page
    assert "if ana leaves from 2027-01-04" in page
