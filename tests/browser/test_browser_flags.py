"""Översikt's "Det här sticker ut" in the browser on generated data (10 stadsdelar × 15 categories, 100
weeks with gamma-shape-3 overdispersion and no real change, then five weeks each with one cell at four
times its mean): the list the room reads is the list the flag function gives, a jump is on it, a quiet
week holds few items, and the page says in one sentence how a flag was decided."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, open_page, require_browser, start_server, stop_server
from generated_counts import Generated, add_spikes, generate, write

from trygghet.analysis import compstat, queries
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store.db import Database, init_database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

require_browser()

FIRST_WEEK = IsoWeek(2024, 40)


@pytest.fixture(scope="module")
def generated(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StreamlitServer, Generated,
                                                                                            Database]]:
    workdir = tmp_path_factory.mktemp("browser-flags")
    data = add_spikes(generate(seed=16, first_week=FIRST_WEEK), seed=61)
    db = Database(workdir / "generated.duckdb")
    init_database(db)
    write(db, data)
    server = start_server(workdir, db.path, "streamlit-flags")
    yield server, data, db
    stop_server(server)


def shown_items(page: Page) -> list[str]:
    """The notable changes as the page lists them, without their arrows."""
    items = page.locator("[data-testid='stMain'] li").all_inner_texts()
    return [t.strip().lstrip("▲▼ ").strip() for t in items if "– ovanligt" in t]


def expected_items(db: Database, week: IsoWeek) -> list[str]:
    filters = Filters(week=week, start=week.shift(-52).monday(), end=week.sunday())
    with db.read() as con:
        return [n.sentence for n in compstat.notable_changes(queries.district_category_week(con, filters))]


def test_the_jump_is_listed_and_a_quiet_week_is_not_shouting(
    generated: tuple[StreamlitServer, Generated, Database], page: Page,
) -> None:
    server, data, db = generated
    week, district, category = data.spikes[0]
    open_page(page, f"{server.url}?vecka={week.year}-W{week.week:02d}")
    shown = shown_items(page)
    assert shown == expected_items(db, week)
    assert any(s.startswith(f"{category} i {district}: ") and s.endswith("ovanligt högt") for s in shown), shown
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_text(compstat.NOTABLE_RULE, exact=True).count() == 1

    quiet = data.week(95)
    open_page(page, f"{server.url}?vecka={quiet.year}-W{quiet.week:02d}")
    shown = shown_items(page)
    assert shown == expected_items(db, quiet)
    assert len(shown) <= 3, shown
