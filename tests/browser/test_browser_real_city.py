"""A real city's size in the browser: 150 districts in 10 areas (square boundaries in a grid), and a
first year without history: the data begins seven weeks before the latest complete week.

The sidebar's district filter stays short and is used through an area, a search and a click on the
map, with the chosen districts in the URL; the map's labels never overlap; and a comparison with a
period before the data began reads 'ingen jämförelse', with no ▲ or ▼ beside it."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    StreamlitServer,
    events_in,
    grid_rows,
    last_complete_week,
    metric_value,
    navigate,
    number,
    open_page,
    require_browser,
    settle,
    sql,
    start_server,
    stop_server,
    wait_for_charts,
)

from benchmarks.datasets import build_city, city_districts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()

MONDAY, _ = last_complete_week()
FIRST_DAY = MONDAY - dt.timedelta(weeks=7)
NO_COMPARISON = f"ingen jämförelse – data från och med {FIRST_DAY.isoformat()}"
DISTRICTS = city_districts()
AREA_OF = {name: area for name, area, _ in DISTRICTS}
FILTER_MAX_PX = 400


@pytest.fixture(scope="module")
def city_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    workdir = tmp_path_factory.mktemp("browser-city")
    db_path = workdir / "stad.duckdb"
    build_city(db_path, events=20_000, first_day=FIRST_DAY)
    server = start_server(workdir, db_path, "streamlit-city")
    yield server
    stop_server(server)


def chosen_in_url(page: Page) -> list[str]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("stadsdel", [])


def filter_height(page: Page) -> float:
    """The district filter's height: from below the sidebar's 'Urval' heading to the week's box."""
    sidebar = page.locator("[data-testid='stSidebar']")
    heading = sidebar.get_by_role("heading", name="Urval").bounding_box()
    week = sidebar.locator("[data-testid='stSelectbox']", has_text="Vecka").bounding_box()
    assert heading is not None and week is not None
    return week["y"] - (heading["y"] + heading["height"])


def chosen_area(page: Page) -> str:
    return page.locator(".st-key-f_area input[role='combobox']").input_value()


def open_list(page: Page, widget_key: str, typed: str | None = None) -> list[str]:
    """Opens a selectbox or multiselect in the sidebar, types when asked; the options it offers
    (without the multiselect's own 'Select N matches')."""
    page.locator(f".st-key-{widget_key} input[role='combobox']").click()
    if typed is not None:
        page.keyboard.type(typed)
    options = page.locator("[role='option']")
    options.first.wait_for()
    return [o.strip() for o in options.all_inner_texts() if not o.strip().startswith("Select ")]


def choose_option(page: Page, widget_key: str, text: str, typed: str | None = None) -> None:
    open_list(page, widget_key, typed)
    page.locator("[role='option']").filter(has_text=text).filter(has_not_text="Select ").first.click()
    page.keyboard.press("Escape")
    settle(page)


def test_the_district_filter_stays_short_with_150_districts_in_10_areas(
    city_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    open_page(page, city_server.url)
    assert filter_height(page) <= FILTER_MAX_PX
    # Still short with an area and a handful of its districts chosen.
    area = DISTRICTS[40][1]
    choose_option(page, "f_area", area)
    for name in [n for n, a, _ in DISTRICTS if a == area][:5]:
        choose_option(page, "f_districts", name, typed=name[:5])
    assert len(chosen_in_url(page)) == 5
    assert filter_height(page) <= FILTER_MAX_PX


def test_an_area_then_a_search_choose_districts_and_the_url_keeps_them(
    city_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    open_page(page, city_server.url)
    area = "Söderort"
    members = [n for n, a, _ in DISTRICTS if a == area]
    choose_option(page, "f_area", area)
    # The area alone means all its districts: the URL lists them, the figures count them.
    assert sorted(chosen_in_url(page)) == sorted(members)
    expected = events_in(city_server.db_path, MONDAY, MONDAY + dt.timedelta(days=7), members)
    assert number(metric_value(page, "Händelser v.")) == expected

    # Typing narrows the list to the area's districts; the one picked is then the choice.
    target = members[3]
    offered = open_list(page, "f_districts", target[:4])
    assert target in offered and set(offered) <= set(members), offered
    assert all(target[:4].casefold() in o.casefold() for o in offered), offered
    page.keyboard.press("Escape")
    choose_option(page, "f_districts", target, typed=target)
    assert chosen_in_url(page) == [target]
    one = events_in(city_server.db_path, MONDAY, MONDAY + dt.timedelta(days=7), [target])
    assert number(metric_value(page, "Händelser v.")) == one

    # The link opens the same choice in a new browser: the area chosen, the district within it.
    shared = new_page()
    open_page(shared, page.url)
    assert chosen_in_url(shared) == [target]
    sidebar = shared.locator("[data-testid='stSidebar']")
    assert chosen_area(shared) == area
    assert target in sidebar.locator(".st-key-f_districts").inner_text()
    assert number(metric_value(shared, "Händelser v.")) == one


def map_labels(page: Page) -> list[dict[str, float | str]]:
    """Every label drawn on the map: its text and its box on the screen."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stPlotlyChart'] g.textpoint text")]
                 .filter(t => t.textContent.trim())
                 .map(t => { const r = t.getBoundingClientRect();
                             return {text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })"""
    )


def test_no_two_map_labels_overlap(city_server: StreamlitServer, new_page: Callable[..., Page]) -> None:
    for viewport in ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720}):
        page = new_page(viewport=viewport)
        open_page(page, city_server.url + "karta")
        wait_for_charts(page)
        labels = map_labels(page)
        named = [label for label in labels if any(label["text"].startswith(n) for n in AREA_OF)]
        assert len(named) >= 10, labels  # the busiest districts are named
        assert len(labels) < 2 * len(DISTRICTS)  # not every district: only what fits
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                apart = a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["y1"] <= b["y0"] or b["y1"] <= a["y0"]
                assert apart, f"{viewport}: {a} overlaps {b}"


def test_a_click_on_the_map_chooses_the_district(city_server: StreamlitServer, new_page: Callable[..., Page]) -> None:
    page = new_page()
    open_page(page, city_server.url + "karta")
    wait_for_charts(page)
    # The screen position of one district's dot (an unnamed one: its dot shows), from Plotly's own axes.
    target = page.evaluate(
        """() => {
            const gd = document.querySelector("[data-testid='stPlotlyChart'] .js-plotly-plot");
            const trace = gd._fullData.find(t => t.name === 'Antal');
            const i = trace.marker.opacity.findIndex(o => o > 0);
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const box = gd.querySelector('.draglayer .xy .nsewdrag').getBoundingClientRect();
            return {name: trace.customdata[i][0], x: box.left + xa.l2p(trace.x[i]), y: box.top + ya.l2p(trace.y[i])};
        }"""
    )
    page.mouse.move(target["x"], target["y"])
    page.wait_for_timeout(300)
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function(
        "name => new URLSearchParams(location.search).getAll('stadsdel').includes(name)", arg=target["name"],
        timeout=30_000)
    settle(page)
    assert chosen_in_url(page) == [target["name"]]
    sidebar = page.locator("[data-testid='stSidebar']")
    assert target["name"] in sidebar.locator(".st-key-f_districts").inner_text()
    assert chosen_area(page) == AREA_OF[target["name"]]


def test_comparisons_before_the_data_began_say_so_and_are_never_flagged(
    city_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    # Wide enough for the table's every column: the grid draws only the columns in view.
    page = new_page(viewport={"width": 2560, "height": 1200})
    open_page(page, city_server.url)
    main = page.locator("[data-testid='stMain']")
    assert metric_value(page, "Samma vecka i fjol") == "–"
    assert main.get_by_text(f"Samma vecka i fjol: {NO_COMPARISON}.").count() == 1
    table = main.locator("[data-testid='stDataFrame']").first
    header, rows = grid_rows(table)
    assert len(rows) > 5, header
    for base, change in (("Fjol 28 d.", "± 28 d."), ("Fjol hittills", "± i år")):
        assert {row[header.index(base)] for row in rows} == {NO_COMPARISON}
        assert {row[header.index(change)] for row in rows} == {"–"}
    # The four weeks before lie within the data: still compared.
    assert all(row[header.index("Snitt 4 v. före")] not in ("", NO_COMPARISON) for row in rows)

    navigate(page, "Trender")
    assert main.get_by_text(f"Samma vecka i fjol: {NO_COMPARISON}.").count() == 1


@pytest.fixture(scope="module")
def first_start_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    workdir = tmp_path_factory.mktemp("browser-own-data")
    server = start_server(workdir, workdir / "data" / "trygghet.duckdb", "streamlit-own-data")
    yield server
    stop_server(server)


def test_a_new_installation_starts_without_the_demo_and_keeps_it_one_click_away(
    first_start_server: StreamlitServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    open_page(page, first_start_server.url, timeout=180_000)  # the first start builds the demo
    main = page.locator("[data-testid='stMain']")
    assert main.locator("[data-testid='stAlert']", has_text="Demodata").count() == 1
    demo_events = int(sql(first_start_server.db_path, "SELECT count(*) FROM events")[0][0])

    main.get_by_role("button", name="Börja med egna data").click()
    page.get_by_role("button", name="Ja, börja med egna data").click()
    page.get_by_role("heading", name="Kom igång").wait_for()
    settle(page)
    demo_file = first_start_server.db_path.with_name("trygghet-demo.duckdb")
    assert int(sql(demo_file, "SELECT count(*) FROM events")[0][0]) == demo_events
    assert sql(first_start_server.db_path, "SELECT count(*) FROM events") == [(0,)]
    assert main.get_by_text("0 av 5 steg klara").count() == 1
    assert main.locator("[data-testid='stAlert']", has_text="Demodata").count() == 0

    # Each step says what is done: the name, then the default categories.
    main.get_by_role("textbox", name="Kommunens namn").fill("Storstads kommun")
    main.get_by_role("button", name="Spara namnet").click()
    main.get_by_text("Kommunen heter Storstads kommun.").wait_for()
    settle(page)
    assert main.get_by_text("1 av 5 steg klara").count() == 1

    # The demo, one click away, in its own file; and back.
    main.get_by_role("button", name="Visa demo").click()
    main.locator("[data-testid='stAlert']", has_text="Demodata").wait_for()
    settle(page)
    assert page.locator("h1").first.inner_text().startswith("Veckans lägesbild")
    main.get_by_role("button", name="Tillbaka till egna data").click()
    page.get_by_role("heading", name="Kom igång").wait_for()
    settle(page)
    assert sql(first_start_server.db_path, "SELECT count(*) FROM events") == [(0,)]
    assert sql(first_start_server.db_path, "SELECT value FROM meta WHERE key = 'municipality'") == [
        ("Storstads kommun",)]
