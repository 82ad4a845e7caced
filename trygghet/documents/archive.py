"""Finished lägesbild reports, registered with their document's SHA-256: the register the diarium
refers to. A report is made from its period's data alone and carries the period's end as its date,
so making it again from the same data gives the same bytes, and the hash shows whether it did."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.core import clock
from trygghet.core.progress import ProgressCallback, reporter
from trygghet.documents import output, report_queries
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import table_names

FORMATS = ("pdf", "docx")
COLUMNS = ["id", "period_key", "first_day", "last_day", "districts", "format", "file_name", "sha256", "size_bytes",
           "created_at", "actor", "upload_cutoff"]


@dataclass(frozen=True)
class Saved:
    id: int
    sha256: str
    new: bool  # False: the same document was registered before, as this id


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make(db: Database, period: ReportPeriod, districts: tuple[str, ...], fmt: str,
         today: dt.date | None = None, progress: ProgressCallback | None = None) -> bytes:
    """The report's file, on a connection of its own. `progress` hears its steps: the period's data,
    the charts and the file."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    steps = reporter(progress)
    steps.stage(f"Läser data för {period.name}", unit="")
    with db.read() as con:
        doc = build_report(con, period, districts, today=today)
    return output.render(doc, fmt, steps)


def register(db: Database, period: ReportPeriod, districts: tuple[str, ...], fmt: str, data: bytes, file_name: str,
             now: dt.datetime | None = None, *, actor: Actor) -> Saved:
    """Records a finished report. The same document (same period, districts, format and hash) is
    registered once; asking again gives the earlier entry."""
    access.require(actor, access.RUN_MEETINGS, "registrera rapporten")
    digest = sha256(data)
    with db.write() as con:
        same = con.execute(
            """SELECT id FROM saved_reports WHERE period_key = ? AND districts = ? AND format = ? AND sha256 = ?""",
            [period.key, sorted(districts), fmt, digest]).fetchone()
        if same is not None:
            return Saved(int(same[0]), digest, False)
        new_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM saved_reports").fetchone()[0])
        con.execute("INSERT INTO saved_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            new_id, period.key, period.window.start, period.last_day, sorted(districts), fmt, file_name, digest,
            len(data), (now or clock.now()).replace(microsecond=0), actor.name, report_queries.upload_cutoff(con)])
        audit.record(con, actor, "rapport registrerad", f"rapport {new_id}",
                     {"period": period.key, "sha256": digest, "format": fmt})
    return Saved(new_id, digest, True)


def saved_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every registered report, the latest first."""
    if "saved_reports" not in table_names(con):
        return pd.DataFrame(columns=COLUMNS)
    return con.execute(f"SELECT {', '.join(COLUMNS)} FROM saved_reports ORDER BY created_at DESC, id DESC").df()


def period_of(row: pd.Series) -> ReportPeriod:
    return ReportPeriod.parse(str(row["period_key"]))


def uploads_since(con: duckdb.DuckDBPyConnection, cutoff: object) -> int:
    """How many uploads came after a report was registered: with none, making it again must give the
    same bytes; with some, a changed hash is explained by new data for the period."""
    if cutoff is None or pd.isna(cutoff):  # type: ignore[arg-type]
        return int(con.execute("SELECT count(*) FROM uploads").fetchone()[0])
    return int(con.execute("SELECT count(*) FROM uploads WHERE id > ?", [int(cutoff)]).fetchone()[0])  # type: ignore[arg-type]
