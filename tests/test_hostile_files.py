"""Hostile and broken files, one kind per test: each gets a clear Swedish message naming the file
(and sheet, row and column where it applies); a file-level problem leaves the database untouched;
a row-level problem rejects that row only; nothing raises."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from trygghet.config import Limits
from trygghet.db import Database
from trygghet.importer import FileReport, import_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER = ["Datum", "Stadsdel", "Kategori", "Beskrivning"]
GOOD_ROW = ["2026-11-03", "Norrby", "Klotter", "Tag på fasaden"]


def workbook(rows: list[list[object]], title: str = "Händelser") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite_member(data: bytes, member: str, transform: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, transform(content) if info.filename == member else content)
    return out.getvalue()


@pytest.fixture
def refused(database: Database, table_counts: Callable[[Database], dict[str, int]]) -> Callable[..., FileReport]:
    """Imports a file that must be refused whole, and checks that nothing at all changed."""

    def run(data: bytes, name: str = "rapport.xlsx", limits: Limits | None = None) -> FileReport:
        before = table_counts(database)
        started = time.monotonic()
        report = import_file(database, data, name, limits=limits)
        assert time.monotonic() - started < 20
        assert report.status == "rejected", report.as_json()
        assert report.error and report.error.startswith(f"{report.file}: ")
        assert table_counts(database) == before
        return report

    return run


def test_pdf_named_xlsx(refused: Callable[..., FileReport]) -> None:
    assert "PDF-fil, inte ett kalkylark" in refused(b"%PDF-1.7\n1 0 obj <<>> endobj").error


def test_png_image(refused: Callable[..., FileReport]) -> None:
    assert "bild (PNG)" in refused(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).error


def test_jpeg_image(refused: Callable[..., FileReport]) -> None:
    assert "bild (JPEG)" in refused(b"\xff\xd8\xff\xe0" + b"\x00" * 64, "foto.xlsx").error


def test_text_file_renamed_xlsx(refused: Callable[..., FileReport]) -> None:
    assert "inte ut som en tabell" in refused("Hej, här är veckans rapport!\n".encode()).error


def test_empty_file(refused: Callable[..., FileReport]) -> None:
    assert "tom (0 byte)" in refused(b"").error


def test_truncated_zip(refused: Callable[..., FileReport]) -> None:
    data = workbook([HEADER, GOOD_ROW])
    assert "skadad eller ofullständig" in refused(data[: len(data) // 2]).error


def test_empty_zip_archive(refused: Callable[..., FileReport]) -> None:
    out = io.BytesIO()
    zipfile.ZipFile(out, "w").close()
    assert "zip-arkiv, inte ett kalkylark" in refused(out.getvalue()).error


def test_password_protected_workbook(refused: Callable[..., FileReport]) -> None:
    report = refused((FIXTURES / "losenordsskyddad.xlsx").read_bytes())
    assert "lösenordsskyddad" in report.error and "Ta bort lösenordet" in report.error


def test_zip_bomb_is_refused_before_it_is_unpacked(refused: Callable[..., FileReport]) -> None:
    bomb = rewrite_member(workbook([HEADER, GOOD_ROW]), "xl/worksheets/sheet1.xml",
                          lambda xml: xml + b" " * 30_000_000)
    assert len(bomb) < 200_000
    report = refused(bomb, limits=Limits(max_uncompressed_bytes=20 * 2**20))
    assert "zip-bomb" in report.error


def test_xml_entity_expansion_is_not_expanded(database: Database, table_counts: Callable) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                   for i in range(1, 10))
        + b"]>"
    )

    def inject(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return laughs + body.replace(b"Tag p\xc3\xa5 fasaden", b"&lol9;")

    data = rewrite_member(workbook([HEADER, GOOD_ROW]), "xl/sharedStrings.xml", inject)
    before = table_counts(database)
    started = time.monotonic()
    report = import_file(database, data, "bomb.xlsx")
    assert time.monotonic() - started < 20
    if report.status == "rejected":
        assert table_counts(database) == before
    else:
        with database.read() as con:
            longest = con.execute("SELECT max(length(description)) FROM events").fetchone()[0]
        assert longest is None or longest < 1000


def test_dimension_claiming_the_last_cell_holds_little(upload: Callable[..., FileReport]) -> None:
    data = rewrite_member(workbook([HEADER, GOOD_ROW]), "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))
    report = upload(data, "stor.xlsx")
    assert report.status == "imported"
    assert report.sheets[0].imported == 1


def test_more_rows_than_the_row_limit(refused: Callable[..., FileReport]) -> None:
    rows = [HEADER] + [[f"2026-11-0{1 + i % 9}", "Norrby", "Klotter", f"rad {i}"] for i in range(60)]
    report = refused(workbook(rows), limits=Limits(max_rows_per_sheet=50))
    assert "Bladet 'Händelser' har 61 rader, fler än gränsen 50" in report.error


def test_file_over_the_size_limit(refused: Callable[..., FileReport]) -> None:
    report = refused(workbook([HEADER, GOOD_ROW]), limits=Limits(max_file_bytes=1024))
    assert "större än gränsen" in report.error


def test_formulas_without_cached_values_reject_their_rows_not_the_file(upload: Callable[..., FileReport]) -> None:
    rows = [HEADER, GOOD_ROW, ["2026-11-04", "=A1", "Klotter", "formel"]]
    report = upload(workbook(rows), "formler.xlsx")
    assert report.status == "imported"
    assert report.sheets[0].imported == 1 and report.sheets[0].rejected == 1
    (error,) = report.sheets[0].errors
    assert (error.row, error.column) == (3, "Stadsdel")


def test_error_values_in_csv_cells_are_named(upload: Callable[..., FileReport]) -> None:
    data = b"Datum;Stadsdel;Kategori\n2026-11-03;#REF!;Klotter\n2026-11-03;Norrby;#DIVISION/0!\n"
    report = upload(data, "fel.csv")
    messages = [e.message for e in report.sheets[0].errors]
    assert any("#REF!" in m for m in messages) and any("#DIVISION/0!" in m for m in messages)
    assert report.sheets[0].rejected == 2


@pytest.mark.parametrize("date", ["1900-01-01", "2100-01-01"])
def test_dates_in_1900_and_2100_are_rejected_with_the_reason(upload: Callable[..., FileReport], date: str) -> None:
    report = upload(workbook([HEADER, [date, "Norrby", "Klotter", "x"]]), "datum.xlsx")
    (error,) = report.sheets[0].errors
    assert error.column == "Datum" and "orimligt" in error.message and error.row == 2


def test_numbers_where_text_is_expected_and_text_where_numbers_are(upload: Callable[..., FileReport]) -> None:
    rows = [[*HEADER, "Latitud", "Longitud"], ["2026-11-03", "Norrby", "Klotter", 12345, "norr", "öst"]]
    report = upload(workbook(rows), "typer.xlsx")
    messages = {e.column: e.message for e in report.sheets[0].errors}
    assert set(messages) == {"Latitud", "Longitud"}
    assert "inte ett tal" in messages["Latitud"]


def test_workbook_with_only_headers(refused: Callable[..., FileReport]) -> None:
    assert "inga rader med data" in refused(workbook([HEADER])).error


def test_workbook_with_only_a_title(refused: Callable[..., FileReport]) -> None:
    assert "Inget blad i filen känns igen" in refused(workbook([["Veckorapport trygghet v. 47"]], "Blad1")).error


def test_duplicate_header_names_use_the_first_and_say_so(upload: Callable[..., FileReport], query: Callable) -> None:
    rows = [["Datum", "Stadsdel", "Kategori", "Stadsdel"], ["2026-11-03", "Norrby", "Klotter", "Hamnen"]]
    report = upload(workbook(rows), "dubbla.xlsx")
    assert any("'Stadsdel' finns flera gånger" in n for n in report.sheets[0].notes)
    assert query("SELECT district FROM events") == [("Norrby",)]


def test_two_header_rows_skip_the_second(upload: Callable[..., FileReport]) -> None:
    report = upload(workbook([HEADER, HEADER, GOOD_ROW]), "tva-rubriker.xlsx")
    assert report.sheets[0].imported == 1 and report.sheets[0].rejected == 0
    assert any("extra rubrikrad" in n for n in report.sheets[0].notes)


def test_csv_in_utf16_as_excel_saves_unicode_text(upload: Callable[..., FileReport], query: Callable) -> None:
    data = "Datum\tStadsdel\tKategori\n2026-11-03\tÖstra Hamnen\tSkadegörelse\n".encode("utf-16")
    report = upload(data, "unicode.txt")
    assert report.status == "imported"
    assert query("SELECT district, category FROM events") == [("Östra Hamnen", "Skadegörelse")]


def test_csv_in_latin1_keeps_swedish_letters(upload: Callable[..., FileReport], query: Callable) -> None:
    data = "Datum;Stadsdel;Kategori\n2026-11-03;Östra Hamnen;Skadegörelse\n".encode("latin-1")
    upload(data, "latin1.csv")
    assert query("SELECT district FROM events") == [("Östra Hamnen",)]


def test_file_name_with_path_characters_is_reduced_to_its_name(upload: Callable[..., FileReport],
                                                               database: Database) -> None:
    report = upload(workbook([HEADER, GOOD_ROW]), "../../x.xlsx")
    assert report.file == "x.xlsx"
    archived = list((database.path.parent / "uploads").iterdir())
    assert len(archived) == 1 and archived[0].parent == database.path.parent / "uploads"
    assert not (database.path.parent.parent / "x.xlsx").exists()


def test_word_document_renamed_xlsx(refused: Callable[..., FileReport]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word-dokument" in refused(out.getvalue()).error


def test_workbook_with_garbage_inside(refused: Callable[..., FileReport]) -> None:
    data = rewrite_member(workbook([HEADER, GOOD_ROW]), "xl/workbook.xml", lambda _: b"<not-xml")
    assert "går inte att läsa som kalkylark" in refused(data).error


def test_sheet_too_wide_and_tall_for_the_cell_limit(refused: Callable[..., FileReport]) -> None:
    rows = [HEADER, GOOD_ROW, [None] * 300 + ["x"]]
    report = refused(workbook(rows), limits=Limits(max_area_cells=500))
    assert "för stort" in report.error


def test_executable_renamed_xlsx(refused: Callable[..., FileReport]) -> None:
    assert "program" in refused(b"MZ\x90\x00" + b"\x00" * 100, "faktura.xlsx").error


def test_binary_noise(refused: Callable[..., FileReport]) -> None:
    assert "binära data" in refused(bytes(range(256)) * 40, "brus.csv").error


def test_very_long_text_is_rejected_by_row(upload: Callable[..., FileReport]) -> None:
    report = upload(workbook([HEADER, GOOD_ROW, ["2026-11-03", "Norrby", "Klotter", "x" * 20_000]]), "lang.xlsx")
    assert report.sheets[0].imported == 1 and report.sheets[0].rejected == 1
    assert "för lång" in report.sheets[0].errors[0].message


def test_control_characters_are_removed_from_text(upload: Callable[..., FileReport], query: Callable) -> None:
    data = "Datum;Stadsdel;Kategori;Beskrivning\n2026-11-03;Norrby;Klotter;Tag\x07 på\x1b[31m fasaden\n".encode()
    upload(data, "styr.csv")
    assert query("SELECT description FROM events") == [("Tag på[31m fasaden",)]


def test_script_in_a_description_is_stored_as_plain_text(upload: Callable[..., FileReport], query: Callable) -> None:
    upload(workbook([HEADER, ["2026-11-03", "Norrby", "Klotter", "<script>alert(1)</script><img onerror=x>"]]),
           "html.xlsx")
    assert query("SELECT description FROM events") == [("<script>alert(1)</script><img onerror=x>",)]
