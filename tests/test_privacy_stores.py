"""No personal data in the stores beside the database: the police feed the command line fetched,
a preview's folder while it waits, the server's log when a reader fails or a page raises, and the
upload and job folders a killed server or import left in the temporary folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from test_privacy_everywhere import ALL, ONE, leaks, police_feed, workbook

from trygghet import cli
from trygghet.ingest import import_worker
from trygghet.ingest.polisen import fetch
from trygghet.ingest.read_worker import read_isolated
from trygghet.ingest.reader import FileError
from trygghet.store import upload_stash
from trygghet.store.access import Actor
from trygghet.store.db import Database

EDITOR = Actor("Samordnare", "administratör")


def files_with_leaks(root: Path, skip: str = "uploads") -> dict[str, list[str]]:
    """Every file under root (but the archive of original files) whose name or bytes hold a planted value."""
    found: dict[str, list[str]] = {}
    for path in root.rglob("*"):
        if skip in path.relative_to(root).parts or path.suffix == ".duckdb":
            continue  # the archive keeps originals by its own rule; databases are scanned by table elsewhere
        hits = leaks(path.name) + (leaks(path.read_bytes().decode("utf-8", "replace")) if path.is_file() else [])
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def test_the_command_line_fetch_keeps_no_unscrubbed_copy_of_the_feed(
        database: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(fetch, "fetch", lambda ort, **kwargs: police_feed())
    assert cli.main(["--db", str(database.path), "polisen", "--ort", "Göteborg"]) == 0
    output = capsys.readouterr()
    assert "imported" in output.out or "importerad" in output.out
    assert (database.path.parent / "uploads").is_dir()  # the original went to the archive, as an upload does
    assert files_with_leaks(database.path.parent) == {}
    assert not leaks(output.out + output.err)


def test_a_waiting_preview_keeps_the_file_but_no_name_with_personal_data(database: Database, tmp_path: Path) -> None:
    folder = tmp_path / "stash" / "upload"
    name = f"rapport {ONE} anna.svensson@example.se.xlsx"
    preview = import_worker.preview_job(database, workbook(), name, EDITOR, folder)
    assert preview.importable
    assert "Personuppgifter togs bort i filnamnet" in " ".join(preview.report.notes)
    # The uploaded bytes wait as uploaded (like the archive); nothing else there holds personal data.
    assert files_with_leaks(folder, skip=import_worker.INPUT) == {}
    report = import_worker.import_job(database, folder, EDITOR)
    assert report.status == "imported" and not folder.exists()
    assert not leaks(report.file)


def test_a_failing_reader_logs_neither_the_cells_nor_the_file_name(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(FileError):
        read_isolated(ALL.encode(), f"rapport {ONE}.xlsx", entry="tests.worker_entries:fail_quoting")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "cannot parse" in logged and "borttaget" in logged  # the child's traceback is logged, masked
    assert not leaks(logged)


def test_the_app_log_masks_messages_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    from trygghet.ui import shell
    try:
        raise ValueError(f"Could not convert string '{ALL}'")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            shell.log.exception("Sidan kunde inte visas: %s", ONE)
    text = caplog.text
    assert "Could not convert string" in text and "Sidan kunde inte visas" in text
    assert not leaks(text), text


def _folder(root: Path, name: str, age: float, now: float) -> Path:
    path = root / name
    path.mkdir()
    (path / "input").write_text(ALL, encoding="utf-8")
    for target in (path / "input", path):
        os.utime(target, (now - age, now - age))
    return path


def test_upload_and_job_folders_a_killed_server_left_are_swept(tmp_path: Path) -> None:
    now = 2_000_000_000.0  # a fixed moment: the ages are set relative to it
    day = 24 * 3600
    stale = [_folder(tmp_path, "trygghet-uppladdning-abc", 2 * day, now),
             _folder(tmp_path, "trygghet-jobb-def", day + 60, now),
             _folder(tmp_path, "trygghet-polisen-ghi", 3 * day, now)]
    fresh = _folder(tmp_path, "trygghet-uppladdning-new", 60, now)
    other = _folder(tmp_path, "annat-program", 10 * day, now)
    assert upload_stash.sweep_stale(tmp_path, now=now) == 3
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and other.exists()


def test_a_feed_without_a_municipality_names_the_tab_where_it_is_set(database: Database) -> None:
    from trygghet.ingest.importer import import_file

    report = import_file(database, police_feed(), "polisen.json", actor=EDITOR)
    assert report.status == "rejected"
    assert "sidan Data (fliken Inställningar, Polisens händelser)" in report.error  # the tab is not Mall
