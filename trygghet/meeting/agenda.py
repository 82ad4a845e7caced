"""The agenda the data gives a meeting: the lägesbild of its week, the interventions to follow up,
the priority areas, the decisions still open and the focus places of the meeting before,
followed up. One read, `agenda`, gives everything the four views and the minutes show.

Reads take an open connection, so that `ui.cache.query` can cache them per data version.
No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from trygghet.analysis import compstat, data_start, dispersion, queries, stats
from trygghet.analysis.priority_areas import priority_area_status
from trygghet.core.formatting import fmt_date, fmt_dec
from trygghet.core.initial_lists import OPEN_STATUSES
from trygghet.core.periods import IsoWeek, Window, previous_weeks, week_window, year_to_date
from trygghet.meeting.records import (
    ORIGIN,
    FocusPlace,
    Meeting,
    as_date,
    decisions,
    focus_places,
    get_meeting,
    previous_meeting,
)
from trygghet.store.sql import in_list

SOON_DAYS = 14  # "slutar snart": the end date is at most two weeks away
STALE_DAYS = 28  # "status oförändrad": more than four weeks since the status last changed


def _change_words(change: stats.Change) -> str:
    if change.direction == "upp":
        return "Ökning (säker)"
    if change.direction == "ned":
        return "Minskning (säker)"
    return "Ingen säker förändring"


FOCUS_COLUMNS = ["Stadsdel", "Plats", "Anledning", "Händelser", "Snitt 4 v. före", "Förändring", "flag"]


def focus_followup(con: duckdb.DuckDBPyConnection, places: Sequence[FocusPlace], week: IsoWeek) -> pd.DataFrame:
    """The events at each focus place (or in the whole district, when no place is given) in `week`,
    against the mean of the four weeks before, flagged only where the change is statistically sure."""
    records = []
    this, before = week_window(week), previous_weeks(week, 4)
    for p in places:
        place_sql, params = "TRUE", []
        if p.place:
            place_sql, params = "lower(trim(place)) = lower(trim(?))", [p.place]
        count, base = con.execute(
            f"""SELECT count(*) FILTER (WHERE occurred_at >= ?), count(*) FILTER (WHERE occurred_at < ?)
                FROM events WHERE occurred_at >= ? AND occurred_at < ? AND district = ? AND {place_sql}""",
            [this.start, this.start, before.start, this.end, p.district, *params],
        ).fetchone()
        shape = dispersion.place_shape(con, week, p.district, p.place)
        change = stats.compare(int(count), int(base), exposure=1.0, base_exposure=4.0, shape=shape)
        records.append((p.district, p.place or "Hela stadsdelen", p.reason or "", int(count),
                        fmt_dec(change.expected, 1), _change_words(change), change.direction or ""))
    return pd.DataFrame.from_records(records, columns=FOCUS_COLUMNS)


FOLLOWUP_COLUMNS = ["id", "title", "district", "priority_area", "owner", "contact", "status", "start_date",
                    "end_date", "comment", "last_status_change", "reasons", "overdue"]


def followup_interventions(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    districts: tuple[str, ...] = (),
    soon_days: int = SOON_DAYS,
    stale_days: int = STALE_DAYS,
) -> pd.DataFrame:
    """Open interventions the meeting should follow up, with the reasons in Swedish:

    - ending soon: the end date is within `soon_days` days from `as_of`;
    - overdue: the end date has passed but the status is still Planerad or Pågående;
    - stale: the status has not changed for more than `stale_days` days (planned interventions that
      have not started yet are left out: waiting is what they are supposed to do), named only
      when there is no other reason;
    - not started: still Planerad although the start date has passed.

    Interventions without a district concern the whole municipality and are always included.
    Overdue ones come first, then by end date.
    """
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"(i.district IS NULL OR i.district IN {in_list(districts)})"
        params = list(districts)
    frame = con.execute(
        f"""
        WITH last_status AS (
            SELECT intervention_id, max(changed_at) AS changed_at
            FROM intervention_history WHERE field = 'status' GROUP BY intervention_id
        )
        SELECT i.id, i.title, i.district, i.priority_area, i.owner, i.contact, i.status, i.start_date,
               i.end_date, i.comment, coalesce(s.changed_at, i.created_at)::DATE AS last_status_change
        FROM interventions i LEFT JOIN last_status s ON s.intervention_id = i.id
        WHERE i.status IN {in_list(OPEN_STATUSES)} AND {district_sql}
        """,
        [*OPEN_STATUSES, *params],
    ).df()
    records = []
    for r in frame.itertuples(index=False):
        end = as_date(r.end_date)
        start = as_date(r.start_date)
        changed = as_date(r.last_status_change)
        reasons = []
        overdue = end is not None and end < as_of
        if overdue:
            reasons.append(f"Försenad – slutdatum {fmt_date(end)}")
        elif end is not None and (end - as_of).days <= soon_days:
            days = (end - as_of).days
            reasons.append(f"Slutar {'idag' if days == 0 else f'om {days} dagar'} ({fmt_date(end)})")
        waiting = r.status == "Planerad" and (start is None or start > as_of)
        if r.status == "Planerad" and start is not None and start < as_of:
            reasons.append(f"Ej startad – startdatum {fmt_date(start)} har passerat")
        # Standing still is worth raising on its own; next to an end date it is only noise.
        if not reasons and changed is not None and (as_of - changed).days > stale_days and not waiting:
            weeks = (as_of - changed).days // 7
            reasons.append(f"Status oförändrad i {weeks} veckor (sedan {fmt_date(changed)})")
        if reasons:
            records.append((r.id, r.title, r.district, r.priority_area, r.owner, r.contact, r.status, start, end,
                            r.comment, changed, " · ".join(reasons), overdue))
    result = pd.DataFrame.from_records(records, columns=FOLLOWUP_COLUMNS)
    if result.empty:
        return result
    result["_end"] = pd.to_datetime(result["end_date"])
    return result.sort_values(["overdue", "_end", "id"], ascending=[False, True, True],
                              na_position="last").drop(columns="_end").reset_index(drop=True)


def meeting_changes(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> pd.DataFrame:
    """The intervention changes the meeting made, in the order they were made."""
    return con.execute(
        """
        SELECT h.intervention_id AS id, i.title, h.field, h.old_value, h.new_value, h.changed_at
        FROM intervention_history h LEFT JOIN interventions i ON i.id = h.intervention_id
        WHERE h.origin = ? AND h.changed_by = ?
        ORDER BY h.changed_at, h.rowid
        """,
        [ORIGIN, meeting.changed_by],
    ).df()


# ---------------------------------------------------------------- the agenda


@dataclass(frozen=True)
class Agenda:
    """Everything the four agenda views and the minutes show for one meeting."""

    meeting: Meeting
    previous: Meeting | None
    key_figures: dict[str, float]
    notable: list[compstat.Notable]
    compstat: pd.DataFrame  # counts per category for the CompStat table
    weekly: pd.DataFrame  # week (Monday), count: the twelve weeks up to the meeting's week
    top_places: pd.DataFrame
    followup: pd.DataFrame
    previous_focus: pd.DataFrame  # the previous meeting's focus places, followed up
    areas: pd.DataFrame
    areas_window: Window
    decisions: pd.DataFrame
    focus: list[FocusPlace]
    changes: pd.DataFrame
    data_until: dt.date | None
    # The comparisons that reach back before the data began (data_start): 'ingen jämförelse …', never 0.
    key_figure_gaps: dict[str, str] = field(default_factory=dict)
    compstat_gaps: dict[str, str] = field(default_factory=dict)


def agenda(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Agenda | None:
    meeting = get_meeting(con, meeting_id)
    if meeting is None:
        return None
    filters = meeting.filters()
    week = meeting.week
    previous = previous_meeting(con, meeting)
    # The twelve weeks shown, not the period's whole weekly series.
    counts = queries.weekly_series(con, replace(filters, start=week.shift(-11).monday(), end=week.sunday()), None, 0)
    weeks = pd.date_range(end=pd.Timestamp(week.monday()), periods=12, freq="7D")
    weekly = pd.DataFrame({"week": weeks}).merge(
        counts.assign(week=pd.to_datetime(counts["week"]))[["week", "count"]], on="week", how="left"
    ).fillna({"count": 0})
    weekly["count"] = weekly["count"].astype(int)
    areas_window = year_to_date(week)
    last_day = con.execute("SELECT max(day)::DATE FROM event_counts").fetchone()[0]
    first = data_start.first_day(con, filters.sources)
    return Agenda(
        meeting=meeting,
        previous=previous,
        key_figures=queries.key_figures(con, filters),
        notable=compstat.notable_changes(queries.district_category_week(con, filters), limit=6),
        compstat=queries.compstat_counts(con, filters, "category"),
        weekly=weekly,
        top_places=queries.top_places(con, filters, limit=8),
        followup=followup_interventions(con, meeting.held_on, meeting.districts),
        previous_focus=focus_followup(con, focus_places(con, previous.id), week) if previous else
        pd.DataFrame(columns=FOCUS_COLUMNS),
        areas=priority_area_status(con, meeting.districts, areas_window, meeting.held_on, first_day=first),
        areas_window=areas_window,
        decisions=decisions(con, meeting),
        focus=focus_places(con, meeting.id),
        changes=meeting_changes(con, meeting),
        data_until=last_day,
        key_figure_gaps=data_start.key_figure_gaps(week, first),
        compstat_gaps=data_start.compstat_gaps(week, first),
    )

