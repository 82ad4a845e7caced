"""The command line: `python -m trygghet init|demo|import|templates`, its JSON contract and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from suite_days import TODAY

from trygghet.core import clock

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # The sample rows here are dated in 2026 up to November: the command line runs as of their own day,
    # so that none of them lies in the future whichever day the suite runs for.
    full_env = {**os.environ, clock.ENV: TODAY.isoformat(), **(env or {})}
    command = [sys.executable, "-m", "trygghet"]
    if db is not None:
        command += ["--db", str(db)]
    return subprocess.run(
        [*command, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def setup_rows() -> list[list[object]]:
    return [["Stadsdel", "Lokalpolisområde", "Kommun"], ["Norrby", "Solvik", "Solviks kommun"], ["Hamnen", "Solvik", None]]


def event_rows(n: int, start: dt.datetime, *, prefix: str = "E") -> list[list[object]]:
    rows: list[list[object]] = [["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Händelse-ID"]]
    for i in range(n):
        when = start + dt.timedelta(hours=7 * i)
        rows.append([when.date(), when.time(), "Norrby" if i % 3 else "Hamnen", "Klotter", "Bostadsbolaget", f"{prefix}-{i}"])
    return rows


@pytest.fixture
def cli_db(tmp_path: Path, make_xlsx: Callable[..., bytes]) -> Path:
    db = tmp_path / "cli.duckdb"
    assert run_cli("init", db=db).returncode == 0
    setup = tmp_path / "stadsdelar.xlsx"
    setup.write_bytes(make_xlsx({"Stadsdelar": setup_rows()}))
    assert run_cli("import", str(setup), db=db).returncode == 0
    return db


def test_init_creates_schema_and_default_categories_and_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    first = run_cli("init", db=db)
    assert first.returncode == 0, first.stderr
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    categories = con.execute("SELECT count(*) FROM categories").fetchone()[0]
    con.close()
    for table in ("events", "interventions", "intervention_history", "priority_areas", "survey_results",
                  "districts", "categories", "uploads", "rejected_rows", "data_version"):
        assert table in tables
    assert categories >= 15
    again = run_cli("init", db=db)
    assert again.returncode == 1
    assert "finns redan" in again.stderr


def test_db_path_comes_from_the_environment_when_not_given(tmp_path: Path) -> None:
    target = tmp_path / "fromenv.duckdb"
    result = run_cli("init", env={"TRYGGHET_DB": str(target)})
    assert result.returncode == 0, result.stderr
    assert target.exists()


def test_import_json_contract_one_line_per_file(cli_db: Path, tmp_path: Path, make_xlsx: Callable[..., bytes]) -> None:
    rows = event_rows(5, dt.datetime(2026, 3, 2, 20, 0))
    rows.append([dt.date(2026, 3, 9), dt.time(22, 0), "Angerd", "Klotter", "Bostadsbolaget", "E-bad"])
    good = tmp_path / "handelser.xlsx"
    good.write_bytes(make_xlsx({"Händelser": rows}))
    broken = tmp_path / "inte-excel.xlsx"
    broken.write_bytes(b"%PDF-1.4 not a workbook")

    result = run_cli("import", str(good), str(broken), "--json", db=cli_db)

    assert result.returncode == 1  # one file was rejected
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert set(first) == {"file", "status", "sheets", "error"}
    assert first["file"] == "handelser.xlsx" and first["status"] == "imported" and first["error"] is None
    (sheet,) = first["sheets"]
    assert set(sheet) == {"sheet", "kind", "rows", "imported", "updated", "duplicates", "rejected", "errors"}
    assert (sheet["kind"], sheet["rows"], sheet["imported"], sheet["rejected"]) == ("events", 6, 5, 1)
    (error,) = sheet["errors"]
    assert (error["row"], error["column"]) == (7, "Stadsdel")
    assert error["message"].startswith("Okänd stadsdel 'Angerd'. Kända: Norrby, Hamnen.")
    assert second["status"] == "rejected" and second["sheets"] == []
    assert "PDF" in second["error"] and "inte-excel.xlsx" in second["error"]


def test_import_same_file_twice_is_unchanged_and_exit_zero(
    cli_db: Path, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    path = tmp_path / "h.xlsx"
    path.write_bytes(make_xlsx({"Händelser": event_rows(4, dt.datetime(2026, 1, 5, 18, 0))}))
    first = json.loads(run_cli("import", str(path), "--json", db=cli_db).stdout)
    second_run = run_cli("import", str(path), "--json", db=cli_db)
    second = json.loads(second_run.stdout)
    assert first["status"] == "imported" and first["sheets"][0]["imported"] == 4
    assert second_run.returncode == 0
    assert second["status"] == "unchanged"
    assert second["sheets"][0]["imported"] == 0 and second["sheets"][0]["duplicates"] == 4


def test_readable_summary_is_swedish_and_names_row_and_column(
    cli_db: Path, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    rows = event_rows(2, dt.datetime(2026, 2, 1, 12, 0))
    rows.append(["32/13/2026", "12:00", "Norrby", "Klotter", "Bostadsbolaget", "X-1"])
    path = tmp_path / "h.xlsx"
    path.write_bytes(make_xlsx({"Händelser": rows}))
    result = run_cli("import", str(path), db=cli_db)
    assert result.returncode == 0
    assert "h.xlsx: importerad" in result.stdout
    assert "3 rader, 2 nya" in result.stdout
    assert "rad 4, kolumn Datum:" in result.stdout


def test_usage_errors_exit_two(tmp_path: Path) -> None:
    assert run_cli("import", db=tmp_path / "x.duckdb").returncode == 2  # no files
    assert run_cli("bogus").returncode == 2
    assert run_cli("demo", "--events", "-5", db=tmp_path / "x.duckdb").returncode == 2


def test_missing_file_is_reported_as_rejected(cli_db: Path, tmp_path: Path) -> None:
    result = run_cli("import", str(tmp_path / "finns-inte.xlsx"), "--json", db=cli_db)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"] == "finns-inte.xlsx: Filen finns inte."


def test_templates_command_writes_workbook_with_database_lists(cli_db: Path, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    result = run_cli("templates", str(tmp_path / "mallar"), db=cli_db)
    assert result.returncode == 0, result.stderr
    (path,) = (tmp_path / "mallar").glob("*.xlsx")
    workbook = CalamineWorkbook.from_path(str(path))
    assert "Händelser" in workbook.sheet_names
    lists = workbook.get_sheet_by_name("Listor").to_python()
    column = [row[0] for row in lists[1:] if row[0]]
    assert column == ["Norrby", "Hamnen"]


def test_demo_command_marks_database_as_demo(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    result = run_cli("demo", "--events", "20000", "--end", "2026-11-20", "--seed", "3", db=db)
    assert result.returncode == 0, result.stderr
    con = duckdb.connect(str(db), read_only=True)
    is_demo = con.execute("SELECT value FROM meta WHERE key = 'is_demo'").fetchone()[0]
    count, last = con.execute("SELECT count(*), max(occurred_at) FROM events").fetchone()
    con.close()
    assert is_demo == "1"
    assert abs(count - 20000) <= 400
    assert last.date() <= dt.date(2026, 11, 20)


# A stand-in for the running app: a separate process that, like the app, opens a
# read-only connection for each query, over and over, and records the data versions it saw.
READER = textwrap.dedent(
    """
    import sys, time, json
    from pathlib import Path
    from trygghet.store.db import Database, data_version
    db = Database(Path(sys.argv[1]))
    seen = []
    stop = Path(sys.argv[2])
    # Reads until the test says the imports are done (or a generous bound), then once more:
    # the outcome must not depend on how fast this machine happens to be.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = stop.exists()
        with db.read() as con:
            seen.append([data_version(con)[0], con.execute("SELECT count(*) FROM events").fetchone()[0]])
        if done:
            break
        if len(seen) == 1:
            Path(sys.argv[3]).touch()  # the first read, before any import, is in
        time.sleep(0.005)
    print(json.dumps(seen))
    """
)


def test_cli_import_while_app_process_reads_the_same_database(
    cli_db: Path, tmp_path: Path, make_xlsx: Callable[..., bytes]
) -> None:
    files = []
    for n in range(3):
        path = tmp_path / f"vecka{n}.xlsx"
        path.write_bytes(make_xlsx({"Händelser": event_rows(300, dt.datetime(2026, 1, 1) + dt.timedelta(days=90 * n),
                                                            prefix=f"W{n}")}))
        files.append(str(path))
    stop, ready = tmp_path / "imports-done", tmp_path / "reader-ready"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(cli_db), str(stop), str(ready)], cwd=ROOT, stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not ready.exists() and time.monotonic() < deadline and reader.poll() is None:
        time.sleep(0.01)
    result = run_cli("import", *files, "--json", db=cli_db)
    stop.touch()
    out, _ = reader.communicate(timeout=300)

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == ["imported"] * 3
    assert reader.returncode == 0
    seen = json.loads(out)
    counts = [c for _, c in seen]
    versions = [v for v, _ in seen]
    # The reader kept working during the imports and saw the new data without reopening anything.
    assert counts[0] == 0 and counts[-1] == 900
    assert versions == sorted(versions) and versions[-1] >= versions[0] + 3
    assert len(seen) > 20


IDLE_READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import trygghet.store.connection as connection
    import trygghet.store.db as dbmod
    connection.IDLE_CLOSE = 3600  # only the writer's request may make this process let go
    db = dbmod.Database(Path(sys.argv[1]))
    with db.read() as con:
        con.execute("SELECT count(*) FROM events").fetchall()
    print("ready", flush=True)
    go_on = Path(sys.argv[2])
    deadline = time.monotonic() + 60
    while not go_on.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # idle, still holding the shared read-only connection
    with db.read() as con:
        print(con.execute("SELECT count(*) FROM events").fetchone()[0], flush=True)
    """
)


def test_an_idle_app_process_lets_a_cli_import_in(cli_db: Path, tmp_path: Path, make_xlsx: Callable[..., bytes]) -> None:
    go_on = tmp_path / "go-on"
    reader = subprocess.Popen(
        [sys.executable, "-c", IDLE_READER, str(cli_db), str(go_on)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "ready"
    path = tmp_path / "h.xlsx"
    path.write_bytes(make_xlsx({"Händelser": event_rows(10, dt.datetime(2026, 2, 2, 12, 0))}))

    result = run_cli("import", str(path), "--json", db=cli_db)

    assert result.returncode == 0, result.stderr
    assert reader.poll() is None  # the reader never exited to free the file: it was asked to let go
    go_on.touch()
    out, _ = reader.communicate(timeout=60)
    assert out.strip() == "10"  # and it sees the new rows after opening again
