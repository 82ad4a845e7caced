"""The audit log: every write, who made it, when, and what it changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from trygghet.core import clock, privacy
from trygghet.store.access import Actor
from trygghet.store.schema import table_names

if TYPE_CHECKING:
    import pandas as pd


def record(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    target: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """One row in the same transaction as the write it describes, so both land or neither.

    The target and the details can quote user text (a file name, a removed decision): they pass
    the personal-data guard like everything else stored."""
    next_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()[0]
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
        [next_id, clock.now().replace(microsecond=0), actor.name, actor.role, action,
         privacy.scrub(target)[0] if target is not None else None,
         privacy.scrub_json(details) if details is not None else None],
    )


def entries(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    import pandas as pd  # the Administration page's table; every write records, none needs a frame

    if "audit_log" not in table_names(con):
        return pd.DataFrame(columns=["Nr", "Tid", "Vem", "Roll", "Händelse", "Gäller", "Detaljer"])
    return con.execute(
        """SELECT id AS "Nr", logged_at AS "Tid", actor AS "Vem", role AS "Roll", action AS "Händelse",
                  target AS "Gäller", details AS "Detaljer"
           FROM audit_log ORDER BY id DESC LIMIT ?""",
        [limit],
    ).df()
