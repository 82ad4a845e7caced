"""What the meeting changes while it runs: decisions (recorded, marked done, removed), the
interventions it creates or changes, and next week's focus places; and the pure table diffs that
turn an edited table on the Möte page into those changes.

Every write checks the actor's role itself and runs as one transaction; each intervention change
is logged in the intervention's history with the meeting as its source. Free text goes through
records.Removed (the personal-data guard) before it is stored. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.core.formatting import fmt_date
from trygghet.core.initial_lists import STATUSES
from trygghet.meeting import records
from trygghet.meeting.records import DONE, OPEN, ORIGIN, FocusPlace, Meeting, MeetingError, Participant, Removed
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.sql import in_list

# Fields of an intervention a meeting may set; the id is never changed.
INTERVENTION_FIELDS = ("title", "priority_area", "district", "owner", "contact", "status",
                       "start_date", "end_date", "comment")


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    intervention_id: str | None
    changed_fields: tuple[str, ...]
    removed: Removed


# ---------------------------------------------------------------- interventions from a meeting


def _history(con: duckdb.DuckDBPyConnection, meeting: Meeting, iid: str, changes: Mapping[str, tuple[object, object]],
             now: dt.datetime) -> None:
    rows = [(iid, f, records.as_text(old), records.as_text(new), now, None, meeting.changed_by, ORIGIN)
            for f, (old, new) in changes.items()]
    if rows:
        con.executemany("INSERT INTO intervention_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _clean_fields(con: duckdb.DuckDBPyConnection, values: Mapping[str, object], removed: Removed) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in INTERVENTION_FIELDS:
            raise MeetingError(f"Fältet '{name}' kan inte ändras från mötet.")
        if name in ("start_date", "end_date"):
            cleaned[name] = records.as_date(value)
        elif name == "status":
            text = str(value or "").strip()
            match = next((s for s in STATUSES if s.casefold() == text.casefold()), None)
            if match is None:
                raise MeetingError(f"Okänd status '{text}' (välj {', '.join(STATUSES)}).")
            cleaned[name] = match
        elif name == "district":
            text = records.as_text(value)
            cleaned[name] = records.check_districts(con, [text])[0] if text and text.strip() else None
        else:
            cleaned[name] = removed.add(records.as_text(value))
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
    wanted_id = removed.add(records.as_text(values.pop("id", None)))
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
    changes = {f: (current[f], v) for f, v in wanted.items()
               if records.as_text(v) != records.as_text(current[f])}
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
    when = records.timestamp(now)
    with db.write() as con:
        meeting = records.require_meeting(con, meeting_id)
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
        meeting = records.require_meeting(con, meeting_id)
        iid, _ = _create_intervention(con, meeting, values, removed, records.timestamp(now))
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
    when = records.timestamp(now)
    cleaned = removed.add(text)
    if not cleaned:
        raise MeetingError("Skriv vad som beslutades.")
    with db.write() as con:
        meeting = records.require_meeting(con, meeting_id)
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
            [did, meeting_id, cleaned, removed.add(organisation), removed.add(responsible), records.as_date(deadline),
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
    with db.write() as con:
        records.require_meeting(con, meeting_id)
        if done:
            rows = con.execute(
                f"UPDATE decisions SET status = ?, done_at = ?, done_meeting_id = ? "
                f"WHERE id IN {in_list(ids)} AND status <> ? RETURNING id",
                [DONE, records.timestamp(now), meeting_id, *ids, DONE]).fetchall()
        else:
            rows = con.execute(
                f"UPDATE decisions SET status = ?, done_at = NULL, done_meeting_id = NULL "
                f"WHERE id IN {in_list(ids)} AND status <> ? RETURNING id", [OPEN, *ids, OPEN]).fetchall()
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
        meeting = records.require_meeting(con, meeting_id)
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
        records.require_meeting(con, meeting_id)
        rows, seen = [], set()
        for p in places:
            district = records.check_districts(con, [p.district])[0]
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


# ---------------------------------------------------------------- table diffs (the Möte page's edited tables)
# An empty cell comes back from an edited table as None, NaN or NaT depending on the column; each
# counts as empty here, so that a cell nobody touched never reads as a change.


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _blank(value: object) -> bool:
    """An empty cell: missing, or text of spaces only (the end date is edited as text)."""
    return records.is_missing(value) or (isinstance(value, str) and not value.strip())


def followup_edits(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The changes made in the follow-up table, per intervention id: the fields status, end_date and
    comment, each only where it differs from the table as it was drawn.

    Both tables have the columns Insats-ID, Status, Slut and Kommentar. Rows are matched on
    Insats-ID, so a row that is only in one of them changes nothing. A status emptied in the table
    is no change (every intervention has one); an emptied end date or comment is.
    """
    drawn = {str(row["Insats-ID"]): row for _, row in before.iterrows()}
    edits: dict[str, dict[str, object]] = {}
    for _, new in after.iterrows():
        iid = new["Insats-ID"]
        old = drawn.get(str(iid)) if isinstance(iid, str) else None
        if old is None:
            continue
        change: dict[str, object] = {}
        if new["Status"] != old["Status"] and isinstance(new["Status"], str):
            change["status"] = new["Status"]
        old_end = None if _blank(old["Slut"]) else old["Slut"]
        new_end = None if _blank(new["Slut"]) else new["Slut"]
        if new_end != old_end:
            change["end_date"] = new_end
        new_comment = _text(new["Kommentar"])
        if new_comment.strip() != _text(old["Kommentar"]).strip():
            change["comment"] = new_comment
        if change:
            edits[iid] = change
    return edits


def decisions_marked(ids: Sequence[int], before: Sequence[bool], after: Sequence[bool]) -> tuple[list[int], list[int]]:
    """The decisions ticked done in the table and those unticked (opened again), by id; the three
    sequences are the table's rows in order."""
    done = [int(i) for i, was, now in zip(ids, before, after, strict=True) if now and not was]
    reopened = [int(i) for i, was, now in zip(ids, before, after, strict=True) if was and not now]
    return done, reopened


def focus_places_from(table: pd.DataFrame) -> list[FocusPlace]:
    """The focus places in the edited table (Stadsdel, Plats, Anledning), in its order; a row
    without a district is left out, an empty place means the whole district."""
    return [FocusPlace(str(d), p if isinstance(p, str) and p.strip() else None,
                       r if isinstance(r, str) and r.strip() else None)
            for d, p, r in zip(table["Stadsdel"], table["Plats"], table["Anledning"], strict=True)
            if isinstance(d, str) and d]


def edited_focus_places(stored: Sequence[FocusPlace], table: pd.DataFrame) -> list[FocusPlace] | None:
    """The focus places to save from the edited table, or None when it holds what is stored."""
    wanted = focus_places_from(table)
    return None if wanted == list(stored) else wanted


def participants_from(table: pd.DataFrame) -> list[Participant]:
    """The participants in the edited table (Organisation, Roll); a row without an organisation
    is left out."""
    found = []
    for organisation, role in zip(table["Organisation"], table["Roll"], strict=True):
        if isinstance(organisation, str) and organisation.strip():
            found.append(Participant(organisation.strip(), role.strip() if isinstance(role, str) else ""))
    return found
