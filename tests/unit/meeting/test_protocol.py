"""meeting.protocol against a real database: notes per agenda item, report-backs on earlier
decisions, attendance against the standing list, the next meeting, and the justering that locks
the meeting against every later write; each write checks the role and the personal-data guard."""

from __future__ import annotations

import datetime as dt

import pytest

from trygghet.meeting import edits, protocol
from trygghet.meeting import records as M
from trygghet.meeting.agenda import agenda
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, data_version

EDITOR = Actor("Samordnare", "redigerare")
READER = Actor("Åskådare", "läsare")
FIRST = dt.date(2026, 11, 23)
SECOND = dt.date(2026, 11, 30)
PERSONNUMMER = "19121212-1212"
FILES = {"pdf": b"%PDF-1.4 minutes", "docx": b"PK minutes"}


def rows(db: Database, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql, params or []).fetchall()


def version(db: Database) -> int:
    with db.read() as con:
        return data_version(con)[0]


@pytest.fixture
def meetings(database: Database) -> tuple[int, int, int]:
    """Two weekly meetings; the first decided something the second reports back on."""
    first = M.create_meeting(database, FIRST, [M.Participant("Polis", "Kommunpolis")], actor=EDITOR)
    decision = edits.record_decision(database, first, "Belysningen i gångtunneln ses över", "Kommun",
                                     "Teknisk förvaltning", SECOND, actor=EDITOR).decision_id
    second = M.create_meeting(database, SECOND, [M.Participant("Polis", "Kommunpolis"),
                                                 M.Participant("Kommun", "Trygghetssamordnare")], actor=EDITOR)
    return first, second, decision


def test_notes_per_item_are_stored_scrubbed_and_removed_when_emptied(database: Database,
                                                                      meetings: tuple[int, int, int]) -> None:
    _, second, _ = meetings
    removed = protocol.save_note(database, second, "ovriga", f"Skolan har lov v. 52. Ring {PERSONNUMMER}.",
                                 actor=EDITOR)
    assert removed
    protocol.save_note(database, second, "lagesbild", "Lugnare i Norrby efter helgen.", actor=EDITOR)
    with database.read() as con:
        notes = protocol.protocol(con, second).notes
    assert notes == {"ovriga": "Skolan har lov v. 52. Ring [personnummer borttaget].",
                     "lagesbild": "Lugnare i Norrby efter helgen."}
    protocol.save_note(database, second, "lagesbild", "  ", actor=EDITOR)
    assert rows(database, "SELECT item FROM meeting_notes") == [("ovriga",)]
    with pytest.raises(M.MeetingError, match="Okänd punkt"):
        protocol.save_note(database, second, "kaffe", "x", actor=EDITOR)
    with pytest.raises(AccessDenied):
        protocol.save_note(database, second, "ovriga", "x", actor=READER)


def test_a_report_back_on_a_carried_decision_is_shown_with_its_date_and_can_mark_it_done(
        database: Database, meetings: tuple[int, int, int]) -> None:
    first, second, decision = meetings
    protocol.save_report_back(database, second, decision, "Två nya armaturer är beställda.",
                              dt.date(2026, 11, 27), done=True, actor=EDITOR)
    with database.read() as con:
        shown = agenda(con, second, today=dt.date(2026, 12, 1))
        earlier = agenda(con, first, today=dt.date(2026, 12, 1))
    assert shown is not None and earlier is not None
    row = shown.decisions.set_index("id").loc[decision]
    assert (row["carried"], row["status"], row["report_text"]) == (True, "klar", "Två nya armaturer är beställda.")
    assert row["reported_on"].date() == dt.date(2026, 11, 27)
    # The report belongs to the meeting it was given at, not to the one that decided.
    assert earlier.decisions["report_text"].isna().all()
    assert rows(database, "SELECT done_meeting_id FROM decisions WHERE id = ?", [decision]) == [(second,)]
    # A decision of a later meeting cannot be reported back at an earlier one.
    later = edits.record_decision(database, second, "Ny skylt", actor=EDITOR).decision_id
    with pytest.raises(M.MeetingError, match="senare möte"):
        protocol.save_report_back(database, first, later, "x", actor=EDITOR)
    with pytest.raises(AccessDenied):
        protocol.save_report_back(database, second, decision, "x", actor=READER)


def test_absences_are_the_standing_members_not_present_until_the_attendance_is_recorded(
        database: Database, meetings: tuple[int, int, int]) -> None:
    _, second, _ = meetings
    protocol.save_members(database, [M.Participant("Polis", "Kommunpolis"), M.Participant("Kommun", ""),
                                     M.Participant("Bostadsbolag", "Områdeschef"),
                                     M.Participant("Polis", "Kommunpolis")], actor=EDITOR)
    assert rows(database, "SELECT position, organisation, role FROM meeting_members ORDER BY 1") == [
        (1, "Polis", "Kommunpolis"), (2, "Kommun", ""), (3, "Bostadsbolag", "Områdeschef")]
    with database.read() as con:
        shown = agenda(con, second, today=dt.date(2026, 12, 1))
    assert shown is not None
    assert [p.label for p in shown.present] == ["Polis – Kommunpolis", "Kommun – Trygghetssamordnare"]
    assert [p.label for p in shown.absent] == ["Bostadsbolag – Områdeschef"]

    protocol.save_attendance(database, second, [M.Participant("Polis", "Kommunpolis")],
                             [M.Participant("Kommun", "Trygghetssamordnare"),
                              M.Participant("Bostadsbolag", "Områdeschef")], actor=EDITOR)
    with database.read() as con:
        shown = agenda(con, second, today=dt.date(2026, 12, 1))
    assert shown is not None
    assert [p.label for p in shown.present] == ["Polis – Kommunpolis"]
    assert [p.label for p in shown.absent] == ["Kommun – Trygghetssamordnare", "Bostadsbolag – Områdeschef"]
    with pytest.raises(AccessDenied):
        protocol.save_members(database, [], actor=READER)


def test_the_next_meeting_must_come_after_this_one(database: Database, meetings: tuple[int, int, int]) -> None:
    _, second, _ = meetings
    with pytest.raises(M.MeetingError, match="Nästa möte måste ligga efter"):
        protocol.save_details(database, second, next_meeting=SECOND, secretary="", approver="", actor=EDITOR)
    protocol.save_details(database, second, next_meeting=SECOND + dt.timedelta(days=7),
                          secretary="Kommun – Trygghetssamordnare", approver="Polis – Kommunpolis", actor=EDITOR)
    with database.read() as con:
        saved = protocol.protocol(con, second)
    assert (saved.next_meeting, saved.secretary, saved.approver, saved.locked) == (
        dt.date(2026, 12, 7), "Kommun – Trygghetssamordnare", "Polis – Kommunpolis", False)


def test_justering_stores_the_minutes_and_locks_the_meeting_against_every_write(
        database: Database, meetings: tuple[int, int, int]) -> None:
    first, second, decision = meetings
    with pytest.raises(M.MeetingError, match="Ange vem som justerar"):
        protocol.approve(database, second, FILES, version(database), actor=EDITOR)
    protocol.save_details(database, second, next_meeting=None, secretary="", approver="Polis – Kommunpolis",
                          actor=EDITOR)
    with pytest.raises(M.MeetingError, match="ändrades medan protokollet skapades"):
        protocol.approve(database, second, FILES, version(database) - 1, actor=EDITOR)
    with pytest.raises(AccessDenied):
        protocol.approve(database, second, FILES, version(database), actor=READER)

    when = protocol.approve(database, second, FILES, version(database), now=dt.datetime(2026, 12, 2, 9, 30),
                            actor=EDITOR)
    assert when == dt.datetime(2026, 12, 2, 9, 30)
    with database.read() as con:
        meeting = M.get_meeting(con, second)
        assert protocol.stored_minutes(con, second, "pdf") == FILES["pdf"]
        assert protocol.stored_minutes(con, second, "docx") == FILES["docx"]
        assert protocol.stored_minutes(con, first, "pdf") is None
    assert meeting is not None and meeting.locked and meeting.closed

    before = rows(database, "SELECT * FROM decisions ORDER BY id")
    writes = [
        lambda: edits.record_decision(database, second, "Något nytt", actor=EDITOR),
        lambda: edits.set_decisions_done(database, second, [decision], actor=EDITOR),
        lambda: edits.save_focus_places(database, second, [M.FocusPlace("Norrby")], actor=EDITOR),
        lambda: M.update_meeting(database, second, title="Ny rubrik", actor=EDITOR),
        lambda: M.reopen_meeting(database, second, actor=EDITOR),
        lambda: protocol.save_note(database, second, "ovriga", "x", actor=EDITOR),
        lambda: protocol.save_report_back(database, second, decision, "x", actor=EDITOR),
        lambda: protocol.save_attendance(database, second, [], [], actor=EDITOR),
        lambda: protocol.save_details(database, second, next_meeting=None, secretary="", approver="x",
                                      actor=EDITOR),
        lambda: protocol.approve(database, second, FILES, version(database), actor=EDITOR),
    ]
    for write in writes:
        with pytest.raises(M.MeetingError, match="justerat 2026-12-02 och låst"):
            write()
    assert rows(database, "SELECT * FROM decisions ORDER BY id") == before
    # The meeting before is not locked by its successor's justering.
    protocol.save_note(database, first, "ovriga", "Rättelse: fel datum i förra protokollet.", actor=EDITOR)
