"""The chart code is loaded once, early (Plotly's once the first page is drawn), and the charts still draw with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, assert_no_app_error, navigate, open_page, require_browser, wait_for_charts

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()

RESOURCES = """(name) => performance.getEntriesByType('resource')
  .filter(r => r.name.split('/').pop().startsWith(name + '.')).map(r => r.name)"""


def test_the_chart_chunk_is_fetched_once_and_the_charts_draw(page: Page, demo_server: StreamlitServer) -> None:
    open_page(page, demo_server.url)
    wait_for_charts(page)
    assert_no_app_error(page)
    for chunk in ("ArrowVegaLiteChart", "embed"):
        fetched = page.evaluate(RESOURCES, chunk)
        assert len(fetched) == 1, fetched  # the preload and Streamlit's own import share one module
        assert fetched[0].startswith(demo_server.url + "static/js/")
    assert page.locator("[data-testid='stMain'] [data-testid='stVegaLiteChart'] svg, "
                        "[data-testid='stMain'] [data-testid='stVegaLiteChart'] canvas").count() >= 1
    # Plotly's code for the other pages follows once the first page is drawn, and serves them.
    page.wait_for_function(f"() => ({RESOURCES})('PlotlyChart').length > 0", timeout=15_000)
    navigate(page, "Trender")
    wait_for_charts(page)
    assert len(page.evaluate(RESOURCES, "PlotlyChart")) == 1
    assert page.locator("[data-testid='stMain'] [data-testid='stPlotlyChart'] .main-svg").count() >= 1
    # Nothing on the first page needs the code highlighter's 1.5 MB (a collapsed reminder text used it).
    assert page.evaluate(RESOURCES, "StreamlitSyntaxHighlighter") == []
    # The preload's element takes no room: hidden, not an empty gap above the page.
    holder = page.locator("[data-testid='stElementContainer']:has(script[data-chunk-preload])")
    assert holder.count() == 1
    assert holder.evaluate("(e) => getComputedStyle(e).display") == "none"
