"""The line of writers for one DuckDB file, shared by every process.

DuckDB lets one process write a file, and while it does no other process can even read it. So a
writer (the app's own upload, or the CLI in another process) first takes a ticket in
`<file>.write-queue/`, one file per waiting writer, and writers go in ticket order, so none is
starved by the others. While the queue is not empty every process that holds the shared reader
(trygghet.store.connection) lets go of the file, so the writer at the head gets it promptly.
Tickets of processes that died are removed by whoever looks next; the directory exists only while
someone is in line.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from trygghet.core.errors import UserError

REQUEST_MAX_AGE = 300.0  # seconds; where a process's liveness cannot be asked, an older ticket is stale
QUEUE_POLL = 0.02  # seconds between a waiting writer's looks at the queue

# A ticket is an empty file in <file>.write-queue/ named number-pid-start-serial: its place in
# line, the process (and, on Linux, that process's start time, so a reused pid is not taken for
# the writer that died), and a serial that keeps two threads of one process apart.
_TICKET_DIGITS = 12
_ticket_serial = itertools.count(1)
_CAN_SIGNAL = os.name == "posix"  # elsewhere os.kill(pid, 0) would end the process, not ask about it


class DatabaseBusy(UserError, RuntimeError):
    """Another process held the database longer than we were willing to wait."""


@dataclass(frozen=True, order=True)
class Ticket:
    number: int
    pid: int
    start: int
    serial: int

    @property
    def name(self) -> str:
        return f"{self.number:0{_TICKET_DIGITS}d}-{self.pid}-{self.start}-{self.serial}"

    @staticmethod
    def parse(name: str) -> Ticket | None:
        parts = name.split("-")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            return None  # not a ticket (an editor's or a copy tool's file): not in line
        return Ticket(*(int(p) for p in parts))


@functools.lru_cache(maxsize=64)  # asked on every read; building the path costs more than looking
def queue_dir(path: Path) -> Path:
    return path.with_name(path.name + ".write-queue")


def process_state(pid: int) -> tuple[str, int] | None:
    """The process's state letter and start time (clock ticks since boot) from Linux's /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()  # the command name may hold spaces and ')'
        return fields[0].decode(), int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


_OWN_START = (process_state(os.getpid()) or ("", 0))[1]


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


def _ticket_alive(queue: Path, ticket: Ticket) -> bool:
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
        state = process_state(ticket.pid)
        if state is not None:
            return state[0] != "Z" and state[1] == ticket.start  # a zombie or a reused pid: the writer died
    return True


def live_tickets(queue: Path) -> list[Ticket]:
    """The tickets in line, first first. Tickets of dead processes are removed on the way."""
    try:
        names = os.listdir(queue)
    except (FileNotFoundError, NotADirectoryError):
        return []
    live = []
    for name in names:
        ticket = Ticket.parse(name)
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


def write_requested(path: Path) -> bool:
    """True while a live writer waits for or holds the file. Costs one failed listdir when no
    writer is about, since the queue's directory exists only while someone is in it."""
    return bool(live_tickets(queue_dir(path)))


def _take_ticket(path: Path) -> tuple[Path, Ticket]:
    """A place at the end of the line for the file."""
    queue = queue_dir(path)
    serial = next(_ticket_serial)
    while True:
        try:
            queue.mkdir(exist_ok=True)
            names = [t for t in map(Ticket.parse, os.listdir(queue)) if t is not None]
            ticket = Ticket(max((t.number for t in names), default=0) + 1, os.getpid(), _OWN_START, serial)
            # Two writers that looked at once draw the same number; the pid in the name keeps both
            # tickets apart and orders them the same way for everyone.
            os.close(os.open(queue / ticket.name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return queue, ticket
        except FileNotFoundError:
            continue  # the last writer out removed the directory between our mkdir and open


def _leave_queue(queue: Path, ticket: Ticket) -> None:
    (queue / ticket.name).unlink(missing_ok=True)
    live_tickets(queue)  # the last one out removes the directory


@contextmanager
def writer_turn(path: Path, timeout: float) -> Iterator[float]:
    """Waits in the file's writer queue until every writer before this one is done; yields the
    time left of `timeout`. Readers in every process stand aside while the queue is not empty."""
    deadline = time.monotonic() + timeout
    queue, ticket = _take_ticket(path)
    try:
        while True:
            live = live_tickets(queue)
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


def wait_for_writers_ahead(path: Path, deadline: float) -> None:
    """Lets the writers already in line go first; those who line up later do not hold a read up,
    so a steady stream of imports cannot starve the readers either."""
    queue = queue_dir(path)
    ahead = set(live_tickets(queue))
    while ahead and time.monotonic() < deadline:
        time.sleep(QUEUE_POLL)
        ahead &= set(live_tickets(queue))
