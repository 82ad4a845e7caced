"""Finished lägesbild reports, registered with their document's SHA-256 and the file itself: the
register the diarium refers to. A report is made from its period's data alone and carries the
period's end as its date, so making it again from the same data gives the same bytes, and the hash
shows whether it did. Data uploaded later for the period (a corrected row, the year's population)
does change a report made again; the registered file is therefore kept, so the document the
diarium refers to can always be produced exactly, and a report made again names what differs."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import io
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.core import clock
from trygghet.core.errors import UserError
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


@dataclass(frozen=True)
class Recheck:
    """A registered report made again from today's data."""

    same: bool
    uploads_since: int
    changed: list[str]  # lines of text that differ: '− old' and '+ new', at most MAX_CHANGED
    stored: bool  # False: registered before the files were kept, so only the hash can be compared


MAX_CHANGED = 12


class UnfinishedPeriod(UserError):
    """A report on a period that has not ended is a draft and is not registered."""


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


def require_finished(period: ReportPeriod, today: dt.date) -> None:
    """UnfinishedPeriod unless the period ended before `today`."""
    if period.last_day >= today:
        raise UnfinishedPeriod(
            f"{period.label} är inte avslutad förrän {period.last_day.isoformat()}. Ett utkast kan laddas ner "
            "men inte registreras; registrera rapporten när perioden är slut.")


def register(db: Database, period: ReportPeriod, districts: tuple[str, ...], fmt: str, data: bytes, file_name: str,
             now: dt.datetime | None = None, *, actor: Actor) -> Saved:
    """Records a finished report. The same document (same period, districts, format and hash) is
    registered once; asking again gives the earlier entry."""
    access.require(actor, access.RUN_MEETINGS, "registrera rapporten")
    require_finished(period, (now or clock.now()).date())
    digest = sha256(data)
    with db.write() as con:
        same = con.execute(
            """SELECT id FROM saved_reports WHERE period_key = ? AND districts = ? AND format = ? AND sha256 = ?""",
            [period.key, sorted(districts), fmt, digest]).fetchone()
        if same is not None:
            return Saved(int(same[0]), digest, False)
        new_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM saved_reports").fetchone()[0])
        con.execute(f"INSERT INTO saved_reports ({', '.join(COLUMNS)}, document) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            new_id, period.key, period.window.start, period.last_day, sorted(districts), fmt, file_name, digest,
            len(data), (now or clock.now()).replace(microsecond=0), actor.name, report_queries.upload_cutoff(con),
            data])
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


def stored_document(con: duckdb.DuckDBPyConnection, report_id: int) -> bytes | None:
    """The registered file exactly as it was registered; None for one registered before files were kept."""
    row = con.execute("SELECT document FROM saved_reports WHERE id = ?", [report_id]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def document_lines(data: bytes, fmt: str) -> list[str]:
    """A report file's text line by line, to name what differs between two versions."""
    if fmt == "docx":
        import docx  # only when a report is checked

        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            lines.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    else:
        from pypdf import PdfReader

        lines = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).splitlines()
    return [line.replace("\xa0", " ").strip() for line in lines if line.strip()]


def changed_lines(old: bytes, new: bytes, fmt: str, limit: int = MAX_CHANGED) -> list[str]:
    """The lines of text that differ between two files of a report ('− ' removed, '+ ' added)."""
    diff = difflib.unified_diff(document_lines(old, fmt), document_lines(new, fmt), lineterm="", n=0)
    lines = [f"{'−' if d[0] == '-' else '+'} {d[1:]}" for d in diff
             if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    return lines[:limit] + ([f"… och {len(lines) - limit} rader till."] if len(lines) > limit else [])


def recheck(db: Database, report_id: int, progress: ProgressCallback | None = None) -> Recheck:
    """Makes a registered report again from today's data and compares it with the registered file."""
    with db.read() as con:
        row = con.execute(f"SELECT {', '.join(COLUMNS)} FROM saved_reports WHERE id = ?", [report_id]).fetchone()
        if row is None:
            raise UserError(f"Rapport nr {report_id} finns inte i registret.")
        entry = dict(zip(COLUMNS, row, strict=True))
        old = stored_document(con, report_id)
        later = uploads_since(con, entry["upload_cutoff"])
    fmt = str(entry["format"])
    data = make(db, ReportPeriod.parse(str(entry["period_key"])), tuple(entry["districts"]), fmt,
                progress=progress)
    same = sha256(data) == entry["sha256"]
    changed = [] if same or old is None else changed_lines(old, data, fmt)
    return Recheck(same, later, changed, old is not None)


def uploads_text(count: int) -> str:
    """'1 uppladdning har gjorts', '3 uppladdningar har gjorts', 'Ingen uppladdning har gjorts'."""
    if count == 0:
        return "Ingen uppladdning har gjorts"
    return f"{count} uppladdning{'' if count == 1 else 'ar'} har gjorts"
