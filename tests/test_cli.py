"""The command line: the main job writes a plan and a report; example, schema and check work."""

import json

from allocate import Scenario, check
from allocate.cli import main
from allocate.examples import agency
from allocate.plan import Plan


def test_solve_writes_plan_and_report(tmp_path, capsys):
    """`solve` on the bundled example writes a checked plan JSON and a Markdown report."""
    plan_file, report_file = tmp_path / "plan.json", tmp_path / "report.md"
    code = main(
        [
            "solve",
            "--out",
            str(plan_file),
            "--report",
            str(report_file),
            "--strategy",
            "greedy",
            "--quiet",
        ]
    )
    assert code == 0
    plan = Plan.from_json(plan_file.read_text())
    assert plan.feasible and check(agency(), plan) == []
    report = report_file.read_text()
    assert "## Projects" in report and "| portal |" in report
    assert "Checked independently: no violations." in capsys.readouterr().out


def test_solve_reads_a_scenario_file_and_reports_bad_input(tmp_path, capsys):
    """A scenario file is read; an invalid one gives exit code 2 and names the problem."""
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(agency().to_json())
    assert (
        main(
            [
                "solve",
                str(good),
                "--out",
                str(tmp_path / "p.json"),
                "--report",
                str(tmp_path / "r.md"),
                "--strategy",
                "greedy",
                "--quiet",
            ]
        )
        == 0
    )
    data = json.loads(good.read_text())
    data["tasks"][1]["after"] = ["nope"]
    bad.write_text(json.dumps(data))
    assert main(["solve", str(bad), "--quiet"]) == 2
    assert "depends on unknown task 'nope'" in capsys.readouterr().err


def test_example_schema_and_check_commands(tmp_path, capsys):
    """`example` prints a loadable scenario, `schema` its JSON Schema, `check` a verdict."""
    assert main(["example"]) == 0
    scenario = Scenario.from_json(capsys.readouterr().out)
    assert scenario == agency()
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"people", "tasks", "start"} <= set(schema["properties"])
    scenario_file, plan_file = tmp_path / "s.json", tmp_path / "p.json"
    scenario_file.write_text(scenario.to_json())
    main(
        [
            "solve",
            str(scenario_file),
            "--out",
            str(plan_file),
            "--report",
            str(tmp_path / "r.md"),
            "--strategy",
            "greedy",
            "--quiet",
        ]
    )
    capsys.readouterr()
    assert main(["check", str(scenario_file), str(plan_file)]) == 0
    assert "0 violation(s)" in capsys.readouterr().out
