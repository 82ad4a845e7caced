"""Every query each page runs, replayed cold and warm from a recording (see record.py).

A page's query set is what the page asked for in one run: the `ui.query(fn, db, *args)` calls
(each replayed as `fn(con, *args)` on a fresh cursor of the shared read-only connection, exactly
as ui.query does on a cache miss) and the page's own reads outside ui.query (`fn(db, *args)`).
Streamlit's cache is never involved: a warm figure is a warm DuckDB, not a cache hit (which
costs microseconds).

- cold: a fresh process per sample, forked from a driver that has imported the app's modules but
  never opened a database; timed inside the child from before the database is opened (new DuckDB
  instance, empty buffer pool) to the last result. Python start-up and imports are excluded, as in
  the app, whose modules are loaded before the first page runs. The operating system's file cache
  is warm (the file was read before), which is also how a running app finds it.
- warm: one process that has run every page and variant once; then every page and variant again,
  `repeats` times, interleaved.

Both use the recorded filter variants (1, 3 or all districts; a week or a year).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import json
import os
import pickle
import statistics
import time
from collections import defaultdict
from pathlib import Path

from .common import emit, summary
from .record import Call


def _function(module: str, name: str) -> object:
    return getattr(importlib.import_module(module), name)


def _rows(result: object) -> int:
    """Rows a page gets back: a frame's length, a collection's size, a dataclass's largest frame."""
    import pandas as pd

    if isinstance(result, pd.DataFrame):
        return len(result)
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        sizes = [_rows(getattr(result, f.name)) for f in dataclasses.fields(result)
                 if isinstance(getattr(result, f.name), pd.DataFrame | list | dict)]
        return max(sizes, default=1)
    if isinstance(result, list | tuple | dict | set):
        return len(result)
    return 1 if result is not None else 0


def _size(result: object) -> int:
    try:
        return len(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:  # an unpicklable result is not measured
        return -1


def label(call: Call) -> str:
    return f"{call[1].removeprefix('trygghet.')}.{call[2]}"


def call_key(call: Call) -> bytes:
    return pickle.dumps(call[1:])


def static_calls(by_variant: dict[str, list[Call]]) -> set[bytes]:
    """Calls a page makes with the same arguments under every filter variant: on a filter change
    in the app they are Streamlit cache hits and never reach the database."""
    keys = [{call_key(c) for c in calls} for calls in by_variant.values()]
    return set.intersection(*keys) if len(keys) > 1 else set()


def run_calls(db: object, calls: list[Call], sizes: dict | None = None,
              static: set[bytes] | frozenset = frozenset()) -> dict:
    """Runs one page's query set. Wall and CPU seconds (CPU of every thread in the process, DuckDB's
    workers included) in total and for the calls a filter change makes (not in `static`), and the
    wall seconds per function (summed when a page calls one several times)."""
    timings: dict[str, float] = defaultdict(float)
    wall = cpu = changed = 0.0
    for call in calls:
        kind, module, name, args, kwargs = call
        fn = _function(module, name)
        started, cpu_started = time.perf_counter(), time.process_time()
        if kind == "con":
            with db.read() as con:  # type: ignore[attr-defined]
                result = fn(con, *args, **kwargs)  # type: ignore[operator]
        else:
            result = fn(db, *args, **kwargs)  # type: ignore[operator]
        elapsed = time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        wall += elapsed
        if call_key(call) not in static:
            changed += elapsed
        timings[label(call)] += elapsed
        if sizes is not None:
            entry = sizes.setdefault(label(call), {"rows": 0, "bytes": 0})
            entry["rows"] = max(entry["rows"], _rows(result))
            entry["bytes"] = max(entry["bytes"], _size(result))
    return {"wall": wall, "cpu": cpu, "changed": changed, "calls": list(timings.items())}


def _import_all(recording: dict) -> None:
    for page_calls in recording["calls"].values():
        for calls in page_calls.values():
            for call in calls:
                _function(call[1], call[2])


# ---------------------------------------------------------------- cold: one fork per sample


def _cold_sample(db_path: Path, calls: list[Call]) -> dict:
    from trygghet.store.db import Database

    started, cpu_started = time.perf_counter(), time.process_time()
    db = Database(db_path)
    with db.read():
        pass
    opened = time.perf_counter() - started
    ran = run_calls(db, calls)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu_started, "open_s": opened,
            "calls": ran["calls"]}


def _fork(fn: object, *args: object) -> dict:
    gc.freeze()  # the child's garbage collector leaves the parent's objects (and their pages) alone
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, answer, leave without running the parent's exit handlers
        os.close(read_end)
        try:
            payload = json.dumps({"ok": fn(*args)}).encode()  # type: ignore[operator]
        except BaseException as exc:  # the parent reports it
            payload = json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode()
        with os.fdopen(write_end, "wb") as handle:
            handle.write(payload)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    answer = json.loads(data or b'{"error": "no answer"}')
    if "error" in answer:
        raise RuntimeError(answer["error"])
    return answer["ok"]


def cold(db_path: Path, recording: dict, repeats: int) -> dict:
    _import_all(recording)
    pages: dict[str, dict] = {}
    for page, by_variant in recording["calls"].items():
        samples, cpu, opens, per_call = [], [], [], defaultdict(list)
        for _ in range(repeats):
            for calls in by_variant.values():
                answer = _fork(_cold_sample, db_path, calls)
                samples.append(answer["seconds"])
                cpu.append(answer["cpu"])
                opens.append(answer["open_s"])
                for name, seconds in answer["calls"]:
                    per_call[name].append(seconds)
        pages[page] = {
            "total_ms": summary(samples),
            "cpu_ms": summary(cpu),
            "open_ms": summary(opens),
            "calls_median_ms": {k: round(statistics.median(v) * 1000, 1) for k, v in per_call.items()},
        }
    return pages


# ---------------------------------------------------------------- warm: one process


def warm(db_path: Path, recording: dict, repeats: int) -> dict:
    from trygghet.store.db import Database

    _import_all(recording)
    db = Database(db_path)
    sizes: dict[str, dict] = defaultdict(dict)
    static = {page: static_calls(by_variant) for page, by_variant in recording["calls"].items()}
    for page, by_variant in recording["calls"].items():  # the warm-up, which also sizes the results
        for calls in by_variant.values():
            run_calls(db, calls, sizes[page])
    walls: dict[str, list[float]] = defaultdict(list)
    cpus: dict[str, list[float]] = defaultdict(list)
    changed: dict[str, list[float]] = defaultdict(list)
    per_call: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _ in range(repeats):
        for page, by_variant in recording["calls"].items():
            for calls in by_variant.values():
                ran = run_calls(db, calls, static=static[page])
                walls[page].append(ran["wall"])
                cpus[page].append(ran["cpu"])
                changed[page].append(ran["changed"])
                for name, seconds in ran["calls"]:
                    per_call[page][name].append(seconds)
    return {
        page: {
            "total_ms": summary(walls[page]),
            "cpu_ms": summary(cpus[page]),
            "filter_change_ms": summary(changed[page]),
            "static_calls": sorted({label(c) for calls in recording["calls"][page].values() for c in calls
                                    if call_key(c) in static[page]}),
            "calls_median_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in per_call[page].items()},
            "calls_p95_ms": {k: summary(v)["p95"] for k, v in per_call[page].items()},
            "results": sizes[page],
        }
        for page in recording["calls"]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("mode", choices=["cold", "warm"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--recording", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    recording = pickle.loads(args.recording.read_bytes())
    started = time.perf_counter()
    pages = (cold if args.mode == "cold" else warm)(args.db, recording, args.repeats)
    emit({"mode": args.mode, "repeats": args.repeats, "variants": [v["name"] for v in recording["variants"]],
          "pages": pages, "seconds": round(time.perf_counter() - started, 1)})


if __name__ == "__main__":
    main()
