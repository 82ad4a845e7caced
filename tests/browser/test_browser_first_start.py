"""Scenario 1: the very first start, on a path where no database exists, builds and shows the demo.

The browser prefers a dark colour scheme here, which also shows that a new visitor gets the
[theme.dark] of .streamlit/config.toml (the page tests switch the preference on a loaded page).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    ROOT,
    StreamlitServer,
    events_in,
    last_complete_week,
    metric_label,
    metric_value,
    number,
    open_page,
    require_browser,
    rgb,
    start_server,
    stop_server,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()


@pytest.fixture(scope="module")
def first_start_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    workdir = tmp_path_factory.mktemp("browser-first-start")
    db_path = workdir / "data" / "trygghet.duckdb"
    assert not db_path.exists()
    server = start_server(workdir, db_path, "streamlit-first-start")
    yield server
    stop_server(server)


def test_first_start_builds_the_demo_and_shows_its_figures(
    first_start_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    page = new_page(color_scheme="dark")
    # The first run builds the demo database before it draws anything: allow it the time.
    open_page(page, first_start_server.url, timeout=180_000)
    main = page.locator("[data-testid='stMain']")
    banner = main.locator("[data-testid='stAlert']", has_text="Demodata")
    assert banner.count() == 1, main.inner_text()[:2000]
    assert "påhittad kommun (Solvik)" in banner.inner_text()
    assert first_start_server.db_path.exists()

    monday, end = last_complete_week()
    iso = monday.isocalendar()
    assert page.locator("h1").first.inner_text().strip() == f"Veckans lägesbild – v. {iso.week} {iso.year}"
    assert metric_label(page, "Händelser v.") == f"Händelser v. {iso.week}"
    shown = number(metric_value(page, "Händelser v."))

    # Counted on the same file, opened read-only only now that the page has been drawn.
    path = first_start_server.db_path
    expected = events_in(path, monday, end)
    assert expected > 0, "the demo has no events in the latest complete week"
    assert shown == expected
    previous = events_in(path, monday - dt.timedelta(days=7), monday)
    assert number(metric_value(page, "Föregående vecka")) == previous

    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector("[data-testid='stApp']")).backgroundColor,
                  getComputedStyle(document.querySelector("[data-testid='stMain'] h1")).color]"""
    )
    dark = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]["dark"]
    assert colours == [rgb(dark["backgroundColor"]), rgb(dark["textColor"])], "a dark browser did not get [theme.dark]"
