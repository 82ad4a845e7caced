"""A name that starts like a formula survives the app's own workbooks: the template and the
rejected rows write it with a guarding apostrophe (export.neutralise), and the importer reads it
back without one (values.unquote_formula), so the re-uploaded row matches the known district."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from text_workbooks import text_workbook

from trygghet.ingest import excel_export as export
from trygghet.ingest import excel_template as templates
from trygghet.ingest.cells import FORMULA_START, unquote_formula
from trygghet.ingest.importer import import_file
from trygghet.store.db import Database

FORMULA_DISTRICT = '=HYPERLINK("http://127.0.0.1:9/x";"Länkby")'
MINUS_DISTRICT = "-Minusby"
AT_DISTRICT = "@Snabelby"
DAY = dt.date(2026, 11, 2)


def add_formula_districts(db: Database) -> None:
    report = import_file(db, text_workbook({"Stadsdelar": [["Stadsdel"], [FORMULA_DISTRICT], [MINUS_DISTRICT],
                                                      [AT_DISTRICT]]}), "stadsdelar.xlsx")
    assert report.status == "imported", report.error
    assert report.totals()["rejected"] == 0


def event_districts(db: Database) -> list[str]:
    with db.read() as con:
        return [r[0] for r in con.execute("SELECT district FROM events ORDER BY district").fetchall()]


def test_unquote_formula_takes_exactly_one_guarding_apostrophe() -> None:
    assert unquote_formula("'" + FORMULA_DISTRICT) == FORMULA_DISTRICT
    assert unquote_formula("'-5") == "-5"
    assert unquote_formula("'@x") == "@x"
    assert unquote_formula("''=x") == "''=x"  # not the app's guard: kept as typed
    assert unquote_formula("'Norrby'") == "'Norrby'"
    assert unquote_formula("'") == "'"
    assert unquote_formula(FORMULA_DISTRICT) == FORMULA_DISTRICT
    assert unquote_formula(-5.0) == -5.0
    assert unquote_formula(None) is None
    assert FORMULA_START == export._FORMULA_START


def test_a_template_row_with_a_formula_like_district_imports_to_that_district(database: Database) -> None:
    add_formula_districts(database)
    book = openpyxl.load_workbook(io.BytesIO(templates.build_template(templates.lists_from_database(database))))
    listed = [c.value for row in book[templates.LISTS_TITLE].iter_rows() for c in row if isinstance(c.value, str)]
    guarded = ["'" + FORMULA_DISTRICT, "'" + MINUS_DISTRICT, "'" + AT_DISTRICT]
    assert set(guarded) <= set(listed)  # the template guards them, as the drop-down copies them
    for title in book.sheetnames:  # the user fills in one sheet and keeps the lists
        if title not in ("Händelser", templates.LISTS_TITLE, templates.INSTRUCTIONS_TITLE):
            del book[title]
    events = book["Händelser"]
    header = [c.value for c in events[1]]
    for offset, district in enumerate(guarded):
        row = [None] * len(header)
        row[header.index("Datum")] = DAY
        row[header.index("Stadsdel")] = district
        row[header.index("Kategori")] = "Klotter"
        for col, value in enumerate(row, start=1):
            events.cell(3 + offset, col).value = value
    out = io.BytesIO()
    book.save(out)

    report = import_file(database, out.getvalue(), "mall.xlsx")

    assert report.status == "imported", report.error
    assert report.totals()["rejected"] == 0, [e.message for s in report.sheets for e in s.errors]
    assert event_districts(database) == sorted([FORMULA_DISTRICT, MINUS_DISTRICT, AT_DISTRICT])


def test_corrected_rejected_rows_import_to_the_formula_like_district(database: Database) -> None:
    add_formula_districts(database)
    first = import_file(database, text_workbook({"Händelser": [["Datum", "Stadsdel", "Kategori", "Plats"],
                                                          ["i förrgår", FORMULA_DISTRICT, "Klotter", "+Torget"]]}),
                        "handelser.xlsx")
    assert first.totals()["rejected"] == 1
    content = export.rejected_rows_xlsx(database, first.upload_id)
    assert content is not None
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Stadsdel") + 1).value == "'" + FORMULA_DISTRICT
    sheet.cell(2, header.index("Datum") + 1).value = DAY.isoformat()  # the user's correction
    out = io.BytesIO()
    book.save(out)

    again = import_file(database, out.getvalue(), "handelser-rattade.xlsx")

    assert again.status == "imported", again.error
    assert again.totals()["rejected"] == 0, [e.message for s in again.sheets for e in s.errors]
    assert event_districts(database) == [FORMULA_DISTRICT]
    with database.read() as con:
        assert con.execute("SELECT place FROM events").fetchone() == ("+Torget",)


@pytest.mark.parametrize("name", ["'Norrby", "O'Brien"])
def test_an_apostrophe_of_the_users_own_is_kept(database: Database, name: str) -> None:
    report = import_file(database, text_workbook({"Händelser": [["Datum", "Stadsdel", "Kategori", "Plats"],
                                                           [DAY, "Norrby", "Klotter", name]]}), "h.xlsx")
    assert report.totals()["imported"] == 1
    with database.read() as con:
        assert con.execute("SELECT place FROM events").fetchone() == (name,)
