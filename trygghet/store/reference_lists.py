"""The reference lists as stored, each read by one named function in the order the app shows them.

Districts and categories keep the administrator's order (sort_order, then name); the others are
alphabetical. The lists a new database starts with are in trygghet.core.initial_lists."""

from __future__ import annotations

import duckdb

from trygghet.store.sql import rows


def _names(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    return [row[0] for row in rows(con, query)]


def districts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return _names(con, "SELECT name FROM districts ORDER BY sort_order, name")


def district_areas(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Each district's larger area (None where the Stadsdelar sheet gave none), in display order."""
    return dict(rows(con, "SELECT name, nullif(trim(area), '') FROM districts ORDER BY sort_order, name"))


def categories(con: duckdb.DuckDBPyConnection) -> list[str]:
    return _names(con, "SELECT name FROM categories ORDER BY sort_order, name")


def organisations(con: duckdb.DuckDBPyConnection) -> list[str]:
    return _names(con, "SELECT name FROM organisations ORDER BY name")


def priority_areas(con: duckdb.DuckDBPyConnection) -> list[str]:
    return _names(con, "SELECT name FROM priority_areas ORDER BY name")


def sources(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The sources that occur among the events (there is no list of them: any reporter may be one)."""
    return _names(con, "SELECT DISTINCT source FROM event_counts ORDER BY source")


def district_colors(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(rows(con, "SELECT name, color FROM districts ORDER BY sort_order, name"))
