"""Karta's standing list of places and Trender's årshjul under AppTest on a demo database, checked
against the analysis functions on the same file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from trygghet.analysis import places, seasonality
from trygghet.core.formatting import fmt_int
from trygghet.core.periods import WEEKDAYS_SHORT_SV
from trygghet.demo.build import build_demo

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analysis_pages") / "demo.duckdb"
    build_demo(path, seed=4, events=20_000)
    return path


def sql(path: Path, query: str, params: list[object]) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params).fetchall()


def _page(name: str, demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TRYGGHET_DB", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_karta_lists_the_places_that_persist(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("karta", demo_path, monkeypatch)
    assert "Platser som består" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "Klass" in d.value.columns)
    assert list(table.columns) == places.COLUMNS
    assert len(table) == 15
    assert set(table["Klass"]) <= {*places.CLASS_ORDER, "–"}
    counts = table["Händelser 52 v."].tolist()
    assert counts == sorted(counts, reverse=True)
    assert (table[["Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4"]].sum(axis=1) == table["Händelser 52 v."]).all()
    assert any(c.value == places.RULE for c in at.caption)


def test_trender_shows_the_years_rhythm(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("trender", demo_path, monkeypatch)
    at.segmented_control(key="trend_view").set_value("Året").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Årshjul" in [h.value for h in at.header]
    assert len(at.get("plotly_chart")) == 1
    table = next(d.value for d in at.dataframe if "Brukar toppa" in d.value.columns)
    assert (table["Hela år"] >= seasonality.MIN_YEARS).all()
    at.selectbox(key="arshjul_kategori").set_value(table["Kategori"].iloc[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    summary = [c.value for c in at.caption if c.value.replace("\\", "").startswith(f"{table['Kategori'].iloc[0]}: ")]
    assert summary, [c.value[:80] for c in at.caption]


def test_trender_shows_one_view_at_a_time(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The weeks by default, then the weekday × hour map with its peak counted in SQL here; a single
    chart in each view, so a district click redraws one."""
    at = _page("trender", demo_path, monkeypatch)
    assert at.segmented_control(key="trend_view").value == "Veckor"
    assert [h.value for h in at.header] == []
    assert len(at.get("plotly_chart")) == 1
    period = next(c.value for c in at.caption if " · " in c.value).split(" · ")[-1]
    start, end = (dt.date.fromisoformat(d.strip()) for d in period.split("–"))
    # The weeks are whole: the first one starts on the Monday of the period's first day.
    total = sql(demo_path, "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                [start - dt.timedelta(days=start.weekday()), end + dt.timedelta(days=1)])[0][0]
    assert any(c.value.replace("\\", "").startswith(f"{fmt_int(total)} händelser under perioden.") for c in at.caption), \
        [c.value[:60] for c in at.caption]

    at.segmented_control(key="trend_view").set_value("Veckodag och timme").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.header] == ["När händer det?"]
    assert len(at.get("plotly_chart")) == 1
    day, hour = sql(demo_path, """
        SELECT isodow(occurred_at), hour(occurred_at) FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND time_known
        GROUP BY ALL ORDER BY count(*) DESC, 1, 2 LIMIT 1""", [start, end + dt.timedelta(days=1)])[0]
    peak = f"Flest händelser {WEEKDAYS_SHORT_SV[day - 1]} kl. {hour:02d}–{hour + 1:02d}."
    assert any(c.value.replace("\\", "").startswith(peak) for c in at.caption), [c.value[:60] for c in at.caption]


def test_trender_remembers_the_views_choices_after_a_look_at_another_view(
        demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page("trender", demo_path, monkeypatch)
    at.segmented_control(key="trend_grouping").set_value("Kategori").run()
    at.segmented_control(key="trend_resolution").set_value("Månad").run()
    at.segmented_control(key="trend_view").set_value("Året").run()
    category = next(d.value for d in at.dataframe if "Brukar toppa" in d.value.columns)["Kategori"].iloc[0]
    at.selectbox(key="arshjul_kategori").set_value(category).run()
    at.segmented_control(key="trend_view").set_value("Veckor").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.segmented_control(key="trend_grouping").value == "Kategori"
    assert at.segmented_control(key="trend_resolution").value == "Månad"
    at.segmented_control(key="trend_view").set_value("Året").run()
    assert at.selectbox(key="arshjul_kategori").value == category
