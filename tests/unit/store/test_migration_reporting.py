"""Schema version 4: a version 3 file gets the reporting tables and keeps what it had."""

from __future__ import annotations

from pathlib import Path

import duckdb

from trygghet.store import migrations, schema


def test_a_version_3_file_gets_the_reporting_tables_and_keeps_its_rows(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "v3.duckdb"))
    con.execute(migrations.V2_TABLES + migrations.V3_TABLES)
    con.execute("INSERT INTO data_version VALUES (5, now()::TIMESTAMP)")
    con.execute("INSERT INTO meta VALUES (?, '3')", [schema.META_SCHEMA_VERSION])
    con.execute("INSERT INTO organisations VALUES ('Väktarbolaget')")
    assert "reporters" not in schema.table_names(con)

    assert migrations.upgrade(con)

    assert {"reporters", "nothing_reports", "form_reports"} <= schema.table_names(con)
    assert con.execute("SELECT name FROM organisations").fetchall() == [("Väktarbolaget",)]
    assert migrations.stored_version(con) == schema.SCHEMA_VERSION
    assert not migrations.upgrade(con)  # current now: nothing more to do
