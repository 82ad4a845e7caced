"""The rejected-rows Excel of a police-feed import, and the Data page around it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from trygghet.ingest import excel_export as export
from trygghet.ingest.importer import FileReport, import_file
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LOCATION = {"name": "Solvik", "gps": "57.708870,11.974560"}


def police_event(id_: int, when: str, summary: str = "Klotter på en vägg i Norrby.") -> dict[str, object]:
    return {
        "id": id_,
        "datetime": when,
        "name": f"20 augusti 12.00, Skadegörelse, {LOCATION['name']}",
        "summary": summary,
        "url": f"/aktuellt/handelser/{id_}/",
        "type": "Skadegörelse",
        "location": LOCATION,
    }


def import_with_one_rejected(db: Database) -> FileReport:
    """Two events of the municipality; the second has a datetime the importer cannot read."""
    events = [
        police_event(101, "2026-08-20 12:00:00 +02:00"),
        # A control character as well: openpyxl refuses to write one into a cell.
        police_event(102, "igår vid lunch", summary="Klotter\x07 i Norrby."),
    ]
    report = import_file(db, json.dumps(events, ensure_ascii=False).encode(), "handelser.json", kommun="Solvik")
    assert report.status == "imported", report.error
    assert (report.totals()["imported"], report.totals()["rejected"]) == (1, 1)
    return report


def test_rejected_police_item_becomes_a_readable_excel_row(database: Database) -> None:
    report = import_with_one_rejected(database)

    content = export.rejected_rows_xlsx(database, report.upload_id)

    assert content is not None
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    sheet = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    header, row = sheet[0], sheet[1]
    assert header == ["id", "datetime", "name", "summary", "url", "type", "location", "Fel", "Rad i originalfilen"]
    values = dict(zip(header, row, strict=True))
    assert json.loads(values["location"]) == LOCATION  # the nested object as JSON text
    assert values["datetime"] == "igår vid lunch"
    assert values["summary"] == "Klotter i Norrby."
    assert "datetime" in values["Fel"] and values["Rad i originalfilen"] == 2
    assert len(sheet) == 2


def test_nested_and_unwritable_values_become_plain_text() -> None:
    assert export._readable({"name": "Göteborg", "gps": "57.7,11.9"}) == '{"name": "Göteborg", "gps": "57.7,11.9"}'
    assert export._readable([1, "två"]) == '[1, "två"]'
    assert export._readable("a\x00b\x1fc") == "abc"
    assert export._readable("x" * 40_000) == "x" * 32_767
    assert export._readable(12) == 12 and export._readable(None) is None


@pytest.fixture
def data_page(database: Database, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Data page right after the police import, its result shown as after pressing Importera."""
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    report = import_with_one_rejected(database)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.session_state["results"] = [report]
    at.switch_page("pages/data.py").run()
    return at


def excel_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "avvisade raderna" in w.value]


def download_labels(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


def test_data_page_shows_the_police_import_with_its_excel_and_every_tab(
    data_page: AppTest,
) -> None:
    at = data_page

    assert not at.exception
    assert not excel_warnings(at)
    assert [t.label for t in at.tabs] == ["Ladda upp", "Uppladdningar", "Mall", "Inställningar"]
    # Once under the result, once under the upload history; then the template.
    assert download_labels(at) == ["Ladda ned avvisade rader (Excel)"] * 2 + ["Ladda ned Excel-mallen"]
    history = at.dataframe[2].value  # result sheets, its errors, then the history of uploads
    assert history["Fil"].tolist() == ["handelser.json"] and history["Avvisade"].tolist() == [1]


def test_a_failing_excel_replaces_only_its_button(
    data_page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = data_page

    def broken(*args: object) -> bytes:
        raise ValueError("internal detail that must not be shown")

    monkeypatch.setattr(export, "rejected_rows_xlsx", broken)
    at.run()

    assert not at.exception
    messages = excel_warnings(at)
    assert len(messages) == 2 and all("kunde inte skapas" in m for m in messages)
    assert not any("internal detail" in e.value for e in [*at.warning, *at.error])
    assert download_labels(at) == ["Ladda ned Excel-mallen"]  # the rest of the page is there
    assert [t.label for t in at.tabs] == ["Ladda upp", "Uppladdningar", "Mall", "Inställningar"]
