"""Shaping counts for the trend charts: zero weeks, the four-week mean, last year, months and tertials."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trygghet.analysis import trends
from trygghet.core.periods import IsoWeek


def test_weekly_frame_fills_missing_weeks_with_zero_and_computes_rolling_mean() -> None:
    mondays = [dt.date(2026, 1, 5) + dt.timedelta(weeks=i) for i in range(6)]
    counts = pd.DataFrame({"week": [mondays[0], mondays[1], mondays[3], mondays[5]], "series": "Totalt",
                           "count": [4, 8, 2, 6]})
    frame = trends.weekly_frame(counts, mondays[0], mondays[5] + dt.timedelta(days=6))
    assert frame["count"].tolist() == [4, 8, 0, 2, 0, 6]
    # Trailing mean over four weeks, defined from the fourth week on: (4+8+0+2)/4, (8+0+2+0)/4, (0+2+0+6)/4
    assert frame["rolling4"].iloc[:3].isna().all()
    assert frame["rolling4"].tolist()[3:] == [3.5, 2.5, 2.0]


def test_weekly_frame_aligns_the_same_week_last_year_and_cuts_to_the_period() -> None:
    start = dt.date(2025, 1, 6)
    weeks = [start + dt.timedelta(weeks=i) for i in range(60)]
    counts = pd.DataFrame({"week": weeks, "series": "Totalt", "count": range(60)})
    period_start = weeks[55]
    frame = trends.weekly_frame(counts, period_start, weeks[59] + dt.timedelta(days=6))
    assert frame["week"].iloc[0] == pd.Timestamp(period_start)
    assert frame["count"].tolist() == [55, 56, 57, 58, 59]
    assert frame["last_year"].tolist() == [3, 4, 5, 6, 7]


def test_the_same_week_last_year_is_the_iso_week_across_a_year_with_week_53() -> None:
    # 2026 has 53 ISO weeks: 52 weeks before 2027-W01 is 2026-W02, not the week Översikt compares with.
    start = dt.date(2025, 12, 1)  # 2025-W49
    weeks = [start + dt.timedelta(weeks=i) for i in range(62)]
    counts = pd.DataFrame({"week": weeks, "series": "Totalt", "count": range(62)})
    frame = trends.weekly_frame(counts, dt.date(2026, 12, 21), dt.date(2027, 1, 17)).set_index("week")
    position = {IsoWeek.of(w): i for i, w in enumerate(weeks)}
    for monday in (dt.date(2026, 12, 21), dt.date(2026, 12, 28), dt.date(2027, 1, 4), dt.date(2027, 1, 11)):
        twin = IsoWeek.of(monday).same_week_last_year()
        assert frame.loc[pd.Timestamp(monday), "last_year"] == position[twin], monday
    assert frame.loc[pd.Timestamp("2026-12-28"), "last_year"] == position[IsoWeek(2025, 52)]
    assert frame.loc[pd.Timestamp("2027-01-04"), "last_year"] == position[IsoWeek(2026, 1)]


def test_keep_largest_sums_the_rest_as_ovriga_without_losing_events() -> None:
    week = pd.Timestamp("2026-03-02")
    frame = pd.DataFrame({"week": [week] * 4, "series": ["A", "B", "C", "D"], "count": [10.0, 5.0, 2.0, 1.0],
                          "rolling4": [1.0, 1.0, 1.0, 1.0], "last_year": [0.0, 0.0, 0.0, 0.0]})
    kept = trends.keep_largest(frame, 2)
    assert kept.set_index("series")["count"].to_dict() == {"A": 10.0, "B": 5.0, trends.OTHER: 3.0}
    assert kept["count"].sum() == frame["count"].sum()


def test_tertials_sum_their_four_months_and_mark_partial_ones() -> None:
    monthly = pd.DataFrame({"year": [2025] * 12, "month": list(range(1, 13)), "count": [1] * 12})
    frame = trends.by_tertial(monthly, dt.date(2025, 3, 1), dt.date(2025, 12, 31))
    assert frame["label"].tolist() == ["T1", "T2", "T3"]
    assert frame["count"].tolist() == [4, 4, 4]
    assert frame["complete"].tolist() == [False, True, True]


def test_months_get_swedish_labels() -> None:
    monthly = pd.DataFrame({"year": [2026, 2026], "month": [5, 10], "count": [3, 4]})
    assert trends.by_month(monthly)["label"].tolist() == ["maj", "okt"]


def _weekly_frame_through_pandas(counts: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """weekly_frame as it was written with a reindex and a rolling mean per series, for comparison."""
    frame = counts.assign(week=pd.to_datetime(counts["week"]))
    first = pd.Timestamp(frame["week"].min())
    last_monday = pd.Timestamp(end - dt.timedelta(days=end.weekday()))
    all_weeks = pd.date_range(min(first, last_monday), last_monday, freq="7D")
    twins = pd.DatetimeIndex([IsoWeek.of(w.date()).same_week_last_year().monday() for w in all_weeks])
    out = []
    for name, group in frame.groupby("series", sort=False):
        series = group.set_index("week")["count"].reindex(all_weeks, fill_value=0).astype(float)
        out.append(pd.DataFrame({"week": all_weeks, "series": name, "count": series.values,
                                 "rolling4": series.rolling(4, min_periods=4).mean().values,
                                 "last_year": series.reindex(twins).values}))
    result = pd.concat(out, ignore_index=True)
    first_monday = pd.Timestamp(start - dt.timedelta(days=start.weekday()))
    return result[result["week"] >= first_monday].reset_index(drop=True)[
        ["week", "series", "count", "rolling4", "last_year"]]


@pytest.mark.parametrize("seed", range(6))
def test_weekly_frame_is_the_per_series_pandas_computation(seed: int) -> None:
    """Random series with missing weeks, over 2020's week 53, from a period starting mid-week."""
    rng = np.random.default_rng(seed)
    mondays = [dt.date(2019, 6, 3) + dt.timedelta(weeks=i) for i in range(150)]
    names = ["Klotter", "Stöld", "Skadegörelse", "Övrigt"][: 1 + seed % 4]
    rows = [(m, name, int(rng.integers(0, 500))) for name in rng.permutation(names) for m in mondays
            if rng.random() > 0.15]
    counts = pd.DataFrame(rows, columns=["week", "series", "count"]).sort_values("week", kind="stable")
    start = mondays[56] + dt.timedelta(days=int(rng.integers(0, 7)))
    end = mondays[-1 - int(rng.integers(0, 10))] + dt.timedelta(days=int(rng.integers(0, 7)))
    counts = counts[counts["week"] <= end]
    pd.testing.assert_frame_equal(trends.weekly_frame(counts, start, end),
                                  _weekly_frame_through_pandas(counts, start, end))
