"""Import of a Händelser sheet: our importer against bare python-calamine and against pandas+openpyxl.

    python -m benchmarks.import_speed --rows 100000
    python -m benchmarks.import_speed --rows 10000,100000,1048575 --skip-openpyxl

Prints, from one run on one file: our full import (read, validate, de-duplicate, write),
python-calamine alone parsing the same file, and pandas.read_excel(engine="openpyxl")
followed by a plain insert of the frame into DuckDB; and the ratios between them.

Each measurement runs in a fresh process, so that each has its own peak RSS (ru_maxrss): the
file's bytes are read and, for our import, an empty database with the districts is created
before the clock starts; the clock stops when the rows are parsed (calamine) or committed
(ours, openpyxl). 1,048,575 event rows under a header fill a sheet to Excel's limit of
1,048,576 rows. Workbooks are written once into the out folder and reused.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from .common import OUT, emit, peak_rss_mb, run_child
from .workbooks import DISTRICTS, EXCEL_MAX_ROWS, events_workbook, generation_seconds

FULL_SHEET = EXCEL_MAX_ROWS - 1  # event rows under the header in a full sheet


def our_import(path: Path) -> dict:
    from trygghet.ingest.importer import import_file
    from trygghet.store.db import Database, add_district, init_database

    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "bench.duckdb")
        init_database(db)
        with db.write() as con:
            for name in DISTRICTS:
                add_district(con, name)
        data = path.read_bytes()
        start, cpu = time.perf_counter(), time.process_time()
        report = import_file(db, data, path.name)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert report.status == "imported" and report.totals()["rejected"] == 0, report.as_json()
        imported = report.totals()["imported"]
        db_bytes = db.path.stat().st_size + sum(
            p.stat().st_size for p in db.path.parent.glob(db.path.name + ".wal"))
    return {"seconds": elapsed, "cpu_s": cpu, "imported": imported, "db_bytes": db_bytes}


def calamine_parse(path: Path) -> dict:
    from python_calamine import CalamineWorkbook

    data = path.read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = workbook.get_sheet_by_index(0).to_python()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(rows) > 1
    return {"seconds": elapsed, "cpu_s": cpu, "rows": len(rows) - 1}


def openpyxl_path(path: Path) -> dict:
    import duckdb
    import pandas as pd

    data = path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "naive.duckdb"))
        start, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_excel(io.BytesIO(data), engine="openpyxl")
        con.register("frame", frame)
        con.execute("CREATE TABLE events AS SELECT * FROM frame")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        con.close()
    return {"seconds": elapsed, "cpu_s": cpu, "rows": len(frame)}


METHODS = {"ours": our_import, "calamine": calamine_parse, "openpyxl": openpyxl_path}


def _child(method: str, path: Path) -> dict:
    result = METHODS[method](path)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def measure(rows: int, repeats: int, skip_openpyxl: bool = False, out: Path | None = None,
            log: Path | None = None) -> dict[str, object]:
    """One file of `rows` event rows: each method `repeats` times (openpyxl once), the median time and
    the largest peak RSS of each."""
    path = events_workbook(rows, out=out)
    generated = generation_seconds(path)

    def run(method: str, times: int) -> list[dict]:
        return [run_child("import_speed", [method, path], timeout=3600, log=log) for _ in range(times)]

    ours = run("ours", repeats)
    bare = run("calamine", repeats)
    naive = [] if skip_openpyxl else run("openpyxl", 1)
    ours_s = statistics.median(r["seconds"] for r in ours)
    bare_s = statistics.median(r["seconds"] for r in bare)
    naive_s = statistics.median(r["seconds"] for r in naive) if naive else None
    assert all(r["imported"] == rows for r in ours), [r["imported"] for r in ours]
    return {
        "rows": rows,
        "sheet_rows": rows + 1,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "workbook_generated_s": generated,
        "repeats": repeats,
        "ours_s": round(ours_s, 3),
        "calamine_s": round(bare_s, 3),
        "openpyxl_s": None if naive_s is None else round(naive_s, 3),
        "ours_vs_calamine": round(ours_s / bare_s, 2),
        "openpyxl_vs_ours": None if naive_s is None else round(naive_s / ours_s, 1),
        "ours_rows_per_s": round(rows / ours_s),
        "ours_cpu_s": round(statistics.median(r["cpu_s"] for r in ours), 3),
        "calamine_cpu_s": round(statistics.median(r["cpu_s"] for r in bare), 3),
        "openpyxl_cpu_s": round(statistics.median(r["cpu_s"] for r in naive), 3) if naive else None,
        "ours_vs_calamine_cpu": round(statistics.median(r["cpu_s"] for r in ours)
                                      / statistics.median(r["cpu_s"] for r in bare), 2),
        "ours_peak_rss_mb": max(r["peak_rss_mb"] for r in ours),
        "calamine_peak_rss_mb": max(r["peak_rss_mb"] for r in bare),
        "openpyxl_peak_rss_mb": max((r["peak_rss_mb"] for r in naive), default=None),
        "db_mb_per_million_rows": round(ours[0]["db_bytes"] / 2**20 / (rows / 1e6), 1),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--rows", default="100000", help="event rows, comma-separated (1048575 fills a sheet)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.child:
        emit(_child(args.child[0], Path(args.child[1])))
        return
    for rows in (int(r) for r in args.rows.split(",")):
        result = measure(rows, args.repeats, args.skip_openpyxl, args.out)
        print(json.dumps(result, ensure_ascii=False))
        print(
            f"{result['rows']:,} rader: vår import {result['ours_s']} s, bara calamine {result['calamine_s']} s "
            f"({result['ours_vs_calamine']}×), pandas+openpyxl {result['openpyxl_s']} s "
            f"(vår import {result['openpyxl_vs_ours']}× snabbare)"
        )


if __name__ == "__main__":
    main()
