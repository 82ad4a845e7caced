"""Reading an uploaded file in a separate process under hard limits.

The workbook reader is native code: a hostile file can make it ask for hundreds of
gigabytes and abort, which in the app's own process would stop the server for everyone.
So the file is parsed in a fresh Python process (`python -m trygghet.ingest.read_worker`) that
limits its own address space and CPU time; the caller waits for it with a wall-time
limit and kills it when that runs out. Whatever happens to the child (a signal, an
exhausted limit, an exception) becomes a FileError with a Swedish message, and the
caller goes on.

A fresh interpreter rather than multiprocessing: the server is multithreaded, so forking
it is unsafe, and multiprocessing's spawn and forkserver children re-import the parent's
__main__ (Streamlit's command line) before they start. The file and the job go to the
child through a private temporary folder, the result comes back as one pickle written
there (without pickle's memo, which would cost as much memory as the cells again).

`run_child`, `limit_self` and `write_result` are shared with trygghet.ingest.import_worker, which
runs a whole upload (read, validate, preview, import) in such a child, so that the server
never holds the file's cells at all.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from trygghet.core import config
from trygghet.core.config import Limits
from trygghet.core.progress import Progress, ProgressCallback, Reporter
from trygghet.ingest.file_report import FileError

if TYPE_CHECKING:
    from trygghet.ingest.reader import RawFile

log = logging.getLogger(__name__)

READ_FILE = "trygghet.ingest.reader:read_file"
_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the trygghet package
EXIT_MEMORY = 3
EXIT_FAILED = 4
_RESAVE = "Öppna filen i Excel, spara om den som .xlsx och ladda upp den igen."
# How often a caller that waits for a child with `on_wait` is called back while the child is quiet.
WAIT_TICK = 0.25


def read_isolated(
    data: bytes, file_name: str, limits: Limits | None = None, *, entry: str = READ_FILE,
    progress: ProgressCallback | None = None,
) -> RawFile:
    """`entry` ("module:function", called as function(data, file_name, limits)) run in a child
    process under `limits`; its RawFile, or FileError with a Swedish message for any failure.
    `progress` hears the reader's progress as the child reports it."""
    # The reader (and NumPy with it) is loaded by the processes that read, not by every caller.
    from trygghet.ingest.reader import check_size

    limits = limits or Limits.from_env()
    check_size(data, limits)
    with tempfile.TemporaryDirectory(prefix="trygghet-read-") as tmp:
        folder = Path(tmp)
        (folder / "input").write_bytes(data)
        job = {"entry": entry, "file_name": file_name, "limits": limits.as_dict(), "progress": progress is not None}
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        run_child("trygghet.ingest.read_worker", folder, limits, file_name, progress=progress)
        status, value = load_result(folder)
        if status == "error":
            raise FileError(value)
        return value


def run_child(
    module: str,
    folder: Path,
    limits: Limits,
    file_name: str,
    env: dict[str, str] | None = None,
    *,
    progress: ProgressCallback | None = None,
    on_wait: Callable[[], None] | None = None,
) -> int:
    """Runs `python -m module folder` and waits at most the wall-time limit. Returns 0 when the
    child finished; raises FileError with a Swedish message for any other end (the child's
    stderr is kept in the folder and logged).

    With `progress`, the child's progress events (lines on its standard output) reach it as they
    come; `on_wait` is called about every WAIT_TICK seconds meanwhile, so that a caller can look
    for a request to stop. Anything either of them raises stops the child and goes on up."""
    with open(folder / "stderr", "wb") as errors:
        listening = progress is not None or on_wait is not None
        process = subprocess.Popen(
            [sys.executable, "-m", module, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if listening else subprocess.DEVNULL,
            stderr=errors,
            cwd=_ROOT,
            env=env or child_environment(),
        )
        try:
            if listening:
                code = _follow(process, limits.read_wall_seconds, progress, on_wait)
            else:
                code = process.wait(timeout=limits.read_wall_seconds)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if process.poll() is None:  # timed out, stopped, or the caller was interrupted
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
    if code is None:
        raise FileError(
            f"Filen kunde inte läsas: läsningen tog längre än tillåtna {limits.read_wall_seconds} sekunder "
            f"och avbröts. Dela upp filen i flera mindre filer, eller {_RESAVE[0].lower()}{_RESAVE[1:]}"
        )
    if code != 0:
        _failure(folder, code, limits, file_name)
    return code


def _follow(
    process: subprocess.Popen[bytes],
    seconds: float,
    progress: ProgressCallback | None,
    on_wait: Callable[[], None] | None,
) -> int:
    """Waits for the child while handing its progress events to `progress`, in this thread."""
    deadline = time.monotonic() + seconds
    events: queue.Queue[Progress | None] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=_read_events, args=(process.stdout, events), daemon=True)
    reader.start()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise subprocess.TimeoutExpired(process.args, seconds)
        try:
            event = events.get(timeout=min(WAIT_TICK, left))
        except queue.Empty:
            if on_wait is not None:
                on_wait()
            continue
        if event is None:  # the child closed its end: it has ended, or is about to
            break
        if progress is not None:
            progress(event)
    return process.wait(timeout=max(0.1, deadline - time.monotonic()))


def _read_events(stream: IO[bytes], events: queue.Queue[Progress | None]) -> None:
    try:
        for line in stream:
            event = Progress.from_line(line)
            if event is not None:
                events.put(event)
    except (OSError, ValueError):
        pass  # the stream was closed under us: the caller has stopped the child
    finally:
        events.put(None)


def child_progress(enabled: bool, subject: str = "") -> Reporter:
    """In a child: a Reporter whose events go to the parent as lines on the child's standard
    output. Anything else the child's libraries print there goes to its standard error instead."""
    if not enabled:
        return Reporter()
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(event: Progress) -> None:
        channel.write(event.to_line())

    return Reporter(send, subject=subject)


def load_result(folder: Path) -> tuple[str, Any]:
    """The (status, value) pair a child that ended normally wrote with `write_result`."""
    with open(folder / "result.pickle", "rb") as stream:
        return pickle.load(stream)  # written by our own child a moment ago


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    # The child's parent, so that the child can end itself when the parent is gone (see die_with_parent).
    env[config.WORKER_PARENT] = str(os.getpid())
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _failure(folder: Path, code: int, limits: Limits, file_name: str) -> NoReturn:
    # The server's log outlives every retention rule, and a traceback quotes cells as read and the
    # file's name as uploaded: both are logged through the personal-data guard. Imported here, in
    # the parent only, so the child stays light.
    from trygghet.core.privacy import scrub

    errors = scrub(_tail(folder / "stderr"))[0]
    file_name = scrub(file_name)[0]
    if code > 0 and code != EXIT_MEMORY:
        log.error("Reading %s failed in the worker (exit %s):\n%s", file_name, code, errors)
        raise FileError(f"Filen kunde inte läsas: ett oväntat fel uppstod när den lästes. {_RESAVE}")
    signal_number = -code
    if signal_number == signal.SIGXCPU:
        raise FileError(
            f"Filen kunde inte läsas: den kräver mer än tillåtna {limits.read_cpu_seconds} sekunders "
            f"beräkningstid. Dela upp filen i flera mindre filer, eller {_RESAVE[0].lower()}{_RESAVE[1:]}"
        )
    # Rust reports a failed allocation on stderr and aborts; the kernel's OOM killer sends SIGKILL.
    if code == EXIT_MEMORY or signal_number == signal.SIGKILL or "memory allocation" in errors:
        raise FileError(
            f"Filen kunde inte läsas: den kräver mer minne än tillåtet ({limits.read_memory_mb} MB). "
            "Oftast har ett blad celler långt ut till höger eller långt ned, eller så är filen mycket stor. "
            "Spara om den i Excel efter att ha tagit bort tomma rader och kolumner efter dina data, eller "
            "dela upp den i flera filer, och ladda upp den igen."
        )
    log.error("Reading %s crashed the worker (signal %s):\n%s", file_name, signal_number, errors)
    raise FileError(
        "Filen kunde inte läsas: läsaren kraschade på den, troligen för att filen är skadad. "
        f"Ingenting har sparats. {_RESAVE}"
    )


def _tail(path: Path, size: int = 8000) -> str:
    """The start and the end of the child's stderr: a Rust backtrace puts the reason before it."""
    try:
        with open(path, "rb") as stream:
            text = stream.read(size)
            length = path.stat().st_size
            if length > 2 * size:
                stream.seek(length - size)
                text += b"\n[...]\n"
            text += stream.read(size)
    except OSError:
        return ""
    return text.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the child


def die_with_parent() -> None:
    """A killed import (the CLI ended with SIGKILL, the server stopped) must not go on writing on
    its own: on Linux the kernel kills the child with its parent; elsewhere the parent's wait ends it."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    # The parent may have died before prctl took effect; then this child now has another parent.
    expected = config.worker_parent()
    if expected is not None and os.getppid() != expected:
        os._exit(EXIT_FAILED)


def limit_self(limits: Limits) -> None:
    die_with_parent()
    try:
        import resource
    except ImportError:  # Windows: only the wall-time limit holds there
        return

    def lower(kind: int, soft: int, hard: int) -> None:
        _, current = resource.getrlimit(kind)
        if current != resource.RLIM_INFINITY:
            soft, hard = min(soft, current), min(hard, current)
        resource.setrlimit(kind, (soft, hard))

    memory = limits.read_memory_mb * 2**20
    lower(resource.RLIMIT_AS, memory, memory)
    # The soft limit sends SIGXCPU, which we name; the hard one kills a child that ignores it.
    lower(resource.RLIMIT_CPU, limits.read_cpu_seconds, limits.read_cpu_seconds + 5)
    lower(resource.RLIMIT_CORE, 0, 0)  # an aborting reader leaves no core file with the upload in it


def _resolve(entry: str) -> Callable[..., RawFile]:
    module, _, name = entry.partition(":")
    return getattr(importlib.import_module(module), name)


def main(folder: Path) -> None:
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    limits = Limits(**job["limits"])
    limit_self(limits)
    steps = child_progress(bool(job.get("progress")))
    try:
        reader = _resolve(job["entry"])
        if job["entry"] == READ_FILE:
            # The file is read from disk by the workbook reader, never held here whole.
            outcome: tuple[str, object] = ("ok", reader(folder / "input", job["file_name"], limits, steps))
        else:
            data = (folder / "input").read_bytes()
            outcome = ("ok", reader(data, job["file_name"], limits))
            del data
    except FileError as exc:
        outcome = ("error", str(exc))
    except MemoryError:
        os._exit(EXIT_MEMORY)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(EXIT_FAILED)
    write_result(folder, outcome)


def write_result(folder: Path, outcome: tuple[str, object]) -> None:
    """The child's answer, written whole or not at all; a MemoryError ends the child as out of memory."""
    try:
        with open(folder / "result.tmp", "wb") as stream:
            pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = True  # no memo: the results hold no cycles, and the memo would double the memory
            pickler.dump(outcome)
        os.replace(folder / "result.tmp", folder / "result.pickle")
    except MemoryError:
        os._exit(EXIT_MEMORY)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
