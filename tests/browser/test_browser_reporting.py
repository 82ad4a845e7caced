"""Rapportering in a phone-sized browser (390 × 844) against a real server with local accounts: a
rapportör logs in, reports one event (with the phone's position, once allowed) and one "Inget att
rapportera", sees only the Rapportera page, and both reports show on Översikt's coverage table for a
redigerare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    HD,
    StreamlitServer,
    assert_no_app_error,
    grid_rows,
    last_complete_week,
    require_browser,
    settle,
    sql,
    start_server,
    stop_server,
)

from trygghet.core.periods import IsoWeek
from trygghet.demo.build import build_demo
from trygghet.store import access

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()

PHONE = {"width": 390, "height": 844}
REPORTER = "Centrumföreningen"  # a demo partner who has not reported the last two weeks
PASSWORD = "ett långt lösenord"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    workdir = tmp_path_factory.mktemp("browser-reporting")
    db_path = workdir / "app.duckdb"
    build_demo(db_path, seed=11, events=3_000)
    access.save_account("rapp", access.REPORTER, PASSWORD, workdir / "anvandare.toml", organisation=REPORTER)
    access.save_account("red", "redigerare", PASSWORD, workdir / "anvandare.toml")
    running = start_server(workdir, db_path, "streamlit-reporting")
    yield running
    stop_server(running)


def log_in(page: Page, url: str, name: str) -> None:
    page.goto(url)
    main = page.locator("[data-testid='stMain']")
    main.get_by_label("Användarnamn").fill(name)
    main.get_by_label("Lösenord").fill(PASSWORD)
    main.get_by_role("button", name="Logga in").click()
    main.get_by_label("Användarnamn").wait_for(state="detached")
    page.wait_for_selector("[data-testid='stMain'] h1")
    settle(page)
    assert_no_app_error(page)


def choose(page: Page, label: str, option: str) -> None:
    box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(has_text=label).first
    box.locator("input").first.click()
    page.keyboard.type(option)  # the list is searchable: typing leaves the one option, as a person would
    page.get_by_role("option", name=option, exact=True).first.click()
    settle(page)


def test_a_rapportor_reports_from_a_phone_and_overview_shows_it(
    server: StreamlitServer, new_page: Callable[..., Page], tmp_path: Path
) -> None:
    monday, _ = last_complete_week()
    week = IsoWeek.of(monday)
    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["geolocation"], origin=server.url.rstrip("/"))
    page.context.set_geolocation({"latitude": 57.7123, "longitude": 11.9456})
    log_in(page, server.url, "rapp")
    main = page.locator("[data-testid='stMain']")
    assert main.locator("h1").inner_text().strip() == "Rapportera"
    assert main.get_by_text(f"Du rapporterar för {REPORTER}").count() == 1
    # Made for the phone: nothing wider than the screen, and buttons a thumb can hit.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    send = main.get_by_role("button", name="Skicka rapporten")
    assert send.bounding_box()["height"] >= 44 and send.bounding_box()["width"] >= 300

    # An event on the Wednesday of the last complete week (the date field defaults to today).
    # On a phone Streamlit gives the date field the phone's own date picker (an input of type date).
    main.locator("[data-testid='stDateInput'] input").first.fill((monday + dt.timedelta(days=2)).isoformat())
    settle(page)
    choose(page, "Stadsdel", "Centrum")
    choose(page, "Kategori", "Klotter")
    main.get_by_role("textbox", name="Beskrivning").fill("Klotter på entrén, ring 070-123 45 67")
    main.get_by_text("Rapportera en händelse").click()  # leaving the field applies it: the guard speaks
    settle(page)
    assert main.get_by_text("1 telefonnummer tas bort innan rapporten sparas").count() == 1
    main.get_by_text("Position (frivillig)").click()
    main.get_by_role("button", name="📍 Hämta min position").click()
    page.wait_for_function("""() => [...document.querySelectorAll("[data-testid='stNumberInput'] input")]
                              .some(i => i.value.startsWith('57.71'))""")
    settle(page)
    send.click()
    settle(page)
    assert main.get_by_text("är sparad och syns i lägesbilden").count() == 1, main.inner_text()[:2000]
    rows = sql(server.db_path, "SELECT source, district, category, description, round(lat, 4), round(lon, 4) "
                               "FROM events WHERE source = ?", [REPORTER])
    assert rows == [(REPORTER, "Centrum", "Klotter", "Klotter på entrén, ring [telefonnummer borttaget]",
                     57.7123, 11.9456)]

    # "Inget att rapportera" for the week before, from its own button.
    choose(page, "Vecka", f"{week.shift(-1).label} {week.shift(-1).year} "
                          f"({week.shift(-1).monday():%d/%m}–{week.shift(-1).sunday():%d/%m})")
    main.get_by_role("button", name=f"Inget att rapportera {week.shift(-1).label}").click()
    settle(page)
    assert sql(server.db_path, "SELECT reporter, week FROM nothing_reports WHERE form_report_id IS NOT NULL") == [
        (REPORTER, str(week.shift(-1)))]
    # Its own reports, and no other page: the Data page's address still shows Rapportera.
    assert main.get_by_text("Mina rapporter").count() == 1
    again = new_page(viewport=PHONE)
    log_in(again, server.url + "data", "rapp")
    assert again.locator("[data-testid='stMain'] h1").first.inner_text().strip() == "Rapportera"
    assert again.locator("[data-testid='stMetric']").count() == 0

    # A redigerare on a desktop sees both on Översikt's coverage table.
    desk = new_page(viewport=HD)
    log_in(desk, server.url, "red")
    table = desk.locator("[data-testid='stMain'] [data-testid='stDataFrame']").first
    header, body = grid_rows(table)
    row = next(r for r in body if r and REPORTER in " ".join(r))
    cells = dict(zip(header[-len(row):], row, strict=True))
    assert cells[f"v. {week.week}"] == "✓ 1", cells
    assert cells[f"v. {week.shift(-1).week}"] == "Inget att rapportera", cells
    warnings = desk.locator("[data-testid='stMain'] [data-testid='stAlert']").all_inner_texts()
    assert not any(REPORTER in w and "Saknas" in w for w in warnings), warnings
