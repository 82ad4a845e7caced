"""Prioriterade områden in the browser: every area in one table, one area in detail, another area
one click away, and a link that opens the same area."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, open_page, require_browser, settle, sql, wait_for_charts

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()


def _detail_heading(page: Page) -> str:
    """The heading after the overview's ('Alla områden'): the area shown in detail."""
    headings = [t.strip() for t in page.locator("[data-testid='stMain'] h2").all_inner_texts()]
    assert headings[0] == "Alla områden" and len(headings) == 2, headings
    return headings[1]


def test_one_click_shows_another_area_in_detail(page: Page, demo_server: StreamlitServer) -> None:
    names = [r[0] for r in sql(demo_server.db_path,
                               "SELECT name FROM priority_areas ORDER BY valid_from NULLS FIRST, name")]
    assert len(names) > 1
    open_page(page, demo_server.url + "prioriterade")
    overview = page.locator("[data-testid='stMain'] [data-testid='stTable'] table").first
    assert overview.locator("thead th").first.inner_text().strip() == "Område"
    assert [t.strip() for t in overview.locator("tbody tr > :first-child").all_inner_texts()] == names
    assert _detail_heading(page) == names[0]
    wait_for_charts(page)
    # The chosen area's trend and survey charts; no area's charts beside them.
    charts = "[data-testid='stMain'] [data-testid='stPlotlyChart'], [data-testid='stMain'] [data-testid='stVegaLiteChart']"
    assert page.locator(charts).count() <= 2

    page.locator(".st-key-prio_omrade button", has_text=names[1]).click()
    settle(page)
    assert _detail_heading(page) == names[1]
    assert page.get_by_text("Mål:", exact=False).first.is_visible()
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["omrade"] == [names[1]]

    # The link opens the same area, as a shared link should.
    open_page(page, page.url)
    assert _detail_heading(page) == names[1]
