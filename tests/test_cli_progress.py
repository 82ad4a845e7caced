"""`python -m trygghet import` at a terminal shows its progress on standard error, read here through
a pseudo-terminal as a person's terminal would show it; with --json, or with standard error in a
pipe, nothing but the result is written."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent


def workbook(make_xlsx: Callable[..., bytes], rows: int = 2_000) -> bytes:
    sheet: list[list[object]] = [["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Händelse-ID"]]
    start = dt.datetime(2025, 3, 1, 7)
    for i in range(rows):
        when = start + dt.timedelta(minutes=13 * i)
        sheet.append([when.date(), when.time(), "Norrby", "Klotter", "Bostadsbolaget", f"T-{i}"])
    return make_xlsx({"Händelser": sheet})


def run_at_terminal(*args: str) -> tuple[int, str, bytes]:
    """Runs the CLI with standard error on a pseudo-terminal of 100 × 30 characters; returns the
    exit code, standard output and everything the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "trygghet", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's last writer has gone
                chunk = b""
            if chunk:
                screen += chunk
                continue
        if process.poll() is not None and not ready:
            break
        if ready and process.poll() is not None:
            break
    os.close(master)
    out = process.stdout.read().decode("utf-8") if process.stdout else ""
    return process.wait(timeout=60), out, screen


@pytest.fixture
def upload(tmp_path: Path, make_xlsx: Callable[..., bytes]) -> Path:
    path = tmp_path / "vecka 10.xlsx"
    path.write_bytes(workbook(make_xlsx))
    return path


def test_an_import_at_a_terminal_shows_each_stage_with_its_rows(database: Database, upload: Path) -> None:
    code, out, screen = run_at_terminal("--db", str(database.path), "import", str(upload))

    assert code == 0, screen.decode("utf-8", "replace")
    assert out.startswith("vecka 10.xlsx: importerad")
    shown = screen.decode("utf-8").replace("\xa0", " ")
    for stage in ("vecka 10.xlsx: Läser blad 1 av 1", "vecka 10.xlsx: Kontrollerar bladet 'Händelser'",
                  "vecka 10.xlsx: Skriver till databasen"):
        assert stage in shown, shown
    assert "2 001 av 2 001 rader" in shown and "2 000 av 2 000 rader" in shown
    assert "\r" in shown  # a bar redrawn in place, not lines scrolling past


def test_with_json_the_terminal_gets_nothing(database: Database, upload: Path) -> None:
    code, out, screen = run_at_terminal("--db", str(database.path), "import", "--json", str(upload))

    assert code == 0
    assert screen == b""
    assert json.loads(out)["status"] == "imported"


def test_with_standard_error_in_a_pipe_nothing_but_the_result_is_written(database: Database, upload: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "trygghet", "--db", str(database.path), "import", str(upload)],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0
    assert done.stderr == ""
    assert done.stdout.startswith("vecka 10.xlsx: importerad")


def test_ctrl_c_during_the_reading_stops_the_import_and_saves_nothing(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "stor.csv"
    lines = ["Datum;Tid;Stadsdel;Kategori;Källa;Händelse-ID"]
    lines += [f"2025-{1 + i % 12:02d}-{1 + i % 28:02d};12:00;Norrby;Klotter;Fältare;C-{i}" for i in range(300_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "trygghet", "--db", str(database.path), "import", str(path)],
                               cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 300
    # As a person would: Ctrl+C once the bar shows the file being read.
    while "Läser filen".encode() not in screen and time.monotonic() < deadline and process.poll() is None:
        if select.select([master], [], [], 0.2)[0]:
            screen += os.read(master, 65536)
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=120)
    os.close(master)

    assert "Läser filen".encode() in screen
    assert code == 130
    with database.read() as con:
        assert con.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM uploads)").fetchone() == (0, 0)
