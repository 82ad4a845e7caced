"""The migration steps: every version has one, they bring a version 1 file to exactly the schema a new
file gets, they run in one transaction, and a file from a newer version is refused."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from trygghet.store import migrations, schema

V1_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "schema-v1.duckdb.gz"


@pytest.fixture
def v1_con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path / "v1.duckdb"
    with gzip.open(V1_FIXTURE, "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def shape(con: duckdb.DuckDBPyConnection) -> tuple[set[tuple[object, ...]], set[tuple[object, ...]]]:
    """The tables' columns (name, type, nullability, default) and constraints, in any order."""
    columns = set(con.execute(
        """SELECT table_name, column_name, data_type, is_nullable, column_default FROM duckdb_columns()
           WHERE schema_name = current_schema()""").fetchall())
    constraints = set(con.execute(
        """SELECT table_name, constraint_type, constraint_column_names::VARCHAR FROM duckdb_constraints()
           WHERE schema_name = current_schema()""").fetchall())
    return columns, constraints


def version(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def test_there_is_one_step_from_every_older_version() -> None:
    assert sorted(migrations.MIGRATIONS) == list(range(1, schema.SCHEMA_VERSION))


def test_a_version_1_file_ends_with_the_schema_a_new_file_gets(v1_con: duckdb.DuckDBPyConnection) -> None:
    new = duckdb.connect()
    schema.create(new)
    assert version(v1_con) == "1"
    assert migrations.upgrade(v1_con) is True
    assert shape(v1_con) == shape(new)
    assert version(v1_con) == str(schema.SCHEMA_VERSION)
    assert migrations.upgrade(v1_con) is False


def test_a_failing_step_leaves_the_file_as_it_was(
    v1_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE half_done (x INTEGER)")
        con.execute("DELETE FROM events")
        raise RuntimeError("step failed")

    events = v1_con.execute("SELECT count(*) FROM events").fetchone()[0]
    monkeypatch.setitem(migrations.MIGRATIONS, 1, broken)
    with pytest.raises(RuntimeError):
        migrations.upgrade(v1_con)
    assert version(v1_con) == "1"
    assert "half_done" not in schema.table_names(v1_con)
    assert v1_con.execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_the_stored_version_of_new_old_and_current_files() -> None:
    con = duckdb.connect()
    assert migrations.stored_version(con) is None  # a new file: its schema is created, not migrated
    assert migrations.needs_upgrade(con) is False
    con.execute("CREATE TABLE events (id BIGINT)")
    assert migrations.stored_version(con) == 1  # tables from before the version was stored
    schema.create(con)
    assert migrations.stored_version(con) == schema.SCHEMA_VERSION


def test_a_file_from_a_newer_version_is_refused_with_both_versions_and_the_way_back() -> None:
    con = duckdb.connect()
    schema.create(con)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(schema.SCHEMA_VERSION + 1)])
    with pytest.raises(migrations.SchemaTooNew) as raised:
        migrations.upgrade(con)
    message = raised.value.message
    assert f"schemaversion {schema.SCHEMA_VERSION + 1}, den här versionen kan läsa till {schema.SCHEMA_VERSION}" in message
    assert "python -m trygghet restore" in message
    assert version(con) == str(schema.SCHEMA_VERSION + 1)


def test_an_unreadable_version_is_a_user_error_not_a_crash() -> None:
    con = duckdb.connect()
    schema.create(con)
    con.execute("UPDATE meta SET value = 'tre' WHERE key = 'schema_version'")
    with pytest.raises(migrations.SchemaError, match="'tre'"):
        migrations.needs_upgrade(con)
