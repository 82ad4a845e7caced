"""A district click swaps the numbers in Översikt's drawn chart of the twelve weeks: the chart is the
same drawing before and after (neither Streamlit nor Vega drew a new one), and it shows the new
district's counts, checked against SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, open_page, require_browser, settle, sql, wait_for_charts

from trygghet.core.formatting import fmt_int

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()

CHART = "[data-testid='stMain'] [data-testid='stVegaLiteChart']"
MARK = f"""() => {{ document.querySelector("{CHART} svg.marks").__kept = true; return true; }}"""
KEPT = f"""() => document.querySelector("{CHART} svg.marks").__kept === true"""
# The counts as the chart writes them above its bars.
LABELS = f"""() => [...document.querySelectorAll("{CHART} svg text")].map(t => t.textContent)"""


def test_a_district_click_swaps_the_data_in_the_drawn_chart(page: Page, demo_server: StreamlitServer) -> None:
    open_page(page, demo_server.url)
    wait_for_charts(page)
    assert page.locator(CHART).count() == 1
    page.evaluate(MARK)
    district = sql(demo_server.db_path, "SELECT name FROM districts ORDER BY sort_order, name LIMIT 1")[0][0]
    page.locator(".st-key-f_districts button", has_text=district).first.click()
    settle(page)
    wait_for_charts(page)
    assert page.evaluate(KEPT), "the chart was drawn anew (a new SVG): its spec changed with the district"
    week_row = page.locator("[data-testid='stMain'] h1").first.inner_text()
    number, year = (int(x) for x in week_row.split("v.")[1].split())
    count = sql(demo_server.db_path, """
        SELECT count(*) FROM events WHERE district = ? AND isoyear(occurred_at) = ? AND week(occurred_at) = ?""",
                [district, year, number])[0][0]
    labels = page.evaluate(LABELS)
    assert fmt_int(count) in labels, labels  # the week's bar is the district's own count
