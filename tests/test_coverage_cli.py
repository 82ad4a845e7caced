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
