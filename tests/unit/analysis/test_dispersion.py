"""trygghet.analysis.dispersion: the shapes the flags are tested with, on arrays and on a real DuckDB
file – the total's shape, thin series, shrinkage toward the pool and long windows."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from trygghet.analysis import dispersion, queries, stats
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts
from trygghet.store.db import Database, add_district, init_database

FIRST = IsoWeek(2024, 1)
WEEK = FIRST.shift(60)


def moments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """weeks, sums and sums of squares per series of a weeks × series array."""
    return (np.full(counts.shape[1], counts.shape[0]), counts.sum(axis=0), (counts.astype(float) ** 2).sum(axis=0))


def database(tmp_path: Path, rows: list[tuple[dt.datetime, str, str | None, str]]) -> Database:
    db = Database(tmp_path / "dispersion.duckdb")
    init_database(db)
    with db.write() as con:
        for district in sorted({d for _, d, _, _ in rows}):
            add_district(con, district)
        con.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, place, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, ?, ?, ?, 'Test', ?)",
            [(i, t, d, p, c, i) for i, (t, d, p, c) in enumerate(rows, start=1)],
        )
        event_counts.rebuild(con)
    return db


def overdispersed_rows(seed: int = 5) -> list[tuple[dt.datetime, str, str | None, str]]:
    """61 weeks of three districts × two categories, each week's rate varying by a gamma factor of shape 2."""
    rng = np.random.default_rng(seed)
    rows = []
    for week in range(61):
        monday = dt.datetime.combine(FIRST.shift(week).monday(), dt.time(12))
        for district in ("Norrby", "Söderby", "Hamnen"):
            for category in ("Klotter", "Skadegörelse"):
                for _ in range(rng.poisson(15 * rng.gamma(2.0, 0.5))):
                    rows.append((monday + dt.timedelta(days=int(rng.integers(0, 7))), district, None, category))
    return rows


def test_the_totals_shape_is_finite_on_overdispersed_data(tmp_path: Path) -> None:
    db = database(tmp_path, overdispersed_rows())
    filters = Filters(week=WEEK, start=WEEK.shift(-52).monday(), end=WEEK.sunday())
    with db.read() as con:
        history = dispersion.series_history(con, filters, "category")
        counts = queries.compstat_counts(con, filters, "category")
        period = dispersion.period_shapes(con, WEEK.sunday(), "district")
    assert dispersion.TOTAL in set(history["name"])
    # Six cells at k = 2 add up to a total with k near 12 (var = m + Σm²/2): overdispersed, not Poisson.
    total = float(counts["total_shape"].iloc[0])
    assert math.isfinite(total) and total < 50, total
    assert math.isfinite(period[dispersion.TOTAL]) and period[dispersion.TOTAL] < 50


def test_a_thin_series_gets_the_prior_shape_not_poisson() -> None:
    weeks, sums, sumsqs = np.array([52]), np.array([19]), np.array([19 * 3])
    assert dispersion.shapes(weeks, sums, sumsqs)[0] == dispersion.PRIOR_SHAPE


def test_a_thin_clustered_place_is_tested_with_the_prior_and_five_against_one_a_week_is_not_sure(
    tmp_path: Path,
) -> None:
    # 19 events at Torget in three bursts, and the district's other events from the first week on.
    rows = [(dt.datetime.combine(FIRST.shift(w).monday(), dt.time(10)), "Norrby", None, "Klotter") for w in range(61)]
    rows += [(dt.datetime.combine(FIRST.shift(w).monday(), dt.time(22)), "Norrby", "Torget", "Klotter")
             for w, n in ((20, 7), (35, 6), (50, 6)) for _ in range(n)]
    db = database(tmp_path, rows)
    with db.read() as con:
        shape = dispersion.place_shape(con, WEEK, "Norrby", "Torget")
    assert shape == dispersion.PRIOR_SHAPE
    assert stats.compare(5, 52, 1.0, 52.0, shape).direction is None
    assert stats.compare(5, 52, 1.0, 52.0, math.inf).direction == "upp"  # what Poisson said


def test_alike_series_are_all_given_the_pooled_shape() -> None:
    rng = np.random.default_rng(1)
    counts = rng.poisson(10 * rng.gamma(3.0, 1 / 3, (52, 40)))
    inverse = dispersion.shrunk_inverse_shapes(*moments(counts))
    pooled = dispersion.pooled_inverse_shape(*moments(counts))
    own = dispersion.inverse_shapes(*moments(counts))
    # The own estimates scatter by their sampling noise alone; shrinking removes most of it.
    assert np.std(inverse) < 0.45 * np.std(own)
    assert pooled == pytest.approx(1 / 3, rel=0.3)


def test_a_series_that_really_varies_more_keeps_most_of_its_own_variation() -> None:
    rng = np.random.default_rng(2)
    calm = rng.poisson(20 * rng.gamma(20.0, 1 / 20, (52, 30)))
    wild = rng.poisson(20 * rng.gamma(1.0, 1.0, (52, 30)))
    inverse = dispersion.shrunk_inverse_shapes(*moments(np.hstack([calm, wild])))
    assert np.median(inverse[30:]) > 3 * np.median(inverse[:30])
    assert np.median(inverse[30:]) == pytest.approx(1.0, rel=0.35)


def test_long_windows_are_capped_and_short_ones_kept() -> None:
    assert dispersion.window_shape(3.0, 1.0) == 3.0
    assert dispersion.window_shape(math.inf, 2.0) == math.inf
    assert dispersion.window_shape(math.inf, 52.0) == pytest.approx(dispersion.LONG_WINDOW_SHAPE / 52)
    assert dispersion.window_shape(0.5, 52.0) == 0.5
    capped = dispersion.window_shape(np.array([math.inf, 1.0]), 4.0)
    assert capped.tolist() == [dispersion.LONG_WINDOW_SHAPE / 4, 1.0]


def test_the_short_rule_text_states_the_levels_in_force() -> None:
    assert f"p < {stats.level_text(stats.ALPHA_UP)}" in stats.FLAG_RULE_SHORT
    assert f"p < {stats.level_text(stats.ALPHA_DOWN)}" in stats.FLAG_RULE_SHORT
    assert f"minst {stats.MIN_DIFF} händelser" in stats.FLAG_RULE_SHORT
