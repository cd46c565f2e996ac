"""The command line: the main job writes a plan and a report; example, schema and check work."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import allocate
from allocate import Scenario, check
from allocate.cli import EXIT_CODES, main
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


# --- bad input: one clear message, no traceback, an exit code a script can act on -------------


def files(tmp_path) -> dict[str, str]:
    """A valid scenario and plan, and files that are wrong in each way a user gets them wrong."""
    scenario = tmp_path / "scenario.json"
    scenario.write_text(agency().to_json())
    plan = tmp_path / "plan.json"
    main(["solve", str(scenario), "--out", str(plan), "--report", str(tmp_path / "r.md"),
          "--strategy", "greedy", "--quiet"])  # fmt: skip
    (tmp_path / "malformed.json").write_text("{bad")
    (tmp_path / "wrong.json").write_text(json.dumps({"people": [1], "colour": "blue"}))
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00")
    return {
        "scenario": str(scenario),
        "plan": str(plan),
        "missing": str(tmp_path / "missing.json"),
        "malformed": str(tmp_path / "malformed.json"),
        "wrong": str(tmp_path / "wrong.json"),
        "binary": str(tmp_path / "binary.json"),
        "out": str(tmp_path / "out"),
    }


BAD_INPUT = [
    (["solve", "{missing}"], "cannot read the scenario file"),
    (["solve", "{malformed}"], "not JSON"),
    (["solve", "{wrong}"], "people.0"),
    (["solve", "{binary}"], "not"),
    (["solve", "{plan}"], "looks like a plan file"),
    (["check", "{malformed}", "{plan}"], "not JSON"),
    (["check", "{scenario}", "{malformed}"], "the plan file"),
    (["check", "{scenario}", "{wrong}"], "the plan file"),
    (["check", "{plan}", "{scenario}"], "are the arguments swapped"),
    (["check", "{scenario}", "{missing}"], "cannot read the plan file"),
    (["report", "{missing}"], "cannot read the plan file"),
    (["report", "{plan}", "--scenario", "{malformed}"], "not JSON"),
    (["report", "{plan}", "--timezone", "Mars/Olympus"], "unknown time zone"),
    (["solve", "--time-limit", "-3"], "positive, finite number of seconds"),
    (["solve", "--time-limit", "0"], "strategy='greedy'"),
    (["solve", "--time-limit", "nan"], "positive, finite"),
    (["solve", "--time-limit", "soon"], "--time-limit"),
    (["solve", "--strategy", "best"], "unknown strategy 'best'"),
    (["solve", "--seed", "-1"], "is not a seed"),
    (["solve", "--workers", "0"], "is not a count"),
    (["frobnicate"], "invalid choice"),
    (["solve", "--bogus"], "unrecognized arguments"),
    ([], "required"),
]


@pytest.mark.parametrize(
    ("argv", "message"), BAD_INPUT, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_bad_input_exits_2_with_one_message_and_no_traceback(tmp_path, capsys, argv, message):
    """Every verb answers a missing, malformed, wrong-schema file or a bad option with exit code
    2 and a message naming the problem, never a traceback."""
    paths = files(tmp_path)
    capsys.readouterr()
    code = main([part.format(**paths) for part in argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and "Traceback" not in err


def test_unwritable_output_exits_3(tmp_path, capsys):
    """An output that cannot be written is exit code 3, told apart from bad input."""
    paths = files(tmp_path)
    blocked = tmp_path / "file"
    blocked.write_text("")
    code = main(["solve", paths["scenario"], "--strategy", "greedy", "--quiet",
                 "--out", str(blocked / "plan.json")])  # fmt: skip
    assert code == 3
    assert "cannot write" in capsys.readouterr().err


def test_infeasible_plan_and_violations_exit_1(tmp_path, capsys):
    """The answer 'no' is exit code 1: a plan that cannot place everything, a plan that breaks
    a rule."""
    paths = files(tmp_path)
    data = json.loads(Path(paths["scenario"]).read_text())
    data["horizon_end"] = "2027-01-06T00:00:00Z"  # far too short for the work
    tight = tmp_path / "tight.json"
    tight.write_text(json.dumps(data))
    outputs = ["--out", str(tmp_path / "p.json"), "--report", str(tmp_path / "r.md")]
    assert main(["solve", str(tight), "--strategy", "greedy", "--quiet", *outputs]) == 1
    plan = json.loads(Path(paths["plan"]).read_text())
    plan["assignments"][0]["people"] = ["nobody"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan))
    capsys.readouterr()
    assert main(["check", paths["scenario"], str(edited)]) == 1
    assert "violation" in capsys.readouterr().out


def test_a_bug_exits_4_with_its_traceback(tmp_path, capsys, monkeypatch):
    """An unexpected exception is a bug: exit code 4 (not 1, which means 'no plan'), with the
    traceback for the report."""

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["allocate.solve"], "solve", broken)
    code = main(["solve", "--quiet", "--out", str(tmp_path / "p.json")])
    err = capsys.readouterr().err
    assert code == 4 and "Traceback" in err and "internal error" in err


def test_help_and_the_api_doc_list_the_exit_codes(capsys):
    """`--help` and docs/api.md state every exit code with its meaning."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    api = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"{code:<4} {meaning[:30]}" in out
        assert f"| {code} |" in api, code


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["solve", "missing.json"], 2), (["check", "bad.json", "bad.json"], 2),
     (["solve", "--time-limit", "-3"], 2), (["nope"], 2)],
)  # fmt: skip
def test_the_module_run_as_a_program_gives_no_traceback(tmp_path, argv, code):
    """`python -m allocate` in a subprocess: the same exit codes, and no traceback on stderr."""
    (tmp_path / "bad.json").write_text("{bad")
    env = {**os.environ, "PYTHONPATH": str(Path(allocate.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-m", "allocate", *argv],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_the_main_job_writes_the_same_plan_twice(tmp_path):
    """The README's main job, as the README spells it but with a short limit, run twice as a
    program: both plan files hold the same plan (only the timings differ)."""
    readme = (Path(allocate.__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "python -m allocate solve" in line)
    argv = line.split("python -m allocate ", 1)[1].split()
    assert "--deterministic" in argv
    env = {**os.environ, "PYTHONPATH": str(Path(allocate.__file__).parents[1])}
    plans = []
    for _ in range(2):
        command = [sys.executable, "-m", "allocate", *argv, "--time-limit", "1", "--quiet"]
        done = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600
        )
        assert done.returncode == 0, done.stderr
        plan = json.loads((tmp_path / "plan.json").read_text())
        assert plan["stats"]["deterministic"] is True
        plans.append({key: plan[key] for key in ("status", "assignments", "objective", "late")})
    assert plans[0] == plans[1]


def test_re_plan_check_and_diff_from_the_command_line(tmp_path, capsys):
    """`solve --previous` re-plans from an earlier plan, `check --previous` verifies its
    `changes`, and `diff` says what changed, with a page of before/after bars."""
    from allocate import events

    base, later = tmp_path / "base.json", tmp_path / "later.json"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    base.write_text(agency().to_json())
    changed = events.estimate(agency(), "shop-research", 40)
    later.write_text(changed.to_json())
    common = ["--strategy", "greedy", "--quiet", "--report", str(tmp_path / "r.md")]
    assert main(["solve", str(base), "--out", str(first), *common]) == 0
    argv = ["solve", str(later), "--out", str(second), "--previous", str(first), *common]
    assert main([*argv, "--freeze-days", "5"]) == 0
    plan = Plan.from_json(second.read_text())
    assert "changes" in plan.objective
    assert main(["check", str(later), str(second), "--previous", str(first)]) == 0
    assert "0 violation(s)" in capsys.readouterr().out
    page = tmp_path / "changes.html"
    assert (
        main(["diff", str(second), str(first), "--scenario", str(later), "--html", str(page)]) == 0
    )
    out = capsys.readouterr().out
    assert "tasks in both plans changed" in out and page.read_text().startswith("<!DOCTYPE html>")
    assert main(["solve", str(later), "--previous", str(first), "--freeze-days", "x"]) == 2
