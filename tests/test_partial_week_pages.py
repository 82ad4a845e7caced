"""Översikt and the meeting's presentation under AppTest on a demo whose data stops on Wednesday
2 December 2026, seen on Tuesday 8 December: the chosen week (v. 49) says it is not whole, its key
figures compare Monday–Wednesday with the same weekdays before (checked against SQL here), and no
change is called sure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.core import clock
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.demo.build import build_demo
from trygghet.meeting import records
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LAST_DAY = dt.date(2026, 12, 2)  # Wednesday of v. 49
TODAY = dt.date(2026, 12, 8)
MONDAY = dt.date(2026, 11, 30)
NOTE = ("v. 49 är inte hel i data: data till och med onsdag 2026-12-02 (3 dagar). Veckan jämförs måndag–onsdag "
        "mot samma veckodagar veckorna före, och ingen förändring bedöms som säker förrän veckan är hel.")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("partial") / "demo.duckdb"
    build_demo(path, seed=5, events=20_000, end=LAST_DAY)
    yield path


@pytest.fixture(autouse=True)
def app_env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(db_path))
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


def events(path: Path, start: dt.date, days: int) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                               [start, start + dt.timedelta(days=days)]).fetchone()[0])
    finally:
        con.close()


def test_oversikt_says_the_week_is_partial_and_compares_the_same_weekdays(db_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Veckans lägesbild – v. 49 2026"
    assert NOTE in [w.value for w in at.warning]
    metrics = {m.label: m.value for m in at.metric}
    before = [events(db_path, MONDAY - dt.timedelta(weeks=k), 3) for k in range(1, 5)]
    last_year = events(db_path, dt.date(2025, 12, 1), 3)  # Monday–Wednesday of v. 49 2025
    assert metrics == {
        "Händelser v. 49 (mån–ons)": fmt_int(events(db_path, MONDAY, 3)),
        "Föregående vecka (mån–ons)": fmt_int(before[0]),
        "Snitt 4 veckor före (mån–ons)": fmt_dec(sum(before) / 4, 1),
        "Samma vecka i fjol (mån–ons)": fmt_int(last_year),
    }
    assert "Inga förändringar bedöms förrän veckan är hel." in [m.value for m in at.markdown]
    table = next(d.value for d in at.dataframe if "± vecka" in d.value.columns)
    shown = table.data if hasattr(table, "data") else table
    assert not any("▲" in str(v) or "▼" in str(v) for v in shown.to_numpy().ravel())
    week = shown.set_index("Kategori")
    assert int(week.loc["Totalt", "Vecka"].replace("\u00a0", "")) == events(db_path, MONDAY, 3)


def test_the_presentation_of_a_meeting_on_a_partial_week_says_so(db_path: Path) -> None:
    mid = records.create_meeting(Database(db_path), TODAY, actor=COMMAND_LINE)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["presentation"] = "1"
    at.query_params["mote"] = str(mid)
    at.run()
    at.switch_page("pages/mote.py").run()
    assert not at.exception, at.exception
    slide = next(h.value for h in at.get("html") if 'class="lb-slide"' in h.value)
    assert NOTE in slide
    assert "Händelser v. 49 (mån–ons)" in slide and "Inga förändringar bedöms förrän veckan är hel." in slide
    assert "▲" not in slide and "▼" not in slide
