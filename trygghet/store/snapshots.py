"""Copies of the database taken before every import, undo, restore and upgrade, and the way back
to one of them.

A copy is named by its time, a sequence number and its kind only, never by user text (a file
name can hold a personnummer); the names and the files are in trygghet.store.snapshot_files.
Copies follow a retention rule of their own: at most TRYGGHET_SNAPSHOTS of them (default 20),
none older than TRYGGHET_SNAPSHOT_DAYS days (default 30).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from trygghet.core import clock, config
from trygghet.store import access, connection, privacy_sweep
from trygghet.store import db as dbmod
from trygghet.store import snapshot_files as files
from trygghet.store.db import Database
from trygghet.store.snapshot_files import (
    BEFORE_IMPORT,
    BEFORE_RESTORE,
    BEFORE_UNDO,
    BEFORE_UPGRADE,
    KINDS,
    STALE_TMP_SECONDS,
    prune,
    remove_stale_tmp,
)

__all__ = ["BEFORE_IMPORT", "BEFORE_RESTORE", "BEFORE_UNDO", "BEFORE_UPGRADE", "KINDS", "STALE_TMP_SECONDS",
           "Snapshot", "list_snapshots", "prune", "remove_stale_tmp", "restore", "sweep_copies", "take"]

DEFAULT_KEEP = config.DEFAULT_SNAPSHOTS
DEFAULT_DAYS = config.DEFAULT_SNAPSHOT_DAYS


def keep_count() -> int:
    return config.retention().snapshot_count


def retention_days() -> int:
    return config.retention().snapshot_days


def snapshot_dir(db: Database) -> Path:
    return files.directory_of(db.path)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def ensure_swept(con: duckdb.DuckDBPyConnection) -> Counter[str]:
    """Sweeps the database once per version of the guard, so a copy never holds data stored
    before the guard caught what it catches now. Needs a connection that may write."""
    if dbmod.get_meta(con, privacy_sweep.META_GUARD) == privacy_sweep.GUARD_VERSION:
        return Counter()
    con.execute("BEGIN TRANSACTION")
    try:
        found = privacy_sweep.sweep(con)
        dbmod.set_meta(con, privacy_sweep.META_GUARD, privacy_sweep.GUARD_VERSION)
        if found:
            dbmod.bump_data_version(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return found


def take(db: Database, reason: str = "kopia") -> Snapshot | None:
    """A consistent copy of the file as it is now; copies beyond the kept number or age are removed.

    `reason` is one of KINDS (anything else is named "kopia"): the name holds no user text."""
    if not db.exists():
        return None
    kind = reason if reason in KINDS else "kopia"
    directory = snapshot_dir(db)
    now = clock.now()
    with db.exclusive() as con:
        ensure_swept(con)
        con.execute("CHECKPOINT")  # fold the write-ahead log into the file, so one file is the whole state
        target = files.copy_file(db.path, directory, kind, now)
    prune(directory, keep_count(), retention_days(), now)
    return Snapshot(target, now.replace(microsecond=0), kind, target.stat().st_size)


def list_snapshots(db: Database) -> list[Snapshot]:
    """Newest first."""
    found = []
    for taken, _, path in files.copies(snapshot_dir(db)):
        m = files.NAME.match(path.name)
        found.append(Snapshot(path, taken.replace(microsecond=0), m.group("kind") if m else "kopia",
                              path.stat().st_size))
    return found[::-1]


@dataclass
class SweepReport:
    copies: int = 0
    renamed: int = 0
    removed: Counter[str] | None = None


def sweep_copies(db: Database) -> SweepReport:
    """Scrubs the copies taken before the guard caught what it catches now, and gives copies with
    an old name (which could hold a file name) a name without user text. A copy that cannot be
    opened is removed: it cannot be checked, and it is no use for a restore either."""
    report = SweepReport(removed=Counter())
    directory = snapshot_dir(db)
    for taken, _, path in files.copies(directory):
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error:
            path.unlink(missing_ok=True)
            continue
        try:
            found = ensure_swept(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        report.copies += 1
        report.removed.update(found)  # type: ignore[union-attr]
        wal = path.with_name(path.name + ".wal")
        wal.unlink(missing_ok=True)
        if not files.NAME.match(path.name):
            path.replace(files.next_name(directory, taken, "kopia"))
            report.renamed += 1
    return report


def restore(db: Database, snapshot: Snapshot, actor: access.Actor | None) -> Snapshot | None:
    """Puts a snapshot back as the database; the current file is snapshotted first, so a
    restore can itself be undone. Returns that safety copy (None when there was no file)."""
    access.require(actor, access.UNDO, "återställa en kopia av databasen")
    safety = None
    if db.exists():
        try:
            safety = take(db, BEFORE_RESTORE)
        except Exception:  # a damaged file cannot be opened to copy; keep it aside as it is
            aside = snapshot_dir(db) / f"{clock.now():{files.STAMP}}-skadad.duckdb.bad"
            shutil.copyfile(db.path, aside)
    with connection.file_lock(db.path):
        tmp = db.path.with_name(db.path.name + ".restore")
        shutil.copyfile(snapshot.path, tmp)
        wal = db.path.with_name(db.path.name + ".wal")
        wal.unlink(missing_ok=True)
        tmp.replace(db.path)
    # A copy taken before the guard knew what it knows now is scrubbed as it comes back.
    with contextlib.suppress(duckdb.Error), db.exclusive() as con:
        ensure_swept(con)
    return safety
