"""Every table of the product, in one place, and the schema version they make.

A new file gets this schema whole (`create`). A file made by an older version is brought here by
`trygghet.store.migrations`, which runs when a writable connection opens it; nothing else creates
or alters tables. Changing a table means: change it here, raise SCHEMA_VERSION, and add the step
from the previous version to migrations.MIGRATIONS with its own literal SQL (a step never runs the
texts below, which keep changing).
"""

from __future__ import annotations

import duckdb

# Version 1: every file made before migrations existed (its tables depended on the release that
# made it). Version 2: every table below exists, with event_counts filled. Version 3: the statutory
# lägesbild's own tables (REPORT_DDL). Version 4: the expected reporters and their reports (REPORTING_DDL).
# Version 5: a district's larger area (DISTRICT_AREA_DDL). Version 6: what signed minutes need
# beyond the decisions (MEETING_PROTOCOL_DDL).
SCHEMA_VERSION = 7
META_SCHEMA_VERSION = "schema_version"

META_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS data_version (
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
"""

REFERENCE_LISTS_DDL = """
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
"""

UPLOADS_DDL = """
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
"""

EVENTS_DDL = """
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
"""

# Daily counts of the events; kept and read by trygghet.store.event_counts.
EVENT_COUNTS_DDL = """
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
"""

INTERVENTIONS_DDL = """
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
"""

SURVEY_DDL = """
CREATE TABLE IF NOT EXISTS survey_results (
    period VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    respondents INTEGER,
    upload_id BIGINT,
    PRIMARY KEY (period, district, indicator)
);
"""

# The administrator's mapping of the police feed's event types to the app's categories.
POLICE_TYPE_MAP_DDL = """
CREATE TABLE IF NOT EXISTS police_type_map (
    police_type VARCHAR PRIMARY KEY,
    category VARCHAR,
    include BOOLEAN
);
"""

# The districts' boundaries as GeoJSON: the map works without internet access.
DISTRICT_GEOMETRIES_DDL = """
CREATE TABLE IF NOT EXISTS district_geometries (
    district VARCHAR PRIMARY KEY,
    geojson VARCHAR NOT NULL,
    updated_at TIMESTAMP
);
"""

MEETING_DDL = """
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
"""

AUDIT_LOG_DDL = """
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

# The statutory lägesbild (lag 2023:196): the context data uploaded at set-up, the analysis and the
# åtgärdsplan kept per report (period key as in documents.report_period, districts as one sorted key),
# the follow-ups written in later periods, and every finished report with its document's hash.
REPORT_DDL = """
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
    upload_cutoff BIGINT,
    document BLOB
);
"""

# Rapportering: the organisations expected to report (the Rapportörer sheet), the weeks a reporter said
# "Inget att rapportera" (from Excel or the form), and every report made in the Rapportera form with its
# review (granskning). A form report that counts has its event in `events` (event_id).
REPORTING_DDL = """
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

# The larger area a district belongs to (stadsdelsområde, lokalpolisområde or kommundel), by which a
# city of a hundred districts is filtered and grouped. Added as a column, in new files too, so that the
# districts table has its columns in the same order however the file came to this version.
DISTRICT_AREA_DDL = """
ALTER TABLE districts ADD COLUMN IF NOT EXISTS area VARCHAR;
"""

# Minutes a secretary signs: per meeting the next meeting's date, who was absent from the standing
# list, who keeps and who approves (justerar) the minutes, and when they were approved, after which
# the meeting is locked and its minutes are the files stored in meeting_minutes; notes per agenda
# item (övriga frågor among them); the report-back on a decision at a later meeting; the standing
# list of members. People are recorded by organisation and role, never by name.
MEETING_PROTOCOL_DDL = """
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

# The whole schema as it is now, for a new file; the steps that bring an older file here run their own
# frozen copies of these texts (trygghet.store.migrations).
SCHEMA = (
    META_DDL + REFERENCE_LISTS_DDL + UPLOADS_DDL + EVENTS_DDL + EVENT_COUNTS_DDL + INTERVENTIONS_DDL
    + SURVEY_DDL + POLICE_TYPE_MAP_DDL + DISTRICT_GEOMETRIES_DDL + MEETING_DDL + AUDIT_LOG_DDL
    + REPORT_DDL + REPORTING_DDL + DISTRICT_AREA_DDL + MEETING_PROTOCOL_DDL
)


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the open database; duckdb_tables() costs half of information_schema."""
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}


def create(con: duckdb.DuckDBPyConnection) -> None:
    """The whole schema in a new file, marked with this version; the caller holds the transaction."""
    con.execute(SCHEMA)
    if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
        con.execute("INSERT INTO data_version VALUES (0, now()::TIMESTAMP)")
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_SCHEMA_VERSION, str(SCHEMA_VERSION)])
