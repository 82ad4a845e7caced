"""The product's clock: TRYGGHET_TODAY pins the day for the app, imports and the command line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from suite_days import suite_today

from trygghet.core import clock
from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent


def test_the_suite_runs_for_its_own_day_and_tells_the_product() -> None:
    # Either the day asked for with TRYGGHET_TODAY or the fixed default, never the real date.
    assert os.environ[clock.ENV] == suite_today().isoformat()
    assert clock.today() == suite_today()


@pytest.mark.parametrize("day", ["2026-12-31", "2028-02-29", "2026-03-29", "2027-01-01"])
def test_a_pinned_day_is_today_and_now_is_that_day(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    monkeypatch.setenv(clock.ENV, day)
    assert clock.today() == dt.date.fromisoformat(day)
    now = clock.now()
    assert now.date() == dt.date.fromisoformat(day)
    assert now.tzinfo is None  # naive local time, as every stored time


@pytest.mark.parametrize("value", ["2026-13-01", "2027-02-29", "31/12/2026", "20261231", "2026-W53-4", "imorgon"])
def test_a_value_that_is_not_a_date_is_refused_in_swedish(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(clock.ENV, value)
    with pytest.raises(clock.ClockError) as caught:
        clock.today()
    message = str(caught.value)
    assert f"'{value}'" in message and "ÅÅÅÅ-MM-DD" in message and clock.ENV in message
    with pytest.raises(clock.ClockError):
        clock.now()


def test_surrounding_spaces_are_forgiven(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, " 2026-12-31 \n")
    assert clock.today() == dt.date(2026, 12, 31)


def test_an_import_takes_the_pinned_day_as_today(
    monkeypatch: pytest.MonkeyPatch, database: Database, make_xlsx: Callable[..., bytes],
    query: Callable[..., list[tuple[object, ...]]],
) -> None:
    from trygghet.ingest.importer import import_file

    monkeypatch.setenv(clock.ENV, "2028-02-29")
    rows = [["Datum", "Stadsdel", "Kategori", "Plats"],
            [dt.date(2028, 2, 29), "Norrby", "Klotter", "Torget"],
            [dt.date(2028, 3, 1), "Norrby", "Klotter", "Torget"],
            [dt.date(2028, 3, 2), "Norrby", "Klotter", "Torget"]]
    report = import_file(database, make_xlsx({"Händelser": rows}), "skottdag.xlsx")
    # The importer allows one day ahead (a report written just after midnight); 2 March is the future.
    assert report.totals()["rejected"] == 1
    assert query("SELECT occurred_at::DATE FROM events ORDER BY 1") == [(dt.date(2028, 2, 29),), (dt.date(2028, 3, 1),)]
    assert query("SELECT uploaded_at::DATE FROM uploads") == [(dt.date(2028, 2, 29),)]


def test_the_command_line_builds_the_demo_up_to_the_pinned_day(tmp_path: Path) -> None:
    target = tmp_path / "demo.duckdb"
    env = {**os.environ, clock.ENV: "2026-10-25"}
    done = _cli(["--db", str(target), "demo", "--events", "500", "--years", "1"], env)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(target), read_only=True)
    try:
        last = con.execute("SELECT max(occurred_at)::DATE FROM events").fetchone()[0]
    finally:
        con.close()
    # 500 events a year leave some days empty, but the last one is close to the pinned day, not after it.
    assert dt.date(2026, 10, 11) <= last <= dt.date(2026, 10, 25)


def test_the_command_line_refuses_a_bad_day_without_a_traceback_or_a_change(tmp_path: Path) -> None:
    target = tmp_path / "kvar.duckdb"
    target.write_bytes(b"kept as it was")
    done = _cli(["--db", str(target), "demo", "--events", "500"], {**os.environ, clock.ENV: "2026-02-30"})
    assert done.returncode == 1
    assert done.stderr.startswith("Fel: Miljövariabeln TRYGGHET_TODAY har värdet '2026-02-30'")
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == b"kept as it was"


def test_the_app_says_what_is_wrong_with_a_bad_day(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    monkeypatch.setenv(clock.ENV, "31/12/2026")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    shown = at.error[0].value.replace("\\", "")
    assert "TRYGGHET_TODAY" in shown and "'31/12/2026'" in shown and "ÅÅÅÅ-MM-DD" in shown
    assert not at.title  # no page drawn on a day that does not exist


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trygghet", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
