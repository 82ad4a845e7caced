"""The interventions and the meetings' decisions as they stood at the end of a period, rebuilt from
the change history, so that a report on an old period says what was true then and stays the same
when the records change later.

An intervention's field at a moment is the old value of its first logged change after that moment,
or its current value when nothing changed since. An intervention registered after the moment (a
late registration of work done in the period) keeps the values it was registered with, and its
status at the moment follows from its dates. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from trygghet.core.periods import Window
from trygghet.store.sql import in_list

FIELDS = ("title", "priority_area", "district", "owner", "contact", "status", "start_date", "end_date", "comment")
_DATES = ("start_date", "end_date")
COLUMNS = ["id", *FIELDS, "created_at", "registered_late", "cancelled_on"]
DECISION_COLUMNS = ["id", "decided_on", "text", "organisation", "responsible", "deadline", "intervention_id",
                    "done_on", "open_at_end"]


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of a day: what was logged on the period's last day belongs to the period."""
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999))


def _as_date(value: object) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _status_on(status: str | None, start: dt.date | None, end: dt.date | None, day: dt.date) -> str | None:
    """The status on `day` of an intervention registered later, from its dates."""
    if status in (None, "Inställd") or start is None:
        return status
    if start > day:
        return "Planerad"
    if end is not None and end <= day and status == "Avslutad":
        return "Avslutad"
    return "Pågående"


def interventions_as_of(con: duckdb.DuckDBPyConnection, moment: dt.datetime) -> pd.DataFrame:
    """Every intervention with its fields as they stood at `moment` (see the module's docstring)."""
    current = con.execute(
        f"SELECT id, {', '.join(FIELDS)}, created_at FROM interventions ORDER BY id").fetchall()
    # Per intervention and field, the first change after the moment (or after the registration, for
    # one registered later) holds in its old value what the field was then.
    # Timestamps are whole seconds, so an upload that changes an intervention in the second it was
    # registered has changed_at = created_at: a later upload (a higher id than the registering one)
    # in that second is a change too.
    later = con.execute(
        f"""
        WITH registered AS (
            SELECT h.intervention_id, min(h.upload_id) AS upload_id
            FROM intervention_history h JOIN interventions i ON i.id = h.intervention_id
            WHERE h.changed_at = i.created_at
            GROUP BY ALL
        )
        SELECT h.intervention_id, h.field, arg_min(h.old_value, (h.changed_at, h.rowid))
        FROM intervention_history h JOIN interventions i ON i.id = h.intervention_id
        LEFT JOIN registered r ON r.intervention_id = h.intervention_id
        WHERE h.field IN {in_list(FIELDS)} AND h.changed_at > ?
          AND (h.changed_at > i.created_at
               OR (h.changed_at = i.created_at AND h.upload_id > r.upload_id))
        GROUP BY ALL
        """,
        [*FIELDS, moment],
    ).fetchall()
    # The day each cancelled intervention was cancelled, as of the moment: it ran until then.
    cancelled = dict(con.execute(
        """SELECT intervention_id, max(changed_at)::DATE FROM intervention_history
           WHERE field = 'status' AND new_value = 'Inställd' AND changed_at <= ? GROUP BY ALL""",
        [moment]).fetchall())
    reverted: dict[str, dict[str, object]] = {}
    for iid, name, old in later:
        reverted.setdefault(iid, {})[name] = old
    day = moment.date()
    records = []
    for row in current:
        iid, values, created_at = row[0], dict(zip(FIELDS, row[1:-1], strict=True)), row[-1]
        for name, old in reverted.get(iid, {}).items():
            values[name] = _as_date(old) if name in _DATES else old
        late = created_at is not None and created_at > moment
        if late:
            values["status"] = _status_on(values["status"], values["start_date"], values["end_date"], day)
        if values["status"] is None:
            continue  # logged as created after the moment and never registered late: it did not exist
        records.append((iid, *(values[f] for f in FIELDS), created_at, late,
                        cancelled.get(iid) if values["status"] == "Inställd" else None))
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for name in _DATES:
        frame[name] = frame[name].astype(object)
    return frame


def active_in(frame: pd.DataFrame, window: Window, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """The interventions of an interventions_as_of frame that ran during the window in the districts
    (those without a district concern the whole municipality): started before its end, not ended
    before its start, and not cancelled before they began. One cancelled after it began ran until
    the day it was cancelled, and is kept when that overlaps the window."""
    if frame.empty:
        return frame
    last = window.end - dt.timedelta(days=1)
    keep = []
    cancelled_days = frame["cancelled_on"] if "cancelled_on" in frame.columns else [None] * len(frame)
    for start, end, status, district, cancelled in zip(frame["start_date"], frame["end_date"], frame["status"],
                                                       frame["district"], cancelled_days, strict=True):
        if status == "Inställd":
            # Without the day it was cancelled, it cannot be shown to have run.
            if cancelled is None or pd.isna(cancelled):
                keep.append(False)
                continue
            end = cancelled if end is None or pd.isna(end) else min(end, cancelled)
        ran = start is not None and not pd.isna(start) and start <= last and (
            end is None or pd.isna(end) or end >= window.start) and (
            status != "Inställd" or start <= end)
        in_area = not districts or not isinstance(district, str) or district in districts
        keep.append(bool(ran and in_area))
    return _ordered(frame[keep])


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """By priority area (none last), start date and id, as the report lists them."""
    order = sorted(range(len(frame)), key=lambda i: (
        not isinstance(frame["priority_area"].iloc[i], str), str(frame["priority_area"].iloc[i]),
        _as_date(frame["start_date"].iloc[i]) or dt.date.max, str(frame["id"].iloc[i])))
    return frame.iloc[order].reset_index(drop=True)


def planned_after(frame: pd.DataFrame, window: Window, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Open interventions at the window's end (Planerad or Pågående then) in the districts: what the
    plan carries on with."""
    if frame.empty:
        return frame
    keep = [status in ("Planerad", "Pågående") and (not districts or not isinstance(d, str) or d in districts)
            for status, d in zip(frame["status"], frame["district"], strict=True)]
    return _ordered(frame[keep])


def decisions_as_of(con: duckdb.DuckDBPyConnection, day: dt.date, districts: tuple[str, ...],
                    interventions: pd.DataFrame) -> pd.DataFrame:
    """The meetings' decisions taken up to `day`, with whether each was still open then.

    A decision belongs to the chosen districts when its intervention lies in one of them or, when it
    has no intervention with a district, when its meeting covered one of them (or the whole
    municipality). `interventions` is interventions_as_of at the end of `day`."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()").fetchall()}
    if not {"decisions", "meetings"} <= tables:
        return pd.DataFrame(columns=DECISION_COLUMNS)
    moment = end_of(day)
    rows = con.execute(
        """
        SELECT d.id, m.held_on, d.text, d.organisation, d.responsible, d.deadline, d.intervention_id,
               d.done_at, m.districts
        FROM decisions d JOIN meetings m ON m.id = d.meeting_id
        WHERE m.held_on <= ?
        ORDER BY m.held_on, d.id
        """,
        [day],
    ).fetchall()
    where = dict(zip(interventions["id"], interventions["district"], strict=True)) if len(interventions) else {}
    chosen = set(districts)
    records = []
    for did, held_on, text, organisation, responsible, deadline, iid, done_at, meeting_districts in rows:
        if chosen:
            district = where.get(iid) if iid else None
            if isinstance(district, str):
                if district not in chosen:
                    continue
            elif meeting_districts and not chosen & set(meeting_districts):
                continue
        done_on = done_at.date() if done_at is not None and done_at <= moment else None
        records.append((did, held_on, text, organisation, responsible, deadline, iid, done_on, done_on is None))
    return pd.DataFrame.from_records(records, columns=DECISION_COLUMNS)
