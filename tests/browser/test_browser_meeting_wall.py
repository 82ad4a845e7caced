"""The weekly meeting on the wall: a real server, Chromium at 1920×1080, 1366×768 and 1280×720, a
demo meeting with many decisions, insatser and long texts, walked slide by slide with the keys a
presenter clicker sends (Page Down, space, arrow right).

On every slide: the page does not scroll, nothing scrolls inside it, no table hides a row or a
column, nothing runs under the footer or off the screen's edge, every text has 4.5:1 contrast, and
at 1080 lines the decisions are at least 24 px. Only the meeting is shown: no banner, no hint.
Each slide is saved as a screenshot in tests/.artifacts/screenshots/meeting-wall-*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    FULL_HD,
    HD,
    SCREENSHOTS,
    StreamlitServer,
    new_context,
    require_browser,
    start_server,
    stop_server,
)

from trygghet.core import clock
from trygghet.demo.build import build_demo
from trygghet.meeting import edits, protocol
from trygghet.meeting import records as meetings
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

require_browser()

WXGA = {"width": 1366, "height": 768}
KEYS = ("PageDown", " ", "ArrowRight")
LONG = ("Fältarna och polisen går gemensam kvällsrunda runt Stora torget, Resecentrum och gångtunneln under "
        "Kungsgatan fredag och lördag mellan 21 och 01, med särskild uppmärksamhet på ungdomar som samlas vid "
        "busshållplatsen och på de nya klotterskadorna på Kyrkskolans gavel; bostadsbolaget bjuds in till den andra "
        "kvällen och återrapport lämnas på nästa möte. ") * 2


def _busy_meeting(db: Database, held: dt.date) -> int:
    """This week's meeting with twelve decisions (four long, six making new insatser that end soon),
    focus places with long reasons, notes and övriga frågor: more than any one slide holds."""
    present = [meetings.Participant(o, r) for o, r in (("Kommun", "Trygghetssamordnare"), ("Polis", "Kommunpolis"),
                                                        ("Bostadsbolag", "Områdeschef"))]
    mid = meetings.create_meeting(db, held, present, actor=COMMAND_LINE)
    districts = ("Centrum", "Norrby", "Hamnen", "Söderby", "Granlunda", "Björkdalen")
    for n in range(12):
        new = None
        if n % 2 == 0:
            new = {"title": f"Trygghetsvandring {n + 1} med bostadsbolaget och fältarna i {districts[n // 2]} "
                            "(kvällstid, fokus på belysning och nedskräpning)",
                   "district": districts[n // 2], "start_date": held - dt.timedelta(days=20),
                   "end_date": held + dt.timedelta(days=3 + n)}
        text = LONG if n % 3 == 0 else f"Beslut {n + 1}: uppföljning av läget i {districts[n % 6]} med skolan."
        edits.record_decision(db, mid, text, "Fritid/fältare", "Fältsamordnare", held + dt.timedelta(days=7 + n),
                              new_intervention=new, actor=COMMAND_LINE)
    edits.save_focus_places(db, mid, [
        meetings.FocusPlace(d, p, "Återkommande samlingar sena kvällar och klotter på fasaderna runt platsen "
                                  "enligt både polisen och bostadsbolagets fastighetsskötare")
        for d, p in (("Centrum", "Stora torget"), ("Norrby", "Norrby torg"), ("Hamnen", "Hamnplan"),
                     ("Söderby", None))], actor=COMMAND_LINE)
    protocol.save_note(db, mid, "lagesbild", "Polisen och fältarna ger samma bild av helgen. " * 6,
                       actor=COMMAND_LINE)
    protocol.save_note(db, mid, "ovriga", "Skolorna har studiedag på fredag; fritidsgården håller öppet längre.",
                       actor=COMMAND_LINE)
    return mid


@pytest.fixture(scope="module")
def wall(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, int]]:
    workdir = tmp_path_factory.mktemp("browser-wall")
    path = workdir / "wall.duckdb"
    build_demo(path, seed=5, events=30_000)
    mid = _busy_meeting(Database(path), clock.today())
    server = start_server(workdir, path, "streamlit-wall")
    yield server, mid
    stop_server(server)


def _drawn(page: Page) -> None:
    """A run has finished and the slide and its buttons are on the wall (presentation mode has no h1)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached",
                           timeout=60_000)
    page.locator(".lb-slide h2").first.wait_for(timeout=60_000)
    page.locator(".st-key-pres_next button").wait_for(state="visible", timeout=60_000)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stMain'] [data-stale='true']\")",
                           timeout=60_000)
    page.wait_for_timeout(300)


def _signature(page: Page) -> str:
    return page.evaluate("() => new URLSearchParams(location.search).get('vy') + '/' + "
                         "(new URLSearchParams(location.search).get('sida') || '1')")


# Every element that scrolls (its content larger than its box), anywhere on the page.
SCROLLERS = """() => [...document.querySelectorAll('*')].filter(el => {
  const cs = getComputedStyle(el);
  const y = /(auto|scroll)/.test(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
  const x = /(auto|scroll)/.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1;
  return x || y;
}).map(el => (el.getAttribute('data-testid') || el.className || el.tagName) + ' ' + el.scrollHeight + '/' +
  el.clientHeight)"""

# What of the slide lies outside the space between the screen's top and the footer, or is cut.
OUTSIDE = """() => {
  const foot = document.querySelector('.st-key-pres_foot').getBoundingClientRect();
  const bad = [];
  for (const el of document.querySelectorAll('.lb-slide *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.bottom > foot.top + 0.5 || r.right > innerWidth + 0.5 || r.left < -0.5 || r.top < -0.5)
      bad.push(el.tagName + ' ' + (el.textContent || '').slice(0, 40) + ' ' + Math.round(r.bottom));
    const cs = getComputedStyle(el);
    if (cs.overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1) bad.push('cut: ' + el.textContent.slice(0, 40));
    if (cs.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) bad.push('ellipsis: ' + el.textContent.slice(0, 40));
  }
  return bad;
}"""

# Text whose colour against the background behind it is below 4.5:1 (WCAG AA for normal text).
LOW_CONTRAST = """() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const low = [];
  const walker = document.createTreeWalker(document.querySelector('[data-testid="stMain"]'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement; const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const fg = parse(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) low.push(n.textContent.trim().slice(0, 30) + ' ' + ratio.toFixed(2));
  }
  return low;
}"""

SMALLEST_DECISION_TEXT = """() => Math.min(...[...document.querySelectorAll('.lb-card, .lb-card *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


def _check_slide(page: Page, where: str) -> None:
    assert page.evaluate("document.scrollingElement.scrollHeight") <= page.evaluate("innerHeight"), where
    assert page.evaluate(SCROLLERS) == [], f"{where}: something scrolls"
    # No grid: the wall's tables are plain HTML tables that show every row and column.
    grids = page.locator("[data-testid='stMain'] [data-testid='stDataFrame'], "
                         "[data-testid='stMain'] [data-testid='stDataEditor'], [data-testid='stMain'] [role='grid']")
    assert grids.count() == 0, f"{where}: a grid on the wall"
    assert page.evaluate(OUTSIDE) == [], f"{where}: under the footer, off the screen or cut"
    assert page.evaluate(LOW_CONTRAST) == [], f"{where}: low contrast"


@pytest.mark.parametrize("viewport", [FULL_HD, WXGA, HD], ids=lambda v: f"{v['width']}x{v['height']}")
def test_every_slide_of_a_busy_meeting_fits_the_screen_and_the_clicker_reaches_it(
        chromium: Browser, wall: tuple[StreamlitServer, int], viewport: dict[str, int]) -> None:
    server, mid = wall
    context = new_context(chromium, viewport=viewport)
    page = context.new_page()
    size = f"{viewport['width']}x{viewport['height']}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server.url}mote?presentation=1&mote={mid}")
        _drawn(page)
        # Only the meeting: no banner, no hint about the address, the demo and the open log-in as a badge.
        main = page.locator("[data-testid='stMain']")
        assert main.locator("[data-testid='stAlert']").count() == 0
        assert main.get_by_text("timer").count() == 0
        assert page.locator(".lb-badge").all_inner_texts() == ["Demodata – påhittad kommun", "Ingen inloggning"]
        assert page.locator(".st-key-pres_prev button").is_disabled()

        seen: list[tuple[str, str]] = []
        for step in range(60):
            title = page.locator(".lb-slide h2").inner_text()
            label = page.locator(".lb-page").inner_text() if page.locator(".lb-page").count() else ""
            seen.append((title, label))
            where = f"{size} slide {step + 1} ({title} {label})"
            page.screenshot(path=str(SCREENSHOTS / f"meeting-wall-{size}-{step + 1:02d}.png"))
            _check_slide(page, where)
            if title.startswith("4. Beslut") and page.locator(".lb-card").count() and viewport == FULL_HD:
                assert page.evaluate(SMALLEST_DECISION_TEXT) >= 24, where
            if page.locator(".st-key-pres_next button").is_disabled():
                break
            before = _signature(page)
            page.keyboard.press(KEYS[step % len(KEYS)])
            page.wait_for_function(f"() => (new URLSearchParams(location.search).get('vy') + '/' + "
                                   f"(new URLSearchParams(location.search).get('sida') || '1')) !== '{before}'",
                                   timeout=30_000)
            _drawn(page)

        titles = [t for t, _ in seen]
        assert [t.split(".")[0] for t in dict.fromkeys(titles)] == ["1", "2", "3", "4", "5"], titles
        # Each agenda item's slides are numbered 1/n … n/n in turn; the long lists went on to more slides.
        for title in dict.fromkeys(titles):
            labels = [lab for t, lab in seen if t == title]
            if len(labels) > 1:
                n = len(labels)
                assert labels == [f"{i}/{n}" for i in range(1, n + 1)], (title, labels)
            else:
                assert labels == [""], (title, labels)
        assert len([t for t in titles if t.startswith("4. Beslut")]) >= 2  # twelve decisions do not fit one slide
        text = " ".join(page.locator(".lb-slide").all_inner_texts())
        assert "Skolorna har studiedag" in text  # övriga frågor, on the last slide

        # Back again with the clicker's Page Up: to the last slide of the item before.
        page.keyboard.press("PageUp")
        page.wait_for_function("() => new URLSearchParams(location.search).get('vy') === '4'", timeout=30_000)
        _drawn(page)
        n = len([t for t in titles if t.startswith("4. Beslut")])
        assert page.locator(".lb-page").inner_text() == f"{n}/{n}"
    finally:
        context.close()


def test_a_meeting_whose_week_has_not_ended_says_so_on_the_wall(chromium: Browser,
                                                                 wall: tuple[StreamlitServer, int]) -> None:
    server, _ = wall
    db = Database(server.db_path)
    ahead = meetings.create_meeting(db, clock.today() + dt.timedelta(days=7), actor=COMMAND_LINE)
    context = new_context(chromium, viewport=HD)
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server.url}mote?presentation=1&mote={ahead}")
        _drawn(page)
        slide = page.locator(".lb-slide").inner_text()
        assert re.search(r"v\. \d+ har inte slutat: data till och med \w+ \d{4}-\d\d-\d\d", slide), slide
        assert "ingen förändring bedöms som säker förrän veckan är hel" in slide
        assert "Inga förändringar bedöms förrän veckan är hel." in slide
        assert "▲" not in slide and "▼" not in slide
        assert page.locator(".lb-metric-label").first.inner_text().endswith(")")  # 'Händelser v. 49 (mån–tis)'
        _check_slide(page, "partial week, slide 1")
        page.screenshot(path=str(SCREENSHOTS / "meeting-wall-partial-week.png"))
    finally:
        context.close()
