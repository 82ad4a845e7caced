"""The safety survey (trygghetsmätning): indicators per district and period, against the municipality.

Periods are stored as the importer writes them: '2025', '2025-Q3' (quarter) or '2025-T2' (tertial).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from trygghet.core.formatting import MINUS, MISSING, fmt_dec, is_missing
from trygghet.store.sql import in_list

AVERAGE_LABEL = "Kommunen (snitt)"
_PERIOD = re.compile(r"^(\d{4})(?:-([QT])([1-4]))?$")
_PARTS = {"Q": 4, "T": 3}
_NAMES = {"Q": "kv.", "T": "tertial"}
Z_95 = 1.96


def _parts(period: str) -> tuple[int, str | None, int | None] | None:
    m = _PERIOD.match(period.strip().upper())
    if not m:
        return None
    return int(m.group(1)), m.group(2), int(m.group(3)) if m.group(3) else None


def fmt_points(value: float | None) -> str:
    """A difference in percentage points with one decimal: 3.14 -> '+3,1', -0.04 -> '±0,0'."""
    if is_missing(value):
        return MISSING
    text = fmt_dec(abs(value), 1)
    if text == fmt_dec(0, 1):
        return f"±{text}"
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def period_position(period: str) -> float | None:
    """The period's midpoint in years (2025 -> 2025.5, 2025-Q3 -> 2025.625), to space a time axis honestly."""
    parts = _parts(period)
    if parts is None:
        return None
    year, kind, number = parts
    if kind is None or number is None:
        return year + 0.5
    return year + (number - 0.5) / _PARTS[kind]


def period_label(period: str) -> str:
    """'2025' -> '2025', '2025-Q3' -> '2025 kv. 3', '2025-T2' -> '2025 tertial 2'; anything else as written."""
    parts = _parts(period)
    if parts is None:
        return period
    year, kind, number = parts
    return str(year) if kind is None else f"{year} {_NAMES[kind]} {number}"


def period_sort_key(period: str) -> tuple[int, float, str]:
    """Chronological; periods that cannot be read go last, alphabetically."""
    position = period_position(period)
    return (0, position, period) if position is not None else (1, 0.0, period)


def sorted_periods(periods: Sequence[str]) -> list[str]:
    return sorted(set(periods), key=period_sort_key)


def indicators(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The indicators in the order they were first loaded, which is the order of the municipality's sheet."""
    rows = con.execute(
        "SELECT indicator FROM survey_results GROUP BY indicator ORDER BY min(rowid), indicator"
    ).fetchall()
    return [r[0] for r in rows]


def survey_series(con: duckdb.DuckDBPyConnection, indicator: str, districts: Sequence[str]) -> pd.DataFrame:
    """One indicator per district and period; empty `districts` means all.

    Columns: period, district, value, respondents, color, sort_order, label, position, order.
    """
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"s.district IN {in_list(districts)}"
        params = list(districts)
    frame = con.execute(
        f"""
        SELECT s.period, s.district, s.value, s.respondents,
               coalesce(d.color, '#777777') AS color, d.sort_order
        FROM survey_results s LEFT JOIN districts d ON d.name = s.district
        WHERE s.indicator = ? AND {district_sql}
        ORDER BY d.sort_order NULLS LAST, s.district, s.period
        """,
        [indicator, *params],
    ).df()
    return _with_periods(frame)


def municipality_average(con: duckdb.DuckDBPyConnection, indicator: str) -> pd.DataFrame:
    """The municipality's value per period over all districts.

    Weighted by respondents when every district of the period has a respondent count; otherwise
    (a weighted mean over only some districts would not be the municipality's) the plain mean.
    Columns: period, value, weighted, districts, respondents, label, position, order.
    """
    frame = con.execute(
        """
        SELECT period,
               CASE WHEN bool_and(coalesce(respondents, 0) > 0)
                    THEN sum(value * respondents) / sum(respondents)
                    ELSE avg(value) END AS value,
               bool_and(coalesce(respondents, 0) > 0) AS weighted,
               count(*) AS districts,
               sum(respondents) AS respondents
        FROM survey_results
        WHERE indicator = ?
        GROUP BY period
        """,
        [indicator],
    ).df()
    return _with_periods(frame)


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    order = {p: i for i, p in enumerate(sorted_periods(frame["period"].tolist()))}
    frame = frame.assign(
        label=frame["period"].map(period_label),
        position=frame["period"].map(period_position),
        order=frame["period"].map(order),
    )
    return frame.sort_values(["order", *(["sort_order"] if "sort_order" in frame else [])],
                             kind="stable").reset_index(drop=True)


def differences(series: pd.DataFrame, average: pd.DataFrame) -> pd.DataFrame:
    """Each district's difference to the municipality (percentage points), and whether it is clear.

    `series` must hold every district (the average is over all of them). A difference is 'clear'
    when it exceeds 1.96 standard errors of (district − average), the average's own sampling error
    and the district's share in it included; without respondent counts nothing is called clear.
    Columns: period, district, value, average, difference, clear.
    """
    merged = series.merge(average[["period", "value", "weighted"]].rename(columns={"value": "average"}),
                          on="period", how="left")
    merged["difference"] = merged["value"] - merged["average"]
    merged["clear"] = False
    for _period, rows in merged.groupby("period"):
        n = rows["respondents"].astype(float)
        if n.isna().any() or (n <= 0).any() or len(rows) < 2:
            continue
        p = (rows["value"].astype(float) / 100).clip(0.0, 1.0)
        variance = p * (1 - p) / n
        weights = n / n.sum() if bool(rows["weighted"].iloc[0]) else pd.Series(1 / len(rows), index=rows.index)
        total = float((weights**2 * variance).sum())
        for index in rows.index:
            w, v = float(weights[index]), float(variance[index])
            # d = (1 − w_d)·p_d − Σ_{i≠d} w_i·p_i, the districts being independent samples.
            se = math.sqrt(max((1 - w) ** 2 * v + total - w**2 * v, 0.0)) * 100
            merged.loc[index, "clear"] = bool(se > 0 and abs(merged.loc[index, "difference"]) > Z_95 * se)
    return merged[["period", "district", "value", "average", "difference", "clear"]]


def district_differences(con: duckdb.DuckDBPyConnection, indicator: str) -> pd.DataFrame:
    """differences() of every district for `indicator`: asked as a query of its own, so that it is worked
    out once per data version rather than on every click (it does not depend on the districts chosen)."""
    return differences(survey_series(con, indicator, ()), municipality_average(con, indicator))


def difference_table(diffs: pd.DataFrame, average: pd.DataFrame, districts: Sequence[str]) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """A district × period table: the value and the difference to the average for each period,
    with the municipality's row last. Returns the table and, for the difference cells, 'över'/'under'
    where the difference is clear (else '')."""
    periods = sorted_periods(average["period"].tolist())
    rows, flag_rows = [], []
    lookup = {(r.district, r.period): r for r in diffs.itertuples(index=False)}
    for district in districts:
        row: dict[str, object] = {"Stadsdel": district}
        flags: dict[str, str] = {"Stadsdel": ""}
        for period in periods:
            label = period_label(period)
            hit = lookup.get((district, period))
            row[label] = hit.value if hit else np.nan
            row[f"{label} mot snitt"] = hit.difference if hit else np.nan
            flags[label] = ""
            flags[f"{label} mot snitt"] = ("över" if hit.difference > 0 else "under") if hit and hit.clear else ""
        rows.append(row)
        flag_rows.append(flags)
    averages = dict(zip(average["period"], average["value"], strict=True))
    row = {"Stadsdel": AVERAGE_LABEL}
    for period in periods:
        label = period_label(period)
        row[label] = averages.get(period, np.nan)
        row[f"{label} mot snitt"] = np.nan
    rows.append(row)
    flag_rows.append(dict.fromkeys(row, ""))
    return pd.DataFrame(rows), pd.DataFrame(flag_rows)
