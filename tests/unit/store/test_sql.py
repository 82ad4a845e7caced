"""store.sql and core.sql_text: placeholders for IN lists with the values passed as parameters, never
formatted, and rows."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from trygghet.core import sql_text
from trygghet.store.sql import in_list, rows

ROOT = Path(__file__).resolve().parents[3]
# The layers that build SQL: core with core.sql_text, the others with store.sql, which offers the same.
USERS_OF_SQL = ("trygghet/core", "trygghet/store", "trygghet/analysis", "trygghet/ingest", "trygghet/meeting",
                "trygghet/documents")
# Where the placeholders are built, once.
BUILDERS = {"sql.py", "sql_text.py"}


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "t.duckdb"))
    connection.execute("CREATE TABLE t (name VARCHAR)")
    connection.executemany("INSERT INTO t VALUES (?)",
                           [["Norrby"], ["Hamnen"], ["O'Brien"], ["x') OR TRUE --"], [None]])
    yield connection
    connection.close()


def test_one_placeholder_per_value() -> None:
    assert in_list(["a"]) == "(?)"
    assert in_list(("a", "b", "c")) == "(?, ?, ?)"
    assert in_list({"a", "b"}) == "(?, ?)"


def test_the_values_are_matched_as_written(con: duckdb.DuckDBPyConnection) -> None:
    def names(values: list[str]) -> list[str]:
        sql = f"SELECT name FROM t WHERE name IN {in_list(values)} ORDER BY name"
        return [r[0] for r in con.execute(sql, values).fetchall()]

    assert names(["Hamnen", "Norrby", "Saknas"]) == ["Hamnen", "Norrby"]
    assert names(["O'Brien"]) == ["O'Brien"]
    # A value shaped like SQL is a value: it matches itself and nothing else.
    assert names(["x') OR TRUE --"]) == ["x') OR TRUE --"]


def test_an_empty_list_parses_and_selects_nothing(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute(f"SELECT count(*) FROM t WHERE name IN {in_list([])}").fetchone() == (0,)
    assert con.execute(f"SELECT count(*) FROM t WHERE name NOT IN {in_list([])}").fetchone() == (0,)


def test_rows_reports_a_missing_table_as_such_whatever_the_callers_names(con: duckdb.DuckDBPyConnection) -> None:
    organisations = ["a Python name that DuckDB could mistake for the table"]
    with pytest.raises(duckdb.CatalogException):
        rows(con, "SELECT name FROM organisations")
    assert organisations
    assert rows(con, "SELECT name FROM t WHERE name = ?", ["Hamnen"]) == [("Hamnen",)]


def _is_placeholder_join(node: ast.AST) -> bool:
    """", ".join("?" for ...) and the like, or "?, " * n."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        arg = node.args[0] if node.args else None
        return (isinstance(arg, ast.GeneratorExp | ast.ListComp) and isinstance(arg.elt, ast.Constant)
                and arg.elt.value == "?")
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and any(
        isinstance(side, ast.Constant) and isinstance(side.value, str) and "?" in side.value
        for side in (node.left, node.right))


def _hand_built_placeholders(tree: ast.AST) -> list[int]:
    """Lines that build placeholders themselves; a row of an INSERT's VALUES (...) is no IN list."""
    values_rows = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for before, part in zip(node.values, node.values[1:], strict=False):
                if (isinstance(before, ast.Constant) and re.search(r"VALUES\s*\(\s*$", str(before.value), re.I)
                        and isinstance(part, ast.FormattedValue)):
                    values_rows.add(id(part.value))
    return [node.lineno for node in ast.walk(tree) if _is_placeholder_join(node) and id(node) not in values_rows]


def test_no_module_builds_its_own_placeholders() -> None:
    found = []
    for folder in USERS_OF_SQL:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name in BUILDERS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}:{line}" for line in _hand_built_placeholders(tree)]
    assert not found, f"placeholders built by hand instead of with store.sql.in_list (core.sql_text): {found}"


def test_the_store_offers_the_one_builder_that_core_has() -> None:
    assert in_list is sql_text.in_list
