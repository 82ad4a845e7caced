"""The minutes and the lägesbild report as PDF and Word, read back with pypdf and python-docx:
the decisions, key figures and district names must be in them, with the charts drawn by
Kaleido and the system's Chromium, and – when that is not possible – as tables, saying so."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from trygghet.core import config
from trygghet.core.formatting import fmt_int
from trygghet.demo.build import build_demo
from trygghet.documents import chart_images as charts
from trygghet.documents import output
from trygghet.documents.minutes import build_minutes
from trygghet.documents.model import Document
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod, analysis_key, report_periods
from trygghet.documents.report_sections import ANALYSIS_PLACEHOLDER
from trygghet.meeting import agenda as meeting_agenda
from trygghet.meeting import edits as meeting_edits
from trygghet.meeting import records as M
from trygghet.store.access import Actor
from trygghet.store.db import Database

EDITOR = Actor("Samordnare", "redigerare")
END = dt.date(2026, 11, 29)  # the demo's last day, a Sunday
MEETING_DAY = dt.date(2026, 11, 30)  # lägesbild week 2026-W48
PREVIOUS_DAY = dt.date(2026, 11, 23)
DISTRICTS = ("Norrby", "Hamnen")
TRICKY = "Kvällsvandring <b>vid</b> torget & \"skolan\" – även söndag"
PERIOD = ReportPeriod("tertial", 2026, 3)


@dataclass
class Demo:
    db: Database
    meeting_id: int
    changed_id: str
    new_id: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("documents") / "demo.duckdb"
    build_demo(path, events=8000, end=END)
    db = Database(path)
    previous = M.create_meeting(db, PREVIOUS_DAY, [M.Participant("Polis", "Kommunpolis")], DISTRICTS, actor=EDITOR)
    meeting_edits.record_decision(db, previous, "Extra belysning i gångtunneln beställs", "Teknisk förvaltning",
                      "Driftansvarig gatubelysning", dt.date(2026, 12, 4), actor=EDITOR)
    meeting_edits.save_focus_places(db, previous, [M.FocusPlace("Norrby", "Norrby torg", "Klotter kvällstid")], actor=EDITOR)
    mid = M.create_meeting(db, MEETING_DAY, [M.Participant("Polis", "Kommunpolis"),
                                             M.Participant("Kommun", "Trygghetssamordnare"),
                                             M.Participant("Bostadsbolag", "Områdeschef")], DISTRICTS, actor=EDITOR)
    with db.read() as con:
        changed = con.execute("SELECT id FROM interventions WHERE status = 'Pågående' AND district = 'Hamnen' "
                              "ORDER BY id LIMIT 1").fetchone()[0]
    new = meeting_edits.record_decision(db, mid, TRICKY, "Fritid/fältare", "Fältsamordnare", dt.date(2026, 12, 7),
                            new_intervention={"title": "Kvällsvandringar Norrby torg", "district": "Norrby",
                                              "start_date": dt.date(2026, 12, 1), "end_date": dt.date(2027, 2, 28)},
                            actor=EDITOR)
    meeting_edits.record_decision(db, mid, "Insatsen förlängs till februari", "Polis", "Kommunpolis", dt.date(2026, 12, 14),
                      change_intervention=(changed, {"end_date": dt.date(2027, 2, 15), "comment": "Förlängd"}),
                      actor=EDITOR)
    meeting_edits.save_focus_places(db, mid, [M.FocusPlace("Hamnen", "Hamnplan", "Bränder i containrar"),
                                  M.FocusPlace("Norrby", None, "Ungdomar som samlas")], actor=EDITOR)
    M.save_report_text(db, analysis_key(PERIOD, DISTRICTS),
                       "Skadegörelsen ökar i Hamnen <script>alert(1)</script>.\n\nFokus på kvällstid.", actor=EDITOR)
    return Demo(db, mid, changed, str(new.intervention_id))


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages).replace("\xa0", " ")


def pdf_images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts).replace("\xa0", " ")


def docx_images(data: bytes) -> int:
    return len(docx.Document(io.BytesIO(data)).inline_shapes)


def normalise(text: str) -> str:
    """PDF extraction breaks lines inside table cells; compare on words."""
    return " ".join(text.split())


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(config.CHARTS, "0")
    yield


def minutes_doc(demo: Demo) -> Document:
    with demo.db.read() as con:
        return build_minutes(con, demo.meeting_id, now=dt.datetime(2026, 11, 30, 11, 0))


def report_doc(demo: Demo) -> Document:
    with demo.db.read() as con:
        return build_report(con, PERIOD, DISTRICTS, today=MEETING_DAY)


def expected_minutes_content(demo: Demo) -> list[str]:
    with demo.db.read() as con:
        agenda = meeting_agenda.agenda(con, demo.meeting_id)
    assert agenda is not None
    figures = agenda.key_figures
    return [
        "Protokoll – Samverkansmöte v. 49", "2026-11-30", "Norrby, Hamnen",
        "Polis – Kommunpolis", "Kommun – Trygghetssamordnare", "Bostadsbolag – Områdeschef",
        "Händelser v. 48", fmt_int(figures["week"]).replace("\xa0", " "),
        "Veckan före (v. 47)", fmt_int(figures["previous_week"]).replace("\xa0", " "),
        TRICKY, "Fritid/fältare", "Fältsamordnare", "2026-12-07",
        "Insatsen förlängs till februari", "2026-12-14", demo.new_id, demo.changed_id,
        "Extra belysning i gångtunneln beställs",  # carried forward from the previous meeting
        "Hamnplan", "Bränder i containrar", "Hela stadsdelen", "Norrby torg",
        "Förlängd", "2027-02-15",  # the change made at the meeting
    ]


def check_minutes(pdf: bytes, word: bytes, demo: Demo) -> None:
    assert pdf.startswith(b"%PDF")
    pdf_words, word_words = normalise(pdf_text(pdf)), normalise(docx_text(word))
    for expected in expected_minutes_content(demo):
        assert normalise(expected) in word_words, expected
        assert normalise(expected) in pdf_words, expected


@pytest.mark.skipif(charts.browser_path() is None, reason="no Chrome/Chromium for Kaleido on this machine")
def test_minutes_with_charts_drawn_on_the_server(demo: Demo) -> None:
    doc = minutes_doc(demo)
    rendered = output.render_both(doc)
    assert rendered.charts_drawn
    check_minutes(rendered.pdf, rendered.docx, demo)
    assert docx_images(rendered.docx) == len(doc.figures) >= 1
    assert pdf_images(rendered.pdf) == len(doc.figures)
    assert charts.FALLBACK_NOTE not in pdf_text(rendered.pdf)
    assert charts.FALLBACK_NOTE not in docx_text(rendered.docx)


def test_minutes_fall_back_to_tables_and_say_so(demo: Demo, no_charts: None) -> None:
    doc = minutes_doc(demo)
    pdf, word = output.render(doc, "pdf"), output.render(doc, "docx")
    check_minutes(pdf, word, demo)
    assert docx_images(word) == 0 and pdf_images(pdf) == 0
    for text in (normalise(pdf_text(pdf)), normalise(docx_text(word))):
        assert normalise(charts.FALLBACK_NOTE) in text
        assert "Vecka Händelser" in text  # the weekly chart as a table


def test_charts_fall_back_when_the_browser_cannot_be_started(demo: Demo, monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    doc = minutes_doc(demo)
    assert charts.render([f.figure for f in doc.figures]) is None
    assert normalise(charts.FALLBACK_NOTE) in normalise(docx_text(output.render(doc, "docx")))


def expected_report_content() -> list[str]:
    return [
        "Lägesbild för tertial 3 2026 (september–december) – Solviks kommun", "Norrby", "Hamnen",
        "Det är kommunens gemensamma plan: de valda stadsdelarna har ingen egen.",
        "Innehåll", "Brottslighetens och otrygghetens omfattning", "Per stadsdel", "Per kategori",
        "Jämfört med länet och riket", "Trygghet", "Känner sig trygg utomhus på kvällen", "Efter kön och ålder",
        "Mönster: platser och tider", "Konsekvenser av brott och otrygghet", "Andra uppgifter av betydelse",
        "Prioriterade områden och måluppfyllelse", "Våld i nära relationer", "Måluppfyllelse:",
        "Insatser under perioden och uppmätt effekt", "Analys",
        "Skadegörelsen ökar i Hamnen <script>alert(1)</script>.", "Fokus på kvällstid.",
        "Åtgärdsplan", "Öppna beslut från samverkansmötena", TRICKY,
        "Uppföljning av föregående åtgärdsplan", "Samordning, samverkansöverenskommelse och medborgarlöften",
        "Om underlaget", "Utkast – perioden är inte avslutad: data till och med 2026-11-29",
    ]


@pytest.mark.skipif(charts.browser_path() is None, reason="no Chrome/Chromium for Kaleido on this machine")
def test_report_with_charts(demo: Demo) -> None:
    doc = report_doc(demo)
    rendered = output.render_both(doc)
    assert rendered.charts_drawn
    pdf_words, word_words = normalise(pdf_text(rendered.pdf)), normalise(docx_text(rendered.docx))
    for expected in expected_report_content():
        assert normalise(expected) in word_words, expected
        assert normalise(expected) in pdf_words, expected
    assert docx_images(rendered.docx) == len(doc.figures) == 5
    assert pdf_images(rendered.pdf) == 5
    with demo.db.read() as con:
        total = con.execute(
            "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? AND district IN (?, ?)",
            [PERIOD.window.start, END + dt.timedelta(days=1), *DISTRICTS],
        ).fetchone()[0]
    assert f"{fmt_int(total)} händelser rapporterades".replace("\xa0", " ") in word_words
    check_accessible(doc, rendered.docx, rendered.pdf)


def check_accessible(doc: Document, word: bytes, pdf: bytes) -> None:
    """What the public sector's accessibility rules ask of a document: a text alternative on every image,
    figure titles in the Caption style, a table of contents, the title and the language set."""
    document = docx.Document(io.BytesIO(word))
    descriptions = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert len(descriptions) == len(doc.figures)
    for description, figure in zip(descriptions, doc.figures, strict=True):
        assert description and description.startswith("Stapeldiagram") and len(description) > 80
        assert figure.table.rows[0][0] in description  # it names what the bars show
    # The number is a SEQ field's shown result, which python-docx's .text leaves out.
    captions = ["".join(p._p.xpath(".//w:t/text()")) for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [f"Figur {i}. {f.title}" for i, f in enumerate(doc.figures, start=1)]
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and "SEQ Figur" in body
    anchors = set(re.findall(r'w:anchor="(_Toc\d+)"', body))
    assert anchors and anchors <= set(re.findall(r'w:name="(_Toc\d+)"', body))
    assert document.core_properties.title == doc.title and document.core_properties.language == "sv-SE"
    assert "python-docx" not in document.core_properties.comments and doc.title in document.core_properties.comments
    assert 'w:val="sv-SE"' in document.styles.element.xml
    assert document.core_properties.created.replace(tzinfo=None) == doc.created
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE" and root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == doc.title
    assert reader.metadata["/CreationDate"] == f"D:{doc.created:%Y%m%d%H%M%S}"
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert "Sammanfattning" in titles and "Åtgärdsplan" in titles
    assert "Innehåll" in normalise(pdf_text(pdf))


def test_the_year_s_monthly_chart_keeps_readable_labels(demo: Demo) -> None:
    with demo.db.read() as con:
        doc = build_report(con, ReportPeriod("år", 2025), (), today=MEETING_DAY)
    monthly = next(f for f in doc.figures if f.title == "Händelser per månad")
    # One row per month, each bar taller than its label's 19 px type, and no label shrunk to fit its bar.
    assert len(monthly.table.rows) == 12
    assert all(trace.orientation == "h" and trace.constraintext == "none" for trace in monthly.figure.data)
    assert monthly.figure.layout.height >= 12 * 2 * 19
    assert monthly.figure.layout.font.size >= 19


def test_report_falls_back_to_tables_and_keeps_an_empty_analysis(demo: Demo, no_charts: None) -> None:
    with demo.db.read() as con:
        doc = build_report(con, ReportPeriod("halvår", 2026, 1), ("Centrum",), today=MEETING_DAY)
    word, pdf = output.render(doc, "docx"), output.render(doc, "pdf")
    for text in (normalise(docx_text(word)), normalise(pdf_text(pdf))):
        assert normalise(charts.FALLBACK_NOTE) in text
        assert "Lägesbild för halvår 1 2026 (januari–juni)" in text and "Centrum" in text
        assert normalise(ANALYSIS_PLACEHOLDER) in text  # no analysis written for this one
        assert "Perioden är inte avslutad" not in text
    assert docx_images(word) == 0


def test_report_periods() -> None:
    assert ReportPeriod.parse("2026-T2").window.start == dt.date(2026, 5, 1)
    assert ReportPeriod.parse("2026-T3").window.end == dt.date(2027, 1, 1)
    assert ReportPeriod.parse("2025-H2").label == "Halvår 2 2025 (juli–december)"
    assert ReportPeriod.parse("2025").key == "2025"
    with pytest.raises(ValueError):
        ReportPeriod.parse("2025-Q1")
    periods = report_periods(dt.date(2025, 3, 1), dt.date(2025, 6, 1))
    assert [p.key for p in periods] == ["2025-T2", "2025-T1", "2025-H1", "2025"]
