"""`python -m trygghet report`: the lägesbild made from the command line, as a municipality's
scheduler would, read back from the file it writes; the same period twice gives the same bytes and
one entry in the register; wrong arguments get a Swedish message and the import's exit codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from trygghet.core import clock, config
from trygghet.demo.build import build_demo
from trygghet.documents import chart_images as charts
from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)


def run_cli(*args: str, db: Path, charts_on: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, clock.ENV: TODAY.isoformat(), "TRYGGHET_DB": str(db), config.CHARTS: "1" if charts_on else "0"}
    return subprocess.run([sys.executable, "-m", "trygghet", "report", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report_cli") / "demo.duckdb"
    build_demo(path, events=4000, end=dt.date(2026, 11, 29), years=1)
    return path


def pdf_words(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


@pytest.mark.skipif(charts.browser_path() is None, reason="no Chrome/Chromium for Kaleido on this machine")
def test_the_report_from_the_command_line_is_the_same_file_twice(demo: Path, tmp_path: Path) -> None:
    first = run_cli("--period", "2026-T2", "--stadsdel", "norrby", "--stadsdel", "Hamnen",
                    "--out", str(tmp_path / "T2.pdf"), db=demo, charts_on=True)
    assert first.returncode == 0, first.stderr
    data = (tmp_path / "T2.pdf").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert f"SHA-256: {digest}" in first.stdout and "Registrerad som rapport nr 1" in first.stdout
    words = pdf_words(data)
    for expected in ("Lägesbild för tertial 2 2026 (maj–augusti)", "Stadsdelar: Hamnen, Norrby", "Innehåll",
                     "Per 1 000 inv.", "Jämfört med länet och riket", "Efter kön och ålder", "Mönster: platser och tider",
                     "Konsekvenser av brott och otrygghet", "Andra uppgifter av betydelse", "Analys",
                     "Måluppfyllelse:", "Åtgärdsplan", "Uppföljning av föregående åtgärdsplan",
                     "Samordning, samverkansöverenskommelse och medborgarlöften", "Om underlaget"):
        assert expected in words, expected
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title.startswith("Lägesbild för tertial 2 2026")
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    assert reader.outline  # bookmarks to every heading
    assert sum(len(p.images) for p in reader.pages) == 5

    again = run_cli("--period", "2026-T2", "--stadsdel", "Hamnen", "--stadsdel", "Norrby",
                    "--out", str(tmp_path / "T2-igen.pdf"), db=demo, charts_on=True)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "T2-igen.pdf").read_bytes() == data
    assert "redan registrerat som rapport nr 1" in again.stdout
    with Database(demo).read() as con:
        assert con.execute("SELECT period_key, districts, format, sha256 FROM saved_reports").fetchall() == [
            ("2026-T2", ["Hamnen", "Norrby"], "pdf", digest)]


def test_dates_word_and_the_whole_municipality(demo: Path, tmp_path: Path) -> None:
    result = run_cli("--from", "2026-05-01", "--to", "2026-08-31", "--out", str(tmp_path / "ut" / "T2.docx"),
                     "--no-register", db=demo)
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(tmp_path / "ut" / "T2.docx"))
    assert document.core_properties.title.startswith("Lägesbild för tertial 2 2026")
    text = " ".join(p.text for p in document.paragraphs)
    assert "Stadsdelar: Alla stadsdelar" in text and "Registrerad" not in result.stdout
    odd = run_cli("--from", "2026-05-03", "--to", "2026-06-30", "--out", str(tmp_path / "maj.pdf"), "--no-register",
                  db=demo)
    assert odd.returncode == 0, odd.stderr
    assert "Lägesbild för 2026-05-03 – 2026-06-30" in pdf_words((tmp_path / "maj.pdf").read_bytes())


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--period", "2026-T4"), 2, "ett år har 3 tertial"),
    (("--period", "2026-T2", "--from", "2026-05-01", "--to", "2026-08-31"), 2, "inte båda"),
    (("--from", "2026-05-01"), 2, "Ange perioden"),
    (("--period", "2026-T2", "--stadsdel", "Atlantis"), 2, "Stadsdelen 'Atlantis' finns inte"),
    (("--period", "2019"), 1, "Det finns inga händelser under helåret 2019"),
])
def test_wrong_arguments_get_a_swedish_message(demo: Path, tmp_path: Path, args: tuple[str, ...], code: int,
                                               message: str) -> None:
    result = run_cli(*args, "--out", str(tmp_path / "x.pdf"), db=demo)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_a_wrong_file_type_and_a_missing_database(demo: Path, tmp_path: Path) -> None:
    wrong = run_cli("--period", "2026-T2", "--out", str(tmp_path / "x.txt"), db=demo)
    assert wrong.returncode == 2 and "ska sluta på .pdf eller .docx" in wrong.stderr
    missing = run_cli("--period", "2026-T2", "--out", str(tmp_path / "x.pdf"), db=tmp_path / "finns-inte.duckdb")
    assert missing.returncode == 1 and "finns inte" in missing.stderr and "Traceback" not in missing.stderr


def test_an_unwritable_out_fails_before_the_report_is_made(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "fil"
    blocker.write_text("en fil, ingen mapp")
    for out in (blocker / "T2.pdf", tmp_path):
        target = out if out.suffix else out.with_suffix(".pdf")
        if not out.suffix:
            target.mkdir()
        result = run_cli("--period", "2026-T2", "--out", str(target), db=demo)
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("Fel: ") and "Traceback" not in result.stderr
        assert "--out" in result.stderr or "mapp" in result.stderr
    with Database(demo).read() as con:
        assert con.execute("SELECT count(*) FROM saved_reports WHERE period_key = '2026-T2' AND format = 'pdf' "
                           "AND file_name <> 'T2.pdf'").fetchone()[0] == 0


def test_an_unfinished_period_is_written_as_a_draft_and_not_registered(demo: Path, tmp_path: Path) -> None:
    result = run_cli("--period", "2026", "--out", str(tmp_path / "2026.docx"), db=demo)
    assert result.returncode == 0, result.stderr
    assert "Utkast – perioden är inte avslutad förrän 2026-12-31 och registreras inte" in result.stdout
    assert "Registrerad" not in result.stdout
    with Database(demo).read() as con:
        assert con.execute("SELECT count(*) FROM saved_reports WHERE period_key = '2026'").fetchone()[0] == 0
    help_text = subprocess.run([sys.executable, "-m", "trygghet", "report", "--help"], cwd=ROOT, capture_output=True,
                               text=True, encoding="utf-8", timeout=60).stdout
    assert "Slutkoder: 0" in " ".join(help_text.split())
