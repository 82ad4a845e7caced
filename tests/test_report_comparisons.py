"""The report's comparisons with the year before, on a real database from real workbooks: a first
report whose year-earlier window starts before the data begins compares nothing (never 0, never
flagged), no period change is flagged while its variation cannot be estimated from before the
period, and an unfinished period is a draft while a finished one with early-ending data is not."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from trygghet.core import clock
from trygghet.documents.model import Document, Heading, Table
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod
from trygghet.documents.report_queries import NO_FLAG_TEXT
from trygghet.ingest.importer import import_file
from trygghet.store.access import Actor
from trygghet.store.db import Database, init_database

ADMIN = Actor("Admin", "administratör")
EDITOR = Actor("Samordnare", "redigerare")
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


def database(tmp_path: Path, rows: list[tuple[dt.date, str, str]]) -> Database:
    db = Database(tmp_path / "rapport.duckdb")
    init_database(db)
    districts = workbook("Stadsdelar", [["Stadsdel"], ["Norrby"], ["Hamnen"]])
    assert import_file(db, districts, "lista.xlsx", actor=ADMIN, today=TODAY).status == "imported"
    events = workbook("Händelser", [["Datum", "Stadsdel", "Kategori"], *(list(r) for r in rows)])
    report = import_file(db, events, "h.xlsx", actor=EDITOR, today=TODAY)
    assert report.status == "imported", report.error
    return db


def days(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    return [first + dt.timedelta(days=d) for d in range(0, (last - first).days + 1, step)]


def table_after(doc: Document, heading: str) -> Table:
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == heading)
    return next(b for b in doc.blocks[start:] if isinstance(b, Table))


@pytest.fixture
def new_municipality(tmp_path: Path) -> Database:
    """A municipality whose data begins on 2026-02-02: tertial 2 has nothing a year earlier to meet."""
    rows = [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2026, 2, 2), dt.date(2026, 8, 31))]
    rows += [(d, "Hamnen", "Klotter") for d in days(dt.date(2026, 2, 2), dt.date(2026, 8, 31), 3)]
    return database(tmp_path, rows)


def test_a_first_report_compares_nothing_before_the_data_begins(new_municipality: Database) -> None:
    with new_municipality.read() as con:
        doc = build_report(con, T2, today=TODAY)
    text = doc.text()
    assert "ingen jämförelse – data från och med 2026-02-02" in text
    assert "Statistiskt säker ökning" not in text and "mot 0 " not in text
    for heading in ("Per stadsdel", "Per kategori"):
        table = table_after(doc, heading)
        assert table.rows and all(row[2] == "–" and row[3] == "ingen jämförelse" for row in table.rows), table.rows
        assert not any(table.highlight or [])
    [monthly] = [f for f in doc.figures if f.title == "Händelser per månad"]
    assert len(monthly.table.rows) == 4 and all(row[2] == "–" for row in monthly.table.rows)
    assert "ingen jämförelse" in monthly.alt and "året före)" not in monthly.alt


def test_a_large_rise_is_not_flagged_while_its_variation_is_unknown(tmp_path: Path) -> None:
    """The week-to-week variation at hand includes the tested period itself: the report says so and
    marks nothing, even a tripling."""
    rows = [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2024, 1, 1), dt.date(2025, 12, 31), 3)]
    rows += [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2026, 1, 1), dt.date(2026, 11, 29))]
    db = database(tmp_path, rows)
    with db.read() as con:
        doc = build_report(con, T2, today=TODAY)
    table = table_after(doc, "Per stadsdel")
    [row] = table.rows
    assert int(row[1]) > 2 * int(row[2])
    assert not any(table.highlight or []) and not row[3].startswith("▲")
    assert NO_FLAG_TEXT in doc.text()
    assert "Statistiskt säker ökning i" not in doc.text()


def test_an_unfinished_period_is_a_draft_and_a_finished_one_with_early_data_is_not(tmp_path: Path) -> None:
    rows = [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2025, 1, 1), dt.date(2026, 10, 15), 2)]
    db = database(tmp_path, rows)
    with db.read() as con:
        year = build_report(con, ReportPeriod("år", 2026), today=TODAY)
        finished = build_report(con, T2, today=TODAY)
        t3_later = build_report(con, ReportPeriod("tertial", 2026, 3), today=dt.date(2027, 1, 10))
    assert "Utkast – perioden är inte avslutad" in year.text()
    assert "Utkast" not in finished.text()
    assert "Utkast" not in t3_later.text()
    assert "Data till och med 2026-10-15" in t3_later.text()
    assert ("Perioden slutar", "2026-08-31") in finished.meta


def test_the_sources_list_the_expected_reporters_silent_ones_included(tmp_path: Path) -> None:
    db = Database(tmp_path / "rapport.duckdb")
    init_database(db)
    setup = workbook("Rapportörer", [["Rapportör", "Intervall"], ["Skola", "vecka"], ["Väktarbolaget", "vecka"]])
    assert import_file(db, setup, "rapportorer.xlsx", actor=ADMIN, today=TODAY).status == "imported"
    districts = workbook("Stadsdelar", [["Stadsdel"], ["Norrby"]])
    assert import_file(db, districts, "lista.xlsx", actor=ADMIN, today=TODAY).status == "imported"
    rows = [[d, "Norrby", "Skadegörelse", "Skola"] for d in days(dt.date(2025, 1, 6), dt.date(2026, 8, 31), 7)]
    rows += [[d, "Norrby", "Klotter", "Väktarbolaget"] for d in days(dt.date(2025, 5, 5), dt.date(2025, 6, 30), 7)]
    events = workbook("Händelser", [["Datum", "Stadsdel", "Kategori", "Källa"], *rows])
    assert import_file(db, events, "h.xlsx", actor=EDITOR, today=TODAY).status == "imported"
    with db.read() as con:
        doc = build_report(con, T2, today=TODAY)
    table = table_after(doc, "Om underlaget")
    by_source = {row[0]: row for row in table.rows}
    # Tertial 2 2026 has 17 weeks whose Thursday lies in it (4 May – 30 August); 2025's has 18 (5 May –
    # 7 September's week excluded). The weekly school has every one; the guard had 9 in 2025, none now.
    assert by_source["Skola"][3] == "17 av 17 veckor"
    assert by_source["Skola"][4] == "18 av 18 veckor"
    assert by_source["Väktarbolaget"][1] == "0" and by_source["Väktarbolaget"][3] == "0 av 17 veckor"
    assert by_source["Väktarbolaget"][4] == "9 av 18 veckor"
    assert "Förväntade rapportörer utan händelser under perioden: Väktarbolaget." in doc.text()


@pytest.mark.parametrize("seconds_apart", [0, 5])
def test_an_old_reports_effect_uses_the_intervention_as_it_stood_then(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds_apart: int) -> None:
    """Moving an intervention to another district after the period must not change its measured effect
    in the period's report, also when the move is uploaded in the second it was registered (timestamps
    are whole seconds; a fast machine did that, and the report took the moved district)."""
    current = {"now": dt.datetime(2026, 12, 1, 9, 0, 0)}
    monkeypatch.setattr(clock, "now", lambda: current["now"])
    rows = [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2025, 1, 1), dt.date(2026, 11, 29))]
    rows += [(d, "Hamnen", "Skadegörelse") for d in days(dt.date(2025, 1, 1), dt.date(2026, 11, 29), 5)]
    rows += [(d, "Norrby", "Skadegörelse") for d in days(dt.date(2026, 6, 1), dt.date(2026, 7, 31))]
    db = database(tmp_path, rows)
    header = ["Insats-ID", "Insats", "Stadsdel", "Status", "Startdatum", "Slutdatum"]
    first = workbook("Insatser", [header, ["INS-1", "Kameror vid Norrby torg", "Norrby", "Avslutad",
                                           dt.date(2026, 6, 1), dt.date(2026, 7, 31)]])
    assert import_file(db, first, "insatser.xlsx", actor=EDITOR, today=dt.date(2026, 8, 1)).status == "imported"

    def effect() -> str:
        with db.read() as con:
            doc = build_report(con, T2, today=TODAY)
        table = table_after(doc, "Insatser under perioden och uppmätt effekt")
        [row] = [r for r in table.rows if "Kameror" in r[0]]
        return row[-1]

    before = effect()
    current["now"] = dt.datetime(2026, 12, 1, 9, 0, seconds_apart)
    moved = workbook("Insatser", [header, ["INS-1", "Kameror vid Norrby torg", "Hamnen", "Avslutad",
                                           dt.date(2026, 6, 1), dt.date(2026, 7, 31)]])
    assert import_file(db, moved, "insatser2.xlsx", actor=EDITOR, today=TODAY).status == "imported"
    with db.read() as con:
        assert con.execute("SELECT district FROM interventions WHERE id = 'INS-1'").fetchone()[0] == "Hamnen"
    assert effect() == before
