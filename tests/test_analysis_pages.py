"""Karta's standing list of places and Trender's årshjul under AppTest on a demo database, checked
against the analysis functions on the same file."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trygghet.analysis import places, seasonality
from trygghet.demo.build import build_demo

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analysis_pages") / "demo.duckdb"
    build_demo(path, seed=4, events=20_000)
    return path


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
    assert "Årshjul" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "Brukar toppa" in d.value.columns)
    assert (table["Hela år"] >= seasonality.MIN_YEARS).all()
    at.selectbox(key="arshjul_kategori").set_value(table["Kategori"].iloc[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    summary = [c.value for c in at.caption if c.value.replace("\\", "").startswith(f"{table['Kategori'].iloc[0]}: ")]
    assert summary, [c.value[:80] for c in at.caption]
