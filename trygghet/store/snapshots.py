"""Copies of the database taken before every import, and the way back to one of them.

A copy is named by its time, a sequence number and its kind only, never by user text (a file
name can hold a personnummer). Copies follow a retention rule of their own: at most
TRYGGHET_SNAPSHOTS of them (default 20), none older than TRYGGHET_SNAPSHOT_DAYS days (default 30).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from trygghet.core import clock, config
from trygghet.store import access, connection, privacy_sweep, write_queue
from trygghet.store import db as dbmod
from trygghet.store.db import Database

DEFAULT_KEEP = config.DEFAULT_SNAPSHOTS
DEFAULT_DAYS = config.DEFAULT_SNAPSHOT_DAYS
# A .tmp of a copy still being written belongs to a live process; one left by a killed import is
# removed once its process is gone, or after this long when the process cannot be told.
STALE_TMP_SECONDS = 15 * 60

BEFORE_IMPORT = "fore-import"
BEFORE_UNDO = "fore-angring"
BEFORE_RESTORE = "fore-aterstallning"
KINDS = (BEFORE_IMPORT, BEFORE_UNDO, BEFORE_RESTORE, "kopia")


def keep_count() -> int:
    return config.retention().snapshot_count


def retention_days() -> int:
    return config.retention().snapshot_days


def snapshot_dir(db: Database) -> Path:
    return db.path.parent / "snapshots"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<seq>\d{6})-(?P<kind>[a-z-]+)\.duckdb$")
# Copies named before names were fixed: the time and the reason, which could hold a file name.
_OLD_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>.*)\.duckdb$")
_TMP_PID = re.compile(r"\.(\d+)\.tmp$")


def _parse(path: Path) -> tuple[dt.datetime, int, str] | None:
    """(time taken, sequence number, kind) of a copy's file name; old names get sequence 0."""
    m = _NAME.match(path.name)
    if m and m.group("kind") in KINDS:
        return dt.datetime.strptime(m.group("stamp"), _STAMP), int(m.group("seq")), m.group("kind")
    m = _OLD_NAME.match(path.name)
    if m:
        try:
            return dt.datetime.strptime(m.group("stamp"), _STAMP), 0, ""
        except ValueError:
            return None
    return None


def _copies(directory: Path) -> list[tuple[dt.datetime, int, Path]]:
    """Every copy in the directory, oldest first."""
    found = []
    for path in directory.glob("*.duckdb") if directory.exists() else []:
        parsed = _parse(path)
        if parsed:
            found.append((parsed[0], parsed[1], path))
    return sorted(found, key=lambda c: (c[0], c[1], c[2].name))


def _next_name(directory: Path, now: dt.datetime, kind: str) -> Path:
    sequence = max((seq for _, seq, _ in _copies(directory)), default=0) + 1
    return directory / f"{now:{_STAMP}}-{sequence:06d}-{kind}.duckdb"


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
    directory.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp(directory)
    now = clock.now()
    with db.exclusive() as con:
        ensure_swept(con)
        con.execute("CHECKPOINT")  # fold the write-ahead log into the file, so one file is the whole state
        target = _next_name(directory, now, kind)
        # The process id in the name tells a later run whether the writer is still alive.
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(db.path, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    prune(directory, keep_count(), retention_days(), now)
    return Snapshot(target, now.replace(microsecond=0), kind, target.stat().st_size)


def prune(directory: Path, keep: int, days: int, now: dt.datetime) -> list[Path]:
    """Removes the copies beyond the newest `keep` and those taken more than `days` days before
    `now`; returns what was removed."""
    copies = _copies(directory)
    cutoff = now - dt.timedelta(days=days)
    removed = []
    for index, (taken, _, path) in enumerate(copies):
        if index < len(copies) - keep or taken < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def remove_stale_tmp(directory: Path, max_age: float = STALE_TMP_SECONDS) -> list[Path]:
    """Removes half-written copies a killed import left: those whose process is gone, and any
    older than `max_age` seconds (a copy takes seconds, and a process id can be reused)."""
    removed = []
    for path in directory.glob("*.tmp") if directory.exists() else []:
        m = _TMP_PID.search(path.name)
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if age > max_age or (m is not None and not write_queue.process_alive(int(m.group(1)))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def list_snapshots(db: Database) -> list[Snapshot]:
    """Newest first."""
    found = []
    for taken, _, path in _copies(snapshot_dir(db)):
        m = _NAME.match(path.name)
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
    for taken, _, path in _copies(directory):
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
        if not _NAME.match(path.name):
            path.replace(_next_name(directory, taken, "kopia"))
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
            aside = snapshot_dir(db) / f"{clock.now():{_STAMP}}-skadad.duckdb.bad"
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
