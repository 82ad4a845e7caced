"""How much a weekly count varies by itself: each series' dispersion from its own last 52 weeks.

Small-area counts vary more from week to week than Poisson allows: weather, holidays, a group
that moves on. Testing them as Poisson flags about eight "sure" changes a week in data where
nothing changed. Here each series (a stadsdel × kategori cell, a category, the total) gets a
negative binomial shape k from its own weeks: with mean m and variance s² of its weekly counts,
s² = m + m²/k (method of moments). One SQL aggregate gives every series' sum and sum of squares;
the rest is arithmetic on a few hundred rows.

The honest rule for thin data: 52 weeks give a noisy k for one series, and the noise is not
symmetric – an estimate that makes a series look calmer than it is turns into false alarms. So a
series is never taken as calmer than the series around it (the shape pooled over every series in
the selection), and a series with fewer than MIN_HISTORY_EVENTS events in its history uses the
pooled shape alone. With fewer than MIN_HISTORY_WEEKS weeks of data before the week, nothing is
tested. Checked on generated data in tests/unit/analysis/test_dispersion.py.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd

from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek, previous_weeks, week_window

HISTORY_WEEKS = 52
MIN_HISTORY_WEEKS = 8
MIN_HISTORY_EVENTS = 20
HISTORY_COLUMNS = ["hist_weeks", "hist_sum", "hist_sumsq", "shape"]


def inverse_shapes(weeks: np.ndarray, sums: np.ndarray, sumsqs: np.ndarray) -> np.ndarray:
    """1/k per series from its weekly moments (0: no variation beyond Poisson; NaN: too few weeks)."""
    weeks = np.asarray(weeks, dtype=float)
    sums, sumsqs = np.asarray(sums, dtype=float), np.asarray(sumsqs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums / weeks
        variance = (sumsqs - weeks * mean**2) / (weeks - 1)
        excess = np.maximum(variance - mean, 0.0)
        inverse = np.where(mean > 0, excess / mean**2, 0.0)
    return np.where(weeks >= 2, inverse, np.nan)


def pooled_inverse_shape(weeks: np.ndarray, sums: np.ndarray, sumsqs: np.ndarray) -> float:
    """1/k common to the series: their excess variances over their squared means, summed.

    Summed rather than averaged so that the busy series, whose estimates are precise, carry the
    weight; only series with enough weeks and events take part.
    """
    weeks = np.asarray(weeks, dtype=float)
    sums, sumsqs = np.asarray(sums, dtype=float), np.asarray(sumsqs, dtype=float)
    usable = (weeks >= MIN_HISTORY_WEEKS) & (sums >= MIN_HISTORY_EVENTS)
    if not usable.any():
        return 0.0
    w, s, q = weeks[usable], sums[usable], sumsqs[usable]
    mean = s / w
    variance = (q - w * mean**2) / (w - 1)
    return max(0.0, float(np.sum(variance - mean) / np.sum(mean**2)))


def shapes(weeks: np.ndarray, sums: np.ndarray, sumsqs: np.ndarray) -> np.ndarray:
    """The negative binomial shape per week to test each series with (math.inf: Poisson)."""
    weeks = np.asarray(weeks, dtype=float)
    sums = np.asarray(sums, dtype=float)
    pooled = pooled_inverse_shape(weeks, sums, sumsqs)
    own = inverse_shapes(weeks, sums, sumsqs)
    rich = (sums >= MIN_HISTORY_EVENTS) & (weeks >= MIN_HISTORY_WEEKS)
    inverse = np.where(rich, np.fmax(own, pooled), pooled)
    with np.errstate(divide="ignore"):
        return np.where(inverse > 0, 1.0 / inverse, math.inf)


def history_start(week: IsoWeek) -> dt.date:
    return week.monday() - dt.timedelta(weeks=HISTORY_WEEKS)


def _bounds_sql() -> str:
    # The first whole week of data: a file that starts on a Wednesday has no full week before it.
    return "SELECT greatest(?::DATE, date_trunc('week', min(day) + INTERVAL 6 DAY)::DATE) AS start FROM event_counts"


def cell_weeks(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per stadsdel and category: the chosen week, the four weeks before, and the 52 weeks before
    as hist_weeks (whole weeks of data), hist_sum and hist_sumsq (of the weekly counts) with the
    shape to test the week with. One aggregate over the daily counts."""
    week = filters.week
    this, before = week_window(week), previous_weeks(week, 4)
    start = history_start(week)
    conditions, params = event_conditions(filters)
    frame = con.execute(
        f"""
        WITH bounds AS ({_bounds_sql()}),
        weekly AS (
            SELECT district, category, date_trunc('week', day)::DATE AS wk, sum(n)::BIGINT AS n
            FROM event_counts
            WHERE day >= ? AND day < ? AND {conditions}
            GROUP BY ALL
        )
        SELECT district, category,
               coalesce(sum(n) FILTER (WHERE wk >= ?), 0)::BIGINT AS week,
               coalesce(sum(n) FILTER (WHERE wk >= ? AND wk < ?), 0)::BIGINT AS previous_4,
               greatest(0, datediff('week', any_value(b.start), ?::DATE))::BIGINT AS hist_weeks,
               coalesce(sum(n) FILTER (WHERE wk >= b.start AND wk < ?), 0)::BIGINT AS hist_sum,
               coalesce(sum(n * n) FILTER (WHERE wk >= b.start AND wk < ?), 0)::BIGINT AS hist_sumsq
        FROM weekly, bounds b
        GROUP BY district, category
        """,
        [start, start, this.end, *params, this.start, before.start, this.start,
         this.start, this.start, this.start],
    ).df()
    frame["shape"] = shapes(frame["hist_weeks"], frame["hist_sum"], frame["hist_sumsq"]) if len(frame) else []
    return frame


def series_history(con: duckdb.DuckDBPyConnection, filters: Filters, by: str) -> pd.DataFrame:
    """Per category (or district), and for all of them together (name None), the 52 weeks before the
    chosen week: hist_weeks, hist_sum, hist_sumsq and the shape to test with."""
    if by not in {"category", "district"}:
        raise ValueError(by)
    week = filters.week
    start = history_start(week)
    conditions, params = event_conditions(filters)
    frame = con.execute(
        f"""
        WITH bounds AS ({_bounds_sql()}),
        weekly AS (
            SELECT {by} AS name, date_trunc('week', day)::DATE AS wk, sum(n)::BIGINT AS n
            FROM event_counts, bounds b
            WHERE day >= b.start AND day < ? AND {conditions}
            GROUP BY ALL
        ),
        every AS (
            SELECT name, wk, n FROM weekly
            UNION ALL
            SELECT NULL, wk, sum(n)::BIGINT FROM weekly GROUP BY wk
        )
        SELECT name,
               greatest(0, datediff('week', any_value(b.start), ?::DATE))::BIGINT AS hist_weeks,
               sum(n)::BIGINT AS hist_sum, sum(n * n)::BIGINT AS hist_sumsq
        FROM every, bounds b
        GROUP BY name
        """,
        [start, week.monday(), *params, week.monday()],
    ).df()
    if frame.empty:
        return pd.DataFrame(columns=["name", *HISTORY_COLUMNS])
    rows = frame["name"].notna()
    frame["shape"] = math.inf
    frame.loc[rows, "shape"] = shapes(frame.loc[rows, "hist_weeks"], frame.loc[rows, "hist_sum"],
                                      frame.loc[rows, "hist_sumsq"])
    # The total is its own series: its weeks vary less, relatively, than any one category's.
    frame.loc[~rows, "shape"] = shapes(frame.loc[~rows, "hist_weeks"], frame.loc[~rows, "hist_sum"],
                                       frame.loc[~rows, "hist_sumsq"])
    return frame
