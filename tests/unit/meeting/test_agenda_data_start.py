"""The meeting's agenda and minutes for a municipality whose data begins on 2026-10-06: last year's
figures read 'ingen jämförelse – data från och med 2026-10-06', never 0, and are never flagged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trygghet.documents.minutes import build_minutes
from trygghet.documents.model import Paragraph, Table
from trygghet.meeting.agenda import agenda
from trygghet.meeting.records import create_meeting
from trygghet.store import event_counts
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database, add_district, init_database

FIRST = dt.date(2026, 10, 6)
HELD_ON = dt.date(2026, 11, 30)  # the agenda's week: 23–29 November 2026
TEXT = "ingen jämförelse – data från och med 2026-10-06"


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> tuple[Database, int]:
    db = Database(Path(tmp_path_factory.mktemp("agenda_start")) / "t.duckdb")
    init_database(db)
    with db.write() as con:
        add_district(con, "Norr")
        con.execute("INSERT INTO priority_areas VALUES ('Klotter', NULL, 'Mindre klotter', DATE '2026-01-01', NULL, "
                    "['Klotter'], NULL, TIMESTAMP '2026-01-01 09:00')")
        days = [FIRST + dt.timedelta(days=i) for i in range((HELD_ON - FIRST).days)]
        rows = [(day, category) for day in days for category in ["Klotter"] * 8 + ["Stöld"] * 4]
        con.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, 'Norr', ?, 'Polisen', ?)",
            [(i, dt.datetime.combine(d, dt.time(12)), c, i) for i, (d, c) in enumerate(rows, 1)])
        event_counts.rebuild(con)
    return db, create_meeting(db, HELD_ON, actor=COMMAND_LINE)


def test_the_agenda_knows_which_comparisons_reach_before_the_data(meeting: tuple[Database, int]) -> None:
    db, mid = meeting
    with db.read() as con:
        found = agenda(con, mid)
    assert found is not None
    assert found.key_figure_gaps == {"last_year": TEXT}
    assert set(found.compstat_gaps) == {"days28_last_year", "ytd_last_year"}
    area = found.areas.iloc[0]
    assert (area["count_last_year"], area["change"], area["flag"]) == (None, TEXT, "")


def test_the_minutes_say_no_comparison_instead_of_zero(meeting: tuple[Database, int]) -> None:
    db, mid = meeting
    with db.read() as con:
        doc = build_minutes(con, mid, now=dt.datetime(2026, 11, 30, 10))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    key = next(t for t in tables if any(c.startswith("Samma vecka i fjol") for c in t.columns))
    assert key.rows[0][key.columns.index("Samma vecka i fjol (v. 48)")] == "–"
    assert any(isinstance(b, Paragraph) and b.text == f"Samma vecka i fjol: {TEXT}." for b in doc.blocks)

    compstat = next(t for t in tables if "Fjol 28 d." in t.columns)
    for base, change in (("Fjol 28 d.", "± 28 d."), ("Fjol hittills", "± i år")):
        assert {row[compstat.columns.index(base)] for row in compstat.rows} == {TEXT}
        assert {row[compstat.columns.index(change)] for row in compstat.rows} == {"–"}
    assert not any(compstat.highlight or [])  # 96 a week against a mean of 96: nothing is sure
