"""The words and figures a project manager reads: the printed plan, report.md and the notebook
view say what each number means, in real units."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from allocate import Person, Project, Scenario, Task, solve
from allocate.examples import agency
from allocate.plan import late_by
from allocate.report import markdown, plan_html
from allocate.report.words import STATUS_MEANING, project_state

MONDAY = datetime(2027, 3, 1, 9, tzinfo=UTC)


def late_project() -> Scenario:
    """One person (UTC, 9-17 on weekdays) and 40 h of work due Wednesday 17:00: the work ends on
    Friday 17:00, 2 days (48 h) late, 16 working hours (Thursday and Friday). Priority 10."""
    return Scenario(
        start=MONDAY,
        people=[Person(id="ana")],
        projects=[Project(id="web", priority=10, deadline=MONDAY + timedelta(days=2, hours=8))],
        tasks=[Task(id="build", project="web", effort_hours=40)],
    )


@pytest.fixture(scope="module")
def late_plan():
    return solve(late_project(), strategy="greedy")


def test_lateness_is_told_in_days_and_working_hours(late_plan):
    """'2.0 days late (16 working h)': elapsed days and the organisation calendar's working hours
    in the same span, on the project and in the late list."""
    (project,) = late_plan.projects
    assert project.late_hours == 48 and project.late_working_hours == 16
    assert project_state(project) == "2.0 days late (16 working h)"
    (late,) = late_plan.late
    assert late.late_working_hours == 16 and "is 2.0 days late (16 working h):" in str(late)
    assert late_by(5) == "5 h late" and late_by(30, 6) == "1.2 days late (6 working h)"


def test_weighted_figures_are_labelled_and_real_ones_shown(late_plan):
    """The objective's lateness is priority-weighted (480 for 48 h at priority 10): it says so,
    and the deadlines line gives the real lateness."""
    text = str(late_plan)
    assert late_plan.objective["lateness"] == 480
    assert "lateness 480.0 h (priority-weighted)" in text
    assert (
        "Deadlines: 1 project and 0 tasks late; the latest is project 'web', 2.0 days late" in text
    )
    assert "LATE by" not in text


def test_the_status_and_the_gap_are_explained_in_words():
    """The printed plan, report.md and the notebook view say what the status and the gap mean."""
    plan = solve(agency(), strategy="greedy")
    gap = f"gap {plan.gap:.1%}: the best possible plan could cut lateness + unplaced by at most"
    for view in (str(plan), markdown(plan), plan_html(plan)):
        assert STATUS_MEANING["feasible"] in view and gap in view


def test_a_plan_stopped_early_says_so_in_every_view():
    """A solve stopped from outside returns a feasible plan whose views say it stopped early
    and why."""
    import threading

    stop = threading.Event()
    stop.set()
    plan = solve(agency(), stop=stop)
    for view in (str(plan), markdown(plan), plan_html(plan)):
        assert "stopped early (asked to stop)" in view


def test_peak_utilisation_is_the_highest_of_a_named_column():
    """Two utilisation figures, each named: to the plan's finish, and to the balance date; the
    objective's peak_utilisation is the highest of the second."""
    plan = solve(agency(), strategy="greedy")
    shares = [p.balance_utilisation for p in plan.people if p.balance_utilisation is not None]
    assert max(shares) * 100 == pytest.approx(plan.objective["peak_utilisation"], abs=0.01)
    column = f"utilisation to {plan.balance_until:%Y-%m-%d}"
    for view in (str(plan), plan_html(plan)):
        assert column in view and "peak_utilisation" in view


def test_an_unplaced_project_is_never_on_time():
    """With work that could not be placed, a project has no real finish: it says how many tasks
    are missing, not 'on time (0.0 days spare)'."""
    scenario = late_project().replace(horizon_end=MONDAY + timedelta(days=1))
    plan = solve(scenario, strategy="greedy")
    (project,) = plan.projects
    assert plan.status == "infeasible" and project.unplaced == 1 and not project.on_time
    assert project_state(project) == "1 task not placed"
    for view in (str(plan), plan_html(plan)):
        assert "on time" not in view and "1 task not placed" in view
        assert STATUS_MEANING["infeasible"].split(" (")[0] in view


def test_a_project_without_work_left_says_so():
    """A project with nothing to plan has no finish and is not 'on time'."""
    scenario = late_project().replace(
        projects=[*late_project().projects, Project(id="idle", deadline=MONDAY)]
    )
    idle = next(p for p in solve(scenario, strategy="greedy").projects if p.id == "idle")
    assert project_state(idle) == "nothing left to plan"


def test_report_md_lists_who_does_what_and_when():
    """report.md has each person's tasks with local start and end, and the milestones."""
    plan = solve(agency(), strategy="greedy")
    text = markdown(plan)
    section = text[text.index("## Who does what and when") :]
    first = plan.for_person("ana")[0]
    assert "### ana (Europe/Berlin)" in section
    assert (
        f"| {first.task} | {first.start:%Y-%m-%d %H:%M} | {first.end:%Y-%m-%d %H:%M} |" in section
    )
    assert "### Milestones and work that needs nobody (UTC)" in section
    for assignment in plan.assignments:
        assert f"| {assignment.task} |" in section


def test_auto_says_when_it_switches_to_neighbourhood_search(caplog):
    """Above the exact model's range, auto's choice and its reason are logged and shown with
    the plan, not only in stats.strategy."""
    with caplog.at_level(logging.INFO, logger="allocate"):
        plan = solve(agency(), time_limit=3)
    reason = plan.stats.detail.get("auto", "")
    assert plan.stats.strategy == "lns" and reason.startswith(
        "auto chose neighbourhood search (lns): 536 choices, more than the 200"
    )
    assert reason in caplog.text and reason in str(plan) and reason in plan_html(plan)


def test_the_concepts_page_defines_the_words_the_views_use():
    """docs/concepts.md gives every status meaning word for word, the gap's one definition, and
    what 'late by' and the two utilisations are."""
    from pathlib import Path

    page = (Path(__file__).resolve().parents[1] / "docs" / "concepts.md").read_text()
    text = " ".join(page.split())
    for status, meaning in STATUS_MEANING.items():
        assert f"`{status}`: {meaning.replace(chr(39), chr(34))}" in text, status
    assert "**Gap.** `(value − bound) / value`" in text
    assert "2.0 days late, 16 working hours" in text
    assert "the highest of these, in percent, is the objective's `peak_utilisation`" in text
