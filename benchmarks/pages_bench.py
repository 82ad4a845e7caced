"""Whole pages under Streamlit's AppTest: render time, filter change to finished rerun, peak RSS.

- `render`: one process runs app.py with each page; before every render Streamlit's cache is
  cleared, so the page runs all its queries (on the process's already open DuckDB connection).
  `rerun` is the same page run again with nothing changed (every query a cache hit): what the
  page costs in Python, Plotly and Streamlit alone.
- `filter change`: on each page, the sidebar's widgets are changed as a user would, one at a
  time — the week, one district, three districts, the trend period to a year, all districts, the
  period to one week — and each change is timed from the widget's new value to the finished run.
  Every state is new, so queries that depend on the changed filter miss the cache; the others
  hit it, as in the app.
- `filter change after a pause` (full run only): one more week change after the process's shared
  DuckDB connection has been closed for idleness (trygghet.store.connection closes it after IDLE_CLOSE seconds
  without a read), which is what a click after a minute's discussion in the meeting meets.
- `rss`: a fresh process per page renders it and makes the same filter changes; its peak RSS
  (ru_maxrss) is the app process's peak for that page. The RSS after importing Streamlit and
  before the first run is reported too, to separate the page's share from the runtime's.

AppTest runs the script and builds every element's message as the server does, but sends
nothing over a websocket and draws nothing: the browser's part is in start_bench.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from .common import apptest, current_rss_mb, emit, exception_text, peak_rss_mb, summary
from .record import app_pages


def _check(at: object, page: str) -> None:
    problem = exception_text(at)
    if problem:
        raise RuntimeError(f"{page}: {problem}")


def filter_steps(districts: list[str], latest_week: str, rounds: int) -> list[tuple[str, str, object]]:
    """(label, widget key, new value) in an order where every state is new (no cache hit by accident)."""
    from trygghet.core.periods import IsoWeek

    latest = IsoWeek.parse(latest_week)
    steps: list[tuple[str, str, object]] = []
    n = len(districts)
    for r in range(rounds):
        week = latest.shift(-(r + 1))
        one = [districts[r % n]]
        three = [districts[(r + i) % n] for i in range(1, 4)]
        year = (week.sunday() - dt.timedelta(days=364), week.sunday())
        steps += [
            ("vecka", "f_week", str(week)),
            ("1 stadsdel", "f_districts", one),
            ("3 stadsdelar", "f_districts", three),
            ("period ett år", "f_period", year),
            ("alla stadsdelar", "f_districts", []),
            ("period en vecka", "f_period", (week.monday(), week.sunday())),
        ]
    return steps


def _widget(at: object, key: str) -> object:
    if key == "f_districts":
        # Pills while the districts are few; an area and a searchable list in a city (ui/sidebar.py).
        try:
            return at.pills(key=key)  # type: ignore[attr-defined]
        except KeyError:
            return at.multiselect(key=key)  # type: ignore[attr-defined]
    if key == "f_week":
        return at.selectbox(key=key)  # type: ignore[attr-defined]
    return at.date_input(key=key)  # type: ignore[attr-defined]


def _apply(at: object, key: str, value: object) -> object:
    return _widget(at, key).set_value(value)  # type: ignore[attr-defined]


def _lists(db_path: Path) -> tuple[list[str], str]:
    from trygghet.analysis import queries
    from trygghet.core import clock
    from trygghet.core.periods import latest_complete_week
    from trygghet.store.db import Database

    with Database(db_path).read() as con:
        districts = queries.reference_lists(con)["districts"]
    return districts, str(latest_complete_week(clock.today()))


def _change_filters(at: object, page: str, steps: list[tuple[str, str, object]],
                    cpu: list[float] | None = None) -> list[float]:
    """Wall seconds per change; the process's CPU seconds (every thread, DuckDB's too) into `cpu`."""
    times = []
    for _label, key, value in steps:
        widget = _apply(at, key, value)
        started, cpu_started = time.perf_counter(), time.process_time()
        widget.run()  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - cpu_started)
        _check(at, page)
    return times


def pages(db_path: Path, renders: int, rounds: int, page_files: list[str] | None, max_steps: int | None = None,
          idle_step: bool = False) -> dict:
    import streamlit as st

    from trygghet.core.periods import IsoWeek
    from trygghet.store.connection import IDLE_CLOSE

    districts, latest = _lists(db_path)
    steps = filter_steps(districts, latest, rounds)[:max_steps]
    at = apptest(db_path)
    started = time.perf_counter()
    at.run()  # type: ignore[attr-defined]
    first = time.perf_counter() - started
    _check(at, "app.py")
    defaults = [(key, _widget(at, key).value) for key in ("f_week", "f_districts", "f_period")]
    results: dict[str, dict] = {}
    for page in app_pages():
        if page_files is not None and page.file not in page_files:
            continue
        try:
            render_times, rerun_times, render_cpu, rerun_cpu, change_cpu = [], [], [], [], []
            for _ in range(renders):
                st.cache_data.clear()
                at.switch_page(page.file)  # type: ignore[attr-defined]
                t0, c0 = time.perf_counter(), time.process_time()
                at.run()  # type: ignore[attr-defined]
                render_times.append(time.perf_counter() - t0)
                render_cpu.append(time.process_time() - c0)
                _check(at, page.file)
                t0, c0 = time.perf_counter(), time.process_time()
                at.run()  # type: ignore[attr-defined]
                rerun_times.append(time.perf_counter() - t0)
                rerun_cpu.append(time.process_time() - c0)
            changes = _change_filters(at, page.file, steps, change_cpu)
            after_idle = None
            if idle_step:
                # The shared connection is closed after IDLE_CLOSE seconds without a read (trygghet.store.connection), so in
                # a meeting, where a minute may pass between two clicks, the next change opens it again.
                time.sleep(IDLE_CLOSE + 1)
                week = str(IsoWeek.parse(latest).shift(-(rounds + 2)))
                after_idle = _change_filters(at, page.file, [("vecka efter paus", "f_week", week)])[0]
            for key, value in defaults:  # back to the defaults for the next page, applied on its first run
                _apply(at, key, value)
            results[page.file] = {
                "title": page.title,
                "render_ms": summary(render_times),
                "rerun_cached_ms": summary(rerun_times),
                "filter_change_ms": summary(changes),
                "render_cpu_ms": summary(render_cpu),
                "rerun_cached_cpu_ms": summary(rerun_cpu),
                "filter_change_cpu_ms": summary(change_cpu),
                "filter_change_after_idle_ms": None if after_idle is None else round(after_idle * 1000, 1),
                "filter_change_steps_ms": [
                    [label, round(t * 1000, 1)] for (label, _k, _v), t in zip(steps, changes, strict=True)
                ],
            }
        except Exception as exc:  # one broken page must not hide the others
            results[page.file] = {"title": page.title, "error": f"{type(exc).__name__}: {exc}"[:2000]}
    return {"first_run_ms": round(first * 1000, 1), "steps": [s[0] for s in steps], "idle_step": idle_step,
            "idle_seconds": IDLE_CLOSE + 1, "pages": results}


def rss(db_path: Path, page_file: str, rounds: int) -> dict:
    """One page in a fresh process: its first render and filter changes, and the process's peak RSS."""
    districts, latest = _lists(db_path)
    from streamlit.testing.v1 import AppTest  # noqa: F401 - imported before the baseline is read

    baseline = current_rss_mb()
    at = apptest(db_path)
    at.switch_page(page_file)  # type: ignore[attr-defined]
    started = time.perf_counter()
    at.run()  # type: ignore[attr-defined]
    first = time.perf_counter() - started
    _check(at, page_file)
    after_first = peak_rss_mb()
    _change_filters(at, page_file, filter_steps(districts, latest, rounds))
    return {
        "page": page_file,
        "first_render_ms": round(first * 1000, 1),
        "rss_after_imports_mb": baseline,
        "peak_rss_after_first_render_mb": after_first,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("mode", choices=["pages", "rss"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--page", help="rss: the page file, e.g. pages/oversikt.py")
    parser.add_argument("--pages", default="", help="pages: comma-separated page files (default: all)")
    parser.add_argument("--renders", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the six filter changes")
    parser.add_argument("--steps", type=int, help="only the first N filter changes (the quick run)")
    parser.add_argument("--idle-step", action="store_true",
                        help="one more change per page after the shared connection has been idle-closed")
    args = parser.parse_args()
    if args.mode == "pages":
        emit(pages(args.db, args.renders, args.rounds, [p for p in args.pages.split(",") if p] or None, args.steps,
                   args.idle_step))
    else:
        emit(rss(args.db, args.page, args.rounds))


if __name__ == "__main__":
    main()
