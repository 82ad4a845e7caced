"""Names and texts that are Markdown or HTML show as typed on every page: no link, image, bold,
heading, colour or formula is made from them, and the browser fetches nothing they point at.

The data is imported as a real workbook into a demo database: districts, categories, a source, a
place, a priority area, an intervention, a meeting's participants and decision. A file with a
hostile name is uploaded through the Data page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    StreamlitServer,
    app_pages,
    assert_no_app_error,
    navigate,
    new_context,
    open_page,
    require_browser,
    settle,
    start_server,
    stop_server,
    wait_for_charts,
)
from text_workbooks import text_workbook

from trygghet.core import clock
from trygghet.core.text import WORD_JOINER
from trygghet.demo.build import build_demo
from trygghet.ingest.importer import import_file
from trygghet.meeting import edits as meeting_edits
from trygghet.meeting import records as meetings
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()

TRAP = "127.0.0.1:9"  # nothing listens on port 9: a request there is only ever seen, never answered
BOLD_DISTRICT = "**Fetby**"
LINK_DISTRICT = f"[Länkby](http://{TRAP}/stadsdel)"
IMAGE_DISTRICT = f"![Bildby](http://{TRAP}/stadsdel.png)"
HTML_CATEGORY = "<img src=x onerror=alert(1)> Htmlkategori"
COLOUR_CATEGORY = ":red[Rödkategori]"
SOURCE = "$Källformel^2$"
PLACE = "# Rubrikplats"
AREA = "# Rubrikområde"
GOAL = "$x^2$ _Kursivmål_"
DESCRIPTION = "~~Strukentext~~ :material/warning: :blue-background[Blåtext]"
INTERVENTION = f"Insats ![Bildinsats](http://{TRAP}/insats.png)"
COMMENT = f"[Länkkommentar](http://{TRAP}/kommentar) <b>Fetkommentar</b>"
OWNER = ":orange-badge[Märkesägare]"
ROLE = "**Fetroll**"
DECISION = f"[Beslutslänk](http://{TRAP}/beslut) **Fetbeslut**"
FILE_NAME = "**Fetfil** _kursiv_ $y$.xlsx"
# HTML that Plotly itself reads in chart labels, legends and hovers (an <a> becomes an SVG link).
ANCHOR_DISTRICT = f'<a href="http://{TRAP}/stadsdel">Ankarby</a>'
BOLD_CATEGORY = "<b>Fetkategori</b>"
ANCHOR_AREA = f'<b>Fetområde</b> <a href="http://{TRAP}/omrade">Ankarområde</a>'
ANCHOR_INTERVENTION = f'<b>Fetinsats</b> <a href="http://{TRAP}/insats">Ankarinsats</a>'

# What each would show as once its markup had been read: no element may hold exactly this text.
MARKUP_READ = ["Fetby", "Länkby", "Bildby", "Rödkategori", "Källformel", "Rubrikplats", "Rubrikområde",
               "Kursivmål", "Strukentext", "Blåtext", "Bildinsats", "Länkkommentar", "Fetkommentar",
               "Märkesägare", "Fetroll", "Beslutslänk", "Fetbeslut", "Fetfil", "kursiv", "Fetmöte",
               "Ankarby", "Fetkategori", "Fetområde", "Ankarområde", "Fetinsats", "Ankarinsats"]

FOUND_MARKUP = """(bare) => {
  const bad = [];
  const note = (what, el) => bad.push(what + ': ' + (el.outerHTML || '').slice(0, 160));
  for (const el of document.querySelectorAll('a[href], a[*|href]')) {
    const href = el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    // The coverage reminder's own link has no recipient (mailto:?subject=…); a name turned into a
    // link by Markdown would carry one.
    if (href.includes('127.0.0.1:9') || (href.startsWith('mailto:') && !href.startsWith('mailto:?'))) note('link', el);
  }
  for (const el of document.querySelectorAll('img, image, source, video, audio, iframe, object, embed')) {
    const src = el.getAttribute('src') || el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    if (src.includes('127.0.0.1:9') || src === 'x') note('image', el);
  }
  for (const el of document.querySelectorAll('.katex, .katex-display, math')) note('LaTeX', el);
  for (const el of document.querySelectorAll('body *')) {
    if (bare.includes((el.textContent || '').trim())) note('markup read', el);
  }
  return bad;
}"""


def hostile_workbook(today: dt.date) -> bytes:
    monday = today - dt.timedelta(days=today.isoweekday() - 1)
    events = [["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Plats", "Beskrivning"]]
    # Many events in the latest complete week and few before: the districts and categories reach the
    # notable changes, the top places and every chart.
    for week_back, per_district in ((1, 9), (2, 1), (3, 1), (4, 1), (5, 1)):
        day = monday - dt.timedelta(weeks=week_back)
        for district in (BOLD_DISTRICT, LINK_DISTRICT, IMAGE_DISTRICT, ANCHOR_DISTRICT):
            for i in range(per_district):
                category = (HTML_CATEGORY, COLOUR_CATEGORY, BOLD_CATEGORY)[i % 3]
                events.append([day + dt.timedelta(days=i % 7), "21:30", district, category, SOURCE, PLACE,
                               DESCRIPTION])
    start = monday - dt.timedelta(weeks=8)
    return text_workbook({
        "Stadsdelar": [["Stadsdel"], [BOLD_DISTRICT], [LINK_DISTRICT], [IMAGE_DISTRICT], [ANCHOR_DISTRICT]],
        "Kategorier": [["Kategori", "Beskrivning"], [HTML_CATEGORY, DESCRIPTION], [COLOUR_CATEGORY, DESCRIPTION],
                       [BOLD_CATEGORY, DESCRIPTION]],
        "Prioriterade områden": [
            ["Område", "Beskrivning", "Mål", "Indikatorer", "Giltig från"],
            [AREA, DESCRIPTION, GOAL, f"{COLOUR_CATEGORY}; {HTML_CATEGORY}", start - dt.timedelta(days=400)],
            [ANCHOR_AREA, DESCRIPTION, GOAL, BOLD_CATEGORY, start - dt.timedelta(days=400)],
        ],
        "Insatser": [
            ["Insats-ID", "Insats", "Stadsdel", "Ansvarig aktör", "Prioriterat område", "Status", "Startdatum",
             "Slutdatum", "Kommentar"],
            ["FIENTLIG-1", INTERVENTION, BOLD_DISTRICT, OWNER, AREA, "Pågående", start, today, COMMENT],
            ["FIENTLIG-2", ANCHOR_INTERVENTION, ANCHOR_DISTRICT, OWNER, ANCHOR_AREA, "Pågående", start, today,
             BOLD_CATEGORY],
        ],
        "Händelser": events,
    })


@pytest.fixture(scope="module")
def hostile_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    workdir = tmp_path_factory.mktemp("browser-hostile")
    db_path = workdir / "hostile.duckdb"
    build_demo(db_path, seed=11, events=4000, years=1)
    db = Database(db_path)
    today = clock.today()
    report = import_file(db, hostile_workbook(today), "fientliga-namn.xlsx")
    assert report.status == "imported", report
    assert report.totals()["rejected"] == 0, [e.message for s in report.sheets for e in s.errors]
    meeting = meetings.create_meeting(db, today, [meetings.Participant("Polis", ROLE)], [BOLD_DISTRICT],
                                      title="Möte **Fetmöte**", actor=COMMAND_LINE)
    meeting_edits.record_decision(db, meeting, DECISION, "Polis", ROLE, today, actor=COMMAND_LINE)
    meeting_edits.save_focus_places(db, meeting, [meetings.FocusPlace(BOLD_DISTRICT, PLACE, DESCRIPTION)],
                               actor=COMMAND_LINE)
    server = start_server(workdir, db_path, "streamlit-hostile")
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def watched(chromium: Browser, hostile_server: StreamlitServer) -> Iterator[tuple[Page, list[str]]]:
    """One tab through the whole app, with every request it makes and every dialog it opens."""
    context = new_context(chromium)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("dialog", lambda dialog: (seen.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page, seen
    context.close()


def visible_text(page: Page) -> str:
    return page.evaluate("() => document.body.innerText").replace(WORD_JOINER, "")


def assert_plain(page: Page, seen: list[str], where: str) -> None:
    page.wait_for_timeout(300)  # images and charts a page asks for start loading after its run
    found = page.evaluate(FOUND_MARKUP, MARKUP_READ)
    assert found == [], f"{where}: elements made from user text: {found}"
    trapped = [url for url in seen if TRAP in url or url.startswith("dialog")]
    assert trapped == [], f"{where}: the browser followed user text: {trapped}"


def test_every_page_shows_hostile_names_as_typed(watched: tuple[Page, list[str]],
                                                 hostile_server: StreamlitServer) -> None:
    page, seen = watched
    open_page(page, hostile_server.url)
    assert BOLD_DISTRICT in visible_text(page)  # the sidebar's district pills, as typed
    literal_on = {
        "Översikt": [BOLD_DISTRICT],
        "Möte": [ROLE],  # the participants line under the meeting's choice
        "Insatser": [COMMENT, OWNER],
        "Prioriterade områden": [AREA, GOAL, DESCRIPTION],
        "Karta": [LINK_DISTRICT],
        "Rapport": [BOLD_DISTRICT],
    }
    for app_page in app_pages():
        navigate(page, app_page.title)
        if app_page.title == "Insatser":  # the intervention followed up below the table
            page.locator(".st-key-ins_selected").click()
            page.keyboard.type("FIENTLIG-1")  # the list is long and drawn only where it is scrolled to
            page.get_by_role("option", name="FIENTLIG-1", exact=False).first.click()
            settle(page)
        if app_page.title == "Prioriterade områden":  # one area in detail, chosen with one click
            page.locator(".st-key-prio_omrade button", has_text=AREA).click()
            settle(page)
        assert_plain(page, seen, app_page.title)
        text = visible_text(page)
        for literal in literal_on.get(app_page.title, []):
            assert literal in text, f"{app_page.title}: {literal!r} is not shown as typed"


def test_meeting_presentation_shows_hostile_texts_as_typed(watched: tuple[Page, list[str]],
                                                           hostile_server: StreamlitServer) -> None:
    page, seen = watched
    for view in (1, 2, 3, 4):
        # The projector's read-only mode: the tables are st.table, which reads every cell as Markdown.
        page.goto(f"{hostile_server.url}mote?presentation=1&visning=1&vy={view}")  # no page title in this mode
        page.wait_for_selector("[data-testid='stMain'] h2")
        settle(page)
        assert_no_app_error(page)
        assert_plain(page, seen, f"presentation, view {view}")
        text = visible_text(page)
        assert "Fetmöte" in text  # the footer's meeting title
        if view == 4:
            assert DECISION in text  # a table cell read as Markdown by st.table
            assert PLACE in text


def test_uploaded_file_name_is_shown_as_typed(watched: tuple[Page, list[str]], hostile_server: StreamlitServer,
                                              tmp_path: Path) -> None:
    page, seen = watched
    open_page(page, f"{hostile_server.url}data")
    rows = [["Stadsdel"], [f"{BOLD_DISTRICT} {HTML_CATEGORY}"]]
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": text_workbook({"Stadsdelar": rows})}]
    )
    page.get_by_text("Klar att importera").first.wait_for()
    settle(page)
    assert_plain(page, seen, "Data, after the upload")
    assert FILE_NAME in visible_text(page)


CHART_TEXTS = """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart'] svg text")]
  .map(t => (t.textContent || '').replace(/\\s+/g, ''))"""


def squeezed(text: str) -> str:
    """As CHART_TEXTS gives a label: Plotly draws a wrapped one as lines with no space between."""
    return "".join(text.split())


def chart_texts(page: Page, where: str, seen: list[str]) -> list[str]:
    settle(page)
    wait_for_charts(page)
    assert_plain(page, seen, f"{where}, charts")
    return page.evaluate(CHART_TEXTS)


def test_charts_show_html_names_as_typed(watched: tuple[Page, list[str]], hostile_server: StreamlitServer) -> None:
    """Plotly reads HTML in every text it draws: a name must reach its SVG as text, not as an <a>
    or a bold span, in tick labels, legends and hovers alike."""
    page, seen = watched
    open_page(page, hostile_server.url)
    # Only the district named as a link: its categories and its intervention are then in the charts.
    page.locator(".st-key-f_districts button", has_text="Ankarby").click()
    drawn: list[str] = []
    for app_page in app_pages():
        navigate(page, app_page.title)
        drawn += chart_texts(page, app_page.title, seen)
        if app_page.title == "Trender":
            for grouping in ("Kategori", "Stadsdel"):
                page.locator(".st-key-trend_grouping button", has_text=grouping).click()
                drawn += chart_texts(page, f"Trender per {grouping.lower()}", seen)
        if app_page.title == "Insatser":
            timeline = page.locator(".st-key-chart_insatser-tidslinje")
            timeline.locator(".barlayer .point path").first.hover(force=True)
            hover = timeline.locator(".hoverlayer .hovertext")
            hover.wait_for()
            assert_plain(page, seen, "Insatser, the timeline's hover")
            assert hover.locator("a").count() == 0
            shown = squeezed(hover.text_content() or "")
            assert squeezed(ANCHOR_INTERVENTION) in shown and squeezed(ANCHOR_DISTRICT) in shown, shown
    # The meeting shows one agenda item at a time: its priority areas' chart is item 3.
    navigate(page, "Möte")
    page.locator(".st-key-mote_vy_ctl button", has_text="3 Prioriterade områden").click()
    drawn += chart_texts(page, "Möte, prioriterade områden", seen)
    for name in (ANCHOR_DISTRICT, BOLD_CATEGORY, ANCHOR_AREA, ANCHOR_INTERVENTION):
        assert any(squeezed(name) in text for text in drawn), f"{name!r} is drawn in no chart as typed"
