"""Interventions: the list, the change history and the effect data behind the page Insatser.
Priority areas, which group interventions, are analysed in analysis.priority_areas.

Named query functions take an open connection first and return small frames or objects,
so that `ui.query` can cache them per data version. No Streamlit here: everything can be
checked by hand in the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import effect as effects
from trygghet.analysis.effect import PERIOD_AFTER, PERIOD_BEFORE, PERIOD_DURING
from trygghet.core import clock
from trygghet.core.filters import Filters
from trygghet.core.initial_lists import OPEN_STATUSES, STATUSES
from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.store.sql import in_list

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


def _district_clause(districts: Sequence[str], alias: str = "") -> tuple[str, list[object]]:
    """Interventions in the chosen districts; one without a district concerns the whole municipality
    and is therefore never filtered away."""
    if not districts:
        return "TRUE", []
    column = f"{alias}.district" if alias else "district"
    return f"({column} IS NULL OR {column} IN {in_list(districts)})", list(districts)


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
            conditions.append(f"{column} IN {in_list(values)}")
            params.extend(values)
    open_sql = f"status IN {in_list(OPEN_STATUSES)}"
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


def list_for(listed: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """intervention_list for `districts` from its rows for every district (filters without districts):
    those of the chosen districts and those without one, in the same order. A click on a district
    then cuts a cached list instead of asking the database again."""
    if not districts:
        return listed
    district = listed["Stadsdel"]
    cut = listed[district.isna() | district.isin(list(districts))].reset_index(drop=True)
    if len(cut) and cut["Stadsdel"].isna().all():
        # Typed as DuckDB types a column of NULLs (None in an object column), as the query for the choice gives it.
        cut["Stadsdel"] = pd.Series([None] * len(cut), dtype=object)
    return cut


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
    # week (Monday, date), period ('före'/'under'/'efter'), treated, control and buffer
    frame: pd.DataFrame = field(compare=False)
    buffer: tuple[str, ...] = ()  # neighbouring districts to look for displacement in; not in the control

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
    buffer: tuple[str, ...] = (),
    as_of: Mapping[str, object] | None = None,
) -> EffectData | None:
    """Weekly counts from `weeks_before` weeks before the start to `weeks_after` after the end.

    The categories are those of the intervention's priority area (all categories when it has
    none). A week that contains the start or the end day counts as 'under'. Only whole weeks
    inside the data are used: a week before the first event or after the last one would show
    zero events that were never reported, not events that did not happen.
    None when the intervention is unknown or has no district or start date (see no_effect_reason).
    `data_range` is queries.event_date_range, for callers that already have it (the report asks for
    every intervention's effect). `buffer` names districts counted apart (column buffer) and
    left out of the comparison, to see whether events moved there. `as_of` (a period_snapshot row)
    gives the district, status, dates and priority area as they stood then.
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
    if as_of is not None:
        # The fields as they stood on a past day (period_snapshot): an old report keeps its effects.
        district, status, start, end = (as_of.get(k) for k in ("district", "status", "start_date", "end_date"))
        start, end = (None if v is None or pd.isna(v) else v for v in (start, end))  # type: ignore[arg-type]
        if as_of.get("priority_area") != area:
            area = as_of.get("priority_area")
            found = con.execute("SELECT indicator_categories FROM priority_areas WHERE name = ?", [area]).fetchone()
            categories = found[0] if found else None
    if no_effect_reason(district, start) is not None:
        return None
    open_ended = end is None
    end = max(start, today if end is None else end)
    categories = tuple(categories or ())
    buffer = tuple(sorted(set(buffer) - {district}))

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

    by_week: dict[dt.date, tuple[int, int, int]] = {}
    if weeks:
        category_sql, category_params = "TRUE", []
        if categories:
            category_sql = f"category IN {in_list(categories)}"
            category_params = list(categories)
        buffer_sql = f"district IN {in_list(buffer)}" if buffer else "FALSE"
        counts = con.execute(
            f"""
            SELECT date_trunc('week', day)::DATE AS week,
                   coalesce(sum(n) FILTER (WHERE district = ?), 0)::BIGINT AS treated,
                   coalesce(sum(n) FILTER (WHERE district <> ? AND NOT ({buffer_sql})), 0)::BIGINT AS control,
                   coalesce(sum(n) FILTER (WHERE {buffer_sql}), 0)::BIGINT AS buffer
            FROM event_counts
            WHERE day >= ? AND day < ? AND {category_sql}
            GROUP BY 1
            """,
            [district, district, *buffer, *buffer, weeks[0], weeks[-1] + dt.timedelta(days=7), *category_params],
        ).fetchall()
        by_week = {w: (int(t), int(c), int(b)) for w, t, c, b in counts}
    start_monday, end_monday = IsoWeek.of(start).monday(), IsoWeek.of(end).monday()
    # Built from plain lists in one go: the report asks this for every intervention.
    frame = pd.DataFrame({
        "week": weeks,
        "period": [PERIOD_BEFORE if w < start_monday else PERIOD_DURING if w <= end_monday else PERIOD_AFTER
                   for w in weeks],
        "treated": np.array([by_week.get(w, (0, 0, 0))[0] for w in weeks], dtype=np.int64),
        "control": np.array([by_week.get(w, (0, 0, 0))[1] for w in weeks], dtype=np.int64),
        "buffer": np.array([by_week.get(w, (0, 0, 0))[2] for w in weeks], dtype=np.int64),
    })
    return EffectData(
        intervention_id=iid, title=title, district=district, status=status, start=start, end=end,
        open_ended=open_ended, categories=categories, priority_area=area, weeks_before_asked=weeks_before,
        frame=frame, buffer=buffer,
    )


def effect_summary(frame: pd.DataFrame, compare: str = PERIOD_DURING, level: float = 0.95,
                   buffer: tuple[str, ...] = ()) -> effects.Effect | None:
    """The weeks before against the weeks `compare` ('under' or 'efter'), from effect_data's frame:
    effect.summary, with the buffer's displacement when `buffer` names the districts in its column.
    None when either period has no weeks. The text opens with 'Under insatsen:' or 'Efter insatsen:'.
    """
    return effects.summary(frame, compare, level, buffer)
