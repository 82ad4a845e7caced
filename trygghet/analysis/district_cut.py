"""Översikt's queries asked once for every district and cut to the sidebar's choice in pandas.

A click on a stadsdel pill changes only the districts. Each query here leaves the districts out of
its WHERE clause and keeps them as a column instead, so that its cached result (cache key: the filters
without the districts) serves every choice; `chosen`/`*_for` cut and add up the rows of the chosen
districts, which takes a millisecond or two where a new query took 5–10 ms each. Every cut equals what
the corresponding query in trygghet.analysis.queries or .dispersion returns for that choice: counts add
up over districts, and the weekly histories are summed per week before their moments are taken, so
the dispersion of a set of districts is estimated from that set's own weekly series as before.
Events without a district count only when no district is chosen, as in SQL (`district IN (...)`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import dispersion, queries
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek, Window, previous_weeks, week_window


def _rows(frame: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """The rows of the chosen districts; every row (districtless ones too) when none are chosen."""
    if not districts:
        return frame
    return frame[frame["district"].isin(list(districts))]


# ---------------------------------------------------------------- key figures


def key_figures_by_district(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """queries.key_figures' four windows per district (NULL: events without one), for every district."""
    week = filters.week
    windows = {
        "week": week_window(week),
        "previous_week": week_window(week.shift(-1)),
        "previous_4": previous_weeks(week, 4),
        "last_year": week_window(week.same_week_last_year()),
    }
    conditions, params = event_conditions(filters, districts=False)
    selects, select_params, low, high = _window_sums(windows)
    return con.execute(
        f"""
        SELECT district, {', '.join(selects)} FROM event_counts
        WHERE day >= ? AND day < ? AND {conditions}
        GROUP BY district
        """,
        [*select_params, low, high, *params],
    ).df()


def key_figures_for(frame: pd.DataFrame, districts: Sequence[str]) -> dict[str, float]:
    """queries.key_figures for `districts` from key_figures_by_district's rows."""
    rows = _rows(frame, districts)
    result: dict[str, float] = {name: int(rows[name].sum()) for name in
                                ("week", "previous_week", "previous_4", "last_year")}
    result["previous_4_mean"] = result["previous_4"] / 4
    return result


# ---------------------------------------------------------------- CompStat and the notable cells


@dataclass(frozen=True)
class CompstatCells:
    """For every district, as plain arrays coded once per data version: the CompStat windows' counts
    per district × category (`counts`, one column per window of queries.compstat_windows), and the
    weekly counts per district × category of the 52 weeks before the week and the week itself
    (`weekly_*`, weeks numbered from dispersion.history_start: the week is number 52). `districts` and
    `categories` name the codes (None: events without a district; categories in display order);
    `history_from` numbers the first whole week of data in the history, `history_weeks` its length."""

    week: IsoWeek
    districts: tuple[str | None, ...]
    categories: tuple[str, ...]
    counts_district: np.ndarray
    counts_category: np.ndarray
    counts: np.ndarray
    weekly_district: np.ndarray
    weekly_category: np.ndarray
    weekly_week: np.ndarray
    weekly_n: np.ndarray
    history_from: int
    history_weeks: int

    def _mask(self, codes: np.ndarray, districts: Sequence[str]) -> np.ndarray | slice:
        if not districts:
            return slice(None)
        chosen = [i for i, name in enumerate(self.districts) if name is not None and name in districts]
        return np.isin(codes, chosen)

    def category_counts(self, districts: Sequence[str]) -> pd.DataFrame:
        """queries.compstat_counts(…, "category") for `districts`."""
        mask = self._mask(self.counts_district, districts)
        category, counts = self.counts_category[mask], self.counts[mask]
        n_categories = len(self.categories)
        present = np.bincount(category, minlength=n_categories) > 0
        names = list(queries.compstat_windows(self.week))
        frame = pd.DataFrame({"name": _text([c for c, p in zip(self.categories, present, strict=True) if p])})
        for i, name in enumerate(names):
            sums = np.bincount(category, weights=counts[:, i], minlength=n_categories)
            frame[name] = sums[present].round().astype(np.int64)
        shapes = self._category_shapes(districts)
        frame["shape"] = [shapes.get(name, math.inf) for name in frame["name"]]
        frame["total_shape"] = shapes.get(dispersion.TOTAL, math.inf)
        frame["ytd_weeks"] = queries.compstat_windows(self.week)["ytd"].days / 7
        return frame

    def _category_shapes(self, districts: Sequence[str]) -> dict[str, float]:
        """dispersion.series_history(…, "category") as {name: shape}: each category's weekly counts in
        the chosen districts added up per week, then their moments."""
        mask = self._mask(self.weekly_district, districts)
        week, category, n = self.weekly_week[mask], self.weekly_category[mask], self.weekly_n[mask]
        history = (week >= self.history_from) & (week < HISTORY_WEEK)
        week, category, n = week[history], category[history], n[history]
        if not len(n):
            return {}
        n_categories = len(self.categories)
        grid = np.bincount(category * HISTORY_WEEK + week, weights=n, minlength=n_categories * HISTORY_WEEK)
        grid = grid.reshape(n_categories, HISTORY_WEEK)
        present = np.flatnonzero(np.bincount(category, minlength=n_categories) > 0)
        rows = grid[present]
        weeks = np.full(len(present), float(self.history_weeks))
        result = dict(zip((self.categories[i] for i in present),
                          (float(s) for s in dispersion.shapes(weeks, rows.sum(axis=1), (rows * rows).sum(axis=1))),
                          strict=True))
        total = grid.sum(axis=0)
        result[dispersion.TOTAL] = float(dispersion.shapes(weeks[:1], np.array([total.sum()]),
                                                           np.array([(total * total).sum()]))[0])
        return result

    def cells(self, districts: Sequence[str]) -> pd.DataFrame:
        """dispersion.cell_weeks for `districts`: per stadsdel and category the week, the four weeks
        before and the 52 weeks of history, with the shape pooled over the chosen cells."""
        mask = self._mask(self.weekly_district, districts)
        week, n = self.weekly_week[mask], self.weekly_n[mask]
        n_categories = len(self.categories)
        key = self.weekly_district[mask] * n_categories + self.weekly_category[mask]
        size = len(self.districts) * n_categories
        history = (week >= self.history_from) & (week < HISTORY_WEEK)
        present = np.flatnonzero(np.bincount(key, minlength=size) > 0)

        def total(where: np.ndarray, values: np.ndarray = n) -> np.ndarray:
            return np.bincount(key[where], weights=values[where], minlength=size)[present].round().astype(np.int64)

        frame = pd.DataFrame({
            "district": _text([self.districts[i // n_categories] for i in present]),
            "category": _text([self.categories[i % n_categories] for i in present]),
            "week": total(week == HISTORY_WEEK),
            "previous_4": total((week >= HISTORY_WEEK - 4) & (week < HISTORY_WEEK)),
            "hist_weeks": np.full(len(present), self.history_weeks, dtype=np.int64),
            "hist_sum": total(history),
            "hist_sumsq": total(history, n * n),
        })
        frame["shape"] = (dispersion.shapes(frame["hist_weeks"], frame["hist_sum"], frame["hist_sumsq"])
                          if len(frame) else [])
        return frame


def _text(values: list[str | None]) -> pd.Series:
    """A column of names typed as DuckDB's result types it: text, or object when there are none."""
    return pd.Series(values, dtype=object) if not values else pd.Series(values)


# The week's number among CompstatCells' weeks: the 52 weeks of history come before it.
HISTORY_WEEK = dispersion.HISTORY_WEEKS


def _codes(values: pd.Series) -> tuple[np.ndarray, list[object]]:
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), [None if pd.isna(u) else u for u in uniques]


def _window_sums(windows: dict[str, Window]) -> tuple[list[str], list[object], dt.date, dt.date]:
    """One sum of `n` per window, its parameters, and the span that holds every window."""
    selects: list[str] = []
    params: list[object] = []
    for name, window in windows.items():
        selects.append(f"{queries._sum('day >= ? AND day < ?')} AS {name}")
        params.extend([window.start, window.end])
    return selects, params, min(w.start for w in windows.values()), max(w.end for w in windows.values())


def compstat_cells(con: duckdb.DuckDBPyConnection, filters: Filters) -> CompstatCells:
    """CompstatCells for the filters' week, categories and sources, every district."""
    week = filters.week
    windows = queries.compstat_windows(week)
    conditions, params = event_conditions(filters, districts=False)
    selects, select_params, low, high = _window_sums(windows)
    counts = con.execute(
        f"""
        WITH c AS (
            SELECT district, category AS name, {', '.join(selects)}
            FROM event_counts
            WHERE day >= ? AND day < ? AND {conditions}
            GROUP BY district, category
        )
        SELECT c.* FROM c LEFT JOIN categories o ON o.name = c.name
        ORDER BY o.sort_order NULLS LAST, c.name, c.district NULLS LAST
        """,
        [*select_params, low, high, *params],
    ).df()
    start = dispersion.history_start(week)
    weekly = con.execute(
        f"""
        SELECT district, category, (datediff('day', ?::DATE, day) // 7)::BIGINT AS wk, sum(n)::BIGINT AS n
        FROM event_counts
        WHERE day >= ? AND day < ? AND {conditions}
        GROUP BY ALL
        """,
        [start, start, week.end_exclusive(), *params],
    ).df()
    first, weeks = con.execute(
        f"WITH bounds AS ({dispersion._bounds_sql()}) "
        "SELECT start, greatest(0, datediff('week', start, ?::DATE))::BIGINT FROM bounds",
        [start, week.monday()],
    ).fetchone()
    # Coded together, the counts' categories first: their codes follow the display order.
    category, categories = _codes(pd.concat([counts["name"], weekly["category"]], ignore_index=True))
    district, districts = _codes(pd.concat([counts["district"], weekly["district"]], ignore_index=True))
    split = len(counts)
    return CompstatCells(
        week=week, districts=tuple(districts), categories=tuple(categories),  # type: ignore[arg-type]
        counts_district=district[:split], counts_category=category[:split],
        counts=counts[list(windows)].to_numpy(dtype=np.int64),
        weekly_district=district[split:], weekly_category=category[split:],
        weekly_week=weekly["wk"].to_numpy(dtype=np.int64), weekly_n=weekly["n"].to_numpy(dtype=np.int64),
        history_from=max(0, (first - start).days // 7) if first is not None else 0,
        history_weeks=int(weeks),
    )


# ---------------------------------------------------------------- places, weeks, interventions


def places_by_district(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """queries.top_places' rows for every district and no limit: each place × district of the week."""
    window = week_window(filters.week)
    conditions, params = event_conditions(filters, districts=False)
    return con.execute(
        f"""
        SELECT place AS "Plats", district AS "Stadsdel", count(*) AS "Händelser",
               string_agg(DISTINCT category, ', ' ORDER BY category) AS "Kategorier"
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND place IS NOT NULL AND {conditions}
        GROUP BY place, district
        ORDER BY count(*) DESC, place, district
        """,
        [window.start, window.end, *params],
    ).df()


def top_places_for(frame: pd.DataFrame, districts: Sequence[str], limit: int = 10) -> pd.DataFrame:
    """queries.top_places for `districts`: the rows come ordered by count, place and district, so the
    first `limit` of the chosen ones are theirs."""
    rows = frame[frame["Stadsdel"].isin(list(districts))] if districts else frame
    return rows.head(limit).reset_index(drop=True)


def weekly_by_district(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """queries.weekly_series(filters, None, 0) per district: week, district, count."""
    conditions, params = event_conditions(filters, districts=False)
    return con.execute(
        f"""
        SELECT date_trunc('week', day)::DATE AS week, district, sum(n)::BIGINT AS count
        FROM event_counts
        WHERE day >= ? AND day < ? AND {conditions}
        GROUP BY ALL ORDER BY week
        """,
        [IsoWeek.of(filters.start).monday(), filters.end_exclusive, *params],
    ).df()


def weekly_total_for(frame: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """queries.weekly_series(…, None, 0) for `districts`: week, series ('Totalt'), count."""
    rows = _rows(frame, districts)
    total = rows.groupby("week", sort=True)["count"].sum().astype(np.int64).reset_index()
    total.insert(1, "series", "Totalt")
    return total


def open_interventions_all(con: duckdb.DuckDBPyConnection, today: dt.date) -> pd.DataFrame:
    """queries.open_interventions for every district."""
    return queries.open_interventions(con, Filters(IsoWeek.of(today), today, today), today)


def open_interventions_for(frame: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """queries.open_interventions for `districts`: theirs and those of no district, in the same order."""
    if not districts:
        return frame
    district = frame["Stadsdel"]
    return frame[district.isna() | district.isin(list(districts))].reset_index(drop=True)


def every_district(filters: Filters) -> Filters:
    """The filters these queries are cached under: the same, with no district chosen."""
    return replace(filters, districts=())
