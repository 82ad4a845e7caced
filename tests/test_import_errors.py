"""What goes wrong: file-level errors import nothing; row-level errors reject only their rows, precisely."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from trygghet.ingest import importer

D = dt.datetime
HEADER = ["Datum", "Stadsdel", "Kategori"]


def zip_bytes(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


# ---------------------------------------------------------------- file-level errors import nothing


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "Filen är tom"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Filen är en PDF-fil, inte ett kalkylark"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Filen är en bild (PNG), inte ett kalkylark"),
        (zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
         "Filen är ett Word-dokument, inte ett kalkylark"),
        (zip_bytes({"bilder/a.txt": b"hej"}), "Filen är ett zip-arkiv, inte ett kalkylark"),
        (b"PK\x03\x04" + b"\x00" * 40, "Filen är skadad eller ofullständig"),
        (b"\x00\x01\x02\x03" * 64 + bytes(range(128, 256)) * 4, "varken ett kalkylark eller en textfil"),
        ("Hej!\nHar ni fått filen?\nMvh Anna\n".encode(), "Filen är en textfil men ser inte ut som en tabell"),
    ],
    ids=["empty", "pdf", "png", "word", "zip", "truncated-zip", "binary", "plain-text"],
)
def test_file_that_is_not_a_spreadsheet_imports_nothing_and_says_why(
    upload, database, table_counts, data, expected
) -> None:
    before = table_counts(database)

    report = upload(data, "rapport.xlsx")

    assert report.status == "rejected"
    assert report.error.startswith("rapport.xlsx: ")
    assert expected in report.error
    assert report.sheets == []
    assert table_counts(database) == before
    assert not (database.path.parent / "uploads").exists()


def test_truncated_xlsx_is_refused_as_damaged(make_xlsx, upload, database, table_counts) -> None:
    data = make_xlsx({"Händelser": [HEADER, ["2026-11-03", "Norrby", "Klotter"]]})
    before = table_counts(database)

    report = upload(data[: len(data) // 2], "rapport.xlsx")

    assert report.status == "rejected"
    assert "skadad" in report.error
    assert table_counts(database) == before


def test_workbook_without_any_recognisable_sheet_imports_nothing(make_xlsx, upload, database, table_counts) -> None:
    data = make_xlsx({
        "Blad1": [["Förnamn", "Telefon"], ["Anna", "070-123 45 67"]],
        "Blad2": [["Summa", 12]],
    })
    before = table_counts(database)

    report = upload(data, "kontakter.xlsx")

    assert report.status == "rejected"
    assert "Inget blad i filen känns igen" in report.error
    assert any("'Blad1' känns inte igen" in note for note in report.notes)
    assert table_counts(database) == before


def test_contact_list_with_a_namn_column_is_not_taken_for_a_district_list(
    make_xlsx, upload, database, table_counts
) -> None:
    before = table_counts(database)

    report = upload(make_xlsx({"Blad1": [["Namn", "Telefon"], ["Anna", "070-123 45 67"]]}), "kontakter.xlsx")

    assert table_counts(database) == before
    assert report.status == "rejected"
    assert "Inget blad i filen känns igen" in report.error


def test_missing_required_column_rejects_the_whole_file_even_its_valid_sheets(
    make_xlsx, upload, database, table_counts
) -> None:
    data = make_xlsx({
        "Insatser": [["Insats-ID", "Insats"], ["INS-1", "Trygghetsvandring"]],
        "Händelser": [["Datum", "Stadsdel", "Plats"], ["2026-11-03", "Norrby", "Torget"]],
    })
    before = table_counts(database)

    report = upload(data, "vecka45.xlsx")

    assert report.status == "rejected"
    assert "Bladet 'Händelser'" in report.error
    assert "saknar den obligatoriska kolumnen 'Kategori'" in report.error
    assert table_counts(database) == before


def test_missing_required_intervention_column_is_named(make_xlsx, upload, database, table_counts) -> None:
    before = table_counts(database)

    report = upload(make_xlsx({"Insatser": [["Insats", "Status"], ["Trygghetsvandring", "Pågående"]]}))

    assert report.status == "rejected"
    assert "'Insats-ID'" in report.error
    assert table_counts(database) == before


@pytest.mark.parametrize("as_csv", [True, False], ids=["csv", "xlsx-sheet-Blad1"])
def test_events_sheet_missing_a_required_column_never_creates_districts(
    make_xlsx, upload, database, table_counts, as_csv
) -> None:
    rows = [["Datum", "Stadsdel", "Plats"], ["2026-11-03", "Nyby", "Torget"]]
    if as_csv:
        data, name = "\n".join(";".join(r) for r in rows).encode(), "export.csv"
    else:
        data, name = make_xlsx({"Blad1": rows}), "export.xlsx"
    before = table_counts(database)

    report = upload(data, name)

    assert table_counts(database) == before
    assert report.status == "rejected"
    assert "'Kategori'" in report.error


def test_sheet_with_headers_but_no_rows_is_a_file_error(make_xlsx, upload, database, table_counts) -> None:
    before = table_counts(database)

    report = upload(make_xlsx({"Händelser": [["Vecka 45"], [], HEADER, [], []]}))

    assert report.status == "rejected"
    assert "har rubriker men inga rader med data" in report.error
    assert table_counts(database) == before


def test_two_sheets_of_the_same_setup_kind_are_refused(make_xlsx, upload, database, table_counts) -> None:
    before = table_counts(database)

    report = upload(make_xlsx({
        "Stadsdelar": [["Stadsdel"], ["Västra Kajen"]],
        "Stadsdelar (2)": [["Stadsdel"], ["Norra Kajen"]],
        "Händelser": [HEADER, ["2026-11-03", "Norrby", "Klotter"]],
    }))

    assert report.status == "rejected"
    assert "flera blad av slaget Stadsdelar" in report.error
    assert table_counts(database) == before


def test_failure_while_writing_rolls_back_every_sheet_of_the_file(
    make_xlsx, database, table_counts, monkeypatch
) -> None:
    data = make_xlsx({
        "Stadsdelar": [["Stadsdel"], ["Västra Kajen"]],
        "Insatser": [["Insats-ID", "Insats"], ["INS-1", "Trygghetsvandring"]],
        "Händelser": [HEADER, ["2026-11-03", "Västra Kajen", "Klotter"]],
    })
    before = table_counts(database)

    def broken(*args: object) -> tuple[int, int, int]:
        raise RuntimeError("disken är full")

    # Districts and interventions are written before events; the events writer then fails.
    monkeypatch.setitem(importer._WRITERS, "events", broken)
    with pytest.raises(RuntimeError, match="disken är full"):
        importer.import_file(database, data, "vecka45.xlsx", today=dt.date(2026, 11, 30))

    assert table_counts(database) == before


# ---------------------------------------------------------------- invalid rows: rejected with row, column and reason


def test_invalid_rows_land_in_rejected_rows_with_excel_row_column_reason_and_original_values(
    make_xlsx, upload, query
) -> None:
    rows = [
        ["Händelser vecka 45"],
        ["Bostadsbolaget"],
        [],
        ["Datum", "Tid", "Stadsdel", "Kategori", "Beskrivning"],  # row 4
        ["2026-11-03", "21:30", "Norrby", "Klotter", "ok"],  # row 5
        ["2026-11-03", "21:30", "Angerd", "Klotter", "felstavad stadsdel"],  # row 6
        [],  # row 7 is blank and skipped
        ["2026-11-04", "25:00", "Hamnen", "Klotter", "omöjlig tid"],  # row 8
        ["2026-11-05", None, "Centrum", "Rån", "ok"],  # row 9
    ]

    report = upload(make_xlsx({"Händelser": rows}), "vecka45.xlsx")

    assert report.status == "imported"
    sheet = report.sheets[0]
    assert (sheet.header_row, sheet.rows, sheet.imported, sheet.rejected) == (4, 4, 2, 2)
    assert [(e.row, e.column) for e in sheet.errors] == [(6, "Stadsdel"), (8, "Tid")]
    assert "Okänd stadsdel 'Angerd' – menade du 'Angered'?" in sheet.errors[0].message
    assert "'25:00' är inte ett giltigt klockslag" in sheet.errors[1].message
    assert query("SELECT description FROM events ORDER BY occurred_at") == [("ok",), ("ok",)]

    stored = query("SELECT sheet, row_number, column_name, reason, original_values FROM rejected_rows ORDER BY 2")
    assert [(s, r, c) for s, r, c, _, _ in stored] == [("Händelser", 6, "Stadsdel"), ("Händelser", 8, "Tid")]
    assert [reason for _, _, _, reason, _ in stored] == [e.message for e in sheet.errors]
    assert json.loads(stored[0][4]) == {
        "Datum": "2026-11-03", "Tid": "21:30", "Stadsdel": "Angerd", "Kategori": "Klotter",
        "Beskrivning": "felstavad stadsdel",
    }
    as_json = report.as_json()["sheets"][0]
    assert as_json["rejected"] == 2
    assert as_json["errors"][0] == {"row": 6, "column": "Stadsdel", "message": sheet.errors[0].message}


def test_every_error_in_a_row_is_reported_with_the_same_row_number(make_xlsx, upload, query) -> None:
    rows = [[*HEADER, "Tid"], ["3/13/2026", "Norrbyy", "Klotterr", "99:99"]]

    report = upload(make_xlsx({"Händelser": rows}))

    assert sorted((e.row, e.column) for e in report.sheets[0].errors) == [
        (2, "Datum"), (2, "Kategori"), (2, "Stadsdel"), (2, "Tid")
    ]
    assert query("SELECT row_number, column_name FROM rejected_rows ORDER BY column_name") == [
        (2, "Datum"), (2, "Kategori"), (2, "Stadsdel"), (2, "Tid")
    ]
    assert query("SELECT count(*) FROM events") == [(0,)]


def test_unknown_district_is_rejected_with_a_suggestion_and_never_created(
    make_xlsx, upload, query, database, table_counts
) -> None:
    before = table_counts(database)
    rows = [
        HEADER,
        ["2026-11-03", "Angerd", "Klotter"],
        ["2026-11-03", "Norby", "Klotter"],
        ["2026-11-03", "Gamlestaden", "Klotter"],
        ["2026-11-03", "Norrby", "Klottre"],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    messages = {e.row: e.message for e in report.sheets[0].errors}
    assert "Okänd stadsdel 'Angerd' – menade du 'Angered'?" in messages[2]
    assert "Okänd stadsdel 'Norby' – menade du 'Norrby'?" in messages[3]
    assert "Okänd stadsdel 'Gamlestaden'" in messages[4]
    assert "menade du" not in messages[4]
    assert "Kända: Norrby, Hamnen, Angered, Centrum, Östra Hamnen" in messages[4]
    assert "Okänd kategori 'Klottre' – menade du 'Klotter'?" in messages[5]
    after = table_counts(database)
    assert (after["events"], after["districts"], after["categories"]) == (0, before["districts"], before["categories"])
    assert query("SELECT count(*) FROM districts WHERE name IN ('Angerd', 'Norby', 'Gamlestaden')") == [(0,)]


def test_unknown_status_is_rejected_with_the_allowed_ones(make_xlsx, upload, query) -> None:
    rows = [["Insats-ID", "Insats", "Status"], ["INS-1", "Vandring", "Klar"], ["INS-2", "Belysning", "Avslutad"]]

    report = upload(make_xlsx({"Insatser": rows}))

    [error] = report.sheets[0].errors
    assert (error.row, error.column) == (2, "Status")
    assert "Okänd status 'Klar'" in error.message
    assert "Planerad, Pågående, Avslutad, Inställd" in error.message
    assert query("SELECT id, status FROM interventions") == [("INS-2", "Avslutad")]


def test_impossible_dates_are_rejected_with_a_message(make_xlsx, upload, query) -> None:
    bad = {  # Excel row: (cell, message)
        3: (D(1900, 1, 5), "Datumet 1900-01-05 är orimligt"),
        4: ("1900-01-05", "Datumet 1900-01-05 är orimligt"),
        5: ("2100-01-01", "Datumet 2100-01-01 är orimligt"),
        6: (D(2100, 1, 1), "Datumet 2100-01-01 är orimligt"),
        7: ("2026-12-24", "Datumet 2026-12-24 ligger i framtiden"),
        8: ("31/02/2026", "'31/02/2026' är inget giltigt datum"),
        9: ("3 nix 2026", "Okänt månadsnamn"),
        10: ("igår", "'igår' går inte att läsa som ett datum"),
        11: (dt.time(21, 30), "bara ett klockslag"),
    }
    rows = [HEADER, ["2026-11-03", "Norrby", "Klotter"], *([cell, "Hamnen", "Stöld"] for cell, _ in bad.values())]

    report = upload(make_xlsx({"Händelser": rows}))

    errors = report.sheets[0].errors
    assert [(e.row, e.column) for e in errors] == [(row, "Datum") for row in bad]
    for error in errors:
        assert bad[error.row][1] in error.message
    assert query("SELECT district FROM events") == [("Norrby",)]


def test_blank_required_cell_is_rejected_as_missing(make_xlsx, upload) -> None:
    blanks = [None, "", "   ", "\u00a0"]
    rows = [HEADER, *(["2026-11-03", blank, "Klotter"] for blank in blanks)]

    report = upload(make_xlsx({"Händelser": rows}))

    errors = report.sheets[0].errors
    assert [(e.row, e.column) for e in errors] == [(2, "Stadsdel"), (3, "Stadsdel"), (4, "Stadsdel"), (5, "Stadsdel")]
    assert all("Stadsdel saknas" in e.message for e in errors)


def test_formula_error_text_in_a_csv_is_rejected_as_a_formula_error(upload, query) -> None:
    # Excel saves an error cell as its text in CSV; Swedish Excel uses Swedish names (#SAKNAS! for #N/A).
    error_values = ["#REF!", "#DIV/0!", "#N/A", "#SAKNAS!", "#VÄRDEFEL!", "#REFERENS!"]
    lines = ["Datum;Stadsdel;Kategori;Plats", "2026-11-04;Norrby;Klotter;Torget"]
    lines += [f"2026-11-03;Norrby;Klotter;{value}" for value in error_values]

    report = upload("\r\n".join(lines).encode("cp1252"), "export.csv")

    errors = report.sheets[0].errors
    assert [(e.row, e.column) for e in errors] == [(row, "Plats") for row in range(3, 3 + len(error_values))]
    for error, value in zip(errors, error_values, strict=True):
        assert f"felvärdet {value}" in error.message
    assert query("SELECT place FROM events") == [("Torget",)]


def test_formula_error_cell_in_a_required_column_rejects_the_row(upload, query) -> None:
    # openpyxl writes '#DIV/0!' as a real error cell (t="e"); calamine reads error cells as empty.
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Händelser"
    ws.append(HEADER)
    ws.append(["#DIV/0!", "Norrby", "Klotter"])
    ws.append(["2026-11-04", "Norrby", "Klotter"])
    assert ws["A2"].data_type == "e"
    out = io.BytesIO()
    wb.save(out)

    report = upload(out.getvalue())

    [error] = report.sheets[0].errors
    assert (error.row, error.column) == (2, "Datum")
    assert query("SELECT occurred_at FROM events") == [(D(2026, 11, 4),)]


def test_coordinates_outside_sweden_or_only_one_of_them_are_rejected(make_xlsx, upload, query) -> None:
    rows = [
        [*HEADER, "Latitud", "Longitud"],
        ["2026-11-03", "Norrby", "Klotter", 57.7, 11.97],
        ["2026-11-03", "Norrby", "Stöld", 11.97, 57.7],  # swapped
        ["2026-11-03", "Norrby", "Rån", "57,7", None],
        ["2026-11-03", "Norrby", "Inbrott", "norr", 11.97],
    ]

    report = upload(make_xlsx({"Händelser": rows}))

    errors = {(e.row, e.column): e.message for e in report.sheets[0].errors}
    assert sorted(errors) == [(3, "Latitud"), (3, "Longitud"), (4, "Longitud"), (5, "Latitud")]
    assert "ligger utanför Sverige" in errors[(3, "Latitud")]
    assert "Både latitud och longitud behövs" in errors[(4, "Longitud")]
    assert "'norr' är inte ett tal" in errors[(5, "Latitud")]
    assert query("SELECT category, lat, lon FROM events") == [("Klotter", 57.7, 11.97)]


def test_intervention_rows_with_duplicate_id_or_end_before_start_are_rejected(make_xlsx, upload, query) -> None:
    rows = [
        ["Insats-ID", "Insats", "Startdatum", "Slutdatum"],
        ["INS-1", "Vandring", "2026-10-01", "2026-12-31"],  # row 2
        ["ins-1", "Vandring igen", "2026-10-01", "2026-12-31"],  # row 3: same id, other case
        ["INS-2", "Belysning", "2026-12-01", "2026-11-01"],  # row 4: ends before it starts
        ["", "Utan id", None, None],  # row 5
    ]

    report = upload(make_xlsx({"Insatser": rows}))

    errors = {e.row: (e.column, e.message) for e in report.sheets[0].errors}
    assert sorted(errors) == [3, 4, 5]
    assert errors[3][0] == "Insats-ID"
    assert "finns redan på rad 2" in errors[3][1]
    assert errors[4][0] == "Slutdatum"
    assert "ligger före startdatum" in errors[4][1]
    assert errors[5][0] == "Insats-ID"
    assert "Insats-ID saknas" in errors[5][1]
    assert query("SELECT id, title FROM interventions") == [("INS-1", "Vandring")]


def test_file_with_only_invalid_rows_is_recorded_as_unchanged_with_its_rejections(
    make_xlsx, upload, query
) -> None:
    report = upload(make_xlsx({"Händelser": [HEADER, ["2026-11-03", "Angerd", "Klotter"]]}))

    assert report.status == "unchanged"
    assert report.totals() == {"rows": 1, "imported": 0, "updated": 0, "duplicates": 0, "rejected": 1}
    assert query("SELECT rows, imported, rejected, status FROM uploads") == [(1, 0, 1, "unchanged")]
    assert query("SELECT row_number, column_name FROM rejected_rows") == [(2, "Stadsdel")]
