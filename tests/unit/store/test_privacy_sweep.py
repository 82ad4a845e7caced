"""The sweep over stored data finds the same values as scrubbing every stored text one by one."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from trygghet.core import privacy
from trygghet.store import privacy_sweep
from trygghet.store.db import Database, init_database

PERSONNUMMER = "811218-9876"
PHONE = "070-123 45 67"


def _expected(con: object) -> Counter[str]:
    """Every text of every table scrubbed in Python, the account columns left as they are."""
    found: Counter[str] = Counter()
    columns = con.execute(  # type: ignore[attr-defined]
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND "
        "data_type IN ('VARCHAR', 'VARCHAR[]') AND table_name IN (SELECT table_name FROM duckdb_tables())"
    ).fetchall()
    for table, column in columns:
        if (table, column) in privacy_sweep.ACCOUNT_COLUMNS:
            continue
        for (value,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall():  # type: ignore[attr-defined]
            privacy.scrub_value(value, found)
    return found


def test_the_sweep_finds_what_scrubbing_every_text_finds(tmp_path: Path) -> None:
    db = Database(tmp_path / "svep.duckdb")
    init_database(db)
    with db.write() as con:
        con.execute("INSERT INTO districts (name, neighbourhoods, color, sort_order) VALUES (?, ?, '#000000', 1)",
                    [f"Norrby {PERSONNUMMER}", [f"ring {PHONE}", "Torget"]])
        con.execute("INSERT INTO uploads VALUES (1, ?, 'x', 1, ?, NULL, 'xlsx', ?, 0, 0, 0, 0, 0, 'imported', NULL)",
                    ["rapport.xlsx", dt.datetime(2026, 11, 29), json.dumps([f"a@b.se {PHONE}"])])
        expected = _expected(con)
        found = privacy_sweep.sweep(con)
        assert found == expected and found == Counter({"personnummer": 1, "telefonnummer": 2, "e-post": 1})
        assert _expected(con) == Counter()  # nothing left to find
        assert con.execute("SELECT name, neighbourhoods FROM districts WHERE name LIKE 'Norrby%'").fetchall() == [
            ("Norrby [personnummer borttaget]", ["ring [telefonnummer borttaget]", "Torget"])]
        assert privacy_sweep.sweep(con) == Counter()

