"""The DuckDB file: schema, connections and the data version.

DuckDB lets one process write a file, and while it does no other process can even
read it. So:

- Reads share one read-only connection per process (a cursor per read, so threads
  never share a cursor); opening a DuckDB file costs tens of milliseconds, far more
  than the dashboards' queries.
- A writer (the app's own upload, or the CLI in another process) first takes a ticket
  in `<file>.write-queue/`, one file per waiting writer, and writers go in ticket order,
  so none is starved by the others. While the queue is not empty every process that
  holds the shared reader closes it within a tenth of a second (or after ten idle
  seconds) and new reads wait, so the writer at the head gets the file promptly.
  Tickets of processes that died are removed by whoever looks next; the directory
  exists only while someone is in line.
- Writes are short transactions that bump the data version, which the app caches on.
- Inside one process a readers–writer lock keeps read-only and read-write connections
  apart, because DuckDB refuses two configurations of the same file in one process.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from trygghet.core import reference_lists as defaults
from trygghet.core.errors import UserError

DEFAULT_DB = Path("data") / "trygghet.duckdb"
SCHEMA_VERSION = 1


class DatabaseBusy(UserError, RuntimeError):
    """Another process held the database longer than we were willing to wait."""


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else the environment variable TRYGGHET_DB, else data/trygghet.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TRYGGHET_DB")
    return Path(env) if env else DEFAULT_DB


# Events are de-duplicated by (source, the reporter's own id) when an id is given,
# otherwise by their whole content. Both the importer and the demo use this expression.
DEDUP_KEY_SQL = """md5_number(CASE
    WHEN external_id IS NOT NULL THEN 'id|' || lower(source) || '|' || external_id
    ELSE 'c|' || concat_ws('|', strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), district,
                          coalesce(place, ''), category, coalesce(description, ''), lower(source))
END)"""

AUDIT_LOG_DDL = """
CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT NOT NULL,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    role VARCHAR,
    action VARCHAR NOT NULL,
    target VARCHAR,
    details VARCHAR
);
"""

# Daily counts of the events; kept and read by trygghet.store.event_counts.
EVENT_COUNTS_DDL = """
CREATE TABLE IF NOT EXISTS event_counts (
    day DATE NOT NULL,
    district VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    upload_id BIGINT,
    n INTEGER NOT NULL,
    n_located INTEGER NOT NULL,
    lat_sum DOUBLE NOT NULL,
    lon_sum DOUBLE NOT NULL
);
"""

MEETING_DDL = """
CREATE TABLE IF NOT EXISTS meetings (
    id BIGINT PRIMARY KEY,
    held_on DATE NOT NULL,
    week VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    participants VARCHAR NOT NULL,
    districts VARCHAR[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS decisions (
    id BIGINT PRIMARY KEY,
    meeting_id BIGINT NOT NULL,
    text VARCHAR NOT NULL,
    organisation VARCHAR,
    responsible VARCHAR,
    deadline DATE,
    status VARCHAR NOT NULL,
    done_at TIMESTAMP,
    done_meeting_id BIGINT,
    intervention_id VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS focus_places (
    meeting_id BIGINT NOT NULL,
    district VARCHAR NOT NULL,
    place VARCHAR,
    reason VARCHAR
);
CREATE TABLE IF NOT EXISTS report_texts (
    key VARCHAR PRIMARY KEY,
    text VARCHAR,
    updated_at TIMESTAMP NOT NULL
);
"""

SCHEMA = AUDIT_LOG_DDL + MEETING_DDL + EVENT_COUNTS_DDL + """
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE IF NOT EXISTS data_version (
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS districts (
    name VARCHAR PRIMARY KEY,
    police_area VARCHAR,
    municipality VARCHAR,
    neighbourhoods VARCHAR[],
    color VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS categories (
    name VARCHAR PRIMARY KEY,
    category_group VARCHAR,
    description VARCHAR,
    sort_order INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS organisations (
    name VARCHAR PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS uploads (
    id BIGINT PRIMARY KEY,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by VARCHAR,
    file_kind VARCHAR,
    sheets VARCHAR,
    rows BIGINT NOT NULL,
    imported BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    archive_path VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    id BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    time_known BOOLEAN NOT NULL,
    district VARCHAR NOT NULL,
    place VARCHAR,
    category VARCHAR NOT NULL,
    description VARCHAR,
    source VARCHAR NOT NULL,
    external_id VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    upload_id BIGINT,
    dedup_key UHUGEINT NOT NULL
);
CREATE TABLE IF NOT EXISTS interventions (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    priority_area VARCHAR,
    district VARCHAR,
    owner VARCHAR,
    contact VARCHAR,
    status VARCHAR NOT NULL,
    start_date DATE,
    end_date DATE,
    comment VARCHAR,
    upload_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS intervention_history (
    intervention_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    upload_id BIGINT,
    changed_by VARCHAR,
    origin VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS priority_areas (
    name VARCHAR PRIMARY KEY,
    description VARCHAR,
    goal VARCHAR,
    valid_from DATE,
    valid_to DATE,
    indicator_categories VARCHAR[] NOT NULL,
    upload_id BIGINT,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_results (
    period VARCHAR NOT NULL,
    district VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    respondents INTEGER,
    upload_id BIGINT,
    PRIMARY KEY (period, district, indicator)
);
CREATE TABLE IF NOT EXISTS police_type_map (
    police_type VARCHAR PRIMARY KEY,
    category VARCHAR,
    include BOOLEAN
);
CREATE TABLE IF NOT EXISTS district_geometries (
    district VARCHAR PRIMARY KEY,
    geojson VARCHAR NOT NULL,
    updated_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS rejected_rows (
    upload_id BIGINT NOT NULL,
    sheet VARCHAR NOT NULL,
    row_number INTEGER,
    column_name VARCHAR,
    reason VARCHAR NOT NULL,
    original_values VARCHAR
);
"""


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


REQUEST_MAX_AGE = 300.0  # seconds; where a process's liveness cannot be asked, an older ticket is stale
IDLE_CLOSE = 10.0  # seconds; a file nobody reads is let go even without a request
JANITOR_TICK = 0.05
QUEUE_POLL = 0.02  # seconds between a waiting writer's looks at the queue

# A ticket is an empty file in <file>.write-queue/ named number-pid-start-serial: its place in
# line, the process (and, on Linux, that process's start time, so a reused pid is not taken for
# the writer that died), and a serial that keeps two threads of one process apart.
_TICKET_DIGITS = 12
_ticket_serial = itertools.count(1)
_CAN_SIGNAL = os.name == "posix"  # elsewhere os.kill(pid, 0) would end the process, not ask about it


@dataclass(frozen=True, order=True)
class _Ticket:
    number: int
    pid: int
    start: int
    serial: int

    @property
    def name(self) -> str:
        return f"{self.number:0{_TICKET_DIGITS}d}-{self.pid}-{self.start}-{self.serial}"

    @staticmethod
    def parse(name: str) -> _Ticket | None:
        parts = name.split("-")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            return None  # not a ticket (an editor's or a copy tool's file): not in line
        return _Ticket(*(int(p) for p in parts))


@functools.lru_cache(maxsize=64)  # asked on every read; building the path costs more than looking
def _queue_dir(path: Path) -> Path:
    return path.with_name(path.name + ".write-queue")


def _process_state(pid: int) -> tuple[str, int] | None:
    """The process's state letter and start time (clock ticks since boot) from Linux's /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()  # the command name may hold spaces and ')'
        return fields[0].decode(), int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


_OWN_START = (_process_state(os.getpid()) or ("", 0))[1]


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (ours or another user's); True where the system cannot tell."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    except OSError:  # not supported on this platform: assume alive
        return True
    return True


def _ticket_alive(queue: Path, ticket: _Ticket) -> bool:
    if ticket.pid == os.getpid() and ticket.start == _OWN_START:
        return True
    if not _CAN_SIGNAL:
        try:
            return time.time() - (queue / ticket.name).stat().st_mtime < REQUEST_MAX_AGE
        except FileNotFoundError:
            return False
    if not process_alive(ticket.pid):
        return False
    if ticket.start:
        state = _process_state(ticket.pid)
        if state is not None:
            return state[0] != "Z" and state[1] == ticket.start  # a zombie or a reused pid: the writer died
    return True


def _live_tickets(queue: Path) -> list[_Ticket]:
    """The tickets in line, first first. Tickets of dead processes are removed on the way."""
    try:
        names = os.listdir(queue)
    except (FileNotFoundError, NotADirectoryError):
        return []
    live = []
    for name in names:
        ticket = _Ticket.parse(name)
        if ticket is None:
            continue
        if _ticket_alive(queue, ticket):
            live.append(ticket)
        else:
            (queue / name).unlink(missing_ok=True)
    if not live:
        _remove_empty(queue)
    return sorted(live)


def _remove_empty(queue: Path) -> None:
    with contextlib.suppress(OSError):  # gone already, or a writer has just put a ticket in
        queue.rmdir()


def _write_requested(path: Path) -> bool:
    """True while a live writer waits for or holds the file. Costs one failed listdir when no
    writer is about, since the queue's directory exists only while someone is in it."""
    return bool(_live_tickets(_queue_dir(path)))


def _take_ticket(path: Path) -> tuple[Path, _Ticket]:
    """A place at the end of the line for the file."""
    queue = _queue_dir(path)
    serial = next(_ticket_serial)
    while True:
        try:
            queue.mkdir(exist_ok=True)
            names = [t for t in map(_Ticket.parse, os.listdir(queue)) if t is not None]
            ticket = _Ticket(max((t.number for t in names), default=0) + 1, os.getpid(), _OWN_START, serial)
            # Two writers that looked at once draw the same number; the pid in the name keeps both
            # tickets apart and orders them the same way for everyone.
            os.close(os.open(queue / ticket.name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return queue, ticket
        except FileNotFoundError:
            continue  # the last writer out removed the directory between our mkdir and open


def _leave_queue(queue: Path, ticket: _Ticket) -> None:
    (queue / ticket.name).unlink(missing_ok=True)
    _live_tickets(queue)  # the last one out removes the directory


@contextmanager
def _writer_turn(path: Path, timeout: float) -> Iterator[float]:
    """Waits in the file's writer queue until every writer before this one is done; yields the
    time left of `timeout`. Readers in every process stand aside while the queue is not empty."""
    deadline = time.monotonic() + timeout
    queue, ticket = _take_ticket(path)
    try:
        while True:
            live = _live_tickets(queue)
            if live and live[0] == ticket:
                break
            if ticket not in live:  # our ticket was removed from outside: join the line again
                queue, ticket = _take_ticket(path)
                continue
            if time.monotonic() > deadline:
                raise DatabaseBusy(
                    f"Databasen är upptagen: {live.index(ticket)} andra ändringar (till exempel en import "
                    "från kommandoraden) väntade före den här. Inget har ändrats; försök igen om en stund."
                )
            time.sleep(QUEUE_POLL)
        yield max(0.0, deadline - time.monotonic())
    finally:
        _leave_queue(queue, ticket)


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
            if idle or _write_requested(self.path):
                with lock.writing():  # waits for reads in flight
                    self.close()
                return


_readers: dict[str, _SharedReader] = {}


@contextmanager
def file_lock(path: Path, settle: float = 0.3) -> Iterator[None]:
    """The file itself, with no connection at all (to replace it): this process lets go, and
    others are asked to and given a moment to do so."""
    with _writer_turn(path, Database.write_timeout), _lock_for(path).writing():
        _reader_for(path).close()
        time.sleep(settle)
        yield


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


@dataclass(frozen=True)
class Database:
    """A handle on one DuckDB file. Cheap to create; holds no connection itself."""

    path: Path
    read_timeout: float = 20.0
    write_timeout: float = 120.0

    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for the length of the block. Fetch results fully inside it."""
        if not self.path.exists():
            raise FileNotFoundError(f"Databasen {self.path.name} finns inte.")
        deadline = time.monotonic() + self.read_timeout
        # Writers already in line go first; those who line up later do not hold this read up,
        # so a steady stream of imports cannot starve the readers either.
        queue = _queue_dir(self.path)
        ahead = set(_live_tickets(queue))
        while ahead and time.monotonic() < deadline:
            time.sleep(QUEUE_POLL)
            ahead &= set(_live_tickets(queue))
        with _lock_for(self.path).reading():
            cursor = _reader_for(self.path).cursor(self.read_timeout)
            try:
                yield cursor
            finally:
                cursor.close()

    @contextmanager
    def exclusive(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The file for writing: other processes are asked to let go, this one lets go itself."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _writer_turn(self.path, self.write_timeout) as left, _lock_for(self.path).writing():
            _reader_for(self.path).close()
            # First in line, readers elsewhere let go within a janitor tick; a little time is
            # kept even for a writer that used its whole wait in the queue.
            con = _connect(self.path, read_only=False, timeout=max(left, 5.0))
            try:
                yield con
            finally:
                con.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed with a new data version, or rolled back whole."""
        with self.exclusive() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                bump_data_version(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @contextmanager
    def dry_run(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction that is always rolled back: exact counts, no change."""
        with self.exclusive() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            finally:
                con.execute("ROLLBACK")

    def change_token(self) -> tuple[int, int, int]:
        """Changes whenever the file or its write-ahead log does; costs two stat calls."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        wal = self.path.with_name(self.path.name + ".wal")
        wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
        return (st.st_mtime_ns, st.st_size, wal_mtime)


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE data_version SET version = version + 1, updated_at = now()::TIMESTAMP")


def data_version(con: duckdb.DuckDBPyConnection) -> tuple[int, object]:
    row = con.execute("SELECT version, updated_at FROM data_version").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the open database; duckdb_tables() costs half of information_schema."""
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    before = table_names(con)
    con.execute(SCHEMA)
    if "events" in before and "event_counts" not in before:
        from trygghet.store import event_counts as counts  # imported here: counts builds on this module

        counts.rebuild(con)  # a database made before the daily counts existed
    if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
        con.execute("INSERT INTO data_version VALUES (0, now()::TIMESTAMP)")
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
    )


def seed_reference_lists(con: duckdb.DuckDBPyConnection) -> None:
    """Default categories and organisations; districts come from the municipality's own sheet."""
    for order, (name, group, description) in enumerate(defaults.CATEGORIES):
        con.execute(
            "INSERT OR IGNORE INTO categories VALUES (?, ?, ?, ?)", [name, group, description, order]
        )
    for name in defaults.ORGANISATIONS:
        con.execute("INSERT OR IGNORE INTO organisations VALUES (?)", [name])


def init_database(db: Database, *, replace: bool = False) -> None:
    """An empty database with the schema and the default reference lists."""
    if replace:
        remove_database_files(db.path)
    with db.write() as con:
        create_schema(con)
        seed_reference_lists(con)


def remove_database_files(path: Path) -> None:
    """Deletes the file; this process and others are asked to let go of it first, since a
    shared reader would go on reading the removed file."""
    files = [p for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    if not files:
        return
    with file_lock(path):
        for p in files:
            if p.exists():
                p.unlink()


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    if table not in {"uploads", "events"}:
        raise ValueError(table)
    return int(con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def add_district(
    con: duckdb.DuckDBPyConnection,
    name: str,
    police_area: str | None = None,
    municipality: str | None = None,
    neighbourhoods: list[str] | None = None,
) -> bool:
    """Inserts a district or updates its details; returns True when it was new.

    A new district gets the first palette colour not yet taken, so it keeps one
    colour on every chart for as long as it exists.
    """
    existing = con.execute("SELECT 1 FROM districts WHERE name = ?", [name]).fetchone()
    if existing:
        con.execute(
            """UPDATE districts SET
                 police_area = coalesce(?, police_area),
                 municipality = coalesce(?, municipality),
                 neighbourhoods = coalesce(?, neighbourhoods)
               WHERE name = ?""",
            [police_area, municipality, neighbourhoods, name],
        )
        return False
    used = {r[0] for r in con.execute("SELECT color FROM districts").fetchall()}
    count = con.execute("SELECT count(*) FROM districts").fetchone()[0]
    palette = defaults.DISTRICT_PALETTE
    color = next((c for c in palette if c not in used), palette[count % len(palette)])
    con.execute(
        "INSERT INTO districts VALUES (?, ?, ?, ?, ?, ?)",
        [name, police_area, municipality, neighbourhoods or [], color, count],
    )
    return True


def damage_message(db: Database) -> str | None:
    """None when the file opens and reads; otherwise what is wrong and the way back, in Swedish."""
    try:
        with db.read() as con:
            con.execute("SELECT version FROM data_version").fetchall()
    except DatabaseBusy:
        return None  # busy is not damaged
    except FileNotFoundError:
        return None
    except duckdb.Error as exc:
        return (
            f"Databasfilen {db.path.name} går inte att läsa ({type(exc).__name__}); den kan vara skadad. "
            "Ingen data har ändrats av appen. En administratör återställer den senaste kopian med "
            "'python -m trygghet restore --latest' (en kopia tas före varje import), eller listar "
            "kopiorna med 'python -m trygghet restore'."
        )
    return None
