"""Notebook display: Scenario and Plan render as HTML tables; the terminal keeps its text."""

import re

import pytest

from allocate import Plan, Scenario, solve
from allocate.examples import agency
from allocate.report import notebook


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def test_scenario_html_lists_people_projects_and_task_counts(example):
    """A headline with the counts, a projects table and a people table."""
    scenario, _ = example
    html = scenario._repr_html_()
    assert "18 people, 4 projects, 150 tasks (12 milestones, 0 done, 0 in progress)" in html
    assert "<summary><b>Projects</b> (4)</summary>" in html
    assert "<summary><b>People</b> (18)</summary>" in html
    assert "Brightwater Capital" in html and "Europe/London" in html
    emma = re.search(r"<tr><td[^>]*>emma</td>.*?</tr>", html).group(0)
    assert ">20<" in emma  # part-time: 4 hours a day


def test_plan_html_shows_status_objective_projects_and_people(example):
    """Status, objective and checker verdict first; then projects and people."""
    _, plan = example
    html = plan._repr_html_()
    assert ">feasible</span>" in html and "checked: no violations" in html
    assert "lateness" in html and "makespan" in html
    assert "6.2 days late (32 working h)" in html and "days spare" in html
    tables = 1 + len(plan.projects) + 1 + len(plan.people) + 1 + len(plan.late)
    assert html.count("<tr>") == tables and "Late, and why" in html


def test_plan_html_lists_problems_and_cuts_long_tables():
    """Unplaced tasks appear under 'Needs attention'; long tables end with a count of the rest."""
    plan = Plan(
        status="infeasible",
        unplaced=[{"task": f"t{k}", "reason": "nobody has the skill"} for k in range(40)],
    )
    html = plan._repr_html_()
    assert "Needs attention</b> (40)" in html and f"… and {40 - notebook.MAX_ROWS} more" in html


def test_plan_html_shows_conflicts_and_left_out_work():
    """Contradicting inputs come first under 'Needs attention'; optional work left out gets its
    own table with the reason."""
    plan = Plan(
        status="infeasible",
        conflicts=[{"message": "task 'api' is pinned to ana on her holiday", "ids": ["api"]}],
        left_out=[{"task": "polish", "reason": "nobody is free for it before the horizon"}],
    )
    html = plan._repr_html_()
    attention = html.index("Needs attention")
    assert html.index("pinned to ana on her holiday") > attention
    assert "Optional work left out" in html and "nobody is free for it" in html


def test_empty_scenario_renders():
    """Nothing to show is said, not crashed on."""
    from datetime import UTC, datetime

    html = Scenario(start=datetime(2027, 1, 4, tzinfo=UTC))._repr_html_()
    assert "<b>Projects</b>: none" in html


def test_terminal_text_is_unchanged(example):
    """print(plan) still gives the text summary."""
    _, plan = example
    assert str(plan).startswith("Plan 'Agency, first quarter 2027': feasible")
