"""priority_areas.related_surveys: every area's survey questions in one query, each area getting
exactly the rows of its own questions, as if it had been asked for alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import priority_areas as pa
from trygghet.demo.build import build_demo


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = Path(tmp_path_factory.mktemp("related_surveys")) / "demo.duckdb"
    build_demo(path, events=3000)
    with duckdb.connect(str(path), read_only=True) as connection:
        yield connection


def _alone(con: duckdb.DuckDBPyConnection, area: str, districts: tuple[str, ...]) -> pd.DataFrame:
    """The area's questions asked for alone, straight from the table (the weighted yearly mean)."""
    known = [r[0] for r in con.execute("SELECT DISTINCT indicator FROM survey_results ORDER BY indicator").fetchall()]
    rows = con.execute("SELECT district, period, indicator, value, respondents FROM survey_results").df()
    rows = rows[rows["indicator"].isin(pa.linked_indicators(area, known))]
    if districts:
        rows = rows[rows["district"].isin(districts)]
    out = []
    for (year, indicator), group in rows.groupby([rows["period"].str[:4], "indicator"], sort=True):
        weights = group["respondents"]
        weighted = weights.notna().all() and weights.sum() > 0
        value = (group["value"] * weights).sum() / weights.sum() if weighted else group["value"].mean()
        out.append((indicator, year, round(float(value), 9)))
    return pd.DataFrame(out, columns=["indicator", "year", "value"]).sort_values(["indicator", "year"])


@pytest.mark.parametrize("districts", [(), ("Centrum", "Hamnen")])
def test_each_area_gets_the_rows_of_its_own_questions(con: duckdb.DuckDBPyConnection,
                                                      districts: tuple[str, ...]) -> None:
    areas = tuple(r[0] for r in con.execute("SELECT name FROM priority_areas ORDER BY name").fetchall())
    together = pa.related_surveys(con, areas, districts)
    assert set(together) == set(areas)
    linked = 0
    for area in areas:
        got = together[area][["indicator", "year", "value"]].assign(value=lambda f: f["value"].round(9))
        expected = _alone(con, area, districts)
        assert got.reset_index(drop=True).equals(expected.reset_index(drop=True)), area
        linked += not expected.empty
    assert linked >= 2  # the demo ties survey questions to more than one area


def test_an_area_without_questions_gets_an_empty_frame_with_the_columns(con: duckdb.DuckDBPyConnection) -> None:
    (frame,) = pa.related_surveys(con, ("Inget som matchar",)).values()
    assert frame.empty and list(frame.columns) == ["year", "indicator", "value", "respondents", "districts"]
