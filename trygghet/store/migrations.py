"""The steps that bring a database file made by an older version to this version's schema.

The file's version is `meta.schema_version`. When a writable connection opens a file whose version
is older than schema.SCHEMA_VERSION, `upgrade` runs every step from that version on, in order, in
one transaction, and stores the new version; a failing step leaves the file as it was. The caller
may copy the file first (trygghet.store.db does: the way back to the earlier release). A file at
this version is not written to at all. A file from a newer version of the app is refused with
SchemaTooNew before anything is written: this version cannot know what the newer one stored. A file
that is not a Lägesbild database at all is refused with NotLagesbildFile, also untouched.

Each step runs SQL frozen here as it was when its version was released, never the live table
definitions of trygghet.store.schema: a step must do the same thing forever, whatever later versions
change (tests/unit/store/test_migrations.py pins the texts by their SHA-256).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

import duckdb

from trygghet.core import config
from trygghet.core.errors import UserError
from trygghet.store import schema

RESTORE_HINT = "python -m trygghet restore"
# The tables every file made by Lägesbild has had, from the first release on.
VERSION_1_MARKERS = frozenset({"meta", "events"})


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


class NotLagesbildFile(SchemaError):
    """A DuckDB file with tables of its own and none of Lägesbild's: someone else's database."""

    def __init__(self, file_name: str) -> None:
        named = f"Filen {file_name}" if file_name else "Databasfilen"
        super().__init__(
            f"{named} är ingen databas för Lägesbild: den har tabeller, men inte Lägesbilds (meta och events). "
            f"Ingenting i filen har ändrats. Peka ut Lägesbilds databasfil med miljövariabeln {config.DB} "
            "eller med --db på kommandoraden; utan dem används data/trygghet.duckdb."
        )


class UpgradeCopyError(SchemaError):
    """The copy taken before an upgrade could not be written; the file is left as it was."""


# ---------------------------------------------------------------- the steps' frozen SQL
# Literal copies, made when each version was released. Never edit one: a table that changes gets a
# new version whose step says how; schema.py holds the tables as they are now.

# Version 2: every table the releases before it made, some of them only on the first write that
# needed them.
V2_TABLES = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS data_version (
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS districts (
    name VARCHAR PRIMARY KEY,
    police_area VARCHAR,
    municipality VARCHAR,
    neighbourhoods VARCHAR[],
    color VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS categories (
    name VARCHAR PRIMARY KEY,
    category_group VARCHAR,
    description VARCHAR,
    sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    name VARCHAR PRIMARY KEY
);

CREATE TABLE IF NOT EXISTS uploads (
    id BIGINT PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by VARCHAR,
    file_kind VARCHAR,
    sheets VARCHAR,
    rows BIGINT NOT NULL,
    imported BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    archive_path VARCHAR
);
CREATE TABLE IF NOT EXISTS rejected_rows (
    upload_id BIGINT NOT NULL,
    sheet VARCHAR NOT NULL,
    row_number INTEGER,
    column_name VARCHAR,
    reason VARCHAR NOT NULL,
    original_values VARCHAR
);

CREATE TABLE IF NOT EXISTS events (
    id BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    time_known BOOLEAN NOT NULL,
    district VARCHAR NOT NULL,
    place VARCHAR,
    category VARCHAR NOT NULL,
    description VARCHAR,
    source VARCHAR NOT NULL,
    external_id VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    upload_id BIGINT,
    dedup_key UHUGEINT NOT NULL
);

CREATE TABLE IF NOT EXISTS event_counts (
    day DATE NOT NULL,
    district VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    upload_id BIGINT,
    n INTEGER NOT NULL,
    n_located INTEGER NOT NULL,
    lat_sum DOUBLE NOT NULL,
    lon_sum DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS interventions (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    priority_area VARCHAR,
    district VARCHAR,
    owner VARCHAR,
    contact VARCHAR,
    status VARCHAR NOT NULL,
    start_date DATE,
    end_date DATE,
    comment VARCHAR,
    upload_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS intervention_history (
    intervention_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    upload_id BIGINT,
    changed_by VARCHAR,
    origin VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS priority_areas (
    name VARCHAR PRIMARY KEY,
    description VARCHAR,
    goal VARCHAR,
    valid_from DATE,
    valid_to DATE,
    indicator_categories VARCHAR[] NOT NULL,
    upload_id BIGINT,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS survey_results (
    period VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    respondents INTEGER,
    upload_id BIGINT,
    PRIMARY KEY (period, district, indicator)
);

CREATE TABLE IF NOT EXISTS police_type_map (
    police_type VARCHAR PRIMARY KEY,
    category VARCHAR,
    include BOOLEAN
);

CREATE TABLE IF NOT EXISTS district_geometries (
    district VARCHAR PRIMARY KEY,
    geojson VARCHAR NOT NULL,
    updated_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS meetings (
    id BIGINT PRIMARY KEY,
    held_on DATE NOT NULL,
    week VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    participants VARCHAR NOT NULL,
    districts VARCHAR[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS decisions (
    id BIGINT PRIMARY KEY,
    meeting_id BIGINT NOT NULL,
    text VARCHAR NOT NULL,
    organisation VARCHAR,
    responsible VARCHAR,
    deadline DATE,
    status VARCHAR NOT NULL,
    done_at TIMESTAMP,
    done_meeting_id BIGINT,
    intervention_id VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS focus_places (
    meeting_id BIGINT NOT NULL,
    district VARCHAR NOT NULL,
    place VARCHAR,
    reason VARCHAR
);
CREATE TABLE IF NOT EXISTS report_texts (
    key VARCHAR PRIMARY KEY,
    text VARCHAR,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT NOT NULL,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    role VARCHAR,
    action VARCHAR NOT NULL,
    target VARCHAR,
    details VARCHAR
);
"""

# Version 2 also fills the daily counts of a file that had none, with the query of that release.
V2_COUNTS = """
INSERT INTO event_counts (day, district, category, source, upload_id, n, n_located, lat_sum, lon_sum)
SELECT occurred_at::DATE AS day, district, category, source, upload_id,
       count(*)::INTEGER AS n,
       count(*) FILTER (WHERE lat BETWEEN 55.0 AND 69.5 AND lon BETWEEN 10.0 AND 25.0)::INTEGER AS n_located,
       coalesce(sum(lat) FILTER (WHERE lat BETWEEN 55.0 AND 69.5 AND lon BETWEEN 10.0 AND 25.0), 0) AS lat_sum,
       coalesce(sum(lon) FILTER (WHERE lat BETWEEN 55.0 AND 69.5 AND lon BETWEEN 10.0 AND 25.0), 0) AS lon_sum
FROM events
GROUP BY ALL
ORDER BY day, district, category
"""

# Version 3: the statutory lägesbild's tables.
V3_TABLES = """
CREATE TABLE IF NOT EXISTS population (
    district VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    population INTEGER NOT NULL,
    upload_id BIGINT,
    PRIMARY KEY (district, year)
);
CREATE TABLE IF NOT EXISTS reference_statistics (
    source VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    upload_id BIGINT,
    PRIMARY KEY (source, measure, area, year)
);
CREATE TABLE IF NOT EXISTS context_indicators (
    indicator VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR,
    source VARCHAR,
    upload_id BIGINT,
    PRIMARY KEY (indicator, district, year)
);
CREATE TABLE IF NOT EXISTS survey_groups (
    period VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    grouping VARCHAR NOT NULL,
    group_name VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    respondents INTEGER,
    upload_id BIGINT,
    PRIMARY KEY (period, district, indicator, grouping, group_name)
);
CREATE TABLE IF NOT EXISTS problem_analyses (
    period_key VARCHAR NOT NULL,
    districts_key VARCHAR NOT NULL,
    problem VARCHAR NOT NULL,
    priority_area VARCHAR,
    rationale VARCHAR,
    offenders VARCHAR,
    targets VARCHAR,
    places VARCHAR,
    risk_factors VARCHAR,
    protective_factors VARCHAR,
    consequences VARCHAR,
    resources VARCHAR,
    sort_order INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR,
    PRIMARY KEY (period_key, districts_key, problem)
);
CREATE TABLE IF NOT EXISTS action_plans (
    period_key VARCHAR NOT NULL,
    districts_key VARCHAR NOT NULL,
    period_end DATE NOT NULL,
    decided_by VARCHAR,
    decided_on DATE,
    diarienummer VARCHAR,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (period_key, districts_key)
);
CREATE TABLE IF NOT EXISTS action_measures (
    id BIGINT PRIMARY KEY,
    period_key VARCHAR NOT NULL,
    districts_key VARCHAR NOT NULL,
    problem VARCHAR NOT NULL,
    cause VARCHAR,
    measure VARCHAR NOT NULL,
    goal VARCHAR,
    owner VARCHAR,
    resources VARCHAR,
    intervention_id VARCHAR,
    sort_order INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS commitments (
    id BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR,
    parties VARCHAR,
    valid_from DATE,
    valid_to DATE,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS followups (
    item_kind VARCHAR NOT NULL,
    item_id BIGINT NOT NULL,
    period_key VARCHAR NOT NULL,
    districts_key VARCHAR NOT NULL,
    period_end DATE NOT NULL,
    status VARCHAR NOT NULL,
    note VARCHAR,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_kind, item_id, period_key, districts_key)
);
CREATE TABLE IF NOT EXISTS saved_reports (
    id BIGINT PRIMARY KEY,
    period_key VARCHAR NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    districts VARCHAR[] NOT NULL,
    format VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    upload_cutoff BIGINT
);
"""

# Version 4: Rapportering.
V4_TABLES = """
CREATE TABLE IF NOT EXISTS reporters (
    name VARCHAR PRIMARY KEY,
    report_interval VARCHAR NOT NULL,
    active BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL,
    upload_id BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS nothing_reports (
    reporter VARCHAR NOT NULL,
    week VARCHAR NOT NULL,
    day DATE NOT NULL,
    upload_id BIGINT,
    form_report_id BIGINT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR,
    PRIMARY KEY (reporter, week)
);
CREATE TABLE IF NOT EXISTS form_reports (
    id BIGINT PRIMARY KEY,
    reporter VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    time_known BOOLEAN NOT NULL,
    district VARCHAR,
    place VARCHAR,
    category VARCHAR,
    description VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    status VARCHAR NOT NULL,
    event_id BIGINT,
    submitted_by VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    reviewed_by VARCHAR,
    reviewed_at TIMESTAMP,
    review_note VARCHAR
);
"""

# Version 5: the districts' larger area.
V5_COLUMNS = """
ALTER TABLE districts ADD COLUMN IF NOT EXISTS area VARCHAR;
"""

# Version 6: signed minutes.
V6_TABLES = """
CREATE TABLE IF NOT EXISTS meeting_protocol (
    meeting_id BIGINT PRIMARY KEY,
    next_meeting DATE,
    absent VARCHAR,
    secretary VARCHAR,
    approver VARCHAR,
    approved_at TIMESTAMP,
    approved_by VARCHAR
);
CREATE TABLE IF NOT EXISTS meeting_notes (
    meeting_id BIGINT NOT NULL,
    item VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (meeting_id, item)
);
CREATE TABLE IF NOT EXISTS decision_reports (
    decision_id BIGINT NOT NULL,
    meeting_id BIGINT NOT NULL,
    text VARCHAR NOT NULL,
    reported_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (decision_id, meeting_id)
);
CREATE TABLE IF NOT EXISTS meeting_members (
    position INTEGER PRIMARY KEY,
    organisation VARCHAR NOT NULL,
    role VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS meeting_minutes (
    meeting_id BIGINT PRIMARY KEY,
    pdf BLOB NOT NULL,
    docx BLOB NOT NULL,
    sha256 VARCHAR NOT NULL,
    stored_at TIMESTAMP NOT NULL
);
"""

# Version 7: a registered report keeps its file, so that it can always be produced again exactly.
V7_COLUMNS = """
ALTER TABLE saved_reports ADD COLUMN IF NOT EXISTS document BLOB;
"""


def _to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 files made by older releases lack the tables those releases created only on the
    first write that needed them (the meeting tables, the audit log, the police type map, the
    district boundaries) and the daily counts."""
    had_counts = "event_counts" in schema.table_names(con)
    con.execute(V2_TABLES)
    if not had_counts:
        con.execute(V2_COUNTS)
    if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
        con.execute("INSERT INTO data_version VALUES (0, now()::TIMESTAMP)")


def _to_3(con: duckdb.DuckDBPyConnection) -> None:
    """The statutory lägesbild's tables: population, reference statistics, context indicators, survey
    results by group, the analyses and åtgärdsplaner per report, commitments, follow-ups, saved reports."""
    con.execute(V3_TABLES)


def _to_4(con: duckdb.DuckDBPyConnection) -> None:
    """Rapportering: the expected reporters, their "Inget att rapportera" weeks and the form's reports."""
    con.execute(V4_TABLES)


def _to_5(con: duckdb.DuckDBPyConnection) -> None:
    """The districts' larger area (stadsdelsområde), empty until the Stadsdelar sheet gives it."""
    con.execute(V5_COLUMNS)


def _to_6(con: duckdb.DuckDBPyConnection) -> None:
    """Signed minutes: next meeting, absences, justering and its stored files, notes per agenda item,
    report-backs on decisions and the standing list of members."""
    con.execute(V6_TABLES)


def _to_7(con: duckdb.DuckDBPyConnection) -> None:
    """A registered lägesbild report's file, stored with its hash (empty for those registered before)."""
    con.execute(V7_COLUMNS)


# MIGRATIONS[n] takes a file from version n to n + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _to_2,
    2: _to_3,
    3: _to_4,
    4: _to_5,
    5: _to_6,
    6: _to_7,
}

# Every frozen text a step runs, by name: what the test pins.
FROZEN_SQL: dict[str, str] = {
    "V2_TABLES": V2_TABLES,
    "V2_COUNTS": V2_COUNTS,
    "V3_TABLES": V3_TABLES,
    "V4_TABLES": V4_TABLES,
    "V5_COLUMNS": V5_COLUMNS,
    "V6_TABLES": V6_TABLES,
    "V7_COLUMNS": V7_COLUMNS,
}


def _file_name(con: duckdb.DuckDBPyConnection) -> str:
    """The open file's name, for a message; its folder is left out (a message may reach any user)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return PurePath(row[0]).name if row and row[0] else ""


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; None for a new, empty file. A file with Lägesbild's first tables
    (meta and events) but no version comes from before the version was stored, and counts as version
    1; a file with other tables only is refused with NotLagesbildFile."""
    # Asked on every write: one table looked up by name costs a quarter of listing them all.
    has_meta = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = current_schema() AND table_name = 'meta'"
    ).fetchone()[0]
    if has_meta:
        try:
            row = con.execute("SELECT value FROM meta WHERE key = ?", [schema.META_SCHEMA_VERSION]).fetchone()
        except duckdb.BinderException:  # a table called meta, but not Lägesbild's (key, value)
            raise NotLagesbildFile(_file_name(con)) from None
        if row is not None:
            try:
                return int(str(row[0]).strip())
            except ValueError:
                raise SchemaError(
                    f"Databasens schemaversion ('{row[0]}') går inte att läsa; filen kan vara skadad. "
                    f"Ingenting i filen har ändrats. Återställ en kopia med '{RESTORE_HINT}'."
                ) from None
    tables = schema.table_names(con)
    if not tables:
        return None
    if tables >= VERSION_1_MARKERS:
        return 1
    raise NotLagesbildFile(_file_name(con))


def check(version: int | None) -> None:
    """Raises SchemaTooNew for a file this version of the app cannot read."""
    if version is not None and version > schema.SCHEMA_VERSION:
        raise SchemaTooNew(version)


def needs_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """True for a file from an older version; raises SchemaTooNew for one from a newer version and
    NotLagesbildFile for someone else's. Reads only, so a read-only connection can ask before a
    writable one is opened."""
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


def upgrade(con: duckdb.DuckDBPyConnection, before: Callable[[int], None] | None = None) -> bool:
    """Runs the migrations of an older file in a transaction of their own, on a writable connection
    outside any transaction. `before` is called with the file's version first, only when steps will
    run (to copy the file); should it raise, nothing is written. A new, empty file is left to whoever
    creates its schema; a current one is not written to. True when the file was upgraded."""
    version = stored_version(con)
    check(version)
    if version is None or version >= schema.SCHEMA_VERSION:
        return False
    if before is not None:
        before(version)
    con.execute("BEGIN TRANSACTION")
    try:
        migrate(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True
