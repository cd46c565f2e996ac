"""The command line for planners' files: template -> import -> solve -> export, and bad input is
one message with exit code 2."""

import json

import pytest

pytest.importorskip("python_calamine", reason="needs the files extra (pip install -e '.[files]')")
pytest.importorskip("xlsxwriter", reason="needs the files extra (pip install -e '.[files]')")

from allocate import Scenario, check  # noqa: E402
from allocate.cli import main  # noqa: E402
from allocate.files import read_spreadsheet  # noqa: E402
from allocate.plan import Plan  # noqa: E402


def test_from_a_template_to_a_plan_workbook_and_ms_project(tmp_path, capsys):
    """Write the template, import it as JSON, solve it, export the plan both ways."""
    team = tmp_path / "team.xlsx"
    assert main(["template", str(team)]) == 0
    assert main(["import", str(team)]) == 0
    scenario_json = capsys.readouterr().out.split("\n", 1)[1]
    scenario = Scenario.from_json(scenario_json)
    assert scenario == read_spreadsheet(team)
    (tmp_path / "scenario.json").write_text(scenario_json)
    plan_file = tmp_path / "plan.json"
    code = main(
        ["solve", str(tmp_path / "scenario.json"), "--out", str(plan_file),
         "--report", str(tmp_path / "r.md"), "--strategy", "greedy", "--quiet"]
    )  # fmt: skip
    assert code == 0 and check(scenario, Plan.from_json(plan_file.read_text())) == []
    xlsx, xml = tmp_path / "plan.xlsx", tmp_path / "plan.xml"
    args = ["export", str(plan_file), "--scenario", str(team)]
    assert main([*args, "--xlsx", str(xlsx), "--msproject", str(xml)]) == 0
    assert xlsx.stat().st_size > 0 and xml.read_text().startswith("<?xml")


def test_bad_input_is_one_message_and_exit_code_2(tmp_path, capsys):
    """A workbook with problems, a missing file, an export without a target."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tasks.csv").write_text("Task,Effort (h)\na,3 days\n")
    assert main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "tasks.csv row 2, Effort (h): effort '3 days' is not a number of hours" in err
    assert "Traceback" not in err
    assert main(["import", str(tmp_path / "missing.xlsx")]) == 2
    assert "missing.xlsx: does not exist" in capsys.readouterr().err
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"status": "feasible"}))
    assert main(["export", str(plan)]) == 2
    assert "--xlsx" in capsys.readouterr().err
    assert main(["template", str(tmp_path / "team.docx")]) == 2
