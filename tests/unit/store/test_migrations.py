"""The migration steps: every version has one, they bring a version 1 file to exactly the schema a new
file gets, they run in one transaction, and a file from a newer version is refused."""

from __future__ import annotations

import gzip
import hashlib
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
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("CREATE TABLE events (id BIGINT)")
    assert migrations.stored_version(con) == 1  # Lägesbild's tables from before the version was stored
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


@pytest.mark.parametrize("tables", [("kunder",), ("kunder", "events"), ("meta",)])
def test_a_file_without_lagesbilds_first_tables_is_refused_not_migrated(tmp_path: Path, tables: tuple[str, ...]) -> None:
    con = duckdb.connect(str(tmp_path / "kunder.duckdb"))
    for table in tables:
        con.execute(f"CREATE TABLE {table} (id INTEGER)")
    with pytest.raises(migrations.NotLagesbildFile) as raised:
        migrations.upgrade(con)
    assert "kunder.duckdb är ingen databas för Lägesbild" in raised.value.message
    assert "TRYGGHET_DB" in raised.value.message
    assert schema.table_names(con) == set(tables)


# Each step's SQL as released. A step that changed would make files of one version differ by the
# release that upgraded them: a table that changes gets a new version and step instead.
FROZEN_SHA256 = {
    "V2_TABLES": "250cb1ea6de944e803177931c7a3f84e63c3b49469c24b3a96d1ed97ecaa96a0",
    "V2_COUNTS": "36efe90470cabcdceae1a47cfcccb7629a053fe791c6a97c5b0f4ce4a3972c67",
    "V3_TABLES": "62d2c4bd9708435775ef9211058ffde4b332f0e4964983befa63364105dc2000",
    "V4_TABLES": "a6b7878791589a1906cb3cbf87b3885ca6630a0fbf7f1d914f511aed310b2555",
    "V5_COLUMNS": "9b63687b4d3317f44398974f9e1ec04e4f5ec4b7a35e2a83fd11e645617a4a32",
    "V6_TABLES": "51acf2200487053e2498c1da54147e55be95cec62694a90f9f276494d51b1540",
    "V7_COLUMNS": "b766ff73cc171ae65eb163752a9f67a368387f131a5fbce60adb857ac67cc26f",
}


def test_every_steps_sql_is_the_text_it_was_released_with() -> None:
    found = {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in migrations.FROZEN_SQL.items()}
    assert found == FROZEN_SHA256


def test_the_steps_run_only_their_frozen_sql_never_the_live_schema(
    v1_con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were a later release to change a table, the steps from version 1 must still make what they made.
    for name in ("META_DDL", "EVENTS_DDL", "MEETING_DDL", "REPORT_DDL", "REPORTING_DDL", "DISTRICT_AREA_DDL",
                 "MEETING_PROTOCOL_DDL", "EVENT_COUNTS_DDL"):
        monkeypatch.setattr(schema, name, "CREATE TABLE changed_later (x INTEGER);")
    assert migrations.upgrade(v1_con) is True
    assert "changed_later" not in schema.table_names(v1_con)
    assert version(v1_con) == str(schema.SCHEMA_VERSION)


def test_before_is_called_with_the_old_version_only_when_steps_run(v1_con: duckdb.DuckDBPyConnection) -> None:
    calls: list[int] = []
    assert migrations.upgrade(v1_con, before=calls.append) is True
    assert calls == [1]
    assert migrations.upgrade(v1_con, before=calls.append) is False
    new = duckdb.connect()
    assert migrations.upgrade(new, before=calls.append) is False  # an empty file: created, not upgraded
    assert calls == [1]


def test_a_failing_before_leaves_the_file_as_it_was(v1_con: duckdb.DuckDBPyConnection) -> None:
    tables = schema.table_names(v1_con)

    def refuse(version: int) -> None:
        raise migrations.UpgradeCopyError("ingen kopia")

    with pytest.raises(migrations.UpgradeCopyError):
        migrations.upgrade(v1_con, before=refuse)
    assert version(v1_con) == "1"
    assert schema.table_names(v1_con) == tables
