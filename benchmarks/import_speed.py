"""Import of a Händelser sheet: our importer against bare python-calamine and against pandas+openpyxl.

    python -m benchmarks.import_speed --rows 100000

Prints, from one run on one file: our full import (read, validate, de-duplicate, write),
python-calamine alone parsing the same file, and pandas.read_excel(engine="openpyxl")
followed by a plain insert of the frame into DuckDB; and the ratios between them.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd
from python_calamine import CalamineWorkbook

from trygghet.db import Database, add_district, init_database
from trygghet.importer import import_file

from .workbooks import DISTRICTS, events_workbook


def our_import(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.duckdb")
        init_database(db)
        with db.write() as con:
            for name in DISTRICTS:
                add_district(con, name)
        data = path.read_bytes()
        start = time.perf_counter()
        report = import_file(db, data, path.name)
        elapsed = time.perf_counter() - start
        assert report.status == "imported" and report.totals()["rejected"] == 0, report.as_json()
        return elapsed


def calamine_parse(path: Path) -> float:
    start = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python()
    elapsed = time.perf_counter() - start
    assert len(rows) > 1
    return elapsed


def openpyxl_path(path: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "naive.duckdb"))
        start = time.perf_counter()
        frame = pd.read_excel(path, engine="openpyxl")
        con.register("frame", frame)
        con.execute("CREATE TABLE events AS SELECT * FROM frame")
        elapsed = time.perf_counter() - start
        con.close()
        return elapsed


def measure(rows: int, repeats: int, skip_openpyxl: bool = False) -> dict[str, object]:
    path = events_workbook(rows)
    ours = statistics.median(our_import(path) for _ in range(repeats))
    bare = statistics.median(calamine_parse(path) for _ in range(repeats))
    naive = None if skip_openpyxl else openpyxl_path(path)
    return {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "ours_s": round(ours, 3),
        "calamine_s": round(bare, 3),
        "openpyxl_s": None if naive is None else round(naive, 3),
        "ours_vs_calamine": round(ours / bare, 2),
        "openpyxl_vs_ours": None if naive is None else round(naive / ours, 1),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true")
    args = parser.parse_args()
    result = measure(args.rows, args.repeats, args.skip_openpyxl)
    print(json.dumps(result, ensure_ascii=False))
    print(
        f"{result['rows']:,} rader: vår import {result['ours_s']} s, bara calamine {result['calamine_s']} s "
        f"({result['ours_vs_calamine']}×), pandas+openpyxl {result['openpyxl_s']} s "
        f"(vår import {result['openpyxl_vs_ours']}× snabbare)"
    )


if __name__ == "__main__":
    main()
