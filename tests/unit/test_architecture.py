"""The rules of the package's layout, checked on the source itself (README: "För utvecklare")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "trygghet"

# Lower layers never import higher ones. ingest and analysis share a level and do not import each other.
LAYERS: dict[str, int] = {
    "core": 0,
    "store": 1,
    "ingest": 2,
    "analysis": 2,
    "meeting": 3,
    "present": 4,
    "documents": 5,
    "demo": 6,
    "ui": 7,
    "cli": 7,
    "__main__": 8,
}
MAX_MODULE_LINES = 700
MAX_PAGE_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(path: Path, known: dict[str, Path], name: str | None = None) -> Iterator[tuple[str, int]]:
    """Every trygghet module `path` imports, at the top or inside a function, with the line."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    yield f"{target}.{alias.name}", node.lineno
                elif target in known:
                    yield target, node.lineno


def graph() -> dict[str, set[str]]:
    """Module -> the modules it makes Python run: what it imports, and the packages above each of
    those, whose __init__ runs first (a re-exporting __init__ can close a cycle of its own)."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for target, _ in imported(path, known):
            parts = target.split(".")
            targets.update(".".join(parts[:i]) for i in range(2, len(parts) + 1))
        edges[name] = {t for t in targets if t in known and t != name and not name.startswith(t + ".")}
    return edges


def test_package_inits_only_describe_their_package() -> None:
    # A re-export hides where code lives and makes importing one module load the whole package.
    loaded = [str(p.relative_to(ROOT)) for p in PACKAGE.rglob("__init__.py")
              if any(isinstance(n, ast.Import | ast.ImportFrom) and not (isinstance(n, ast.ImportFrom)
                     and n.module == "__future__") for n in ast.parse(p.read_text(encoding="utf-8")).body)]
    assert loaded == []


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_belongs_to_a_layer() -> None:
    strays = [n for n in modules() if n != "trygghet" and layer(n) not in LAYERS]
    assert strays == [], f"modules outside the layers {sorted(LAYERS)}: {strays}"


def test_no_import_cycles_lazy_imports_included() -> None:
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == [], f"import cycles: {cycles}"


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    known = modules()
    for name, path in known.items():
        if name == "trygghet":
            continue
        for target, line in imported(path, known):
            if target == "trygghet" or layer(target) == layer(name):
                continue
            if LAYERS[layer(target)] >= LAYERS[layer(name)]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert wrong == []


def test_streamlit_only_in_the_ui_package() -> None:
    offenders = []
    for name, path in modules().items():
        if layer(name) == "ui":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "streamlit" or n.startswith("streamlit.") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_size(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{lines} lines: split it by job"


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{lines} lines: move views and forms to trygghet/ui"


def test_the_checker_sees_a_lazy_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from trygghet.store import db\n    return db\n")
    assert [t for t, _ in imported(source, {"trygghet.store.db": source}, "trygghet.core.m")] == ["trygghet.store.db"]
