"""Connections to one DuckDB file: a shared reader per process, and the file alone for a writer.

- Reads share one read-only connection per process (a cursor per read, so threads never share a
  cursor); opening a DuckDB file costs tens of milliseconds, far more than the dashboards' queries.
- While a writer is in the file's queue (trygghet.store.write_queue) every process that holds the
  shared reader closes it within a tenth of a second (or after ten idle seconds) and new reads
  wait, so the writer at the head gets the file promptly.
- Inside one process a readers–writer lock keeps read-only and read-write connections apart,
  because DuckDB refuses two configurations of the same file in one process.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from trygghet.store import write_queue
from trygghet.store.write_queue import DatabaseBusy

READ_TIMEOUT = 20.0
WRITE_TIMEOUT = 120.0
IDLE_CLOSE = 10.0  # seconds; a file nobody reads is let go even without a request
JANITOR_TICK = 0.05


class _ReadWriteLock:
    """Many readers or one writer, within this process."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


_locks: dict[str, _ReadWriteLock] = {}
_locks_guard = threading.Lock()


def _lock_for(path: Path) -> _ReadWriteLock:
    key = str(path.resolve())
    with _locks_guard:
        return _locks.setdefault(key, _ReadWriteLock())


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


class _SharedReader:
    """The process's read-only connection to one file, closed when a writer asks or when idle."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con: duckdb.DuckDBPyConnection | None = None
        self.last_used = 0.0
        self.guard = threading.Lock()

    def cursor(self, timeout: float) -> duckdb.DuckDBPyConnection:
        """A cursor on the shared connection; the caller holds the process's read lock."""
        with self.guard:
            if self.con is None:
                self.con = _connect(self.path, read_only=True, timeout=timeout)
                threading.Thread(target=self._janitor, name=f"duckdb-janitor-{self.path.name}", daemon=True).start()
            self.last_used = time.monotonic()
            return self.con.cursor()

    def close(self) -> None:
        """Closes the shared connection; the caller holds the process's write lock."""
        with self.guard:
            if self.con is not None:
                self.con.close()
                self.con = None

    def _janitor(self) -> None:
        lock = _lock_for(self.path)
        while True:
            time.sleep(JANITOR_TICK)
            with self.guard:
                if self.con is None:
                    return
                idle = time.monotonic() - self.last_used > IDLE_CLOSE
            if idle or write_queue.write_requested(self.path):
                with lock.writing():  # waits for reads in flight
                    self.close()
                return


_readers: dict[str, _SharedReader] = {}


@atexit.register
def _close_readers() -> None:
    """Closes shared readers before the interpreter tears DuckDB's bindings down."""
    for reader in list(_readers.values()):
        reader.close()


def _reader_for(path: Path) -> _SharedReader:
    key = str(path.resolve())
    with _locks_guard:
        return _readers.setdefault(key, _SharedReader(path))


def _connect(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_conflict(exc) or time.monotonic() > deadline:
                if _is_lock_conflict(exc):
                    raise DatabaseBusy(
                        "Databasen används just nu av en annan process (till exempel en import "
                        "från kommandoraden). Försök igen om en stund."
                    ) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)


@contextmanager
def shared_cursor(path: Path, timeout: float = READ_TIMEOUT) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the process's shared read-only connection, after the writers already in line."""
    write_queue.wait_for_writers_ahead(path, time.monotonic() + timeout)
    with _lock_for(path).reading():
        cursor = _reader_for(path).cursor(timeout)
        try:
            yield cursor
        finally:
            cursor.close()


@contextmanager
def writable(path: Path, timeout: float = WRITE_TIMEOUT) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file for writing: other processes are asked to let go, this one lets go itself."""
    with write_queue.writer_turn(path, timeout) as left, _lock_for(path).writing():
        _reader_for(path).close()
        # First in line, readers elsewhere let go within a janitor tick; a little time is
        # kept even for a writer that used its whole wait in the queue.
        con = _connect(path, read_only=False, timeout=max(left, 5.0))
        try:
            yield con
        finally:
            con.close()


@contextmanager
def file_lock(path: Path, timeout: float = WRITE_TIMEOUT, settle: float = 0.3) -> Iterator[None]:
    """The file itself, with no connection at all (to replace it): this process lets go, and
    others are asked to and given a moment to do so."""
    with write_queue.writer_turn(path, timeout), _lock_for(path).writing():
        _reader_for(path).close()
        time.sleep(settle)
        yield
