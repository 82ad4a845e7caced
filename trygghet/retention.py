"""How long the original upload files are kept, and the purge that enforces it."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from . import access, audit, clock
from .access import Actor
from .db import Database

DEFAULT_DAYS = 90


def retention_days() -> int:
    try:
        return max(1, int(os.environ.get("TRYGGHET_ARCHIVE_DAYS", DEFAULT_DAYS)))
    except ValueError:
        return DEFAULT_DAYS


@dataclass
class PurgeReport:
    files_removed: int
    bytes_freed: int
    days: int


def purge_archive(db: Database, actor: Actor, days: int | None = None, now: dt.datetime | None = None) -> PurgeReport:
    """Removes archived original files older than `days` (default TRYGGHET_ARCHIVE_DAYS or 90).

    The imported rows and the upload history stay; only the copies of the files go, and the
    history then shows that the file is no longer kept.
    """
    access.require(actor, access.SETTINGS, "rensa arkiverade filer")
    days = days or retention_days()
    cutoff = (now or clock.now()) - dt.timedelta(days=days)
    removed, freed = 0, 0
    with db.write() as con:
        rows = con.execute(
            "SELECT id, archive_path FROM uploads WHERE archive_path IS NOT NULL AND uploaded_at < ?", [cutoff]
        ).fetchall()
        still_needed = {
            r[0] for r in con.execute(
                "SELECT archive_path FROM uploads WHERE archive_path IS NOT NULL AND uploaded_at >= ?", [cutoff]
            ).fetchall()
        }
        for upload_id, path in rows:
            con.execute("UPDATE uploads SET archive_path = NULL WHERE id = ?", [upload_id])
            if path in still_needed:  # the same file uploaded again recently: keep the copy
                continue
            try:
                size = os.path.getsize(path)
                os.remove(path)
            except FileNotFoundError:
                continue
            removed += 1
            freed += size
        audit.record(con, actor, "rensa arkiv", None, {"dagar": days, "filer": removed, "byte": freed})
    return PurgeReport(removed, freed, days)
