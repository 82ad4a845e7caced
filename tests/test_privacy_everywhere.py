"""No personal data kept: valid personnummer, samordningsnummer, phone numbers and e-mail addresses
planted in every field of every sheet kind, in a sheet name, a column header, the file name,
rejected rows and a police feed are found nowhere afterwards – in no text column of any table
(read from the catalogue), no snapshot, not the audit log, the command line's output, the
rejected-rows Excel, a meeting's minutes or the lägesbild report – in any written form."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import docx
import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from trygghet import cli
from trygghet.core import config, privacy
from trygghet.documents import output
from trygghet.documents.minutes import build_minutes
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod, analysis_key
from trygghet.ingest import excel_export as export
from trygghet.ingest.importer import import_file
from trygghet.meeting import edits as meeting_edits
from trygghet.meeting import records as M
from trygghet.store import privacy_sweep, snapshots
from trygghet.store.access import Actor
from trygghet.store.db import Database, init_database

EDITOR = Actor("Samordnare", "administratör")
TODAY = dt.date(2026, 11, 30)

# Each planted value as written, and what identifies it in any other written form: the digits of
# an identity number's last ten, the national digits of a phone number, an address's local part.
PLANTED: dict[str, str] = {
    "811218-9876": "8112189876",
    "19121212-1212": "1212121212",
    "660606\u20135552": "6606065552",  # en dash, as Word's autocorrect writes it
    "77 07 07-2224": "7707072224",
    "701063\u20142391": "7010632391",  # samordningsnummer, em dash
    "070-123 45 67": "701234567",
    "(08) 123 456 70": "812345670",
    "070.765.43.21": "707654321",
    "+46 73 555 12 34": "735551234",
    "anna.svensson@example.se": "anna.svensson",
    "kalle.kula(at)kommun.example.se": "kalle.kula",
    "lisa.lund [at] example.se": "lisa.lund",
}
ALL = "; ".join(f"uppgift {value}" for value in PLANTED)
ONE = "811218-9876"
_NUMBER_RUN = re.compile(r"[\d\s.()+/\-\u2010-\u2015\u2212]+")


def leaks(text: object) -> list[str]:
    """The planted values found in the text, as written or in any other spelling of their digits."""
    if text is None:
        return []
    text = str(text)
    folded = text.casefold()
    runs = ["".join(c for c in run if c.isdigit()) for run in _NUMBER_RUN.findall(text)]
    found = []
    for value, key in PLANTED.items():
        if value.casefold() in folded or (key.isdigit() and any(key in run for run in runs)) or (
                not key.isdigit() and key in folded):
            found.append(value)
    return found


def test_the_leak_check_itself_sees_every_form() -> None:
    assert leaks("Ring 0701234567 eller 8112189876") == ["811218-9876", "070-123 45 67"]
    assert leaks("ANNA.SVENSSON@EXAMPLE.SE, 19 12 12 12 - 12 12") == ["19121212-1212", "anna.svensson@example.se"]
    assert leaks(privacy.scrub(ALL)[0]) == []
    assert len(leaks(ALL)) == len(PLANTED)


def workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    def sheet(title: str, rows: Iterable[list[object]]) -> None:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)

    sheet("Stadsdelar", [
        ["Stadsdel", "Lokalpolisområde", "Kommun", "Områden"],
        [f"Västra {ONE}", ALL, ALL, f"Kvarnbacken, {ALL}"],
    ])
    sheet("Kategorier", [
        ["Kategori", "Grupp", "Beskrivning"],
        [f"Klotter {ONE}", ALL, ALL],
    ])
    sheet("Prioriterade områden", [
        ["Område", "Beskrivning", "Mål", "Indikatorer", "Giltig från", "Giltig till"],
        [f"Trygg miljö {ONE}", ALL, ALL, "Klotter", "2026-01-01", "2026-12-31"],
        [ALL, ALL, ALL, ALL, ALL, ALL],  # rejected: unknown category, dates that are no dates
    ])
    # A sheet name and an extra column header with personal data too.
    sheet(f"Händelser {ONE}", [
        ["Datum", "Tid", "Stadsdel", "Plats", "Kategori", "Beskrivning", "Källa", "Händelse-ID", "Latitud",
         "Longitud", f"Kontakt {ALL}"[:200]],
        ["2026-11-03", "21:30", "Norrby", ALL, "Klotter", ALL, ALL, ALL, 57.79, 11.99, ALL],
        ["2026-11-04", "22:00", "Hamnen", ALL, "Klotter", ALL, ALL, f"BB-2026-0153 {ONE}", None, None, ALL],
        [ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL],  # rejected in every column
        ["2026-11-05", None, f"Norrby {ONE}", ALL, "Klotter", ALL, ALL, "X-1", None, None, ALL],
    ])
    sheet("Insatser", [
        ["Insats-ID", "Insats", "Prioriterat område", "Stadsdel", "Ansvarig aktör", "Ansvarig", "Status",
         "Startdatum", "Slutdatum", "Kommentar"],
        [f"INS-{ONE}", ALL, None, "Norrby", ALL, ALL, "Pågående", "2026-10-01", "2026-12-31", ALL],
        ["INS-2", ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL],  # rejected in every checked column
    ])
    sheet("Trygghetsmätning", [
        ["Period", "Stadsdel", "Indikator", "Värde", "Antal svar"],
        ["2026", "Norrby", ALL, 64.5, 412],
        [ALL, ALL, ALL, ALL, ALL],
    ])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def police_feed() -> bytes:
    base = {"url": "/aktuellt/handelser/2026/november/20/x", "location": {"name": "Göteborg", "gps": "57.7,11.9"}}
    items = [
        {**base, "id": 900001, "datetime": "2026-11-20 21:40:00 +01:00", "type": "Misshandel",
         "name": f"20 november 21.30, Misshandel, Göteborg {ALL}", "summary": f"Norrby: {ALL}"},
        {**base, "id": 900002, "datetime": "2026-11-20 21:40:00 +01:00", "type": f"Skadegörelse {ALL}",
         "name": "20 november 21.30, Skadegörelse, Göteborg", "summary": f"Hamnen {ALL}"},
        # Rejected: no type, a time that is none, an id that is a personnummer, a text too long.
        {**base, "id": 900003, "datetime": "2026-11-20 21:40:00 +01:00", "name": ALL, "summary": ALL},
        {**base, "id": 900004, "datetime": ALL, "type": "Rån", "name": ALL, "summary": ALL},
        {**base, "id": ONE, "datetime": "2026-11-20 21:40:00 +01:00", "type": "Rån", "name": ALL, "summary": ALL},
        {**base, "id": 8112189876, "datetime": "2026-11-20 21:40:00 +01:00", "type": "Rån", "summary": "Torget"},
        {**base, "id": 900005, "datetime": "2026-11-20 21:40:00 +01:00", "type": "Rån",
         "summary": f"{ALL} " + "lång text " * 3000},
        {**base, "id": 900006, "datetime": "2026-11-20 21:40:00 +01:00", "type": "Stöld",
         "name": "20 november 21.30, Stöld, Göteborg", "summary": "Cykel", "location": {"name": f"Göteborg {ALL}"}},
    ]
    return json.dumps(items, ensure_ascii=False).encode()


def text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute(
        """SELECT c.table_name, c.column_name FROM information_schema.columns c
           JOIN information_schema.tables t USING (table_schema, table_name)
           WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE'
             AND (c.data_type = 'VARCHAR' OR c.data_type = 'VARCHAR[]')"""
    ).fetchall()
    return [(t, c) for t, c in rows]


def stored_leaks(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for table, column in text_columns(con):
        for (value,) in con.execute(f'SELECT "{column}"::VARCHAR FROM "{table}" WHERE "{column}" IS NOT NULL').fetchall():
            if hit := leaks(value):
                found.setdefault(f"{table}.{column}", []).extend(hit)
    return found


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def xlsx_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join([ws.title for ws in wb.worksheets] + [
        str(cell) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell is not None])


@pytest.fixture
def planted(database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> tuple[Database, str, list[object]]:
    """Everything imported, written and exported; returns the database, the command line's output
    and the reports of the imports made through the importer."""
    monkeypatch.setenv(config.CHARTS, "0")  # tables instead of charts: the text is what matters here
    data = workbook()
    first = import_file(database, data, f"rapport {ONE} anna.svensson@example.se.xlsx",
                        actor=EDITOR, today=TODAY)
    wb_path = tmp_path / "kopia 070-123 45 67.xlsx"
    wb_path.write_bytes(data)
    feed_path = tmp_path / f"polisen {ONE}.json"
    feed_path.write_bytes(police_feed())
    capsys.readouterr()
    outputs = []
    for args in (["import", str(wb_path)], ["import", "--json", str(wb_path)],
                 ["import", "--kommun", f"Göteborg {ONE}", str(feed_path)],
                 ["import", "--kommun", "Göteborg", str(feed_path)],
                 ["import", str(tmp_path / f"saknas {ONE}.xlsx")],
                 ["restore"], ["purge-uploads"]):
        cli.main(["--db", str(database.path), *args])
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)

    meeting = M.create_meeting(database, TODAY, [M.Participant(ALL, ALL)], ["Norrby"], title=ALL, actor=EDITOR)
    meeting_edits.record_decision(database, meeting, ALL, ALL, ALL, dt.date(2026, 12, 7),
                      new_intervention={"id": ONE, "title": ALL, "district": "Norrby", "owner": ALL,
                                        "contact": ALL, "comment": ALL}, actor=EDITOR)
    meeting_edits.update_interventions(database, meeting, {"INS-[personnummer borttaget]": {"comment": f"Ny {ALL}"}},
                           actor=EDITOR)
    meeting_edits.save_focus_places(database, meeting, [M.FocusPlace("Norrby", ALL, ALL)], actor=EDITOR)
    M.save_report_text(database, analysis_key(ReportPeriod("tertial", 2026, 3), ("Norrby",)), ALL, actor=EDITOR)
    snapshots.take(database)
    return database, "\n".join(outputs), [first]


def test_no_planted_value_is_kept_anywhere(planted: tuple[Database, str, list[object]]) -> None:
    database, cli_output, _ = planted
    with database.read() as con:
        # The import really happened: rows with masked text are there, rejected rows too.
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] >= 4
        assert con.execute("SELECT count(*) FROM rejected_rows").fetchone()[0] >= 10
        assert "[personnummer borttaget]" in con.execute("SELECT string_agg(source, ' ') FROM events").fetchone()[0]
        reasons = " ".join(r[0] for r in con.execute("SELECT reason FROM rejected_rows").fetchall())
        assert "Okänd stadsdel 'Norrby [personnummer borttaget]'" in reasons
        assert "för lång" in reasons
        assert con.execute("SELECT max(length(description)) FROM events").fetchone()[0] <= 4000
        upload_ids = [r[0] for r in con.execute("SELECT id FROM uploads WHERE rejected > 0").fetchall()]
        assert stored_leaks(con) == {}
        assert len(text_columns(con)) >= 40  # every table, read from the catalogue

    assert not leaks(cli_output), cli_output
    assert "Personuppgifter togs bort" in cli_output

    assert upload_ids
    for upload_id in upload_ids:
        excel = export.rejected_rows_xlsx(database, upload_id)
        assert excel is not None
        assert not leaks(xlsx_text(excel))

    with database.read() as con:
        meeting_id = con.execute("SELECT max(id) FROM meetings").fetchone()[0]
        minutes = output.render_both(build_minutes(con, meeting_id, now=dt.datetime(2026, 11, 30, 11)))
        report = output.render_both(build_report(con, ReportPeriod("tertial", 2026, 3), ("Norrby",),
                                                         today=TODAY))
    for rendered in (minutes, report):
        pdf, word = pdf_text(rendered.pdf), docx_text(rendered.docx)
        assert "borttag" in pdf and "borttag" in word  # the masked texts are in the documents
        assert not leaks(pdf) and not leaks(word)

    taken = sorted(snapshots.snapshot_dir(database).iterdir())
    assert len(taken) >= 4
    for path in taken:
        assert not leaks(path.name) and re.fullmatch(r"\d{8}-\d{6}-\d{6}-\d{6}-[a-z-]+\.duckdb", path.name)
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert stored_leaks(con) == {}, path.name
        finally:
            con.close()


def test_the_import_report_says_what_was_masked_and_where(planted: tuple[Database, str, list[object]]) -> None:
    _, cli_output, (report,) = planted
    notes = " ".join(report.notes + [n for s in report.sheets for n in s.notes])  # type: ignore[attr-defined]
    assert "Personuppgifter togs bort i filnamnet: 1 e-post och 1 personnummer." in notes
    assert "Personuppgifter togs bort i ett bladnamn: 1 personnummer." in notes
    assert "Personuppgifter togs bort i rubrikraden (rad 1): " in notes
    assert re.search(r"Personuppgifter togs bort i Beskrivning: \d+ e-post, \d+ personnummer, \d+ samordningsnummer "
                     r"och \d+ telefonnummer \(rad 2, 3, 4, 5\)", notes), notes
    assert "Personuppgifter togs bort i Källa: " in notes and "Personuppgifter togs bort i Händelse-ID: " in notes
    assert "Personuppgifter togs bort i Ansvarig aktör: " in notes
    assert "Personuppgifter togs bort i polisens händelser: " in cli_output
    assert "Händelser [personnummer borttaget]" in [s.sheet for s in report.sheets]  # type: ignore[attr-defined]


def test_data_stored_before_the_guard_is_swept_by_the_purge_with_its_old_snapshots(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database and a copy from before: raw values in a table and an old copy's name and content."""
    db = Database(tmp_path / "gammal.duckdb")
    init_database(db)
    with db.write() as con:
        con.execute("DELETE FROM meta WHERE key = ?", [privacy_sweep.META_GUARD])
        con.execute("INSERT INTO districts (name, neighbourhoods, color, sort_order) VALUES (?, ?, '#000000', 1)",
                    [f"Norrby {ONE}", [ALL]])
        con.execute("INSERT INTO uploads VALUES (1, ?, 'x', 1, ?, NULL, 'xlsx', ?, 0, 0, 0, 0, 0, 'imported', NULL)",
                    [f"rapport {ONE}.xlsx", dt.datetime(2026, 11, 29), json.dumps([ALL])])
    directory = snapshots.snapshot_dir(db)
    directory.mkdir()
    old = directory / f"20261129-120000-000000-fore-rapport_{ONE}.duckdb"
    shutil.copyfile(db.path, old)
    con = duckdb.connect(str(old), read_only=True)
    try:
        assert stored_leaks(con)
    finally:
        con.close()

    assert cli.main(["--db", str(db.path), "purge-uploads", "--snapshot-days", "3650"]) == 0
    output = capsys.readouterr().out
    assert "Personuppgifter togs bort ur databasen och kopiorna" in output
    with db.read() as con:
        assert stored_leaks(con) == {}
        assert con.execute("SELECT name FROM districts WHERE name LIKE 'Norrby%'").fetchall() == [
            ("Norrby [personnummer borttaget]",)]
    (copy,) = directory.glob("*.duckdb")
    assert not leaks(copy.name) and copy.name.endswith("-kopia.duckdb")
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert stored_leaks(con) == {}
    finally:
        con.close()


# ---------------------------------------------------------------- snapshot retention


def _touch(path: Path, when: float | None = None) -> Path:
    path.write_bytes(b"x")
    if when is not None:
        os.utime(path, (when, when))
    return path


def test_snapshots_follow_their_own_retention_rule_in_the_purge(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from trygghet.store import retention
    from trygghet.store.access import COMMAND_LINE

    monkeypatch.setenv("TRYGGHET_SNAPSHOT_DAYS", "30")
    directory = snapshots.snapshot_dir(database)
    directory.mkdir()
    old = directory / "20261001-080000-000000-000001-fore-import.duckdb"
    recent = directory / "20261120-080000-000000-000002-fore-import.duckdb"
    for path in (old, recent):
        shutil.copyfile(database.path, path)
    result = retention.purge_archive(database, COMMAND_LINE, now=dt.datetime(2026, 11, 30, 12))
    assert (result.snapshots_removed, result.snapshot_days) == (1, 30)
    assert not old.exists() and recent.exists()
    assert "1 kopior av databasen äldre än 30 dagar" in result.summary()


def test_stale_tmp_files_of_a_killed_import_are_removed_and_live_ones_kept(database: Database) -> None:
    import subprocess
    import sys

    directory = snapshots.snapshot_dir(database)
    directory.mkdir()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    dead = _touch(directory / f"20261130-080000-000000-000001-fore-import.duckdb.{dead_pid}.tmp")
    mine = _touch(directory / f"20261130-080000-000000-000002-fore-import.duckdb.{os.getpid()}.tmp")
    unowned_old = _touch(directory / "20261130-080000-000000-fore-x.tmp", when=0)
    unowned_new = _touch(directory / "20261130-080001-000000-fore-y.tmp")
    snapshots.take(database)
    assert not dead.exists() and not unowned_old.exists()
    assert mine.exists() and unowned_new.exists()
    assert [p.name.endswith("-000001-kopia.duckdb") for p in directory.glob("*.duckdb")] == [True]


def test_a_meeting_text_cut_at_its_limit_never_keeps_part_of_a_number() -> None:
    text = M.Removed().add("x" * (M.MAX_TEXT - 5) + " 811218-9876 mer text")
    assert text is not None and len(text) <= M.MAX_TEXT
    assert "8112" not in text
