"""documents.minutes for a meeting on 8 December 2026 whose lägesbild week (v. 49) has data only up to
Wednesday 2 December: the minutes say so, compare the same weekdays and claim no sure change; they
hold everything a secretary signs (attendance with absences, notes, report-backs, övriga frågor,
next meeting, justering) in the PDF and the Word file, no heading alone at the foot of a page; and
once approved they are the stored files, whatever happens to the data after."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from trygghet.core import config
from trygghet.demo.build import build_demo
from trygghet.documents.minutes import approve_minutes, build_minutes, minutes_file
from trygghet.documents.model import Document, Heading, Table
from trygghet.meeting import edits, protocol
from trygghet.meeting import records as M
from trygghet.meeting.agenda import agenda
from trygghet.present import tables
from trygghet.store.access import COMMAND_LINE
from trygghet.store.db import Database

LAST_DAY = dt.date(2026, 12, 2)  # a Wednesday: the data stops here
HELD = dt.date(2026, 12, 8)
NOW = dt.datetime(2026, 12, 8, 11, 0)
REPORT = "Belysningen är lagad; polisen ser färre samlingar efter klockan 22."


@dataclass(frozen=True)
class Scene:
    db: Database
    meeting_id: int
    carried_id: int


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    path = Path(tmp_path_factory.mktemp("minutes")) / "demo.duckdb"
    build_demo(path, seed=5, events=8000, end=LAST_DAY, years=1)
    db = Database(path)
    present = [M.Participant("Kommun", "Trygghetssamordnare"), M.Participant("Polis", "Kommunpolis"),
               M.Participant("Skola", "Rektor")]
    mid = M.create_meeting(db, HELD, present, actor=COMMAND_LINE)
    with db.read() as con:
        carried = con.execute("SELECT min(id) FROM decisions WHERE status = 'öppen'").fetchone()[0]
    protocol.save_report_back(db, mid, carried, REPORT, dt.date(2026, 12, 7), done=True, actor=COMMAND_LINE)
    edits.record_decision(db, mid, "Fältarna går kvällsrunda vid Stora torget fredag och lördag.", "Fritid/fältare",
                          "Fältsamordnare", dt.date(2026, 12, 15), actor=COMMAND_LINE)
    edits.save_focus_places(db, mid, [M.FocusPlace("Centrum", "Stora torget", "Samlingar kvällstid")],
                            actor=COMMAND_LINE)
    for item, text in (("lagesbild", "Polisen och fältarna ger samma bild av helgen."),
                       ("insatser", "Kameraövervakningen utvärderas i januari."),
                       ("ovriga", "Skolorna har studiedag på fredag."),
                       ("beslut", "Kvällsrundan samordnas med bostadsbolaget.")):
        protocol.save_note(db, mid, item, text, actor=COMMAND_LINE)
    protocol.save_details(db, mid, next_meeting=dt.date(2026, 12, 15), secretary="Kommun – Trygghetssamordnare",
                          approver="Polis – Kommunpolis", actor=COMMAND_LINE)
    yield Scene(db, mid, int(carried))


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.CHARTS, "0")


def _doc(scene: Scene) -> Document:
    with scene.db.read() as con:
        return build_minutes(con, scene.meeting_id, now=NOW)


def _events(db: Database, start: dt.date, days: int) -> int:
    with db.read() as con:
        return int(con.execute("SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                               [start, start + dt.timedelta(days=days)]).fetchone()[0])


def test_the_minutes_of_a_partial_week_say_so_compare_the_same_weekdays_and_claim_no_sure_change(
        scene: Scene) -> None:
    doc = _doc(scene)
    text = doc.text()
    assert ("v. 49 är inte hel i data: data till och med onsdag 2026-12-02 (3 dagar). Veckan jämförs "
            "måndag–onsdag mot samma veckodagar veckorna före") in text
    assert "Inga förändringar bedöms förrän veckan är hel." in text
    assert "▲" not in text and "▼" not in text
    key = next(b for b in doc.blocks if isinstance(b, Table) and b.columns[0].startswith("Händelser v. 49"))
    assert key.columns == ["Händelser v. 49 (mån–ons)", "Veckan före (mån–ons)", "Snitt 4 veckor före (mån–ons)",
                           "Samma vecka i fjol (mån–ons)"]
    monday = dt.date(2026, 11, 30)
    before = [_events(scene.db, monday - dt.timedelta(weeks=k), 3) for k in range(1, 5)]
    assert key.rows[0][0] == str(_events(scene.db, monday, 3))
    assert key.rows[0][1] == str(before[0])
    # Formatted by the same function on the screen and in the document (half up, decimal comma).
    with scene.db.read() as con:
        shown = agenda(con, scene.meeting_id, today=NOW.date())
    assert shown is not None
    screen = tables.key_figure_items(shown.key_figures, shown.meeting.week, shown.key_figure_gaps, shown.span)
    assert [value for _, value in screen] == key.rows[0]
    assert shown.key_figures["previous_4_mean"] == sum(before) / 4


def test_the_minutes_hold_what_a_secretary_signs_in_both_files_with_no_heading_alone(
        scene: Scene, no_charts: None) -> None:
    doc = _doc(scene)
    meta = dict(doc.meta)
    assert meta["Närvarande"] == "Kommun – Trygghetssamordnare; Polis – Kommunpolis; Skola – Rektor"
    assert meta["Frånvarande"] == "Bostadsbolag – Områdeschef; Fritid/fältare – Fältsamordnare; Räddningstjänst – " \
                                  "Brandinspektör"
    assert (meta["Vid protokollet"], meta["Justerare"]) == ("Kommun – Trygghetssamordnare", "Polis – Kommunpolis")
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    for expected in ("6. Övriga frågor", "7. Nästa möte", "Justering", "Beslut från tidigare möten och återrapporter"):
        assert expected in headings
    expected_texts = [
        "Polisen och fältarna ger samma bild av helgen.", "Kameraövervakningen utvärderas i januari.",
        "Skolorna har studiedag på fredag.", "Kvällsrundan samordnas med bostadsbolaget.",
        f"{REPORT} (2026-12-07)", "Klar 2026-12-08", "2026-12-15", "Bostadsbolag – Områdeschef",
        "Justeras:", "Vid protokollet:",
    ]
    pdf, word = minutes_file(scene.db, scene.meeting_id, "pdf", now=NOW), \
        minutes_file(scene.db, scene.meeting_id, "docx", now=NOW)
    pages = [(p.extract_text() or "").replace("\xa0", " ") for p in PdfReader(io.BytesIO(pdf)).pages]
    word_text = "\n".join([p.text for p in docx.Document(io.BytesIO(word)).paragraphs]
                          + [c.text for t in docx.Document(io.BytesIO(word)).tables for r in t.rows for c in r.cells])
    flat = " ".join(" ".join(p.split()) for p in pages)
    assert all(expected in doc.text() for expected in expected_texts)
    words = set(flat.split())
    for expected in expected_texts:
        # PDF extraction reads a table row across its cells, and a narrow cell may break a date at its hyphen:
        # a wrapped cell's words are checked one by one, its dates in the Word file.
        assert {w for w in expected.split() if not any(c.isdigit() for c in w)} <= words, expected
        assert expected.split(" (")[0] in word_text, expected
    # A heading is never the last thing on a page: what it heads follows it there.
    for number, page in enumerate(pages, start=1):
        body = [line.strip() for line in page.splitlines()
                if line.strip() and not line.startswith("Protokoll 2026-12-08") and not line.startswith("Sida ")]
        assert body[-1] not in headings, f"page {number} ends with the heading {body[-1]!r}"
    # In Word, headings keep with the next paragraph.
    word_headings = [p for p in docx.Document(io.BytesIO(word)).paragraphs if p.style.name.startswith("Heading")]
    assert word_headings and all(p.paragraph_format.keep_with_next is not False and
                                 (p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next)
                                 for p in word_headings)


def test_approved_minutes_are_the_stored_files_and_the_meeting_is_locked(scene: Scene, no_charts: None) -> None:
    when = approve_minutes(scene.db, scene.meeting_id, actor=COMMAND_LINE,
                                       now=dt.datetime(2026, 12, 9, 8, 30))
    assert when == dt.datetime(2026, 12, 9, 8, 30)
    pdf = minutes_file(scene.db, scene.meeting_id, "pdf")
    word = minutes_file(scene.db, scene.meeting_id, "docx")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Justerat: 2026-12-09 08:30 av Polis – Kommunpolis. Protokollet är låst." in text
    # The data changes after the justering (a later meeting marks a decision done): the minutes do not.
    later = M.create_meeting(scene.db, HELD + dt.timedelta(days=7), actor=COMMAND_LINE)
    with scene.db.read() as con:
        own = con.execute("SELECT id FROM decisions WHERE meeting_id = ?", [scene.meeting_id]).fetchone()[0]
    edits.set_decisions_done(scene.db, later, [own], actor=COMMAND_LINE)
    assert minutes_file(scene.db, scene.meeting_id, "pdf") == pdf
    assert minutes_file(scene.db, scene.meeting_id, "docx") == word
    with pytest.raises(M.MeetingError, match="justerat 2026-12-09 och låst"):
        protocol.save_note(scene.db, scene.meeting_id, "ovriga", "Tillägg", actor=COMMAND_LINE)
    with pytest.raises(M.MeetingError, match="justerat"):
        approve_minutes(scene.db, scene.meeting_id, actor=COMMAND_LINE)
