"""A file that would take the server down, uploaded on the Data page of a real server: the file is
refused with a Swedish message naming the far cell, and the same server, in the same browser
session, goes on to preview and import a good file."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    StreamlitServer,
    navigate,
    open_page,
    require_browser,
    settle,
    sql,
    start_server,
    stop_server,
    workbook_bytes,
)

from trygghet.store.db import Database, add_district, init_database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = [["Datum", "Stadsdel", "Kategori", "Beskrivning"], ["2026-11-03", "Norrby", "Klotter", "Tag på fasaden"]]


@pytest.fixture(scope="module")
def small_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    work = tmp_path_factory.mktemp("hostile-server")
    db = Database(work / "trygghet.duckdb")
    init_database(db)
    with db.write() as con:
        add_district(con, "Norrby")
    server = start_server(work, db.path, "hostile")
    yield server
    stop_server(server)


def with_cell_at_xfd1048576(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                                     b"</row></sheetData>")
            target.writestr(info, content)
    return out.getvalue()


def upload(page: Page, name: str, content: bytes) -> None:
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Dra hit filer")
    uploader.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": content}])


def events(path: Path) -> int:
    return int(sql(path, "SELECT count(*) FROM events")[0][0])


def test_a_file_that_would_abort_the_reader_is_refused_and_the_server_goes_on(
    small_server: StreamlitServer, page: Page
) -> None:
    open_page(page, small_server.url)
    navigate(page, "Data")
    upload(page, "stor.xlsx", with_cell_at_xfd1048576(workbook_bytes("Händelser", ROWS)))
    alert = page.locator("[data-testid='stAlert']").filter(has_text="stor.xlsx")
    alert.wait_for()
    settle(page)
    text = alert.inner_text()
    assert "Bladet 'Händelser' har en cell långt ut i XFD1048576" in text and "Ta bort den cellen" in text
    assert not re.search(r"Traceback|Error|memory allocation", text)
    assert small_server.process is not None and small_server.process.poll() is None
    assert events(small_server.db_path) == 0

    page.get_by_role("button", name=re.compile("Remove stor.xlsx|Ta bort stor.xlsx")).or_(
        page.locator("[data-testid='stFileUploaderDeleteBtn'] button")).first.click()
    settle(page)
    upload(page, "vecka.xlsx", workbook_bytes("Händelser", ROWS))
    page.get_by_text("Klar att importera").wait_for()
    settle(page)
    page.get_by_role("button", name="Importera filen").click()
    page.get_by_text("Importerad").first.wait_for()
    settle(page)
    assert events(small_server.db_path) == 1
