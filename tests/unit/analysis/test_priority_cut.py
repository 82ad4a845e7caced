"""Prioriterade områden's and Insatser's queries asked once for every district and cut to a choice of
districts, against the query for that choice (priority_areas' and interventions' own functions, which
put the districts in SQL), on a demo database with a fixed today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import district_cut, interventions, queries
from trygghet.analysis import priority_areas as pa
from trygghet.core.filters import Filters, default_filters
from trygghet.demo.build import build_demo
from trygghet.store.db import Database

TODAY = dt.date(2026, 5, 20)
CHOICES = [(), ("Norrby",), ("Centrum", "Hamnen", "Lindö"), ("Strandviken", "Björkdalen"), ("Okänd stadsdel",)]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("priority_cut") / "demo.duckdb"
    build_demo(path, events=20_000, end=TODAY - dt.timedelta(days=1))
    # The demo's interventions all have a district and its survey rows all a respondent count: some of
    # them lose theirs, so that the cuts meet the whole municipality's interventions and the plain mean.
    with duckdb.connect(str(path)) as writer:
        writer.execute("UPDATE interventions SET district = NULL WHERE hash(id) % 4 = 0")
        writer.execute("UPDATE survey_results SET respondents = NULL WHERE district = 'Norrby' AND period LIKE '2025%'")
    with Database(path).read() as connection:
        yield connection


def _filters(**changes: object) -> Filters:
    return replace(default_filters(TODAY), **changes)  # type: ignore[arg-type]


FILTER_CASES = [_filters(), _filters(sources=("Polisen",)),
                _filters(start=dt.date(2025, 2, 10), end=dt.date(2026, 3, 20))]


def _areas(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    return tuple(r[0] for r in con.execute("SELECT name FROM priority_areas ORDER BY name").fetchall())


def test_the_demo_has_what_the_cuts_are_tested_on(con: duckdb.DuckDBPyConnection) -> None:
    # Interventions of the whole municipality and of single districts, areas with indicators and survey links.
    assert con.execute("SELECT count(*) FILTER (WHERE district IS NULL), count(*) FILTER (WHERE district IS NOT NULL)"
                       " FROM interventions WHERE priority_area IS NOT NULL").fetchone() >= (1, 1)
    names = _areas(con)
    assert len(names) >= 2
    assert any(not frame.empty for frame in pa.related_surveys(con, names).values())


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("districts", CHOICES)
def test_indicator_trends_cut_equal_the_query(con: duckdb.DuckDBPyConnection, filters: Filters,
                                              districts: tuple[str, ...]) -> None:
    names = (*_areas(con), "Finns inte")
    data_range = queries.event_date_range(con)
    counts = pa.indicator_counts(con, district_cut.every_district(filters), names)
    chosen = filters.with_districts(districts)
    cut = counts.trends_for(chosen, names, data_range)
    direct = pa.indicator_trends(con, chosen, names, data_range)
    assert list(cut) == list(direct)
    for name in names:
        pd.testing.assert_frame_equal(cut[name], direct[name])
    if districts == ():
        # Not vacuous: the areas' events are there.
        assert sum(frame["count"].sum() for frame in cut.values() if not frame.empty) > 0


def test_indicator_counts_of_no_areas_cut_to_nothing(con: duckdb.DuckDBPyConnection) -> None:
    counts = pa.indicator_counts(con, _filters(), ())
    assert counts.trends_for(_filters(districts=("Norrby",)), (), queries.event_date_range(con)) == {}


@pytest.mark.parametrize("filters", FILTER_CASES[::2])
@pytest.mark.parametrize("districts", CHOICES)
def test_overview_cut_equals_the_query(con: duckdb.DuckDBPyConnection, filters: Filters,
                                       districts: tuple[str, ...]) -> None:
    parts = pa.overview_parts(con, district_cut.every_district(filters), TODAY)
    chosen = filters.with_districts(districts)
    assert parts.for_districts(districts) == pa.priority_area_overview(con, chosen, TODAY)
    assert pa.status_for(parts.status, districts) == pa.intervention_status(con, districts, TODAY)


def test_the_status_cut_counts_the_whole_municipality_for_every_choice(con: duckdb.DuckDBPyConnection) -> None:
    status = pa.overview_parts(con, _filters(), TODAY).status
    whole = con.execute("SELECT count(*) FROM interventions WHERE priority_area IS NOT NULL AND district IS NULL"
                        ).fetchone()[0]
    unknown = pa.status_for(status, ("Okänd stadsdel",))
    assert sum(sum(s.counts.values()) for s in unknown.values()) == whole


@pytest.mark.parametrize("districts", CHOICES)
def test_survey_cut_equals_the_query(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...]) -> None:
    names = (*_areas(con), "Inget som matchar")
    cut = pa.survey_parts(con, names).surveys_for(districts)
    direct = pa.related_surveys(con, names, districts)
    assert list(cut) == list(direct)
    for name in names:
        if direct[name].empty:
            assert cut[name].empty and list(cut[name].columns) == list(direct[name].columns)
        else:
            pd.testing.assert_frame_equal(cut[name], direct[name], check_exact=False, rtol=1e-12)


def test_survey_cut_weights_by_respondents_unless_a_row_lacks_them(con: duckdb.DuckDBPyConnection) -> None:
    # Hand-made rows: two districts weighted 1:3, and a year where one row has no respondent count.
    frame = pd.DataFrame({
        "year": ["2025", "2025", "2026", "2026"], "indicator": ["Trygg"] * 4, "district": ["A", "B", "A", "B"],
        "rows": [1, 1, 1, 1], "valued": [1, 1, 1, 1], "weighted": [1, 1, 1, 0],
        "value_sum": [40.0, 80.0, 50.0, 70.0], "weighted_sum": [40.0 * 100, 80.0 * 300, 50.0 * 100, 0.0],
        "respondents": [100.0, 300.0, 100.0, float("nan")], "group": [0, 0, 1, 1],
    })
    parts = pa.SurveyParts({"Otrygghet": ["Trygg"]}, frame, (("Trygg", "2025"), ("Trygg", "2026")))
    both = parts.surveys_for(())["Otrygghet"]
    assert both["value"].tolist() == pytest.approx([70.0, 60.0])
    assert both["respondents"].tolist() == [400.0, 100.0]
    assert both["districts"].tolist() == [2, 2]
    only_b = parts.surveys_for(("B",))["Otrygghet"]
    assert only_b["value"].tolist() == pytest.approx([80.0, 70.0])
    assert pd.isna(only_b["respondents"].iloc[1])


@pytest.mark.parametrize("districts", CHOICES)
@pytest.mark.parametrize("status", [(), ("Pågående", "Planerad")])
def test_intervention_list_cut_equals_the_query(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...],
                                                status: tuple[str, ...]) -> None:
    every = interventions.intervention_list(con, _filters(), TODAY, status)
    direct = interventions.intervention_list(con, _filters(districts=districts), TODAY, status)
    pd.testing.assert_frame_equal(interventions.list_for(every, districts), direct)
    if districts:
        assert set(direct["Stadsdel"].dropna()) <= set(districts)
