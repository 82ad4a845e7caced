"""Daily event counts: the table every count-only query reads instead of the events themselves.

`event_counts` holds, per day, stadsdel, category, source and upload, how many events there are
(and how many with coordinates, with the sums of those coordinates for the map's district centres).
Its size depends on the days and combinations that occur, not on the number of events, so the
dashboards stay fast at ten million events. It is written in the same transaction as the events
it counts: an import adds its upload's rows, an undo deletes them, the demo builds it whole, and
the migration from schema version 1 builds it for a file made before it existed.
Queries that need single events (top places, the weekday × hour map, the map's points) still
read `events`.
"""

from __future__ import annotations

import duckdb

from trygghet.core.sweden import in_sweden_sql
from trygghet.store.schema import table_names

IN_SWEDEN_SQL = in_sweden_sql()
_AGGREGATE = f"""
    SELECT occurred_at::DATE AS day, district, category, source, upload_id,
           count(*)::INTEGER AS n,
           count(*) FILTER (WHERE {IN_SWEDEN_SQL})::INTEGER AS n_located,
           coalesce(sum(lat) FILTER (WHERE {IN_SWEDEN_SQL}), 0) AS lat_sum,
           coalesce(sum(lon) FILTER (WHERE {IN_SWEDEN_SQL}), 0) AS lon_sum
    FROM events
"""


def has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return "event_counts" in table_names(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Counts every event again; sorted by day, so a date range reads only its own blocks."""
    con.execute("DELETE FROM event_counts")
    con.execute(f"INSERT INTO event_counts {_AGGREGATE} GROUP BY ALL ORDER BY day, district, category")


def add_upload(con: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """Counts the events one upload has just added."""
    con.execute(
        f"INSERT INTO event_counts {_AGGREGATE} WHERE upload_id = ? GROUP BY ALL ORDER BY day, district, category",
        [upload_id],
    )


def add_event(con: duckdb.DuckDBPyConnection, event_id: int) -> None:
    """Counts one event added outside an upload (a report from the Rapportera form)."""
    con.execute(f"INSERT INTO event_counts {_AGGREGATE} WHERE id = ? GROUP BY ALL", [event_id]).fetchall()


def remove_upload(con: duckdb.DuckDBPyConnection, upload_id: int) -> None:
    """Forgets the counts of an upload whose events are being removed."""
    con.execute("DELETE FROM event_counts WHERE upload_id = ?", [upload_id])

