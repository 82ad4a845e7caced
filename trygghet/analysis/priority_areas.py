"""Priority areas (prioriterade områden): which are valid, how their indicator events develop
against the year before, and where their interventions stand. Computed once here for the
Prioriterade områden page, the meeting's agenda and the lägesbild report.

An area is valid in a window when its validity overlaps it (open bounds count as valid); its
interventions are those in the chosen districts, those without a district concern the whole
municipality and always count; an open intervention (Planerad, Pågående) whose end date has passed
is overdue. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import data_start, dispersion, stats
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.formatting import fmt_change_int, fmt_change_pct
from trygghet.core.initial_lists import OPEN_STATUSES, STATUSES
from trygghet.core.periods import Window
from trygghet.store.sql import in_list

RUNNING, PLANNED = "Pågående", "Planerad"

# ---------------------------------------------------------------- validity and interventions


def _valid_in(window: Window, alias: str = "") -> tuple[str, list[object]]:
    """SQL for the areas whose validity overlaps `window`, with its parameters."""
    p = f"{alias}." if alias else ""
    return (f"coalesce({p}valid_from <= ?, TRUE) AND coalesce({p}valid_to >= ?, TRUE)",
            [window.end - dt.timedelta(days=1), window.start])


@dataclass(frozen=True)
class InterventionStatus:
    """The interventions of one priority area: how many have each status, and how many of the open
    ones are overdue."""

    counts: Counter[str]
    overdue: int

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


NO_INTERVENTIONS = InterventionStatus(Counter(), 0)


def intervention_status(con: duckdb.DuckDBPyConnection, districts: Sequence[str],
                        as_of: dt.date) -> dict[str, InterventionStatus]:
    """Per priority area (by name) its interventions in `districts` (all when empty; those without a
    district always count) by status, and the open ones whose end date is before `as_of`."""
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"(district IS NULL OR district IN {in_list(districts)})"
        params = list(districts)
    rows = con.execute(
        f"""SELECT priority_area, status, count(*),
                   count(*) FILTER (WHERE status IN {in_list(OPEN_STATUSES)} AND end_date < ?)
            FROM interventions WHERE priority_area IS NOT NULL AND {district_sql}
            GROUP BY priority_area, status""",
        [*OPEN_STATUSES, as_of, *params],
    ).fetchall()
    counts: dict[str, Counter[str]] = {}
    overdue: Counter[str] = Counter()
    for area, status, n, late in rows:
        counts.setdefault(area, Counter())[status] = int(n)
        overdue[area] += int(late)
    return {area: InterventionStatus(c, overdue[area]) for area, c in counts.items()}


def intervention_status_by_district(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """intervention_status's counts for every district: area, district (None: the whole municipality),
    status, n, overdue; cut to a choice of districts by status_for."""
    return con.execute(
        f"""SELECT priority_area AS area, district, status, count(*) AS n,
                   count(*) FILTER (WHERE status IN {in_list(OPEN_STATUSES)} AND end_date < ?) AS overdue
            FROM interventions WHERE priority_area IS NOT NULL
            GROUP BY ALL ORDER BY ALL""",
        [*OPEN_STATUSES, as_of],
    ).df()


def status_for(frame: pd.DataFrame, districts: Sequence[str]) -> dict[str, InterventionStatus]:
    """intervention_status for `districts` from intervention_status_by_district's rows: those of the
    chosen districts and those without a district (all when none is chosen)."""
    if districts:
        frame = frame[frame["district"].isna() | frame["district"].isin(list(districts))]
    counts: dict[str, Counter[str]] = {}
    overdue: Counter[str] = Counter()
    for area, status, n, late in zip(frame["area"], frame["status"], frame["n"], frame["overdue"], strict=True):
        found = counts.setdefault(area, Counter())
        found[status] += int(n)
        overdue[area] += int(late)
    return {area: InterventionStatus(c, overdue[area]) for area, c in counts.items()}


# ---------------------------------------------------------------- the Prioriterade områden page


@dataclass(frozen=True)
class AreaOverview:
    name: str
    description: str | None
    goal: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    indicators: tuple[str, ...]
    current: bool  # valid on the last day of the trend period (open bounds count as valid)
    status_counts: tuple[tuple[str, int], ...]  # (status, interventions), every status in STATUSES
    overdue: int

    @property
    def total(self) -> int:
        return sum(n for _, n in self.status_counts)


def priority_area_overview(con: duckdb.DuckDBPyConnection, filters: Filters, today: dt.date) -> list[AreaOverview]:
    """Every priority area, the current ones (valid on filters.end) first, with its interventions
    in the chosen districts counted by status; interventions without a district are counted too."""
    return _overview(_area_rows(con, filters), intervention_status(con, filters.districts, today))


@dataclass(frozen=True)
class OverviewParts:
    """priority_area_overview's queries for every district; `for_districts` cuts them to a choice."""

    areas: list[tuple[object, ...]]
    status: pd.DataFrame  # intervention_status_by_district

    def for_districts(self, districts: Sequence[str]) -> list[AreaOverview]:
        """priority_area_overview for `districts`."""
        return _overview(self.areas, status_for(self.status, districts))


def overview_parts(con: duckdb.DuckDBPyConnection, filters: Filters, today: dt.date) -> OverviewParts:
    """OverviewParts for the filters' trend period; the districts chosen in `filters` are not used."""
    return OverviewParts(_area_rows(con, filters), intervention_status_by_district(con, today))


def _area_rows(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[tuple[object, ...]]:
    valid_sql, valid_params = _valid_in(Window(filters.end, filters.end + dt.timedelta(days=1)))
    return con.execute(
        f"""
        SELECT name, description, goal, valid_from, valid_to, indicator_categories, {valid_sql} AS current
        FROM priority_areas
        ORDER BY current DESC, valid_from NULLS FIRST, name
        """,
        valid_params,
    ).fetchall()


def _overview(rows: list[tuple[object, ...]], status: dict[str, InterventionStatus]) -> list[AreaOverview]:
    areas = []
    for name, description, goal, valid_from, valid_to, indicators, current in rows:
        found = status.get(name, NO_INTERVENTIONS)
        order = STATUSES + sorted(set(found.counts) - set(STATUSES))
        areas.append(AreaOverview(
            name=name, description=description, goal=goal, valid_from=valid_from, valid_to=valid_to,
            indicators=tuple(indicators or ()), current=bool(current),
            status_counts=tuple((s, found.count(s)) for s in order), overdue=found.overdue,
        ))
    return areas


# ---------------------------------------------------------------- the meeting's agenda and the report


AREA_COLUMNS = ["name", "goal", "indicators", "count", "count_last_year", "change", "flag", "running", "planned",
                "overdue", "valid_from"]


def priority_area_status(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...], window: Window,
                         as_of: dt.date, first_day: dt.date | None = None) -> pd.DataFrame:
    """Every priority area valid in the window: its goal, the indicator events in the window against
    the same dates a year earlier (flagged only when the change is statistically sure), and its
    open and overdue interventions in the districts.

    With `first_day` (data_start.first_day) and a year earlier that starts before it, there is no
    comparison: count_last_year is None and the change says 'ingen jämförelse – data från och med …'."""
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"district IN {in_list(districts)}"
        params = list(districts)
    earlier = window.last_year()
    valid_sql, valid_params = _valid_in(window)
    areas = con.execute(
        f"""
        SELECT name, goal, indicator_categories, valid_from FROM priority_areas WHERE {valid_sql}
        ORDER BY valid_from NULLS FIRST, name
        """,
        valid_params,
    ).fetchall()
    # One scan of both windows per category, summed per area below (it was two scans per area).
    per_category = {category: (int(n), int(n_before)) for category, n, n_before in con.execute(
        f"""
        SELECT category, coalesce(sum(n) FILTER (WHERE day >= ? AND day < ?), 0)::BIGINT,
               coalesce(sum(n) FILTER (WHERE day >= ? AND day < ?), 0)::BIGINT
        FROM event_counts
        WHERE ((day >= ? AND day < ?) OR (day >= ? AND day < ?)) AND {district_sql}
        GROUP BY category
        """,
        [window.start, window.end, earlier.start, earlier.end,
         window.start, window.end, earlier.start, earlier.end, *params],
    ).fetchall()}
    status = intervention_status(con, districts, as_of)
    # Each area's indicator events vary from week to week in their own way; the flag allows for it.
    shapes = dispersion.group_shapes(con, window.end - dt.timedelta(days=1),
                                     {name: tuple(indicators or ()) for name, _, indicators, _ in areas}, districts)
    records = []
    for name, goal, indicators, valid_from in areas:
        categories = set(indicators or ())
        n = sum(per_category.get(c, (0, 0))[0] for c in categories)
        n_before = sum(per_category.get(c, (0, 0))[1] for c in categories)
        found = status.get(name, NO_INTERVENTIONS)
        if first_day is not None and not data_start.comparable(earlier, first_day):
            records.append((name, goal, tuple(indicators or ()), n, None, data_start.no_comparison_text(first_day),
                            "", found.count(RUNNING), found.count(PLANNED), found.overdue, valid_from))
            continue
        change = stats.compare(n, n_before, window.days / 7, earlier.days / 7,
                               dispersion.window_shape(shapes.get(name, math.inf),
                                                       max(window.days, earlier.days) / 7))
        pct = f" ({fmt_change_pct(change.pct)})" if change.pct is not None and change.expected >= 10 else ""
        records.append((name, goal, tuple(indicators or ()), n, n_before,
                        f"{fmt_change_int(round(change.diff))}{pct}", change.direction or "",
                        found.count(RUNNING), found.count(PLANNED), found.overdue, valid_from))
    return pd.DataFrame.from_records(records, columns=AREA_COLUMNS)


def with_baselines(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, window: Window,
                   districts: tuple[str, ...]) -> pd.DataFrame:
    """priority_area_status plus, per area that began at least two years before the window, the
    indicator events on the same dates in its first year (baseline_year, baseline): how far the
    area has come since it was chosen. Others get None."""
    if frame.empty:
        return frame.assign(baseline_year=pd.Series(dtype="Int64"), baseline=pd.Series(dtype="Int64"))
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"district IN {in_list(districts)}"
        params = list(districts)
    years, baselines = [], []
    for start, indicators in zip(frame["valid_from"], frame["indicators"], strict=True):
        year = start.year if start is not None and not pd.isna(start) else None
        if year is None or year >= window.start.year - 1 or not indicators:
            years.append(None)
            baselines.append(None)
            continue
        shift = window.start.year - year
        base = Window(window.start.replace(year=window.start.year - shift),
                      window.end.replace(year=window.end.year - shift))
        n = con.execute(
            f"""SELECT coalesce(sum(n), 0)::BIGINT FROM event_counts WHERE day >= ? AND day < ?
                AND category IN {in_list(indicators)} AND {district_sql}""",
            [base.start, base.end, *indicators, *params],
        ).fetchone()[0]
        years.append(year)
        baselines.append(int(n))
    return frame.assign(baseline_year=years, baseline=baselines)


# ---------------------------------------------------------------- indicator trends


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def indicator_trend(con: duckdb.DuckDBPyConnection, filters: Filters, area_name: str,
                    data_range: tuple[dt.date | None, dt.date | None] | None = None) -> pd.DataFrame:
    """Monthly counts of the area's indicator categories over the trend period, against the same
    days a year earlier (the baseline).

    The baseline is the period's exact dates shifted back one year, so a month that the period
    only covers in part is compared with the same part of that month a year earlier. Districts
    and sources follow the sidebar; the categories are the area's own. A baseline month that is
    not wholly inside the data is missing (NaN), not zero; so is a month after the last event.
    Columns: month (first day, date), days (days of the month in the period), count, baseline.
    """
    return indicator_trends(con, filters, (area_name,), data_range)[area_name]


def indicator_trends(con: duckdb.DuckDBPyConnection, filters: Filters, area_names: tuple[str, ...],
                     data_range: tuple[dt.date | None, dt.date | None] | None = None) -> dict[str, pd.DataFrame]:
    """indicator_trend for several areas in one scan (the Prioriterade områden page shows them all)."""
    columns = ["month", "days", "count", "baseline"]
    empty = {name: pd.DataFrame(columns=columns) for name in area_names}
    if not area_names:
        return empty
    with_indicators = {name for name, categories in con.execute(
        f"SELECT name, indicator_categories FROM priority_areas WHERE name IN {in_list(area_names)}",
        list(area_names),
    ).fetchall() if categories}
    if not with_indicators:
        return empty
    # The areas' own categories replace the sidebar's; districts and sources still apply.
    conditions, params = event_conditions(replace(filters, categories=()), alias="e")
    period = Window(filters.start, filters.end_exclusive)
    earlier = period.last_year()
    # One scan for both windows; with a period longer than a year they overlap and an event counts in both.
    counted = con.execute(
        f"""
        WITH indicators AS (
            SELECT DISTINCT name AS area, unnest(indicator_categories) AS category
            FROM priority_areas WHERE name IN {in_list(with_indicators)}
        )
        SELECT i.area, date_trunc('month', e.day)::DATE AS month,
               coalesce(sum(e.n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS current,
               coalesce(sum(e.n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS baseline
        FROM event_counts e JOIN indicators i ON i.category = e.category
        WHERE ((e.day >= ? AND e.day < ?) OR (e.day >= ? AND e.day < ?)) AND {conditions}
        GROUP BY ALL
        """,
        [*sorted(with_indicators), period.start, period.end, earlier.start, earlier.end,
         period.start, period.end, earlier.start, earlier.end, *params],
    ).fetchall()
    # The page passes queries.event_date_range (cached per data version) instead of a scan.
    first_day, last_day = data_range if data_range is not None else con.execute(
        "SELECT min(day)::DATE, max(day)::DATE FROM event_counts").fetchone()
    return _trend_frames(counted, with_indicators, filters, area_names, (first_day, last_day))


@dataclass(frozen=True)
class IndicatorCounts:
    """indicator_trends' monthly counts for every district; `trends_for` cuts them to a choice."""

    with_indicators: frozenset[str]  # the asked areas that have indicator categories
    # area, district (None: events without one), month (date), current, baseline
    frame: pd.DataFrame

    def trends_for(self, filters: Filters, area_names: tuple[str, ...],
                   data_range: tuple[dt.date | None, dt.date | None]) -> dict[str, pd.DataFrame]:
        """indicator_trends(con, filters, area_names, data_range) for filters.districts, which counts
        events without a district only when no district is chosen, as SQL's `district IN (…)` does."""
        frame = self.frame
        if filters.districts:
            frame = frame[frame["district"].isin(list(filters.districts))]
        # A plain loop over a thousand or so rows: cheaper than a pandas groupby on every click.
        summed: dict[tuple[str, dt.date], list[int]] = {}
        for area, month, current, baseline in zip(frame["area"], frame["month"], frame["current"].tolist(),
                                                  frame["baseline"].tolist(), strict=True):
            sums = summed.setdefault((area, month), [0, 0])
            sums[0] += current
            sums[1] += baseline
        counted = [(area, month, current, baseline) for (area, month), (current, baseline) in summed.items()]
        return _trend_frames(counted, self.with_indicators, filters, area_names, data_range)


def indicator_counts(con: duckdb.DuckDBPyConnection, filters: Filters, area_names: tuple[str, ...]) -> IndicatorCounts:
    """indicator_trends' scan with a row per district instead of the chosen districts' sum, so that one
    cached result serves every choice of districts (the districts in `filters` are not used)."""
    empty = pd.DataFrame({"area": pd.Series(dtype=object), "district": pd.Series(dtype=object),
                          "month": pd.Series(dtype=object), "current": pd.Series(dtype=np.int64),
                          "baseline": pd.Series(dtype=np.int64)})
    if not area_names:
        return IndicatorCounts(frozenset(), empty)
    with_indicators = frozenset(name for name, categories in con.execute(
        f"SELECT name, indicator_categories FROM priority_areas WHERE name IN {in_list(area_names)}",
        list(area_names),
    ).fetchall() if categories)
    if not with_indicators:
        return IndicatorCounts(with_indicators, empty)
    conditions, params = event_conditions(replace(filters, categories=()), districts=False, alias="e")
    period = Window(filters.start, filters.end_exclusive)
    earlier = period.last_year()
    rows = con.execute(
        f"""
        WITH indicators AS (
            SELECT DISTINCT name AS area, unnest(indicator_categories) AS category
            FROM priority_areas WHERE name IN {in_list(with_indicators)}
        )
        SELECT i.area, e.district, date_trunc('month', e.day)::DATE AS month,
               coalesce(sum(e.n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS current,
               coalesce(sum(e.n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS baseline
        FROM event_counts e JOIN indicators i ON i.category = e.category
        WHERE ((e.day >= ? AND e.day < ?) OR (e.day >= ? AND e.day < ?)) AND {conditions}
        GROUP BY ALL
        """,
        [*sorted(with_indicators), period.start, period.end, earlier.start, earlier.end,
         period.start, period.end, earlier.start, earlier.end, *params],
    ).fetchall()
    if not rows:
        return IndicatorCounts(with_indicators, empty)
    area, district, month, current, baseline = zip(*rows, strict=True)
    # Months stay datetime.date, as _trend_frames looks them up.
    return IndicatorCounts(with_indicators, pd.DataFrame({
        "area": pd.Series(area, dtype=object), "district": pd.Series(district, dtype=object),
        "month": pd.Series(month, dtype=object), "current": np.array(current, dtype=np.int64),
        "baseline": np.array(baseline, dtype=np.int64)}))


def _trend_frames(counted: Sequence[tuple[str, dt.date, int, int]], with_indicators: Collection[str],
                  filters: Filters, area_names: tuple[str, ...],
                  data_range: tuple[dt.date | None, dt.date | None]) -> dict[str, pd.DataFrame]:
    """indicator_trends' frames from its (area, month, current, baseline) sums."""
    columns = ["month", "days", "count", "baseline"]
    trends = {name: None if name in with_indicators else pd.DataFrame(columns=columns) for name in area_names}
    first_day, last_day = data_range
    period = Window(filters.start, filters.end_exclusive)
    for name in with_indicators:
        current = {m: int(c) for area, m, c, _ in counted if area == name and c}
        baseline = {m: int(b) for area, m, _, b in counted if area == name and b}
        records = []
        for month in _month_starts(filters.start, filters.end):
            next_month = (month + dt.timedelta(days=32)).replace(day=1)
            covered = Window(max(month, period.start), min(next_month, period.end))
            back = covered.last_year()
            before_data = first_day is None or back.start < first_day
            after_data = last_day is None or covered.start > last_day
            count = float("nan") if after_data else float(current.get(month, 0))
            base = float("nan") if before_data else float(baseline.get(back.start.replace(day=1), 0))
            records.append((month, covered.days, count, base))
        trends[name] = pd.DataFrame.from_records(records, columns=columns)
    return trends  # type: ignore[return-value]  # every None replaced above


# ---------------------------------------------------------------- the survey


# Which survey questions speak to which priority area. The schema has no link between the two,
# so a few keywords do: an area whose name contains one of the first words is followed up with
# every survey indicator whose name contains one of the second. Matching is case-insensitive on
# parts of words, so "trygg" also finds "otrygg". Areas with no entry have no survey indicator.
SURVEY_LINKS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("otrygg", "offentlig miljö", "skadegörelse", "klotter"), ("trygg", "skadegörelse", "klotter")),
    (("narkotika", "organiserad"), ("narkotika", "droger", "brott")),
    (("rekrytering", "ungdom"), ("ungdomar",)),
    (("våld",), ("våld",)),
)


def linked_indicators(area_name: str, indicators: Sequence[str]) -> list[str]:
    """The survey indicators that SURVEY_LINKS ties to an area, in the order given."""
    area = area_name.casefold()
    words = [w for area_words, indicator_words in SURVEY_LINKS if any(a in area for a in area_words)
             for w in indicator_words]
    return [i for i in indicators if any(w in i.casefold() for w in words)]


def related_survey(con: duckdb.DuckDBPyConnection, area_name: str, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Yearly values of the survey indicators linked to an area, over the chosen districts.

    The value of a year is the mean over the chosen districts (and over the quarters, when the
    survey is quarterly) weighted by the number of respondents; when a year has a row without a
    respondent count, the plain mean is used instead so that no district silently counts as zero.
    Columns: year, indicator, value, respondents, districts. Empty when no indicator is linked.
    """
    return related_surveys(con, (area_name,), districts)[area_name]


def related_surveys(con: duckdb.DuckDBPyConnection, area_names: tuple[str, ...],
                    districts: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """related_survey for several areas in one query: per area name, its frame (as related_survey)."""
    columns = ["year", "indicator", "value", "respondents", "districts"]
    known = [r[0] for r in con.execute("SELECT DISTINCT indicator FROM survey_results ORDER BY indicator").fetchall()]
    per_area = {name: linked_indicators(name, known) for name in area_names}
    wanted = [i for i in known if any(i in linked for linked in per_area.values())]
    if not wanted:
        return {name: pd.DataFrame(columns=columns) for name in area_names}
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"district IN {in_list(districts)}"
        params = list(districts)
    frame = con.execute(
        f"""
        SELECT left(period, 4) AS year, indicator,
               CASE WHEN count(respondents) = count(*) AND sum(respondents) > 0
                    THEN sum(value * respondents) / sum(respondents) ELSE avg(value) END AS value,
               sum(respondents) AS respondents, count(DISTINCT district) AS districts
        FROM survey_results
        WHERE indicator IN {in_list(wanted)} AND {district_sql}
        GROUP BY ALL
        ORDER BY indicator, year
        """,
        [*wanted, *params],
    ).df()
    if frame.empty:
        return {name: frame.copy() for name in area_names}
    return {name: frame[frame["indicator"].isin(linked)].reset_index(drop=True) if linked else
            pd.DataFrame(columns=columns) for name, linked in per_area.items()}


@dataclass(frozen=True)
class SurveyParts:
    """related_surveys' sums per district, year and indicator for every district; `surveys_for` cuts
    them to a choice of districts and averages them as related_survey does."""

    linked: dict[str, list[str]]  # per area, its survey indicators
    # year, indicator, district, rows, valued (rows with a value), weighted (rows with respondents),
    # value_sum, weighted_sum (value × respondents), respondents (NaN when no row has them) and
    # group: the number of the row's (indicator, year), numbered in that order
    frame: pd.DataFrame
    groups: tuple[tuple[str, str], ...]  # (indicator, year) of each group number

    def surveys_for(self, districts: Sequence[str]) -> dict[str, pd.DataFrame]:
        """related_surveys(con, area names, districts)."""
        columns = ["year", "indicator", "value", "respondents", "districts"]
        if self.frame.empty and not any(self.linked.values()):
            return {name: pd.DataFrame(columns=columns) for name in self.linked}
        frame = self.frame
        chosen = frame["district"].isin(list(districts)).to_numpy() if districts else np.ones(len(frame), bool)
        group, size = frame["group"].to_numpy()[chosen], len(self.groups)

        def total(column: str | np.ndarray) -> np.ndarray:
            values = frame[column].to_numpy(dtype=float) if isinstance(column, str) else column
            return np.bincount(group, weights=values[chosen], minlength=size)

        rows = np.bincount(group, minlength=size)
        respondents = frame["respondents"].to_numpy(dtype=float)
        counted = total(~np.isnan(respondents) * 1.0) > 0
        respondents = np.where(counted, total(np.nan_to_num(respondents)), np.nan)
        # The same choice as the SQL: weighted by respondents when every row has them and they add up to
        # more than none, else the plain mean of the values.
        weighted = (total("weighted") == total("rows")) & (respondents > 0)
        valued = total("valued")
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(weighted, total("weighted_sum") / np.where(weighted, respondents, 1.0),
                             total("value_sum") / np.where(valued > 0, valued, np.nan))
        named = total(frame["district"].notna().to_numpy(dtype=float)).round().astype(np.int64)
        present = np.flatnonzero(rows > 0)
        if not len(present):
            empty = pd.DataFrame({"year": pd.Series(dtype="str"), "indicator": pd.Series(dtype="str"),
                                  "value": pd.Series(dtype=float), "respondents": pd.Series(dtype=float),
                                  "districts": pd.Series(dtype=np.int64)})
            return {name: empty.copy() for name in self.linked}
        result = {}
        for name, linked in self.linked.items():
            if not linked:
                result[name] = pd.DataFrame(columns=columns)
                continue
            mine = [i for i in present if self.groups[i][0] in linked]
            result[name] = pd.DataFrame({
                "year": pd.Series([self.groups[i][1] for i in mine], dtype="str"),
                "indicator": pd.Series([self.groups[i][0] for i in mine], dtype="str"),
                "value": value[mine], "respondents": respondents[mine], "districts": named[mine],
            })
        return result


def survey_parts(con: duckdb.DuckDBPyConnection, area_names: tuple[str, ...]) -> SurveyParts:
    """SurveyParts of the areas' linked survey indicators, every district."""
    known = [r[0] for r in con.execute("SELECT DISTINCT indicator FROM survey_results ORDER BY indicator").fetchall()]
    linked = {name: linked_indicators(name, known) for name in area_names}
    wanted = [i for i in known if any(i in found for found in linked.values())]
    frame = con.execute(
        f"""
        SELECT left(period, 4) AS year, indicator, district, count(*) AS rows, count(value) AS valued,
               count(respondents) AS weighted, coalesce(sum(value), 0)::DOUBLE AS value_sum,
               coalesce(sum(value * respondents), 0)::DOUBLE AS weighted_sum,
               sum(respondents)::DOUBLE AS respondents
        FROM survey_results
        WHERE indicator IN {in_list(wanted) if wanted else "(NULL)"}
        GROUP BY ALL
        ORDER BY indicator, year, district
        """,
        wanted,
    ).df()
    group, labels = pd.factorize(pd.MultiIndex.from_arrays([frame["indicator"], frame["year"]]))
    return SurveyParts(linked, frame.assign(group=group.astype(np.int64)),
                       tuple((str(indicator), str(year)) for indicator, year in labels))


# ---------------------------------------------------------------- the page's overview of all areas


@dataclass(frozen=True)
class TrendTotals:
    """An area's indicator events in the trend period, and against the same days a year earlier
    over the months that have such a year (a month whose year before lies before the data has none)."""

    total: int  # every month of the period with data
    now: int  # the compared months only
    before: int
    compared: tuple[dt.date, dt.date] | None  # first and last compared month; None when none is
    whole: bool  # every month with data is compared

    @property
    def change_pct(self) -> float | None:
        if self.compared is None or self.before <= 0:
            return None
        return (self.now - self.before) / self.before * 100


def trend_totals(trend: pd.DataFrame) -> TrendTotals | None:
    """The sums of an indicator_trend frame; None for an area without indicators (no frame rows)."""
    if trend.empty:
        return None
    # Plain arrays: the page sums every area on every rerun, and pandas' dropna costs ms each time.
    count, baseline = trend["count"].to_numpy(dtype=float), trend["baseline"].to_numpy(dtype=float)
    counted = ~np.isnan(count)
    both = counted & ~np.isnan(baseline)
    months = trend["month"].to_numpy()[both]
    return TrendTotals(total=int(count[counted].sum()), now=int(count[both].sum()), before=int(baseline[both].sum()),
                       compared=(months[0], months[-1]) if len(months) else None,
                       whole=bool(both.sum() == counted.sum()))


@dataclass(frozen=True)
class SurveyLatest:
    """A survey indicator's latest year, and the change from the year before it in the data."""

    indicator: str
    year: str
    value: float
    previous_year: str | None
    change_points: float | None  # percentage points


def survey_latest(survey: pd.DataFrame) -> list[SurveyLatest]:
    """Per indicator of a related_survey frame (in its order) the latest year and its change."""
    latest = []
    for indicator, rows in survey.groupby("indicator", sort=False):
        rows = rows.sort_values("year")
        last = rows.iloc[-1]
        previous = rows.iloc[-2] if len(rows) > 1 else None
        latest.append(SurveyLatest(
            indicator=str(indicator), year=str(last["year"]), value=float(last["value"]),
            previous_year=None if previous is None else str(previous["year"]),
            change_points=None if previous is None else float(last["value"]) - float(previous["value"]),
        ))
    return latest


def open_interventions(area: AreaOverview) -> int:
    """Planned and running interventions: those the meeting still follows up."""
    return sum(n for status, n in area.status_counts if status in OPEN_STATUSES)
