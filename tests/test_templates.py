"""The Excel template: sheets, headers, drop-down lists, example row and instructions."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from trygghet.core import initial_lists as defaults
from trygghet.ingest import sheetspec
from trygghet.ingest.excel_template import (
    LAST_ROW,
    MAX_ERROR_TEXT,
    MAX_ERROR_TITLE,
    TEMPLATE_FILE_NAME,
    TemplateLists,
    build_template,
    lists_from_database,
    write_template,
)
from trygghet.store.db import Database, add_district, init_database

DATA_SHEETS = [
    "Händelser",
    "Insatser",
    "Prioriterade områden",
    "Trygghetsmätning",
    "Stadsdelar",
    "Kategorier",
    "Rapportörer",
    "Befolkning",
    "Referensstatistik",
    "Kontextindikatorer",
    "Trygghetsmätning per grupp",
]
PRIORITY_AREA = "Otrygghetsskapande händelser i offentlig miljö"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Database:
    db = Database(tmp_path_factory.mktemp("db") / "t.duckdb")
    init_database(db)
    with db.write() as con:
        add_district(con, "Norrby")
        add_district(con, "Älvstaden")
        con.execute(
            "INSERT INTO priority_areas (name, indicator_categories, updated_at) "
            "VALUES (?, [], now()::TIMESTAMP)",
            [PRIORITY_AREA],
        )
    return db


@pytest.fixture(scope="module")
def template_path(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(database, tmp_path_factory.mktemp("out") / "mallar" / "ny")


@pytest.fixture(scope="module")
def workbook(template_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template_path)


@pytest.fixture(scope="module")
def default_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_template(None, tmp_path_factory.mktemp("default")).read_bytes()


def query_list(db: Database, sql: str) -> list[str]:
    with db.read() as con:
        return [r[0] for r in con.execute(sql).fetchall()]


def cal_column(rows: list[list[object]], index: int) -> list[object]:
    """One column of a calamine sheet below its header, without empty cells."""
    return [r[index] for r in rows[1:] if index < len(r) and r[index] != ""]


def cal_letters(cal: CalamineWorkbook, title: str) -> dict[str, str]:
    headers = cal.get_sheet_by_name(title).to_python(nrows=1)[0]
    return {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}


def xml_validations(data: bytes) -> dict[str, dict[str, tuple[str, str]]]:
    """Data validations read straight from the sheet XML (much faster than loading with openpyxl).

    Returns {sheet title: {column letter: (formula1, errorStyle)}}.
    """
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    rel_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    result: dict[str, dict[str, tuple[str, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{rel_ns}Relationship")}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        for sheet in book.iterfind("m:sheets/m:sheet", ns):
            target = targets[sheet.get(f"{{{ns['r']}}}id")].lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            root = ElementTree.fromstring(archive.read(path))
            found: dict[str, tuple[str, str]] = {}
            for dv in root.iterfind("m:dataValidations/m:dataValidation", ns):
                first, last = dv.get("sqref").split(":")
                letter = first.rstrip("0123456789")
                assert (first, last) == (f"{letter}2", f"{letter}{LAST_ROW}")
                assert dv.get("type") == "list"
                found[letter] = (dv.findtext("m:formula1", namespaces=ns), dv.get("errorStyle", "stop"))
            result[sheet.get("name")] = found
    return result


def header_letters(ws) -> dict[str, str]:
    return {c.value: c.column_letter for c in ws[1] if c.value is not None}


def validations(ws) -> dict[str, object]:
    """Validations by the column they cover (each must cover exactly rows 2..LAST_ROW)."""
    result = {}
    for dv in ws.data_validations.dataValidation:
        ranges = str(dv.sqref).split()
        assert len(ranges) == 1
        first, last = ranges[0].split(":")
        letter = first.rstrip("0123456789")
        assert first == f"{letter}2" and last == f"{letter}{LAST_ROW}"
        result[letter] = dv
    return result


def test_write_template_creates_folder_and_file(template_path: Path) -> None:
    assert template_path.name == TEMPLATE_FILE_NAME
    assert template_path.is_file()
    assert template_path.read_bytes()[:2] == b"PK"
    assert not [p for p in template_path.parent.iterdir() if p.name != TEMPLATE_FILE_NAME]


def test_sheet_names_and_order(workbook: openpyxl.Workbook, template_path: Path) -> None:
    expected = ["Instruktioner", *DATA_SHEETS, "Listor"]
    assert workbook.sheetnames == expected
    assert {s.title for s in sheetspec.ALL_SPECS} == set(DATA_SHEETS)
    assert CalamineWorkbook.from_path(str(template_path)).sheet_names == expected
    assert workbook.active.title == "Instruktioner"


def test_listor_is_hidden_and_holds_the_database_lists(
    workbook: openpyxl.Workbook, template_path: Path, database: Database
) -> None:
    cal = CalamineWorkbook.from_path(str(template_path))
    visibility = {m.name: m.visible for m in cal.sheets_metadata}
    assert visibility["Listor"] == SheetVisibleEnum.Hidden
    assert all(v == SheetVisibleEnum.Visible for name, v in visibility.items() if name != "Listor")
    assert workbook["Listor"].sheet_state == "hidden"

    districts = query_list(database, "SELECT name FROM districts ORDER BY sort_order, name")
    categories = query_list(database, "SELECT name FROM categories ORDER BY sort_order, name")
    organisations = query_list(database, "SELECT name FROM organisations ORDER BY name")
    assert districts == ["Norrby", "Älvstaden"]
    assert categories == [c[0] for c in defaults.CATEGORIES]

    rows = cal.get_sheet_by_name("Listor").to_python()
    assert rows[0][:5] == ["Stadsdel", "Kategori", "Status", "Ansvarig aktör", "Prioriterat område"]

    def column(i: int) -> list[str]:
        return [r[i] for r in rows[1:] if i < len(r) and r[i] != ""]

    assert column(0) == districts
    assert column(1) == [*categories, "Inget att rapportera"]
    assert column(2) == defaults.STATUSES
    assert column(3) == organisations
    assert column(4) == [PRIORITY_AREA]


def test_headers_in_spec_order(workbook: openpyxl.Workbook, template_path: Path) -> None:
    cal = CalamineWorkbook.from_path(str(template_path))
    for spec in sheetspec.ALL_SPECS:
        headers = [f.header for f in spec.template_fields]
        ws = workbook[spec.title]
        assert [c.value for c in ws[1]] == headers
        assert cal.get_sheet_by_name(spec.title).to_python()[0] == headers
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        for f, cell in zip(spec.template_fields, ws[1], strict=True):
            assert cell.font.bold
            assert cell.comment is not None
            assert ("Obligatorisk" in cell.comment.text) == f.required
            if f.help:
                assert f.help in cell.comment.text
            assert ws.column_dimensions[cell.column_letter].width >= 12
        required = {c.fill.fgColor.rgb for f, c in zip(spec.template_fields, ws[1], strict=True) if f.required}
        optional = {c.fill.fgColor.rgb for f, c in zip(spec.template_fields, ws[1], strict=True) if not f.required}
        assert len(required) == 1
        assert not required & optional


def test_validations_reference_listor(workbook: openpyxl.Workbook, database: Database) -> None:
    n_districts = len(query_list(database, "SELECT name FROM districts"))
    n_categories = len(query_list(database, "SELECT name FROM categories")) + 1  # and "Inget att rapportera"
    n_organisations = len(query_list(database, "SELECT name FROM organisations"))
    n_statuses = len(defaults.STATUSES)
    # (sheet, header) -> (Listor column, length, error style)
    expected = {
        ("Händelser", "Stadsdel"): ("A", n_districts, "stop"),
        ("Händelser", "Kategori"): ("B", n_categories, "stop"),
        ("Insatser", "Stadsdel"): ("A", n_districts, "stop"),
        ("Insatser", "Status"): ("C", n_statuses, "stop"),
        ("Insatser", "Ansvarig aktör"): ("D", n_organisations, "warning"),
        ("Insatser", "Prioriterat område"): ("E", 1, "warning"),
        ("Trygghetsmätning", "Stadsdel"): ("A", n_districts, "stop"),
        ("Befolkning", "Stadsdel"): ("A", n_districts, "stop"),
        ("Trygghetsmätning per grupp", "Stadsdel"): ("A", n_districts, "stop"),
        ("Rapportörer", "Intervall"): ("F", 2, "stop"),
    }
    found = 0
    for title in DATA_SHEETS:
        ws = workbook[title]
        by_letter = validations(ws)
        letters = header_letters(ws)
        wanted = {letters[h]: v for (t, h), v in expected.items() if t == title}
        assert set(by_letter) == set(wanted), title
        for letter, (list_col, length, style) in wanted.items():
            dv = by_letter[letter]
            assert dv.type == "list"
            assert dv.formula1.lstrip("=") == f"Listor!${list_col}$2:${list_col}${length + 1}"
            assert dv.showErrorMessage
            assert dv.allow_blank
            assert (dv.errorStyle or "stop") == style
            assert dv.errorTitle and len(dv.errorTitle) <= MAX_ERROR_TITLE
            assert dv.error and len(dv.error) <= MAX_ERROR_TEXT
            found += 1
    assert found == len(expected)
    events = workbook["Händelser"]
    assert "fliken Stadsdelar" in validations(events)[header_letters(events)["Stadsdel"]].error


def test_example_row_has_real_types(workbook: openpyxl.Workbook, template_path: Path) -> None:
    ws = workbook["Händelser"]
    letters = header_letters(ws)
    date_cell = ws[f"{letters['Datum']}2"]
    assert date_cell.is_date
    assert date_cell.value.date() == dt.date(2026, 11, 3)
    assert date_cell.number_format == "yyyy-mm-dd"
    assert ws[f"{letters['Datum']}{LAST_ROW}"].number_format == "yyyy-mm-dd"
    assert ws[f"{letters['Tid']}2"].value == dt.time(21, 30)
    assert ws[f"{letters['Tid']}2"].number_format == "hh:mm"
    assert ws[f"{letters['Tid']}{LAST_ROW}"].number_format == "hh:mm"
    assert ws[f"{letters['Latitud']}2"].value == pytest.approx(57.7901)
    assert ws[f"{letters['Kategori']}2"].value == "Skadegörelse"

    cal_rows = CalamineWorkbook.from_path(str(template_path)).get_sheet_by_name("Händelser").to_python()
    example = dict(zip(cal_rows[0], cal_rows[1], strict=True))
    assert example["Datum"] == dt.date(2026, 11, 3)
    assert isinstance(example["Latitud"], float)

    for spec in sheetspec.ALL_SPECS:
        ws = workbook[spec.title]
        for col, f in enumerate(spec.template_fields, start=1):
            cell = ws.cell(row=2, column=col)
            if f.name in {"date", "start_date", "end_date", "valid_from", "valid_to"}:
                assert cell.is_date and cell.number_format == "yyyy-mm-dd", (spec.title, f.header)
                assert cell.value.date().isoformat() == f.example
            elif f.example is not None and f.name != "time":
                assert cell.value == f.example
                assert type(cell.value) is type(f.example)
        assert ws.max_row == (LAST_ROW if any(c.is_date for c in ws[2]) else 2)


def test_instructions(workbook: openpyxl.Workbook) -> None:
    ws = workbook["Instruktioner"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for title in DATA_SHEETS:
        assert title in text
    for spec in sheetspec.ALL_SPECS:
        assert spec.description in text
        for f in spec.template_fields:
            assert f.header in text
    assert "personnummer" in text
    assert "telefonnummer" in text
    for form in ("2026-11-03", "3/11/2026", "03.11.2026", "3 nov 2026", "21:30", "21.30", "2130"):
        assert form in text
    assert "inga stadsdelar" not in text  # the database has districts


def test_without_database_uses_defaults(default_template: bytes) -> None:
    cal = CalamineWorkbook.from_filelike(io.BytesIO(default_template))
    assert cal.sheet_names == ["Instruktioner", *DATA_SHEETS, "Listor"]
    listor = cal.get_sheet_by_name("Listor").to_python()
    assert listor[0][0] == "Stadsdel"
    assert cal_column(listor, 0) == []  # no districts yet
    assert cal_column(listor, 1) == [*(c[0] for c in defaults.CATEGORIES), "Inget att rapportera"]
    assert cal_column(listor, 2) == defaults.STATUSES
    assert cal_column(listor, 3) == defaults.ORGANISATIONS
    assert cal_column(listor, 4) == []

    found = xml_validations(default_template)
    for title in ("Händelser", "Insatser", "Trygghetsmätning"):
        assert cal_letters(cal, title)["Stadsdel"] not in found[title]
    category = found["Händelser"][cal_letters(cal, "Händelser")["Kategori"]]
    assert category == (f"Listor!$B$2:$B${len(defaults.CATEGORIES) + 2}", "stop")  # and "Inget att rapportera"
    owner = found["Insatser"][cal_letters(cal, "Insatser")["Ansvarig aktör"]]
    assert owner == (f"Listor!$D$2:$D${len(defaults.ORGANISATIONS) + 1}", "warning")
    assert cal_letters(cal, "Insatser")["Prioriterat område"] not in found["Insatser"]

    text = "\n".join(str(v) for row in cal.get_sheet_by_name("Instruktioner").to_python() for v in row if v)
    assert "inga stadsdelar" in text
    assert "fliken Stadsdelar" in text


def test_missing_database_file_falls_back_to_defaults(tmp_path: Path) -> None:
    lists = lists_from_database(Database(tmp_path / "finns-inte.duckdb"))
    assert lists == lists_from_database(None)
    assert lists.districts == []
    assert lists.statuses == defaults.STATUSES
    assert not (tmp_path / "finns-inte.duckdb").exists()


def test_long_lists_and_odd_names() -> None:
    names = [f"Stadsdel {i} – {'å' * 30}" for i in range(60)]  # far beyond Excel's 255-character inline limit
    data = build_template(TemplateLists(names, ["Klotter"], list(defaults.STATUSES), [], []))
    cal = CalamineWorkbook.from_filelike(io.BytesIO(data))
    found = xml_validations(data)
    assert found["Händelser"][cal_letters(cal, "Händelser")["Stadsdel"]] == (
        f"Listor!$A$2:$A${len(names) + 1}",
        "stop",
    )
    assert cal_column(cal.get_sheet_by_name("Listor").to_python(), 0) == names
    assert cal_letters(cal, "Insatser")["Ansvarig aktör"] not in found["Insatser"]
