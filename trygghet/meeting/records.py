"""The meeting's records: who met when, on which districts and week, what they decided and which
focus places they chose, read back for the agenda and the minutes; the meeting's own writes
(create, change, close, reopen) and the stored report texts.

The value types and the text and date cleaning here are shared by meeting.edits (the decisions and
intervention changes made during the meeting) and meeting.agenda (what the data puts on the agenda).

Writes take a `Database` and run as one transaction (`db.write()`, which bumps the data
version so every dashboard refreshes); reads take an open connection, so that `ui.cache.query`
can cache them per data version. The tables come with the rest of the schema (store.schema),
created or upgraded when the database is opened, never by a write; a read on an older file that
lacks them returns nothing. No Streamlit here.

Free text (decisions, roles, places, comments) is run through `privacy.scrub` before it is
stored. Participants are recorded by organisation and role, never by personal name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.core.filters import Filters
from trygghet.core.formatting import fmt_date
from trygghet.core.initial_lists import OPEN_STATUSES, STATUSES
from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.store import access, audit, reference_lists
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import table_names
from trygghet.store.sql import in_list

TABLES = ("meetings", "decisions", "focus_places", "report_texts", "meeting_protocol", "decision_reports")

OPEN, DONE = "öppen", "klar"
ORIGIN = "möte"
MAX_TEXT = 2000  # characters kept of one free-text answer


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return set(TABLES) <= table_names(con)


class MeetingError(UserError, ValueError):
    """A request the meeting functions refuse, with a Swedish message for the user."""


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Participant:
    organisation: str
    role: str = ""

    @property
    def label(self) -> str:
        return f"{self.organisation} – {self.role}" if self.role else self.organisation


@dataclass(frozen=True)
class Meeting:
    id: int
    held_on: dt.date
    week: IsoWeek  # the lägesbild week: the last complete week before the meeting
    title: str
    participants: tuple[Participant, ...]
    districts: tuple[str, ...]  # empty: the whole municipality
    created_at: dt.datetime
    closed_at: dt.datetime | None
    approved_at: dt.datetime | None = None  # justerat: the minutes are locked from then on

    @property
    def locked(self) -> bool:
        return self.approved_at is not None

    @property
    def changed_by(self) -> str:
        """How the intervention history names this meeting."""
        return f"Möte {fmt_date(self.held_on)}"

    @property
    def label(self) -> str:
        return f"{fmt_date(self.held_on)} · {self.title}"

    @property
    def district_label(self) -> str:
        return ", ".join(self.districts) if self.districts else "Alla stadsdelar"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def filters(self) -> Filters:
        """The selection the agenda is computed on: the meeting's week and districts, all categories."""
        end = self.week.sunday()
        return Filters(week=self.week, start=dt.date(end.year - 1, 1, 1), end=end, districts=self.districts)


@dataclass(frozen=True)
class FocusPlace:
    district: str
    place: str | None = None
    reason: str | None = None


@dataclass
class Removed:
    """What privacy.scrub took out of the texts of one write, to tell the user."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, text: str | None) -> str | None:
        if text is None:
            return None
        cleaned = str(text).replace("\r\n", "\n").replace("\r", "\n")
        # Control characters are invalid in Word's XML and in PDF text; a pasted text can carry them.
        cleaned = "".join(c for c in cleaned if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127)).strip()
        if not cleaned:
            return None
        # Scrubbed a little beyond the limit before it is cut, so a number across the cut is masked whole.
        scrubbed, findings = privacy.scrub(cleaned[: MAX_TEXT + 64])
        self.counts.update(findings.counts)
        return scrubbed[:MAX_TEXT].strip()

    def __bool__(self) -> bool:
        return bool(self.counts)

    @property
    def message(self) -> str:
        return f"Borttaget ur texten: {privacy.describe(self.counts)}." if self.counts else ""


def _participants_json(participants: Iterable[Participant], removed: Removed) -> str:
    items = []
    for p in participants:
        organisation = removed.add(p.organisation)
        if not organisation:
            continue
        items.append({"organisation": organisation, "role": removed.add(p.role) or ""})
    return json.dumps(items, ensure_ascii=False)


def _parse_participants(text: str | None) -> tuple[Participant, ...]:
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(Participant(str(i.get("organisation", "")), str(i.get("role", "") or ""))
                 for i in items if isinstance(i, dict) and i.get("organisation"))


def _meeting(row: tuple[object, ...]) -> Meeting:
    mid, held_on, week, title, participants, districts, created_at, closed_at, approved_at = row
    try:
        iso = IsoWeek.parse(str(week))
    except ValueError:
        iso = latest_complete_week(held_on)  # type: ignore[arg-type]
    return Meeting(int(mid), held_on, iso, str(title), _parse_participants(participants),  # type: ignore[arg-type]
                   tuple(districts or ()), created_at, closed_at, approved_at)  # type: ignore[arg-type]


_MEETING_COLUMNS = "id, held_on, week, title, participants, districts, created_at, closed_at"
# A meeting as the reads give it: with the moment its minutes were approved (justerade), if they were.
_SELECT_MEETING = ("SELECT m.id, m.held_on, m.week, m.title, m.participants, m.districts, m.created_at, m.closed_at, "
                   "p.approved_at FROM meetings m LEFT JOIN meeting_protocol p ON p.meeting_id = m.id")


def as_text(value: object) -> str | None:
    """A value as the intervention history stores it (dates ISO, as the importer writes them)."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_missing(value: object) -> bool:
    """None, NaN, NaT: what an edited table or a database row gives for an empty cell."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # lists and other containers
        return False


def as_date(value: object) -> dt.date | None:
    """A cell or typed text as a date; text that is not a date is refused in Swedish."""
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError as exc:
        raise MeetingError(f"Datumet '{text}' förstås inte (skriv ÅÅÅÅ-MM-DD).") from exc


# ---------------------------------------------------------------- meetings: writes


def timestamp(now: dt.datetime | None) -> dt.datetime:
    """When a write happened: `now` when a test gives it, else the product's clock, to the second."""
    return (now or clock.now()).replace(microsecond=0)


def check_districts(con: duckdb.DuckDBPyConnection, districts: Iterable[str]) -> tuple[str, ...]:
    """The districts as the database spells them, each once; an unknown one is refused."""
    known = {d.casefold(): d for d in reference_lists.districts(con)}
    chosen: list[str] = []
    for name in districts:
        hit = known.get(str(name).strip().casefold())
        if hit is None:
            raise MeetingError(f"Okänd stadsdel: '{name}'.")
        if hit not in chosen:
            chosen.append(hit)
    return tuple(chosen)


def require_meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting:
    """The meeting a write is about; a missing one, or one whose minutes are approved (justerade)
    and so locked, is refused in Swedish."""
    row = con.execute(f"{_SELECT_MEETING} WHERE m.id = ?", [meeting_id]).fetchone()
    if row is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    meeting = _meeting(row)
    if meeting.locked:
        raise MeetingError(locked_message(meeting))
    return meeting


def locked_message(meeting: Meeting) -> str:
    when = fmt_date(meeting.approved_at.date()) if meeting.approved_at else ""
    return (f"Protokollet från mötet {fmt_date(meeting.held_on)} är justerat {when} och låst: inget i mötet kan "
            "ändras längre. Anteckna en rättelse i nästa mötes protokoll.")


def default_title(held_on: dt.date) -> str:
    return f"Samverkansmöte v. {IsoWeek.of(held_on).week}"


def create_meeting(
    db: Database,
    held_on: dt.date,
    participants: Sequence[Participant] = (),
    districts: Sequence[str] = (),
    title: str | None = None,
    week: IsoWeek | None = None,
    now: dt.datetime | None = None,
    *,
    actor: Actor,
) -> int:
    """A new meeting; its lägesbild week is the last complete week before `held_on` unless given."""
    access.require(actor, access.RUN_MEETINGS, "skapa ett möte")
    removed = Removed()
    with db.write() as con:
        chosen = check_districts(con, districts)
        mid = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM meetings").fetchone()[0])
        con.execute(
            f"INSERT INTO meetings ({_MEETING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            [mid, held_on, str(week or latest_complete_week(held_on)), removed.add(title) or default_title(held_on),
             _participants_json(participants, removed), list(chosen), timestamp(now)],
        )
        audit.record(con, actor, "möte skapat", f"möte {mid}", {"datum": fmt_date(held_on)})
    return mid


def update_meeting(
    db: Database,
    meeting_id: int,
    *,
    participants: Sequence[Participant] | None = None,
    districts: Sequence[str] | None = None,
    title: str | None = None,
    held_on: dt.date | None = None,
    actor: Actor,
) -> None:
    access.require(actor, access.RUN_MEETINGS, "ändra ett möte")
    removed = Removed()
    with db.write() as con:
        meeting = require_meeting(con, meeting_id)
        values = {
            "participants": _participants_json(participants, removed) if participants is not None else None,
            "districts": list(check_districts(con, districts)) if districts is not None else None,
            "title": (removed.add(title) or default_title(held_on or meeting.held_on)) if title is not None else None,
            "held_on": held_on,
        }
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            # DuckDB rewrites a list column as delete + insert; a key update in the same statement would clash.
            for column, value in values.items():
                con.execute(f"UPDATE meetings SET {column} = ? WHERE id = ?", [value, meeting_id])
            audit.record(con, actor, "möte ändrat", f"möte {meeting_id}", {"fält": sorted(values)})


def close_meeting(db: Database, meeting_id: int, now: dt.datetime | None = None, *, actor: Actor) -> None:
    access.require(actor, access.RUN_MEETINGS, "avsluta ett möte")
    with db.write() as con:
        require_meeting(con, meeting_id)
        con.execute("UPDATE meetings SET closed_at = ? WHERE id = ?", [timestamp(now), meeting_id])
        audit.record(con, actor, "möte avslutat", f"möte {meeting_id}")


def reopen_meeting(db: Database, meeting_id: int, *, actor: Actor) -> None:
    access.require(actor, access.RUN_MEETINGS, "öppna ett möte igen")
    with db.write() as con:
        require_meeting(con, meeting_id)
        con.execute("UPDATE meetings SET closed_at = NULL WHERE id = ?", [meeting_id])
        audit.record(con, actor, "möte öppnat igen", f"möte {meeting_id}")



# ---------------------------------------------------------------- reads


def list_meetings(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    """Every meeting, the latest first."""
    if not has_schema(con):
        return []
    rows = con.execute(f"{_SELECT_MEETING} ORDER BY m.held_on DESC, m.id DESC").fetchall()
    return [_meeting(r) for r in rows]


def get_meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting | None:
    if not has_schema(con):
        return None
    row = con.execute(f"{_SELECT_MEETING} WHERE m.id = ?", [meeting_id]).fetchone()
    return _meeting(row) if row else None


def meeting_in_week(con: duckdb.DuckDBPyConnection, day: dt.date) -> Meeting | None:
    """The latest meeting held in the ISO week of `day` (this week's meeting)."""
    if not has_schema(con):
        return None
    week = IsoWeek.of(day)
    row = con.execute(
        f"{_SELECT_MEETING} WHERE m.held_on >= ? AND m.held_on < ? ORDER BY m.held_on DESC, m.id DESC",
        [week.monday(), week.end_exclusive()],
    ).fetchone()
    return _meeting(row) if row else None


def previous_meeting(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> Meeting | None:
    if not has_schema(con):
        return None
    row = con.execute(
        f"{_SELECT_MEETING} WHERE (m.held_on, m.id) < (?, ?) ORDER BY m.held_on DESC, m.id DESC",
        [meeting.held_on, meeting.id],
    ).fetchone()
    return _meeting(row) if row else None


DECISION_COLUMNS = ["id", "meeting_id", "decided_on", "text", "organisation", "responsible", "deadline", "status",
                    "done_on", "intervention_id", "intervention_title", "carried", "overdue", "report_text",
                    "reported_on"]


def decisions(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> pd.DataFrame:
    """The meeting's own decisions and, carried forward, every earlier decision that was still open
    when the meeting began (open now, or marked done at this meeting or later). Earlier ones first.

    Columns: DECISION_COLUMNS; `carried` is True for decisions from earlier meetings, `overdue`
    for open decisions whose deadline is before the meeting; `report_text` and `reported_on` are
    the report-back given at this meeting, if any.
    """
    if not has_schema(con):
        return pd.DataFrame(columns=DECISION_COLUMNS)
    return con.execute(
        """
        SELECT d.id, d.meeting_id, m.held_on AS decided_on, d.text, d.organisation, d.responsible, d.deadline,
               d.status, coalesce(dm.held_on, d.done_at::DATE) AS done_on, d.intervention_id,
               i.title AS intervention_title, d.meeting_id <> ? AS carried,
               coalesce(d.status = ? AND d.deadline < ?, FALSE) AS overdue,
               r.text AS report_text, r.reported_on
        FROM decisions d
        JOIN meetings m ON m.id = d.meeting_id
        LEFT JOIN meetings dm ON dm.id = d.done_meeting_id
        LEFT JOIN interventions i ON i.id = d.intervention_id
        LEFT JOIN decision_reports r ON r.decision_id = d.id AND r.meeting_id = ?
        WHERE d.meeting_id = ?
           OR ((m.held_on, m.id) < (?, ?)
               AND (d.status = ? OR coalesce(dm.held_on, d.done_at::DATE) >= ?))
        ORDER BY carried DESC, m.held_on, d.id
        """,
        [meeting.id, OPEN, meeting.held_on, meeting.id, meeting.id, meeting.held_on, meeting.id, OPEN,
         meeting.held_on],
    ).df()


def focus_places(con: duckdb.DuckDBPyConnection, meeting_id: int) -> list[FocusPlace]:
    if not has_schema(con):
        return []
    rows = con.execute(
        """SELECT f.district, f.place, f.reason FROM focus_places f LEFT JOIN districts d ON d.name = f.district
           WHERE f.meeting_id = ? ORDER BY d.sort_order NULLS LAST, f.district, f.place NULLS FIRST""",
        [meeting_id],
    ).fetchall()
    return [FocusPlace(*r) for r in rows]


def intervention_choices(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Interventions a decision can change: open ones first, then the rest, newest first."""
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"(district IS NULL OR district IN {in_list(districts)})"
        params = list(districts)
    return con.execute(
        f"""SELECT id, title, district, status, end_date, comment FROM interventions WHERE {district_sql}
            ORDER BY status IN {in_list(OPEN_STATUSES)} DESC, coalesce(end_date, DATE '9999-12-31') DESC, id""",
        [*params, *OPEN_STATUSES],
    ).df()


def reference(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Lists the meeting's forms offer: districts, organisations, priority areas, statuses."""
    return {
        "districts": reference_lists.districts(con),
        "organisations": reference_lists.organisations(con),
        "priority_areas": reference_lists.priority_areas(con),
        "statuses": list(STATUSES),
    }


# ---------------------------------------------------------------- report texts


def report_text(con: duckdb.DuckDBPyConnection, key: str) -> str:
    if not has_schema(con):
        return ""
    row = con.execute("SELECT text FROM report_texts WHERE key = ?", [key]).fetchone()
    return (row[0] or "") if row else ""


def save_report_text(db: Database, key: str, text: str, now: dt.datetime | None = None, *,
                     actor: Actor) -> Removed:
    """The analysis text of a lägesbild report (or any other stored report section)."""
    access.require(actor, access.RUN_MEETINGS, "spara rapportens analys")
    removed = Removed()
    cleaned = removed.add(text)
    with db.write() as con:
        con.execute("INSERT OR REPLACE INTO report_texts VALUES (?, ?, ?)", [key, cleaned, timestamp(now)])
        audit.record(con, actor, "rapporttext", key)
    return removed

