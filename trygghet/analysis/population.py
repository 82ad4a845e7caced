"""Population and the context the lägesbild sets the events in: inhabitants per stadsdel and year,
rates per 1 000 invånare, reference statistics (Brå's anmälda brott per 100 000 invånare for the
municipality, the county and Sweden; NTU), context indicators and survey results by sex and age.

A period is measured against the population of its own year, or of the latest year before it when
that year is not uploaded yet: never a later year's. No Streamlit here.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from trygghet.store.schema import table_names
from trygghet.store.sql import in_list

PER = 1000  # rates per 1 000 invånare
WHOLE = "Hela kommunen"  # a context indicator for the municipality as a whole
LEVELS = ("kommun", "län", "riket")
GROUPINGS = ("Kön", "Ålder")


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return table in table_names(con)


def population(con: duckdb.DuckDBPyConnection, year: int, districts: tuple[str, ...] = ()) -> dict[str, int]:
    """Inhabitants per district in `year`, or in the latest year before it that has a figure."""
    if not _has(con, "population"):
        return {}
    district_sql, params = "TRUE", []
    if districts:
        district_sql, params = f"district IN {in_list(districts)}", list(districts)
    rows = con.execute(
        f"""SELECT district, arg_max(population, year) FROM population
            WHERE year <= ? AND {district_sql} GROUP BY district""",
        [year, *params],
    ).fetchall()
    return {d: int(n) for d, n in rows}


def population_years(con: duckdb.DuckDBPyConnection, year: int) -> tuple[int | None, int | None]:
    """The earliest and latest year of the figures population(con, year) uses."""
    if not _has(con, "population"):
        return None, None
    row = con.execute(
        """SELECT min(y), max(y) FROM (SELECT district, max(year) AS y FROM population WHERE year <= ?
                                        GROUP BY district)""", [year]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def rate(count: float | int | None, inhabitants: float | int | None) -> float | None:
    """Events per 1 000 invånare; None without a population."""
    if count is None or not inhabitants:
        return None
    return float(count) / float(inhabitants) * PER


def with_rates(frame: pd.DataFrame, now: dict[str, int], before: dict[str, int]) -> pd.DataFrame:
    """A frame of districts (name, count, previous) with their population and rates per 1 000 now
    and in the comparison period (each against its own year's population)."""
    out = frame.copy()
    out["population"] = [now.get(n) for n in out["name"]]
    out["rate"] = [rate(c, now.get(n)) for n, c in zip(out["name"], out["count"], strict=True)]
    out["rate_previous"] = [rate(p, before.get(n)) for n, p in zip(out["name"], out["previous"], strict=True)]
    return out


def reference_statistics(con: duckdb.DuckDBPyConnection, until_year: int, years: int = 3) -> pd.DataFrame:
    """The uploaded reference statistics of the last `years` years up to `until_year`: source,
    measure, area, level, year, value, unit. Ordered by source, measure, level (kommun, län, riket)
    and year."""
    columns = ["source", "measure", "area", "level", "year", "value", "unit"]
    if not _has(con, "reference_statistics"):
        return pd.DataFrame(columns=columns)
    return con.execute(
        f"""SELECT {', '.join(columns)} FROM reference_statistics WHERE year <= ? AND year > ?
            ORDER BY source, measure, CASE level WHEN 'kommun' THEN 0 WHEN 'län' THEN 1 ELSE 2 END, area, year""",
        [until_year, until_year - years],
    ).df()


def context_indicators(con: duckdb.DuckDBPyConnection, until_year: int, districts: tuple[str, ...] = ()
                       ) -> pd.DataFrame:
    """Each context indicator's latest value up to `until_year` per district (and for the whole
    municipality), with the value of the year before it when there is one."""
    columns = ["indicator", "district", "year", "value", "unit", "source", "previous_year", "previous"]
    if not _has(con, "context_indicators"):
        return pd.DataFrame(columns=columns)
    district_sql, params = "TRUE", []
    if districts:
        district_sql, params = f"(district IN {in_list(districts)} OR district = ?)", [*districts, WHOLE]
    return con.execute(
        f"""
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY indicator, district ORDER BY year DESC) AS r
            FROM context_indicators WHERE year <= ? AND {district_sql}
        )
        SELECT a.indicator, a.district, a.year, a.value, a.unit, a.source, b.year AS previous_year,
               b.value AS previous
        FROM ranked a LEFT JOIN ranked b ON b.indicator = a.indicator AND b.district = a.district AND b.r = 2
        LEFT JOIN districts d ON d.name = a.district
        WHERE a.r = 1
        ORDER BY a.indicator, a.district <> ?, d.sort_order NULLS LAST, a.district
        """,
        [until_year, *params, WHOLE],
    ).df()


def survey_groups(con: duckdb.DuckDBPyConnection, periods: list[str], districts: tuple[str, ...] = ()
                  ) -> pd.DataFrame:
    """Survey results by sex and age for the given survey periods, averaged over the districts
    (weighted by respondents where every row has them): period, indicator, grouping, group_name, value."""
    columns = ["period", "indicator", "grouping", "group_name", "value", "respondents"]
    if not _has(con, "survey_groups") or not periods:
        return pd.DataFrame(columns=columns)
    district_sql, params = "TRUE", []
    if districts:
        district_sql, params = f"district IN {in_list(districts)}", list(districts)
    return con.execute(
        f"""
        SELECT period, indicator, grouping, group_name,
               CASE WHEN count(respondents) = count(*) AND sum(respondents) > 0
                    THEN sum(value * respondents) / sum(respondents) ELSE avg(value) END AS value,
               sum(respondents) AS respondents
        FROM survey_groups WHERE period IN {in_list(periods)} AND {district_sql}
        GROUP BY ALL ORDER BY indicator, grouping, group_name, period
        """,
        [*periods, *params],
    ).df()
