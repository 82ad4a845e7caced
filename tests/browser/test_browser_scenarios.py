"""What the meeting does in the browser: upload a sheet, get a broken file refused, filter on a
district (and share the link, and go back), download a table. Every figure the page shows is
checked against SQL written here, run on the server's database file opened read-only."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest
from browser_support import (
    StreamlitServer,
    events_in,
    grid_rows,
    last_complete_week,
    metric_value,
    navigate,
    number,
    open_page,
    require_browser,
    settle,
    sql,
    workbook_bytes,
)

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser
require_browser()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def week_count(page: Page) -> float:
    return number(metric_value(page, "Händelser v."))


def database_state(path: Path) -> dict[str, int]:
    version, uploads, events = sql(
        path, "SELECT (SELECT max(version) FROM data_version), (SELECT count(*) FROM uploads), "
              "(SELECT count(*) FROM events)"
    )[0]
    return {"version": int(version), "uploads": int(uploads), "events": int(events)}


def footer_version(page: Page) -> int:
    footer = page.locator("[data-testid='stCaptionContainer']", has_text="dataversion").last.inner_text()
    found = re.search(r"dataversion (\d+)", footer)
    assert found, footer
    return int(found.group(1))


def uploader_input(page: Page) -> Locator:
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Dra hit filer")
    assert uploader.count() == 1, "the Data page has no file uploader for sheets"
    return uploader.locator("input[type=file]")


def upload_report(page: Page, file_name: str) -> Locator:
    """The bordered box the Data page draws for one uploaded file: the innermost block holding its name."""
    box = page.locator("[data-testid='stMain'] [data-testid='stVerticalBlock']").filter(
        has=page.locator("[data-testid='stMarkdownContainer'] strong", has_text=file_name)
    )
    box.last.wait_for()
    return box.last


# ---------------------------------------------------------------- 2. upload a sheet


def test_uploading_a_sheet_shows_the_report_and_importing_changes_the_figures(
    demo_server: StreamlitServer, page: Page
) -> None:
    db = demo_server.db_path
    monday, end = last_complete_week()
    open_page(page, demo_server.url + "?stadsdel=Norrby")
    before = week_count(page)
    assert before == events_in(db, monday, end, ["Norrby"])
    before_all = events_in(db, monday, end)

    token = uuid.uuid4().hex[:8]
    rows = [["Datum", "Tid", "Stadsdel", "Plats", "Kategori", "Beskrivning", "Källa"]]
    new_events = 4
    for i in range(new_events):  # distinct places: content de-duplication must keep all four
        rows.append([monday + dt.timedelta(days=i), dt.time(21, 10 + i), "Norrby", f"Webbtestgatan {i + 1} {token}",
                     "Skadegörelse", "Krossad ruta (webbtest)", "Webbtest"])
    state_before = database_state(db)

    navigate(page, "Data")
    uploader_input(page).set_input_files(files=[{"name": "vecka-webbtest.xlsx", "mimeType": XLSX,
                                                 "buffer": workbook_bytes("Händelser", rows)}])
    report = upload_report(page, "vecka-webbtest.xlsx")
    settle(page)
    assert "Klar att importera" in report.inner_text()
    header, table = grid_rows(report.locator("[data-testid='stDataFrame']").first)
    shown = dict(zip(header, table[0], strict=True))
    assert shown["Blad"] == "Händelser" and shown["Innehåll"] == "Händelser", shown
    assert (shown["Rader"], shown["Nya"], shown["Avvisade"]) == (str(new_events), str(new_events), "0"), shown
    assert report.get_by_text("förhandsvisning av de första raderna").count() == 1
    assert database_state(db) == state_before, "the preview must not write anything"

    page.get_by_role("button", name="Importera filen").click()
    page.wait_for_function("() => !document.body.innerText.includes('Klar att importera')")
    settle(page)
    report = upload_report(page, "vecka-webbtest.xlsx")
    assert "Importerad" in report.inner_text()
    header, table = grid_rows(report.locator("[data-testid='stDataFrame']").first)
    assert dict(zip(header, table[0], strict=True))["Nya"] == str(new_events)
    after = database_state(db)
    assert after == {"version": state_before["version"] + 1, "uploads": state_before["uploads"] + 1,
                     "events": state_before["events"] + new_events}

    navigate(page, "Översikt")  # the sidebar still has Norrby chosen
    assert "stadsdel=Norrby" in page.url
    assert week_count(page) == before + new_events == events_in(db, monday, end, ["Norrby"])
    assert events_in(db, monday, end) == before_all + new_events


# ---------------------------------------------------------------- 3. a broken file


def test_a_broken_file_is_refused_in_swedish_and_changes_nothing(demo_server: StreamlitServer, page: Page) -> None:
    db = demo_server.db_path
    open_page(page, demo_server.url + "data")
    state_before = database_state(db)
    version_shown = footer_version(page)
    assert version_shown == state_before["version"]

    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    uploader_input(page).set_input_files(files=[{"name": "vecka48.xlsx", "mimeType": XLSX, "buffer": pdf}])
    report = upload_report(page, "vecka48.xlsx")
    settle(page)
    error = report.locator("[data-testid='stAlertContentError']")
    assert error.count() == 1, report.inner_text()
    assert "inte ett kalkylark" in error.inner_text()
    assert "Avvisad – inget importerades" in report.inner_text()
    assert page.get_by_role("button", name=re.compile(r"^Importera")).count() == 0
    assert page.get_by_text("Ingen av filerna kan importeras").count() == 1

    assert database_state(db) == state_before
    assert footer_version(page) == version_shown
    # The upload history on the same page lists no new upload either.
    page.get_by_role("tab", name="Uppladdningar").click()
    settle(page)
    panel = page.locator("[data-testid='stTabPanel']:visible")
    if state_before["uploads"] == 0:
        assert panel.get_by_text("Inga uppladdningar ännu.").count() == 1
    else:
        header, table = grid_rows(panel.locator("[data-testid='stDataFrame']").first)
        files = [row[header.index("Fil")] for row in table]
        assert files and "vecka48.xlsx" not in files, files
    assert database_state(db) == state_before


# ---------------------------------------------------------------- 4. a district in the sidebar and the URL


def pill(page: Page, district: str) -> Locator:
    return page.locator("[data-testid='stSidebar']").get_by_role("button", name=district, exact=True)


def test_a_district_filters_the_figures_is_in_the_url_and_back_returns(
    demo_server: StreamlitServer, page: Page
) -> None:
    db = demo_server.db_path
    monday, end = last_complete_week()
    open_page(page, demo_server.url)
    everything = week_count(page)
    assert everything == events_in(db, monday, end)
    assert "Alla stadsdelar" in page.locator("[data-testid='stCaptionContainer']").first.inner_text()

    pill(page, "Norrby").click()
    page.wait_for_url(re.compile(r"[?&]stadsdel=Norrby(&|$)"))
    settle(page)
    norrby = week_count(page)
    assert norrby == events_in(db, monday, end, ["Norrby"])
    assert norrby != everything
    assert page.locator("[data-testid='stCaptionContainer']").first.inner_text().startswith("Norrby ·")
    assert pill(page, "Norrby").get_attribute("aria-pressed") == "true"
    shared = page.url
    iso = monday.isocalendar()
    assert f"vecka={iso.year}-W{iso.week:02d}" in shared

    # The same link in a new tab (a new Streamlit session) shows the same filtered view.
    other = page.context.new_page()
    open_page(other, shared)
    assert week_count(other) == norrby
    assert other.locator("[data-testid='stCaptionContainer']").first.inner_text().startswith("Norrby ·")
    assert pill(other, "Norrby").get_attribute("aria-pressed") == "true"
    assert pill(other, "Hamnen").get_attribute("aria-pressed") == "false"

    pill(page, "Hamnen").click()
    page.wait_for_url(re.compile(r"stadsdel=Norrby&stadsdel=Hamnen"))
    settle(page)
    assert week_count(page) == events_in(db, monday, end, ["Norrby", "Hamnen"])

    page.go_back()
    page.wait_for_url(shared)
    settle(page)
    assert week_count(page) == norrby
    assert pill(page, "Hamnen").get_attribute("aria-pressed") == "false"
    assert pill(page, "Norrby").get_attribute("aria-pressed") == "true"


# ---------------------------------------------------------------- 5. presentation mode


def presented(page: Page) -> None:
    """Waits for a run to finish; presentation mode hides Streamlit's chrome, so wait on attributes."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", state="attached",
                           timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached",
                           timeout=60_000)
    page.locator("[data-testid='stMain'] h2").first.wait_for(timeout=60_000)
    # Streamlit mounts a widget's component lazily: its keyed container can be on the page before
    # the button inside it. A presenter presses a key once the buttons are on the wall.
    page.locator(".st-key-pres_next button").wait_for(state="visible", timeout=60_000)
    page.wait_for_timeout(500)


def this_weeks_meeting(db_path: Path) -> int:
    """The id of this week's meeting in the server's database, started here when there is none."""
    from trygghet.core import clock
    from trygghet.meeting import records as meetings
    from trygghet.store.access import OPEN_DEMO
    from trygghet.store.db import Database

    db = Database(db_path)
    with db.read() as con:
        held = meetings.meeting_in_week(con, clock.today())
    return held.id if held else meetings.create_meeting(db, clock.today(), actor=OPEN_DEMO)


def test_presentation_mode_hides_the_sidebar_and_steps_through_the_agenda_with_the_keyboard(
    demo_server: StreamlitServer, page: Page
) -> None:
    this_weeks_meeting(demo_server.db_path)
    page.goto(f"{demo_server.url.rstrip('/')}/mote?presentation=1")  # no page title (h1) in presentation mode
    presented(page)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    heading = page.locator("[data-testid='stMain'] h2").first
    assert heading.inner_text().startswith("1. Lägesbild")

    # What a presenter clicker sends; the Lägesbild may go on over several slides before the next item.
    for _ in range(10):
        before = page.evaluate("location.search")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => location.search !== {before!r}", timeout=30_000)
        presented(page)
        if page.evaluate("new URLSearchParams(location.search).get('vy')") == "2":
            break
    assert page.locator("[data-testid='stMain'] h2").first.inner_text() == "2. Insatser att följa upp"
    assert not page.locator("[data-testid='stSidebar']").is_visible()

    page.keyboard.press("PageUp")
    page.wait_for_function("() => new URLSearchParams(location.search).get('vy') !== '2'", timeout=30_000)
    presented(page)
    assert page.locator("[data-testid='stMain'] h2").first.inner_text().startswith("1. Lägesbild")


# ---------------------------------------------------------------- 6. a download


def unguarded(value: object) -> str:
    """The export writes text that starts like a formula ('+10 (+1 %)') with a leading apostrophe
    (export.neutralise, against formula injection); compare with the screen without it."""
    text = "" if value is None else str(value)
    return text[1:] if text[:2] in {"'=", "'+", "'-", "'@"} else text


def test_the_excel_download_under_the_compstat_table_holds_what_is_shown(
    demo_server: StreamlitServer, page: Page
) -> None:
    db = demo_server.db_path
    open_page(page, demo_server.url)
    table = page.locator("[data-testid='stDataFrame']").filter(
        has=page.locator("th", has_text="Snitt 4 v. före")
    )
    table.first.wait_for(state="attached")  # the grid's accessible table follows its first drawing
    assert table.count() == 1
    header, shown = grid_rows(table)
    assert header[:2] == ["Kategori", "Vecka"]
    button = table.locator("xpath=following::div[@data-testid='stDownloadButton'][1]//button")
    assert "Ladda ned som Excel" in button.inner_text()
    with page.expect_download() as info:
        button.click()
    download = info.value
    monday, end = last_complete_week()
    iso = monday.isocalendar()
    assert download.suggested_filename == f"compstat-v{iso.week}-{iso.year}.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    sheet = workbook[workbook.sheetnames[0]]
    rows = [[unguarded(v) for v in row] for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]

    assert rows[0] == header
    assert rows[1:] == shown, "the Excel file differs from the table on screen"

    week_by_category = dict(sql(
        db, "SELECT category, count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? GROUP BY category",
        [monday, end],
    ))
    in_file = {row[0]: row for row in rows[1:]}
    for category, count in week_by_category.items():
        assert category in in_file, f"{category} is missing from the download"
        assert number(in_file[category][1]) == count, category
    assert number(in_file["Totalt"][1]) == sum(week_by_category.values())


def test_the_minutes_pdf_holds_the_meeting_its_figures_and_its_decisions(
    demo_server: StreamlitServer, page: Page
) -> None:
    from pypdf import PdfReader

    from trygghet.meeting import edits as meeting_edits
    from trygghet.meeting import records as meetings
    from trygghet.store.access import OPEN_DEMO
    from trygghet.store.db import Database

    db = Database(demo_server.db_path)
    mid = this_weeks_meeting(demo_server.db_path)
    decision = f"Fältarna går kvällsrunda vid torget {uuid.uuid4().hex[:6]}"
    meeting_edits.record_decision(db, mid, decision, "Fritid/fältare", actor=OPEN_DEMO)
    with db.read() as con:
        meeting = meetings.get_meeting(con, mid)
    assert meeting is not None

    open_page(page, f"{demo_server.url.rstrip('/')}/mote?mote={mid}")
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Protokoll som PDF").first.click()
    download = info.value
    assert download.suggested_filename == f"protokoll-{meeting.held_on:%Y-%m-%d}.pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    words = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)

    week = meeting.week
    this_week = events_in(demo_server.db_path, week.monday(), week.sunday() + dt.timedelta(days=1), meeting.districts)
    week_before = events_in(demo_server.db_path, week.shift(-1).monday(), week.monday(), meeting.districts)
    assert f"Protokoll – {meeting.title}" in words
    assert f"1. Lägesbild {week.label}" in words
    # The key figures' row: this week's events, then the week before's, as counted here in SQL.
    assert f"{this_week} {week_before}" in words, words[:800]
    assert decision in words
