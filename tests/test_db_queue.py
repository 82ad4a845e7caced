"""The writer queue on the DuckDB file: real processes on a real file, writers in ticket order,
none starved by readers or by each other, and the tickets of dead writers cleared away."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from trygghet.store import write_queue
from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
FINISH = 300.0  # seconds; a generous bound for "finishes at all" on a busy machine

# One write in its own process: records the order in which the writers got the file.
TURN = r"""
import sys
from pathlib import Path
from trygghet.store.db import Database

db = Database(Path(sys.argv[1]), write_timeout=240.0)
with db.write() as con:
    n = con.execute("SELECT count(*) FROM meta WHERE key LIKE 'turn-%'").fetchone()[0]
    con.execute("INSERT INTO meta VALUES (?, ?)", [f"turn-{n}", sys.argv[2]])
"""

# Several imports and plain writes in one process, as a CLI user importing file after file.
WRITER = r"""
import datetime as dt
import sys
from pathlib import Path
from trygghet.store.db import Database
from trygghet.ingest.importer import import_file

db = Database(Path(sys.argv[1]), write_timeout=60.0)
name, rounds, rows = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for r in range(rounds):
    lines = ["Datum;Stadsdel;Kategori;Händelse-ID;Källa"]
    lines += [f"2026-03-{1 + i % 28:02d};Norrby;Klotter;{name}-{r}-{i};Polisen" for i in range(rows)]
    report = import_file(db, ("\n".join(lines) + "\n").encode(), f"{name}-{r}.csv", today=dt.date(2026, 11, 30))
    assert report.status == "imported", report.error
    with db.write() as con:
        con.execute("INSERT INTO meta VALUES (?, 'klar')", [f"{name}-{r}"])
"""

# Reads as fast as it can until told to stop; a busy database is counted, not fatal.
READER = r"""
import sys
from pathlib import Path
from trygghet.store.db import Database
from trygghet.store.write_queue import DatabaseBusy

db = Database(Path(sys.argv[1]))
started, stop = Path(sys.argv[2]), Path(sys.argv[3])
reads = busy = 0
while not stop.exists():
    try:
        with db.read() as con:
            con.execute("SELECT count(*) FROM events").fetchall()
        reads += 1
        if reads == 1:
            started.touch()
    except DatabaseBusy:
        busy += 1
print(reads, busy)
"""


def spawn(code: str, *args: object, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + FINISH
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def queue_of(database: Database) -> Path:
    return database.path.with_name(database.path.name + ".write-queue")


def in_line(database: Database) -> int:
    return len(write_queue.live_tickets(queue_of(database)))


def finished(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=FINISH)
    assert process.returncode == 0, err
    return out


def turns(database: Database) -> list[str]:
    with database.read() as con:
        rows = con.execute("SELECT key, value FROM meta WHERE key LIKE 'turn-%'").fetchall()
    return [value for _, value in sorted(rows, key=lambda r: int(r[0].split("-")[1]))]


def test_writers_get_the_file_in_the_order_they_lined_up(database: Database) -> None:
    writers = []
    with database.exclusive():  # holds the file, so the others must line up behind
        for n, name in enumerate(("A", "B", "C"), start=2):
            writers.append(spawn(TURN, database.path, name))
            wait_until(lambda n=n: in_line(database) == n, f"{name} in line")
    for process in writers:
        finished(process)

    assert turns(database) == ["A", "B", "C"]
    assert not queue_of(database).exists()


def test_a_killed_waiting_writer_does_not_hold_up_the_next(database: Database) -> None:
    with database.exclusive():
        doomed = spawn(TURN, database.path, "X")
        wait_until(lambda: in_line(database) == 2, "X in line")
        survivor = spawn(TURN, database.path, "Y")
        wait_until(lambda: in_line(database) == 3, "Y in line")
        doomed.kill()  # SIGKILL: no finally runs, its ticket stays; not reaped yet, so it is a zombie
    try:
        finished(survivor)
        assert turns(database) == ["Y"]
        assert not queue_of(database).exists()
    finally:
        doomed.communicate(timeout=FINISH)


def test_a_ticket_whose_pid_was_reused_is_cleared(database: Database) -> None:
    parent = os.getppid()
    state = write_queue.process_state(parent)
    assert state is not None, "Linux's /proc is needed to tell a reused pid"
    queue = queue_of(database)
    queue.mkdir()
    # The parent is alive, but it did not start at this time: the ticket's writer is gone.
    stale = queue / f"{1:012d}-{parent}-{state[1] + 1}-1"
    stale.touch()

    with database.write() as con:
        con.execute("INSERT INTO meta VALUES ('efter', 'ja')")

    assert not stale.exists() and not queue.exists()
    with database.read() as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'efter'").fetchone() == ("ja",)


def test_nothing_is_left_beside_the_file_after_a_write(database: Database) -> None:
    with database.write() as con:
        assert in_line(database) == 1
        con.execute("INSERT INTO meta VALUES ('k', 'v')")
    beside = {p.name for p in database.path.parent.iterdir()}
    assert not {"t.duckdb.write-queue", "t.duckdb.write-request"} & beside


def test_three_writers_and_a_busy_reader_every_writer_finishes(database: Database, tmp_path: Path) -> None:
    rounds, rows = 4, 50
    started, stop = tmp_path / "reader-started", tmp_path / "reader-stop"
    reader = spawn(READER, database.path, started, stop)
    try:
        wait_until(started.exists, "the reader's first read")
        writers = [spawn(WRITER, database.path, name, rounds, rows) for name in ("W1", "W2", "W3")]
        for process in writers:
            finished(process)
    finally:
        stop.touch()
    reads, _busy = map(int, finished(reader).split())

    assert reads >= 1
    with database.read() as con:
        assert con.execute("SELECT count(*), count(DISTINCT external_id) FROM events").fetchone() == (
            3 * rounds * rows, 3 * rounds * rows)
        assert con.execute("SELECT count(*) FROM uploads WHERE status = 'imported'").fetchone() == (3 * rounds,)
        assert con.execute("SELECT count(*) FROM meta WHERE value = 'klar'").fetchone() == (3 * rounds,)
    assert not queue_of(database).exists()
