"""trygghet.meeting.records against a small database whose every row is placed by hand: meetings,
decisions that create and change interventions (and their history), carried-forward decisions,
focus places on the next agenda, the follow-up list, the privacy guard and the access check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from trygghet.core.periods import IsoWeek
from trygghet.meeting import agenda as meeting_agenda
from trygghet.meeting import edits as meeting_edits
from trygghet.meeting import records as M
from trygghet.store import event_counts as counts
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, init_database

EDITOR = Actor("Samordnare", "redigerare")
READER = Actor("Åskådare", "läsare")
MONDAY = dt.date(2026, 11, 30)  # the meeting day: its lägesbild week is 2026-W48 (23–29 November)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)
NOW = dt.datetime(2026, 11, 30, 10, 0)
PERSONNUMMER = "19121212-1212"  # Skatteverket's test number, valid by the Luhn check


def rows(db: Database, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql, params or []).fetchall()


def add_intervention(con: duckdb.DuckDBPyConnection, iid: str, status: str, *, district: str | None = "Norrby",
                     start: dt.date | None = dt.date(2026, 9, 1), end: dt.date | None = dt.date(2027, 3, 1),
                     status_changed: dt.datetime | None = dt.datetime(2026, 11, 20, 9, 0),
                     created: dt.datetime = dt.datetime(2026, 8, 1, 9, 0)) -> None:
    con.execute(
        "INSERT INTO interventions VALUES (?, ?, NULL, ?, 'Kommun', NULL, ?, ?, ?, 'Start', NULL, ?, ?)",
        [iid, f"Insats {iid}", district, status, start, end, created, created],
    )
    if status_changed is not None:
        con.execute("INSERT INTO intervention_history VALUES (?, 'status', NULL, ?, ?, NULL, 'Demo', 'upload')",
                    [iid, status, status_changed])


@pytest.fixture
def db(database: Database) -> Database:
    """The conftest database (Norrby, Hamnen, Angered, Centrum, Östra Hamnen) with hand-made
    interventions; the follow-up reasons are stated beside each one, as of MONDAY."""
    with database.write() as con:
        add_intervention(con, "SOON", "Pågående", end=MONDAY + dt.timedelta(days=5))  # ends in 5 days
        add_intervention(con, "LATE", "Pågående", end=MONDAY - dt.timedelta(days=3))  # overdue
        add_intervention(con, "STILL", "Pågående", status_changed=dt.datetime(2026, 10, 21, 9, 0))  # 40 days
        add_intervention(con, "FRESH", "Pågående", status_changed=dt.datetime(2026, 11, 20, 9, 0))  # nothing
        add_intervention(con, "WAITING", "Planerad", start=dt.date(2027, 1, 10), status_changed=None,
                         created=dt.datetime(2026, 9, 1, 9, 0))  # planned ahead: nothing
        add_intervention(con, "NOTSTARTED", "Planerad", start=dt.date(2026, 11, 16),
                         status_changed=dt.datetime(2026, 11, 1, 9, 0))  # should have started
        add_intervention(con, "DONE", "Avslutad", end=MONDAY - dt.timedelta(days=30))  # closed: nothing
        add_intervention(con, "ELSEWHERE", "Pågående", district="Hamnen", end=MONDAY - dt.timedelta(days=1))
        add_intervention(con, "WHOLE", "Pågående", district=None, end=MONDAY + dt.timedelta(days=14))
    return database


def test_a_meeting_is_created_with_its_week_participants_and_districts(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, [M.Participant("Polis", "Kommunpolis"), M.Participant("Kommun", "")],
                           ["norrby", "Centrum"], now=NOW, actor=EDITOR)
    with db.read() as con:
        meeting = M.get_meeting(con, mid)
        assert M.meeting_in_week(con, MONDAY + dt.timedelta(days=2)) == meeting
        assert [m.id for m in M.list_meetings(con)] == [mid]
    assert meeting is not None
    assert meeting.held_on == MONDAY
    assert meeting.week == IsoWeek(2026, 48)
    assert meeting.title == "Samverkansmöte v. 49"
    assert meeting.districts == ("Norrby", "Centrum")  # matched to the district list's spelling
    assert [p.label for p in meeting.participants] == ["Polis – Kommunpolis", "Kommun"]
    assert meeting.changed_by == "Möte 2026-11-30"
    with pytest.raises(M.MeetingError, match="Okänd stadsdel"):
        M.create_meeting(db, MONDAY, districts=["Atlantis"], actor=EDITOR)


def test_a_decision_creates_an_intervention_with_history_from_the_meeting(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    first = meeting_edits.record_decision(
        db, mid, "Trygghetsvandring vid torget", "Kommun", "Trygghetssamordnare", MONDAY + dt.timedelta(days=14),
        new_intervention={"title": "Trygghetsvandring Norrby torg", "district": "Norrby",
                          "start_date": dt.date(2026, 12, 3), "end_date": dt.date(2027, 1, 31),
                          "owner": "Kommun"},
        now=NOW, actor=EDITOR,
    )
    second = meeting_edits.record_decision(db, mid, "Belysning i gångtunneln", new_intervention={"title": "Ny belysning"},
                               now=NOW, actor=EDITOR)
    own = meeting_edits.record_decision(db, mid, "Egen id", new_intervention={"title": "Med eget id", "id": "KOM-7"},
                            now=NOW, actor=EDITOR)
    assert (first.intervention_id, second.intervention_id, own.intervention_id) == \
        ("M-2026-11-30-1", "M-2026-11-30-2", "KOM-7")
    assert rows(db, "SELECT title, district, owner, status, start_date, end_date, upload_id FROM interventions "
                    "WHERE id = 'M-2026-11-30-1'") == [
        ("Trygghetsvandring Norrby torg", "Norrby", "Kommun", "Planerad", dt.date(2026, 12, 3),
         dt.date(2027, 1, 31), None)]
    # Without a start date a new intervention is planned, not running.
    assert rows(db, "SELECT status FROM interventions WHERE id = 'M-2026-11-30-2'") == [("Planerad",)]
    history = rows(db, "SELECT field, old_value, new_value, changed_at, upload_id, changed_by, origin "
                       "FROM intervention_history WHERE intervention_id = 'M-2026-11-30-1' ORDER BY field")
    assert history == [
        ("district", None, "Norrby", NOW, None, "Möte 2026-11-30", "möte"),
        ("end_date", None, "2027-01-31", NOW, None, "Möte 2026-11-30", "möte"),
        ("owner", None, "Kommun", NOW, None, "Möte 2026-11-30", "möte"),
        ("start_date", None, "2026-12-03", NOW, None, "Möte 2026-11-30", "möte"),
        ("status", None, "Planerad", NOW, None, "Möte 2026-11-30", "möte"),
        ("title", None, "Trygghetsvandring Norrby torg", NOW, None, "Möte 2026-11-30", "möte"),
    ]
    assert rows(db, "SELECT text, organisation, responsible, deadline, status, intervention_id FROM decisions "
                    "WHERE id = ?", [first.decision_id]) == [
        ("Trygghetsvandring vid torget", "Kommun", "Trygghetssamordnare", dt.date(2026, 12, 14), "öppen",
         "M-2026-11-30-1")]
    with pytest.raises(M.MeetingError, match="redan en insats"):
        meeting_edits.record_decision(db, mid, "Dubblett", new_intervention={"title": "x", "id": "kom-7"}, actor=EDITOR)
    with pytest.raises(M.MeetingError, match="före startdatumet"):
        meeting_edits.record_decision(db, mid, "Fel datum", new_intervention={
            "title": "x", "start_date": dt.date(2027, 1, 2), "end_date": dt.date(2027, 1, 1)}, actor=EDITOR)
    # A refused decision leaves nothing behind: not the decision, not a half-made intervention.
    assert rows(db, "SELECT count(*) FROM decisions") == [(3,)]


def test_a_decision_changes_an_intervention_and_logs_only_what_changed(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    result = meeting_edits.record_decision(
        db, mid, "LATE avslutas", "Kommun", None, None,
        change_intervention=("late", {"status": "avslutad", "end_date": dt.date(2026, 11, 29),
                                      "comment": "Start"}),  # the comment is unchanged
        now=NOW, actor=EDITOR,
    )
    assert result.intervention_id == "LATE"
    assert result.changed_fields == ("status", "end_date")
    assert rows(db, "SELECT status, end_date, comment, updated_at FROM interventions WHERE id = 'LATE'") == [
        ("Avslutad", dt.date(2026, 11, 29), "Start", NOW)]
    logged = rows(db, "SELECT field, old_value, new_value, changed_by, origin FROM intervention_history "
                      "WHERE intervention_id = 'LATE' AND origin = 'möte' ORDER BY field")
    assert logged == [
        ("end_date", "2026-11-27", "2026-11-29", "Möte 2026-11-30", "möte"),
        ("status", "Pågående", "Avslutad", "Möte 2026-11-30", "möte"),
    ]
    with pytest.raises(M.MeetingError, match="Okänd status"):
        meeting_edits.record_decision(db, mid, "x", change_intervention=("SOON", {"status": "Klar"}), actor=EDITOR)
    with pytest.raises(M.MeetingError, match="finns inte"):
        meeting_edits.record_decision(db, mid, "x", change_intervention=("NOPE", {"status": "Avslutad"}), actor=EDITOR)


def test_table_edits_change_interventions_with_one_history_row_per_changed_field(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    changed, removed = meeting_edits.update_interventions(db, mid, {
        "SOON": {"status": "Pågående", "end_date": dt.date(2027, 2, 1), "comment": "Förlängd"},
        "FRESH": {"status": "Pågående", "end_date": dt.date(2027, 3, 1), "comment": "Start"},  # as stored
        "STILL": {"end_date": None},  # the end date is taken away
    }, now=NOW, actor=EDITOR)
    assert changed == {"SOON": ("end_date", "comment"), "STILL": ("end_date",)}
    assert not removed
    assert rows(db, "SELECT intervention_id, field, old_value, new_value FROM intervention_history "
                    "WHERE origin = 'möte' ORDER BY intervention_id, field") == [
        ("SOON", "comment", "Start", "Förlängd"),
        ("SOON", "end_date", (MONDAY + dt.timedelta(days=5)).isoformat(), "2027-02-01"),
        ("STILL", "end_date", "2027-03-01", None),
    ]
    assert rows(db, "SELECT end_date FROM interventions WHERE id = 'STILL'") == [(None,)]
    with db.read() as con:
        meeting = M.get_meeting(con, mid)
        assert meeting is not None
        changes = meeting_agenda.meeting_changes(con, meeting)
    assert list(changes["id"]) == ["SOON", "SOON", "STILL"]


def test_personal_identifiers_are_scrubbed_from_every_free_text(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, [M.Participant("Polis", f"Kommunpolis {PERSONNUMMER}")], actor=EDITOR)
    result = meeting_edits.record_decision(db, mid, f"Kontakta boende {PERSONNUMMER} om belysningen, tel 070-123 45 67",
                               "Bostadsbolag", "kalle@example.se", None, actor=EDITOR)
    assert result.removed.counts == {"personnummer": 1, "telefonnummer": 1, "e-post": 1}
    assert "personnummer" in result.removed.message
    removed = meeting_edits.save_focus_places(db, mid, [M.FocusPlace("Norrby", "Torget", f"Anmälan från {PERSONNUMMER}")],
                                  actor=EDITOR)
    assert removed.counts == {"personnummer": 1}
    stored = rows(db, "SELECT text, responsible FROM decisions")[0]
    assert stored == ("Kontakta boende [personnummer borttaget] om belysningen, tel [telefonnummer borttaget]",
                      "[e-post borttagen]")
    everything = " ".join(str(r) for table in ("meetings", "decisions", "focus_places", "intervention_history")
                          for r in rows(db, f"SELECT * FROM {table}"))
    assert "1212" not in everything and "070" not in everything and "example.se" not in everything


def test_open_decisions_are_carried_forward_until_marked_done(db: Database) -> None:
    first = M.create_meeting(db, MONDAY, actor=EDITOR)
    kept = meeting_edits.record_decision(db, first, "Städa gångtunneln", "Teknisk förvaltning", "Driftansvarig",
                             MONDAY + dt.timedelta(days=3), actor=EDITOR).decision_id
    done = meeting_edits.record_decision(db, first, "Fältare vid skolan", "Fritid/fältare", None, None, actor=EDITOR).decision_id
    second = M.create_meeting(db, NEXT_MONDAY, actor=EDITOR)
    assert meeting_edits.set_decisions_done(db, second, [done], actor=EDITOR) == 1
    assert meeting_edits.set_decisions_done(db, second, [done], actor=EDITOR) == 0  # already done
    meeting_edits.record_decision(db, second, "Nytt beslut", actor=EDITOR)
    third = M.create_meeting(db, NEXT_MONDAY + dt.timedelta(days=7), actor=EDITOR)
    with db.read() as con:
        at_second = M.decisions(con, M.get_meeting(con, second))  # type: ignore[arg-type]
        at_third = M.decisions(con, M.get_meeting(con, third))  # type: ignore[arg-type]
    # At the second meeting both earlier decisions were on the table; one was closed there.
    assert list(zip(at_second["text"], at_second["status"], at_second["carried"], strict=True)) == [
        ("Städa gångtunneln", "öppen", True), ("Fältare vid skolan", "klar", True), ("Nytt beslut", "öppen", False)]
    assert at_second.loc[at_second["id"] == kept, "overdue"].item()  # deadline before the second meeting
    # At the third only the open ones follow along.
    assert list(at_third["text"]) == ["Städa gångtunneln", "Nytt beslut"]
    assert at_third["carried"].all()
    # Opened again, it is carried again.
    meeting_edits.set_decisions_done(db, third, [done], done=False, actor=EDITOR)
    with db.read() as con:
        assert "Fältare vid skolan" in set(M.decisions(con, M.get_meeting(con, third))["text"])  # type: ignore[arg-type]


def test_focus_places_appear_on_the_next_agenda_with_their_events(db: Database) -> None:
    week = IsoWeek(2026, 49)  # the next meeting's lägesbild week: 30 November – 6 December
    with db.write() as con:
        events = []
        for day, count in ((week.monday(), 6), (week.monday() - dt.timedelta(weeks=1), 1),
                           (week.monday() - dt.timedelta(weeks=2), 1)):
            events += [(dt.datetime.combine(day, dt.time(21)), "Norrby", "Torget")] * count
        events += [(dt.datetime.combine(week.monday(), dt.time(22)), "Norrby", "Skolan")] * 2
        events += [(dt.datetime.combine(week.monday(), dt.time(23)), "Hamnen", "Kajen")] * 3
        for i, (when, district, place) in enumerate(events):
            con.execute("INSERT INTO events VALUES (?, ?, TRUE, ?, ?, 'Klotter', NULL, 'Polisen', NULL, NULL, "
                        "NULL, NULL, ?)", [i + 1, when, district, place, i + 1])
        counts.rebuild(con)  # events written here bypass the importer, which keeps the daily counts
    first = M.create_meeting(db, MONDAY, actor=EDITOR)
    meeting_edits.save_focus_places(db, first, [M.FocusPlace("Norrby", " torget ", "Klotter kvällstid"),
                                    M.FocusPlace("Hamnen", None, "Bränder"),
                                    M.FocusPlace("Norrby", "Torget", "dubblett")], actor=EDITOR)
    second = M.create_meeting(db, NEXT_MONDAY, actor=EDITOR)
    with db.read() as con:
        agenda = meeting_agenda.agenda(con, second)
        assert meeting_agenda.agenda(con, first).previous_focus.empty  # type: ignore[union-attr]
    assert agenda is not None and agenda.previous is not None and agenda.previous.id == first
    assert agenda.meeting.week == week
    focus = agenda.previous_focus
    assert list(focus["Stadsdel"]) == ["Norrby", "Hamnen"]  # the duplicate place is kept once
    assert list(focus["Plats"]) == ["torget", "Hela stadsdelen"]
    assert list(focus["Händelser"]) == [6, 3]  # the place only; the whole district
    assert list(focus["Snitt 4 v. före"]) == ["0,5", "0,0"]
    assert list(focus["Anledning"]) == ["Klotter kvällstid", "Bränder"]


def test_the_follow_up_list_gives_its_reasons(db: Database) -> None:
    with db.read() as con:
        frame = meeting_agenda.followup_interventions(con, MONDAY, ("Norrby",))
    reasons = dict(zip(frame["id"], frame["reasons"], strict=True))
    assert list(frame["id"]) == ["LATE", "SOON", "WHOLE", "NOTSTARTED", "STILL"]  # overdue first, then by end
    assert reasons["LATE"] == "Försenad – slutdatum 2026-11-27"
    assert reasons["SOON"] == "Slutar om 5 dagar (2026-12-05)"
    assert reasons["WHOLE"] == "Slutar om 14 dagar (2026-12-14)"  # no district: the whole municipality
    assert reasons["NOTSTARTED"] == "Ej startad – startdatum 2026-11-16 har passerat"
    assert reasons["STILL"] == "Status oförändrad i 5 veckor (sedan 2026-10-21)"
    assert frame["overdue"].tolist() == [True, False, False, False, False]
    with db.read() as con:
        everywhere = meeting_agenda.followup_interventions(con, MONDAY)
    assert set(everywhere["id"]) == {"LATE", "SOON", "WHOLE", "NOTSTARTED", "STILL", "ELSEWHERE"}


def test_writes_need_the_editor_role_and_are_audited(db: Database) -> None:
    with pytest.raises(AccessDenied):
        M.create_meeting(db, MONDAY, actor=READER)
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    with pytest.raises(AccessDenied):
        meeting_edits.record_decision(db, mid, "x", actor=READER)
    meeting_edits.record_decision(db, mid, "Beslut", actor=EDITOR)
    assert rows(db, "SELECT actor, action, target FROM audit_log ORDER BY id") == [
        ("Samordnare", "möte skapat", f"möte {mid}"), ("Samordnare", "beslut", f"möte {mid}")]


def test_meeting_closed_and_reopened_and_details_updated(db: Database) -> None:
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    M.update_meeting(db, mid, participants=[M.Participant("Skola", "Rektor")], districts=["Hamnen"],
                     title="Extramöte", actor=EDITOR)
    M.close_meeting(db, mid, now=NOW, actor=EDITOR)
    with db.read() as con:
        meeting = M.get_meeting(con, mid)
    assert meeting is not None and meeting.closed and meeting.closed_at == NOW
    assert (meeting.title, meeting.districts, meeting.participants) == (
        "Extramöte", ("Hamnen",), (M.Participant("Skola", "Rektor"),))
    M.reopen_meeting(db, mid, actor=EDITOR)
    with db.read() as con:
        assert not M.get_meeting(con, mid).closed  # type: ignore[union-attr]


def test_an_older_database_without_the_meeting_tables_reads_as_empty_until_it_is_upgraded(tmp_path: Path) -> None:
    old = Database(tmp_path / "old.duckdb")
    init_database(old)
    with old.write() as con:  # as a database made before meetings existed, by a release of schema version 1
        for table in ("meetings", "decisions", "focus_places", "report_texts"):
            con.execute(f"DROP TABLE {table}")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with old.read() as con:
        assert not M.has_schema(con)
        assert M.list_meetings(con) == []
        assert M.get_meeting(con, 1) is None
        assert meeting_agenda.agenda(con, 1) is None
        assert M.report_text(con, "x") == ""
    # The tables come with the upgrade when the app or the CLI opens the file, not with a write.
    assert old.upgrade()
    M.save_report_text(old, "analys|2026-T3|alla", "Text", actor=EDITOR)
    with old.read() as con:
        assert M.has_schema(con)
        assert M.report_text(con, "analys|2026-T3|alla") == "Text"


def test_a_decision_made_by_mistake_is_removed_but_only_from_its_own_open_meeting(db: Database) -> None:
    first = M.create_meeting(db, MONDAY - dt.timedelta(days=7), actor=EDITOR)
    earlier = meeting_edits.record_decision(db, first, "Beslut förra veckan", actor=EDITOR).decision_id
    mid = M.create_meeting(db, MONDAY, actor=EDITOR)
    keep = meeting_edits.record_decision(db, mid, "Rätt beslut", actor=EDITOR).decision_id
    wrong = meeting_edits.record_decision(db, mid, "Fel beslut", new_intervention={"title": "Ny insats från mötet"},
                              actor=EDITOR)

    with pytest.raises(AccessDenied):
        meeting_edits.delete_decision(db, mid, wrong.decision_id, actor=READER)
    with pytest.raises(M.MeetingError, match="tidigare möte"):
        meeting_edits.delete_decision(db, mid, earlier, actor=EDITOR)
    M.close_meeting(db, mid, now=NOW, actor=EDITOR)
    with pytest.raises(M.MeetingError, match="avslutat"):
        meeting_edits.delete_decision(db, mid, wrong.decision_id, actor=EDITOR)
    M.reopen_meeting(db, mid, actor=EDITOR)

    assert meeting_edits.delete_decision(db, mid, wrong.decision_id, actor=EDITOR) == "Fel beslut"
    assert rows(db, "SELECT id, text FROM decisions ORDER BY id") == [(earlier, "Beslut förra veckan"),
                                                                     (keep, "Rätt beslut")]
    # The intervention it created stays, with its history; the audit log keeps what was removed.
    assert rows(db, "SELECT title FROM interventions WHERE id = ?", [wrong.intervention_id]) == [
        ("Ny insats från mötet",)]
    assert rows(db, "SELECT action, details FROM audit_log WHERE action = 'beslut borttaget'") == [
        ("beslut borttaget", f'{{"beslut": {wrong.decision_id}, "text": "Fel beslut", '
                             f'"insats": "{wrong.intervention_id}"}}')]
    with pytest.raises(M.MeetingError, match="finns inte längre"):
        meeting_edits.delete_decision(db, mid, wrong.decision_id, actor=EDITOR)
