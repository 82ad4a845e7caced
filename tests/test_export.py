"""Downloads: the rejected-rows workbook can be fixed and uploaded again; no cell runs as a formula."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

from trygghet.ingest import excel_export as export
from trygghet.ingest.importer import import_file
from trygghet.store.db import Database


def test_rejected_rows_workbook_holds_original_rows_and_a_fel_column(
    database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    rows = [
        ["Rapport vecka 12"],
        [],
        ["Datum", "Stadsdel", "Kategori", "Plats"],
        [dt.date(2026, 3, 16), "Norrby", "Klotter", "Torget"],
        [dt.date(2026, 3, 17), "Norby", "Klotter", "Skolan"],
        [dt.date(2026, 3, 18), "Hamnen", "Grafitti", None],
    ]
    report = import_file(database, make_xlsx({"Händelser": rows}), "v12.xlsx")
    assert report.totals()["rejected"] == 2

    content = export.rejected_rows_xlsx(database, report.upload_id)
    assert content is not None
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Händelser").to_python()
    assert sheet[0] == ["Datum", "Stadsdel", "Kategori", "Plats", "Fel", "Rad i originalfilen"]
    assert sheet[1][:4] == ["2026-03-17", "Norby", "Klotter", "Skolan"]
    assert "Okänd stadsdel 'Norby' – menade du 'Norrby'?" in sheet[1][4]
    assert sheet[1][5] == 5
    assert sheet[2][:3] == ["2026-03-18", "Hamnen", "Grafitti"] and sheet[2][3] == ""
    assert "Kategori" in sheet[2][4] and sheet[2][5] == 6


def test_corrected_rejected_rows_can_be_uploaded_again(database: Database, make_xlsx: Callable[..., bytes]) -> None:
    rows = [
        ["Datum", "Stadsdel", "Kategori"],
        [dt.date(2026, 3, 16), "Norrby", "Klotter"],
        [dt.date(2026, 3, 17), "Norby", "Klotter"],
    ]
    first = import_file(database, make_xlsx({"Händelser": rows}), "v12.xlsx")
    content = export.rejected_rows_xlsx(database, first.upload_id)
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb["Händelser"]["B2"] = "Norrby"  # the user fixes the typo
    fixed = io.BytesIO()
    wb.save(fixed)

    second = import_file(database, fixed.getvalue(), "avvisade-rader.xlsx")

    assert second.status == "imported"
    assert second.sheets[0].imported == 1 and second.sheets[0].rejected == 0
    assert "'Fel'" in " ".join(second.sheets[0].notes)  # the extra column is named, not imported
    with database.read() as con:
        stored = con.execute("SELECT occurred_at::DATE, district FROM events ORDER BY occurred_at").fetchall()
    assert stored == [(dt.date(2026, 3, 16), "Norrby"), (dt.date(2026, 3, 17), "Norrby")]


def test_export_neutralises_formula_text_and_keeps_numbers() -> None:
    frame = pd.DataFrame(
        {
            "Plats": ["=HYPERLINK(\"http://x\")", "+46701234567", "-2+3", "@SUM(A1)", "\tTab", "Vanlig text"],
            "Antal": [1, 2, -3, 4, 5, 6],
        }
    )
    wb = openpyxl.load_workbook(io.BytesIO(export.frames_to_xlsx({"Tabell": frame})))
    ws = wb["Tabell"]
    texts = [ws.cell(r, 1).value for r in range(2, 8)]
    assert texts == ["'=HYPERLINK(\"http://x\")", "'+46701234567", "'-2+3", "'@SUM(A1)", "'\tTab", "Vanlig text"]
    assert all(ws.cell(r, 1).data_type == "s" for r in range(2, 8))
    assert [ws.cell(r, 2).value for r in range(2, 8)] == [1, 2, -3, 4, 5, 6]
    assert all(ws.cell(r, 2).data_type == "n" for r in range(2, 8))
