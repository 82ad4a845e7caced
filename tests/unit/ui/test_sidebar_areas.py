"""The sidebar's district filter for a city of 150 districts in 10 areas, under AppTest on a real
database: an area, then districts within it; the URL keeps the districts, a link to a whole area
opens with that area chosen; a few districts without areas keep their pills."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.datasets import build_city, city_districts
from trygghet.ui import sidebar

APP = str(Path(__file__).resolve().parents[3] / "app.py")
DISTRICTS = city_districts()
SODERORT = [name for name, area, _ in DISTRICTS if area == "Söderort"]


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("city") / "stad.duckdb"
    build_city(path, events=3_000, first_day=dt.date(2026, 9, 1), end=dt.date(2026, 11, 30))
    return path


def run(city: Path, monkeypatch: pytest.MonkeyPatch, query: dict[str, list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("TRYGGHET_DB", str(city))
    at = AppTest.from_file(APP, default_timeout=120)
    for key, values in (query or {}).items():
        at.query_params[key] = values
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_area_and_choice_from_a_list_of_districts() -> None:
    areas = {name: area for name, area, _ in DISTRICTS}
    names = [name for name, _, _ in DISTRICTS]
    assert sidebar.area_and_choice((), names, areas) == (sidebar.ALL_AREAS, [])
    assert sidebar.area_and_choice(tuple(SODERORT), names, areas) == ("Söderort", [])
    assert sidebar.area_and_choice(tuple(SODERORT[:2]), names, areas) == ("Söderort", SODERORT[:2])
    other = next(n for n in names if areas[n] != "Söderort")
    assert sidebar.area_and_choice((SODERORT[0], other), names, areas) == (sidebar.ALL_AREAS, [SODERORT[0], other])


def test_an_area_alone_means_its_districts_and_they_go_into_the_url(city: Path, monkeypatch: pytest.MonkeyPatch
                                                                   ) -> None:
    at = run(city, monkeypatch)
    assert not at.get("button_group")  # no wall of 150 pills
    assert at.multiselect(key=sidebar.DISTRICTS_KEY).options[0] == DISTRICTS[0][0]
    at.selectbox(key=sidebar.AREA_KEY).set_value("Söderort").run()
    assert at.session_state["filters"].districts == tuple(SODERORT)
    assert at.query_params["stadsdel"] == SODERORT
    assert at.multiselect(key=sidebar.DISTRICTS_KEY).options == SODERORT

    # A district within the area narrows the choice to it; another area keeps only its own.
    at.multiselect(key=sidebar.DISTRICTS_KEY).set_value([SODERORT[2]]).run()
    assert at.session_state["filters"].districts == (SODERORT[2],)
    at.selectbox(key=sidebar.AREA_KEY).set_value("Hamnen").run()
    hamnen = tuple(name for name, area, _ in DISTRICTS if area == "Hamnen")
    assert at.session_state["filters"].districts == hamnen


def test_a_link_to_a_whole_area_opens_with_the_area_chosen(city: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(city, monkeypatch, {"stadsdel": SODERORT})
    assert at.selectbox(key=sidebar.AREA_KEY).value == "Söderort"
    assert at.multiselect(key=sidebar.DISTRICTS_KEY).value == []
    assert at.session_state["filters"].districts == tuple(SODERORT)
