"""The Stadsdelar sheet's optional area column (Stadsdelsområde): read, stored, kept, and in the template."""

from __future__ import annotations

import io

import openpyxl

from trygghet.ingest.excel_template import build_template, default_lists
from trygghet.ingest.sheetspec import DISTRICTS


def test_the_area_column_is_stored_per_district(make_xlsx, upload, query) -> None:
    rows = [["Stadsdel", "Stadsdelsområde"], ["Norrby", "Norra"], ["Västra Kajen", "Södra"], ["Hamnen", None]]

    report = upload(make_xlsx({"Stadsdelar": rows}))

    assert report.status == "imported", report.error
    assert report.sheets[0].ignored_columns == []
    assert query("SELECT name, area FROM districts WHERE name IN ('Norrby', 'Västra Kajen', 'Hamnen') ORDER BY name"
                 ) == [("Hamnen", None), ("Norrby", "Norra"), ("Västra Kajen", "Södra")]


def test_an_omrade_column_beside_stadsdel_is_the_area_and_an_empty_cell_keeps_it(make_xlsx, upload, query) -> None:
    upload(make_xlsx({"Stadsdelar": [["Stadsdel", "Område"], ["Norrby", "Norra"]]}))
    report = upload(make_xlsx({"Stadsdelar": [["Stadsdel", "Område", "Kommun"], ["Norrby", None, "Solvik"]]}))

    assert report.status == "imported", report.error
    assert query("SELECT area, municipality FROM districts WHERE name = 'Norrby'") == [("Norra", "Solvik")]


def test_a_sheet_whose_only_name_column_is_stadsdelsomrade_still_names_districts(make_xlsx, upload, query) -> None:
    report = upload(make_xlsx({"Stadsdelar": [["Stadsdelsområde", "Kommun"], ["Kvarnby", "Solvik"]]}))

    assert report.status == "imported", report.error
    assert query("SELECT name, area FROM districts WHERE name = 'Kvarnby'") == [("Kvarnby", None)]


def test_the_template_has_the_area_column_after_the_name() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(default_lists())))
    headers = [c.value for c in workbook[DISTRICTS.title][1] if c.value]
    assert headers[:2] == ["Stadsdel", "Stadsdelsområde"]
