"""The command line's advice verbs: `recommend` ranks who takes a request file, `hire` ranks
candidate hires; bad requests and hires exit 2 naming what is wrong."""

import json

import pytest

from allocate.cli import main


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory):
    """The bundled example's greedy plan, written as `solve --out` writes it."""
    folder = tmp_path_factory.mktemp("advice")
    path = folder / "plan.json"
    argv = ["solve", "--strategy", "greedy", "--quiet", "--out", str(path)]
    assert main([*argv, "--report", str(folder / "report.md")]) == 0
    return path


def test_recommend_ranks_who_takes_a_request_file(plan_file, tmp_path, capsys):
    """A task in a JSON file: the people who can do it, best first, and who cannot and why."""
    request = tmp_path / "request.json"
    task = {"id": "kiosk", "project": "museum", "effort_hours": 24, "skills": {"frontend": 4}}
    request.write_text(json.dumps(task))
    capsys.readouterr()
    code = main(["recommend", str(plan_file), str(request), "--top", "1", "--time-limit", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Who should take 'kiosk'?")
    assert " 1. " in out and "(estimate)" in out  # one re-planned, the others screened
    assert "- ana: lacks frontend 4 (has 2) for 'kiosk'" in out


def test_recommend_takes_a_small_project(plan_file, tmp_path, capsys):
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(
            {
                "projects": [{"id": "promo"}],
                "tasks": [
                    {
                        "id": "promo-design",
                        "project": "promo",
                        "effort_hours": 8,
                        "skills": {"design": 3},
                    },
                ],
            }
        )
    )
    assert main(["recommend", str(plan_file), str(request), "--top", "0"]) == 0
    assert "Who should take 'promo-design'?" in capsys.readouterr().out


def test_a_request_needing_a_skill_nobody_has_exits_2_naming_it(plan_file, tmp_path, capsys):
    request = tmp_path / "request.json"
    request.write_text(json.dumps({"id": "vr", "effort_hours": 8, "skills": {"unity": 2}}))
    assert main(["recommend", str(plan_file), str(request), "--top", "0"]) == 2
    err = capsys.readouterr().err
    assert "task 'vr' needs unity 2; nobody has that" in err and "Traceback" not in err


def test_hire_ranks_candidates_from_a_file(plan_file, tmp_path, capsys):
    hires = tmp_path / "hires.json"
    hires.write_text(json.dumps([{"id": "extra", "skills": {"backend": 4}, "hourly_rate": 90}]))
    capsys.readouterr()
    assert main(["hire", str(plan_file), "--candidates", str(hires), "--time-limit", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Hiring advice:") and " 1. +1 backend (level 4) in UTC" in out


def test_a_hire_in_an_unknown_time_zone_exits_2_naming_it(plan_file, tmp_path, capsys):
    hires = tmp_path / "hires.json"
    hires.write_text(json.dumps([{"skills": {"data": 3}, "timezone": "Europe/Berln"}]))
    assert main(["hire", str(plan_file), "--candidates", str(hires)]) == 2
    assert "unknown time zone 'Europe/Berln'" in capsys.readouterr().err
