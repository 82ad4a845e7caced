"""A whole upload – read, validate, preview and import – in a separate process under hard limits.

The server never holds an uploaded file's cells: a 150 MB file parses into gigabytes of Python
objects, and memory a Python process has once taken seldom goes back to the system. So the
child (`python -m trygghet.ingest.import_entry`, started, limited and watched by the same machinery
as trygghet.ingest.read_worker) reads and validates the file, runs the import as a dry run for the
preview, and writes the prepared result to disk beside the file's bytes, in the upload's own
private folder. What comes back to the caller is small: the report and at most ten preview rows
per sheet. Importera starts a second child that loads that prepared result and writes it, so
the file is parsed once; the caller never loads it.

The child opens the database itself (the writer queue in trygghet.store.db orders it with the
server's readers and other writers) and checks the actor at the moment of the write, exactly
as the server would: the actor, its source and its display-only flag travel with the job.
Any end of the child other than a normal one becomes a Swedish message, as for reading.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import gc
import json
import logging
import os
import pickle
import shutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from trygghet.core import arrow, config
from trygghet.core.config import Limits
from trygghet.core.progress import ProgressCallback, Reporter
from trygghet.ingest.file_report import FileError, safe_file_name
from trygghet.ingest.read_worker import (
    EXIT_FAILED,
    EXIT_MEMORY,
    child_environment,
    child_progress,
    limit_self,
    load_result,
    run_child,
    write_result,
)
from trygghet.store import access
from trygghet.store.access import Actor
from trygghet.store.db import Database, DatabaseBusy

if TYPE_CHECKING:
    import pandas as pd

    from trygghet.ingest.file_report import FileReport

log = logging.getLogger(__name__)

WORKER = "trygghet.ingest.import_entry"
INPUT = "input"
PREPARED = "prepared.pickle"
UPLOAD = "upload.json"
PREVIEW_ROWS = 10
JOB_MEMORY_FACTOR = 2


@dataclass(frozen=True)
class JobOptions:
    limits: Limits | None = None
    today: dt.date | None = None
    kommun: str | None = None
    archive_dir: Path | None = None
    # Errors kept per sheet in the report that comes back (None: all). The count of rejected rows
    # stays exact, and all of them are stored with the import.
    max_errors: int | None = None
    # Hears the child's progress (trygghet.core.progress), in the caller's thread; `on_wait` is
    # called about four times a second while the child is quiet. Whatever either raises stops the
    # child, and nothing is written: the caller's way to stop a job.
    progress: ProgressCallback | None = None
    on_wait: Callable[[], None] | None = None


@dataclass
class Preview:
    report: FileReport
    previews: list[pd.DataFrame] = field(default_factory=list)  # at most PREVIEW_ROWS rows each
    importable: bool = False  # the upload's folder holds a prepared result for import_job


def preview_job(
    db: Database,
    source: bytes | BinaryIO | Path,
    file_name: str,
    actor: Actor,
    upload_dir: Path,
    options: JobOptions | None = None,
) -> Preview:
    """Reads, validates and dry-runs the file in a child process. The file's bytes and the prepared
    result stay in `upload_dir` (created here, private) for `import_job`; a rejected file leaves
    nothing there. Raises DatabaseBusy when the database could not be had for the dry run."""
    options = options or JobOptions()
    limits = _job_limits(options)
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        _put_input(source, upload_dir / INPUT, limits)
        # The name waits on disk as long as the preview does, so only without personal data; the
        # child gets it as uploaded, for the report to say what was masked in it.
        (upload_dir / UPLOAD).write_text(json.dumps({"file_name": safe_file_name(file_name)}), encoding="utf-8")
        status, value = _run_job(db, "preview", upload_dir, file_name, actor, options, limits)
    except BaseException:
        discard(upload_dir)
        raise
    if status == "busy":
        discard(upload_dir)
        raise DatabaseBusy(value)
    if status == "failed":
        discard(upload_dir)
        return Preview(_rejected(file_name, value))
    report, previews = value
    preview = Preview(report, previews, importable=(upload_dir / PREPARED).exists())
    if not preview.importable:
        discard(upload_dir)
    return preview


def import_job(
    db: Database,
    source: Path,
    actor: Actor,
    options: JobOptions | None = None,
    *,
    file_name: str | None = None,
) -> FileReport:
    """Imports in a child process. `source` is an upload folder from `preview_job` (its prepared
    result is written without parsing the file again, and the folder is removed afterwards) or a
    file on disk, which the child reads itself. Raises DatabaseBusy and AccessDenied as
    importer.apply does."""
    options = options or JobOptions()
    limits = _job_limits(options)
    stashed = source.is_dir()
    if stashed and file_name is None:
        with contextlib.suppress(OSError, ValueError):
            file_name = json.loads((source / UPLOAD).read_text(encoding="utf-8"))["file_name"]
    name = file_name or source.name
    try:
        status, value = _run_job(db, "import", source, name, actor, options, limits)
    finally:
        if stashed:
            discard(source)
    if status == "busy":
        raise DatabaseBusy(value)
    if status == "denied":
        raise access.AccessDenied(value)
    if status == "failed":
        return _rejected(name, value)
    return value


def import_files(
    db: Database, paths: list[Path], actor: Actor, options: JobOptions | None = None
) -> Iterator[FileReport]:
    """The command line's import: files on disk, in order, all in one child process, so that many
    files cost one interpreter start. A file the database was too busy for comes back rejected with
    the reason; AccessDenied is raised at the file it concerns. Should the child die, each file it
    had not finished runs again in a child of its own, so a hostile file fails alone."""
    options = options or JobOptions()
    limits = _job_limits(options)
    if not paths:
        return
    # The batch may use each file's share of time; a file that then fails runs again under its own.
    batch = replace(limits, read_cpu_seconds=limits.read_cpu_seconds * len(paths),
                    read_wall_seconds=limits.read_wall_seconds * len(paths))
    done: dict[int, tuple[str, Any]] = {}
    sources = [{"source": str(path.resolve()), "file_name": path.name} for path in paths]
    with tempfile.TemporaryDirectory(prefix="trygghet-jobb-") as tmp:
        folder = Path(tmp)
        job = _job(db, "import", sources, actor, options, batch)
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        with contextlib.suppress(FileError):  # the files without a result run again below
            run_child(WORKER, folder, batch, paths[0].name, env=_environment(),
                      progress=options.progress, on_wait=options.on_wait)
        for index in range(len(paths)):
            with contextlib.suppress(OSError, EOFError, pickle.UnpicklingError):
                done[index] = load_result(folder / str(index))
    for index, path in enumerate(paths):
        if index not in done:
            try:
                yield import_job(db, path, actor, options)
            except DatabaseBusy as exc:
                yield _rejected(path.name, str(exc))
            continue
        status, value = done[index]
        if status == "denied":
            raise access.AccessDenied(value)
        yield _rejected(path.name, value) if status == "busy" else value


def discard(upload_dir: Path) -> None:
    shutil.rmtree(upload_dir, ignore_errors=True)


def release_memory() -> None:
    """Collects garbage and hands freed heap back to the system: glibc keeps freed memory for
    reuse, so after a large job the process would otherwise stay as large as at its peak."""
    gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _put_input(source: bytes | BinaryIO | Path, target: Path, limits: Limits) -> None:
    """The file's bytes into the upload's folder, in chunks: the server makes no copy of them."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as out:
        if isinstance(source, bytes | bytearray | memoryview):
            out.write(source)
        elif isinstance(source, Path):
            with open(source, "rb") as stream:
                shutil.copyfileobj(stream, out, 2**20)
        else:
            source.seek(0)
            shutil.copyfileobj(source, out, 2**20)
            source.seek(0)


def _job_limits(options: JobOptions) -> Limits:
    """The reader's limits, with room for the rest of the job: besides reading, the child holds the
    validated rows and DuckDB's working memory for the dry run and the import, about as much again
    as reading a full sheet takes."""
    limits = options.limits or Limits.from_env()
    return replace(limits, read_memory_mb=limits.read_memory_mb * JOB_MEMORY_FACTOR)


def _rejected(file_name: str, message: str) -> FileReport:
    from trygghet.ingest.file_report import FileReport

    name = safe_file_name(file_name)
    return FileReport(name, "rejected", error=f"{name}: {message}")


def _run_job(
    db: Database, action: str, source: Path, file_name: str, actor: Actor, options: JobOptions, limits: Limits
) -> tuple[str, Any]:
    job = _job(db, action, [{"source": str(source.resolve()), "file_name": file_name}], actor, options, limits)
    with tempfile.TemporaryDirectory(prefix="trygghet-jobb-") as tmp:
        folder = Path(tmp)
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        try:
            run_child(WORKER, folder, limits, file_name, env=_environment(),
                      progress=options.progress, on_wait=options.on_wait)
        except FileError as exc:
            return "failed", str(exc)
        return load_result(folder / "0")


def _job(
    db: Database, action: str, sources: list[dict[str, str]], actor: Actor, options: JobOptions, limits: Limits
) -> dict[str, Any]:
    return {
        "action": action,
        "sources": sources,
        "db": str(db.path.resolve()),
        "read_timeout": db.read_timeout,
        "write_timeout": db.write_timeout,
        "actor": {"name": actor.name, "role": actor.role, "source": actor.source, "display_only": actor.display_only},
        # Log-in methods the server knows of (OpenID Connect in its secrets) are not known to the
        # child; what they say now travels with the job, so the open demo ends there as here.
        "login_configured": access.login_configured(),
        "limits": limits.as_dict(),
        "today": options.today.isoformat() if options.today else None,
        "kommun": options.kommun,
        "archive_dir": str(options.archive_dir.resolve()) if options.archive_dir else None,
        "max_errors": options.max_errors,
        "progress": options.progress is not None,
        "read_ahead": _read_ahead(action, sources[0]["source"]) if sources else None,
    }


def _read_ahead(action: str, source: str) -> str | None:
    """The file the child will parse first, for it to start on early; None when it parses none (an
    import of a previewed upload writes the prepared result)."""
    path = Path(source)
    if not path.is_dir():
        return source
    return str(path / INPUT) if action == "preview" else None


def _environment() -> dict[str, str]:
    env = child_environment()
    env[config.USERS] = str(access.users_file().resolve())  # the child runs in another folder
    return env


# ---------------------------------------------------------------- the child


def main(folder: Path, steps: Reporter | None = None) -> None:
    """The child's work. `steps`: the progress channel, when trygghet.ingest.import_entry opened it."""
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    limits = Limits(**job["limits"])
    limit_self(limits)
    arrow.pandas_free_process()  # pandas comes only with what needs it, such as the preview's tables
    flag = bool(job["login_configured"])
    access.register_login_check("server", lambda: flag)
    steps = steps or child_progress(bool(job.get("progress")))
    for index, source in enumerate(job["sources"]):
        steps.subject = safe_file_name(source["file_name"])
        try:
            outcome = _child_job({**job, **source}, limits, steps)
        except MemoryError:
            os._exit(EXIT_MEMORY)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(EXIT_FAILED)
        (folder / str(index)).mkdir()
        write_result(folder / str(index), outcome)
        del outcome


def _child_job(job: dict[str, Any], limits: Limits, steps: Reporter) -> tuple[str, object]:
    from trygghet.ingest import importer

    db = Database(Path(job["db"]), read_timeout=job["read_timeout"], write_timeout=job["write_timeout"])
    actor = Actor(**job["actor"])
    source = Path(job["source"])
    stashed = source.is_dir()
    read_options = {
        "limits": limits,
        "today": dt.date.fromisoformat(job["today"]) if job["today"] else None,
        "kommun": job["kommun"],
        "isolated": False,  # this process is the isolated one
        "progress": steps,
    }
    # The file is read from disk where it lies: its bytes are never all in this process's memory.
    data = source / INPUT if stashed else source
    try:
        with open(data, "rb"):
            pass
    except OSError as exc:
        name = safe_file_name(job["file_name"])
        return "ok", importer.FileReport(name, "rejected", error=f"{name}: Filen går inte att läsa ({exc.strerror}).")
    try:
        if job["action"] == "preview":
            return _child_preview(db, data, job, actor, source, read_options)
        prepared = _stashed(source / PREPARED, data) if stashed else None
        if prepared is None:
            prepared = importer.prepare(db, data, job["file_name"], **read_options)
        archive = Path(job["archive_dir"]) if job["archive_dir"] else None
        report = importer.apply(db, prepared, actor=actor, archive_dir=archive, progress=steps)
    except DatabaseBusy as exc:
        return "busy", str(exc)
    except access.AccessDenied as exc:
        return "denied", str(exc)
    return "ok", _trim_errors(report, job["max_errors"])


def _child_preview(
    db: Database, data: Path, job: dict[str, Any], actor: Actor, folder: Path, read_options: dict[str, Any]
) -> tuple[str, object]:
    from trygghet.ingest import importer

    prepared = importer.prepare(db, data, job["file_name"], **read_options)
    report = prepared.report
    if report.status != "rejected":
        try:
            importer.apply(db, prepared, actor=actor, dry_run=True, progress=read_options["progress"])
        except access.AccessDenied as exc:
            report.status, report.error = "rejected", f"{prepared.file_name}: {exc}"
    if report.status != "rejected":
        _write_prepared(folder / PREPARED, prepared)
    previews = [importer.preview(sheet, PREVIEW_ROWS) for sheet in prepared.parsed]
    return "ok", (_trim_errors(report, job["max_errors"]), previews)


def _write_prepared(path: Path, prepared: Any) -> None:
    partial = path.with_suffix(".tmp")
    with open(partial, "wb") as stream:
        pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True  # no memo: the parsed sheets hold no cycles, and a memo costs as much again
        # The bytes are in the folder already, beside it.
        pickler.dump(replace(prepared, data=b"", raw=None, path=None,
                             parsed=[_compact(sheet) for sheet in prepared.parsed]))
    partial.replace(path)


def _compact(sheet: Any) -> Any:
    """A parsed sheet whose text columns are Arrow arrays: pickled without a memo, an array of Python
    strings writes the same district once per row and reads back as that many strings."""
    if not sheet.columns:
        return sheet
    import numpy as np

    pa = arrow.load()
    columns = {}
    for name, values in sheet.columns.items():
        if isinstance(values, np.ndarray) and values.dtype == object:
            with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
                values = pa.array(values, type=pa.string())
        columns[name] = values
    return replace(sheet, columns=columns)


def _stashed(path: Path, data: Path) -> Any:
    """The prepared file the preview left, reading its bytes from `data`; None when it is missing or
    was prepared from other bytes."""
    from trygghet.ingest.importer import file_sha256

    try:
        with open(path, "rb") as stream:
            prepared = pickle.load(stream)  # written by the preview's child, in a folder only we can read
    except (OSError, EOFError, pickle.UnpicklingError, ImportError, AttributeError):
        # ImportError/AttributeError: left by a release whose classes have since moved; read the file again.
        return None
    if file_sha256(data) != prepared.sha256:
        return None
    prepared.path = data
    return prepared


def _trim_errors(report: FileReport, most: int | None) -> FileReport:
    if most is None:
        return report
    for sheet in report.sheets:
        if len(sheet.errors) > most:
            sheet.notes.append(
                f"Här visas de första {most:,} felen av {len(sheet.errors):,}. Alla avvisade rader och deras fel "
                "finns i Excelfilen med avvisade rader efter importen.".replace(",", " ")
            )
            del sheet.errors[most:]
    return report


if __name__ == "__main__":
    main(Path(sys.argv[1]))
