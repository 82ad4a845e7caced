"""The agenda the data gives a meeting: the lägesbild of its week, the interventions to follow up,
the priority areas, the decisions still open and the focus places of the meeting before,
followed up, with the minutes' own records (meeting.protocol). One read, `agenda`, gives
everything the four views, the presentation and the minutes show.

A week that has not ended, or whose data stops before its Sunday, is compared on the same
weekdays and never flagged (analysis.partial_week): its key figures, CompStat counts, notable
changes, focus places and the priority areas' year to date alike.

Reads take an open connection, so that `ui.cache.query` can cache them per data version.
No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from trygghet.analysis import compstat, data_start, dispersion, partial_week, queries, stats
from trygghet.analysis.partial_week import WeekSpan
from trygghet.analysis.priority_areas import priority_area_status
from trygghet.core import clock
from trygghet.core.formatting import fmt_count, fmt_date, fmt_dec
from trygghet.core.initial_lists import OPEN_STATUSES
from trygghet.core.periods import IsoWeek, Window, previous_weeks, week_window, year_to_date
from trygghet.meeting import protocol as minutes_records
from trygghet.meeting.protocol import Protocol
from trygghet.meeting.records import (
    ORIGIN,
    FocusPlace,
    Meeting,
    Participant,
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
PARTIAL_WORDS = "Ingen bedömning – veckan är inte hel"


def _focus_counts(con: duckdb.DuckDBPyConnection, place: FocusPlace, week: IsoWeek,
                  span: WeekSpan | None) -> tuple[int, int]:
    """The events at the place in the week and in the four weeks before: on a partial week only on
    the same weekdays."""
    place_sql, params = "TRUE", []
    if place.place:
        place_sql, params = "lower(trim(place)) = lower(trim(?))", [place.place]
    if span is not None and span.partial:
        this, before = [span.window()], span.weeks_before(4)
    else:
        this, before = [week_window(week)], [previous_weeks(week, 4)]

    def within(windows: list[Window]) -> tuple[str, list[object]]:
        return (" OR ".join("(occurred_at >= ? AND occurred_at < ?)" for _ in windows),
                [d for w in windows for d in (w.start, w.end)])

    this_sql, this_params = within(this)
    before_sql, before_params = within(before)
    count, base = con.execute(
        f"""SELECT count(*) FILTER (WHERE {this_sql}), count(*) FILTER (WHERE {before_sql})
            FROM events WHERE occurred_at >= ? AND occurred_at < ? AND district = ? AND {place_sql}""",
        [*this_params, *before_params, previous_weeks(week, 4).start, week.end_exclusive(), place.district, *params],
    ).fetchone()
    return int(count), int(base)


def focus_followup(con: duckdb.DuckDBPyConnection, places: Sequence[FocusPlace], week: IsoWeek,
                   span: WeekSpan | None = None) -> pd.DataFrame:
    """The events at each focus place (or in the whole district, when no place is given) in `week`,
    against the mean of the four weeks before, flagged only where the change is statistically sure.
    On a partial week (`span`) the same weekdays are counted and nothing is flagged."""
    records = []
    partial = span is not None and span.partial
    for p in places:
        count, base = _focus_counts(con, p, week, span)
        if partial:
            records.append((p.district, p.place or "Hela stadsdelen", p.reason or "", count, fmt_dec(base / 4, 1),
                            PARTIAL_WORDS, ""))
            continue
        shape = dispersion.place_shape(con, week, p.district, p.place)
        change = stats.compare(count, base, exposure=1.0, base_exposure=4.0, shape=shape)
        records.append((p.district, p.place or "Hela stadsdelen", p.reason or "", count,
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
            reasons.append(f"Slutar {'idag' if days == 0 else 'om ' + fmt_count(days, 'dag', 'dagar')} "
                           f"({fmt_date(end)})")
        waiting = r.status == "Planerad" and (start is None or start > as_of)
        if r.status == "Planerad" and start is not None and start < as_of:
            reasons.append(f"Ej startad – startdatum {fmt_date(start)} har passerat")
        # Standing still is worth raising on its own; next to an end date it is only noise.
        if not reasons and changed is not None and (as_of - changed).days > stale_days and not waiting:
            weeks = (as_of - changed).days // 7
            reasons.append(f"Status oförändrad i {fmt_count(weeks, 'vecka', 'veckor')} (sedan {fmt_date(changed)})")
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
    # How much of the week there is: a partial one is compared on the same weekdays, never flagged.
    span: WeekSpan | None = None
    protocol: Protocol | None = None
    present: tuple[Participant, ...] = ()
    absent: tuple[Participant, ...] = ()

    @property
    def partial(self) -> bool:
        return self.span is not None and self.span.partial

    @property
    def minutes(self) -> Protocol:
        return self.protocol or Protocol(self.meeting.id)


def agenda(con: duckdb.DuckDBPyConnection, meeting_id: int, today: dt.date | None = None) -> Agenda | None:
    """Everything about the meeting, as of `today` (by default the product's clock): a week that has
    not ended by then, or whose data stops before its Sunday, is partial."""
    meeting = get_meeting(con, meeting_id)
    if meeting is None:
        return None
    filters = meeting.filters()
    week = meeting.week
    previous = previous_meeting(con, meeting)
    span = partial_week.week_span(con, week, today or clock.today(), filters.sources)
    minutes = minutes_records.protocol(con, meeting.id)
    present, absent = minutes_records.attendance(meeting, minutes, minutes_records.members(con))
    # The twelve weeks shown, not the period's whole weekly series.
    counts = queries.weekly_series(con, replace(filters, start=week.shift(-11).monday(), end=week.sunday()), None, 0)
    weeks = pd.date_range(end=pd.Timestamp(week.monday()), periods=12, freq="7D")
    weekly = pd.DataFrame({"week": weeks}).merge(
        counts.assign(week=pd.to_datetime(counts["week"]))[["week", "count"]], on="week", how="left"
    ).fillna({"count": 0})
    weekly["count"] = weekly["count"].astype(int)
    areas_window = partial_week.areas_window(year_to_date(week), span)
    last_day = con.execute("SELECT max(day)::DATE FROM event_counts").fetchone()[0]
    first = data_start.first_day(con, filters.sources)
    return Agenda(
        meeting=meeting,
        previous=previous,
        key_figures=partial_week.key_figures(con, filters, span),
        notable=[] if span.partial else compstat.notable_changes(queries.district_category_week(con, filters), limit=6),
        compstat=partial_week.compstat_counts(con, filters, span, "category"),
        weekly=weekly,
        top_places=queries.top_places(con, filters, limit=8),
        followup=followup_interventions(con, meeting.held_on, meeting.districts),
        previous_focus=focus_followup(con, focus_places(con, previous.id), week, span) if previous else
        pd.DataFrame(columns=FOCUS_COLUMNS),
        areas=priority_area_status(con, meeting.districts, areas_window, meeting.held_on, first_day=first),
        areas_window=areas_window,
        decisions=decisions(con, meeting),
        focus=focus_places(con, meeting.id),
        changes=meeting_changes(con, meeting),
        data_until=last_day,
        key_figure_gaps=data_start.key_figure_gaps(week, first),
        compstat_gaps=data_start.compstat_gaps(week, first),
        span=span,
        protocol=minutes,
        present=present,
        absent=absent,
    )

