"""Schema version 6: a version 5 file gets the tables of signed minutes and keeps its meetings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from trygghet.store import migrations, schema

NEW_TABLES = {"meeting_protocol", "meeting_notes", "decision_reports", "meeting_members", "meeting_minutes"}


def test_a_version_5_file_gets_the_minutes_tables_with_its_meetings_kept(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "v5.duckdb"))
    con.execute(migrations.V2_TABLES + migrations.V3_TABLES + migrations.V4_TABLES + migrations.V5_COLUMNS)
    con.execute("INSERT INTO data_version VALUES (3, now()::TIMESTAMP)")
    con.execute("INSERT INTO meta VALUES (?, '5')", [schema.META_SCHEMA_VERSION])
    con.execute("INSERT INTO meetings VALUES (1, DATE '2026-11-30', '2026-W48', 'Samverkansmöte v. 49', '[]', [], "
                "TIMESTAMP '2026-11-30 10:00', NULL)")
    assert not NEW_TABLES & schema.table_names(con)

    assert migrations.upgrade(con)

    assert schema.table_names(con) >= NEW_TABLES
    assert con.execute("SELECT id, held_on FROM meetings").fetchall() == [(1, dt.date(2026, 11, 30))]
    for table in NEW_TABLES:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    assert migrations.stored_version(con) == schema.SCHEMA_VERSION >= 6
    # The same columns as a new file, so that the minutes are written the same way to both.
    new = duckdb.connect()
    schema.create(new)
    columns = ("SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE table_name IN "
               "('meeting_protocol', 'meeting_notes', 'decision_reports', 'meeting_members', 'meeting_minutes') "
               "ORDER BY table_name, column_index")
    assert con.execute(columns).fetchall() == new.execute(columns).fetchall()
