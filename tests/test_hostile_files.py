"""Hostile and broken files, one kind per test: each gets a clear Swedish message naming the file
(and sheet, row and column where it applies); a file-level problem leaves the database untouched;
a row-level problem rejects that row only; nothing raises, and no file takes the process down."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from trygghet.core.config import Limits
from trygghet.core.formatting import fmt_int
from trygghet.ingest.importer import FileReport, import_file
from trygghet.ingest.read_worker import read_isolated
from trygghet.ingest.reader import FileError
from trygghet.store.db import Database

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
        report = import_file(database, data, name, limits=limits)
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
    report = import_file(database, data, "bomb.xlsx")
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


# ---------------------------------------------------------------- files that would take the process down

ENTRIES = "tests.worker_entries"


def far_cell(data: bytes, ref: str, members: tuple[str, ...] = ("xl/worksheets/sheet1.xml",),
             *, styled: bool = False) -> bytes:
    """The workbook with one more cell at `ref` on each sheet in `members`: a value, or only a style."""
    row = int(re.sub("[A-Z]", "", ref))
    cell = f'<c r="{ref}" s="0"/>' if styled else f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'
    for member in members:
        data = rewrite_member(data, member, lambda xml: xml.replace(
            b"</sheetData>", f'<row r="{row}">{cell}</row></sheetData>'.encode()))
    return data


def sheets(count: int) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for index in range(count):
        ws = wb.create_sheet(f"Händelser {index + 1}")
        ws.append(HEADER)
        ws.append(GOOD_ROW)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
)


def ods(rows_xml: str) -> bytes:
    """A minimal OpenDocument spreadsheet with one table, 'Händelser', of the given rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Händelser">' + rows_xml
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("content.xml", content)
    return out.getvalue()


def ods_row(values: list[str]) -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                    for v in values)
    return f"<table:table-row>{cells}</table:table-row>"


def test_a_cell_at_xfd1048576_is_refused_by_name(refused: Callable[..., FileReport]) -> None:
    data = far_cell(workbook([HEADER, GOOD_ROW]), "XFD1048576")
    assert len(data) < 10_000
    error = refused(data, "stor.xlsx").error
    assert "Bladet 'Händelser' har en cell långt ut i XFD1048576" in error
    assert "Ta bort den cellen" in error


def test_the_workbook_reader_aborting_on_that_cell_fails_the_file_not_the_process() -> None:
    data = far_cell(workbook([HEADER, GOOD_ROW]), "XFD1048576")
    with pytest.raises(FileError) as caught:  # the reader asks for 512 GB and aborts, in the child
        read_isolated(data, "stor.xlsx", entry=f"{ENTRIES}:read_workbook_unchecked")
    assert "kräver mer minne än tillåtet" in str(caught.value) and "Spara om den" in str(caught.value)
    raw = read_isolated(workbook([HEADER, GOOD_ROW]), "efter.xlsx")  # this process goes on reading
    assert raw.sheets[0].rows == [HEADER, GOOD_ROW]


def test_three_sheets_with_a_cell_at_xfd3600_are_refused(refused: Callable[..., FileReport]) -> None:
    members = tuple(f"xl/worksheets/sheet{i}.xml" for i in (1, 2, 3))
    data = far_cell(sheets(3), "XFD3600", members)
    assert len(data) < 10_000
    assert "Bladet 'Händelser 1' har en cell långt ut i XFD3600" in refused(data, "tre.xlsx").error


def test_the_cell_limit_counts_filled_cells_over_all_sheets(refused: Callable[..., FileReport],
                                                            upload: Callable[..., FileReport]) -> None:
    limits = Limits(max_cells=20)  # each sheet holds 8 filled cells
    assert upload(sheets(2), "tva.xlsx", limits=limits).status == "imported"
    assert "fler än 20 ifyllda celler" in refused(sheets(3), "tre.xlsx", limits=limits).error


def test_an_empty_formatted_cell_far_out_is_no_reason_to_refuse(upload: Callable[..., FileReport]) -> None:
    report = upload(far_cell(workbook([HEADER, GOOD_ROW]), "XFD1048576", styled=True), "formaterad.xlsx")
    assert report.status == "imported" and report.sheets[0].imported == 1


def test_ods_with_a_cell_far_out_is_refused_by_name(refused: Callable[..., FileReport],
                                                    upload: Callable[..., FileReport]) -> None:
    rows = ods_row(HEADER[:3]) + ods_row(GOOD_ROW[:3])
    assert upload(ods(rows), "liten.ods").sheets[0].imported == 1
    far = (rows + '<table:table-row table:number-rows-repeated="1048000">'
           '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
           '<table:table-row><table:table-cell table:number-columns-repeated="16383"/></table:table-row>')
    far = far[: -len("</table:table-row>")] + ods_row(["x"])[len("<table:table-row>"):]
    assert "har en cell långt ut i XFD1048003" in refused(ods(far), "stor.ods").error


@pytest.mark.parametrize(
    ("entry", "limits", "expected"),
    [
        ("abort", Limits(), "läsaren kraschade på den"),
        ("segfault", Limits(), "läsaren kraschade på den"),
        ("hog_memory", Limits(read_memory_mb=512), "kräver mer minne än tillåtet (512 MB)"),
        ("spin", Limits(read_cpu_seconds=1), "mer än tillåtna 1 sekunders beräkningstid"),
        ("sleep", Limits(read_wall_seconds=1), "tog längre än tillåtna 1 sekunder och avbröts"),
        ("fail", Limits(), "ett oväntat fel uppstod"),
    ],
)
def test_a_reader_that_dies_fails_its_file_with_a_swedish_message(entry: str, limits: Limits, expected: str) -> None:
    with pytest.raises(FileError) as caught:
        read_isolated(workbook([HEADER, GOOD_ROW]), "fil.xlsx", limits, entry=f"{ENTRIES}:{entry}")
    message = str(caught.value)
    assert expected in message and message.startswith("Filen kunde inte läsas: ")
    assert "Traceback" not in message and "English" not in message


def test_json_nested_100000_deep_is_refused(refused: Callable[..., FileReport]) -> None:
    error = refused(b"[" * 100_000 + b"]" * 100_000, "polisen.json").error
    assert "nästlad djupare än 64 nivåer" in error


def test_json_nested_deeper_than_the_limit_but_parseable_is_refused(refused: Callable[..., FileReport]) -> None:
    assert "nästlad djupare än 64 nivåer" in refused(b'[{"a": ' * 100 + b"1" + b"}]" * 100, "p.json").error


def events_csv(rows: int) -> bytes:
    lines = ["Datum;Stadsdel;Kategori;Beskrivning;Källa;Händelse-ID"]
    lines += [f"2026-11-{1 + row % 28:02d};Norrby;Klotter;Tag nr {row} på fasaden;Fältare;F-{row}"
              for row in range(2, rows + 2)]  # Excel's row numbers: the header is row 1
    return ("\n".join(lines) + "\n").encode()


def test_one_bad_byte_in_utf8_csv_refuses_the_file_by_row_and_the_fixed_file_imports_once(
    refused: Callable[..., FileReport], upload: Callable[..., FileReport], query: Callable
) -> None:
    good = events_csv(20)
    bad = good.replace("Tag nr 17 på".encode(), b"Tag nr 17 p\xe4")  # one Windows-1252 "ä" among UTF-8
    error = refused(bad, "veckans.csv").error
    assert "rad 17, kolumn D (Beskrivning) (byte 0xE4)" in error and "spara filen som CSV UTF-8" in error
    assert upload(good, "veckans.csv").sheets[0].imported == 20
    assert upload(good, "veckans.csv").sheets[0].imported == 0
    assert query("SELECT count(*), count(DISTINCT external_id), count(source) FROM events") == [(20, 20, 20)]


def test_windows_1252_csv_without_any_utf8_is_still_read_as_such(upload: Callable[..., FileReport],
                                                                  query: Callable) -> None:
    report = upload(events_csv(3).decode().encode("cp1252"), "ansi.csv")
    assert report.sheets[0].imported == 3 and "Windows-1252" in " ".join(report.notes)
    assert query("SELECT DISTINCT source FROM events") == [("Fältare",)]


def test_an_unclosed_quote_gives_the_field_limit_in_swedish(refused: Callable[..., FileReport]) -> None:
    data = ("Datum;Stadsdel;Kategori;Beskrivning\n2026-11-03;Norrby;Klotter;ok\n"
            '2026-11-04;Norrby;Klotter;"aldrig stängt ' + "x" * 140_000 + "\n").encode()
    error = refused(data, "citat.csv").error
    assert f"Rad 3: ett fält är längre än {fmt_int(131_072)} tecken" in error and "citattecken" in error
    assert "field" not in error and "limit" not in error


@pytest.mark.parametrize(
    ("text", "expected"),
    [(b'[{"id": 1,}]', "ett fältnamn saknar citattecken"), (b"[1, 2", "ett kommatecken saknas"),
     (b'[{"id": "abc', "en text saknar sitt avslutande citattecken")],
)
def test_broken_json_is_named_in_swedish(refused: Callable[..., FileReport], text: bytes, expected: str) -> None:
    error = refused(text, "polisen.json").error
    assert "går inte att läsa (rad 1, tecken" in error and expected in error
    assert "Expecting" not in error and "delimiter" not in error
