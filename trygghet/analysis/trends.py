"""Shaping weekly and monthly counts for the trend charts: gaps filled with zero weeks,
a trailing four-week mean, the same week a year earlier, months and tertials."""

from __future__ import annotations

import datetime as dt

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
    frame = counts.assign(week=pd.to_datetime(counts["week"]))
    first = pd.Timestamp(frame["week"].min())
    last_monday = pd.Timestamp(end - dt.timedelta(days=end.weekday()))
    all_weeks = pd.date_range(min(first, last_monday), last_monday, freq="7D")
    # The same ISO week a year earlier, as Översikt compares: after a year with a week 53, 52 weeks
    # back is one week off, and week 53 itself is compared with week 52.
    twins = pd.DatetimeIndex([IsoWeek.of(w.date()).same_week_last_year().monday() for w in all_weeks])
    out = []
    for name, group in frame.groupby("series", sort=False):
        series = group.set_index("week")["count"].reindex(all_weeks, fill_value=0).astype(float)
        shaped = pd.DataFrame(
            {
                "week": all_weeks,
                "series": name,
                "count": series.values,
                "rolling4": series.rolling(4, min_periods=4).mean().values,
                "last_year": series.reindex(twins).values,
            }
        )
        out.append(shaped)
    result = pd.concat(out, ignore_index=True)
    first_monday = pd.Timestamp(start - dt.timedelta(days=start.weekday()))
    return result[result["week"] >= first_monday].reset_index(drop=True)[columns]


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
