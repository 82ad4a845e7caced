"""Access against a real server with local accounts: nothing of a page reaches a browser that has
not logged in, however many open page URLs the moment the server has restarted; the projector's
display mode survives the sidebar's filters; a removed account can no longer upload.

What the server sends is read off the websocket itself (Streamlit's ForwardMsg protobufs), so a
page that rendered for a moment and was then replaced by the log-in form still counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    StreamlitServer,
    app_pages,
    new_context,
    require_browser,
    settle,
    sql,
    start_server,
    stop_server,
    workbook_bytes,
)

from trygghet.demo.build import build_demo
from trygghet.store import access

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, WebSocket

pytestmark = pytest.mark.browser
require_browser()

PASSWORD = "redigerarens lösenord"
ROUNDS = 3
# What the log-in form is made of; any other element before log-in is a page showing through.
LOGIN_ELEMENTS = {"heading", "text_input", "button", "html", "empty"}
LOGIN_HEADINGS = {"Lägesbild", "Logga in"}


@pytest.fixture(scope="module")
def access_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser-access-db") / "demo.duckdb"
    build_demo(path, seed=11, events=3_000)
    return path


def server_with_accounts(tmp_path: Path, db: Path, name: str) -> StreamlitServer:
    """A server on a copy of `db` whose accounts file holds one redigerare, 'red'."""
    workdir = tmp_path / name
    workdir.mkdir()
    copy = workdir / "app.duckdb"
    copy.write_bytes(db.read_bytes())
    access.save_account("red", "redigerare", PASSWORD, workdir / "anvandare.toml")
    return start_server(workdir, copy, name)


class Wire:
    """Every ForwardMsg one page receives over Streamlit's websocket, decoded."""

    def __init__(self, page: Page) -> None:
        self.elements: list[tuple[str, str]] = []  # (element type, its text where it has one)
        self.menus: list[tuple[bool, list[str]]] = []  # per navigation message: hidden?, page names
        page.on("websocket", self._attach)

    def _attach(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            from streamlit.proto.Navigation_pb2 import Navigation

            hidden = msg.navigation.position == Navigation.Position.HIDDEN
            self.menus.append((hidden, [p.page_name for p in msg.navigation.app_pages]))
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            element_type = element.WhichOneof("type") or ""
            text = element.heading.body if element_type == "heading" else ""
            self.elements.append((element_type, text))

    def not_the_log_in_form(self) -> list[tuple[str, str]]:
        return [(t, text) for t, text in self.elements
                if t not in LOGIN_ELEMENTS or (t == "heading" and text not in LOGIN_HEADINGS)]


def log_in_form_problems(page: Page, wire: Wire, where: str) -> list[str]:
    """Everything that shows more than the log-in form, on the wire or on the screen."""
    main = page.locator("[data-testid='stMain']")
    # Generous: right after a restart every session's first run imports the app at once.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        # The form's heading or, the fault, a page's heading or its error.
        main.locator("h1, [data-testid='stException']").first.wait_for(timeout=180_000)
        settle(page, timeout=180_000)
    except PlaywrightTimeout:
        return [f"{where}: no log-in form, the page never finished: {main.inner_text()[:300]!r}, "
                f"sent: {wire.not_the_log_in_form()[:12]}"]
    problems = []
    if main.get_by_label("Användarnamn").count() != 1:
        problems.append(f"{where}: no log-in form")
    if not wire.elements:
        problems.append(f"{where}: nothing was read off the websocket")
    if wire.not_the_log_in_form():
        problems.append(f"{where}: page elements sent before log-in: {wire.not_the_log_in_form()[:12]}")
    headings = page.locator("[data-testid='stMain'] h1").all_inner_texts()
    if headings != ["Lägesbild"]:
        problems.append(f"{where}: headings {headings}")
    for testid in ("stFileUploader", "stMetric", "stDataFrame", "stPlotlyChart", "stVegaLiteChart", "stTabs",
                   "stSidebarNav"):
        if page.locator(f"[data-testid='{testid}']").count():
            problems.append(f"{where}: {testid} on screen before log-in")
    # Streamlit's old multipage mode may send its list of page files before any app code runs;
    # the gate then replaces it with the app's menu, hidden.
    if not (wire.menus and wire.menus[-1][0]):
        problems.append(f"{where}: a page menu is shown before log-in: {wire.menus}")
    return problems


def test_right_after_a_restart_no_page_shows_anything_before_log_in(
    chromium: Browser, access_db: Path, tmp_path: Path
) -> None:
    pages = app_pages()
    assert len(pages) >= 4
    problems: list[str] = []
    for round_no in range(ROUNDS):
        server = server_with_accounts(tmp_path, access_db, f"streamlit-restart-{round_no}")
        contexts = [new_context(chromium) for _ in pages]
        try:
            opened: list[tuple[Page, Wire, str]] = []
            for context, app_page in zip(contexts, pages, strict=True):
                tab = context.new_page()
                opened.append((tab, Wire(tab), app_page.path))
            # All at once: each navigation is started without waiting for the previous one, so every
            # session reaches the fresh server before any of them has run app.py.
            for tab, _, path in opened:
                tab.evaluate("url => { setTimeout(() => { window.location.href = url; }, 0); }", server.url + path)
            for tab, wire, path in opened:
                problems += log_in_form_problems(tab, wire, f"round {round_no + 1}, /{path}")
        finally:
            for context in contexts:
                context.close()
            stop_server(server)
    assert not problems, "\n".join(problems)


@pytest.fixture
def access_server(access_db: Path, tmp_path: Path, chromium: Browser) -> Iterator[StreamlitServer]:
    server = server_with_accounts(tmp_path, access_db, "streamlit-access")
    yield server
    stop_server(server)


def log_in(page: Page, url: str) -> None:
    page.goto(url)
    main = page.locator("[data-testid='stMain']")
    main.get_by_label("Användarnamn").fill("red")
    main.get_by_label("Lösenord").fill(PASSWORD)
    main.get_by_role("button", name="Logga in").click()
    main.get_by_label("Användarnamn").wait_for(state="detached")
    page.locator("[data-testid='stSidebarNav']").wait_for()
    settle(page)


def upload_count(server: StreamlitServer) -> int:
    return int(sql(server.db_path, "SELECT count(*) FROM uploads")[0][0])


def test_projector_mode_stays_read_only_after_a_filter_change(
    access_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    log_in(page, access_server.url + "data?visning=1")
    assert "visning=1" in page.url
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    uploads, meetings = upload_count(access_server), sql(access_server.db_path, "SELECT count(*) FROM meetings")

    # Another week in the sidebar: the sidebar writes its filters to the URL.
    week = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
    week.click()
    page.get_by_role("option").nth(2).click()
    settle(page)
    assert "vecka=" in page.url and "visning=1" in page.url, page.url
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert page.locator("[data-testid='stSidebar']").get_by_text("visningsläge").count() == 1

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Möte", exact=True).click()
    page.locator("[data-testid='stSidebarNav'] a[aria-current='page']", has_text="Möte").wait_for()
    settle(page)
    assert "visning=1" in page.url, page.url
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_role("button", name="Starta mötet").count() == 0
    assert main.locator("[data-testid='stForm']").count() == 0  # no form that records anything

    # A reload of the same address is the same session's display, and a new browser opening it too.
    page.reload()
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    settle(page)
    assert main.get_by_role("button", name="Starta mötet").count() == 0
    assert upload_count(access_server) == uploads
    assert sql(access_server.db_path, "SELECT count(*) FROM meetings") == meetings


def test_a_removed_account_cannot_upload(access_server: StreamlitServer, new_page: Callable[..., Page]) -> None:
    page = new_page()
    log_in(page, access_server.url + "data")
    uploader = page.locator("[data-testid='stFileUploader']")
    assert uploader.count() == 1
    before = upload_count(access_server)

    assert access.remove_account("red", access_server.workdir / "anvandare.toml")
    day = sql(access_server.db_path, "SELECT max(occurred_at)::DATE FROM events")[0][0]
    assert isinstance(day, dt.date)
    data = workbook_bytes("Händelser", [["Datum", "Stadsdel", "Kategori", "Händelse-ID", "Källa"],
                                        [day, "Centrum", "Klotter", "BORTTAGEN-1", "Polisen"]])
    uploader.locator("input[type='file']").set_input_files(
        {"name": "borttagen.xlsx", "mimeType": "application/octet-stream", "buffer": data}
    )
    main = page.locator("[data-testid='stMain']")
    importing = main.get_by_role("button", name="Importera filen")
    # The upload reruns the page: either the log-in form comes back, or (the fault) the import is offered.
    main.get_by_label("Användarnamn").or_(importing).wait_for()
    settle(page)
    if importing.count():
        importing.click()
        settle(page)
    assert main.get_by_label("Användarnamn").count() == 1, main.inner_text()[:1500]
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert upload_count(access_server) == before
    assert sql(access_server.db_path, "SELECT count(*) FROM events WHERE external_id = 'BORTTAGEN-1'")[0][0] == 0
