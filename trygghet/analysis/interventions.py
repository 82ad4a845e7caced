"""Interventions and priority areas: the lists, the change history, the effect data and the
trends behind the pages Insatser and Prioriterade områden.

Named query functions take an open connection first and return small frames or objects,
so that `ui.query` can cache them per data version. No Streamlit here: everything can be
checked by hand in the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import stats
from trygghet.core import clock
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek, Window, latest_complete_week
from trygghet.core.reference_lists import OPEN_STATUSES, STATUSES

# Swedish names of the interventions columns, as the upload template calls them.
FIELD_LABELS = {
    "id": "Insats-ID",
    "title": "Insats",
    "priority_area": "Prioriterat område",
    "district": "Stadsdel",
    "owner": "Ansvarig aktör",
    "contact": "Ansvarig",
    "status": "Status",
    "start_date": "Startdatum",
    "end_date": "Slutdatum",
    "comment": "Kommentar",
}
ORIGIN_LABELS = {"upload": "Uppladdning", "demo": "Demodata", "manual": "Manuell ändring"}

PERIOD_BEFORE, PERIOD_DURING, PERIOD_AFTER = "före", "under", "efter"

# The list shows running interventions before planned ones: they are what the meeting follows up.
LIST_STATUS_ORDER = ("Pågående", "Planerad", "Avslutad", "Inställd")

# (singular, plural) of each status as it reads in a sentence: "1 planerad", "5 planerade".
_STATUS_WORDS = {
    "Pågående": ("pågående", "pågående"),
    "Planerad": ("planerad", "planerade"),
    "Avslutad": ("avslutad", "avslutade"),
    "Inställd": ("inställd", "inställda"),
    "Försenad": ("försenad", "försenade"),
}


def status_word(status: str, n: int) -> str:
    """The status in lower case agreeing with a count: status_word('Avslutad', 3) -> 'avslutade'."""
    singular, plural = _STATUS_WORDS.get(status, (status.lower(), status.lower()))
    return singular if n == 1 else plural


LIST_COLUMNS = ["Insats-ID", "Insats", "Prioriterat område", "Stadsdel", "Ansvarig aktör", "Ansvarig", "Status",
                "Start", "Slut", "Kommentar", "Försenad"]


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _district_clause(districts: Sequence[str], alias: str = "") -> tuple[str, list[object]]:
    """Interventions in the chosen districts; one without a district concerns the whole municipality
    and is therefore never filtered away."""
    if not districts:
        return "TRUE", []
    column = f"{alias}.district" if alias else "district"
    return f"({column} IS NULL OR {column} IN ({_placeholders(districts)}))", list(districts)


# ---------------------------------------------------------------- the list


def intervention_list(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    today: dt.date,
    status: tuple[str, ...] = (),
    owner: tuple[str, ...] = (),
    priority_area: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per intervention in the chosen districts, with Swedish column names.

    Order: open ones first and among them the overdue ones, then Pågående before Planerad and
    the nearest end date first; closed ones after, the most recently ended first, because
    that is what the meeting follows up on.
    """
    district_sql, params = _district_clause(filters.districts)
    conditions = [district_sql]
    for column, values in (("status", status), ("owner", owner), ("priority_area", priority_area)):
        if values:
            conditions.append(f"{column} IN ({_placeholders(values)})")
            params.extend(values)
    open_sql = f"status IN ({_placeholders(OPEN_STATUSES)})"
    status_rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(LIST_STATUS_ORDER)))
    return con.execute(
        f"""
        SELECT id AS "Insats-ID", title AS "Insats", priority_area AS "Prioriterat område",
               district AS "Stadsdel", owner AS "Ansvarig aktör", contact AS "Ansvarig", status AS "Status",
               start_date AS "Start", end_date AS "Slut", comment AS "Kommentar",
               coalesce(end_date < ? AND {open_sql}, FALSE) AS "Försenad"
        FROM interventions
        WHERE {' AND '.join(conditions)}
        ORDER BY {open_sql} DESC, "Försenad" DESC,
                 CASE status {status_rank} ELSE {len(LIST_STATUS_ORDER)} END,
                 CASE WHEN {open_sql} THEN end_date END ASC NULLS LAST,
                 end_date DESC NULLS LAST, start_date, id
        """,
        [today, *OPEN_STATUSES, *params, *OPEN_STATUSES, *LIST_STATUS_ORDER, *OPEN_STATUSES],
    ).df()


def filter_options(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The values the page's own filters offer: statuses in their usual order, owners and areas."""
    found = {r[0] for r in con.execute("SELECT DISTINCT status FROM interventions").fetchall()}
    statuses = [s for s in STATUSES if s in found] + sorted(found - set(STATUSES))
    owners = [r[0] for r in con.execute(
        "SELECT DISTINCT owner FROM interventions WHERE owner IS NOT NULL ORDER BY owner").fetchall()]
    areas = [r[0] for r in con.execute(
        "SELECT DISTINCT priority_area FROM interventions WHERE priority_area IS NOT NULL ORDER BY priority_area"
    ).fetchall()]
    return {"statuses": statuses, "owners": owners, "priority_areas": areas}


# ---------------------------------------------------------------- history


def history(con: duckdb.DuckDBPyConnection, intervention_id: str) -> pd.DataFrame:
    """Every logged change of one intervention, newest first.

    Källa is the uploaded file (with who uploaded it, when known); changes that did not come
    from an upload say who made them or, failing that, how they were made.
    """
    frame = con.execute(
        """
        SELECT h.changed_at AS "Tid", h.field AS "Fält", h.old_value AS "Från", h.new_value AS "Till",
               h.upload_id, u.file_name, h.changed_by, h.origin
        FROM intervention_history h
        LEFT JOIN uploads u ON u.id = h.upload_id
        WHERE h.intervention_id = ?
        ORDER BY h.changed_at DESC, h.rowid DESC
        """,
        [intervention_id],
    ).df()

    def source(row: pd.Series) -> str:
        by = row["changed_by"] if isinstance(row["changed_by"], str) and row["changed_by"] else None
        if pd.notna(row["upload_id"]):
            name = row["file_name"] if isinstance(row["file_name"], str) else f"Uppladdning {int(row['upload_id'])}"
            return f"{name} ({by})" if by else name
        return by or ORIGIN_LABELS.get(row["origin"], str(row["origin"]))

    frame["Källa"] = [source(row) for _, row in frame.iterrows()] if len(frame) else []
    frame["Fält"] = frame["Fält"].map(lambda f: FIELD_LABELS.get(f, f))
    for column in ("Från", "Till"):
        # A removed value (an end date taken away) must read as empty, not as 'None'.
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "–")
    return frame[["Tid", "Fält", "Från", "Till", "Källa"]]


# ---------------------------------------------------------------- effect


@dataclass(frozen=True)
class EffectData:
    """Weekly counts of an intervention's categories in its district and in all the others."""

    intervention_id: str
    title: str
    district: str
    status: str
    start: dt.date
    end: dt.date  # the end date, or today when the intervention has none
    open_ended: bool  # no end date: 'under' runs until today
    categories: tuple[str, ...]  # empty: all categories were counted
    priority_area: str | None
    weeks_before_asked: int
    # week (Monday, date), period ('före'/'under'/'efter'), treated, control
    frame: pd.DataFrame = field(compare=False)

    @property
    def weeks(self) -> dict[str, int]:
        periods = self.frame["period"].tolist()
        return {p: periods.count(p) for p in (PERIOD_BEFORE, PERIOD_DURING, PERIOD_AFTER)}


def no_effect_reason(district: object, start: object) -> str | None:
    """Why no effect can be computed for an intervention, in Swedish; None when it can."""
    if not isinstance(district, str) or not district:
        return ("Insatsen har ingen stadsdel, så det finns inget område att jämföra med övriga stadsdelar. "
                "Ange en stadsdel för att kunna följa effekten.")
    if start is None or pd.isna(start):
        return "Insatsen har inget startdatum, så det går inte att jämföra före och under. Ange ett startdatum."
    return None


def _first_complete_week(day: dt.date) -> IsoWeek:
    """The first ISO week that lies wholly on or after day."""
    week = IsoWeek.of(day)
    return week if week.monday() == day else week.shift(1)


def effect_data(
    con: duckdb.DuckDBPyConnection,
    intervention_id: str,
    weeks_before: int = 8,
    weeks_after: int = 8,
    today: dt.date | None = None,
    data_range: tuple[dt.date | None, dt.date | None] | None = None,
) -> EffectData | None:
    """Weekly counts from `weeks_before` weeks before the start to `weeks_after` after the end.

    The categories are those of the intervention's priority area (all categories when it has
    none). A week that contains the start or the end day counts as 'under'. Only whole weeks
    inside the data are used: a week before the first event or after the last one would show
    zero events that were never reported, not events that did not happen.
    None when the intervention is unknown or has no district or start date (see no_effect_reason).
    `data_range` is queries.event_date_range, for callers that already have it (the report asks for
    every intervention's effect).
    """
    today = today or clock.today()
    row = con.execute(
        """
        SELECT i.id, i.title, i.district, i.status, i.start_date, i.end_date, i.priority_area,
               p.indicator_categories
        FROM interventions i LEFT JOIN priority_areas p ON p.name = i.priority_area
        WHERE i.id = ?
        """,
        [intervention_id],
    ).fetchone()
    if row is None:
        return None
    iid, title, district, status, start, end, area, categories = row
    if no_effect_reason(district, start) is not None:
        return None
    open_ended = end is None
    end = max(start, today if end is None else end)
    categories = tuple(categories or ())

    first_day, last_day = data_range if data_range is not None else con.execute(
        "SELECT min(day)::DATE, max(day)::DATE FROM event_counts").fetchone()
    first_week = IsoWeek.of(start).shift(-weeks_before)
    last_week = min(IsoWeek.of(end).shift(weeks_after), latest_complete_week(today))
    if first_day is not None:
        first_week = max(first_week, _first_complete_week(first_day))
        last_week = min(last_week, latest_complete_week(last_day + dt.timedelta(days=1)))

    weeks: list[dt.date] = []
    week = first_week
    while first_day is not None and week <= last_week:
        weeks.append(week.monday())
        week = week.shift(1)

    by_week: dict[dt.date, tuple[int, int]] = {}
    if weeks:
        category_sql, category_params = "TRUE", []
        if categories:
            category_sql = f"category IN ({_placeholders(categories)})"
            category_params = list(categories)
        counts = con.execute(
            f"""
            SELECT date_trunc('week', day)::DATE AS week,
                   coalesce(sum(n) FILTER (WHERE district = ?), 0)::BIGINT AS treated,
                   coalesce(sum(n) FILTER (WHERE district <> ?), 0)::BIGINT AS control
            FROM event_counts
            WHERE day >= ? AND day < ? AND {category_sql}
            GROUP BY 1
            """,
            [district, district, weeks[0], weeks[-1] + dt.timedelta(days=7), *category_params],
        ).fetchall()
        by_week = {w: (int(t), int(c)) for w, t, c in counts}
    start_monday, end_monday = IsoWeek.of(start).monday(), IsoWeek.of(end).monday()
    # Built from plain lists in one go: the report asks this for every intervention.
    frame = pd.DataFrame({
        "week": weeks,
        "period": [PERIOD_BEFORE if w < start_monday else PERIOD_DURING if w <= end_monday else PERIOD_AFTER
                   for w in weeks],
        "treated": np.array([by_week.get(w, (0, 0))[0] for w in weeks], dtype=np.int64),
        "control": np.array([by_week.get(w, (0, 0))[1] for w in weeks], dtype=np.int64),
    })
    return EffectData(
        intervention_id=iid, title=title, district=district, status=status, start=start, end=end,
        open_ended=open_ended, categories=categories, priority_area=area, weeks_before_asked=weeks_before,
        frame=frame,
    )


def effect_summary(frame: pd.DataFrame, compare: str = PERIOD_DURING, level: float = 0.95) -> stats.Effect | None:
    """Difference-in-differences of the weeks before against the weeks `compare` ('under' or 'efter').

    The four counts are the sums per period of `frame` (from effect_data); the week counts are
    the numbers of weeks in each period. None when either period has no weeks. The text is
    stats.did_effect's, opening with 'Under insatsen:' or 'Efter insatsen:'.
    """
    if compare not in (PERIOD_DURING, PERIOD_AFTER):
        raise ValueError(compare)
    before = frame[frame["period"] == PERIOD_BEFORE]
    other = frame[frame["period"] == compare]
    if before.empty or other.empty:
        return None
    return stats.did_effect(
        int(before["treated"].sum()), int(other["treated"].sum()),
        int(before["control"].sum()), int(other["control"].sum()),
        weeks_before=len(before), weeks_during=len(other), level=level,
        period="Under insatsen" if compare == PERIOD_DURING else "Efter insatsen",
    )


# ---------------------------------------------------------------- priority areas


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
    district_sql, district_params = _district_clause(filters.districts, alias="i")
    open_sql = f"i.status IN ({_placeholders(OPEN_STATUSES)})"
    rows = con.execute(
        f"""
        SELECT p.name, p.description, p.goal, p.valid_from, p.valid_to, p.indicator_categories,
               coalesce(p.valid_from <= ?, TRUE) AND coalesce(p.valid_to >= ?, TRUE) AS current,
               list(i.status) FILTER (WHERE i.id IS NOT NULL) AS statuses,
               count(i.id) FILTER (WHERE i.end_date < ? AND {open_sql}) AS overdue
        FROM priority_areas p
        LEFT JOIN interventions i ON i.priority_area = p.name AND {district_sql}
        GROUP BY ALL
        ORDER BY current DESC, p.valid_from NULLS FIRST, p.name
        """,
        [filters.end, filters.end, today, *OPEN_STATUSES, *district_params],
    ).fetchall()
    areas = []
    for name, description, goal, valid_from, valid_to, indicators, current, statuses, overdue in rows:
        found = list(statuses or [])
        order = STATUSES + sorted(set(found) - set(STATUSES))
        areas.append(AreaOverview(
            name=name, description=description, goal=goal, valid_from=valid_from, valid_to=valid_to,
            indicators=tuple(indicators or ()), current=bool(current),
            status_counts=tuple((s, found.count(s)) for s in order), overdue=int(overdue),
        ))
    return areas


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
        f"SELECT name, indicator_categories FROM priority_areas WHERE name IN ({_placeholders(area_names)})",
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
            FROM priority_areas WHERE name IN ({_placeholders(with_indicators)})
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

    trends = dict(empty)
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
    return trends


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
    columns = ["year", "indicator", "value", "respondents", "districts"]
    known = [r[0] for r in con.execute("SELECT DISTINCT indicator FROM survey_results ORDER BY indicator").fetchall()]
    wanted = linked_indicators(area_name, known)
    if not wanted:
        return pd.DataFrame(columns=columns)
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"district IN ({_placeholders(districts)})"
        params = list(districts)
    return con.execute(
        f"""
        SELECT left(period, 4) AS year, indicator,
               CASE WHEN count(respondents) = count(*) AND sum(respondents) > 0
                    THEN sum(value * respondents) / sum(respondents) ELSE avg(value) END AS value,
               sum(respondents) AS respondents, count(DISTINCT district) AS districts
        FROM survey_results
        WHERE indicator IN ({_placeholders(wanted)}) AND {district_sql}
        GROUP BY ALL
        ORDER BY indicator, year
        """,
        [*wanted, *params],
    ).df()
