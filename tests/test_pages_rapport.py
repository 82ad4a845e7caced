"""The Rapport page under AppTest on a real demo database: the lägesbild's sections, the rates per
1 000 invånare, the analysis saved through the page, and a finished report registered with its
SHA-256 and checked by making it again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.core import config
from trygghet.demo.build import build_demo
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("pages_rapport") / "demo.duckdb"
    build_demo(path, events=12_000)
    saved = {name: os.environ.get(name) for name in ("TRYGGHET_DB", config.CHARTS)}
    os.environ["TRYGGHET_DB"] = str(path)
    os.environ[config.CHARTS] = "0"  # the documents' charts as tables: the page's logic, not Kaleido, is tested
    try:
        yield Database(path)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(autouse=True)
def app_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a real server: the old-multipage flag is cleared once, not before every AppTest run."""
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("pages/rapport.py").run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def _rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql).fetchall()


def test_the_page_shows_the_lagesbild_and_saves_the_analysis(demo_db: Database) -> None:
    at = _page()
    assert [t.value for t in at.title] == ["Lägesbildsrapport"]
    assert [t.label for t in at.tabs] == ["Lägesbilden", "Analys", "Åtgärdsplan och uppföljning",
                                          "Registrerade rapporter"]
    assert [h.value for h in at.header][:3] == ["Sammanfattning", "Omfattning per stadsdel och kategori",
                                                "Prioriterade områden och måluppfyllelse"]
    assert [s.value for s in at.subheader] == ["Analys per prioriterat problem", "Övrig analys", "Åtgärdsplan",
                                               "Uppföljning av föregående åtgärdsplan", "Samordning och överenskommelser"]
    districts = next(df.value for df in at.dataframe if "Per 1 000 inv." in df.value.columns)
    assert districts["Per 1 000 inv."].str.match(r"^\d+,\d$").all()  # the demo has population for every district
    summary = " ".join(m.value for m in at.markdown)
    assert "per 1 000 invånare" in summary
    period = at.selectbox(key="rapport_period_tertial").value
    assert period.kind == "tertial"
    at.text_area[0].input("Bränderna i Hagaberg har minskat sedan i våras.")
    _click(at, "Spara analysen")
    assert _rows(demo_db, f"SELECT text FROM report_texts WHERE key = 'analys|{period.key}|alla'") == [
        ("Bränderna i Hagaberg har minskat sedan i våras.",)]


def test_a_finished_report_is_registered_and_checked(demo_db: Database) -> None:
    at = _page()
    period = at.selectbox(key="rapport_period_tertial").value
    _click(at, "Registrera rapporten")
    [(key, fmt, digest)] = _rows(demo_db, "SELECT period_key, format, sha256 FROM saved_reports")
    assert (key, fmt, len(digest)) == (period.key, "pdf", 64)
    shown = next(df.value for df in at.dataframe if "SHA-256" in df.value.columns)
    assert shown["SHA-256"].tolist() == [digest]
    _click(at, "Gör om och jämför")
    assert [s.value for s in at.success] == ["Rapport nr 1 blir densamma: SHA-256 stämmer."]


def test_an_unfinished_period_is_not_registered(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from trygghet.core import clock
    from trygghet.documents.report_period import ReportPeriod

    [(last,)] = _rows(demo_db, "SELECT max(day)::DATE FROM event_counts")
    running = next(p for p in (ReportPeriod("tertial", last.year, n) for n in (1, 2, 3))
                   if p.window.start <= last < p.window.end)
    # The day after the data ends, unless that day ends the tertial: then the tertial's own last day,
    # so the period asked for is still running and still offered (a next year's tertial has no data).
    today = last if running.last_day == last else last + dt.timedelta(days=1)
    monkeypatch.setenv(clock.ENV, today.isoformat())
    before = _rows(demo_db, "SELECT count(*) FROM saved_reports")
    at = _page()
    box = at.selectbox(key="rapport_period_tertial")
    box.set_value(running).run()
    assert at.selectbox(key="rapport_period_tertial").value == running
    _click(at, "Registrera rapporten")
    assert any("är inte avslutad förrän" in e.value and "registreras" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert _rows(demo_db, "SELECT count(*) FROM saved_reports") == before
