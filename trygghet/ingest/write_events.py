"""Writing a Händelser sheet's valid rows: staged in chunks of rows, then inserted at once without
the rows an earlier upload (or an earlier row of the same file) already brought in."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from trygghet.core import arrow
from trygghet.core.progress import Reporter
from trygghet.ingest import reporters
from trygghet.ingest.validate import ParsedSheet
from trygghet.store import db as dbmod

if TYPE_CHECKING:
    import pyarrow as pa

# Events are staged in chunks of rows, so the rows are never all in Arrow's or DuckDB's memory twice.
WRITE_CHUNK_ROWS = 131_072
WRITE_MEMORY_MB = 256
_STAGED_COLUMNS = {
    "rownum": "BIGINT",
    "occurred_at": "TIMESTAMP",
    "time_known": "BOOLEAN",
    "district": "VARCHAR",
    "place": "VARCHAR",
    "category": "VARCHAR",
    "description": "VARCHAR",
    "source": "VARCHAR",
    "external_id": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
}


def _staged_chunk(columns: dict[str, object], start: int, stop: int) -> pa.Table:
    # Loaded here, after the file is read: the workbook reader's peak comes before it.
    pa = arrow.load()

    types = {"BIGINT": pa.int64(), "TIMESTAMP": pa.timestamp("s"), "BOOLEAN": pa.bool_(), "VARCHAR": pa.string(),
             "DOUBLE": pa.float64()}
    arrays = {}
    for name, sql in _STAGED_COLUMNS.items():
        values = columns[name][start:stop]  # type: ignore[index]
        kind = types[sql]
        if sql == "DOUBLE":
            numbers = np.asarray(values, dtype="float64")
            arrays[name] = pa.array(numbers, type=kind, mask=np.isnan(numbers))  # NaN: no coordinate
        elif isinstance(values, pa.Array | pa.ChunkedArray):
            arrays[name] = values.cast(kind)
        else:
            arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays)


def write_events(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None,
    progress: Reporter | None = None, offset: int = 0,
) -> tuple[int, int, int]:
    # "Inget att rapportera" rows count as what the file brought in, never as events.
    nothing = reporters.write_nothing(con, sheet.nothing, upload_id, now, user)
    columns = sheet.columns or {}
    total = len(columns.get("rownum", []))
    if total == 0:
        return nothing, 0, len(sheet.nothing) - nothing
    # DuckDB would otherwise keep the staged rows and the de-duplication's hash tables in memory,
    # up to most of the machine's; above this it spills them to its temporary folder instead.
    con.execute(f"SET memory_limit = '{WRITE_MEMORY_MB}MB'")
    definition = ", ".join(f"{name} {sql}" for name, sql in _STAGED_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged_events ({definition})")
    try:
        for start in range(0, total, WRITE_CHUNK_ROWS):
            chunk = _staged_chunk(columns, start, start + WRITE_CHUNK_ROWS)
            con.register("staged_chunk", chunk)
            try:
                con.execute("INSERT INTO staged_events SELECT * FROM staged_chunk")
            finally:
                con.unregister("staged_chunk")
            del chunk
            if progress is not None:
                progress.update(offset + min(total, start + WRITE_CHUNK_ROWS))
        base = dbmod.next_id(con, "events") - 1
        inserted = con.execute(
            f"""
            INSERT INTO events
            SELECT ? + row_number() OVER (ORDER BY rownum), occurred_at, time_known, district, place, category,
                   description, source, external_id, lat, lon, ?, dedup_key
            FROM (
                -- A row repeated within the file counts once, as its first: the first row of each key
                -- found by grouping, which costs half of numbering every key's rows in order.
                WITH keyed AS MATERIALIZED (SELECT s.*, {dbmod.DEDUP_KEY_SQL} AS dedup_key FROM staged_events s)
                SELECT * FROM keyed WHERE rownum IN (SELECT min(rownum) FROM keyed GROUP BY dedup_key)
            ) n
            WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.dedup_key = n.dedup_key)
            """,
            [base, upload_id],
        ).fetchone()[0]
    finally:
        con.execute("DROP TABLE IF EXISTS staged_events")
    return int(inserted) + nothing, 0, total - int(inserted) + len(sheet.nothing) - nothing
