"""Every ```python block in docs/*.md runs, so the documentation cannot rot.

Blocks of one page run in order in one namespace, in a temporary working directory (pages may
write files). A block right after a `<!-- skip -->` line is not run: use it for signatures and
for code that needs what a test machine lacks. Tracebacks point at the page and its line.
"""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^(\s*)```python\s*$")
SKIP = re.compile(r"^\s*<!--\s*skip\s*-->\s*$")


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, code) of each ```python block not marked to skip."""
    lines = text.splitlines()
    blocks, k = [], 0
    while k < len(lines):
        opening = FENCE.match(lines[k])
        if not opening:
            k += 1
            continue
        indent = len(opening.group(1))
        before = next((line for line in reversed(lines[:k]) if line.strip()), "")
        end = next((j for j in range(k + 1, len(lines)) if lines[j].strip() == "```"), None)
        if end is None:
            raise ValueError(f"unclosed ```python block at line {k + 1}")
        if not SKIP.match(before):
            body = "\n".join(line[indent:] for line in lines[k + 1 : end])
            blocks.append((k + 2, body))
        k = end + 1
    return blocks


PAGES = sorted(DOCS.glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    """The page's python blocks run in sequence without error."""
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs.{page.stem}"}
    for line, code in python_blocks(page.read_text(encoding="utf-8")):
        # pad so that a traceback's line numbers are the page's
        exec(compile("\n" * (line - 1) + code, str(page), "exec"), namespace)


def test_block_extraction_honours_skip_and_indentation():
    """Skipped blocks are left out; indented blocks (in lists) are dedented."""
    text = (
        "a\n```python\nx = 1\n```\n<!-- skip -->\n```python\nboom(\n```\n- item\n\n"
        "    ```python\n    y = x\n    ```\n"
    )
    assert python_blocks(text) == [(3, "x = 1"), (12, "y = x")]


def test_the_tutorial_and_the_views_page_have_code():
    """The pages that teach by example are not silently empty."""
    for name in ("tutorial.md", "views.md"):
        assert len(python_blocks((DOCS / name).read_text(encoding="utf-8"))) >= 5, name


ROOT = DOCS.parent
PIP_INSTALL = re.compile(r"pip install[^`\n]*?(\S*)\[(\w+)\]")


def test_install_commands_work_from_a_clone():
    """allocate is not on PyPI: every `pip install` of it in the docs, the README and the
    library's own messages installs the clone (`-e ".[extra]"`), with an extra that exists."""
    import tomllib

    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    texts = [*PAGES, ROOT / "README.md", *sorted((ROOT / "src").rglob("*.py"))]
    found = 0
    for path in texts:
        for target, extra in PIP_INSTALL.findall(path.read_text(encoding="utf-8")):
            found += 1
            assert target.strip("'\"") == ".", f"{path.name}: pip install {target}[{extra}]"
            assert extra in extras, f"{path.name}: no extra '{extra}' in pyproject.toml"
    assert found >= 4


def test_the_default_horizon_is_what_the_concepts_page_says():
    """A year past the latest start, release, deadline or pinned start; time off years ahead
    does not move it (and the page says so)."""
    from datetime import UTC, date, datetime, timedelta

    from allocate import Calendar, Person, Pin, Project, Scenario, Task, TimeOff
    from allocate.grid import default_horizon_end

    start = datetime(2027, 1, 4, 8, tzinfo=UTC)
    sabbatical = TimeOff(start=date(2031, 1, 1), end=date(2031, 12, 31))
    scenario = Scenario(
        start=start,
        people=[Person(id="ana", calendar=Calendar(time_off=[sabbatical]))],
        projects=[Project(id="p", deadline=start + timedelta(days=30))],
        tasks=[
            Task(id="a", effort_hours=1, project="p", release=start + timedelta(days=3)),
            Task(id="b", effort_hours=1, deadline=start + timedelta(days=10)),
            Task(id="c", effort_hours=1),
        ],
        pins=[Pin(task="c", start=start + timedelta(days=40))],
    )
    assert default_horizon_end(scenario) == start + timedelta(days=40 + 365)
    text = " ".join((DOCS / "concepts.md").read_text(encoding="utf-8").split())
    assert (
        "a year past the latest of the planning start, the task releases and deadlines, the "
        "project deadlines and the pinned starts. Time off, holidays, resource capacity changes "
        "and `balance_until` do not move it" in text
    )


def test_the_api_page_lists_every_field_of_the_result_and_every_term():
    """docs/api.md's result section names every field and public property of the plan's parts,
    and its objective section every term, so none is missed as `cost`, `budget`, `value`,
    `margin` and the `unplaced` term once were."""
    from allocate.objective import TERMS
    from allocate.plan import Lateness, PersonSummary, Plan, ProjectSummary, SolveStats, WeekHours

    api = (DOCS / "api.md").read_text(encoding="utf-8")

    def section(title: str) -> str:
        start = api.index(f"## {title}")
        return api[start : api.find("\n## ", start + 1)]

    result = section("The result")
    for model in (Plan, ProjectSummary, PersonSummary, Lateness, WeekHours, SolveStats):
        names = set(model.model_fields) | {
            name for name, value in vars(model).items() if isinstance(value, property)
        }
        missing = sorted(name for name in names if not re.search(rf"\b{name}\b", result))
        assert not missing, f"{model.__name__}: {missing}"
    terms = section("Objective terms")
    assert not [term for term in TERMS if f"`{term}`" not in terms]


GAP_OVER_BOUND = re.compile(r"\(\s*[\w ]+?\s*[-−]\s*\w*bound\s*\)\s*/\s*\w*bound\b")


def test_one_definition_of_gap():
    """A gap is (value - bound) / value everywhere (`plan.gap`); no page or benchmark script
    divides by the bound."""
    texts = [*PAGES, ROOT / "README.md", *sorted((ROOT / "benchmarks").glob("*.py"))]
    texts += sorted((ROOT / "src").rglob("*.py"))
    found = [
        f"{path.name}: {match.group(0)}"
        for path in texts
        for match in GAP_OVER_BOUND.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found
    assert GAP_OVER_BOUND.search("the gap is (makespan − bound) / bound")
    assert GAP_OVER_BOUND.search('"gap": (span - bound) / bound if bound else 0.0')
    assert GAP_OVER_BOUND.search("round(100 * (span - own_bound) / own_bound, 2)")
