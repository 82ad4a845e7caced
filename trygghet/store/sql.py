"""Small SQL helpers shared by every query: placeholders for IN lists (trygghet.core.sql_text), never
formatted values, and rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from trygghet.core.sql_text import in_list

__all__ = ["in_list", "rows"]


def rows(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """The query's rows.

    DuckDB looks an unknown table name up among the Python names of the function that calls execute;
    run from here, where no name is a table's, a missing table is always a CatalogException, also for
    a module whose functions are named after its tables (store.reference_lists)."""
    return con.execute(query, list(params)).fetchall()
