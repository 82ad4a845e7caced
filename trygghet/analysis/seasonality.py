"""The year's rhythm (årshjul): the weeks of the year each category usually peaks, from the whole
years in the data, and this year set against it with the interventions on the same weeks.

A whole year is an ISO year the data covers from its first Monday to its last Sunday. For each
whole year a category's weekly counts are divided by that year's mean week, so that a busier year
weighs no more than a calmer one, and smoothed over three weeks (a peak a week early or late is the
same peak). A week "usually peaks" when the mean of those indices over the years is at least
PEAK_INDEX (a quarter above an ordinary week) and the week is above the mean in every single year.
At least MIN_YEARS whole years are needed; with fewer, nothing is called usual. ISO week 53, which
only some years have, is left out of the rhythm. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek

MIN_YEARS = 2
PEAK_INDEX = 1.25
WEEKS = 52
RULE = (
    "En vecka räknas som en vanlig topp när den i snitt över de hela åren ligger minst 25 % över årets "
    "genomsnittliga vecka och ligger över genomsnittet varje enskilt år (utjämnat över tre veckor). Minst "
    f"{MIN_YEARS} hela år behövs."
)


def whole_years(first_day: dt.date | None, last_day: dt.date | None, before: int) -> list[int]:
    """ISO years before `before` that the data covers from the first Monday to the last Sunday."""
    if first_day is None or last_day is None:
        return []
    years = []
    for year in range(first_day.year, before):
        first_monday = dt.date.fromisocalendar(year, 1, 1)
        last_sunday = dt.date.fromisocalendar(year + 1, 1, 1) - dt.timedelta(days=1)
        if first_day <= first_monday and last_day >= last_sunday:
            years.append(year)
    return years


def weekly_counts(con: duckdb.DuckDBPyConnection, filters: Filters, this_year: int) -> pd.DataFrame:
    """category, year, week (1–52) and count for the whole years before `this_year` and this year so far.
    Districts and sources follow the filters; all categories are counted, for the table of every category."""
    first_day, last_day = con.execute("SELECT min(day), max(day) FROM event_counts").fetchone()
    years = [*whole_years(first_day, last_day, this_year), this_year]
    conditions, params = event_conditions(replace(filters, categories=()))
    start = dt.date.fromisocalendar(years[0], 1, 1)
    end = dt.date.fromisocalendar(this_year + 1, 1, 1)
    frame = con.execute(
        f"""
        SELECT category, isoyear(day) AS year, week(day) AS week, sum(n)::BIGINT AS count
        FROM event_counts
        WHERE day >= ? AND day < ? AND week(day) <= {WEEKS} AND {conditions}
        GROUP BY ALL
        """,
        [start, end, *params],
    ).df()
    return frame[frame["year"].isin(years)].reset_index(drop=True)


def _smooth(matrix: np.ndarray) -> np.ndarray:
    """Three-week mean around each week, round the year's turn (week 52 sits beside week 1)."""
    return (np.roll(matrix, 1, axis=-1) + matrix + np.roll(matrix, -1, axis=-1)) / 3


def _matrix(frame: pd.DataFrame, years: list[int]) -> np.ndarray:
    grid = np.zeros((len(years), WEEKS))
    if frame.empty:
        return grid
    # Summed in one step, not row by row: a district click builds this for every category.
    known, wanted = np.asarray(years, dtype=np.int64), frame["year"].to_numpy(dtype=np.int64)
    row = np.searchsorted(known, wanted)
    if (row >= len(known)).any() or (known[np.minimum(row, len(known) - 1)] != wanted).any():
        raise ValueError(f"Åren i tabellen finns inte bland {years}.")
    np.add.at(grid, (row, frame["week"].to_numpy(dtype=np.int64) - 1), frame["count"].to_numpy(dtype=float))
    return grid


def peak_weeks(frame: pd.DataFrame, years: list[int]) -> list[int]:
    """The weeks (1–52) that usually peak for one category's counts in the given whole years."""
    if len(years) < MIN_YEARS:
        return []
    grid = _matrix(frame[frame["year"].isin(years)], years)
    means = grid.mean(axis=1, keepdims=True)
    if (means <= 0).any():
        return []  # a year without any event says nothing about its rhythm
    index = _smooth(grid / means)
    usual = (index.mean(axis=0) >= PEAK_INDEX) & (index > 1).all(axis=0)
    return [w + 1 for w in np.flatnonzero(usual)]


def week_ranges(weeks: list[int]) -> str:
    """'v. 5–7, 24–31' for [5, 6, 7, 24, …, 31]; '–' for none."""
    if not weeks:
        return "–"
    runs: list[list[int]] = [[weeks[0], weeks[0]]]
    for w in weeks[1:]:
        if w == runs[-1][1] + 1:
            runs[-1][1] = w
        else:
            runs.append([w, w])
    return "v. " + ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def rhythm_table(counts: pd.DataFrame, this_year: int) -> pd.DataFrame:
    """Per category: the whole years used and the weeks that usually peak (Swedish headings)."""
    years = sorted(int(y) for y in counts["year"].unique() if int(y) != this_year)
    records = []
    for category, rows in counts.groupby("category", sort=True):
        if rows[rows["year"] != this_year]["count"].sum() == 0:
            continue
        records.append((category, len(years), week_ranges(peak_weeks(rows, years))))
    return pd.DataFrame.from_records(records, columns=["Kategori", "Hela år", "Brukar toppa"])


def year_profile(counts: pd.DataFrame, category: str | None, this_year: int) -> pd.DataFrame:
    """week (1–52), usual (the mean count of the week over the whole years, NaN without any), this_year
    (NaN for weeks not yet in the data) and peak (bool). category None: all categories together."""
    rows = counts if category is None else counts[counts["category"] == category]
    years = sorted(int(y) for y in counts["year"].unique() if int(y) != this_year)
    past = _matrix(rows[rows["year"] != this_year], years) if years else np.zeros((0, WEEKS))
    now = rows[rows["year"] == this_year].groupby("week")["count"].sum()
    peaks = set(peak_weeks(rows, years))
    return pd.DataFrame({
        "week": range(1, WEEKS + 1),
        "usual": past.mean(axis=0) if len(years) else np.nan,
        "this_year": [float(now[w]) if w in now.index else np.nan for w in range(1, WEEKS + 1)],
        "peak": [w in peaks for w in range(1, WEEKS + 1)],
    })


def interventions_in_year(con: duckdb.DuckDBPyConnection, filters: Filters, year: int,
                          category: str | None) -> pd.DataFrame:
    """Interventions (not cancelled) that run some time in the ISO year in the chosen districts, with the
    ISO weeks they cover that year; with a category, only those whose priority area follows it (or that
    have no indicators at all). Columns: title, district, status, first_week, last_week."""
    start = dt.date.fromisocalendar(year, 1, 1)
    end = dt.date.fromisocalendar(year + 1, 1, 1) - dt.timedelta(days=1)
    district_sql, params = "TRUE", []
    if filters.districts:
        district_sql = "(i.district IS NULL OR list_contains(?::VARCHAR[], i.district))"
        params = [list(filters.districts)]
    category_sql, category_params = "TRUE", []
    if category is not None:
        category_sql = "(p.indicator_categories IS NULL OR len(p.indicator_categories) = 0 " \
                       "OR list_contains(p.indicator_categories, ?))"
        category_params = [category]
    rows = con.execute(
        f"""
        SELECT i.title, i.district, i.status, greatest(i.start_date, ?) AS first_day,
               least(coalesce(i.end_date, ?), ?) AS last_day
        FROM interventions i LEFT JOIN priority_areas p ON p.name = i.priority_area
        WHERE i.start_date IS NOT NULL AND i.start_date <= ? AND coalesce(i.end_date, ?) >= ?
          AND i.status <> 'Inställd' AND {district_sql} AND {category_sql}
        ORDER BY i.start_date, i.title
        """,
        [start, end, end, end, end, start, *params, *category_params],
    ).fetchall()
    records = [(title, district, status, min(IsoWeek.of(first).week, WEEKS), min(IsoWeek.of(last).week, WEEKS))
               for title, district, status, first, last in rows]
    return pd.DataFrame.from_records(records, columns=["title", "district", "status", "first_week", "last_week"])
