"""The importer accepts sheets as partners really write them, without anyone editing the file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.datetime
NBSP = "\u00a0"


def events_rows(query) -> list[tuple[object, ...]]:
    return query("SELECT occurred_at, district, category FROM events ORDER BY occurred_at, district")


# ---------------------------------------------------------------- where the header row is


def test_header_row_found_below_logo_merged_title_subtitle_and_blank_row(make_xlsx, upload, query) -> None:
    rows = [
        ["Trygghetsrapport vecka 45"],  # merged A1:D1, with a logo image anchored on it
        ["Bostadsbolaget AB, sammanställd 2026-11-09"],
        [],
        ["Datum", "Tid", "Stadsdel", "Kategori"],
        [D(2026, 11, 3), dt.time(21, 30), "Norrby", "Klotter"],
        [D(2026, 11, 4), dt.time(7, 5), "Hamnen", "Stöld"],
    ]
    data = make_xlsx({"Händelser": rows}, merged={"Händelser": ["A1:D1"]}, logos={"Händelser": "A1"})
    assert b"xl/media/image1.png" in data  # the logo really is in the file

    report = upload(data)

    assert report.status == "imported", report.error
    assert report.sheets[0].header_row == 4
    assert events_rows(query) == [
        (D(2026, 11, 3, 21, 30), "Norrby", "Klotter"),
        (D(2026, 11, 4, 7, 5), "Hamnen", "Stöld"),
    ]


def test_header_row_found_under_a_text_logo_row_in_merged_cells(make_xlsx, upload, query) -> None:
    rows = [["LOGO"], ["Händelserapport"], [], [], ["Stadsdel", "Kategori", "Datum"], ["Centrum", "Rån", "2026-11-05"]]
    data = make_xlsx({"Blad1": rows}, merged={"Blad1": ["A1:C1", "A2:C2"]})

    report = upload(data)

    assert report.status == "imported", report.error
    assert report.sheets[0].header_row == 5
    assert events_rows(query) == [(D(2026, 11, 5), "Centrum", "Rån")]


def test_header_row_on_row_15_is_found(make_xlsx, upload, query) -> None:
    rows = [["Rapport"], *[[] for _ in range(13)], ["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "Norrby", "Klotter"]]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.sheets[0].header_row == 15
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


def test_header_row_below_row_15_is_not_searched_and_the_file_is_refused(make_xlsx, upload, query) -> None:
    rows = [["Rapport"], *[[] for _ in range(14)], ["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "Norrby", "Klotter"]]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.status == "rejected"
    assert "Inget blad i filen känns igen" in report.error
    assert any("15 första raderna" in note for note in report.notes)
    assert query("SELECT count(*) FROM events") == [(0,)]


# ---------------------------------------------------------------- how the headers are written


def test_headers_in_any_case_with_extra_and_non_breaking_spaces_in_any_order(make_xlsx, upload, query) -> None:
    headers = [f"KATEGORI{NBSP}", "  stadsdel ", f"{NBSP}Plats", "TID", "datum", f"Händelse{NBSP} id", "Källa  "]
    row = ["Klotter", "Norrby", "Torget", "21:30", "2026-11-03", "BB-1", "Bostadsbolaget"]

    report = upload(make_xlsx({"Händelser": [headers, row]}))

    assert report.status == "imported", report.error
    assert report.sheets[0].ignored_columns == []
    assert query("SELECT occurred_at, district, category, place, external_id, source FROM events") == [
        (D(2026, 11, 3, 21, 30), "Norrby", "Klotter", "Torget", "BB-1", "Bostadsbolaget")
    ]


@pytest.mark.parametrize(
    ("header", "value", "column", "stored"),
    [
        ("Område", "Norrby", "district", "Norrby"),
        ("Stadsdelsområde", "Norrby", "district", "Norrby"),
        ("Händelsetyp", "Klotter", "category", "Klotter"),
        ("Typ", "Klotter", "category", "Klotter"),
        ("Adress", "Storgatan 1", "place", "Storgatan 1"),
        ("Rapportör", "Fältassistenterna", "source", "Fältassistenterna"),
        ("Organisation", "Polisen", "source", "Polisen"),
        ("Ärendenummer", "5000-K123-26", "external_id", "5000-K123-26"),
        ("Klockslag", "21:30", "strftime(occurred_at, '%H:%M')", "21:30"),
        ("Kl", "21:30", "strftime(occurred_at, '%H:%M')", "21:30"),
        ("Beskrivning", "Krossad ruta", "description", "Krossad ruta"),
        ("Kommentar", "Krossad ruta", "description", "Krossad ruta"),
    ],
)
def test_event_header_synonyms_are_understood(make_xlsx, upload, query, header, value, column, stored) -> None:
    base = {"Datum": "2026-11-03", "Stadsdel": "Norrby", "Kategori": "Klotter"}
    replaced = {"district": "Stadsdel", "category": "Kategori"}.get(column)
    if replaced:
        del base[replaced]
    headers = [*base, header]
    report = upload(make_xlsx({"Blad1": [headers, [*base.values(), value]]}))

    assert report.status == "imported", report.error
    assert report.sheets[0].kind == "events"
    assert report.sheets[0].ignored_columns == []
    assert query(f"SELECT {column} FROM events") == [(stored,)]


@pytest.mark.parametrize("header", ["Datum och tid", "datum/tid", "Datum & tid", "Tidpunkt (datum och tid)"])
def test_combined_date_and_time_column_replaces_datum_and_tid(make_xlsx, upload, query, header) -> None:
    rows = [
        [header, "Stadsdel", "Kategori"],
        ["2026-11-03 21:30", "Norrby", "Klotter"],
        [D(2026, 11, 4, 7, 5), "Hamnen", "Stöld"],
        ["5/11/2026 23.15", "Centrum", "Rån"],
        ["2026-11-06", "Angered", "Inbrott"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.status == "imported", report.error
    assert query("SELECT occurred_at, time_known, district FROM events ORDER BY occurred_at") == [
        (D(2026, 11, 3, 21, 30), True, "Norrby"),
        (D(2026, 11, 4, 7, 5), True, "Hamnen"),
        (D(2026, 11, 5, 23, 15), True, "Centrum"),
        (D(2026, 11, 6), False, "Angered"),
    ]


def test_datum_and_combined_column_together_fill_in_for_each_other(make_xlsx, upload, query) -> None:
    rows = [
        ["Datum", "Datum och tid", "Stadsdel", "Kategori"],
        [None, "2026-11-03 21:30", "Norrby", "Klotter"],
        ["2026-11-04", None, "Hamnen", "Stöld"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.sheets[0].errors == []
    assert query("SELECT occurred_at, district FROM events ORDER BY occurred_at") == [
        (D(2026, 11, 3, 21, 30), "Norrby"),
        (D(2026, 11, 4), "Hamnen"),
    ]


def test_intervention_header_synonyms_are_understood(make_xlsx, upload, query) -> None:
    headers = ["Åtgärd", "Insats ID", "Område", "Ansvarig organisation", "Läge", "Fr.o.m.", "T.o.m.", "Notering",
               "Kontaktperson"]
    row = ["Extra belysning", "INS-1", "Norrby", "Kommun", "Pågående", "2026-10-01", "2026-12-31", "Beställt",
           "Trygghetssamordnare"]

    report = upload(make_xlsx({"Blad1": [headers, row]}))

    assert report.status == "imported", report.error
    assert report.sheets[0].kind == "interventions"
    assert query(
        "SELECT id, title, district, owner, status, start_date, end_date, comment, contact FROM interventions"
    ) == [("INS-1", "Extra belysning", "Norrby", "Kommun", "Pågående", dt.date(2026, 10, 1), dt.date(2026, 12, 31),
           "Beställt", "Trygghetssamordnare")]


def test_unknown_extra_columns_are_ignored_and_named_in_the_report(make_xlsx, upload, query) -> None:
    rows = [
        ["Löpnr i vår lista", "Datum", "Stadsdel", "Väder", "Kategori", "Handläggare"],
        [1, "2026-11-03", "Norrby", "Regn", "Klotter", "Anna"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    sheet = report.sheets[0]
    assert sheet.ignored_columns == ["Löpnr i vår lista", "Väder", "Handläggare"]
    assert any("'Väder'" in note and "'Handläggare'" in note for note in sheet.notes)
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


def test_primary_header_beats_a_synonym_in_an_earlier_column(make_xlsx, upload, query) -> None:
    rows = [["Område", "Datum", "Stadsdel", "Kategori"], ["Nordost", "2026-11-03", "Norrby", "Klotter"]]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.sheets[0].columns["district"] == "Stadsdel"
    assert report.sheets[0].ignored_columns == ["Område"]
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


# ---------------------------------------------------------------- several sheets


def test_sheets_recognised_by_name_or_else_by_headers(make_xlsx, upload, query) -> None:
    data = make_xlsx({
        "Blad1": [["Datum", "Område", "Händelsetyp"], ["2026-11-03", "Norrby", "Klotter"]],
        "Insatser": [["Nr", "Rubrik"], ["INS-1", "Trygghetsvandring"]],  # only synonyms; the name decides
        "Blad3": [["Insats-ID", "Insats", "Stadsdel"], ["INS-2", "Belysning", "Hamnen"]],
        "Instruktioner": [["Så fyller du i mallen"], ["Datum", "Stadsdel", "Kategori"]],
    })

    report = upload(data)

    assert report.status == "imported", report.error
    assert sorted((s.sheet, s.kind) for s in report.sheets) == [
        ("Blad1", "events"),
        ("Blad3", "interventions"),
        ("Insatser", "interventions"),
    ]
    assert query("SELECT id, title, district FROM interventions ORDER BY id") == [
        ("INS-1", "Trygghetsvandring", None),
        ("INS-2", "Belysning", "Hamnen"),
    ]
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


def test_sheet_name_decides_when_the_headers_fit_several_kinds(make_xlsx, upload, query) -> None:
    # 'Namn' is the name column of Stadsdelar, Kategorier and Prioriterade områden alike.
    data = make_xlsx({
        "Kategorier": [["Namn"], ["Vattenskoter"]],
        "Stadsdelar 2026": [["Namn"], ["Västra Kajen"]],
        "Medborgarlöften": [["Namn"], ["Trygg hamn"]],
    })

    report = upload(data)

    assert report.status == "imported", report.error
    assert {s.sheet: s.kind for s in report.sheets} == {
        "Kategorier": "categories",
        "Stadsdelar 2026": "districts",
        "Medborgarlöften": "priority_areas",
    }
    assert query("SELECT count(*) FROM categories WHERE name = 'Vattenskoter'") == [(1,)]
    assert query("SELECT count(*) FROM districts WHERE name = 'Västra Kajen'") == [(1,)]
    assert query("SELECT name FROM priority_areas") == [("Trygg hamn",)]


def test_complete_insatser_headers_win_over_a_loose_name_hint_for_another_kind(make_xlsx, upload, query) -> None:
    rows = [["Insats-ID", "Insats", "Stadsdel", "Status"], ["INS-1", "Trygghetsvandring", "Norrby", "Pågående"]]

    report = upload(make_xlsx({"Veckorapport": rows}))

    assert report.status == "imported", report.error
    assert query("SELECT id, district, status FROM interventions") == [("INS-1", "Norrby", "Pågående")]


def test_hidden_sheets_are_reported_and_not_imported(make_xlsx, upload, query) -> None:
    data = make_xlsx(
        {
            "Händelser": [["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "Norrby", "Klotter"]],
            "Gamla händelser": [["Datum", "Stadsdel", "Kategori"], ["2026-10-01", "Hamnen", "Stöld"]],
        },
        hidden=["Gamla händelser"],
    )

    report = upload(data)

    assert [s.sheet for s in report.sheets] == ["Händelser"]
    assert any("'Gamla händelser'" in note and "dolt" in note for note in report.notes)
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


@pytest.mark.parametrize("setup_first", [False, True], ids=["setup-sheets-last", "setup-sheets-first"])
def test_setup_sheets_are_applied_before_data_sheets_whatever_the_order(
    make_xlsx, upload, query, table_counts, database, setup_first
) -> None:
    setup = {
        "Stadsdelar": [["Stadsdel", "Lokalpolisområde"], ["Västra Kajen", "Solvik"]],
        "Kategorier": [["Kategori", "Grupp"], ["Vattenskoter", "Trafik"]],
        "Prioriterade områden": [["Område", "Indikatorer"], ["Trygg hamn", "Vattenskoter, Klotter"]],
    }
    data_sheets = {
        "Händelser": [["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "västra kajen", "vattenskoter"]],
        "Insatser": [
            ["Insats-ID", "Insats", "Stadsdel", "Prioriterat område"],
            ["INS-1", "Kajvandring", "Västra Kajen", "trygg hamn"],
        ],
    }
    sheets = {**setup, **data_sheets} if setup_first else {**data_sheets, **setup}
    before = table_counts(database)

    report = upload(make_xlsx(sheets))

    assert report.status == "imported", report.error
    assert report.totals()["rejected"] == 0, [e.message for s in report.sheets for e in s.errors]
    assert query("SELECT name, police_area FROM districts WHERE name = 'Västra Kajen'") == [("Västra Kajen", "Solvik")]
    assert events_rows(query) == [(D(2026, 11, 3), "Västra Kajen", "Vattenskoter")]
    assert query("SELECT id, district, priority_area FROM interventions") == [("INS-1", "Västra Kajen", "Trygg hamn")]
    assert query("SELECT indicator_categories FROM priority_areas") == [(["Vattenskoter", "Klotter"],)]
    after = table_counts(database)
    assert after["districts"] == before["districts"] + 1
    assert after["categories"] == before["categories"] + 1


# ---------------------------------------------------------------- dates and times


def test_dates_as_excel_dates_iso_text_day_first_and_swedish_month_names(make_xlsx, upload, query) -> None:
    rows = [
        ["Datum", "Stadsdel", "Kategori", "Beskrivning"],
        [D(2026, 11, 1), "Norrby", "Klotter", "excel-datum"],
        [dt.date(2026, 11, 2), "Norrby", "Klotter", "excel-datum utan tid"],
        ["2026-11-03", "Norrby", "Klotter", "iso"],
        ["2026-11-04 21:30", "Norrby", "Klotter", "iso med tid"],
        ["5/11/2026", "Norrby", "Klotter", "dag först"],
        ["06.11.2026", "Norrby", "Klotter", "dag först med punkter"],
        ["7 nov 2026", "Norrby", "Klotter", "månadsnamn"],
        ["8 november 2026", "Norrby", "Klotter", "hela månadsnamnet"],
        ["1 MAJ 2026", "Norrby", "Klotter", "versaler"],
        ["2026-10-09T06:45", "Norrby", "Klotter", "iso med T"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.sheets[0].errors == []
    assert query("SELECT description, occurred_at FROM events ORDER BY occurred_at") == [
        ("versaler", D(2026, 5, 1)),
        ("iso med T", D(2026, 10, 9, 6, 45)),
        ("excel-datum", D(2026, 11, 1)),
        ("excel-datum utan tid", D(2026, 11, 2)),
        ("iso", D(2026, 11, 3)),
        ("iso med tid", D(2026, 11, 4, 21, 30)),
        ("dag först", D(2026, 11, 5)),
        ("dag först med punkter", D(2026, 11, 6)),
        ("månadsnamn", D(2026, 11, 7)),
        ("hela månadsnamnet", D(2026, 11, 8)),
    ]


def test_times_as_excel_times_or_text_with_colon_dot_or_no_separator(make_xlsx, upload, query) -> None:
    rows = [
        ["Datum", "Tid", "Stadsdel", "Kategori", "Beskrivning"],
        ["2026-11-01", dt.time(21, 30), "Norrby", "Klotter", "excel-tid"],
        ["2026-11-02", "21:30", "Norrby", "Klotter", "kolon"],
        ["2026-11-03", "21.30", "Norrby", "Klotter", "punkt"],
        ["2026-11-04", "2130", "Norrby", "Klotter", "utan skiljetecken"],
        ["2026-11-05", 2130, "Norrby", "Klotter", "tal"],
        ["2026-11-06", "kl. 21.30", "Norrby", "Klotter", "kl."],
        ["2026-11-07", "930", "Norrby", "Klotter", "tre siffror"],
        ["2026-11-08", None, "Norrby", "Klotter", "okänd tid"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    assert report.sheets[0].errors == []
    assert query("SELECT description, strftime(occurred_at, '%d %H:%M'), time_known FROM events ORDER BY 2") == [
        ("excel-tid", "01 21:30", True),
        ("kolon", "02 21:30", True),
        ("punkt", "03 21:30", True),
        ("utan skiljetecken", "04 21:30", True),
        ("tal", "05 21:30", True),
        ("kl.", "06 21:30", True),
        ("tre siffror", "07 09:30", True),
        ("okänd tid", "08 00:00", False),
    ]


def test_time_in_the_date_cell_is_used_when_tid_is_blank(make_xlsx, upload, query) -> None:
    rows = [
        ["Datum", "Tid", "Stadsdel", "Kategori"],
        [D(2026, 11, 3, 21, 30), None, "Norrby", "Klotter"],
        ["2026-11-04 06:15", "", "Hamnen", "Stöld"],
        [D(2026, 11, 5, 21, 30), "08:00", "Centrum", "Rån"],  # an explicit Tid wins
    ]

    upload(make_xlsx({"Händelser": rows}))

    assert query("SELECT occurred_at, time_known FROM events ORDER BY occurred_at") == [
        (D(2026, 11, 3, 21, 30), True),
        (D(2026, 11, 4, 6, 15), True),
        (D(2026, 11, 5, 8, 0), True),
    ]


# ---------------------------------------------------------------- list values


def test_district_category_and_status_matched_regardless_of_case_spaces_and_diacritics(
    make_xlsx, upload, query, table_counts, database
) -> None:
    before = table_counts(database)
    data = make_xlsx({
        "Händelser": [
            ["Datum", "Stadsdel", "Kategori"],
            ["2026-11-01", "NORRBY", "klotter"],
            ["2026-11-02", f"  östra{NBSP}hamnen ", "SKADEGORELSE"],
            ["2026-11-03", "Ostra Hamnen", "ungdomar som samlas / stör"],
            ["2026-11-04", "östrahamnen", "Narkotika/Öppen Droghandel"],
        ],
        "Insatser": [
            ["Insats-ID", "Insats", "Status", "Stadsdel"],
            ["INS-1", "Vandring", "pagaende", "angered"],
            ["INS-2", "Belysning", " AVSLUTAD ", "CENTRUM"],
            ["INS-3", "Kameror", "installd", "Östra  Hamnen"],
        ],
    })

    report = upload(data)

    assert report.totals()["rejected"] == 0, [e.message for s in report.sheets for e in s.errors]
    assert events_rows(query) == [
        (D(2026, 11, 1), "Norrby", "Klotter"),
        (D(2026, 11, 2), "Östra Hamnen", "Skadegörelse"),
        (D(2026, 11, 3), "Östra Hamnen", "Ungdomar som samlas/stör"),
        (D(2026, 11, 4), "Östra Hamnen", "Narkotika/öppen droghandel"),
    ]
    assert query("SELECT id, status, district FROM interventions ORDER BY id") == [
        ("INS-1", "Pågående", "Angered"),
        ("INS-2", "Avslutad", "Centrum"),
        ("INS-3", "Inställd", "Östra Hamnen"),
    ]
    after = table_counts(database)
    assert (after["districts"], after["categories"]) == (before["districts"], before["categories"])


def test_numbers_where_text_is_expected_and_text_where_numbers_are(make_xlsx, upload, query) -> None:
    rows = [
        ["Datum", "Stadsdel", "Kategori", "Händelse-ID", "Plats", "Latitud", "Longitud"],
        ["2026-11-03", "Norrby", "Klotter", 1001, 12, "57,7089", 11.9746],
        ["2026-11-04", "Norrby", "Klotter", 1002.0, "Torget", 57.71, "11,98"],
    ]

    upload(make_xlsx({"Händelser": rows}))

    assert query("SELECT external_id, place, lat, lon FROM events ORDER BY external_id") == [
        ("1001", "12", 57.7089, 11.9746),
        ("1002", "Torget", 57.71, 11.98),
    ]


# ---------------------------------------------------------------- file kinds


# The rows make_fixtures.py writes, as they must land whichever program saved the file.
FIXTURE_EVENTS = [
    (D(2026, 11, 2, 23, 5), True, "Norrby", "Ungdomar som samlas/stör", "Lärkstigen", "Bostadsbolaget", "BB-6"),
    (D(2026, 11, 3, 21, 30), True, "Norrby", "Skadegörelse", "Norrby torg 1", "Bostadsbolaget", "BB-1"),
    (D(2026, 11, 4, 21, 30), True, "Hamnen", "Klotter", "Hamngatan 2", "Bostadsbolaget", "BB-2"),
    (D(2026, 11, 5, 21, 30), True, "Östra Hamnen", "Anlagd brand", "Kajen", "Bostadsbolaget", "BB-3"),
    (D(2026, 11, 6), False, "Angered", "Stöld", None, "Bostadsbolaget", "BB-4"),
    (D(2026, 11, 7, 8, 15), True, "Centrum", "Nedskräpning", "Stora torget", "Bostadsbolaget", "BB-5"),
]
FIXTURE_EVENT_ERRORS = [
    (11, "Område", "Okänd stadsdel 'Angerd' – menade du 'Angered'?"),
    (12, "DATUM", "'31/02/2026' är inget giltigt datum"),
]
FIXTURE_INTERVENTIONS = [
    ("INS-1", "Extra belysning vid Norrby torg", "Norrby", "Kommun", "Pågående", dt.date(2026, 10, 1),
     dt.date(2026, 12, 31), "Fyra armaturer beställda"),
    ("INS-2", "Trygghetsvandring", "Hamnen", "Polis", "Planerad", dt.date(2026, 12, 1), dt.date(2026, 12, 1), None),
    ("INS-3", "Kameraövervakning", "Västra Kajen", "Bostadsbolag", "Avslutad", dt.date(2026, 9, 1),
     dt.date(2026, 10, 30), "Kameror uppsatta"),
]
WORKBOOK_FIXTURES = [("messy_source.xlsx", "xlsx"), ("messy.ods", "ods"), ("messy.xls", "xls"),
                     ("messy_lo.xlsx", "xlsx")]
CSV_FIXTURES = [("semicolon_cp1252.csv", "Windows-1252 med semikolon"), ("comma_utf8_bom.csv", "UTF-8 med komma")]


def assert_fixture_events(report, query, sheet_name: str) -> None:
    sheet = next(s for s in report.sheets if s.kind == "events")
    assert (sheet.sheet, sheet.header_row, sheet.rows, sheet.imported, sheet.rejected) == (sheet_name, 4, 8, 6, 2)
    assert sheet.ignored_columns == ["Intern notering"]
    errors = [(e.row, e.column, e.message) for e in sheet.errors]
    assert [(row, column) for row, column, _ in errors] == [(r, c) for r, c, _ in FIXTURE_EVENT_ERRORS]
    for (_, _, message), (_, _, expected) in zip(errors, FIXTURE_EVENT_ERRORS, strict=True):
        assert expected in message
    assert query(
        "SELECT occurred_at, time_known, district, category, place, source, external_id FROM events ORDER BY occurred_at"
    ) == FIXTURE_EVENTS
    assert query("SELECT district, count(*) FROM events GROUP BY district ORDER BY district") == [
        ("Angered", 1), ("Centrum", 1), ("Hamnen", 1), ("Norrby", 2), ("Östra Hamnen", 1)
    ]
    assert query("SELECT category, count(*) FROM events GROUP BY category ORDER BY category") == [
        ("Anlagd brand", 1), ("Klotter", 1), ("Nedskräpning", 1), ("Skadegörelse", 1), ("Stöld", 1),
        ("Ungdomar som samlas/stör", 1),
    ]
    assert query("SELECT row_number, column_name FROM rejected_rows WHERE sheet = ? ORDER BY row_number",
                 [sheet_name]) == [(11, "Område"), (12, "DATUM")]


@pytest.mark.parametrize(("file_name", "kind"), WORKBOOK_FIXTURES)
def test_workbooks_saved_by_excel_or_libreoffice_import_the_same_rows(upload, query, file_name, kind) -> None:
    report = upload((FIXTURES / file_name).read_bytes(), file_name)

    assert report.status == "imported", report.error
    assert report.file_kind == kind
    assert any("'Gammal data'" in note and "dolt" in note for note in report.notes)
    assert [s.kind for s in report.sheets] == ["districts", "interventions", "events"]
    assert_fixture_events(report, query, "Blad1")
    assert not query("SELECT * FROM events WHERE occurred_at < '2026-11-01'")  # the hidden sheet's row
    insatser = next(s for s in report.sheets if s.kind == "interventions")
    assert (insatser.sheet, insatser.header_row, insatser.imported, insatser.rejected) == ("Åtgärder 2026", 3, 3, 1)
    assert [(e.row, e.column) for e in insatser.errors] == [(7, "Läge")]
    assert "Okänd status 'Klar'" in insatser.errors[0].message
    assert query(
        "SELECT id, title, district, owner, status, start_date, end_date, comment FROM interventions ORDER BY id"
    ) == FIXTURE_INTERVENTIONS
    assert query("SELECT police_area FROM districts WHERE name = 'Västra Kajen'") == [("Solvik",)]


@pytest.mark.parametrize(("file_name", "how"), CSV_FIXTURES)
def test_csv_in_utf8_with_bom_or_windows_1252_with_comma_or_semicolon(upload, query, file_name, how) -> None:
    report = upload((FIXTURES / file_name).read_bytes(), file_name)

    assert report.status == "imported", report.error
    assert report.file_kind == "csv"
    assert any(how in note for note in report.notes)
    assert_fixture_events(report, query, Path(file_name).stem)


@pytest.mark.parametrize(
    ("encoding", "separator", "bom"),
    [("utf-8", ";", False), ("utf-8", ",", False), ("cp1252", ",", False), ("utf-8", ";", True), ("utf-8", "\t", False)],
)
def test_csv_encodings_and_separators_keep_swedish_letters(upload, query, encoding, separator, bom) -> None:
    lines = [
        ["Datum", "Stadsdel", "Kategori", "Beskrivning"],
        ["2026-11-03", "Östra Hamnen", "Skadegörelse", "Krossad ruta, vid entrén"],
        ["3 nov 2026", "Angered", "Anlagd brand", "Brand i papperskorg"],
    ]
    text = "\r\n".join(separator.join(f'"{c}"' if separator in c else c for c in line) for line in lines)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)

    report = upload(data, "export.csv")

    assert report.status == "imported", report.error
    assert query("SELECT district, category, description FROM events ORDER BY district") == [
        ("Angered", "Anlagd brand", "Brand i papperskorg"),
        ("Östra Hamnen", "Skadegörelse", "Krossad ruta, vid entrén"),
    ]


def as_xlsm(xlsx: bytes) -> bytes:
    """The same workbook with the macro-enabled content type Excel gives .xlsm files."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
                assert b"macroEnabled" in content
            target.writestr(info, content)
    return out.getvalue()


def test_xlsm_workbook_is_imported(make_xlsx, upload, query) -> None:
    data = as_xlsm(make_xlsx({"Händelser": [["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "Norrby", "Klotter"]]}))

    report = upload(data, "rapport.xlsm")

    assert report.status == "imported", report.error
    assert events_rows(query) == [(D(2026, 11, 3), "Norrby", "Klotter")]


@pytest.mark.parametrize(
    ("source", "misleading_name", "kind"),
    [
        ("messy_lo.xlsx", "rapport.csv", "xlsx"),
        ("messy.ods", "rapport.xlsx", "ods"),
        ("messy.xls", "rapport.xlsx", "xls"),
        ("semicolon_cp1252.csv", "rapport.xlsx", "csv"),
        ("messy.ods", "rapport", "ods"),
    ],
)
def test_file_type_is_decided_by_content_not_by_name(upload, query, source, misleading_name, kind) -> None:
    report = upload((FIXTURES / source).read_bytes(), misleading_name)

    assert report.status == "imported", report.error
    assert report.file_kind == kind
    assert query("SELECT count(*) FROM events") == [(len(FIXTURE_EVENTS),)]
