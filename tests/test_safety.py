"""Access, audit, snapshots, undo, concurrency and faults: nothing is changed by the wrong person,
and nothing is lost or doubled by the machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.analysis import geo
from trygghet.core.periods import IsoWeek
from trygghet.ingest import form_reports, undo
from trygghet.ingest.importer import apply, import_file, prepare
from trygghet.ingest.polisen import type_map
from trygghet.meeting import edits as meeting_edits
from trygghet.meeting import records as meetings
from trygghet.store import access, installation_settings, retention, snapshots
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, damage_message

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
READER = Actor("läsaren", "läsare")
EDITOR = Actor("redigeraren", "redigerare")
ADMIN = Actor("admin", "administratör")


def events_rows(n: int, prefix: str = "E", start: dt.date = dt.date(2026, 3, 2)) -> list[list[object]]:
    rows: list[list[object]] = [["Datum", "Stadsdel", "Kategori", "Händelse-ID", "Källa"]]
    for i in range(n):
        rows.append([start + dt.timedelta(days=i % 60), "Norrby" if i % 2 else "Hamnen", "Klotter", f"{prefix}-{i}",
                     "Bostadsbolaget"])
    return rows


def csv_bytes(n: int, prefix: str) -> bytes:
    lines = ["Datum;Stadsdel;Kategori;Händelse-ID;Källa"]
    lines += [f"2026-0{1 + i % 9}-{1 + i % 28:02d};{'Norrby' if i % 2 else 'Hamnen'};Klotter;{prefix}-{i};Polisen"
              for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


# ---------------------------------------------------------------- access


# Who tries, and the words the refusal must use. The accounts file (see the test) holds one
# account, "kvar", a redigerare; "borttagen" was removed after it logged in.
REFUSED = {
    "nobody": (access.NOBODY, "logga in"),
    "läsare": (READER, "räcker inte"),
    "visningsläge": (ADMIN.on_display(), "visningsläget"),
    "visningsläge, lokalt konto": (Actor("kvar", "redigerare", access.LOCAL).on_display(), "visningsläget"),
    "borttaget konto": (Actor("borttagen", "administratör", access.LOCAL), "gäller inte längre"),
    # Logged in as an administratör; the file says läsare now.
    "ändrad roll": (Actor("kvar", "administratör", access.LOCAL), "räcker inte"),
    "öppen demo när konton finns": (access.OPEN_DEMO, "kräver nu inloggning"),
    # A rapportör reports for its own organisation only, and reaches no other write.
    "rapportör": (Actor("vakt", access.REPORTER, access.LOCAL, organisation="Väktarbolaget"), "räcker inte"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_no_write_path_works_without_the_right_role(
    case: str, database: Database, make_xlsx: Callable[..., bytes], table_counts: Callable,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    who, words = REFUSED[case]
    path = tmp_path / "konton.toml"
    access.save_account("kvar", "läsare", "ett långt lösenord", path)
    access.save_account("vakt", access.REPORTER, "ett långt lösenord", path, organisation="Väktarbolaget")
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    data = make_xlsx({"Händelser": events_rows(3)})
    report = form_reports.Draft("Polisen", dt.datetime(2026, 11, 24, 12), True, "Norrby", "Klotter")
    before = table_counts(database)
    attempts = {
        "import": lambda: import_file(database, data, "h.xlsx", actor=who),
        "apply": lambda: apply(database, prepare(database, data, "h.xlsx"), actor=who),
        "preview": lambda: apply(database, prepare(database, data, "h.xlsx"), actor=who, dry_run=True),
        "gränser": lambda: geo.store_geojson(database, geo.GeoResult(), who),
        "ta bort gränser": lambda: geo.delete_geometries(database, who),
        "kommun": lambda: installation_settings.set_police_kommun(database, "Göteborg", who),
        "typer": lambda: type_map.save_type_map(database, pd.DataFrame(), who),
        "ångra": lambda: undo.undo_upload(database, 1, who),
        "rensa": lambda: retention.purge_archive(database, who),
        "återställ": lambda: snapshots.restore(
            database, snapshots.Snapshot(tmp_path / "kopia.duckdb", dt.datetime(2026, 11, 30), "kopia", 0), who),
        # The meeting's writes; the access check comes before the meeting is even looked up.
        "möte": lambda: meetings.create_meeting(database, dt.date(2026, 11, 16), actor=who),
        "ändra möte": lambda: meetings.update_meeting(database, 1, title="x", actor=who),
        "avsluta möte": lambda: meetings.close_meeting(database, 1, actor=who),
        "öppna möte": lambda: meetings.reopen_meeting(database, 1, actor=who),
        "beslut": lambda: meeting_edits.record_decision(database, 1, "Beslut", actor=who),
        "beslut klara": lambda: meeting_edits.set_decisions_done(database, 1, [1], actor=who),
        "ta bort beslut": lambda: meeting_edits.delete_decision(database, 1, 1, actor=who),
        "insatser i mötet": lambda: meeting_edits.update_interventions(database, 1, {"X": {"status": "Avslutad"}},
                                                                  actor=who),
        "ny insats i mötet": lambda: meeting_edits.create_intervention(database, 1, {"title": "x"}, actor=who),
        "fokusplatser": lambda: meeting_edits.save_focus_places(database, 1, [], actor=who),
        "rapportens analys": lambda: meetings.save_report_text(database, "rapport", "Text", actor=who),
        # The Rapportera form, for an organisation that is not the rapportör's own, and its review.
        "rapport": lambda: form_reports.submit_event(database, report, who),
        "inget att rapportera": lambda: form_reports.submit_nothing(database, "Polisen", IsoWeek(2026, 48), who),
        "granska": lambda: form_reports.approve(database, 1, who),
        "avvisa": lambda: form_reports.reject(database, 1, who),
        "granskning på": lambda: form_reports.set_review_required(database, True, who),
    }
    for name, attempt in attempts.items():
        with pytest.raises(AccessDenied) as caught:
            attempt()
        assert words in str(caught.value), name
    assert table_counts(database) == before
    assert not (database.path.parent / "uploads").exists()


def test_an_editor_uploads_events_but_not_the_municipalitys_lists(
    database: Database, make_xlsx: Callable[..., bytes], table_counts: Callable
) -> None:
    assert import_file(database, make_xlsx({"Händelser": events_rows(2)}), "h.xlsx", actor=EDITOR).status == "imported"
    before = table_counts(database)
    with pytest.raises(AccessDenied, match="Stadsdelar"):
        import_file(database, make_xlsx({"Stadsdelar": [["Stadsdel"], ["Nyby"]]}), "s.xlsx", actor=EDITOR)
    assert table_counts(database) == before


def test_local_accounts_store_only_argon2_hashes(tmp_path: Path) -> None:
    path = tmp_path / "konton.toml"
    access.save_account("Anna", "redigerare", "ett långt lösenord", path)
    text = path.read_text()
    assert "ett långt lösenord" not in text and "$argon2id$" in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert access.verify_login("anna", "ett långt lösenord", path) == Actor("anna", "redigerare", access.LOCAL)
    assert access.verify_login("anna", "fel lösenord!!", path) is None
    assert access.verify_login("okänd", "ett långt lösenord", path) is None
    with pytest.raises(ValueError, match="minst 10"):
        access.save_account("kort", "läsare", "123", path)


def test_cli_adds_an_account_with_the_password_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "konton.toml"
    result = subprocess.run(
        [sys.executable, "-m", "trygghet", "user", "add", "projektor", "--role", "läsare", "--password-stdin"],
        cwd=ROOT, input="visning på väggen\n", capture_output=True, text=True,
        env={**os.environ, "TRYGGHET_USERS": str(path)}, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert access.verify_login("projektor", "visning på väggen", path) == Actor("projektor", "läsare", access.LOCAL)


def test_openid_claims_map_to_the_highest_matching_role() -> None:
    mapping = {"administratör": ["anna@solvik.se"], "redigerare": ["grupp:Trygghet"], "läsare": ["@solvik.se"]}
    assert access.role_from_claims({"email": "Anna@Solvik.se"}, mapping) == "administratör"
    assert access.role_from_claims({"email": "bo@solvik.se", "groups": ["Trygghet"]}, mapping) == "redigerare"
    assert access.role_from_claims({"email": "cia@solvik.se"}, mapping) == "läsare"
    assert access.role_from_claims({"email": "dan@annan.se"}, mapping) is None


# ---------------------------------------------------------------- the app with accounts


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database) -> Path:
    # AppTest resets Streamlit's old-multipage flag before every run, which a real server never
    # does; without this the page file would run alone first and be restarted, dropping a click.
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)
    path = tmp_path / "konton.toml"
    access.save_account("las", "läsare", "läsarens lösenord", path)
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    return path


def test_with_accounts_the_app_shows_only_a_log_in_form(accounts: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert not at.metric  # no figures before log-in
    at.text_input[0].input("las").run()
    at.text_input[1].input("fel").run()
    at.button[0].click().run()
    assert any("Fel användarnamn eller lösenord" in e.value for e in at.error)


def test_a_reader_sees_the_data_page_without_an_upload_field(accounts: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["login_actor"] = Actor("las", "läsare")
    at.run()
    assert not at.exception
    assert at.metric  # the dashboards are there
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert any("kräver rollen redigerare" in i.value for i in at.info)
    assert not at.get("file_uploader")


def test_an_open_installation_says_so(monkeypatch: pytest.MonkeyPatch, database: Database, tmp_path: Path) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    monkeypatch.setenv("TRYGGHET_USERS", str(tmp_path / "inga-konton.toml"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any("Ingen inloggning är konfigurerad" in w.value for w in at.warning)


# ---------------------------------------------------------------- audit, snapshots, undo


def test_every_upload_is_in_the_audit_log_with_who(database: Database, make_xlsx: Callable[..., bytes]) -> None:
    import_file(database, make_xlsx({"Händelser": events_rows(4)}), "v12.xlsx", actor=EDITOR)
    with database.read() as con:
        rows = con.execute("SELECT actor, role, action, target, details FROM audit_log").fetchall()
    assert [(a, r, act, t) for a, r, act, t, _ in rows] == [("redigeraren", "redigerare", "uppladdning", "v12.xlsx")]
    assert json.loads(rows[0][4])["imported"] == 4


def test_a_snapshot_is_taken_before_every_import_and_restores_the_earlier_state(
    database: Database, make_xlsx: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRYGGHET_SNAPSHOTS", "2")
    for n in range(3):
        import_file(database, make_xlsx({"Händelser": events_rows(5, prefix=f"F{n}")}), f"f{n}.xlsx")
    kept = snapshots.list_snapshots(database)
    assert len(kept) == 2  # only the newest two are kept
    newest = kept[0]  # taken just before the third import: 10 events
    snapshots.restore(database, newest, access.COMMAND_LINE)
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 10
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 2


def test_undo_removes_the_events_and_restores_changed_interventions(
    database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    header = ["Insats-ID", "Insats", "Stadsdel", "Status", "Slutdatum"]
    first = make_xlsx({"Insatser": [header, ["I-1", "Belysning", "Norrby", "Planerad", dt.date(2026, 12, 31)],
                                    ["I-2", "Vandring", "Hamnen", "Pågående", None]]})
    import_file(database, first, "v1.xlsx")
    second = make_xlsx({
        "Insatser": [header, ["I-1", "Belysning", "Norrby", "Pågående", dt.date(2027, 3, 31)],
                     ["I-2", "Vandring", "Hamnen", "Pågående", None], ["I-3", "Nytt", "Norrby", "Planerad", None]],
        "Händelser": events_rows(6, prefix="U"),
    })
    report = import_file(database, second, "v2.xlsx")
    assert report.totals()["updated"] == 1

    result = undo.undo_upload(database, report.upload_id, ADMIN)

    assert (result.events_removed, result.interventions_removed, result.fields_restored) == (6, 1, 2)
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
        assert con.execute("SELECT id, status, end_date FROM interventions ORDER BY id").fetchall() == [
            ("I-1", "Planerad", dt.date(2026, 12, 31)), ("I-2", "Pågående", None)]
        assert con.execute("SELECT status FROM uploads WHERE id = ?", [report.upload_id]).fetchone() == ("ångrad",)
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'ångra uppladdning'").fetchone() == (1,)
    with pytest.raises(undo.UndoError, match="redan ångrad"):
        undo.undo_upload(database, report.upload_id, ADMIN)


def test_retention_purges_old_archived_files_only(database: Database, make_xlsx: Callable[..., bytes]) -> None:
    old = import_file(database, make_xlsx({"Händelser": events_rows(2, prefix="O")}), "gammal.xlsx")
    new = import_file(database, make_xlsx({"Händelser": events_rows(2, prefix="N")}), "ny.xlsx")
    with database.write() as con:
        con.execute("UPDATE uploads SET uploaded_at = uploaded_at - INTERVAL 100 DAY WHERE id = ?", [old.upload_id])
    result = retention.purge_archive(database, ADMIN, days=90)
    assert result.files_removed == 1
    with database.read() as con:
        paths = dict(con.execute("SELECT id, archive_path FROM uploads").fetchall())
    assert paths[old.upload_id] is None and Path(paths[new.upload_id]).exists()
    assert len(list((database.path.parent / "uploads").iterdir())) == 1


# ---------------------------------------------------------------- concurrency and faults


def test_two_sessions_and_the_cli_uploading_at_once_all_land(database: Database, tmp_path: Path,
                                                            make_xlsx: Callable[..., bytes]) -> None:
    files = [make_xlsx({"Händelser": events_rows(400, prefix=f"T{n}")}) for n in range(2)]
    cli_file = tmp_path / "cli.csv"
    cli_file.write_bytes(csv_bytes(400, "C"))
    results: list[str] = []
    process = subprocess.Popen(
        [sys.executable, "-m", "trygghet", "--db", str(database.path), "import", str(cli_file), "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    threads = [threading.Thread(target=lambda d=d, n=n: results.append(
        import_file(database, d, f"session{n}.xlsx", actor=EDITOR).status)) for n, d in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    out, _ = process.communicate(timeout=120)
    assert sorted(results) == ["imported", "imported"]
    assert json.loads(out)["status"] == "imported"
    with database.read() as con:
        assert con.execute("SELECT count(*), count(DISTINCT external_id) FROM events").fetchone() == (1200, 1200)
        assert con.execute("SELECT count(*) FROM uploads WHERE status = 'imported'").fetchone() == (3,)


def test_a_killed_import_leaves_a_database_without_that_upload(database: Database, tmp_path: Path) -> None:
    big = tmp_path / "stor.csv"
    big.write_bytes(csv_bytes(300_000, "K"))
    queue = database.path.with_name(database.path.name + ".write-queue")
    process = subprocess.Popen(
        [sys.executable, "-m", "trygghet", "--db", str(database.path), "import", str(big)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    # The file is taken twice: for the snapshot, then for the import's transaction, which holds
    # its ticket in the writer queue for as long as it runs. Kill as soon as that second ticket appears.
    snapshot_dir = database.path.parent / "snapshots"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(snapshot_dir.glob("*.duckdb")):
        time.sleep(0.005)
    while time.monotonic() < deadline and not any(queue.glob("*")) and process.poll() is None:
        time.sleep(0.001)
    assert process.poll() is None and any(queue.glob("*")), "the import never started its transaction"
    time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert damage_message(database) is None
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM uploads").fetchone() == (0,)
    again = subprocess.run([sys.executable, "-m", "trygghet", "--db", str(database.path), "import", str(big),
                            "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert json.loads(again.stdout)["sheets"][0]["imported"] == 300_000


def test_a_damaged_database_gives_the_way_back(database: Database, make_xlsx: Callable[..., bytes],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import_file(database, make_xlsx({"Händelser": events_rows(3)}), "a.xlsx")
    import_file(database, make_xlsx({"Händelser": events_rows(3, prefix="B")}), "b.xlsx")
    from trygghet.store.db import remove_database_files

    remove_database_files(database.path)
    database.path.write_bytes(b"\x00" * 4096 + b"inte en databas" * 100)
    problem = damage_message(database)
    assert problem and "restore --latest" in problem

    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.error, "the damaged file is named in an error"
    assert any(c.value == "python -m trygghet restore --latest" for c in at.code)

    result = subprocess.run([sys.executable, "-m", "trygghet", "--db", str(database.path), "restore", "--latest"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert damage_message(database) is None
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone() == (3,)  # the state before b.xlsx
