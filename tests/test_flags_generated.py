"""Översikt's "Det här sticker ut" on generated data with no real change: how many false alarms a
week, and whether a real jump is still found.

10 stadsdelar × 15 categories, 100 weeks, each cell with its own weekly mean (1–20). With a gamma
factor of shape 3 on each week's rate, as small-area counts behave, testing the week as Poisson
against the four weeks before flagged about seven items a week; the list must now hold at most
1.5 a week on average over the last 20 weeks. Five more weeks each put one cell at four times its
mean: at least four of the five must be listed. The flags come from the functions the page calls
(queries.district_category_week and compstat.notable_changes) on a real DuckDB file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pytest
from generated_counts import Generated, add_spikes, generate, write

from trygghet.analysis import compstat, queries
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store.db import Database, init_database

FIRST_WEEK = IsoWeek(2024, 40)


def filters(week: IsoWeek) -> Filters:
    return Filters(week=week, start=week.shift(-52).monday(), end=week.sunday())


def listed(con: duckdb.DuckDBPyConnection, week: IsoWeek) -> list[compstat.Notable]:
    return compstat.notable_changes(queries.district_category_week(con, filters(week)))


def database(tmp_path: Path, data: Generated) -> Database:
    db = Database(tmp_path / "generated.duckdb")
    init_database(db)
    write(db, data)
    return db


@pytest.fixture(scope="module")
def overdispersed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Generated, duckdb.DuckDBPyConnection]]:
    data = add_spikes(generate(seed=16, first_week=FIRST_WEEK), seed=61)
    db = database(tmp_path_factory.mktemp("overdispersed"), data)
    with db.read() as con:
        yield data, con


def test_no_change_with_overdispersion_gives_at_most_one_and_a_half_items_a_week(
    overdispersed: tuple[Generated, duckdb.DuckDBPyConnection],
) -> None:
    data, con = overdispersed
    weeks = [data.week(i) for i in range(80, 100)]
    per_week = [len(listed(con, week)) for week in weeks]
    assert np.mean(per_week) <= 1.5, per_week
    # The same weeks tested as Poisson against the four weeks before (the rule this replaced) shout.
    from trygghet.analysis import stats

    poisson = []
    for week in weeks:
        cells = queries.district_category_week(con, filters(week))
        result = stats.compare_many(cells["week"], cells["previous_4"], 1.0, 4.0)
        poisson.append(int((result["direction"] != "").sum()))
    assert np.mean(poisson) > 4 * max(np.mean(per_week), 0.5), (poisson, per_week)


def test_a_cell_at_four_times_its_mean_is_listed_in_at_least_four_of_five_weeks(
    overdispersed: tuple[Generated, duckdb.DuckDBPyConnection],
) -> None:
    data, con = overdispersed
    assert len(data.spikes) == 5
    found = 0
    for week, district, category in data.spikes:
        hits = [n for n in listed(con, week) if (n.district, n.category) == (district, category)]
        found += bool(hits) and hits[0].change.direction == "upp"
    assert found >= 4


def test_pure_poisson_data_still_gives_few_items(tmp_path: Path) -> None:
    data = generate(seed=17, first_week=FIRST_WEEK, shape=None)
    db = database(tmp_path, data)
    with db.read() as con:
        per_week = [len(listed(con, data.week(i))) for i in range(80, 100)]
    assert np.mean(per_week) <= 1.5, per_week
