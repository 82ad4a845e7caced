"""The lägesbild's context as uploads: Befolkning, Referensstatistik, Kontextindikatorer and
Trygghetsmätning per grupp, imported from a real workbook into a real database, with Swedish row
errors, idempotent re-imports, the set-up role, undo, and the report's rates from them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from trygghet.documents.model import Heading, Table
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod
from trygghet.ingest.importer import import_file
from trygghet.ingest.undo import undo_upload
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, init_database

ADMIN = Actor("Admin", "administratör")
EDITOR = Actor("Samordnare", "redigerare")
TODAY = dt.date(2026, 11, 30)


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CONTEXT = {
    "Befolkning": [["Stadsdel", "År", "Invånare"], ["Norrby", 2025, 12000], ["Hamnen", 2025, 8000],
                   ["Norrby", 2026, 12500], ["Norby", 2026, 100], ["Hamnen", 2026, -5], ["Hamnen", "tjugo", 5]],
    "Referensstatistik": [["Mått", "Område", "Nivå", "År", "Värde", "Enhet", "Källa"],
                          ["Anmälda brott totalt", "Solviks kommun", None, 2025, 11250, None, "Brå"],
                          ["Anmälda brott totalt", "Västra Götalands län", None, 2025, 13300, None, None],
                          ["Anmälda brott totalt", "Riket", None, 2025, 13900, None, None],
                          ["Otrygg ute sent en kväll", "Riket", "riket", 2025, 28.4, None, "NTU"],
                          ["Anmälda brott totalt", "Riket", "region", 2024, 14000, None, None]],
    "Kontextindikatorer": [["Indikator", "Stadsdel", "År", "Värde", "Enhet", "Källa"],
                           ["Andel med ekonomiskt bistånd", "Norrby", 2025, 5.2, "%", "Socialstyrelsen"],
                           ["Andel med ekonomiskt bistånd", "Hela kommunen", 2025, 3.4, "%", "Socialstyrelsen"],
                           ["Andel med ekonomiskt bistånd", "Norrby", 2025, 5.3, "%", "Socialstyrelsen"]],
    "Trygghetsmätning per grupp": [["Period", "Stadsdel", "Indikator", "Indelning", "Grupp", "Värde", "Antal svar"],
                                   [2025, "Norrby", "Känner sig trygg utomhus på kvällen", "Kön", "Kvinnor", 57.5, 210],
                                   [2025, "Norrby", "Känner sig trygg utomhus på kvällen", "Kön", "Män", 120, 190]],
}


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "kontext.duckdb")
    init_database(database)
    report = import_file(database, workbook({"Stadsdelar": [["Stadsdel"], ["Norrby"], ["Hamnen"]]}), "lista.xlsx",
                         actor=ADMIN, today=TODAY)
    assert report.status == "imported"
    return database


def rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql).fetchall()


def test_context_sheets_import_with_swedish_row_errors(db: Database) -> None:
    report = import_file(db, workbook(CONTEXT), "kontext.xlsx", actor=ADMIN, today=TODAY)
    assert report.status == "imported", report.error
    by_kind = {s.kind: s for s in report.sheets}
    assert {k: (s.imported, s.rejected) for k, s in by_kind.items()} == {
        "population": (3, 3), "reference": (4, 1), "context": (2, 1), "survey_groups": (1, 1)}
    messages = {k: " ".join(e.message for e in s.errors) for k, s in by_kind.items()}
    assert "Okänd stadsdel 'Norby' – menade du 'Norrby'?" in messages["population"]
    assert "kan inte vara negativt" in messages["population"] and "'tjugo' är inte ett tal" in messages["population"]
    assert "Okänd nivå 'region'. Skriv kommun, län eller riket." in messages["reference"]
    assert "Samma kombination av indikator, stadsdel och år finns redan på rad 2" in messages["context"]
    assert "inte mellan 0 och 100 procent" in messages["survey_groups"]
    assert rows(db, "SELECT district, year, population FROM population ORDER BY 1, 2") == [
        ("Hamnen", 2025, 8000), ("Norrby", 2025, 12000), ("Norrby", 2026, 12500)]
    assert rows(db, "SELECT source, area, level, value, unit FROM reference_statistics ORDER BY source, value") == [
        ("Brå", "Solviks kommun", "kommun", 11250.0, "per 100 000 invånare"),
        ("Brå", "Västra Götalands län", "län", 13300.0, "per 100 000 invånare"),
        ("Brå", "Riket", "riket", 13900.0, "per 100 000 invånare"),
        ("NTU", "Riket", "riket", 28.4, "%")]
    assert rows(db, "SELECT district, value FROM context_indicators ORDER BY 1") == [("Hela kommunen", 3.4),
                                                                                    ("Norrby", 5.2)]
    assert rows(db, "SELECT grouping, group_name, value, respondents FROM survey_groups") == [
        ("Kön", "Kvinnor", 57.5, 210)]

    again = import_file(db, workbook(CONTEXT), "kontext-igen.xlsx", actor=ADMIN, today=TODAY)
    assert again.status == "unchanged"
    changed = {**CONTEXT, "Befolkning": [["Stadsdel", "År", "Invånare"], ["Norrby", 2026, 12600]]}
    update = import_file(db, workbook(changed), "rättad.xlsx", actor=ADMIN, today=TODAY)
    assert next(s for s in update.sheets if s.kind == "population").updated == 1
    assert rows(db, "SELECT population FROM population WHERE district = 'Norrby' AND year = 2026") == [(12600,)]

    undo_upload(db, report.upload_id or 0, ADMIN)
    assert rows(db, "SELECT count(*) FROM reference_statistics") == [(0,)]
    assert rows(db, "SELECT count(*) FROM population WHERE year = 2025") == [(0,)]


def test_population_is_set_up_data_for_administrators(db: Database) -> None:
    with pytest.raises(AccessDenied):
        import_file(db, workbook({"Befolkning": CONTEXT["Befolkning"][:2]}), "bef.xlsx", actor=EDITOR, today=TODAY)
    assert rows(db, "SELECT count(*) FROM population") == [(0,)]
    groups = import_file(db, workbook({"Trygghetsmätning per grupp": CONTEXT["Trygghetsmätning per grupp"][:2]}),
                         "grupp.xlsx", actor=EDITOR, today=TODAY)
    assert groups.status == "imported"


def test_the_report_counts_per_1000_inhabitants_from_the_uploaded_population(db: Database) -> None:
    import_file(db, workbook({"Befolkning": CONTEXT["Befolkning"][:4]}), "bef.xlsx", actor=ADMIN, today=TODAY)
    events = [["Datum", "Stadsdel", "Kategori"]]
    events += [[dt.date(2026, 6, d), "Norrby", "Skadegörelse"] for d in range(1, 26)]
    events += [[dt.date(2025, 6, d), "Norrby", "Klotter"] for d in range(1, 13)]
    # The data begins before the year-earlier window, so that it can be compared.
    events += [[dt.date(2025, 1, 7), "Hamnen", "Klotter"]]
    assert import_file(db, workbook({"Händelser": events}), "h.xlsx", actor=EDITOR, today=TODAY).status == "imported"
    with db.read() as con:
        doc = build_report(con, ReportPeriod("tertial", 2026, 2), ("Norrby",), today=TODAY)
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == "Per stadsdel")
    table = next(b for b in doc.blocks[start:] if isinstance(b, Table))
    # 25 events among 12 500 (2026) and 12 among 12 000 (2025): 2,0 and 1,0 per 1 000.
    [row] = table.rows
    assert row[:3] == ["Norrby", "25", "12"] and row[3].endswith("+13 (+108\u00a0%)")
    assert row[4:] == ["12\u00a0500", "2,0", "1,0"]
