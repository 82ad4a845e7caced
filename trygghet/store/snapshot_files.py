"""The files of the database's copies: their names, the copy itself and the retention rule.

Kept apart from trygghet.store.snapshots, which takes copies through a Database, so that the
database handle itself can copy a file before it upgrades it (db imports this module; snapshots
imports db).

A copy is named by its time, a sequence number and its kind only, never by user text (a file
name can hold a personnummer).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from pathlib import Path

from trygghet.core import config
from trygghet.store import write_queue

# A .tmp of a copy still being written belongs to a live process; one left by a killed import is
# removed once its process is gone, or after this long when the process cannot be told.
STALE_TMP_SECONDS = 15 * 60

BEFORE_IMPORT = "fore-import"
BEFORE_UNDO = "fore-angring"
BEFORE_RESTORE = "fore-aterstallning"
# The file as the earlier release left it: the way back to that release after an upgrade.
BEFORE_UPGRADE = "fore-uppgradering"
KINDS = (BEFORE_IMPORT, BEFORE_UNDO, BEFORE_RESTORE, BEFORE_UPGRADE, "kopia")

STAMP = "%Y%m%d-%H%M%S-%f"
NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<seq>\d{6})-(?P<kind>[a-z-]+)\.duckdb$")
# Copies named before names were fixed: the time and the reason, which could hold a file name.
OLD_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>.*)\.duckdb$")
_TMP_PID = re.compile(r"\.(\d+)\.tmp$")


def directory_of(database: Path) -> Path:
    """Where the copies of the database file are kept: beside it."""
    return database.parent / "snapshots"


def parse(path: Path) -> tuple[dt.datetime, int, str] | None:
    """(time taken, sequence number, kind) of a copy's file name; old names get sequence 0."""
    m = NAME.match(path.name)
    if m and m.group("kind") in KINDS:
        return dt.datetime.strptime(m.group("stamp"), STAMP), int(m.group("seq")), m.group("kind")
    m = OLD_NAME.match(path.name)
    if m:
        try:
            return dt.datetime.strptime(m.group("stamp"), STAMP), 0, ""
        except ValueError:
            return None
    return None


def copies(directory: Path) -> list[tuple[dt.datetime, int, Path]]:
    """Every copy in the directory, oldest first."""
    found = []
    for path in directory.glob("*.duckdb") if directory.exists() else []:
        parsed = parse(path)
        if parsed:
            found.append((parsed[0], parsed[1], path))
    return sorted(found, key=lambda c: (c[0], c[1], c[2].name))


def next_name(directory: Path, now: dt.datetime, kind: str) -> Path:
    sequence = max((seq for _, seq, _ in copies(directory)), default=0) + 1
    return directory / f"{now:{STAMP}}-{sequence:06d}-{kind}.duckdb"


def copy_file(source: Path, directory: Path, kind: str, now: dt.datetime) -> Path:
    """Copies `source` into `directory` under a new name of `kind`; the caller makes sure nothing
    writes to the file meanwhile and that it is whole (no write-ahead log)."""
    directory.mkdir(parents=True, exist_ok=True)
    remove_stale_tmp(directory)
    target = next_name(directory, now, kind if kind in KINDS else "kopia")
    # The process id in the name tells a later run whether the writer is still alive.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def prune(directory: Path, keep: int, days: int, now: dt.datetime) -> list[Path]:
    """Removes the copies beyond the newest `keep` and those taken more than `days` days before
    `now`; returns what was removed."""
    found = copies(directory)
    cutoff = now - dt.timedelta(days=days)
    removed = []
    for index, (taken, _, path) in enumerate(found):
        if index < len(found) - keep or taken < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def prune_by_settings(directory: Path, now: dt.datetime) -> list[Path]:
    """prune() with the installation's retention rule (TRYGGHET_SNAPSHOTS, TRYGGHET_SNAPSHOT_DAYS)."""
    rule = config.retention()
    return prune(directory, rule.snapshot_count, rule.snapshot_days, now)


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
