"""Shaping weekly and monthly counts for the trend charts: gaps filled with zero weeks,
a trailing four-week mean, the same week a year earlier, months and tertials."""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from trygghet.core.periods import MONTHS_SHORT_SV, IsoWeek, tertial_window

OTHER = "Övriga"


def weekly_frame(counts: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per series and ISO week in [start, end]: count, rolling4 and last_year.

    `counts` has columns week (a Monday), series and count, and should reach 56 weeks
    back from `start` so that the first weeks have their rolling mean and last year.
    Weeks without events are real zeros, not gaps.
    """
    columns = ["week", "series", "count", "rolling4", "last_year"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    # A series × week grid in numpy: a pandas reindex and rolling per series cost ~30 ms a district
    # click by category, for a few hundred numbers.
    weeks_in = pd.to_datetime(counts["week"])
    last_monday = pd.Timestamp(end - dt.timedelta(days=end.weekday()))
    all_weeks = pd.date_range(min(pd.Timestamp(weeks_in.min()), last_monday), last_monday, freq="7D")
    codes, names = pd.factorize(counts["series"])  # in order of first appearance, as groupby(sort=False)
    position = all_weeks.get_indexer(weeks_in)
    inside = (position >= 0) & (codes >= 0)  # a missing series name is left out, as groupby does
    grid = np.zeros((len(names), len(all_weeks)))
    grid[codes[inside], position[inside]] = counts["count"].to_numpy(dtype=float)[inside]
    # Whole counts: the sum of four is exact in any order, so this is pandas' rolling(4).mean() to the bit.
    rolling = np.full_like(grid, np.nan)
    if len(all_weeks) >= 4:
        rolling[:, 3:] = (grid[:, :-3] + grid[:, 1:-2] + grid[:, 2:-1] + grid[:, 3:]) / 4
    # The same ISO week a year earlier, as Översikt compares: after a year with a week 53, 52 weeks
    # back is one week off, and week 53 itself is compared with week 52.
    twins = all_weeks.get_indexer(pd.DatetimeIndex([twin_monday(w.date()) for w in all_weeks]))
    last_year = np.where(twins >= 0, grid[:, np.maximum(twins, 0)], np.nan)
    first_monday = pd.Timestamp(start - dt.timedelta(days=start.weekday()))
    keep = np.asarray(all_weeks >= first_monday)
    shown = int(keep.sum())
    return pd.DataFrame({
        "week": np.tile(all_weeks[keep], len(names)),
        "series": pd.Series(names).repeat(shown).to_numpy(),
        "count": grid[:, keep].ravel(),
        "rolling4": rolling[:, keep].ravel(),
        "last_year": last_year[:, keep].ravel(),
    })[columns]


@functools.lru_cache(maxsize=4096)
def twin_monday(monday: dt.date) -> dt.date:
    """The Monday of the same ISO week a year earlier (week 53 falls on week 52)."""
    return IsoWeek.of(monday).same_week_last_year().monday()


def keep_largest(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n largest series by total count; the rest summed as 'Övriga' so no event drops out."""
    totals = frame.groupby("series")["count"].sum().sort_values(ascending=False)
    if len(totals) <= n:
        return frame
    keep = set(totals.index[:n])
    kept = frame[frame["series"].isin(keep)]
    rest = (
        frame[~frame["series"].isin(keep)]
        .groupby("week", as_index=False)[["count", "rolling4", "last_year"]]
        .sum(min_count=1)
        .assign(series=OTHER)
    )
    return pd.concat([kept, rest[kept.columns]], ignore_index=True)


def by_month(monthly: pd.DataFrame) -> pd.DataFrame:
    """Year × month counts with Swedish month labels, for a year-over-year bar chart."""
    frame = monthly.copy()
    frame["label"] = frame["month"].map(lambda m: MONTHS_SHORT_SV[int(m) - 1])
    frame["year"] = frame["year"].astype(int).astype(str)
    return frame[["year", "month", "label", "count"]]


def by_tertial(monthly: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Year × tertial (jan–apr, maj–aug, sep–dec) counts, marking tertials that the period
    covers only in part, since their counts are not comparable with whole ones."""
    frame = monthly.copy()
    frame["tertial"] = (frame["month"].astype(int) - 1) // 4 + 1
    grouped = frame.groupby(["year", "tertial"], as_index=False)["count"].sum()
    window = [tertial_window(int(y), int(t)) for y, t in zip(grouped["year"], grouped["tertial"], strict=True)]
    grouped["complete"] = [w.start >= start and w.end <= end + dt.timedelta(days=1) for w in window]
    grouped["label"] = grouped["tertial"].map(lambda t: f"T{t}")
    grouped["year"] = grouped["year"].astype(int).astype(str)
    return grouped[["year", "tertial", "label", "count", "complete"]]
