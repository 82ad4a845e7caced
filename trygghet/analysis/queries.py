"""Aggregating SQL for the event dashboards. Every function takes an open connection and the
filters, runs parameterised SQL and returns only aggregates, never whole tables. Counts come from
the daily counts (trygghet.store.event_counts); only what needs single events reads `events`."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from trygghet.analysis import dispersion
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.initial_lists import OPEN_STATUSES
from trygghet.core.periods import IsoWeek, Window, last_28_days, previous_weeks, week_window, year_to_date
from trygghet.store import reference_lists as lists
from trygghet.store.sql import in_list


def reference_lists(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Districts and categories in display order, and the sources that occur."""
    return {"districts": lists.districts(con), "categories": lists.categories(con), "sources": lists.sources(con)}


def district_colors(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return lists.district_colors(con)


def event_date_range(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    first, last = con.execute("SELECT min(day), max(day) FROM event_counts").fetchone()
    return first, last


def _between(window: Window) -> tuple[str, list[object]]:
    return "day >= ? AND day < ?", [window.start, window.end]


def _sum(condition: str) -> str:
    """The number of events where the condition holds, 0 when none: the counts table's count(*) FILTER."""
    return f"coalesce(sum(n) FILTER (WHERE {condition}), 0)::BIGINT"


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, float]:
    """The week, the week before, the mean of the four weeks before and the same week last year."""
    week = filters.week
    windows = {
        "week": week_window(week),
        "previous_week": week_window(week.shift(-1)),
        "previous_4": previous_weeks(week, 4),
        "last_year": week_window(week.same_week_last_year()),
    }
    conditions, params = event_conditions(filters)
    selects, select_params = [], []
    for name, window in windows.items():
        clause, values = _between(window)
        selects.append(f"{_sum(clause)} AS {name}")
        select_params.extend(values)
    low = min(w.start for w in windows.values())
    high = max(w.end for w in windows.values())
    row = con.execute(
        f"SELECT {', '.join(selects)} FROM event_counts WHERE day >= ? AND day < ? AND {conditions}",
        [*select_params, low, high, *params],
    ).fetchone()
    result = dict(zip(windows, (int(v) for v in row), strict=True))
    result["previous_4_mean"] = result["previous_4"] / 4
    return result




def compstat_windows(week: IsoWeek) -> dict[str, Window]:
    return {
        "week": week_window(week),
        "previous_4": previous_weeks(week, 4),
        "days28": last_28_days(week),
        "days28_last_year": last_28_days(week).last_year(),
        "ytd": year_to_date(week),
        "ytd_last_year": year_to_date(week).last_year(),
    }


def compstat_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "category") -> pd.DataFrame:
    """Counts per category (or district) for the CompStat table's six windows."""
    if by not in {"category", "district"}:
        raise ValueError(by)
    windows = compstat_windows(filters.week)
    conditions, params = event_conditions(filters)
    selects, select_params = [], []
    for name, window in windows.items():
        clause, values = _between(window)
        selects.append(f"{_sum(clause)} AS {name}")
        select_params.extend(values)
    low = min(w.start for w in windows.values())
    high = max(w.end for w in windows.values())
    order_table = "categories" if by == "category" else "districts"
    # Counted first and joined to the order table after: the join sees a few dozen rows, not every event.
    counts = con.execute(
        f"""
        WITH c AS (
            SELECT {by} AS name, {', '.join(selects)}
            FROM event_counts
            WHERE day >= ? AND day < ? AND {conditions}
            GROUP BY {by}
        )
        SELECT c.* FROM c LEFT JOIN {order_table} o ON o.name = c.name
        ORDER BY o.sort_order NULLS LAST, c.name
        """,
        [*select_params, low, high, *params],
    ).df()
    # Each row's own week-to-week variation, so that every table built from these counts flags alike.
    history = dispersion.series_history(con, filters, by)
    shapes = dict(zip(history["name"], history["shape"], strict=True))
    counts["shape"] = [shapes.get(name, math.inf) for name in counts["name"]]
    counts["total_shape"] = shapes.get(dispersion.TOTAL, math.inf)
    counts["ytd_weeks"] = windows["ytd"].days / 7
    return counts


def district_category_week(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per stadsdel and category: the chosen week, the four weeks before and the 52 weeks of history
    the notable changes are tested against (dispersion.cell_weeks)."""
    return dispersion.cell_weeks(con, filters)


def top_places(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 10) -> pd.DataFrame:
    window = week_window(filters.week)
    conditions, params = event_conditions(filters)
    return con.execute(
        f"""
        SELECT place AS "Plats", district AS "Stadsdel", count(*) AS "Händelser",
               string_agg(DISTINCT category, ', ' ORDER BY category) AS "Kategorier"
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND place IS NOT NULL AND {conditions}
        GROUP BY place, district
        ORDER BY count(*) DESC, place
        LIMIT ?
        """,
        [window.start, window.end, *params, limit],
    ).df()


def open_interventions(con: duckdb.DuckDBPyConnection, filters: Filters, today: dt.date) -> pd.DataFrame:
    """Open interventions in the chosen districts, overdue ones first."""
    district_sql, params = "TRUE", []
    if filters.districts:
        district_sql = f"(district IS NULL OR district IN {in_list(filters.districts)})"
        params = list(filters.districts)
    return con.execute(
        f"""
        SELECT id AS "Insats-ID", title AS "Insats", district AS "Stadsdel", owner AS "Ansvarig aktör",
               status AS "Status", start_date AS "Start", end_date AS "Slut",
               coalesce(end_date < ?, FALSE) AS "Försenad"
        FROM interventions
        WHERE status IN {in_list(OPEN_STATUSES)} AND {district_sql}
        ORDER BY "Försenad" DESC, end_date NULLS LAST, id
        """,
        [today, *OPEN_STATUSES, *params],
    ).df()


def weekly_series(
    con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None, weeks_before: int = 56
) -> pd.DataFrame:
    """Weekly counts per series (category, district or the total) from `weeks_before` weeks before the
    period: by default a year and a month, so that every week of the period has its rolling mean and
    its week last year; 0 for the period alone."""
    if by not in {None, "category", "district"}:
        raise ValueError(by)
    conditions, params = event_conditions(filters)
    start = IsoWeek.of(filters.start).monday() - dt.timedelta(weeks=weeks_before)
    series = by or "'Totalt'"
    return con.execute(
        f"""
        SELECT date_trunc('week', day)::DATE AS week, {series} AS series, sum(n)::BIGINT AS count
        FROM event_counts
        WHERE day >= ? AND day < ? AND {conditions}
        GROUP BY ALL ORDER BY week
        """,
        [start, filters.end_exclusive, *params],
    ).df()


def monthly_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    conditions, params = event_conditions(filters)
    return con.execute(
        f"""
        SELECT year(day) AS year, month(day) AS month, sum(n)::BIGINT AS count
        FROM event_counts
        WHERE day >= ? AND day < ? AND {conditions}
        GROUP BY ALL ORDER BY year, month
        """,
        [filters.start, filters.end_exclusive, *params],
    ).df()


def weekday_hour(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Events with a known time of day by ISO weekday (1 = Monday) and hour."""
    conditions, params = event_conditions(filters)
    return con.execute(
        f"""
        SELECT isodow(occurred_at) AS weekday, hour(occurred_at) AS hour, count(*) AS count
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND time_known AND {conditions}
        GROUP BY ALL
        """,
        [filters.start, filters.end_exclusive, *params],
    ).df()


def intervention_periods(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Interventions that ran during the period in the chosen districts, for the time axis."""
    district_sql, params = "TRUE", []
    if filters.districts:
        district_sql = f"district IN {in_list(filters.districts)}"
        params = list(filters.districts)
    return con.execute(
        f"""
        SELECT id, title, district, status, start_date, coalesce(end_date, ?) AS end_date
        FROM interventions
        WHERE start_date IS NOT NULL AND start_date <= ? AND coalesce(end_date, ?) >= ?
          AND status <> 'Inställd' AND {district_sql}
        ORDER BY start_date
        """,
        [filters.end, filters.end, filters.end, filters.start, *params],
    ).df()
