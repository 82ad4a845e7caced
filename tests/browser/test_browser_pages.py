"""Every page as the room sees it: axe-core (WCAG 2.1 AA), a text alternative beside every chart,
no text under 16 px at 1920×1080, and screenshots at two sizes in both themes for a person to look at
(tests/.artifacts/screenshots; LAGESBILD_FULL_SCREENSHOTS=1 adds the whole length of each page).

Each page is opened once (a light 1920×1080 tab); the tests for it then share that tab, switching
the colour-scheme preference and the window size as a projector's browser would.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    ARTIFACTS,
    FULL_HD,
    HD,
    OPEN_PAGES,
    ROOT,
    SCREENSHOTS,
    AppPage,
    StreamlitServer,
    app_pages,
    navigate,
    new_context,
    open_page,
    require_browser,
    settle,
    wait_for_charts,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()

PAGES = app_pages()
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
MIN_FONT_PX = 16.0
# Streamlit draws captions, widget labels, metric labels, tabs and button labels at 0.875rem.
STREAMLIT_SMALL_REM = 0.875


def axe_script() -> str:
    from axe_playwright_python.base import AXE_FILE_PATH  # axe-core's axe.min.js, pinned in requirements.txt

    return AXE_FILE_PATH.read_text(encoding="utf-8")


@dataclass
class Shown:
    page: Page
    app_page: AppPage


@pytest.fixture(scope="module")
def tour(chromium: Browser) -> Iterator[Page]:
    context = new_context(chromium)
    page = context.new_page()
    OPEN_PAGES.append(page)
    yield page
    OPEN_PAGES.remove(page)
    context.close()


@pytest.fixture(scope="module", params=PAGES, ids=[p.slug for p in PAGES])
def shown(request: pytest.FixtureRequest, tour: Page, demo_server: StreamlitServer) -> Shown:
    app_page: AppPage = request.param
    tour.set_viewport_size(FULL_HD)
    tour.emulate_media(color_scheme="light")
    if tour.url.startswith(demo_server.url):
        navigate(tour, app_page.title)  # through the menu: the page as it is reached in the meeting
    else:
        open_page(tour, demo_server.url + app_page.path)
    assert tour.url.split("?")[0] == demo_server.url + app_page.path
    wait_for_charts(tour)
    return Shown(tour, app_page)


def use_theme(page: Page, scheme: str) -> None:
    """Switches the browser's colour-scheme preference and waits until the app has followed it."""
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    background = THEME[scheme]["backgroundColor"]
    page.wait_for_function(
        """(hex) => {
             const rgb = getComputedStyle(document.querySelector("[data-testid='stApp']")).backgroundColor;
             const [r, g, b] = rgb.match(/\\d+/g).map(Number);
             return '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('') === hex.toLowerCase();
           }""",
        arg=background,
        timeout=10_000,
    )
    page.wait_for_timeout(300)  # Plotly redraws the charts in the theme's colours


def whole_page(page: Page) -> dict[str, int]:
    """A 1920 px wide window tall enough to show the whole page without scrolling."""
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMainBlockContainer']\").scrollHeight")
    return {"width": FULL_HD["width"], "height": max(FULL_HD["height"], min(int(height) + 160, 12_000))}


def use_size(page: Page, viewport: dict[str, int]) -> None:
    page.set_viewport_size(viewport)
    page.wait_for_timeout(300)  # charts follow the width on the next animation frames
    wait_for_charts(page)


# ---------------------------------------------------------------- the page itself


def test_the_page_renders(shown: Shown) -> None:
    page = shown.page
    heading = page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    assert heading, shown.app_page
    link = page.locator("[data-testid='stSidebarNav'] a[aria-current='page']")
    assert link.count() == 1 and shown.app_page.title in link.inner_text(), "the menu does not mark the page"
    menu = [t.strip().split("\n")[-1].strip() for t in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]
    assert menu == [p.title for p in PAGES], "these tests cover the pages in app.py; the menu shows others"


# ---------------------------------------------------------------- axe-core


def contrast(foreground: str, background: str) -> float:
    def luminance(hex_colour: str) -> float:
        value = hex_colour.lstrip("#")
        channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def known_theme_issue(scheme: str, violation: dict[str, object]) -> str | None:
    """Streamlit always writes primary-button text in white on the theme's primaryColor
    (streamlit/streamlit#12801); on the dark theme's #6cb4ff that is 2.2:1. The fix belongs to the
    app (a CSS rule for primary buttons in app.py, or another [theme.dark] primaryColor), so this one
    finding is reported as an expected failure, and only while the configured colour really fails;
    any other serious or critical violation fails the test."""
    primary = THEME[scheme]["primaryColor"].lower()
    if violation["id"] != "color-contrast" or contrast("#ffffff", primary) >= 4.5:
        return None
    nodes = violation["nodes"]
    summaries = [str(n.get("failureSummary", "")).lower() for n in nodes]  # type: ignore[union-attr]
    if all(f"foreground color: #ffffff, background color: {primary}" in s for s in summaries):
        return (f"primary buttons: white text on the {scheme} theme's primaryColor {primary} "
                f"({contrast('#ffffff', primary):.2f}:1, needs 4.5:1)")
    return None


def describe(violations: list[dict[str, object]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} – {len(v['nodes'])} nodes")  # type: ignore[arg-type]
        for node in v["nodes"][:5]:  # type: ignore[index]
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {node['target']} {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(shown: Shown, scheme: str) -> None:
    page = shown.page
    # Every rule in the light theme; in the dark one only what the colours decide.
    options = {"resultTypes": ["violations"]}
    if scheme == "dark":
        options["runOnly"] = {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
    try:
        use_theme(page, scheme)
        # axe judges colour contrast only for what is inside the window: make the window as tall as the page.
        use_size(page, whole_page(page))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_script())
        result = page.evaluate("async (options) => await axe.run(document, options)", options)
    finally:
        use_size(page, FULL_HD)
        use_theme(page, "light")
    violations = result["violations"]
    folder = ARTIFACTS / "axe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{shown.app_page.slug}-{scheme}.json").write_text(
        json.dumps([{"id": v["id"], "impact": v["impact"], "help": v["help"], "helpUrl": v["helpUrl"],
                     "nodes": [{"target": n["target"], "html": n["html"],
                                "failureSummary": n.get("failureSummary")} for n in v["nodes"]]}
                    for v in violations], ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    # Moderate, but a screen reader's outline of the page depends on it: no level is skipped.
    serious += [v for v in violations if v["id"] == "heading-order"]
    known = {v["id"]: reason for v in serious if (reason := known_theme_issue(scheme, v))}
    unknown = [v for v in serious if v["id"] not in known]
    assert not unknown, f"axe on {page.url} ({scheme}):\n{describe(unknown)}\n\nAll violations:\n{describe(violations)}"
    if known:
        pytest.xfail("known, to be fixed in the app (streamlit#12801): " + "; ".join(known.values()))


# ---------------------------------------------------------------- charts carry a text alternative


def test_every_chart_has_a_summary_beside_it(shown: Shown) -> None:
    missing = shown.page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart'], "
                 + "[data-testid='stMain'] [data-testid='stVegaLiteChart']")]
              .map(chart => {
                const box = chart.closest("[data-testid='stElementContainer']");
                const next = box && box.nextElementSibling;
                const caption = next && next.querySelector("[data-testid='stCaptionContainer']");
                const text = caption ? caption.innerText.trim() : '';
                return {chart: [...box.classList].find(c => c.startsWith('st-key-')) || '(no key)', text};
              })
              .filter(c => c.text.length < 40)"""
    )
    assert not missing, f"charts without a summary text right under them: {missing}"


# ---------------------------------------------------------------- legibility

SMALL_TEXT_JS = r"""
(minimum) => {
  const main = document.querySelector("[data-testid='stMain']");
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const found = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TITLE'].includes(el.tagName)) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden text for screen readers
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < minimum) {
      const owner = el.closest('[data-testid]');
      found.push({text: text.slice(0, 80), px: Math.round(size * 100) / 100,
                  element: el.tagName.toLowerCase(), in: owner ? owner.dataset.testid : ''});
    }
  }
  return {root, found};
}
"""


def test_no_text_in_the_main_area_is_smaller_than_16px(shown: Shown) -> None:
    page = shown.page
    assert page.viewport_size == FULL_HD
    result = page.evaluate(SMALL_TEXT_JS, MIN_FONT_PX)
    root, found = result["root"], result["found"]
    streamlit_small = round(root * STREAMLIT_SMALL_REM, 2)
    theirs = [f for f in found if f["px"] == streamlit_small]
    ours = [f for f in found if f["px"] != streamlit_small]

    def listing(items: list[dict[str, object]]) -> str:
        return "\n".join(f"  {f['px']} px <{f['element']}> in {f['in']}: {f['text']!r}" for f in items)

    assert not ours, f"text under {MIN_FONT_PX:.0f} px on {page.url} at 1920×1080:\n{listing(ours)}"
    if theirs:
        message = (f"Streamlit's own {STREAMLIT_SMALL_REM}rem text is {streamlit_small} px with baseFontSize "
                   f"{root:g}:\n{listing(theirs)}")
        if root * STREAMLIT_SMALL_REM < MIN_FONT_PX:
            # Only the theme can change it (baseFontSize 19 -> 16.6 px): reported, not hidden.
            texts = " | ".join(dict.fromkeys(str(f["text"])[:40] for f in theirs))
            pytest.xfail(f"{len(theirs)} texts at Streamlit's 0.875rem = {streamlit_small} px (captions, widget, "
                         f"metric, tab and button labels); fix: baseFontSize = 19 in .streamlit/config.toml: {texts}")
        pytest.fail(message)


def screenshot_name(app_page: AppPage, viewport: dict[str, int], scheme: str) -> str:
    return f"{app_page.slug}-{viewport['width']}x{viewport['height']}-{scheme}.png"


def test_screenshots_at_two_sizes_in_both_themes(shown: Shown) -> None:
    page, app_page = shown.page, shown.app_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for scheme in ("light", "dark"):
            use_theme(page, scheme)
            for viewport in (FULL_HD, HD):
                use_size(page, viewport)
                target = SCREENSHOTS / screenshot_name(app_page, viewport, scheme)
                page.screenshot(path=str(target), animations="disabled", caret="hide")
                written.append(target)
            if os.environ.get("LAGESBILD_FULL_SCREENSHOTS") == "1":
                # The whole page at full HD, for reading what lies below the fold (slower, so on request).
                use_size(page, whole_page(page))
                target = SCREENSHOTS / f"{app_page.slug}-1920-full-{scheme}.png"
                page.screenshot(path=str(target), animations="disabled", caret="hide")
                written.append(target)
    finally:
        use_size(page, FULL_HD)
        use_theme(page, "light")
        settle(page)
    for target in written:
        assert target.stat().st_size > 10_000, f"{target} looks empty"
    assert re.search(r"\S", page.locator("[data-testid='stMain'] h1").first.inner_text())
