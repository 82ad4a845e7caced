"""Every workbook the app writes keeps text that looks like a formula as text: table downloads, the
rejected rows and the Excel template with its hidden list sheet and drop-downs. Read back with
openpyxl (no cell of type 'f', no <f> element in the file) and, where LibreOffice is installed, as
LibreOffice computes it (the literal text, never a result)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from text_workbooks import text_workbook

from trygghet.ingest import excel_export as export
from trygghet.ingest.excel_template import LISTS_TITLE, TemplateLists, build_template, lists_from_database
from trygghet.ingest.importer import import_file
from trygghet.store.db import Database

# OWASP's formula starts: = + - @ tab and carriage return. A district called like this must never
# become a live link or a computation in anybody's spreadsheet.
LINK = '=HYPERLINK("http://127.0.0.1:9/x","Klicka")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1", "=1+1"]


def formula_cells(content: bytes) -> list[str]:
    """Cells openpyxl reads as formulas, and <f> elements anywhere in the file's sheets."""
    found = []
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            found += [f"{ws.title}!{c.coordinate}" for c in row if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<(\w+:)?f[ >]", archive.read(name)):
                found.append(name)
    return found


def shown_as(value: str) -> str:
    """What the cell holds once made safe: the text as typed behind an apostrophe."""
    return "'" + value


def test_table_download_keeps_formula_text_as_text_and_numbers_and_dates_as_they_are() -> None:
    frame = pd.DataFrame({
        "=Rubrik": HOSTILE,
        "Antal": list(range(-3, len(HOSTILE) - 3)),
        "Datum": [pd.Timestamp(2026, 11, 16)] * len(HOSTILE),
    })
    content = export.frames_to_xlsx({"=Blad": frame})

    assert formula_cells(content) == []
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws["A1"].value == shown_as("=Rubrik")
    assert [ws.cell(r, 1).value for r in range(2, len(HOSTILE) + 2)] == [shown_as(v) for v in HOSTILE]
    assert [ws.cell(r, 2).value for r in range(2, len(HOSTILE) + 2)] == list(range(-3, len(HOSTILE) - 3))
    assert all(ws.cell(r, 2).data_type == "n" for r in range(2, len(HOSTILE) + 2))
    assert ws["C2"].value == dt.datetime(2026, 11, 16) and ws["C2"].is_date


def test_rejected_rows_workbook_keeps_formula_text_as_text(database: Database) -> None:
    rows = [["Datum", "Stadsdel", "Kategori", "Plats"]]
    rows += [[dt.date(2026, 3, 16), value, "Klotter", value] for value in HOSTILE]
    report = import_file(database, text_workbook({"Händelser": rows}), "v12.xlsx")
    assert report.totals()["rejected"] == len(HOSTILE)  # no such district

    content = export.rejected_rows_xlsx(database, report.upload_id)
    assert content is not None
    assert formula_cells(content) == []
    ws = openpyxl.load_workbook(io.BytesIO(content))["Händelser"]
    places = [ws.cell(r, 4).value for r in range(2, len(HOSTILE) + 2)]
    assert shown_as(LINK) in places and shown_as("@SUM(1,2)") in places
    assert all(not str(p).startswith(tuple("=+-@\t\r")) for p in places)


def test_template_list_sheet_and_drop_downs_carry_no_formula() -> None:
    lists = TemplateLists(districts=["Norrby", *HOSTILE], categories=["Klotter", LINK], statuses=["Pågående"],
                          organisations=["Polis", "@Kommun"], priority_areas=["-Trygghet"])
    content = build_template(lists)

    assert formula_cells(content) == []
    wb = openpyxl.load_workbook(io.BytesIO(content))
    listed = [c.value for c in wb[LISTS_TITLE]["A"][1:]]
    assert listed == ["Norrby", *(shown_as(v) for v in HOSTILE)]
    for ws in wb.worksheets:
        for validation in ws.data_validations.dataValidation:
            # A drop-down points at the list sheet; no name is ever written into its formula.
            assert re.fullmatch(rf"{LISTS_TITLE}!\$[A-Z]+\$2:\$[A-Z]+\$\d+", validation.formula1), validation.formula1


def test_template_from_uploaded_districts_carries_no_formula(database: Database) -> None:
    """The real way in: a Stadsdelar sheet names the districts the template lists."""
    report = import_file(database, text_workbook({"Stadsdelar": [["Stadsdel"], [LINK], ["=1+1"]]}), "stadsdelar.xlsx")
    assert report.status == "imported", report
    lists = lists_from_database(database)
    assert LINK in lists.districts

    content = build_template(lists)
    assert formula_cells(content) == []
    listed = [c.value for c in openpyxl.load_workbook(io.BytesIO(content))[LISTS_TITLE]["A"][1:]]
    assert shown_as(LINK) in listed and shown_as("=1+1") in listed


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def test_libreoffice_shows_the_literal_text(tmp_path: Path) -> None:
    if libreoffice() is None:
        # .ci/run installs it, so in CI a missing LibreOffice is a failure, never a silent skip.
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true and LibreOffice is missing (apt-get install libreoffice-calc)", pytrace=False)
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    """The computed value as a spreadsheet program reads it: LibreOffice's CSV of every sheet."""
    lists = TemplateLists(districts=HOSTILE[:4], categories=["Klotter"], statuses=["Pågående"])
    (tmp_path / "mall.xlsx").write_bytes(build_template(lists))
    frame = pd.DataFrame({"Plats": HOSTILE[:4], "Antal": [1, 2, 3, 4]})
    (tmp_path / "tabell.xlsx").write_bytes(export.frames_to_xlsx({"Tabell": frame}))
    # 44,34,76: comma, double quote, UTF-8; the last token -1 writes every sheet to its own file.
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    for name in ("mall.xlsx", "tabell.xlsx"):
        subprocess.run(
            [libreoffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profil", "--convert-to", csv_filter,
             "--outdir", str(tmp_path / "csv"), str(tmp_path / name)],
            check=True, capture_output=True, timeout=180,
        )
    cells = {}
    for path in (tmp_path / "csv").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells[path.stem] = [row for row in csv.reader(handle)]
    lists_sheet = next(rows for stem, rows in cells.items() if stem.startswith("mall") and LISTS_TITLE in stem)
    assert [row[0] for row in lists_sheet[1:5]] == [shown_as(v) for v in HOSTILE[:4]]
    table = next(rows for stem, rows in cells.items() if stem.startswith("tabell"))
    assert [row for row in table[1:]] == [[shown_as(v), str(n)] for v, n in zip(HOSTILE[:4], [1, 2, 3, 4], strict=True)]
