"""Small SQL builders shared by every query: placeholders for IN lists, never formatted values."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import duckdb


def in_list(values: Collection[object]) -> str:
    """"(?, ?, ?)" for `values`, to pair with the values as parameters.

    An empty collection gives "(NULL)", which matches nothing, so a filter on no values
    selects no rows instead of failing to parse."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join("?" for _ in values) + ")"


def rows(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """The query's rows.

    DuckDB looks an unknown table name up among the Python names of the function that calls execute;
    run from here, where no name is a table's, a missing table is always a CatalogException, also for
    a module whose functions are named after its tables (store.reference_lists)."""
    return con.execute(query, list(params)).fetchall()
