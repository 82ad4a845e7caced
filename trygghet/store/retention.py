"""How long the original upload files and the database's copies are kept, and the purge that
enforces both (`python -m trygghet purge-uploads`, and the button on the Admin page)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field

from trygghet.core import clock, config, privacy
from trygghet.store import access, audit, privacy_sweep, snapshots, upload_stash
from trygghet.store import db as dbmod
from trygghet.store.access import Actor
from trygghet.store.db import Database

DEFAULT_DAYS = config.DEFAULT_ARCHIVE_DAYS


def retention_days() -> int:
    return config.retention().archive_days


@dataclass
class PurgeReport:
    files_removed: int
    bytes_freed: int
    days: int
    snapshots_removed: int = 0
    snapshot_days: int = 0
    tmp_removed: int = 0
    # Personal data found and masked in the database and its copies (stored before the guard knew it).
    masked: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        text = (f"{self.files_removed} arkiverade filer äldre än {self.days} dagar borttagna "
                f"({self.bytes_freed / 2**20:.1f} MB). {self.snapshots_removed} kopior av databasen äldre än "
                f"{self.snapshot_days} dagar eller utöver de {snapshots.keep_count()} senaste borttagna")
        if self.tmp_removed:
            text += f", och {self.tmp_removed} halvfärdiga kopior från en avbruten import"
        text += "."
        if self.masked:
            text += f" Personuppgifter togs bort ur databasen och kopiorna: {privacy.describe(self.masked)}."
        return text


def purge_archive(
    db: Database,
    actor: Actor,
    days: int | None = None,
    now: dt.datetime | None = None,
    snapshot_days: int | None = None,
) -> PurgeReport:
    """Removes archived original files older than `days` (default TRYGGHET_ARCHIVE_DAYS or 90) and
    copies of the database older than `snapshot_days` (default TRYGGHET_SNAPSHOT_DAYS or 30).

    The imported rows and the upload history stay; only the copies of the files go, and the
    history then shows that the file is no longer kept. Copies left half-written by a killed
    import go too, and the database and the copies kept are swept by the personal-data guard.
    """
    access.require(actor, access.SETTINGS, "rensa arkiverade filer")
    days = days or retention_days()
    snapshot_days = snapshot_days or snapshots.retention_days()
    moment = now or clock.now()
    cutoff = moment - dt.timedelta(days=days)
    directory = snapshots.snapshot_dir(db)
    tmp_removed = len(snapshots.remove_stale_tmp(directory))
    upload_stash.sweep_stale()
    # Earlier versions kept each fetched police feed, unscrubbed, beside the database; the archive of
    # uploads has its own copy, so these go by the archive's rule.
    for fetched in (db.path.parent / "polisen").glob("polisen-*.json"):
        with contextlib.suppress(OSError):
            if dt.datetime.fromtimestamp(fetched.stat().st_mtime) < cutoff:
                fetched.unlink()
    pruned = snapshots.prune(directory, snapshots.keep_count(), snapshot_days, moment)
    masked = snapshots.sweep_copies(db).removed or Counter()
    removed, freed = 0, 0
    with db.write() as con:
        if dbmod.get_meta(con, privacy_sweep.META_GUARD) != privacy_sweep.GUARD_VERSION:
            masked.update(privacy_sweep.sweep(con))
            dbmod.set_meta(con, privacy_sweep.META_GUARD, privacy_sweep.GUARD_VERSION)
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
        audit.record(con, actor, "rensa arkiv", None, {
            "dagar": days, "filer": removed, "byte": freed, "kopior": len(pruned), "kopiornas dagar": snapshot_days,
            "halvfärdiga kopior": tmp_removed, "personuppgifter": dict(masked)})
    return PurgeReport(removed, freed, days, len(pruned), snapshot_days, tmp_removed, masked)
