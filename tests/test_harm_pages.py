"""Harm weighting in the app: an administrator turns it on under Administration, and Översikt then
shows the weighted figures beside the plain counts; off, Översikt shows counts only."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.analysis import harm
from trygghet.demo.build import build_demo
from trygghet.store import installation_settings as settings
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # AppTest resets Streamlit's old-multipage flag before every run, which a real server never does;
    # without this the page file would run alone first and be restarted, dropping a click.
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)
    path = tmp_path / "demo.duckdb"
    build_demo(path, seed=3, events=5_000)
    monkeypatch.setenv("TRYGGHET_DB", str(path))
    return path


def test_turning_weights_on_shows_harm_beside_counts_on_oversikt(demo: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert "Skadeviktat" not in [h.value for h in at.header]  # off until an administrator turns it on

    at.switch_page("pages/admin.py").run()
    assert not at.exception
    at.toggle(key="harm_in_use").set_value(True).run()
    at.button(key="harm_defaults").click().run()
    assert not at.exception
    assert any("Standardvikterna är sparade" in s.value for s in at.success)
    in_use, weights = settings.harm_weights(Database(demo))
    assert in_use and weights["Rån"] == harm.DEFAULT_WEIGHTS["Rån"]

    at.switch_page("pages/oversikt.py").run()
    assert not at.exception
    assert "Skadeviktat" in [h.value for h in at.header]
    table = next(d.value for d in at.dataframe if "Skadevärde i år" in d.value.columns)
    assert {"Händelser i år", "Skadevärde i år", "Andel av skadevärdet i år (%)"} <= set(table.columns)
    robbery = table[table["Kategori"] == "Rån"]
    if not robbery.empty:
        assert robbery["Skadevärde i år"].iloc[0] == robbery["Händelser i år"].iloc[0] * 365
