"""Schema version 5: a version 4 file gets the districts' area column and keeps its districts."""

from __future__ import annotations

from pathlib import Path

import duckdb

from trygghet.store import db, migrations, reference_lists, schema


def test_a_version_4_file_gets_the_area_column_with_every_district_kept(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "v4.duckdb"))
    con.execute(migrations.V2_TABLES + migrations.V3_TABLES + migrations.V4_TABLES)
    con.execute("INSERT INTO data_version VALUES (3, now()::TIMESTAMP)")
    con.execute("INSERT INTO meta VALUES (?, '4')", [schema.META_SCHEMA_VERSION])
    con.execute("INSERT INTO districts VALUES ('Norrby', 'Solvik', NULL, ['Torget'], '#0072B2', 0)")
    columns = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'districts'"
                                         ).fetchall()]
    assert "area" not in columns

    assert migrations.upgrade(con)

    assert con.execute("SELECT name, police_area, neighbourhoods, area FROM districts").fetchall() == [
        ("Norrby", "Solvik", ["Torget"], None)]
    assert reference_lists.district_areas(con) == {"Norrby": None}
    assert migrations.stored_version(con) == schema.SCHEMA_VERSION >= 5
    # The same column order as a new file, so that a district is written the same way to both.
    new = duckdb.connect()
    schema.create(new)
    order = "SELECT column_name FROM duckdb_columns() WHERE table_name = 'districts' ORDER BY column_index"
    assert con.execute(order).fetchall() == new.execute(order).fetchall()


def test_add_district_keeps_an_area_it_is_not_given_again() -> None:
    con = duckdb.connect()
    schema.create(con)
    assert db.add_district(con, "Norrby", area="Norra")
    assert not db.add_district(con, "Norrby", police_area="Solvik")
    assert db.add_district(con, "Hamnen")  # a new district
    assert reference_lists.district_areas(con) == {"Norrby": "Norra", "Hamnen": None}
