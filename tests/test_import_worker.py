"""The whole upload in a child process: the same database as an import in this process, failures
as Swedish messages, the actor checked there as here, and a Data page whose server neither parses
the file nor keeps anything large in the session."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from suite_days import TODAY
from test_hostile_files import GOOD_ROW, HEADER, far_cell, workbook

from trygghet.core.config import Limits
from trygghet.ingest import importer, reader, validate
from trygghet.ingest.import_worker import PREPARED, JobOptions, import_files, import_job, preview_job
from trygghet.store import access
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.ui import login

APP = str(Path(__file__).resolve().parent.parent / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITOR = Actor("redaktör", "redigerare")
# Lets the workbook reader meet a cell at XFD1048576, so that it asks for 512 GB and aborts.
NO_PRECHECK = Limits(max_area_cells=2**62, max_empty_ratio=2**40)


def mixed_workbook(make_xlsx: Callable[..., bytes], events: int = 40, bad: int = 5) -> bytes:
    rows: list[list[object]] = [["Datum", "Tid", "Stadsdel", "Kategori", "Plats", "Källa"]]
    start = dt.datetime(2026, 10, 1, 8)
    for i in range(events):
        when = start + dt.timedelta(minutes=20 * i)
        rows.append([when.date(), when.time(), ["Norrby", "Hamnen"][i % 2], "Klotter", f"Torget {i}", "Fältare"])
    rows += [["inte ett datum", None, "Norrby", "Klotter", "Torget", "Fältare"]] * bad
    interventions = [
        ["Insats-ID", "Insats", "Stadsdel", "Ansvarig", "Start"],
        ["I-1", "Belysning vid torget", "Norrby", "Teknisk förvaltning", dt.date(2026, 10, 1)],
        ["I-2", "Extra fältare", "Hamnen", "Fritid", dt.date(2026, 11, 1)],
    ]
    return make_xlsx({"Händelser": rows, "Insatser": interventions})


def contents(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every stored row that comes from the file, without the moment and place of the import."""
    queries = {
        "events": "SELECT * EXCLUDE (upload_id) FROM events ORDER BY id",
        "interventions": "SELECT * EXCLUDE (created_at, updated_at) FROM interventions ORDER BY id",
        "history": "SELECT * EXCLUDE (changed_at) FROM intervention_history ORDER BY 1, 2",
        "rejected": "SELECT * FROM rejected_rows ORDER BY row_number, column_name",
        "uploads": "SELECT id, file_name, sha256, size_bytes, uploaded_by, file_kind, sheets, rows, imported, updated, duplicates, rejected, status "
                   "FROM uploads ORDER BY id",
    }
    with db.read() as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


@pytest.fixture
def twin(database: Database, tmp_path: Path) -> Database:
    """A second database equal to `database`."""
    path = tmp_path / "twin" / database.path.name
    path.parent.mkdir()
    shutil.copyfile(database.path, path)
    return Database(path)


def test_preview_and_import_in_the_worker_give_the_same_database_as_import_file(
    database: Database, twin: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    data = mixed_workbook(make_xlsx)
    options = JobOptions(today=TODAY)
    folder = tmp_path / "uppladdning"

    preview = preview_job(database, data, "vecka.xlsx", EDITOR, folder, options)

    assert preview.report.status == "preview" and preview.importable
    assert (folder / PREPARED).exists()  # the prepared result waits on disk, not in this process
    assert [len(frame) for frame in preview.previews] == [2, 10]  # interventions first, then ten events
    assert preview.report.totals() == {"rows": 47, "imported": 42, "updated": 0, "duplicates": 0, "rejected": 5}
    assert contents(database)["events"] == []  # the preview's dry run wrote nothing

    report = import_job(database, folder, EDITOR, options)
    expected = importer.import_file(twin, data, "vecka.xlsx", actor=EDITOR, today=TODAY)

    assert report.status == expected.status == "imported"
    assert report.totals() == expected.totals()
    assert not folder.exists()  # nothing of the upload is left once it is imported
    stored = contents(database)
    assert stored == contents(twin)
    assert len(stored["events"]) == 40 and len(stored["interventions"]) == 2 and len(stored["rejected"]) == 5


def test_the_worker_imports_a_file_it_reads_itself_as_the_command_line_does(
    database: Database, twin: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    path = tmp_path / "vecka.xlsx"
    path.write_bytes(mixed_workbook(make_xlsx))

    report = import_job(database, path, access.COMMAND_LINE, JobOptions(today=TODAY))
    expected = importer.import_path(twin, path, today=TODAY)

    assert report.status == "imported" and report.totals() == expected.totals()
    assert contents(database) == contents(twin)
    assert path.exists()  # the user's own file is left alone


def test_errors_listed_are_capped_but_all_are_counted_and_stored(
    database: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    options = JobOptions(today=TODAY, max_errors=3)
    folder = tmp_path / "uppladdning"

    preview = preview_job(database, mixed_workbook(make_xlsx, bad=8), "vecka.xlsx", EDITOR, folder, options)
    report = import_job(database, folder, EDITOR, options)

    for result in (preview.report, report):
        events = next(s for s in result.sheets if s.kind == "events")
        assert events.rejected == 8 and len(events.errors) == 3
        assert any("de första 3 felen av 8" in note for note in events.notes)
    assert len(contents(database)["rejected"]) == 8


def test_a_reader_that_aborts_in_the_worker_fails_the_file_in_swedish(
    database: Database, tmp_path: Path, table_counts: Callable[[Database], dict[str, int]]
) -> None:
    data = far_cell(workbook([HEADER, GOOD_ROW]), "XFD1048576")
    before = table_counts(database)
    folder = tmp_path / "uppladdning"

    preview = preview_job(database, data, "stor.xlsx", EDITOR, folder, JobOptions(limits=NO_PRECHECK))
    path = tmp_path / "stor.xlsx"
    path.write_bytes(data)
    report = import_job(database, path, EDITOR, JobOptions(limits=NO_PRECHECK))

    for result in (preview.report, report):
        assert result.status == "rejected"
        assert result.error.startswith("stor.xlsx: Filen kunde inte läsas: den kräver mer minne än tillåtet")
        assert "Traceback" not in result.error
    assert not preview.importable and not folder.exists()
    assert table_counts(database) == before
    # This process goes on: the next file is read, checked and imported.
    good = tmp_path / "bra.xlsx"
    good.write_bytes(workbook([HEADER, GOOD_ROW]))
    assert import_job(database, good, EDITOR, JobOptions(today=TODAY)).totals()["imported"] == 1


def test_the_worker_refuses_the_writes_the_server_would_refuse(
    database: Database, tmp_path: Path, make_xlsx: Callable[..., bytes], monkeypatch: pytest.MonkeyPatch,
    table_counts: Callable[[Database], dict[str, int]],
) -> None:
    data = mixed_workbook(make_xlsx)
    options = JobOptions(today=TODAY)
    before = table_counts(database)

    projector = preview_job(database, data, "v.xlsx", EDITOR.on_display(), tmp_path / "a", options)
    assert projector.report.status == "rejected" and "visningsläget" in projector.report.error
    reader_role = preview_job(database, data, "v.xlsx", Actor("läsaren", "läsare"), tmp_path / "b", options)
    assert reader_role.report.status == "rejected" and "rollen redigerare" in reader_role.report.error

    # A local account removed between the preview and Importera is refused at the write, in the child.
    users = tmp_path / "konton.toml"
    monkeypatch.setenv("TRYGGHET_USERS", str(users))
    access.save_account("anna", "redigerare", "ett långt lösenord")
    anna = Actor("anna", "redigerare", access.LOCAL)
    preview = preview_job(database, data, "v.xlsx", anna, tmp_path / "c", options)
    assert preview.importable
    access.remove_account("anna")
    with pytest.raises(access.AccessDenied, match="Ditt konto gäller inte längre"):
        import_job(database, tmp_path / "c", anna, options)
    assert table_counts(database) == before


# ---------------------------------------------------------------- the Data page


def large_things(value: object, path: str = "state", most: int = 2**20) -> list[str]:
    """Everything in `value` that holds a file's worth of data: more than `most` bytes (1 MB), or a
    frame of more than ten rows."""
    if isinstance(value, bytes | bytearray | memoryview) and len(value) > most:
        return [path]
    if isinstance(value, io.BytesIO) and value.getbuffer().nbytes > most:
        return [path]
    if isinstance(value, pd.DataFrame) and len(value) > 10:
        return [path]
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in large_things(v, f"{path}[{k!r}]", most)]
    if isinstance(value, list | tuple | set):
        return [f for i, v in enumerate(value) for f in large_things(v, f"{path}[{i}]", most)]
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return [f for k, v in vars(value).items() for f in large_things(v, f"{path}.{k}", most)]
    return []


def test_large_things_finds_what_it_looks_for() -> None:
    assert large_things({"a": [(b"x" * (2**20 + 1),)]}) == ["state['a'][0][0]"]
    assert large_things({"f": pd.DataFrame({"x": range(11)})}) == ["state['f']"]
    assert large_things({"ok": pd.DataFrame({"x": range(10)}), "b": b"x" * 100}) == []


def test_the_data_page_previews_and_imports_without_parsing_in_the_server(
    database: Database, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server parsed the file itself")

    # The server process must never read or validate the file: the child does both.
    for module, name in ((importer, "prepare"), (importer, "apply"), (reader, "read_file"),
                         (validate, "parse_sheet")):
        monkeypatch.setattr(module, name, not_here)
    events = 3000  # a file over 1 MB of cells once parsed, with more errors than the page lists
    data = mixed_workbook(make_xlsx, events=events, bad=1200)
    at = AppTest.from_file(APP, default_timeout=180).run()
    # AppTest runs a chosen page file alone, and the page's guard then starts it over through
    # app.py, which loses a button's click; the session has passed the gate in the first run.
    monkeypatch.setattr(login, "page_guard", lambda: None)
    at.switch_page("pages/data.py").run()

    at.file_uploader[0].set_value(("vecka.xlsx", data, XLSX)).run()

    assert not at.exception, at.exception
    assert any("Klar att importera" in m.value for m in at.markdown)
    ((report, previews),) = at.session_state["prepared"].values()
    events_report = next(s for s in report.sheets if s.kind == "events")
    assert events_report.rejected == 1200 and len(events_report.errors) == 1000
    assert max(len(frame) for frame in previews) == 10
    # Until Importera only the uploader holds the file: no copy of its bytes, no parsed rows.
    assert large_things(at.session_state.to_dict(), most=len(data) // 2) == ["state['uploader_0'][0]"]

    next(b for b in at.button if b.label == "Importera filen").click().run()

    assert not at.exception, at.exception
    assert any("Importerad" in m.value for m in at.markdown)
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert large_things(at.session_state.to_dict(), most=len(data) // 2) == []  # the uploader's file too
    assert at.session_state["prepared"] == {}
    stash_folder = Path(at.session_state["upload_stash"]._folder.name)
    assert list(stash_folder.iterdir()) == []  # the upload's bytes and prepared result are gone


def test_a_batch_of_files_goes_on_past_one_that_kills_its_child(
    database: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    first, hostile, last = tmp_path / "forsta.xlsx", tmp_path / "stor.xlsx", tmp_path / "sista.xlsx"
    first.write_bytes(mixed_workbook(make_xlsx, events=3, bad=0))
    hostile.write_bytes(far_cell(workbook([HEADER, GOOD_ROW]), "XFD1048576"))
    last.write_bytes(workbook([HEADER, GOOD_ROW]))

    reports = list(import_files(database, [first, hostile, last], EDITOR,
                                JobOptions(limits=NO_PRECHECK, today=TODAY)))

    assert [r.status for r in reports] == ["imported", "rejected", "imported"]
    assert "kräver mer minne än tillåtet" in reports[1].error
    assert [r.totals()["imported"] for r in (reports[0], reports[2])] == [5, 1]  # three events, two interventions
