"""The Möte page under AppTest, on a small demo database: a meeting and its decisions are made
through the page, and presentation mode steps through the agenda."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import TextArea

from trygghet.core import clock, config
from trygghet.core.text import md_literal
from trygghet.demo.build import build_demo
from trygghet.meeting import records as meetings
from trygghet.store.access import OPEN_DEMO
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("pages_mote") / "demo.duckdb"
    build_demo(path, events=30_000)
    previous = os.environ.get("TRYGGHET_DB")
    os.environ["TRYGGHET_DB"] = str(path)
    try:
        yield Database(path)
    finally:
        if previous is None:
            os.environ.pop("TRYGGHET_DB", None)
        else:
            os.environ["TRYGGHET_DB"] = previous


@pytest.fixture(autouse=True)
def app_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's old-multipage flag before every run, so each run would first
    execute the page file alone and ui.database() would restart it through app.py, dropping a
    button click on the way. A real server clears the flag once, on app.py's first run; do the same."""
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


def _page(presentation: bool = False) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if presentation:
        at.query_params["presentation"] = "1"
    at.run()
    at.switch_page("pages/mote.py").run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _rows(db: Database, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql, params or []).fetchall()


def _area(at: AppTest, label: str) -> TextArea:
    return next(t for t in at.text_area if t.label == label)


def test_a_meeting_and_its_decisions_are_made_through_the_page(demo_db: Database) -> None:
    today = clock.today()
    at = _page()
    assert [t.value for t in at.title] == ["Samverkansmöte"]
    # The demo's meeting history: the latest meeting is shown, with its decisions carried forward.
    with demo_db.read() as con:
        latest = meetings.list_meetings(con)[0]
    assert at.header[0].value.startswith("1. Lägesbild ") and at.query_params["mote"] == str(latest.id)
    at.selectbox(key="mote_select").set_value(-1).run()
    assert [s.value for s in at.header] == ["Starta veckans möte"]
    _click(at, "Starta mötet")
    assert at.header[0].value.startswith("1. Lägesbild v. ")
    assert at.metric[0].label == f"Händelser v. {at.header[0].value.split()[3]}"
    mid = _rows(demo_db, "SELECT max(id) FROM meetings")[0][0]
    # Dated today, titled by its own date's week, with the participants of the meeting before.
    assert _rows(demo_db, "SELECT held_on, title, participants FROM meetings WHERE id = ?", [mid]) == [
        (today, f"Samverkansmöte v. {today.isocalendar().week}", _rows(
            demo_db, "SELECT participants FROM meetings WHERE id = ?", [latest.id])[0][0])]
    assert at.query_params["mote"] == str(mid)

    for label, heading in (("2 Insatser", "2. Insatser att följa upp"), ("3 Prioriterade områden",
                                                                          "3. Prioriterade områden"),
                           ("5 Övrigt", "5. Övriga frågor och protokoll")):
        at.segmented_control(key="mote_vy_ctl").set_value(label).run()
        assert not at.exception, at.exception
        assert heading in [s.value for s in at.header]
    at.segmented_control(key="mote_vy_ctl").set_value("4 Beslut och fokus").run()
    assert "4. Beslut och veckans fokusplatser" in [s.value for s in at.header]

    # A decision of its own, with a personnummer that must not be stored.
    _area(at, "Beslut").input("Fältarna går kvällsrunda vid torget; anmälare 19121212-1212")
    next(t for t in at.text_input if t.label == "Ansvarig roll").input("Fältsamordnare")
    _click(at, "Spara beslutet")
    assert "Beslutet är sparat." in [t.value for t in at.toast]
    own = "SELECT text, responsible, status, intervention_id FROM decisions WHERE meeting_id = ? ORDER BY id"
    assert _rows(demo_db, own, [mid]) == [
        ("Fältarna går kvällsrunda vid torget; anmälare [personnummer borttaget]", "Fältsamordnare", "öppen", None)]

    # A decision that creates an intervention.
    at.segmented_control(key="beslut_koppling").set_value("Ny insats").run()
    _area(at, "Beslut").input("Trygghetsvandring i Norrby nästa vecka")
    next(t for t in at.text_input if t.label == "Ny insats").input("Trygghetsvandring Norrby centrum")
    next(s for s in at.selectbox if s.label == "Stadsdel").set_value("Norrby")
    _click(at, "Spara beslutet")
    new_id = f"M-{today.isoformat()}-1"
    # The ID is user text, shown as typed through the Markdown escape.
    assert f"Beslutet är sparat och insatsen {md_literal(new_id)} skapad." in [t.value for t in at.toast]
    assert _rows(demo_db, "SELECT title, district, status FROM interventions WHERE id = ?", [new_id]) == [
        ("Trygghetsvandring Norrby centrum", "Norrby", "Pågående")]
    assert _rows(demo_db, "SELECT DISTINCT origin, changed_by FROM intervention_history WHERE intervention_id = ?",
                 [new_id]) == [("möte", f"Möte {today.isoformat()}")]
    # Both decisions are listed in the view's table for marking them done, beside the carried ones.
    decisions = next(d.value for d in at.dataframe if "Klar" in d.value.columns)
    assert {"Trygghetsvandring i Norrby nästa vecka", latest_text(demo_db, latest.id)} <= set(decisions["Beslut"])

    # The first one was a mistake: it is removed; the intervention of the second stays.
    first_id = _rows(demo_db, "SELECT min(id) FROM decisions WHERE meeting_id = ?", [mid])[0][0]
    at.selectbox(key=f"ta_bort_beslut_{mid}").set_value(first_id).run()
    _click(at, "Ta bort beslutet")
    assert any(t.value.startswith("Beslutet togs bort: Fältarna går kvällsrunda") for t in at.toast)
    assert _rows(demo_db, "SELECT text FROM decisions WHERE meeting_id = ?", [mid]) == [
        ("Trygghetsvandring i Norrby nästa vecka",)]
    assert _rows(demo_db, "SELECT count(*) FROM interventions WHERE id = ?", [new_id]) == [(1,)]

    # A report-back on the demo's open decision, marked done at this meeting.
    carried = _rows(demo_db, "SELECT id FROM decisions WHERE meeting_id = ? ORDER BY id", [latest.id])[0][0]
    at.selectbox(key=f"ater_beslut_{mid}").set_value(carried).run()
    _area(at, "Återrapport").input("Belysningen är lagad sedan torsdag.")
    next(c for c in at.checkbox if c.label == "Beslutet är klart").check()
    _click(at, "Spara återrapporten")
    assert _rows(demo_db, "SELECT text, reported_on FROM decision_reports WHERE decision_id = ? AND meeting_id = ?",
                 [carried, mid]) == [("Belysningen är lagad sedan torsdag.", today)]
    assert _rows(demo_db, "SELECT status, done_meeting_id FROM decisions WHERE id = ?", [carried]) == [("klar", mid)]


def latest_text(db: Database, meeting_id: int) -> str:
    return str(_rows(db, "SELECT text FROM decisions WHERE meeting_id = ? ORDER BY id", [meeting_id])[0][0])


def _slide(at: AppTest) -> str:
    """The slide on the wall: the HTML of presentation mode's st.html (its title is an h2)."""
    return next(h.value for h in at.get("html") if 'class="lb-slide"' in h.value)


def _title(at: AppTest) -> str:
    slide = _slide(at)
    return slide[slide.index("<h2>") + 4:slide.index("</h2>")]


def test_presentation_mode_shows_one_slide_and_steps_with_nasta(demo_db: Database) -> None:
    with demo_db.read() as con:
        this_week = meetings.meeting_in_week(con, clock.today())
    if this_week is None:  # the other test made one; this one must also run alone
        meetings.create_meeting(demo_db, clock.today(), actor=OPEN_DEMO)
    at = _page(presentation=True)
    assert _title(at).startswith("1. Lägesbild")
    assert len(at.header) == 0 and len(at.dataframe) == 0  # the slide is plain HTML: nothing scrolls inside it
    assert [b.label for b in at.button][:2] == ["◀ Föregående", "Nästa ▶"]
    assert at.button(key="pres_prev").disabled
    # No banner and no hint on the wall: the demo and the open log-in are a badge in the footer.
    assert not at.info and not at.warning
    assert "Demodata" in next(h.value for h in at.get("html") if "lb-badge" in h.value)
    assert not any("timer" in c.value for c in at.caption)
    # Nästa goes through every slide of the Lägesbild before the next agenda item.
    pages = int(_slide(at).split('aria-label="Sida 1 av ')[1].split('"')[0]) if "Sida 1 av" in _slide(at) else 1
    for number in range(2, pages + 1):
        _click(at, "Nästa ▶")
        assert _title(at).startswith("1. Lägesbild") and f"{number}/{pages}" in _slide(at)
        assert at.query_params["sida"] == str(number)
    _click(at, "Nästa ▶")
    assert _title(at) == "2. Insatser att följa upp"
    # Recorded without leaving the wall: Anteckna opens the item's forms in a dialog.
    _click(at, "Anteckna")
    assert {"Anteckningar – insatser att följa upp", "Återrapport"} <= {t.label for t in at.text_area}
    assert at.query_params["vy"] == "2" and at.query_params["presentation"] == "1"
    _click(at, "◀ Föregående")
    assert _title(at).startswith("1. Lägesbild")
    _click(at, "Avsluta")
    assert "presentation" not in at.query_params
    assert [t.value for t in at.title] == ["Samverkansmöte"]


def test_the_minutes_are_approved_through_the_page_and_the_meeting_is_locked(
        demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.CHARTS, "0")  # the files' charts are tested in test_documents
    with demo_db.read() as con:
        this_week = meetings.meeting_in_week(con, clock.today())
    mid = this_week.id if this_week else meetings.create_meeting(demo_db, clock.today(), actor=OPEN_DEMO)
    at = _page()
    at.selectbox(key="mote_select").set_value(mid).run()
    at.segmented_control(key="mote_vy_ctl").set_value("5 Övrigt").run()
    assert "5. Övriga frågor och protokoll" in [s.value for s in at.header]
    _area(at, "Anteckningar – övriga frågor").input("Skolorna har studiedag på fredag.")
    _click(at, "Spara anteckningen")
    next(s for s in at.selectbox if s.label == "Justerare").set_value("Polis – Kommunpolis")
    _click(at, "Spara")
    assert at.button(key=f"justera_{mid}").disabled  # not before someone has read them
    next(c for c in at.checkbox if c.key == f"justera_ok_{mid}").check().run()
    _click(at, "Justera och lås protokollet")
    assert "Protokollet är justerat och låst." in [t.value for t in at.toast]
    assert _rows(demo_db, "SELECT approver, approved_at IS NOT NULL FROM meeting_protocol WHERE meeting_id = ?",
                 [mid]) == [("Polis – Kommunpolis", True)]
    stored = _rows(demo_db, "SELECT octet_length(pdf) > 1000, octet_length(docx) > 1000 FROM meeting_minutes WHERE meeting_id = ?",
                   [mid])
    assert stored == [(True, True)]
    # Locked: no form writes to it any more, and the page says so.
    assert any(s.value.startswith("Protokollet justerades ") for s in at.success)
    labels = [b.label for b in at.button]
    assert "Spara anteckningen" not in labels and "Öppna mötet igen" not in labels
    with pytest.raises(meetings.MeetingError, match="låst"):
        meetings.reopen_meeting(demo_db, mid, actor=OPEN_DEMO)
