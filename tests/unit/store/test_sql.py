"""store.sql: placeholders for IN lists with the values passed as parameters, never formatted, and rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from trygghet.store.sql import in_list, rows


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
