"""The register of finished reports on a real database: the registered file is kept byte for byte,
a report made again after a later upload names what differs, and an unfinished period is refused."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from trygghet.core import clock, config
from trygghet.documents import archive
from trygghet.documents.report_period import ReportPeriod
from trygghet.ingest.importer import import_file
from trygghet.store.access import Actor
from trygghet.store.db import Database, init_database

ADMIN = Actor("Admin", "administratör")
TODAY = dt.date(2026, 11, 30)
T2 = ReportPeriod("tertial", 2026, 2)


def workbook(title: str, rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(db: Database, rows: list[list[object]], name: str) -> None:
    report = import_file(db, workbook("Händelser", [["Datum", "Stadsdel", "Kategori"], *rows]), name, actor=ADMIN,
                         today=TODAY)
    assert report.status == "imported", report.error


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())
    monkeypatch.setenv(config.CHARTS, "0")
    database = Database(tmp_path / "arkiv.duckdb")
    init_database(database)
    assert import_file(database, workbook("Stadsdelar", [["Stadsdel"], ["Norrby"], ["Hamnen"]]), "s.xlsx",
                       actor=ADMIN, today=TODAY).status == "imported"
    start = dt.date(2025, 1, 1)
    upload(database, [[start + dt.timedelta(days=d), "Norrby", "Skadegörelse"] for d in range(0, 600, 3)], "h.xlsx")
    return database


def test_a_registered_report_is_kept_and_a_later_upload_is_named(db: Database) -> None:
    data = archive.make(db, T2, (), "docx", today=TODAY)
    saved = archive.register(db, T2, (), "docx", data, "t2.docx", actor=ADMIN)
    assert archive.recheck(db, saved.id).same

    upload(db, [[dt.date(2026, 6, 3), "Hamnen", "Klotter"]], "rättelse.xlsx")
    result = archive.recheck(db, saved.id)
    assert not result.same and result.uploads_since == 1 and result.stored
    assert any(line.startswith("+ ") and "Hamnen" in line for line in result.changed), result.changed
    with db.read() as con:
        assert archive.stored_document(con, saved.id) == data
    assert archive.uploads_text(1) == "1 uppladdning har gjorts"
    assert archive.uploads_text(0) == "Ingen uppladdning har gjorts"


def test_an_unfinished_period_is_not_registered(db: Database) -> None:
    year = ReportPeriod("år", 2026)
    with pytest.raises(archive.UnfinishedPeriod, match="inte avslutad förrän 2026-12-31"):
        archive.register(db, year, (), "docx", b"utkast", "2026.docx",
                         now=dt.datetime(2026, 11, 30, 12), actor=ADMIN)
    with db.read() as con:
        assert archive.saved_reports(con).empty
