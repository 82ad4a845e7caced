"""`python -m trygghet coverage`: one JSON object for scripts, the last complete week by default."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from trygghet.ingest.importer import FileReport
from trygghet.store.db import Database

ROOT = Path(__file__).resolve().parent.parent


def run(database: Database, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trygghet", "--db", str(database.path), "coverage", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=os.environ.copy())


def test_coverage_prints_one_json_object_for_the_last_complete_week(
    database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
) -> None:
    upload(make_xlsx({"Rapportörer": [["Rapportör", "Intervall"], ["Väktarbolaget", "vecka"], ["Skolan", "vecka"],
                                      ["Fritid", "vecka"]]}), "r.xlsx")
    upload(make_xlsx({"Händelser": [
        ["Datum", "Stadsdel", "Kategori", "Källa"],
        [dt.date(2026, 11, 23), "Norrby", "Klotter", "Väktarbolaget"],
        [dt.date(2026, 11, 29), "Hamnen", "Klotter", "väktarbolaget"],
        [dt.date(2026, 11, 29), "Hamnen", "Stöld", "Väktarbolaget"],
        [dt.date(2026, 11, 16), "Hamnen", "Stöld", "Fritid"],
        [dt.date(2026, 11, 27), None, "Inget att rapportera", "Skolan"],
    ]}), "v48.xlsx")

    # The database fixture pins the day to Monday 30 November 2026: the last complete week is 2026-W48.
    result = run(database, "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    assert json.loads(result.stdout) == {"week": "2026-W48", "reporters": [
        {"reporter": "Väktarbolaget", "status": "reported", "events": 3},
        {"reporter": "Skolan", "status": "nothing", "events": 0},
        {"reporter": "Fritid", "status": "missing", "events": 0}]}

    earlier = json.loads(run(database, "--week", "2026-W47", "--json").stdout)
    assert earlier["week"] == "2026-W47"
    assert [r["status"] for r in earlier["reporters"]] == ["missing", "missing", "reported"]

    bad = run(database, "--week", "48")
    assert bad.returncode == 2 and "2026-W47" in bad.stderr and "Traceback" not in bad.stderr
    table = run(database)
    assert "Fritid\tSaknas" in table.stdout and "Väktarbolaget\tRapporterat (3 händelser)" in table.stdout


def test_the_json_holds_only_due_reporters_and_names_the_rest_apart(
    database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
) -> None:
    upload(make_xlsx({"Rapportörer": [["Rapportör", "Intervall"], ["Väktarbolaget", "vecka"],
                                      ["Bostadsbolaget", "månad"], ["Skolan", "vecka"]]}), "r.xlsx")
    upload(make_xlsx({"Händelser": [
        ["Datum", "Stadsdel", "Kategori", "Källa"],
        [dt.date(2026, 10, 12), "Norrby", "Klotter", "Bostadsbolaget"],
        [dt.date(2026, 10, 14), "Norrby", "Klotter", "Bostadsbolaget"],
        [dt.date(2026, 11, 24), "Norrby", "Klotter", "Väktarbolaget"],
    ]}), "h.xlsx")

    # Week 48: November ends in week 49, so the monthly reporter is not due and stands apart.
    week48 = json.loads(run(database, "--json").stdout)
    assert set(week48) == {"week", "reporters", "not_due"}
    assert week48["not_due"] == ["Bostadsbolaget"]
    assert [(r["reporter"], r["status"], r["events"]) for r in week48["reporters"]] == [
        ("Väktarbolaget", "reported", 1), ("Skolan", "missing", 0)]
    # Week 44 holds 31 October: October is judged on the whole month, and everyone is due.
    week44 = json.loads(run(database, "--week", "2026-W44", "--json").stdout)
    assert set(week44) == {"week", "reporters"}
    assert [(r["reporter"], r["status"], r["events"]) for r in week44["reporters"]] == [
        ("Väktarbolaget", "missing", 0), ("Bostadsbolaget", "reported", 2), ("Skolan", "missing", 0)]
    for data in (week48, week44):
        for row in data["reporters"]:
            assert set(row) == {"reporter", "status", "events"} and isinstance(row["events"], int)
            assert row["status"] in {"reported", "nothing", "missing"}
    table = run(database).stdout
    assert "2026-W48\tBostadsbolaget\tInte aktuell (månadsrapport)" in table


def test_a_week_that_has_not_ended_or_a_missing_database_is_refused_in_swedish(
    database: Database, tmp_path: Path,
) -> None:
    # The database fixture's day is Monday 30 November 2026: week 49 has just begun.
    for week in ("2026-W49", "2027-W02"):
        result = run(database, "--week", week, "--json")
        assert result.returncode == 2 and result.stdout == ""
        assert f"Fel: {week} är inte slut än" in result.stderr and "2026-W48" in result.stderr
        assert "Traceback" not in result.stderr
    missing = run(Database(tmp_path / "finns-inte.duckdb"), "--json")
    assert missing.returncode == 1 and "finns inte" in missing.stderr and missing.stdout == ""
    usage = subprocess.run([sys.executable, "-m", "trygghet", "coverage", "--help"], cwd=ROOT, capture_output=True,
                           text=True, timeout=120, env=os.environ.copy()).stdout
    assert "1 databasen finns inte" in usage and "2 felaktig användning" in usage and "not_due" in usage
