"""The weekly meeting: who met, the agenda the data gives, decisions with owners and deadlines,
next week's focus places, and the interventions the meeting creates or changes.

Writes take a `Database` and run as one transaction (`db.write()`, which bumps the data
version so every dashboard refreshes); reads take an open connection, so that `ui.query`
can cache them per data version. No Streamlit here.

Free text (decisions, roles, places, comments) is run through `privacy.scrub` before it is
stored. Participants are recorded by organisation and role, never by personal name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from trygghet.analysis import compstat, queries, stats
from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.core.filters import Filters
from trygghet.core.formatting import fmt_change_int, fmt_change_pct, fmt_date, fmt_dec
from trygghet.core.periods import IsoWeek, Window, latest_complete_week, previous_weeks, week_window, year_to_date
from trygghet.core.reference_lists import OPEN_STATUSES, STATUSES
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import MEETING_DDL, table_names

# ---------------------------------------------------------------- schema

SCHEMA = MEETING_DDL  # defined once, with the rest of the schema
TABLES = ("meetings", "decisions", "focus_places", "report_texts")

OPEN, DONE = "öppen", "klar"
ORIGIN = "möte"
# Fields of an intervention a meeting may set; the id is never changed.
INTERVENTION_FIELDS = ("title", "priority_area", "district", "owner", "contact", "status",
                       "start_date", "end_date", "comment")
SOON_DAYS = 14  # "slutar snart": the end date is at most two weeks away
STALE_DAYS = 28  # "status oförändrad": more than four weeks since the status last changed
MAX_TEXT = 2000  # characters kept of one free-text answer


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The meeting tables, created when missing (databases made before the meeting page existed)."""
    con.execute(SCHEMA)


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


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    intervention_id: str | None
    changed_fields: tuple[str, ...]
    removed: Removed


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
    mid, held_on, week, title, participants, districts, created_at, closed_at = row
    try:
        iso = IsoWeek.parse(str(week))
    except ValueError:
        iso = latest_complete_week(held_on)  # type: ignore[arg-type]
    return Meeting(int(mid), held_on, iso, str(title), _parse_participants(participants),  # type: ignore[arg-type]
                   tuple(districts or ()), created_at, closed_at)  # type: ignore[arg-type]


_MEETING_COLUMNS = "id, held_on, week, title, participants, districts, created_at, closed_at"


def _as_text(value: object) -> str | None:
    """A value as the intervention history stores it (dates ISO, as the importer writes them)."""
    if _is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # lists and other containers
        return False


def _as_date(value: object) -> dt.date | None:
    if _is_missing(value):
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


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or clock.now()).replace(microsecond=0)


def _known_districts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM districts ORDER BY sort_order, name").fetchall()]


def _check_districts(con: duckdb.DuckDBPyConnection, districts: Iterable[str]) -> tuple[str, ...]:
    known = {d.casefold(): d for d in _known_districts(con)}
    chosen: list[str] = []
    for name in districts:
        hit = known.get(str(name).strip().casefold())
        if hit is None:
            raise MeetingError(f"Okänd stadsdel: '{name}'.")
        if hit not in chosen:
            chosen.append(hit)
    return tuple(chosen)


def _load(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting:
    row = con.execute(f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    if row is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    return _meeting(row)


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
        ensure_schema(con)
        chosen = _check_districts(con, districts)
        mid = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM meetings").fetchone()[0])
        con.execute(
            f"INSERT INTO meetings ({_MEETING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
            [mid, held_on, str(week or latest_complete_week(held_on)), removed.add(title) or default_title(held_on),
             _participants_json(participants, removed), list(chosen), _now(now)],
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
        ensure_schema(con)
        meeting = _load(con, meeting_id)
        values = {
            "participants": _participants_json(participants, removed) if participants is not None else None,
            "districts": list(_check_districts(con, districts)) if districts is not None else None,
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
        ensure_schema(con)
        _load(con, meeting_id)
        con.execute("UPDATE meetings SET closed_at = ? WHERE id = ?", [_now(now), meeting_id])
        audit.record(con, actor, "möte avslutat", f"möte {meeting_id}")


def reopen_meeting(db: Database, meeting_id: int, *, actor: Actor) -> None:
    access.require(actor, access.RUN_MEETINGS, "öppna ett möte igen")
    with db.write() as con:
        ensure_schema(con)
        _load(con, meeting_id)
        con.execute("UPDATE meetings SET closed_at = NULL WHERE id = ?", [meeting_id])
        audit.record(con, actor, "möte öppnat igen", f"möte {meeting_id}")


# ---------------------------------------------------------------- interventions from a meeting


def _history(con: duckdb.DuckDBPyConnection, meeting: Meeting, iid: str, changes: Mapping[str, tuple[object, object]],
             now: dt.datetime) -> None:
    rows = [(iid, f, _as_text(old), _as_text(new), now, None, meeting.changed_by, ORIGIN)
            for f, (old, new) in changes.items()]
    if rows:
        con.executemany("INSERT INTO intervention_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _clean_fields(con: duckdb.DuckDBPyConnection, values: Mapping[str, object], removed: Removed) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in INTERVENTION_FIELDS:
            raise MeetingError(f"Fältet '{name}' kan inte ändras från mötet.")
        if name in ("start_date", "end_date"):
            cleaned[name] = _as_date(value)
        elif name == "status":
            text = str(value or "").strip()
            match = next((s for s in STATUSES if s.casefold() == text.casefold()), None)
            if match is None:
                raise MeetingError(f"Okänd status '{text}' (välj {', '.join(STATUSES)}).")
            cleaned[name] = match
        elif name == "district":
            text = _as_text(value)
            cleaned[name] = _check_districts(con, [text])[0] if text and text.strip() else None
        else:
            cleaned[name] = removed.add(_as_text(value))
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        raise MeetingError("Slutdatumet ligger före startdatumet.")
    return cleaned


def _new_intervention_id(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> str:
    prefix = f"M-{fmt_date(meeting.held_on)}-"
    taken = {r[0].casefold() for r in con.execute(
        "SELECT id FROM interventions WHERE id ILIKE ? || '%'", [prefix]).fetchall()}
    n = 1
    while f"{prefix}{n}".casefold() in taken:
        n += 1
    return f"{prefix}{n}"


def _create_intervention(con: duckdb.DuckDBPyConnection, meeting: Meeting, values: Mapping[str, object],
                         removed: Removed, now: dt.datetime) -> tuple[str, tuple[str, ...]]:
    """Inserts the intervention and its history; returns its id and the fields that were set."""
    values = dict(values)
    wanted_id = removed.add(_as_text(values.pop("id", None)))
    fields = _clean_fields(con, values, removed)
    if not fields.get("title"):
        raise MeetingError("En ny insats behöver en beskrivning (Insats).")
    if not fields.get("status"):
        start = fields.get("start_date")
        fields["status"] = "Planerad" if not isinstance(start, dt.date) or start > meeting.held_on else "Pågående"
    if wanted_id:
        if con.execute("SELECT 1 FROM interventions WHERE lower(id) = lower(?)", [wanted_id]).fetchone():
            raise MeetingError(f"Det finns redan en insats med id '{wanted_id}'.")
        iid = wanted_id
    else:
        iid = _new_intervention_id(con, meeting)
    row = {f: fields.get(f) for f in INTERVENTION_FIELDS}
    con.execute(
        "INSERT INTO interventions (id, title, priority_area, district, owner, contact, status, start_date, "
        "end_date, comment, upload_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
        [iid, *row.values(), now, now],
    )
    _history(con, meeting, iid, {f: (None, v) for f, v in row.items() if v is not None}, now)
    return iid, tuple(f for f, v in row.items() if v is not None)


def _change_intervention(con: duckdb.DuckDBPyConnection, meeting: Meeting, iid: str, values: Mapping[str, object],
                         removed: Removed, now: dt.datetime) -> tuple[str, tuple[str, ...]]:
    row = con.execute(f"SELECT id, {', '.join(INTERVENTION_FIELDS)} FROM interventions WHERE lower(id) = lower(?)",
                      [iid]).fetchone()
    if row is None:
        raise MeetingError(f"Insatsen '{iid}' finns inte.")
    current = dict(zip(INTERVENTION_FIELDS, row[1:], strict=True))
    wanted = _clean_fields(con, values, removed)
    if "title" in wanted and not wanted["title"]:
        raise MeetingError("En insats måste ha en beskrivning.")
    if "start_date" in wanted or "end_date" in wanted:
        start = wanted.get("start_date", current["start_date"])
        end = wanted.get("end_date", current["end_date"])
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            raise MeetingError("Slutdatumet ligger före startdatumet.")
    changes = {f: (current[f], v) for f, v in wanted.items() if _as_text(v) != _as_text(current[f])}
    if changes:
        assignments = ", ".join(f"{f} = ?" for f in changes)
        con.execute(f"UPDATE interventions SET {assignments}, updated_at = ? WHERE id = ?",
                    [*(new for _, new in changes.values()), now, row[0]])
        _history(con, meeting, row[0], changes, now)
    return row[0], tuple(changes)


def update_interventions(
    db: Database, meeting_id: int, edits: Mapping[str, Mapping[str, object]], now: dt.datetime | None = None,
    *, actor: Actor,
) -> tuple[dict[str, tuple[str, ...]], Removed]:
    """Changes to existing interventions made in the meeting's table, in one transaction.

    Returns the fields that really changed per intervention (unchanged values are not logged).
    """
    access.require(actor, access.EDIT_INTERVENTIONS, "ändra insatser")
    removed = Removed()
    changed: dict[str, tuple[str, ...]] = {}
    when = _now(now)
    with db.write() as con:
        ensure_schema(con)
        meeting = _load(con, meeting_id)
        for iid, values in edits.items():
            real_id, fields = _change_intervention(con, meeting, iid, values, removed, when)
            if fields:
                changed[real_id] = fields
        if changed:
            audit.record(con, actor, "insatser ändrade på möte", f"möte {meeting_id}",
                         {"insatser": {k: list(v) for k, v in changed.items()}})
    return changed, removed


def create_intervention(db: Database, meeting_id: int, values: Mapping[str, object],
                        now: dt.datetime | None = None, *, actor: Actor) -> str:
    """A new intervention decided at the meeting, without a decision text of its own."""
    access.require(actor, access.EDIT_INTERVENTIONS, "skapa insatser")
    removed = Removed()
    with db.write() as con:
        ensure_schema(con)
        iid, _ = _create_intervention(con, _load(con, meeting_id), values, removed, _now(now))
        audit.record(con, actor, "insats skapad på möte", iid, {"möte": meeting_id})
        return iid


# ---------------------------------------------------------------- decisions


def record_decision(
    db: Database,
    meeting_id: int,
    text: str,
    organisation: str | None = None,
    responsible: str | None = None,
    deadline: dt.date | None = None,
    *,
    new_intervention: Mapping[str, object] | None = None,
    change_intervention: tuple[str, Mapping[str, object]] | None = None,
    now: dt.datetime | None = None,
    actor: Actor,
) -> DecisionResult:
    """A decision (beslut), optionally creating a new intervention or changing one, all in one transaction."""
    access.require(actor, access.RUN_MEETINGS, "anteckna beslut")
    if new_intervention is not None or change_intervention is not None:
        access.require(actor, access.EDIT_INTERVENTIONS, "ändra insatser")
    if new_intervention is not None and change_intervention is not None:
        raise MeetingError("Ett beslut kan antingen skapa en ny insats eller ändra en befintlig, inte båda.")
    removed = Removed()
    when = _now(now)
    cleaned = removed.add(text)
    if not cleaned:
        raise MeetingError("Skriv vad som beslutades.")
    with db.write() as con:
        ensure_schema(con)
        meeting = _load(con, meeting_id)
        iid, fields = None, ()
        if new_intervention is not None:
            iid, fields = _create_intervention(con, meeting, new_intervention, removed, when)
        elif change_intervention is not None:
            iid, fields = _change_intervention(con, meeting, change_intervention[0], change_intervention[1],
                                               removed, when)
        did = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM decisions").fetchone()[0])
        con.execute(
            "INSERT INTO decisions (id, meeting_id, text, organisation, responsible, deadline, status, done_at, "
            "done_meeting_id, intervention_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
            [did, meeting_id, cleaned, removed.add(organisation), removed.add(responsible), _as_date(deadline),
             OPEN, iid, when],
        )
        audit.record(con, actor, "beslut", f"möte {meeting_id}",
                     {"beslut": did, "insats": iid, "ändrade fält": list(fields)})
    return DecisionResult(did, iid, tuple(fields), removed)


def set_decisions_done(db: Database, meeting_id: int, decision_ids: Iterable[int], done: bool = True,
                       now: dt.datetime | None = None, *, actor: Actor) -> int:
    """Marks decisions done at a meeting (or open again); returns how many changed."""
    access.require(actor, access.RUN_MEETINGS, "markera beslut som klara")
    ids = [int(i) for i in decision_ids]
    if not ids:
        return 0
    placeholders = ", ".join("?" for _ in ids)
    with db.write() as con:
        ensure_schema(con)
        _load(con, meeting_id)
        if done:
            rows = con.execute(
                f"UPDATE decisions SET status = ?, done_at = ?, done_meeting_id = ? "
                f"WHERE id IN ({placeholders}) AND status <> ? RETURNING id",
                [DONE, _now(now), meeting_id, *ids, DONE]).fetchall()
        else:
            rows = con.execute(
                f"UPDATE decisions SET status = ?, done_at = NULL, done_meeting_id = NULL "
                f"WHERE id IN ({placeholders}) AND status <> ? RETURNING id", [OPEN, *ids, OPEN]).fetchall()
        if rows:
            audit.record(con, actor, "beslut klara" if done else "beslut öppnade igen", f"möte {meeting_id}",
                         {"beslut": sorted(int(r[0]) for r in rows)})
    return len(rows)


def delete_decision(db: Database, meeting_id: int, decision_id: int, *, actor: Actor) -> str:
    """Removes a decision recorded by mistake at this meeting; returns its text for the confirmation.

    Only the meeting's own decisions, and only while it is open: an earlier meeting's decision is
    closed by marking it done, and closed minutes stay as they were sent. An intervention the
    decision created or changed stays as it is, with its history; the audit log keeps the text.
    """
    access.require(actor, access.RUN_MEETINGS, "ta bort beslut")
    with db.write() as con:
        ensure_schema(con)
        meeting = _load(con, meeting_id)
        if meeting.closed:
            raise MeetingError("Mötet är avslutat, så dess beslut kan inte tas bort. Öppna mötet igen först.")
        row = con.execute("SELECT meeting_id, text, intervention_id FROM decisions WHERE id = ?",
                          [int(decision_id)]).fetchone()
        if row is None:
            raise MeetingError("Beslutet finns inte längre. Ladda om sidan.")
        if row[0] != meeting_id:
            raise MeetingError("Beslutet fattades på ett tidigare möte och kan bara markeras som klart här.")
        con.execute("DELETE FROM decisions WHERE id = ?", [int(decision_id)])
        audit.record(con, actor, "beslut borttaget", f"möte {meeting_id}",
                     {"beslut": int(decision_id), "text": row[1], "insats": row[2]})
    return str(row[1])


def save_focus_places(db: Database, meeting_id: int, places: Sequence[FocusPlace], *, actor: Actor) -> Removed:
    """Replaces the meeting's focus places for next week."""
    access.require(actor, access.RUN_MEETINGS, "spara fokusplatser")
    removed = Removed()
    with db.write() as con:
        ensure_schema(con)
        _load(con, meeting_id)
        rows, seen = [], set()
        for p in places:
            district = _check_districts(con, [p.district])[0]
            place = removed.add(p.place)
            key = (district, (place or "").casefold())
            if key in seen:
                continue
            seen.add(key)
            rows.append((meeting_id, district, place, removed.add(p.reason)))
        con.execute("DELETE FROM focus_places WHERE meeting_id = ?", [meeting_id])
        if rows:
            con.executemany("INSERT INTO focus_places VALUES (?, ?, ?, ?)", rows)
        audit.record(con, actor, "fokusplatser", f"möte {meeting_id}", {"antal": len(rows)})
    return removed


def save_report_text(db: Database, key: str, text: str, now: dt.datetime | None = None, *,
                     actor: Actor) -> Removed:
    """The analysis text of a lägesbild report (or any other stored report section)."""
    access.require(actor, access.RUN_MEETINGS, "spara rapportens analys")
    removed = Removed()
    cleaned = removed.add(text)
    with db.write() as con:
        ensure_schema(con)
        con.execute("INSERT OR REPLACE INTO report_texts VALUES (?, ?, ?)", [key, cleaned, _now(now)])
        audit.record(con, actor, "rapporttext", key)
    return removed


# ---------------------------------------------------------------- reads


def list_meetings(con: duckdb.DuckDBPyConnection) -> list[Meeting]:
    """Every meeting, the latest first."""
    if not has_schema(con):
        return []
    rows = con.execute(f"SELECT {_MEETING_COLUMNS} FROM meetings ORDER BY held_on DESC, id DESC").fetchall()
    return [_meeting(r) for r in rows]


def get_meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting | None:
    if not has_schema(con):
        return None
    row = con.execute(f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?", [meeting_id]).fetchone()
    return _meeting(row) if row else None


def meeting_in_week(con: duckdb.DuckDBPyConnection, day: dt.date) -> Meeting | None:
    """The latest meeting held in the ISO week of `day` (this week's meeting)."""
    if not has_schema(con):
        return None
    week = IsoWeek.of(day)
    row = con.execute(
        f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE held_on >= ? AND held_on < ? ORDER BY held_on DESC, id DESC",
        [week.monday(), week.end_exclusive()],
    ).fetchone()
    return _meeting(row) if row else None


def previous_meeting(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> Meeting | None:
    if not has_schema(con):
        return None
    row = con.execute(
        f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE (held_on, id) < (?, ?) ORDER BY held_on DESC, id DESC",
        [meeting.held_on, meeting.id],
    ).fetchone()
    return _meeting(row) if row else None


DECISION_COLUMNS = ["id", "meeting_id", "decided_on", "text", "organisation", "responsible", "deadline", "status",
                    "done_on", "intervention_id", "intervention_title", "carried", "overdue"]


def decisions(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> pd.DataFrame:
    """The meeting's own decisions and, carried forward, every earlier decision that was still open
    when the meeting began (open now, or marked done at this meeting or later). Earlier ones first.

    Columns: DECISION_COLUMNS; `carried` is True for decisions from earlier meetings, `overdue`
    for open decisions whose deadline is before the meeting.
    """
    if not has_schema(con):
        return pd.DataFrame(columns=DECISION_COLUMNS)
    return con.execute(
        """
        SELECT d.id, d.meeting_id, m.held_on AS decided_on, d.text, d.organisation, d.responsible, d.deadline,
               d.status, coalesce(dm.held_on, d.done_at::DATE) AS done_on, d.intervention_id,
               i.title AS intervention_title, d.meeting_id <> ? AS carried,
               coalesce(d.status = ? AND d.deadline < ?, FALSE) AS overdue
        FROM decisions d
        JOIN meetings m ON m.id = d.meeting_id
        LEFT JOIN meetings dm ON dm.id = d.done_meeting_id
        LEFT JOIN interventions i ON i.id = d.intervention_id
        WHERE d.meeting_id = ?
           OR ((m.held_on, m.id) < (?, ?)
               AND (d.status = ? OR coalesce(dm.held_on, d.done_at::DATE) >= ?))
        ORDER BY carried DESC, m.held_on, d.id
        """,
        [meeting.id, OPEN, meeting.held_on, meeting.id, meeting.held_on, meeting.id, OPEN, meeting.held_on],
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
        change = stats.compare(int(count), int(base), exposure=1.0, base_exposure=4.0)
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
        district_sql = f"(i.district IS NULL OR i.district IN ({', '.join('?' for _ in districts)}))"
        params = list(districts)
    open_list = ", ".join("?" for _ in OPEN_STATUSES)
    frame = con.execute(
        f"""
        WITH last_status AS (
            SELECT intervention_id, max(changed_at) AS changed_at
            FROM intervention_history WHERE field = 'status' GROUP BY intervention_id
        )
        SELECT i.id, i.title, i.district, i.priority_area, i.owner, i.contact, i.status, i.start_date,
               i.end_date, i.comment, coalesce(s.changed_at, i.created_at)::DATE AS last_status_change
        FROM interventions i LEFT JOIN last_status s ON s.intervention_id = i.id
        WHERE i.status IN ({open_list}) AND {district_sql}
        """,
        [*OPEN_STATUSES, *params],
    ).df()
    records = []
    for r in frame.itertuples(index=False):
        end = _as_date(r.end_date)
        start = _as_date(r.start_date)
        changed = _as_date(r.last_status_change)
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


def intervention_choices(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Interventions a decision can change: open ones first, then the rest, newest first."""
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"(district IS NULL OR district IN ({', '.join('?' for _ in districts)}))"
        params = list(districts)
    open_list = ", ".join("?" for _ in OPEN_STATUSES)
    return con.execute(
        f"""SELECT id, title, district, status, end_date, comment FROM interventions WHERE {district_sql}
            ORDER BY status IN ({open_list}) DESC, coalesce(end_date, DATE '9999-12-31') DESC, id""",
        [*params, *OPEN_STATUSES],
    ).df()


def reference(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Lists the meeting's forms offer: districts, organisations, priority areas, statuses."""
    return {
        "districts": _known_districts(con),
        "organisations": [r[0] for r in con.execute("SELECT name FROM organisations").fetchall()],
        "priority_areas": [r[0] for r in con.execute("SELECT name FROM priority_areas ORDER BY name").fetchall()],
        "statuses": list(STATUSES),
    }


def report_text(con: duckdb.DuckDBPyConnection, key: str) -> str:
    if not has_schema(con):
        return ""
    row = con.execute("SELECT text FROM report_texts WHERE key = ?", [key]).fetchone()
    return (row[0] or "") if row else ""


# ---------------------------------------------------------------- priority areas


AREA_COLUMNS = ["name", "goal", "indicators", "count", "count_last_year", "change", "flag", "running", "planned",
                "overdue"]


def priority_area_status(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...], window: Window,
                         as_of: dt.date) -> pd.DataFrame:
    """Every priority area valid in the window: its goal, the indicator events in the window against
    the same dates a year earlier (flagged only when the change is statistically sure), and its
    open and overdue interventions in the districts."""
    district_sql, params = "TRUE", []
    if districts:
        district_sql = f"district IN ({', '.join('?' for _ in districts)})"
        params = list(districts)
    earlier = window.last_year()
    areas = con.execute(
        """
        SELECT p.name, p.goal, p.indicator_categories
        FROM priority_areas p
        WHERE coalesce(p.valid_from <= ?, TRUE) AND coalesce(p.valid_to >= ?, TRUE)
        ORDER BY p.valid_from NULLS FIRST, p.name
        """,
        [window.end - dt.timedelta(days=1), window.start],
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
    rows = [
        (name, goal, indicators,
         sum(per_category.get(c, (0, 0))[0] for c in set(indicators or ())),
         sum(per_category.get(c, (0, 0))[1] for c in set(indicators or ())))
        for name, goal, indicators in areas
    ]
    idistrict_sql, iparams = "TRUE", []
    if districts:
        idistrict_sql = f"(district IS NULL OR district IN ({', '.join('?' for _ in districts)}))"
        iparams = list(districts)
    counts = {r[0]: r[1:] for r in con.execute(
        f"""SELECT priority_area, count(*) FILTER (WHERE status = 'Pågående'),
                   count(*) FILTER (WHERE status = 'Planerad'),
                   count(*) FILTER (WHERE status IN ('Pågående', 'Planerad') AND end_date < ?)
            FROM interventions WHERE priority_area IS NOT NULL AND {idistrict_sql} GROUP BY priority_area""",
        [as_of, *iparams],
    ).fetchall()}
    records = []
    for name, goal, indicators, n, n_before in rows:
        change = stats.compare(int(n), int(n_before))
        pct = f" ({fmt_change_pct(change.pct)})" if change.pct is not None and change.expected >= 10 else ""
        running, planned, overdue = counts.get(name, (0, 0, 0))
        records.append((name, goal, tuple(indicators or ()), int(n), int(n_before),
                        f"{fmt_change_int(round(change.diff))}{pct}", change.direction or "",
                        int(running), int(planned), int(overdue)))
    return pd.DataFrame.from_records(records, columns=AREA_COLUMNS)


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
        areas=priority_area_status(con, meeting.districts, areas_window, meeting.held_on),
        areas_window=areas_window,
        decisions=decisions(con, meeting),
        focus=focus_places(con, meeting.id),
        changes=meeting_changes(con, meeting),
        data_until=last_day,
    )


# ---------------------------------------------------------------- presentation mode (URL; no Streamlit)

# URL parameters the meeting page owns. The sidebar rewrites the URL from its filters, so app.py
# puts these back after it (see keep_params).
URL_KEYS = ("presentation", "vy", "timer", "mote")
VIEWS = ("Lägesbild", "Insatser att följa upp", "Prioriterade områden", "Beslut och fokusplatser")


def presentation_on(params: Mapping[str, object]) -> bool:
    value = params.get("presentation")
    return str(value).strip().lower() in {"1", "true", "ja", "on"}


def keep_params(params: Mapping[str, object]) -> dict[str, str]:
    """The meeting page's own URL parameters, to be put back after the sidebar rewrote the URL."""
    return {k: str(params[k]) for k in URL_KEYS if k in params and params[k] not in (None, "")}


# Static CSS only: never user data. Hides the sidebar and Streamlit's own chrome and enlarges type.
PRESENTATION_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stAppDeployButton"],
[data-testid="stMainMenu"], footer { display: none !important; }
html { font-size: 24px !important; }
@media (max-width: 1500px) { html { font-size: 20px !important; } }
[data-testid="stAlertContainer"] { padding: 0.3rem 0.8rem !important; }
[data-testid="stAlertContainer"] p { font-size: 0.7rem !important; line-height: 1.3 !important; }
@media (max-height: 800px) {
  [data-testid="stMetricValue"] { font-size: 1.8rem !important; }
  h2, h3 { font-size: 1.15rem !important; }
}
[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.6rem 1.4rem 1rem 1.4rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] > section { margin-left: 0 !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
h1 { font-size: 1.75rem !important; padding: 0.1rem 0 0.2rem 0 !important; }
h2, h3 { font-size: 1.3rem !important; padding: 0.3rem 0 0.2rem 0 !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem !important; }
[data-testid="stVerticalBlock"] { gap: 0.6rem !important; }
[data-testid="stCaptionContainer"] { font-size: 0.85rem !important; }
.st-key-pres_next button, .st-key-pres_prev button { min-height: 2.6rem; font-size: 1.1rem; padding: 0 1.4rem; }
.st-key-pres_next button p, .st-key-pres_prev button p { font-size: 1.1rem !important; font-weight: 700; }
</style>"""

# Static script: keys a presenter clicker sends step through the views by clicking the page's own
# buttons, so that every step is an ordinary Streamlit rerun. Typing in a field is left alone.
PRESENTATION_KEYS_JS = """<script>
(function () {
  var w = window.parent && window.parent.document ? window.parent : window;
  if (w.__lagesbildKeys) { return; }
  w.__lagesbildKeys = true;
  w.document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.isComposing) { return; }
    var t = e.target;
    if (t && t.closest && (t.isContentEditable ||
        t.closest('input, textarea, select, [role="grid"], [role="listbox"], [role="combobox"], ' +
                  '[role="slider"], [data-testid="stDataFrame"], [data-testid="stDataFrameResizable"], ' +
                  '[data-testid="stDataEditor"]'))) { return; }
    var selector = null;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ' || e.key === 'Spacebar') {
      selector = '.st-key-pres_next button';
    } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {
      selector = '.st-key-pres_prev button';
    } else if (e.key === 'Escape') {
      selector = '.st-key-pres_exit button';
    }
    // Only where the page has that button (its keyed container is drawn first) is the key ours.
    if (!selector || !w.document.querySelector(selector.split(' ')[0])) { return; }
    e.preventDefault();
    e.stopPropagation();
    // Streamlit mounts a button's component lazily, so a key pressed while the page is still
    // drawing waits up to two seconds for its button instead of being lost.
    var tries = 0;
    (function press() {
      var button = w.document.querySelector(selector);
      if (button && !button.disabled) { button.click(); return; }
      if (!button && ++tries < 20) { w.setTimeout(press, 100); }
    })();
  }, true);
  // &timer=60: after that many seconds on one view (at least 5), click Nästa. The clock restarts
  // whenever the view changes and waits while someone is typing; on the last view Nästa is off.
  w.setInterval(function () {
    var params = new URLSearchParams(w.location.search);
    var seconds = parseInt(params.get('timer') || '0', 10);
    if (!(seconds > 0) || params.get('presentation') !== '1') { w.__lagesbildTimer = null; return; }
    var view = params.get('vy') || '1';
    var now = Date.now();
    var active = w.document.activeElement;
    var typing = active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
    if (!w.__lagesbildTimer || w.__lagesbildTimer.view !== view || typing) {
      w.__lagesbildTimer = { view: view, since: now };
      return;
    }
    if (now - w.__lagesbildTimer.since >= Math.max(seconds, 5) * 1000) {
      var next = w.document.querySelector('.st-key-pres_next button');
      w.__lagesbildTimer.since = now;
      if (next && !next.disabled) { next.click(); }
    }
  }, 500);
})();
</script>"""
