"""The dashboards in a real headless browser (Debian's chromium): they render, log nothing to the
console, show the expected numbers, and a screenshot is the right size and not blank.

Skipped when chromium is not installed (`apt-get install -y chromium`). Each browser run is a
fresh profile in a temporary folder with networking features off, so nothing leaves the machine.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from allocate import Scenario, solve
from allocate.examples import agency
from allocate.report import portfolio_dashboard, project_dashboard, project_status
from allocate.report.style import STATE_COLOURS
from allocate.scenario import Progress

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install -y chromium)"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--enable-logging=stderr",
    "--v=0",
)
CONSOLE = re.compile(r":CONSOLE[:(]")


def browse(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def console(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if CONSOLE.search(line)]


@pytest.fixture(scope="module")
def example():
    scenario = agency()
    tasks = [
        t.model_copy(
            update={"progress": Progress(status="in_progress", people=("sophie",), hours_spent=8)}
        )
        if t.id == "shop-kickoff"
        else t
        for t in scenario.tasks
    ]
    scenario = Scenario(**{**dict(scenario), "tasks": tasks})
    return scenario, solve(scenario, strategy="greedy")


def test_the_console_check_sees_errors(tmp_path):
    """A page that logs an error and throws is caught: the console check is not vacuous."""
    page = tmp_path / "bad.html"
    page.write_text("<p>x</p><script>console.error('logged'); missingFunction();</script>")
    messages = console(browse(page, tmp_path, "--dump-dom"))
    assert any("logged" in m for m in messages) and any("missingFunction" in m for m in messages)


def test_project_dashboard_renders_the_numbers_without_console_errors(tmp_path, example):
    """The rendered DOM has the summary, the KPIs and a row per milestone; the console is quiet."""
    scenario, plan = example
    page = tmp_path / "shop.html"
    page.write_text(project_dashboard(scenario, plan, "shop"), encoding="utf-8")
    result = browse(page, tmp_path, "--dump-dom")
    assert console(result) == []
    dom = result.stdout
    status = project_status(scenario, plan, "shop")
    assert status.summary in dom and "1 in progress" in status.summary
    assert re.search(r'data-kpi="tasks"><b>0 / 1 / 48</b>', dom)
    milestones = re.search(r'<table data-testid="milestones">.*?</table>', dom, re.S).group(0)
    assert milestones.count("<tr>") == 1 + 3 and "Shop launch" in milestones
    assert dom.count("<polygon") == 6  # planned and committed diamonds


def test_portfolio_renders_without_console_errors(tmp_path, example):
    """The portfolio page renders every project and the weekly strips, quietly."""
    scenario, plan = example
    page = tmp_path / "index.html"
    page.write_text(portfolio_dashboard(scenario, plan), encoding="utf-8")
    result = browse(page, tmp_path, "--dump-dom")
    assert console(result) == []
    assert result.stdout.count('data-testid="project-') == len(scenario.projects)
    assert "Late" in result.stdout


def test_dashboard_screenshot_is_the_right_size_and_not_blank(tmp_path, example):
    """A 1000 x 1200 screenshot with text, the green 'On track' badge and the progress bar."""
    image = pytest.importorskip("PIL.Image")
    scenario, plan = example
    page = tmp_path / "shop.html"
    page.write_text(project_dashboard(scenario, plan, "shop"), encoding="utf-8")
    shot = tmp_path / "shop.png"
    browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,1200")
    with image.open(shot) as picture:
        assert picture.size == (1000, 1200)
        pixels = picture.convert("RGB")
        colours = pixels.getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # text and shapes, not an empty page
    green = tuple(int(STATE_COLOURS["on_track"][i : i + 2], 16) for i in (1, 3, 5))
    assert sum(count for count, rgb in colours if rgb == green) > 200  # the badge
