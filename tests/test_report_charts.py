"""Charts: Gantt by person and by project, the workload heatmap and the customer timeline."""

from datetime import UTC, datetime

import pytest

from allocate import Assignment, Person, Plan, Project, Scenario, Task, solve
from allocate.examples import agency
from allocate.report import gantt, project_timeline, workload_heatmap

pytest.importorskip("plotly")


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def traces(figure) -> dict:
    return {trace.name: trace for trace in figure.data}


def test_gantt_by_person_has_a_bar_trace_per_project_and_every_marker(example):
    """Bars per project (the legend), milestones as diamonds, deadlines, dependency arrows."""
    scenario, plan = example
    figure = gantt(scenario, plan)
    named = traces(figure)
    bars = [t for t in figure.data if t.type == "bar"]
    assert {t.name for t in bars} == {p.name for p in scenario.projects}
    placed = sum(not scenario.task(a.task).milestone for a in plan.assignments)
    assert sum(len(t.y) for t in bars) == placed
    milestones = sum(t.milestone for t in scenario.tasks)
    assert (
        named["milestones"].marker.symbol == "diamond" and len(named["milestones"].x) == milestones
    )
    assert named["deadlines"].marker.symbol == "line-ns"
    assert named["dependencies"].visible == "legendonly"
    rows = list(figure.layout.yaxis.ticktext)
    assert rows[0] == "Ana Weber" and rows[-1] == "◆ Website and online ticketing"


def test_gantt_draws_each_dependency_from_the_right_event(example):
    """One connector per dependency between placed tasks; FS runs from the end to the start."""
    scenario, plan = example
    figure = gantt(scenario, plan, by="project", timezone="UTC")
    arrows = traces(figure)["dependencies"]
    assert arrows.visible is True
    dependencies = sum(len(t.after) for t in scenario.tasks)
    assert list(arrows.x).count(None) == dependencies
    first = plan.assignment("shop-kickoff").end.replace(tzinfo=None)
    reqs = plan.assignment("shop-reqs").start.replace(tzinfo=None)
    segments = [arrows.x[k : k + 4] for k in range(0, len(arrows.x), 4)]
    assert any(s[0] == first and s[2] == reqs for s in segments)


def test_gantt_by_project_marks_project_deadlines_with_vertical_lines(example):
    """A dashed line at each project deadline, over that project's rows only."""
    scenario, plan = example
    figure = gantt(scenario, plan, by="project")
    lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert {s.name for s in lines} == {f"deadline {p.id}" for p in scenario.projects}
    assert all(s.x0 == s.x1 and s.yref == "y" for s in lines)
    assert len(figure.layout.yaxis.tickvals) == len(plan.assignments)


def test_gantt_without_dependencies_and_bad_grouping():
    """Dependencies can be left out; an unknown grouping is refused."""
    scenario = agency()
    plan = Plan(status="feasible")
    assert "dependencies" not in traces(gantt(scenario, plan, dependencies=False))
    with pytest.raises(ValueError, match="by must be"):
        gantt(scenario, plan, by="week")


def test_heatmap_colours_utilisation_per_person_and_week(example):
    """One cell per person and week with the share booked; scale fixed to 0..150 %."""
    scenario, plan = example
    figure = workload_heatmap(scenario, plan)
    heat = traces(figure)["utilisation"]
    assert list(heat.y) == [p.name for p in scenario.people]
    assert heat.x[0] == "2027-W01" and heat.zmin == 0 and heat.zmax == 1.5
    assert heat.text[0][0] == "60%"  # Ana, first week: 24 of 40 h
    assert traces(figure)["not working"].z[8][7] == 1  # Priya skiing in week 8


def test_heatmap_makes_over_allocation_obvious():
    """Two overlapping assignments (a hand-edited plan) show as a red, flagged cell."""
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    scenario = Scenario(
        start=start,
        people=[Person(id="ana")],
        projects=[Project(id="p")],
        tasks=[Task(id="a", effort_hours=40), Task(id="b", effort_hours=40)],
    )
    week = datetime(2027, 1, 8, 17, tzinfo=UTC)
    plan = Plan(
        status="unknown",
        assignments=(
            Assignment(task="a", people=("ana",), start=start, end=week),
            Assignment(task="b", people=("ana",), start=start, end=week),
        ),
    )
    heat = traces(workload_heatmap(scenario, plan))["utilisation"]
    assert heat.z[0][0] == pytest.approx(2.0) and heat.text[0][0] == "200%!"
    scale = dict((round(v, 4), c) for v, c in heat.colorscale)
    assert scale[1.0] == "#b30000"  # the top of the scale (anything >= 150 %) is red


def test_project_timeline_shows_planned_and_committed_dates(example):
    """A phase bar and a planned diamond per milestone; committed dates as open diamonds."""
    scenario, plan = example
    figure = project_timeline(scenario, plan, "portal")
    named = traces(figure)
    assert list(named["planned"].y) == [
        "Design sign-off",
        "Beta for pilot investors",
        "Portal launch",
    ]
    assert named["planned"].marker.symbol == "diamond"
    assert named["committed"].marker.symbol == "diamond-open"
    assert len(named["phase"].y) == 3
    assert {s.name for s in figure.layout.shapes} == {"status date", "committed end"}
    assert "late" in figure.layout.title.text
