"""How much a weekly count varies by itself: each series' dispersion from its own last 52 weeks.

Small-area counts vary more from week to week than Poisson allows: weather, holidays, a group
that moves on. Testing them as Poisson flags about eight "sure" changes a week in data where
nothing changed. Here each series (a stadsdel × kategori cell, a category, the total) gets a
negative binomial shape k from its own weeks: with mean m and variance s² of its weekly counts,
s² = m + m²/k (method of moments). One SQL aggregate gives every series' sum and sum of squares;
the rest is arithmetic on a few hundred rows.

The honest rule for thin data: 52 weeks give a noisy k for one series. Taking each series' own k
turns the ones that happen to look calm into false alarms; never letting a series be calmer than
the pool (the rule this replaced) hid real jumps in series that happen to look wild. So each
series' own 1/k is shrunk toward the shape pooled over every series in the selection, by how noisy
its own estimate is against how much series really differ (empirical Bayes, shrunk_inverse_shapes),
and a series with fewer than MIN_HISTORY_EVENTS events in its history uses the pooled shape alone. When no series in the selection has enough history to pool (one thin place,
a new district), the shape is PRIOR_SHAPE, never Poisson: thin data is no evidence of calm. With
fewer than MIN_HISTORY_WEEKS weeks of data before the week, nothing is tested.

Long windows (28 days, the year to date) vary more than their weeks added up: a season, a
reorganised patrol or a school moving shifts a whole month. window_shape caps the gamma shape of a
window so that such windows are never tested as near Poisson.
Checked on generated data in tests/unit/analysis/test_dispersion.py.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd

from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek, previous_weeks, week_window
from trygghet.store.sql import in_list

HISTORY_WEEKS = 52
MIN_HISTORY_WEEKS = 8
MIN_HISTORY_EVENTS = 20
HISTORY_COLUMNS = ["hist_weeks", "hist_sum", "hist_sumsq", "shape"]
# The key of all series together in the {name: shape} dicts. DuckDB's NULL name arrives in pandas as
# NaN, which no lookup finds (NaN != NaN), so the total gets a name no district or category can have.
TOTAL = "\x00totalt"
# k = 1: a weekly count whose rate varies by a gamma factor with a standard deviation as large as its
# mean – what thin small-area series (a single place, a handful of events in clusters) show. Used when
# no series has history enough to estimate the shape from; deliberately wider than most estimates.
PRIOR_SHAPE = 1.0
# A window of several weeks (28 days, a year to date) is tested as if its total varied by a gamma
# factor of at most this shape: a relative spread of 1/sqrt(100) = 10 % between years beyond Poisson.
# The demo's district totals spread 0.079 (log) between years where Poisson gives 0.044, about 7 %
# beyond Poisson; the weekly shape scaled to 52 weeks would allow about 2 %.
LONG_WINDOW_SHAPE = 100.0
LONG_WINDOW_WEEKS = 4.0


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
        return 1.0 / PRIOR_SHAPE
    w, s, q = weeks[usable], sums[usable], sumsqs[usable]
    mean = s / w
    variance = (q - w * mean**2) / (w - 1)
    return max(0.0, float(np.sum(variance - mean) / np.sum(mean**2)))


def shrunk_inverse_shapes(weeks: np.ndarray, sums: np.ndarray, sumsqs: np.ndarray) -> np.ndarray:
    """1/k per series, each series' own estimate pulled toward the pooled one by how noisy it is.

    Empirical Bayes on the method-of-moments estimates: a series' own 1/k from n weeks at mean m has
    a sampling variance of about 2/(n-1) · (1/m + 1/k)² (the variance of a sample variance, divided by
    m²); the series' true 1/k differ around the pooled one by tau², what the own estimates spread
    beyond their sampling noise. Each series gets the precision-weighted mean of the two, so a busy
    series with a long history keeps its own variation and a thin one takes the selection's.
    """
    weeks = np.asarray(weeks, dtype=float)
    sums = np.asarray(sums, dtype=float)
    pooled = pooled_inverse_shape(weeks, sums, sumsqs)
    own = inverse_shapes(weeks, sums, sumsqs)
    rich = (sums >= MIN_HISTORY_EVENTS) & (weeks >= MIN_HISTORY_WEEKS)
    if not rich.any():
        return np.full(weeks.shape, pooled)
    mean = sums[rich] / weeks[rich]
    noise = 2.0 / (weeks[rich] - 1) * (1.0 / mean + pooled) ** 2
    tau2 = max(float(np.mean((own[rich] - pooled) ** 2) - np.mean(noise)), 0.0)
    inverse = np.full(weeks.shape, pooled)
    if tau2 > 0:
        weight = tau2 / (tau2 + noise)
        inverse[rich] = weight * own[rich] + (1 - weight) * pooled
    return inverse


def shapes(weeks: np.ndarray, sums: np.ndarray, sumsqs: np.ndarray) -> np.ndarray:
    """The negative binomial shape per week to test each series with (math.inf: Poisson)."""
    inverse = shrunk_inverse_shapes(weeks, sums, sumsqs)
    with np.errstate(divide="ignore"):
        return np.where(inverse > 0, 1.0 / inverse, math.inf)


def window_shape(shape: np.ndarray | float, weeks: float) -> np.ndarray | float:
    """The shape per week to test a window of `weeks` weeks with, given the series' weekly shape.

    A window's total has the gamma shape shape · weeks when its weeks vary independently; for windows
    of LONG_WINDOW_WEEKS or more that is capped at LONG_WINDOW_SHAPE, because such windows also
    carry the slow changes that week-to-week variation does not see. Pass the result as `shape` to
    stats.compare / compare_many with the window's length in weeks as exposure; for comparisons of
    two windows of different length, pass the longer one's weeks.
    """
    if weeks < LONG_WINDOW_WEEKS:
        return shape
    capped = np.minimum(np.asarray(shape, dtype=float), LONG_WINDOW_SHAPE / weeks)
    return float(capped) if np.ndim(capped) == 0 else capped


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


def _series_moments(con: duckdb.DuckDBPyConnection, until: dt.date, name_sql: str, conditions: str,
                    params: list[object], join_sql: str = "", join_params: tuple[object, ...] = ()) -> pd.DataFrame:
    """name (NULL for all series together), hist_weeks, hist_sum and hist_sumsq of the weekly counts in
    the 52 whole weeks before the Monday `until`. `name_sql` names the series per row of event_counts e
    (and of `join_sql`, when a series is a set of categories)."""
    start = until - dt.timedelta(weeks=HISTORY_WEEKS)
    return con.execute(
        f"""
        WITH bounds AS ({_bounds_sql()}),
        weekly AS (
            SELECT {name_sql} AS name, date_trunc('week', e.day)::DATE AS wk, sum(e.n)::BIGINT AS n
            FROM event_counts e {join_sql}, bounds b
            WHERE e.day >= b.start AND e.day < ? AND {conditions}
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
        [start, *join_params, until, *params, until],
    ).df()


def _with_shapes(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["name", *HISTORY_COLUMNS])
    rows = frame["name"].notna()
    frame["name"] = frame["name"].astype(object).where(rows, TOTAL)
    frame["shape"] = math.inf
    frame.loc[rows, "shape"] = shapes(frame.loc[rows, "hist_weeks"], frame.loc[rows, "hist_sum"],
                                      frame.loc[rows, "hist_sumsq"])
    # The total is its own series: its weeks vary less, relatively, than any one category's.
    frame.loc[~rows, "shape"] = shapes(frame.loc[~rows, "hist_weeks"], frame.loc[~rows, "hist_sum"],
                                       frame.loc[~rows, "hist_sumsq"])
    return frame


def series_history(con: duckdb.DuckDBPyConnection, filters: Filters, by: str) -> pd.DataFrame:
    """Per category (or district), and for all of them together (name TOTAL), the 52 weeks before the
    chosen week: hist_weeks, hist_sum, hist_sumsq and the shape to test with."""
    if by not in {"category", "district"}:
        raise ValueError(by)
    conditions, params = event_conditions(filters, alias="e")
    return _with_shapes(_series_moments(con, filters.week.monday(), f"e.{by}", conditions, params))


def period_shapes(con: duckdb.DuckDBPyConnection, until: dt.date, by: str,
                  districts: tuple[str, ...] = ()) -> dict[str | None, float]:
    """{name: shape} per district or category (TOTAL: all together) from the 52 weeks before the week
    that holds `until`, for comparisons of whole periods (the report's year against the year before)."""
    if by not in {"category", "district"}:
        raise ValueError(by)
    conditions, params = "TRUE", []
    if districts:
        conditions, params = f"e.district IN {in_list(districts)}", list(districts)
    frame = _with_shapes(_series_moments(con, IsoWeek.of(until).monday(), f"e.{by}", conditions, params))
    return dict(zip(frame["name"], frame["shape"], strict=True))


def group_shapes(con: duckdb.DuckDBPyConnection, until: dt.date, groups: dict[str, tuple[str, ...]],
                 districts: tuple[str, ...] = ()) -> dict[str, float]:
    """{group: shape} for series that are sets of categories (a priority area's indicators), from the
    52 weeks before the week that holds `until`."""
    pairs = [(name, category) for name, categories in groups.items() for category in set(categories)]
    if not pairs:
        return {}
    conditions, params = "TRUE", []
    if districts:
        conditions, params = f"e.district IN {in_list(districts)}", list(districts)
    # The groups as a two-column list, so that a category in several groups counts in each.
    join = "JOIN (SELECT unnest(?::VARCHAR[]) AS grp, unnest(?::VARCHAR[]) AS member) g ON g.member = e.category"
    frame = _series_moments(con, IsoWeek.of(until).monday(), "g.grp", conditions, params, join,
                            ([name for name, _ in pairs], [category for _, category in pairs]))
    frame = _with_shapes(frame[frame["name"].notna()].reset_index(drop=True))
    return dict(zip(frame["name"], frame["shape"], strict=True))


def place_shape(con: duckdb.DuckDBPyConnection, week: IsoWeek, district: str, place: str | None) -> float:
    """The shape of one place's weekly counts (the whole district's when place is None) over the 52
    weeks before `week`, from the events themselves: the daily counts have no places."""
    place_sql, params = "TRUE", []
    if place:
        place_sql, params = "lower(trim(place)) = lower(trim(?))", [place]
    start = history_start(week)
    row = con.execute(
        f"""
        WITH bounds AS ({_bounds_sql()}),
        weekly AS (
            SELECT date_trunc('week', occurred_at)::DATE AS wk, count(*) AS n
            FROM events, bounds b
            WHERE occurred_at >= b.start AND occurred_at < ? AND district = ? AND {place_sql}
            GROUP BY 1
        )
        SELECT greatest(0, datediff('week', any_value(b.start), ?::DATE)), coalesce(sum(n), 0), coalesce(sum(n * n), 0)
        FROM bounds b LEFT JOIN weekly ON TRUE
        """,
        [start, week.monday(), district, *params, week.monday()],
    ).fetchone()
    return float(shapes(np.array([row[0]]), np.array([row[1]]), np.array([row[2]]))[0])
