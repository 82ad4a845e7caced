"""Charts are drawn once: their margins are wide enough from the start, so Plotly's automargin,
which draws a whole chart a second time when it has to widen a margin, finds nothing to widen on
the dashboards at 1920 × 1080. Measured in Chromium, where the labels' real widths are known."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, navigate, open_page, require_browser, wait_for_charts

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()

# Per chart: the margins Plotly drew with (after automargin) and the ones the figure asked for.
MARGINS = """() => [...document.querySelectorAll("[data-testid='stMain'] .js-plotly-plot")].map(g => {
  const drawn = g._fullLayout._size, asked = g._fullLayout.margin;
  return {drawn: [drawn.l, drawn.r, drawn.t, drawn.b], asked: [asked.l, asked.r, asked.t, asked.b],
          ticks: g._fullLayout.xaxis ? g._fullLayout.xaxis.ticklabeloverflow : null};
})"""


@pytest.mark.parametrize("title", ["Möte", "Trender", "Trygghetsmätning", "Insatser"])
def test_the_dashboard_charts_need_no_second_drawing(new_page, demo_server: StreamlitServer, title: str) -> None:
    page: Page = new_page(viewport={"width": 1920, "height": 1080})
    open_page(page, demo_server.url)
    if title != "Översikt":
        navigate(page, title)
    wait_for_charts(page)
    charts = page.evaluate(MARGINS)
    assert charts, f"{title}: no chart drawn"
    for chart in charts:
        # Plotly rounds the margins it draws with; one pixel is its own tolerance for a change.
        widened = [d - a for d, a in zip(chart["drawn"], chart["asked"], strict=True) if d - a > 1]
        assert not widened, f"{title}: automargin widened {chart['asked']} to {chart['drawn']}"
        assert chart["ticks"] == "allow"  # no bounding box per tick label to hide those past the edge
