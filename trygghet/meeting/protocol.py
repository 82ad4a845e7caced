"""What minutes a secretary signs need beyond the decisions: notes per agenda item (övriga frågor
among them), the report-back on an earlier decision, the next meeting's date, who was present and
who was absent against the standing list of members, who keeps the minutes and who approves them,
and the justering itself, after which the meeting is locked and its minutes are the files stored
at that moment.

Every write checks the actor's role itself and refuses a locked meeting (records.require_meeting);
free text passes the personal-data guard (records.Removed). People are named by organisation and
role, never by name. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from trygghet.core.formatting import fmt_date
from trygghet.meeting import records
from trygghet.meeting.records import DONE, OPEN, Meeting, MeetingError, Participant, Removed
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database, data_version
from trygghet.store.schema import table_names

# The agenda items a note belongs to, in the minutes' order, with their headings.
ITEMS = {
    "lagesbild": "Lägesbild",
    "insatser": "Insatser att följa upp",
    "omraden": "Prioriterade områden",
    "beslut": "Beslut och fokusplatser",
    "ovriga": "Övriga frågor",
}
FORMATS = ("pdf", "docx")
TABLES = ("meeting_protocol", "meeting_notes", "decision_reports", "meeting_members", "meeting_minutes")


def has_schema(con: duckdb.DuckDBPyConnection) -> bool:
    return set(TABLES) <= table_names(con)


@dataclass(frozen=True)
class ReportBack:
    """What was reported on a decision at one meeting."""

    decision_id: int
    text: str
    reported_on: dt.date


@dataclass(frozen=True)
class Protocol:
    """One meeting's minutes beyond the agenda. `absent` is None until the attendance is recorded:
    then the standing list's members not present count as absent."""

    meeting_id: int
    next_meeting: dt.date | None = None
    absent: tuple[Participant, ...] | None = None
    secretary: str = ""
    approver: str = ""
    approved_at: dt.datetime | None = None
    approved_by: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)
    reports: Mapping[int, ReportBack] = field(default_factory=dict)  # by decision id, given at this meeting

    @property
    def locked(self) -> bool:
        return self.approved_at is not None

    def note(self, item: str) -> str:
        return self.notes.get(item, "")


# ---------------------------------------------------------------- reads


def members(con: duckdb.DuckDBPyConnection) -> list[Participant]:
    """The standing list: the organisations (and roles) expected at every meeting, in order."""
    if not has_schema(con):
        return []
    return [Participant(o, r or "") for o, r in
            con.execute("SELECT organisation, role FROM meeting_members ORDER BY position").fetchall()]


def protocol(con: duckdb.DuckDBPyConnection, meeting_id: int) -> Protocol:
    if not has_schema(con):
        return Protocol(meeting_id)
    row = con.execute("SELECT next_meeting, absent, secretary, approver, approved_at, approved_by "
                      "FROM meeting_protocol WHERE meeting_id = ?", [meeting_id]).fetchone()
    notes = dict(con.execute("SELECT item, text FROM meeting_notes WHERE meeting_id = ?", [meeting_id]).fetchall())
    reports = {int(d): ReportBack(int(d), t, day) for d, t, day in con.execute(
        "SELECT decision_id, text, reported_on FROM decision_reports WHERE meeting_id = ?", [meeting_id]).fetchall()}
    if row is None:
        return Protocol(meeting_id, notes=notes, reports=reports)
    next_meeting, absent, secretary, approver, approved_at, approved_by = row
    return Protocol(meeting_id, next_meeting,
                    records._parse_participants(absent) if absent is not None else None,
                    secretary or "", approver or "", approved_at, approved_by or "", notes, reports)


def _same(member: Participant, person: Participant) -> bool:
    if member.organisation.casefold() != person.organisation.casefold():
        return False
    return not member.role or member.role.casefold() == person.role.casefold()


def attendance(meeting: Meeting, minutes: Protocol, standing: Sequence[Participant]
               ) -> tuple[tuple[Participant, ...], tuple[Participant, ...]]:
    """(present, absent): the participants recorded, and the absences recorded or, until they are,
    the standing list's members that no participant matches."""
    if minutes.absent is not None:
        return meeting.participants, minutes.absent
    absent = tuple(m for m in standing if not any(_same(m, p) for p in meeting.participants))
    return meeting.participants, absent


def stored_minutes(con: duckdb.DuckDBPyConnection, meeting_id: int, fmt: str) -> bytes | None:
    """The approved minutes as they were stored at the justering, or None before it."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if not has_schema(con):
        return None
    row = con.execute(f"SELECT {fmt} FROM meeting_minutes WHERE meeting_id = ?", [meeting_id]).fetchone()
    return bytes(row[0]) if row else None


# ---------------------------------------------------------------- writes


def _ensure_row(con: duckdb.DuckDBPyConnection, meeting_id: int) -> None:
    con.execute("INSERT INTO meeting_protocol (meeting_id) SELECT ? WHERE NOT EXISTS "
                "(SELECT 1 FROM meeting_protocol WHERE meeting_id = ?)", [meeting_id, meeting_id])


def save_note(db: Database, meeting_id: int, item: str, text: str, now: dt.datetime | None = None, *,
              actor: Actor) -> Removed:
    """The note of one agenda item (an empty text removes it)."""
    access.require(actor, access.RUN_MEETINGS, "anteckna på mötet")
    if item not in ITEMS:
        raise MeetingError(f"Okänd punkt på dagordningen: '{item}'.")
    removed = Removed()
    cleaned = removed.add(text)
    with db.write() as con:
        records.require_meeting(con, meeting_id)
        con.execute("DELETE FROM meeting_notes WHERE meeting_id = ? AND item = ?", [meeting_id, item])
        if cleaned:
            con.execute("INSERT INTO meeting_notes VALUES (?, ?, ?, ?)",
                        [meeting_id, item, cleaned, records.timestamp(now)])
        audit.record(con, actor, "mötesanteckning", f"möte {meeting_id}", {"punkt": ITEMS[item]})
    return removed


def save_report_back(db: Database, meeting_id: int, decision_id: int, text: str, reported_on: dt.date | None = None,
                     *, done: bool | None = None, now: dt.datetime | None = None, actor: Actor) -> Removed:
    """What was reported at this meeting on an earlier decision, and when; with `done` the decision
    is marked done (True) or open again (False) at this meeting in the same transaction. An empty
    text removes the report-back."""
    access.require(actor, access.RUN_MEETINGS, "anteckna återrapporter")
    removed = Removed()
    cleaned = removed.add(text)
    when = records.timestamp(now)
    with db.write() as con:
        meeting = records.require_meeting(con, meeting_id)
        row = con.execute("SELECT d.status, m.held_on, m.id FROM decisions d JOIN meetings m ON m.id = d.meeting_id "
                          "WHERE d.id = ?", [int(decision_id)]).fetchone()
        if row is None:
            raise MeetingError("Beslutet finns inte längre. Ladda om sidan.")
        if (row[1], row[2]) > (meeting.held_on, meeting.id):
            raise MeetingError("Beslutet fattades på ett senare möte och kan inte återrapporteras här.")
        day = records.as_date(reported_on) or meeting.held_on
        con.execute("DELETE FROM decision_reports WHERE decision_id = ? AND meeting_id = ?",
                    [int(decision_id), meeting_id])
        if cleaned:
            con.execute("INSERT INTO decision_reports VALUES (?, ?, ?, ?, ?)",
                        [int(decision_id), meeting_id, cleaned, day, when])
        if done is True and row[0] != DONE:
            con.execute("UPDATE decisions SET status = ?, done_at = ?, done_meeting_id = ? WHERE id = ?",
                        [DONE, when, meeting_id, int(decision_id)])
        elif done is False and row[0] == DONE:
            con.execute("UPDATE decisions SET status = ?, done_at = NULL, done_meeting_id = NULL WHERE id = ?",
                        [OPEN, int(decision_id)])
        audit.record(con, actor, "återrapport", f"möte {meeting_id}",
                     {"beslut": int(decision_id), "klar": done, "datum": fmt_date(day)})
    return removed


def save_members(db: Database, standing: Iterable[Participant], *, actor: Actor) -> Removed:
    """Replaces the standing list of members (organisation and role, never a name)."""
    access.require(actor, access.RUN_MEETINGS, "ändra den stående deltagarlistan")
    removed = Removed()
    rows: list[tuple[int, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for member in standing:
        organisation = removed.add(member.organisation)
        if not organisation:
            continue
        role = removed.add(member.role) or ""
        key = (organisation.casefold(), role.casefold())
        if key not in seen:
            seen.add(key)
            rows.append((len(rows) + 1, organisation, role))
    with db.write() as con:
        con.execute("DELETE FROM meeting_members")
        if rows:
            con.executemany("INSERT INTO meeting_members VALUES (?, ?, ?)", rows)
        audit.record(con, actor, "stående deltagarlista", None, {"antal": len(rows)})
    return removed


def save_attendance(db: Database, meeting_id: int, present: Sequence[Participant], absent: Sequence[Participant],
                    *, actor: Actor) -> Removed:
    """Who was present (the meeting's participants) and who was absent, in one transaction."""
    access.require(actor, access.RUN_MEETINGS, "anteckna närvaro")
    removed = Removed()
    present_json = records._participants_json(present, removed)
    absent_json = records._participants_json(absent, removed)
    with db.write() as con:
        records.require_meeting(con, meeting_id)
        con.execute("UPDATE meetings SET participants = ? WHERE id = ?", [present_json, meeting_id])
        _ensure_row(con, meeting_id)
        con.execute("UPDATE meeting_protocol SET absent = ? WHERE meeting_id = ?", [absent_json, meeting_id])
        audit.record(con, actor, "närvaro", f"möte {meeting_id}",
                     {"närvarande": len(present), "frånvarande": len(absent)})
    return removed


def save_details(db: Database, meeting_id: int, *, next_meeting: dt.date | None, secretary: str, approver: str,
                 actor: Actor) -> Removed:
    """The next meeting's date, who keeps the minutes (vid protokollet) and who approves them (justerare),
    each as an organisation and role."""
    access.require(actor, access.RUN_MEETINGS, "ändra protokollets uppgifter")
    removed = Removed()
    values = [records.as_date(next_meeting), removed.add(secretary) or None, removed.add(approver) or None]
    with db.write() as con:
        meeting = records.require_meeting(con, meeting_id)
        if values[0] is not None and values[0] <= meeting.held_on:
            raise MeetingError(f"Nästa möte måste ligga efter det här mötet ({fmt_date(meeting.held_on)}).")
        _ensure_row(con, meeting_id)
        con.execute("UPDATE meeting_protocol SET next_meeting = ?, secretary = ?, approver = ? WHERE meeting_id = ?",
                    [*values, meeting_id])
        audit.record(con, actor, "protokollets uppgifter", f"möte {meeting_id}")
    return removed


def approve(db: Database, meeting_id: int, files: Mapping[str, bytes], seen_version: int,
            now: dt.datetime | None = None, *, actor: Actor) -> dt.datetime:
    """Justering: the minutes, made from the data at `seen_version`, are stored as they are and the
    meeting is locked (and closed). Refused when the data changed since the files were made, when
    no one is named to approve them, or when the meeting is already locked."""
    access.require(actor, access.RUN_MEETINGS, "justera protokollet")
    if set(files) != set(FORMATS) or not all(files.values()):
        raise MeetingError("Protokollet kunde inte skapas, så det justerades inte. Försök igen.")
    when = records.timestamp(now)
    with db.write() as con:
        records.require_meeting(con, meeting_id)
        if data_version(con)[0] != seen_version:
            raise MeetingError("Något i databasen ändrades medan protokollet skapades, så det justerades inte. "
                               "Justera igen.")
        row = con.execute("SELECT approver FROM meeting_protocol WHERE meeting_id = ?", [meeting_id]).fetchone()
        if row is None or not row[0]:
            raise MeetingError("Ange vem som justerar protokollet (organisation och roll) innan det justeras.")
        con.execute("UPDATE meeting_protocol SET approved_at = ?, approved_by = ? WHERE meeting_id = ?",
                    [when, actor.name, meeting_id])
        con.execute("UPDATE meetings SET closed_at = coalesce(closed_at, ?) WHERE id = ?", [when, meeting_id])
        digest = hashlib.sha256(files["pdf"] + files["docx"]).hexdigest()
        con.execute("INSERT INTO meeting_minutes VALUES (?, ?, ?, ?, ?)",
                    [meeting_id, files["pdf"], files["docx"], digest, when])
        audit.record(con, actor, "protokoll justerat", f"möte {meeting_id}", {"sha256": digest})
    return when
