"""The schema's one home: a new file gets every table of it, and no other module creates tables."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from trygghet.store import schema

PACKAGE = Path(__file__).resolve().parents[3] / "trygghet"
CREATE_TABLE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


def test_a_new_file_gets_every_table_of_the_schema_and_the_current_version() -> None:
    con = duckdb.connect()
    schema.create(con)
    assert schema.table_names(con) == set(CREATE_TABLE.findall(schema.SCHEMA))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [
        (str(schema.SCHEMA_VERSION),)
    ]
    assert con.execute("SELECT version FROM data_version").fetchall() == [(0,)]


def test_create_on_a_file_that_has_the_schema_changes_nothing() -> None:
    con = duckdb.connect()
    schema.create(con)
    con.execute("INSERT INTO organisations VALUES ('Polisen')")
    schema.create(con)
    assert con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 1
    assert con.execute("SELECT name FROM organisations").fetchall() == [("Polisen",)]


def test_no_module_but_the_schema_and_its_migrations_creates_a_table() -> None:
    allowed = {PACKAGE / "store" / "schema.py", PACKAGE / "store" / "migrations.py"}
    found = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in sorted(PACKAGE.rglob("*.py")) if path not in allowed
        for name in CREATE_TABLE.findall(path.read_text(encoding="utf-8"))
    ]
    assert found == []
