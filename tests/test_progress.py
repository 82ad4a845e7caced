"""Long work reports its own progress: the events and their time left (on a clock the test turns),
the reader, the validation and the import in a real worker process on a real workbook and
database, a stop from the listener that kills the worker with nothing written, the police feed's
wait, and the demo's steps."""

from __future__ import annotations

import datetime as dt
import io
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from suite_days import TODAY

from trygghet.core.progress import STEPS, Progress, Reporter, remaining_text
from trygghet.demo.build import DEMO_STEPS, build_demo
from trygghet.ingest.import_worker import JobOptions, import_files, import_job, preview_job
from trygghet.ingest.importer import COMMIT_STAGE
from trygghet.ingest.polisen import fetch
from trygghet.store.access import Actor
from trygghet.store.db import Database

EDITOR = Actor("redaktör", "redigerare")


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def event_rows(rows: int) -> list[list[object]]:
    sheet: list[list[object]] = [["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Händelse-ID"]]
    start = dt.datetime(2024, 1, 1, 8)
    for i in range(rows):
        when = start + dt.timedelta(minutes=2 * i)
        sheet.append([when.date(), when.time(), ["Norrby", "Hamnen"][i % 2], "Klotter", "Fältare", f"P-{i}"])
    return sheet


def events_workbook(make_xlsx: Callable[..., bytes], rows: int) -> bytes:
    return make_xlsx({"Händelser": event_rows(rows)})


def events_csv(rows: int) -> bytes:
    return "".join(";".join(str(v) for v in row) + "\n" for row in event_rows(rows)).encode()


def stored(db: Database) -> tuple[int, int, int]:
    with db.read() as con:
        return con.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM uploads), "
                           "(SELECT count(*) FROM rejected_rows)").fetchone()


# ---------------------------------------------------------------- the events themselves


def test_a_stage_sends_a_bounded_number_of_events_whatever_its_size() -> None:
    heard: list[Progress] = []
    steps = Reporter(heard.append, clock=Clock())
    steps.stage("Kontrollerar raderna", 1_000_000)
    for done in range(0, 1_000_001, 1_000):
        steps.update(done)
    steps.finish()
    assert STEPS <= len(heard) <= STEPS + 3
    assert [e.done for e in heard] == sorted(e.done for e in heard)
    assert heard[-1].done == heard[-1].total == 1_000_000


def test_the_time_left_is_told_only_once_it_can_be_estimated() -> None:
    clock = Clock()
    heard: list[Progress] = []
    steps = Reporter(heard.append, clock=clock)
    steps.stage("Läser filen", 480_000)
    clock.now += 0.5
    steps.update(120_000)  # a quarter, but after half a second: too early to say
    assert heard[-1].remaining is None
    clock.now += 2.5
    steps.update(240_000)  # half done after three seconds: three more to go
    assert heard[-1].remaining == pytest.approx(3.0)
    assert heard[-1].text() == "Läser filen: 240\u00a0000 av 480\u00a0000 rader · cirka 3 s kvar"
    steps.stage("Skriver till databasen")  # no total: rows done, never a time left
    steps.update(50_000)
    assert heard[-1].remaining is None and heard[-1].fraction is None
    assert remaining_text(61) == "cirka 2 min kvar" and remaining_text(3700) == "cirka 1 h 2 min kvar"


def test_an_event_crosses_the_pipe_unchanged_and_other_lines_are_ignored() -> None:
    event = Progress("Läser blad 2 av 3", 120, 480, "rader", 1.5, 4.0, 3, "vecka 48.xlsx")
    assert Progress.from_line(event.to_line()) == event
    assert Progress.from_line(b"DuckDB says hello\n") is None
    assert Progress.from_line(b'{"stage": 3, "bogus": true}\n') is None


def test_nobody_listening_costs_nothing_and_sends_nothing() -> None:
    steps = Reporter()
    steps.stage("Läser filen", 10)
    steps.update(5)
    assert not steps.active


# ---------------------------------------------------------------- the work, in a worker process


def test_the_worker_reports_reading_checking_and_writing_as_they_happen(
    database: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    path = tmp_path / "vecka 2.xlsx"
    path.write_bytes(events_workbook(make_xlsx, 70_000))
    heard: list[Progress] = []

    (report,) = import_files(database, [path], EDITOR, JobOptions(today=TODAY, progress=heard.append))

    assert report.status == "imported" and report.totals()["imported"] == 70_000
    stages = list(dict.fromkeys(e.stage for e in heard))
    assert stages == ["Kontrollerar filens storlek", "Läser blad 1 av 1", "Kontrollerar bladet 'Händelser'",
                      "Kontrollerar raderna i bladet 'Händelser'", "Sparar originalfilen och en kopia av databasen",
                      "Skriver till databasen", COMMIT_STAGE]
    assert {e.subject for e in heard} == {"vecka 2.xlsx"}
    reading = [e for e in heard if e.stage == "Läser blad 1 av 1"]
    # The workbook reader's rows come in chunks as they are turned into columns, the header row too.
    assert reading[-1].total == reading[-1].done == 70_001
    assert len({e.done for e in reading}) >= 3 and [e.done for e in reading] == sorted(e.done for e in reading)
    writing = [e for e in heard if e.stage == "Skriver till databasen"]
    assert writing[-1].done == writing[-1].total == 70_000


def test_a_listener_that_stops_the_import_midway_leaves_the_database_as_it_was(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "vecka 3.csv"
    path.write_bytes(events_csv(200_000))
    before = stored(database)

    class Stop(Exception):
        pass

    def stop_while_writing(event: Progress) -> None:
        # The worker has read and checked every row and begun to write them: it is stopped there.
        if event.stage == "Skriver till databasen":
            raise Stop

    with pytest.raises(Stop):
        import_job(database, path, EDITOR, JobOptions(today=TODAY, progress=stop_while_writing))

    assert stored(database) == before
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events WHERE external_id LIKE 'P-%'").fetchone()[0] == 0


def test_a_preview_stopped_while_quiet_leaves_no_upload_folder(
    database: Database, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    folder = tmp_path / "uppladdning"
    data = events_workbook(make_xlsx, 20_000)

    class Stop(Exception):
        pass

    def stop(*_: object) -> None:
        raise Stop

    # on_wait is asked while the worker is quiet: the first call already stops it.
    with pytest.raises(Stop):
        preview_job(database, data, "vecka.xlsx", EDITOR, folder, JobOptions(today=TODAY, on_wait=stop))
    assert not folder.exists()
    assert stored(database)[:2] == (0, 0)


# ---------------------------------------------------------------- the police feed and the demo


def test_the_police_feeds_rate_limit_wait_is_reported_second_by_second(tmp_path: Path) -> None:
    now = [1_000_000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def open_url(request: urllib.request.Request, timeout: float) -> io.BytesIO:
        return io.BytesIO(b"[]")

    rules = {"state_path": tmp_path / "polisen-api.json", "clock": lambda: now[0], "sleep": sleep, "opener": open_url}
    fetch.fetch("Solvik", **rules)  # the first call: no wait
    now[0] += 6.5
    heard: list[Progress] = []
    fetch.fetch("Solvik", progress=heard.append, **rules)

    assert slept == pytest.approx([1.0, 1.0, 1.0, 0.5])
    waiting = [e for e in heard if e.stage.startswith("Väntar på polisens API")]
    assert waiting[0].total == 4 and waiting[0].unit == "s"
    assert [e.done for e in waiting] == [0, 1, 2, 3, 4]
    assert heard[-1].stage == "Hämtar händelserna från polisen.se"


def test_the_demo_reports_each_of_its_steps(tmp_path: Path) -> None:
    heard: list[Progress] = []
    build_demo(tmp_path / "demo.duckdb", seed=3, events=2_000, end=dt.date(2026, 3, 31), years=1,
               progress=heard.append)
    assert [e.done for e in heard] == [*range(DEMO_STEPS), DEMO_STEPS]
    assert {e.total for e in heard} == {DEMO_STEPS}
    assert heard[2].stage == "Skapar 2\u00a0000 händelser"


def test_a_report_names_its_steps_as_it_is_made(tmp_path: Path) -> None:
    from trygghet.documents import archive
    from trygghet.documents.report_period import ReportPeriod

    path = tmp_path / "demo.duckdb"
    build_demo(path, seed=4, events=3_000, end=dt.date(2026, 4, 30), years=1)
    heard: list[Progress] = []
    data = archive.make(Database(path), ReportPeriod.parse("2026-T1"), (), "docx", progress=heard.append)

    assert data[:2] == b"PK"
    stages = [e.stage for e in heard]
    assert stages[0] == "Läser data för tertial 1 2026" and stages[-1] == "Skriver Word-filen"
    assert any(s.startswith("Ritar ") and s.endswith(" diagram") for s in stages[1:-1])
