"""ui.cache.derived: what a page builds from a query's result is built once per data version and
arguments, shared as it is (not a copy), and its figures are made plain before they are shared."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from trygghet.store import reference_lists
from trygghet.store.db import Database, add_district, init_database
from trygghet.ui import cache

BUILT: list[tuple[str, ...]] = []


def district_figure(districts: list[str], title: str) -> tuple[go.Figure, str]:
    BUILT.append(tuple(districts))
    return go.Figure(go.Bar(x=districts, y=[1] * len(districts), name=title)), f"{len(districts)} stadsdelar"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    BUILT.clear()
    database = Database(tmp_path / "t.duckdb")
    init_database(database)
    with database.write() as con:
        add_district(con, "Norrby")
    return database


def test_built_once_per_data_version_and_arguments_and_shared_as_it_is(db: Database) -> None:
    first = cache.derived(district_figure, db, (reference_lists.districts,), "Stadsdelar")
    again = cache.derived(district_figure, db, (reference_lists.districts,), "Stadsdelar")
    assert again is first
    assert BUILT == [("Norrby",)]
    assert first[1] == "1 stadsdelar"

    other = cache.derived(district_figure, db, (reference_lists.districts,), "Andra")
    assert other is not first and BUILT == [("Norrby",), ("Norrby",)]

    with db.write() as con:  # a new data version: built again from the new rows
        add_district(con, "Hamnen")
    after = cache.derived(district_figure, db, (reference_lists.districts,), "Stadsdelar")
    assert sorted(BUILT[-1]) == ["Hamnen", "Norrby"]
    assert list(after[0].data[0].x) == list(BUILT[-1])


def test_figures_are_made_plain_before_they_are_shared(db: Database) -> None:
    fig, _ = cache.derived(district_figure, db, (reference_lists.districts,), "<b>Fet</b> <a href='x'>länk</a>")
    assert fig.data[0].name == "&lt;b&gt;Fet&lt;/b&gt; &lt;a href='x'&gt;länk&lt;/a&gt;"


def test_the_source_is_the_query_as_cache_query_takes_it(db: Database) -> None:
    with pytest.raises(TypeError, match=r"\(query_fn, \*args\)"):
        cache.derived(district_figure, db, ("inte en funktion",), "x")


def test_the_data_version_is_read_once_per_state_of_the_file(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []

    def counted(database: Database) -> dict[str, object]:
        reads.append(1)
        return {"version": 41 + len(reads)}

    monkeypatch.setattr(cache, "status", counted)
    monkeypatch.setattr(cache, "_VERSIONS", {})
    assert [cache.data_version(db) for _ in range(5)] == [42] * 5
    assert len(reads) == 1
    with db.write() as con:  # the file changes: read again
        add_district(con, "Hamnen")
    assert cache.data_version(db) == 43 and len(reads) == 2
