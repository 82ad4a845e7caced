"""The personal-data guard run over what is already stored: every text column of every table.

For data stored before the guard caught what it catches now: old databases and their snapshots."""

from __future__ import annotations

from collections import Counter

import duckdb

from trygghet.core import privacy
from trygghet.store.db import DEDUP_KEY_SQL

# Raised when what the guard finds changes; a database swept with an older guard is swept again.
GUARD_VERSION = "2"
META_GUARD = "privacy_guard"
# Columns that name the account that acted, stored as the audit log stores its actor: with OpenID
# Connect that is an e-mail address, and who reported or approved must not become "[e-post borttagen]".
ACCOUNT_COLUMNS = frozenset({("form_reports", "submitted_by"), ("form_reports", "reviewed_by"),
                             ("nothing_reports", "recorded_by")})

# The SQL side of suspects(): rows worth a look, decided by DuckDB (RE2) in one scan.
_SQL_SUSPECT = (
    "(length(regexp_replace(COL, '\\P{Nd}', '', 'g')) >= 8 OR regexp_matches(COL, '" + privacy.EMAIL_HINT_RE2 + "'))"
)


def sweep(con: duckdb.DuckDBPyConnection) -> Counter[str]:
    """Scrubs every text column of every table in place (the tables read from the catalogue, so a
    table added later is covered too); returns what was removed. Run inside the caller's transaction.

    For data stored before the guard caught what it catches now: old databases and their snapshots.
    An events row whose text changed gets its de-duplication key again, as the importer computes it
    from the masked values."""
    found: Counter[str] = Counter()
    columns = con.execute(
        """SELECT table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]')
             AND table_name IN (SELECT table_name FROM information_schema.tables
                                WHERE table_schema = 'main' AND table_type = 'BASE TABLE')
           ORDER BY table_name, ordinal_position"""
    ).fetchall()
    changed_events: set[int] = set()
    for table, column, data_type in _columns_with_suspects(con, columns):
        quoted = f'"{table}"."{column}"'
        rows = con.execute(
            f'SELECT rowid, {quoted} FROM "{table}" WHERE {_suspect_condition(quoted, data_type)}'
        ).fetchall()
        for rowid, value in rows:
            counts: Counter[str] = Counter()
            cleaned = privacy.scrub_value(value, counts)
            if not counts:
                continue
            con.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', [cleaned, rowid])
            found.update(counts)
            if table == "events":
                changed_events.add(int(rowid))
    if changed_events:
        con.execute(f"UPDATE events SET dedup_key = {DEDUP_KEY_SQL} WHERE rowid IN (SELECT unnest(?))",
                    [sorted(changed_events)])
    return found


def _suspect_condition(quoted: str, data_type: str) -> str:
    text = f"array_to_string({quoted}, ' ')" if data_type.endswith("[]") else quoted
    return _SQL_SUSPECT.replace("COL", text)


def _columns_with_suspects(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """The text columns with at least one row worth a look, asked of all columns in one query: a
    query per column costs DuckDB's planning each time, which on a clean database is all the cost."""
    tables = sorted({table for table, _, _ in columns})
    # The regular expressions are compiled once per column asked: the empty tables are left out first.
    filled = {row[0] for row in con.execute(" UNION ALL ".join(
        f'(SELECT {i} AS t FROM "{table}" LIMIT 1)' for i, table in enumerate(tables))).fetchall()} if tables else set()
    columns = [c for c in columns if (c[0], c[1]) not in ACCOUNT_COLUMNS and tables.index(c[0]) in filled]
    if not columns:
        return []
    probes = []
    for i, (table, column, data_type) in enumerate(columns):
        quoted = f'"{table}"."{column}"'
        probes.append(f'(SELECT {i} AS col FROM "{table}" WHERE {_suspect_condition(quoted, data_type)} LIMIT 1)')
    found = {row[0] for row in con.execute(" UNION ALL ".join(probes)).fetchall()}
    return [c for i, c in enumerate(columns) if i in found]
