"""A database file made by the release with schema version 1 opens in this version with nothing lost,
and a file from a newer version is refused, by the app and the command line, without being touched."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from trygghet.store import schema
from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
V1_FIXTURE = ROOT / "tests" / "fixtures" / "schema-v1.duckdb.gz"
NEWER = 999
NEWER_TEXT = (
    f"Databasen är gjord av en nyare version av Lägesbild (schemaversion {NEWER}, den här versionen "
    f"kan läsa till {schema.SCHEMA_VERSION})"
)
# The tables a version 1 file could lack: older releases created them on the first write that needed them.
LAZY_TABLES = ("audit_log", "meetings", "decisions", "focus_places", "report_texts", "police_type_map",
               "district_geometries", "event_counts")


@pytest.fixture
def v1_file(tmp_path: Path) -> Path:
    path = tmp_path / "trygghet.duckdb"
    with gzip.open(V1_FIXTURE, "rb") as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


# Columns later versions add to a table version 1 had: left out when its rows are compared.
ADDED_COLUMNS = {"districts": ("area",)}


def contents(path: Path, without_added: bool = False) -> dict[str, tuple[int, str]]:
    """Per table: its row count and a digest of its rows in a fixed order, computed by SQL; with
    `without_added`, of the columns version 1 had."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1").fetchall()]

        def rows(t: str) -> str:
            added = ADDED_COLUMNS.get(t, ()) if without_added else ()
            return f'(SELECT * EXCLUDE ({", ".join(added)}) FROM "{t}")' if added else f'"{t}"'

        return {
            t: con.execute(
                f"""SELECT count(*), coalesce(md5(string_agg(CAST(x AS VARCHAR), chr(10) ORDER BY CAST(x AS VARCHAR))), '')
                    FROM {rows(t)} AS x""").fetchone()
            for t in tables
        }
    finally:
        con.close()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_version(path: Path, version: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    finally:
        con.close()


def test_the_fixture_is_a_version_1_file_with_every_kind_of_row(v1_file: Path) -> None:
    before = contents(v1_file)
    assert query(v1_file, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    for table in ("events", "event_counts", "interventions", "intervention_history", "survey_results",
                  "meetings", "decisions", "focus_places", "report_texts", "district_geometries",
                  "police_type_map", "audit_log", "uploads"):
        assert before[table][0] > 0, table
    assert query(v1_file, "SELECT count(*) FROM events WHERE source = 'Polisen (öppna data)'") == [(1,)]


def test_a_version_1_file_is_upgraded_in_place_with_nothing_lost(v1_file: Path) -> None:
    before = contents(v1_file)
    values_sql = """SELECT
        (SELECT text FROM decisions WHERE id = 1),
        (SELECT title FROM meetings WHERE id = 1),
        (SELECT string_agg(title, '|' ORDER BY id) FROM interventions),
        (SELECT description FROM events WHERE source = 'Polisen (öppna data)'),
        (SELECT geojson FROM district_geometries),
        (SELECT sum(n) FROM event_counts),
        (SELECT value FROM meta WHERE key = 'kommun')"""
    values = query(v1_file, values_sql)
    meta_sql = "SELECT key, value FROM meta WHERE key <> 'schema_version' ORDER BY key"
    meta = query(v1_file, meta_sql)
    ((old_data_version,),) = query(v1_file, "SELECT version FROM data_version")

    db = Database(v1_file)
    assert db.upgrade() is True

    after = contents(v1_file, without_added=True)
    assert set(after) >= set(before)
    for table in sorted(set(after) - set(before)):  # the tables of later versions, still empty
        assert after[table][0] == 0, table
    for table in sorted(set(before) - {"meta", "data_version"}):
        assert after[table] == before[table], table
    assert query(v1_file, values_sql) == values
    assert query(v1_file, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(schema.SCHEMA_VERSION),)]
    assert query(v1_file, meta_sql) == meta
    # The dashboards cache on the data version: an upgraded file is read afresh.
    assert query(v1_file, "SELECT version FROM data_version") == [(old_data_version + 1,)]

    # Opened again, writable or not, the file is already current: nothing is written.
    upgraded = contents(v1_file)
    assert db.upgrade() is False
    with db.exclusive():
        pass
    assert contents(v1_file) == upgraded



def test_a_version_1_file_without_the_tables_older_releases_made_late_gets_them(v1_file: Path) -> None:
    con = duckdb.connect(str(v1_file))
    try:
        for table in LAZY_TABLES:
            con.execute(f"DROP TABLE {table}")
        expected = con.execute(
            "SELECT occurred_at::DATE, district, category, source, upload_id, count(*) FROM events GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    events = contents(v1_file)["events"]

    assert Database(v1_file).upgrade() is True

    after = contents(v1_file)
    assert set(LAZY_TABLES) <= set(after)
    assert after["events"] == events
    for table in set(LAZY_TABLES) - {"event_counts"}:
        assert after[table][0] == 0, table
    # The daily counts are built from the events, as the counts of an import would be.
    assert query(v1_file, """SELECT day, district, category, source, upload_id, sum(n) FROM event_counts
                             GROUP BY ALL ORDER BY ALL""") == expected


def test_the_app_opens_an_upgraded_version_1_file(v1_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(v1_file))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert not [e.value for e in at.error]
    assert query(v1_file, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(schema.SCHEMA_VERSION),)]


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trygghet", "--db", str(db), *args],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


@pytest.mark.parametrize("command", [("import", "{file}"), ("undo", "1"), ("purge-uploads",), ("templates", "{dir}")])
def test_the_command_line_refuses_a_file_from_a_newer_version(
    v1_file: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    set_version(v1_file, NEWER)
    before = sha256(v1_file)
    sample = tmp_path / "polisen.json"
    sample.write_text("[]", encoding="utf-8")
    args = [a.format(file=sample, dir=tmp_path / "mallar") for a in command]

    result = run_cli(*args, db=v1_file)

    assert result.returncode == 1
    assert NEWER_TEXT in result.stderr
    assert "python -m trygghet restore" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sha256(v1_file) == before
    assert not v1_file.with_name(v1_file.name + ".wal").exists()


def test_the_app_refuses_a_file_from_a_newer_version(v1_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_version(v1_file, NEWER)
    before = sha256(v1_file)
    monkeypatch.setenv("TRYGGHET_DB", str(v1_file))

    at = AppTest.from_file(APP, default_timeout=120).run()

    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and NEWER_TEXT in errors[0].replace("\\", "")
    assert [c.value for c in at.code] == ["python -m trygghet restore"]
    assert not at.metric  # no page was drawn from the file
    assert sha256(v1_file) == before


def test_a_write_to_a_file_from_a_newer_version_is_refused_before_anything_is_written(v1_file: Path) -> None:
    from trygghet.store.migrations import SchemaTooNew

    set_version(v1_file, NEWER)
    before = contents(v1_file)
    db = Database(v1_file)
    with pytest.raises(SchemaTooNew) as raised, db.write() as con:
        con.execute("DELETE FROM events")
    assert NEWER_TEXT in raised.value.message
    assert contents(v1_file) == before


# ---------------------------------------------------------------- the copy taken before an upgrade


def fixture_bytes() -> bytes:
    with gzip.open(V1_FIXTURE, "rb") as src:
        return src.read()


def copies(path: Path) -> list[Path]:
    folder = path.parent / "snapshots"
    return sorted(folder.glob("*.duckdb")) if folder.exists() else []


def test_an_upgrade_first_keeps_the_file_as_it_was_among_the_copies(v1_file: Path) -> None:
    from trygghet.store import snapshots

    assert copies(v1_file) == []
    assert Database(v1_file).upgrade() is True

    (copy,) = copies(v1_file)
    assert copy.name.endswith("-fore-uppgradering.duckdb")
    # The earlier release gets back exactly the file it left.
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(fixture_bytes()).hexdigest()
    assert query(copy, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert [(s.name, s.reason) for s in snapshots.list_snapshots(Database(v1_file))] == [
        (copy.name, "fore-uppgradering")]

    # A current file is copied by no upgrade: not by the next one, nor by a write.
    db = Database(v1_file)
    assert db.upgrade() is False
    with db.write() as con:
        con.execute("INSERT INTO organisations VALUES ('Fritid')")
    assert copies(v1_file) == [copy]


def test_the_first_write_to_an_old_file_copies_it_before_upgrading_it(v1_file: Path) -> None:
    before = contents(v1_file)
    with Database(v1_file).write() as con:
        con.execute("DELETE FROM events")

    (copy,) = copies(v1_file)
    assert contents(copy) == before
    assert query(v1_file, "SELECT count(*) FROM events") == [(0,)]


def test_an_upgrade_whose_copy_cannot_be_written_leaves_the_file_untouched(v1_file: Path) -> None:
    from trygghet.store.migrations import UpgradeCopyError

    (v1_file.parent / "snapshots").write_text("a file where the folder of copies should be", encoding="utf-8")
    before = sha256(v1_file)

    with pytest.raises(UpgradeCopyError) as raised:
        Database(v1_file).upgrade()

    assert "Ingenting i databasen har ändrats" in raised.value.message
    assert sha256(v1_file) == before
    assert query(v1_file, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]


# ---------------------------------------------------------------- someone else's DuckDB file

NOT_OURS_TEXT = "kunder.duckdb är ingen databas för Lägesbild"


@pytest.fixture
def foreign_file(tmp_path: Path) -> Path:
    """A DuckDB file of another application: one table of its own, none of Lägesbild's."""
    path = tmp_path / "kunder.duckdb"
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE kunder (id INTEGER, namn VARCHAR)")
        con.execute("INSERT INTO kunder VALUES (1, 'Solviks bageri')")
    finally:
        con.close()
    return path


@pytest.mark.parametrize("command", [("import", "{file}"), ("templates", "{dir}"), ("coverage",)])
def test_the_command_line_refuses_a_file_that_is_not_lagesbilds(
    foreign_file: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    before = sha256(foreign_file)
    sample = tmp_path / "polisen.json"
    sample.write_text("[]", encoding="utf-8")
    args = [a.format(file=sample, dir=tmp_path / "mallar") for a in command]

    result = run_cli(*args, db=foreign_file)

    assert result.returncode == 1
    assert NOT_OURS_TEXT in result.stderr
    assert "TRYGGHET_DB" in result.stderr and "--db" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sha256(foreign_file) == before
    assert query(foreign_file, "SELECT table_name FROM duckdb_tables()") == [("kunder",)]
    assert copies(foreign_file) == []


def test_the_app_refuses_a_file_that_is_not_lagesbilds(foreign_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha256(foreign_file)
    monkeypatch.setenv("TRYGGHET_DB", str(foreign_file))

    at = AppTest.from_file(APP, default_timeout=120).run()

    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and NOT_OURS_TEXT in errors[0]
    assert "TRYGGHET_DB" in errors[0]
    assert not at.code  # no copy to restore: the way out is the right file
    assert not at.metric
    assert sha256(foreign_file) == before


def test_a_write_to_a_file_that_is_not_lagesbilds_is_refused_untouched(foreign_file: Path) -> None:
    from trygghet.store.migrations import NotLagesbildFile

    before = sha256(foreign_file)
    with pytest.raises(NotLagesbildFile), Database(foreign_file).write() as con:
        con.execute("DROP TABLE kunder")
    assert sha256(foreign_file) == before
    assert not foreign_file.with_name(foreign_file.name + ".wal").exists()
