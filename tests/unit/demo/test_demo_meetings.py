"""The demo's meeting history (demo.meetings): six weekly meetings before the demo's last day, with
decisions carried and reported back, focus places, absences against the standing list and insats
changes logged by the meeting, so that the next meeting has something to follow up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from trygghet.core.periods import IsoWeek
from trygghet.demo.build import build_demo
from trygghet.meeting import records
from trygghet.meeting.agenda import agenda
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

END = dt.date(2026, 12, 1)  # a Tuesday


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = Path(tmp_path_factory.mktemp("demo_meetings")) / "demo.duckdb"
    build_demo(path, seed=7, events=6000, end=END, years=1)
    yield Database(path)


def test_six_weekly_meetings_before_this_week_each_with_decisions_and_focus_places(db: Database) -> None:
    with db.read() as con:
        meetings = records.list_meetings(con)[::-1]
        assert len(meetings) == 6
        assert [m.held_on for m in meetings] == [END - dt.timedelta(weeks=k) for k in range(6, 0, -1)]
        assert all(IsoWeek.of(m.held_on) < IsoWeek.of(END) and m.closed and not m.locked for m in meetings)
        for m in meetings:
            assert records.focus_places(con, m.id), m.label
            assert con.execute("SELECT count(*) FROM decisions WHERE meeting_id = ?", [m.id]).fetchone()[0] >= 2
        # Someone is away most weeks: the absence is recorded against the standing list.
        absences = con.execute("SELECT count(*) FROM meeting_protocol WHERE absent <> '[]'").fetchone()[0]
        assert absences >= 3
        assert con.execute("SELECT count(*) FROM meeting_members").fetchone()[0] == 6


def test_earlier_decisions_are_reported_back_and_done_at_a_later_meeting(db: Database) -> None:
    with db.read() as con:
        rows = con.execute(
            """SELECT d.meeting_id, d.done_meeting_id, r.meeting_id, r.text FROM decisions d
               JOIN decision_reports r ON r.decision_id = d.id""").fetchall()
        assert len(rows) >= 8
        assert all(decided < done == reported and text for decided, done, reported, text in rows)
        # The last meeting's decisions are open, and one older decision is overdue.
        last = con.execute("SELECT max(id) FROM meetings").fetchone()[0]
        assert con.execute("SELECT count(*) FROM decisions WHERE meeting_id = ? AND status = 'öppen'",
                           [last]).fetchone()[0] >= 2
        assert con.execute("SELECT count(*) FROM decisions WHERE meeting_id < ? AND status = 'öppen' AND deadline < ?",
                           [last, END]).fetchone()[0] >= 1


def test_the_insats_changes_are_in_the_history_with_the_meeting_as_source(db: Database) -> None:
    with db.read() as con:
        changes = con.execute(
            """SELECT h.intervention_id, h.changed_by, m.held_on FROM intervention_history h
               JOIN decisions d ON d.intervention_id = h.intervention_id
               JOIN meetings m ON m.id = d.meeting_id AND h.changed_by = 'Möte ' || strftime(m.held_on, '%Y-%m-%d')
               WHERE h.origin = 'möte'""").fetchall()
        assert len(changes) >= 4
        ends = con.execute("SELECT i.end_date, max(h.new_value) FROM interventions i JOIN intervention_history h "
                           "ON h.intervention_id = i.id AND h.field = 'end_date' AND h.origin = 'möte' "
                           "GROUP BY i.id, i.end_date").fetchall()
        assert all(end.isoformat() == latest for end, latest in ends)


def test_this_weeks_meeting_follows_up_the_demos_open_decisions_and_focus_places(db: Database) -> None:
    present = [records.Participant("Kommun", "Trygghetssamordnare"), records.Participant("Polis", "Kommunpolis")]
    mid = records.create_meeting(db, END, present, actor=COMMAND_LINE)
    with db.read() as con:
        shown = agenda(con, mid, today=END)
    assert shown is not None and shown.previous is not None
    carried = shown.decisions[shown.decisions["carried"]]
    assert len(carried) >= 3 and carried["overdue"].any()
    assert not shown.previous_focus.empty
    # Absent: the standing list's members that no participant matches.
    assert [p.organisation for p in shown.absent] == ["Bostadsbolag", "Fritid/fältare", "Skola", "Räddningstjänst"]
