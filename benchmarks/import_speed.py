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

As whole processes, start-up included: `python -m trygghet import FILE --json` (the command line
and the worker process it starts) against `python -c` parsing the file with bare calamine, each
timed from the measuring process's side, with the CPU time and peak RSS of the process tree
(RUSAGE_CHILDREN). The repeats alternate the two, so a busy machine weighs on both alike.

Progress: the same import through the worker with a listener for its progress events (lines on
a pipe, a callback in the parent) against none, alternating; the difference is what reporting
progress costs.
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


BARE_PARSE = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
              "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n")


def _database(folder: Path) -> Path:
    from trygghet.store.db import Database, add_district, init_database

    db = Database(folder / "bench.duckdb")
    init_database(db)
    with db.write() as con:
        for name in DISTRICTS:
            add_district(con, name)
    return db.path


def _process(command: list[str]) -> dict:
    """A command as a whole process tree: wall time, CPU time and peak RSS of its processes."""
    import resource
    import subprocess
    import sys

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *command], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr[-2000:]
    return {"seconds": elapsed, "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
            "peak_rss_mb": round(after.ru_maxrss / 1024, 1), "stdout": done.stdout}


def cli_process(path: Path) -> dict:
    """`python -m trygghet import FILE --json` from start to exit, on a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        db = _database(Path(tmp))
        result = _process(["-m", "trygghet", "--db", str(db), "import", str(path), "--json"])
        report = json.loads(result.pop("stdout"))
        assert report["status"] == "imported", report
        result["imported"] = sum(s["imported"] for s in report["sheets"])
    return result


def calamine_process(path: Path) -> dict:
    result = _process(["-c", BARE_PARSE, str(path)])
    result.pop("stdout")
    return result


def worker_import(path: Path, progress: bool) -> dict:
    """The import through the worker process, with or without a listener for its progress."""
    import resource

    from trygghet.ingest.import_worker import JobOptions, import_files
    from trygghet.store.access import COMMAND_LINE
    from trygghet.store.db import Database

    heard = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(_database(Path(tmp)))
        options = JobOptions(progress=heard.append) if progress else JobOptions()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start, cpu = time.perf_counter(), time.process_time()
        (report,) = import_files(db, [path], COMMAND_LINE, options)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert report.status == "imported", report.as_json()
    worker_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": elapsed, "cpu_s": cpu + worker_cpu, "events": len(heard)}


METHODS = {"ours": our_import, "calamine": calamine_parse, "openpyxl": openpyxl_path,
           "cli_process": cli_process, "calamine_process": calamine_process,
           "worker_quiet": lambda path: worker_import(path, False),
           "worker_progress": lambda path: worker_import(path, True)}


def _child(method: str, path: Path) -> dict:
    result = METHODS[method](path)
    result.setdefault("peak_rss_mb", peak_rss_mb())  # a whole process tree's is measured by the method
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
    # The full sheet takes a minute a run: its whole processes once, and progress's cost where it is cheap to measure.
    small = rows <= 200_000
    processes = [(run("cli_process", 1)[0], run("calamine_process", 1)[0]) for _ in range(repeats if small else 1)]
    cli = [c for c, _ in processes]
    bare_process = [b for _, b in processes]
    quiet, heard = [], []
    for _ in range(max(2, repeats) if small else 0):
        quiet += run("worker_quiet", 1)
        heard += run("worker_progress", 1)
    cli_s = statistics.median(r["seconds"] for r in cli)
    bare_process_s = statistics.median(r["seconds"] for r in bare_process)
    quiet_s = statistics.median(r["seconds"] for r in quiet) if quiet else None
    heard_s = statistics.median(r["seconds"] for r in heard) if heard else None
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
        "cli_process_s": round(cli_s, 3),
        "calamine_process_s": round(bare_process_s, 3),
        "cli_vs_calamine_process": round(cli_s / bare_process_s, 2),
        "cli_vs_calamine_process_cpu": round(statistics.median(r["cpu_s"] for r in cli)
                                             / statistics.median(r["cpu_s"] for r in bare_process), 2),
        "cli_process_peak_rss_mb": max(r["peak_rss_mb"] for r in cli),
        "calamine_process_peak_rss_mb": max(r["peak_rss_mb"] for r in bare_process),
        "worker_quiet_s": None if quiet_s is None else round(quiet_s, 3),
        "worker_progress_s": None if heard_s is None else round(heard_s, 3),
        "progress_overhead_pct": None if not quiet_s or heard_s is None else round(100 * (heard_s - quiet_s) / quiet_s, 1),
        "progress_overhead_cpu_pct": None if not quiet else round(
            100 * (statistics.median(r["cpu_s"] for r in heard) / statistics.median(r["cpu_s"] for r in quiet) - 1), 1),
        "progress_events": heard[0]["events"] if heard else None,
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
            f"(vår import {result['openpyxl_vs_ours']}× snabbare); som hela processer: kommandoraden "
            f"{result['cli_process_s']} s mot calamine {result['calamine_process_s']} s "
            f"({result['cli_vs_calamine_process']}×, toppminne {result['cli_process_peak_rss_mb']} MB); "
            f"förloppet kostar {result['progress_overhead_pct']} %"
        )


if __name__ == "__main__":
    main()
