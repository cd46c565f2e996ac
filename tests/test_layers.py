"""The package's layers: every import of `allocate` runs from a higher layer to a lower one.

`LAYERS` is the one statement of the order (docs/design.md draws it). A module may import its own
layer and the ones below; imports inside functions count (they are dependencies all the same),
imports for type checking only do not. The few imports that call back on purpose (display methods
of the user model, a scenario running its own checks) are listed in `HOOKS`, each with why, and
must stay inside functions. No module may reach itself through its imports either. Run alone:
`python -m pytest tests/test_layers.py`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import allocate

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation: algorithms and the clock", ("allocate.matching", "allocate.budget")),
    (
        "user model: scenario, plan and the objective's terms in planners' units",
        (
            "allocate.scenario",
            "allocate.actuals",
            "allocate.validation",
            "allocate.objective",
            "allocate.plan",
        ),
    ),
    (
        "readers of the user model: the independent checker, examples, instance files",
        ("allocate.check", "allocate.examples", "allocate.instances.*"),
    ),
    ("time: the grid and working calendars on it", ("allocate.grid", "allocate.calendar")),
    ("events: the usual changes to a scenario, on working calendars", ("allocate.events",)),
    ("the compiled problem", ("allocate.problem",)),
    (
        "schedules on the compiled problem",
        ("allocate.schedule", "allocate.on_grid", "allocate.previous", "allocate.limits"),
    ),
    ("objective terms on the compiled problem", ("allocate.terms.*",)),
    ("lower bounds", ("allocate.bounds.*",)),
    ("the strategy contract", ("allocate.strategies.base",)),
    (
        "greedy construction",
        (
            "allocate.strategies.greedy",
            "allocate.strategies.priority",
            "allocate.strategies.loads",
            "allocate.strategies.free_time",
            "allocate.strategies.limit_loads",
            "allocate.strategies.repair",
            "allocate.strategies.justify",
        ),
    ),
    ("the CP-SAT model", ("allocate.strategies.cpsat.*",)),
    ("neighbourhood search", ("allocate.strategies.lns.*",)),
    ("the strategy registry", ("allocate.strategies",)),
    (
        "explanations and summaries",
        ("allocate.explain", "allocate.conflicts", "allocate.summaries", "allocate.diff"),
    ),
    ("the caller's side of a running solve: progress, Ctrl-C", ("allocate.watch",)),
    ("the orchestration", ("allocate.solve",)),
    ("sweeps of independent jobs", ("allocate.sweep",)),
    ("answers built on plans: capacity forecast, risk simulation", ("allocate.analysis.*",)),
    (
        "presentation: reports, planners' files, command line, public names",
        (
            "allocate.report.*",
            "allocate.files.*",
            "allocate.cli",
            "allocate.__main__",
            "allocate",
        ),
    ),
)
"""Lowest first. `name` is that module; `name.*` that package and everything in it."""

HOOKS = {
    ("allocate.plan", "allocate.report"): "print(plan) is the report's summary",
    ("allocate.plan", "allocate.report.notebook"): "a plan's notebook view is drawn by the report",
    ("allocate.plan", "allocate.report.tables"): "Plan.to_dataframe is the report's table",
    ("allocate.plan", "allocate.diff"): "Plan.diff is the diff's, which needs calendars",
    ("allocate.diff", "allocate.report.diff"): "a diff's views are the report's",
    ("allocate.scenario", "allocate.report.notebook"): "a scenario's notebook view, likewise",
    ("allocate.scenario", "allocate.validation"): "a Scenario runs its cross-checks when built",
    ("allocate.analysis.forecast", "allocate.report.capacity"): "its views are the report's",
    ("allocate.analysis.forecast", "allocate.report._optional"): "its table needs pandas",
    ("allocate.analysis.simulate", "allocate.report.risk"): "its views are the report's",
    ("allocate.analysis.simulate", "allocate.report._optional"): "its table needs pandas",
    ("allocate.analysis.whatif", "allocate.report.html"): "its notebook view is the report's",
    ("allocate.analysis.recommend", "allocate.report.advice"): "its views are the report's",
    ("allocate.analysis.hiring", "allocate.report.advice"): "its views are the report's",
    ("allocate.analysis.departures", "allocate.report.advice"): "its views are the report's",
}
"""Imports inside methods that call back into a module built on the caller, on purpose: the only
upward imports, and the only edges that may close a cycle."""

ROOT = Path(allocate.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def layer_of(module: str) -> int:
    """The index of the layer whose most specific pattern matches `module`."""
    best, found = -1, None
    for index, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            package = pattern.removesuffix(".*")
            exact = module == package
            inside = pattern.endswith(".*") and module.startswith(package + ".")
            if (exact or inside) and len(package) > best:
                best, found = len(package), index
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS (and docs/design.md)")
    return found


def imports(module: str) -> list[tuple[str, bool]]:
    """(imported allocate module, inside a function?) for each import in `module`, type-only
    imports left out; `from package import name` counts the submodule when `name` is one."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import"
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in MODULES
                else node.module
                for alias in node.names
            ]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(name, id(node) not in top) for name in names if name.split(".")[0] == "allocate"]
    return found


def test_every_module_has_a_layer():
    """A new module cannot slip in without a place in the order."""
    for module in MODULES:
        layer_of(module)


def test_imports_run_downwards():
    """No module imports a module of a higher layer, except the listed hooks, which stay inside
    functions."""
    upward = []
    for module in MODULES:
        for imported, lazy in imports(module):
            if layer_of(imported) <= layer_of(module):
                continue
            if (module, imported) in HOOKS and lazy:
                continue
            upward.append(
                f"{module} ({LAYERS[layer_of(module)][0]}) imports {imported} "
                f"({LAYERS[layer_of(imported)][0]})"
            )
    assert not upward, "\n".join(upward)


def test_the_listed_hooks_exist_and_stay_inside_functions():
    """`HOOKS` lists nothing that is gone (it would hide a future import), and each is lazy."""
    edges = {(module, imported): lazy for module in MODULES for imported, lazy in imports(module)}
    assert all(edges.get(hook) for hook in HOOKS), [hook for hook in HOOKS if not edges.get(hook)]


def test_no_import_cycles():
    """No two modules import each other, directly or through others (a package counts as its
    `__init__`; hooks aside)."""
    graph = {
        module: {i for i, _ in imports(module) if i != module and (module, i) not in HOOKS}
        for module in MODULES
    }
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                cycle = path[path.index(other) :] + [other]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
