"""Project status, the customer dashboard and the portfolio page: numbers, words, no outside
resources, same bytes every time."""

import re
from datetime import UTC, datetime

import pytest

from allocate import Scenario, solve
from allocate.examples import agency
from allocate.report import load, portfolio_dashboard, project_dashboard, project_status
from allocate.report.html import margin_text
from allocate.scenario import Progress


def progressed() -> Scenario:
    """The agency with the shop's kickoff done and its requirements half written."""
    scenario = agency()
    changes = {
        "shop-kickoff": Progress(status="done", finished=datetime(2027, 1, 1, 12, tzinfo=UTC)),
        "shop-reqs": Progress(status="in_progress", people=("sophie",), hours_spent=20),
    }
    tasks = [
        t.model_copy(update={"progress": changes[t.id]}) if t.id in changes else t
        for t in scenario.tasks
    ]
    return Scenario(**{**dict(scenario), "tasks": tasks})


@pytest.fixture(scope="module")
def example():
    scenario = progressed()
    return scenario, solve(scenario, strategy="greedy")


def external_references(html: str) -> list[str]:
    """src/href/url() values that point outside the file."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)|url\(([^)]*)\)""", html)
    values = [a or b for a, b in found]
    return [v for v in values if re.match(r"\s*['\"]?(https?:|//|ftp:)", v)]


def test_status_counts_done_in_progress_and_left(example):
    """Hours and counts come from Task.progress; the rest from the plan."""
    scenario, plan = example
    status = project_status(scenario, plan, "shop")
    assert (status.count("done"), status.count("in_progress"), status.count("not_started")) == (
        1,
        1,
        47,
    )
    assert status.hours("done") == 36 and status.hours("in_progress") == 20
    assert status.effort_hours == 1788 and status.percent_done == 2
    assert [m.name for m in status.milestones] == ["Design sign-off", "Beta release", "Shop launch"]
    assert all(m.state == "on_time" for m in status.milestones) and status.state == "on_track"


def test_summary_sentence_reads_plainly(example):
    """Milestones done, the final milestone's date against its commitment, progress."""
    scenario, plan = example
    status = project_status(scenario, plan, "shop")
    launch = status.milestones[-1]
    assert status.summary == (
        f"0 of 3 milestones done; Shop launch planned for {launch.planned.day} March 2027, "
        f"{launch.days_spare} days before the committed date. 2% of the work is done: "
        "1 task done, 1 in progress, 47 to go."
    )
    late = project_status(scenario, plan, "portal")
    assert late.state == "late" and "after the committed date (12 March 2027)" in late.summary


def test_margin_words():
    """Days early or late, in words."""
    assert [margin_text(d) for d in (3, 1, 0, -1, -4, None)] == [
        "3 days early",
        "1 day early",
        "on the day",
        "1 day late",
        "4 days late",
        "",
    ]


def test_project_dashboard_shows_the_numbers_and_is_self_contained(example):
    """The page holds the summary, KPIs, milestones and task lists, and nothing from outside."""
    scenario, plan = example
    html = project_dashboard(scenario, plan, "shop")
    status = project_status(scenario, plan, "shop")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert status.summary in html
    assert '<div class="kpi" data-kpi="done-percent"><b>2%</b>' in html
    assert "<b>1 / 1 / 47</b>" in html and "<b>0 of 3</b>" in html
    assert "Northwind Outfitters · Status on 4 January 2027" in html
    assert "<summary>In progress (1)</summary>" in html and "50% done" in html
    assert "<summary>Done (1)</summary>" in html and "1 January 2027" in html
    assert html.count('data-milestone="') == 3 and "<svg" in html
    assert external_references(html) == [] and "<script" not in html and "<img" not in html
    assert "sophie" not in html.lower()  # a customer page names no people
    assert len(html) < 40_000


def test_dashboards_are_deterministic_unless_a_time_is_given(example):
    """Same inputs give the same bytes; a generation time appears only when passed."""
    scenario, plan = example
    first = project_dashboard(scenario, plan, "care")
    assert first == project_dashboard(scenario, plan, "care")
    assert "Generated" not in first
    stamped = portfolio_dashboard(scenario, plan, generated="2027-01-04 10:00")
    assert "Generated 2027-01-04 10:00." in stamped


def test_portfolio_shows_every_project_and_person(example):
    """States, finish against deadline, late tasks, links and the utilisation overview."""
    scenario, plan = example
    html = portfolio_dashboard(scenario, plan, links={"shop": "project-shop.html"})
    assert '<a href="project-shop.html">Online shop relaunch</a>' in html
    for project in scenario.projects:
        assert f'data-testid="project-{project.id}"' in html
    assert 'data-testid="project-portal" style="background:#c0392b">Late' in html
    assert (
        '<b data-testid="plan-status">feasible</b> (every task placed and every rule kept; not '
        "proven the best possible), checked: no violations" in html
    )
    shop = project_status(scenario, plan, "shop")
    cost = sum(
        a_hours * scenario.person(a.people[0]).hourly_rate
        for a in plan.assignments
        if a.people and scenario.task(a.task).project == "shop"
        for a_hours in [scenario.task(a.task).remaining_hours]
    )
    assert shop.cost_left == cost and f'<td class="num">{cost:,.0f}</td>' in html
    rows = re.search(r'<table data-testid="people">.*?</table>', html).group(0)
    assert rows.count("<tr>") == len(scenario.people) + 1
    weeks = len(re.findall(r'title="2027-W\d\d: ', rows))
    assert weeks == len(scenario.people) * len({x.period for x in load(scenario, plan)})
    assert external_references(html) == [] and "<script" not in html
    late = re.search(r'<table data-testid="late">.*?</table>', html).group(0)
    assert late.count("<tr>") == 1 + len(plan.late) and "Project Investor reporting portal" in late


def test_portfolio_names_missed_deadlines_in_the_pages_zone(example):
    """The missed-deadline table names tasks and projects by name, says how late in days and
    working hours, and gives the reasons' times in the page's zone, not UTC."""
    scenario, plan = example
    html = portfolio_dashboard(scenario, plan)
    late = re.search(r'<table data-testid="late">.*?</table>', html).group(0)
    assert "UTC" not in late and " CET" in late and "Dates are in Europe/Berlin" in html
    assert "portal-launch" not in late and "Task Portal launch" in late
    assert "&#x27;Historical data backfill&#x27;" in late  # a quoted task id, by its name
    assert "6.1 days late (32 working h)" in late
    new_york = portfolio_dashboard(scenario, plan, timezone="America/New_York")
    assert " EST" in re.search(r'<table data-testid="late">.*?</table>', new_york).group(0)


def test_budget_overruns_show_on_the_portfolio_and_the_customer_page(example):
    """The projects whose planned cost exceeds the budget (as in report.md) are flagged on the
    portfolio, with the amount, and on their own page; a project within budget is not."""
    scenario, plan = example
    over = {p.id: p.over_budget for p in plan.projects if p.over_budget}
    assert over  # the example has overruns
    html = portfolio_dashboard(scenario, plan)
    for project, amount in over.items():
        assert f'data-testid="over-budget-{project}"' in html and f"over by {amount:,.0f}" in html
        page = project_dashboard(scenario, plan, project)
        assert f"over budget by {amount:,.0f}" in page
    within = next(p.id for p in plan.projects if p.budget and not p.over_budget)
    assert "within the budget" in project_dashboard(scenario, plan, within)
    assert f'data-testid="over-budget-{within}"' not in html
    assert re.search(r'data-kpi="over-budget"><b>(\d+)<', html).group(1) == str(len(over))


def test_the_external_reference_check_catches_outside_resources():
    """The self-containment check is not vacuous."""
    page = '<img src="https://x.org/a.png"><link href=//cdn.x/a.css><p style="a:url(http://x)">'
    assert len(external_references(page)) == 3
    assert external_references('<a href="project-shop.html">') == []


def test_text_is_escaped():
    """Names from the scenario cannot inject markup into a page."""
    scenario = agency()
    projects = [
        p.model_copy(update={"name": "<script>alert(1)</script>"}) if p.id == "shop" else p
        for p in scenario.projects
    ]
    scenario = Scenario(**{**dict(scenario), "projects": projects})
    plan = solve(scenario, strategy="greedy")
    html = project_dashboard(scenario, plan, "shop")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_unknown_and_empty_projects():
    """An unknown project id is named; a project without tasks says so."""
    scenario = agency()
    plan = solve(scenario, strategy="greedy")
    with pytest.raises(ValueError, match="unknown project 'nope'.*shop, care"):
        project_status(scenario, plan, "nope")
    projects = [*scenario.projects, scenario.projects[0].model_copy(update={"id": "idle"})]
    scenario = Scenario(**{**dict(scenario), "projects": projects})
    assert project_status(scenario, plan, "idle").summary == "No tasks in this project yet."


def test_a_milestone_planned_after_its_date_is_late_not_at_risk():
    """A milestone planned 7 days after its committed date is 'Late' (badge and state), counted
    among the late items; the project is at risk while its own deadline holds."""
    from allocate import Person, Project, Task

    start = datetime(2027, 3, 1, 9, tzinfo=UTC)
    scenario = Scenario(
        start=start,
        people=[Person(id="ana")],
        projects=[Project(id="web", deadline=datetime(2027, 6, 1, tzinfo=UTC))],
        tasks=[
            Task(id="build", project="web", effort_hours=80),  # two working weeks
            Task(
                id="demo",
                project="web",
                milestone=True,
                after=["build"],
                deadline=datetime(2027, 3, 5, 17, tzinfo=UTC),
            ),
        ],
    )
    plan = solve(scenario, strategy="greedy")
    status = project_status(scenario, plan, "web")
    (demo,) = status.milestones
    assert demo.state == "late" and demo.days_spare == -7
    assert status.late_tasks == 1 and status.state == "at_risk"
    html = project_dashboard(scenario, plan, "web")
    assert 'data-testid="milestone-demo" style="background:#c0392b">Late<' in html
    assert "7 days late" in html and "At risk</span>" not in html.split("milestones")[-1]
