"""`write_report` and `python -m allocate report`: every view written into one folder."""

import importlib
import json

import pytest

from allocate import solve
from allocate.cli import main
from allocate.examples import agency
from allocate.plan import Plan
from allocate.report import write_report
from allocate.report.files import file_name


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    return scenario, solve(scenario, strategy="greedy")


def test_write_report_writes_dashboards_tables_calendars_and_charts(tmp_path, example):
    """Index, one page per project, two CSVs, calendars, charts sharing one plotly bundle."""
    pytest.importorskip("plotly")
    pytest.importorskip("icalendar")
    scenario, plan = example
    paths = write_report(scenario, plan, tmp_path / "out")
    names = {p.relative_to(tmp_path / "out").as_posix() for p in paths}
    assert {"index.html", "project-shop.html", "assignments.csv", "utilisation.csv"} <= names
    assert {"charts/gantt-people.html", "charts/workload.html", "charts/plotly.min.js"} <= names
    assert "charts/timeline-portal.html" in names and "calendars/ana.ics" in names
    assert all(p.exists() for p in paths)
    index = (tmp_path / "out" / "index.html").read_text()
    assert 'href="project-portal.html"' in index and 'href="charts/gantt-projects.html"' in index
    chart = (tmp_path / "out" / "charts" / "workload.html").read_text()
    assert '<script charset="utf-8" src="plotly.min.js"></script>' in chart
    assert "cdn" not in chart.lower().split("</head>")[0]


def test_report_command_writes_the_folder(tmp_path, example, capsys):
    """`report plan.json --scenario s.json --html out/` writes the views and says where."""
    scenario, plan = example
    (tmp_path / "plan.json").write_text(plan.to_json())
    (tmp_path / "scenario.json").write_text(scenario.to_json())
    out = tmp_path / "out"
    code = main(
        [
            "report",
            str(tmp_path / "plan.json"),
            "--scenario",
            str(tmp_path / "scenario.json"),
            "--html",
            str(out),
        ]
    )
    assert code == 0 and (out / "index.html").exists() and (out / "project-care.html").exists()
    assert f"start with {out / 'index.html'}" in capsys.readouterr().out


def test_report_command_refuses_a_plan_of_another_scenario(tmp_path, capsys):
    """A plan that names unknown tasks gives exit code 2 and says why."""
    plan = {
        "status": "feasible",
        "assignments": [
            {"task": "nope", "start": "2027-01-04T09:00:00Z", "end": "2027-01-04T10:00:00Z"}
        ],
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    assert main(["report", str(tmp_path / "plan.json"), "--html", str(tmp_path / "o")]) == 2
    assert "unknown tasks nope" in capsys.readouterr().err


def test_file_names_are_safe_and_distinct():
    """Safe ids are kept; unsafe ones get a hash so that they cannot collide."""
    assert file_name("ana", ".ics") == "ana.ics"
    odd = {file_name(i, ".ics") for i in ("a/b", "a?b", "a b")}
    assert len(odd) == 3 and all("/" not in n and " " not in n for n in odd)


def test_missing_optional_package_names_the_extra(monkeypatch, example):
    """Without pandas (or plotly, icalendar) the error says which extra to install."""
    real = importlib.import_module

    def without_pandas(name, *args):
        if name.split(".")[0] == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_pandas)
    with pytest.raises(
        ImportError, match=r"needs the optional package 'pandas': pip install -e '\.\[views\]'"
    ):
        example[1].to_dataframe()


def test_objective_line_gives_each_term_its_unit():
    """Hours for lateness, percent for utilisation, money without a unit, counts as counts."""
    from allocate.report.text import _objective_line

    plan = Plan(
        status="feasible",
        objective={
            "lateness": 1848.0,
            "peak_utilisation": 71.6,
            "cost": 478000.0,
            "handovers": 3.0,
        },
    )
    line = _objective_line(plan)
    assert "lateness 1,848.0 h" in line and "peak_utilisation 71.6 %" in line
    assert "cost 478,000.00" in line and "handovers 3 " in line
