"""Översikt's queries for every district, cut to a choice of districts, against the SQL for that choice
(the functions in analysis.queries and analysis.dispersion), on a demo database with a fixed today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import compstat, dispersion, district_cut, queries
from trygghet.core.filters import Filters, default_filters
from trygghet.demo.build import build_demo
from trygghet.store.db import Database

TODAY = dt.date(2026, 5, 20)
CHOICES = [(), ("Norrby",), ("Centrum", "Hamnen", "Lindö"), ("Strandviken", "Björkdalen"), ("Okänd stadsdel",)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("district_cut") / "demo.duckdb"
    build_demo(path, events=20_000, end=TODAY - dt.timedelta(days=1))
    return Database(path)


def _filters(**changes: object) -> Filters:
    return replace(default_filters(TODAY), **changes)  # type: ignore[arg-type]


FILTER_CASES = [_filters(), _filters(categories=("Klotter", "Skadegörelse")), _filters(sources=("Polisen",))]


@pytest.fixture(scope="module")
def con(demo: Database) -> Iterator[duckdb.DuckDBPyConnection]:
    with demo.read() as connection:
        yield connection


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("districts", CHOICES)
def test_compstat_counts_and_cells_cut_equal_the_query(con: duckdb.DuckDBPyConnection, filters: Filters,
                                                       districts: tuple[str, ...]) -> None:
    every = district_cut.compstat_cells(con, district_cut.every_district(filters))
    chosen = filters.with_districts(districts)
    pd.testing.assert_frame_equal(every.category_counts(districts), queries.compstat_counts(con, chosen),
                                  check_exact=False, rtol=1e-12)
    key = ["district", "category"]
    cut = every.cells(districts).sort_values(key).reset_index(drop=True)
    direct = dispersion.cell_weeks(con, chosen).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(cut, direct, check_exact=False, rtol=1e-12)
    assert ([n.sentence for n in compstat.notable_in(every, districts)]
            == [n.sentence for n in compstat.notable_changes(dispersion.cell_weeks(con, chosen))])


def test_the_cut_counts_the_chosen_districts_events(con: duckdb.DuckDBPyConnection) -> None:
    every = district_cut.compstat_cells(con, _filters())
    assert set(every.cells(("Norrby", "Hamnen"))["district"]) == {"Norrby", "Hamnen"}
    assert every.category_counts(()).loc[lambda f: f["name"] == "Klotter", "previous_4"].item() == con.execute(
        "SELECT count(*) FROM events WHERE category = 'Klotter' AND occurred_at >= ? AND occurred_at < ?",
        [_filters().week.shift(-4).monday(), _filters().week.monday()]).fetchone()[0]


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("districts", CHOICES)
def test_key_figures_places_weeks_and_interventions_cut_equal_the_query(
        con: duckdb.DuckDBPyConnection, filters: Filters, districts: tuple[str, ...]) -> None:
    every, chosen = district_cut.every_district(filters), filters.with_districts(districts)
    assert (district_cut.key_figures_for(district_cut.key_figures_by_district(con, every), districts)
            == queries.key_figures(con, chosen))
    # The SQL with the district as the last tie-break, which the cut keeps.
    window = (filters.week.monday(), filters.week.end_exclusive())
    conditions, params = queries.event_conditions(chosen)
    places = con.execute(
        f"""SELECT place AS "Plats", district AS "Stadsdel", count(*) AS "Händelser",
                   string_agg(DISTINCT category, ', ' ORDER BY category) AS "Kategorier"
            FROM events WHERE occurred_at >= ? AND occurred_at < ? AND place IS NOT NULL AND {conditions}
            GROUP BY place, district ORDER BY count(*) DESC, place, district LIMIT 10""",
        [*window, *params]).df()
    cut = district_cut.top_places_for(district_cut.places_by_district(con, every), districts)
    # An empty cut keeps its columns' text type where DuckDB types an empty result's as object.
    pd.testing.assert_frame_equal(cut, places, check_dtype=bool(len(places)))
    assert cut["Händelser"].tolist() == queries.top_places(con, chosen)["Händelser"].tolist()
    twelve = {"start": filters.week.shift(-11).monday(), "end": filters.week.sunday()}
    pd.testing.assert_frame_equal(
        district_cut.weekly_total_for(district_cut.weekly_by_district(con, replace(every, **twelve)), districts),
        queries.weekly_series(con, replace(chosen, **twelve), None, 0), check_dtype=False)
    pd.testing.assert_frame_equal(
        district_cut.open_interventions_for(district_cut.open_interventions_all(con, TODAY), districts),
        queries.open_interventions(con, chosen, TODAY), check_dtype=False)


def test_a_choice_keeps_the_cached_query_of_every_district() -> None:
    chosen = _filters(districts=("Norrby", "Hamnen"), categories=("Klotter",))
    assert district_cut.every_district(chosen) == _filters(categories=("Klotter",))


def test_an_empty_database_cuts_to_empty_results(database: Database) -> None:
    with database.read() as connection:
        every = district_cut.compstat_cells(connection, _filters())
        assert every.category_counts(("Norrby",)).empty and every.cells(()).empty
        assert district_cut.key_figures_for(district_cut.key_figures_by_district(connection, _filters()), ()) == {
            "week": 0, "previous_week": 0, "previous_4": 0, "last_year": 0, "previous_4_mean": 0.0}
        assert queries.compstat_counts(connection, _filters()).empty
