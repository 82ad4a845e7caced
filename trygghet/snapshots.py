"""Copies of the database taken before every import, and the way back to one of them."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import clock
from . import db as dbmod
from .db import Database


def keep_count() -> int:
    try:
        return max(1, int(os.environ.get("TRYGGHET_SNAPSHOTS", "20")))
    except ValueError:
        return 20


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


_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})-(.*)\.duckdb$")


def take(db: Database, reason: str) -> Snapshot | None:
    """A consistent copy of the file as it is now; the oldest beyond the kept number are removed."""
    if not db.exists():
        return None
    directory = snapshot_dir(db)
    directory.mkdir(parents=True, exist_ok=True)
    now = clock.now()
    safe_reason = re.sub(r"[^\w.-]+", "_", reason)[:60] or "kopia"
    target = directory / f"{now:%Y%m%d-%H%M%S-%f}-{safe_reason}.duckdb"
    with db.exclusive() as con:
        con.execute("CHECKPOINT")  # fold the write-ahead log into the file, so one file is the whole state
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(db.path, tmp)
        tmp.replace(target)
    _prune(directory, keep_count())
    return Snapshot(target, now.replace(microsecond=0), reason, target.stat().st_size)


def _prune(directory: Path, keep: int) -> None:
    for old in sorted(p for p in directory.glob("*.duckdb") if _NAME.match(p.name))[:-keep]:
        old.unlink(missing_ok=True)


def list_snapshots(db: Database) -> list[Snapshot]:
    """Newest first."""
    directory = snapshot_dir(db)
    found = []
    for path in directory.glob("*.duckdb") if directory.exists() else []:
        m = _NAME.match(path.name)
        if m:
            taken = dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S-%f").replace(microsecond=0)
            found.append(Snapshot(path, taken, m.group(2), path.stat().st_size))
    return sorted(found, key=lambda s: s.path.name, reverse=True)


def restore(db: Database, snapshot: Snapshot) -> Snapshot | None:
    """Puts a snapshot back as the database; the current file is snapshotted first, so a
    restore can itself be undone. Returns that safety copy (None when there was no file)."""
    safety = None
    if db.exists():
        try:
            safety = take(db, "fore-aterstallning")
        except Exception:  # a damaged file cannot be opened to copy; keep it aside as it is
            aside = snapshot_dir(db) / f"{clock.now():%Y%m%d-%H%M%S-%f}-skadad.duckdb.bad"
            shutil.copyfile(db.path, aside)
    with dbmod.file_lock(db.path):
        tmp = db.path.with_name(db.path.name + ".restore")
        shutil.copyfile(snapshot.path, tmp)
        wal = db.path.with_name(db.path.name + ".wal")
        wal.unlink(missing_ok=True)
        tmp.replace(db.path)
    return safety
