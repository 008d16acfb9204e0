"""The house's layers: readers and writers below the workflows, and no module importing itself in a circle.

Every import counts, also one written inside a function (a deferred import hides a circle, it does
not break it)."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "compiler"
# The workflows: they put readers, checks and writers together.  Nothing below them imports them.
WORKFLOWS = {"compiler.batch", "compiler.summary", "compiler.nextyear", "compiler.pipeline", "compiler.cli",
             "compiler.outputs", "compiler.importing", "compiler.web", "compiler.mail", "compiler.compare"}
LOWER = ("compiler.readers", "compiler.writers", "compiler.model", "compiler.format2021", "compiler.rules",
         "compiler.checks", "compiler.diagnostics", "compiler.outcomes", "compiler.aggregate", "compiler.figures",
         "compiler.errors", "compiler.uploads", "compiler.comparison",
         "compiler.review", "compiler.indicators")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target in known:
                found.add(target)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_the_graph_is_read():
    graph = _graph()
    assert "compiler.writers.status" in graph and "compiler.batch" in graph
    assert "compiler.outcomes" in graph["compiler.writers.status"]
    assert "compiler.writers.status" in graph["compiler.batch"]  # a deferred import is seen


def test_no_import_cycles():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            # a package importing its own modules is no circle unless a module imports the package back
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_comparison_is_a_workflow_over_a_model_level_module():
    graph = _graph()
    assert "compiler.comparison" in graph["compiler.writers.compare_html"]
    assert "compiler.comparison" in graph["compiler.compare"] and "compiler.pipeline" in graph["compiler.compare"]
    assert not graph["compiler.comparison"] & WORKFLOWS


def test_nothing_outside_the_server_imports_it_but_the_clis_hook():
    """The server sits above every workflow: readers, writers, checks and workflows never import it.
    The one door is ``compiler.cli`` registering ``compiler.server.cli`` (which imports no server extra)."""
    graph = _graph()
    wrong = {name: sorted(t for t in targets if t == "compiler.server" or t.startswith("compiler.server."))
             for name, targets in graph.items() if not name.startswith("compiler.server")}
    wrong = {name: targets for name, targets in wrong.items() if targets}
    assert wrong == {"compiler.cli": ["compiler.server.cli"]}


def test_the_server_s_cli_module_imports_no_server_extra_at_its_top():
    tree = ast.parse((PACKAGE / "server" / "cli.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = {alias.name for n in top for alias in n.names}
    names |= {n.module or "" for n in top if isinstance(n, ast.ImportFrom)}
    assert not names & {"flask", "flask_login", "flask_wtf", "flask_limiter", "sqlalchemy", "alembic", "argon2"}


def test_readers_writers_and_the_model_never_import_a_workflow():
    graph = _graph()
    wrong = {name: sorted(graph[name] & WORKFLOWS) for name in graph
             if name.startswith(LOWER) and graph[name] & WORKFLOWS}
    assert wrong == {}
