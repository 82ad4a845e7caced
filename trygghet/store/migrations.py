"""The steps that bring a database file made by an older version to this version's schema.

The file's version is `meta.schema_version`. When a writable connection opens a file whose version
is older than schema.SCHEMA_VERSION, `upgrade` runs every step from that version on, in order, in
one transaction, and stores the new version; a failing step leaves the file as it was. A file at
this version is not written to at all. A file from a newer version of the app is refused with
SchemaTooNew before anything is written: this version cannot know what the newer one stored.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from trygghet.core.errors import UserError
from trygghet.store import event_counts, schema

RESTORE_HINT = "python -m trygghet restore"


class SchemaError(UserError):
    """The file's schema version cannot be used by this version of the app."""


class SchemaTooNew(SchemaError):
    def __init__(self, found: int, known: int = schema.SCHEMA_VERSION) -> None:
        super().__init__(
            f"Databasen är gjord av en nyare version av Lägesbild (schemaversion {found}, den här versionen "
            f"kan läsa till {known}). Ingenting i filen har ändrats. Uppdatera appen till den nyare versionen, "
            f"eller återställ en kopia av databasen som den här versionen kan läsa med '{RESTORE_HINT}'."
        )
        self.found = found
        self.known = known


def _to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 files made by older releases lack the tables those releases created only on the
    first write that needed them (the meeting tables, the audit log, the police type map, the
    district boundaries) and the daily counts."""
    had_counts = "event_counts" in schema.table_names(con)
    con.execute(schema.VERSION_2_DDL)
    if not had_counts:
        event_counts.rebuild(con)
    if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
        con.execute("INSERT INTO data_version VALUES (0, now()::TIMESTAMP)")


def _to_3(con: duckdb.DuckDBPyConnection) -> None:
    """The statutory lägesbild's tables: population, reference statistics, context indicators, survey
    results by group, the analyses and åtgärdsplaner per report, commitments, follow-ups, saved reports."""
    con.execute(schema.REPORT_DDL)


def _to_4(con: duckdb.DuckDBPyConnection) -> None:
    """Rapportering: the expected reporters, their "Inget att rapportera" weeks and the form's reports."""
    con.execute(schema.REPORTING_DDL)


def _to_5(con: duckdb.DuckDBPyConnection) -> None:
    """The districts' larger area (stadsdelsområde), empty until the Stadsdelar sheet gives it."""
    con.execute(schema.DISTRICT_AREA_DDL)


def _to_6(con: duckdb.DuckDBPyConnection) -> None:
    """Signed minutes: next meeting, absences, justering and its stored files, notes per agenda item,
    report-backs on decisions and the standing list of members."""
    con.execute(schema.MEETING_PROTOCOL_DDL)


# MIGRATIONS[n] takes a file from version n to n + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _to_2,
    2: _to_3,
    3: _to_4,
    4: _to_5,
    5: _to_6,
}


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; None for a new, empty file. Files with tables but no version
    come from before the version was stored, and count as version 1."""
    # Asked on every write: one table looked up by name costs a quarter of listing them all.
    has_meta = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = current_schema() AND table_name = 'meta'"
    ).fetchone()[0]
    if has_meta:
        row = con.execute("SELECT value FROM meta WHERE key = ?", [schema.META_SCHEMA_VERSION]).fetchone()
        if row is not None:
            try:
                return int(str(row[0]).strip())
            except ValueError:
                raise SchemaError(
                    f"Databasens schemaversion ('{row[0]}') går inte att läsa; filen kan vara skadad. "
                    f"Ingenting i filen har ändrats. Återställ en kopia med '{RESTORE_HINT}'."
                ) from None
    return 1 if schema.table_names(con) else None


def check(version: int | None) -> None:
    """Raises SchemaTooNew for a file this version of the app cannot read."""
    if version is not None and version > schema.SCHEMA_VERSION:
        raise SchemaTooNew(version)


def needs_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a file from an older version; raises SchemaTooNew for one from a newer version.
    Reads only, so a read-only connection can ask before a writable one is opened."""
    version = stored_version(con)
    check(version)
    return version is not None and version < schema.SCHEMA_VERSION


def migrate(con: duckdb.DuckDBPyConnection) -> bool:
    """Brings the file to this version inside the caller's transaction: a new file gets the whole
    schema, an older one every step from its version on. True when anything was done."""
    version = stored_version(con)
    check(version)
    if version is None:
        schema.create(con)
        return True
    if version == schema.SCHEMA_VERSION:
        return False
    for step in range(version, schema.SCHEMA_VERSION):
        MIGRATIONS[step](con)
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [schema.META_SCHEMA_VERSION, str(schema.SCHEMA_VERSION)])
    # The dashboards cache on the data version; an upgraded file must not be read from their caches.
    con.execute("UPDATE data_version SET version = version + 1, updated_at = now()::TIMESTAMP")
    return True


def upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """Runs the migrations of an older file in a transaction of their own, on a writable connection
    outside any transaction. A new, empty file is left to whoever creates its schema; a current one
    is not written to. True when the file was upgraded."""
    if not needs_upgrade(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        migrate(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True
