"""The common way, for comparison: the whole events table in pandas, filtered and grouped per rerun.

The Översikt page's event figures – the key figures, the CompStat counts per category, the
district × category cells for the notable changes, the top places and the last twelve weeks –
computed with pandas from `SELECT * FROM events` read once per rerun, as many Streamlit apps
do. The same windows (trygghet.core.periods) are used, and every variant's pandas result is checked
against trygghet.analysis.queries' result before any time counts, so the comparison is between two
ways of getting the same numbers.

Measured per filter variant, in one process: `pandas_rerun` (read the table + compute),
`pandas_cached` (compute only, the frame held in memory between reruns – the next thing people
try, paying for it in RSS) and `ours` (the five trygghet.analysis.queries functions on the shared DuckDB
connection, warm, no Streamlit cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from .common import current_rss_mb, emit, peak_rss_mb, summary


def load_events(con: object) -> object:
    """Every event and column; only the internal de-duplication key (UHUGEINT, which pandas has no
    type for) is left out."""
    return con.execute("SELECT * EXCLUDE (dedup_key) FROM events").df()  # type: ignore[attr-defined]


def _between(ts: object, window: object) -> object:
    import pandas as pd

    return (ts >= pd.Timestamp(window.start)) & (ts < pd.Timestamp(window.end))  # type: ignore[attr-defined]


def pandas_oversikt(frame: object, category_order: dict[str, int], filters: object) -> dict[str, object]:
    """Översikt's event figures from a frame of every event."""
    import pandas as pd

    from trygghet.analysis import queries
    from trygghet.core.periods import Window, previous_weeks, week_window

    events: pd.DataFrame = frame  # type: ignore[assignment]
    mask = pd.Series(True, index=events.index)
    for column, chosen in (("district", filters.districts), ("category", filters.categories),
                           ("source", filters.sources)):
        if chosen:
            mask &= events[column].isin(chosen)
    sel = events[mask]
    ts = sel["occurred_at"]
    week = filters.week

    key_windows = {
        "week": week_window(week),
        "previous_week": week_window(week.shift(-1)),
        "previous_4": previous_weeks(week, 4),
        "last_year": week_window(week.same_week_last_year()),
    }
    key = {name: int(_between(ts, w).sum()) for name, w in key_windows.items()}
    key["previous_4_mean"] = key["previous_4"] / 4

    windows = queries.compstat_windows(week)
    low = min(w.start for w in windows.values())
    high = max(w.end for w in windows.values())
    span = sel[_between(ts, Window(low, high))]
    counts = pd.DataFrame({name: span[_between(span["occurred_at"], w)].groupby("category").size()
                           for name, w in windows.items()})
    counts = counts.reindex(span["category"].unique()).fillna(0).astype("int64")
    counts.index.name = "name"
    counts = counts.reset_index()
    counts["_order"] = counts["name"].map(category_order)
    compstat = counts.sort_values(["_order", "name"], na_position="last").drop(columns="_order").reset_index(drop=True)

    this_week, before = week_window(week), previous_weeks(week, 4)
    cells_frame = sel[_between(ts, Window(before.start, this_week.end))]
    in_week = cells_frame["occurred_at"] >= pd.Timestamp(this_week.start)
    cells = (cells_frame.assign(week=in_week, previous_4=~in_week)
             .groupby(["district", "category"])[["week", "previous_4"]].sum().reset_index())

    places_frame = sel[_between(ts, this_week) & sel["place"].notna()]
    places = (places_frame.groupby(["place", "district"])
              .agg(count=("category", "size"),
                   categories=("category", lambda c: ", ".join(sorted(set(c)))))
              .reset_index().sort_values(["count", "place"], ascending=[False, True]).head(10))

    first_monday = week.monday() - dt.timedelta(weeks=11)
    recent = sel[_between(ts, Window(first_monday, this_week.end))]
    weeks = ((recent["occurred_at"] - pd.Timestamp(first_monday)).dt.days // 7)
    twelve = weeks.value_counts().reindex(range(12), fill_value=0).sort_index()
    weekly = {first_monday + dt.timedelta(weeks=int(i)): int(n) for i, n in twelve.items()}
    return {"key": key, "compstat": compstat, "cells": cells, "places": places, "weekly": weekly}


def ours_oversikt(db: object, filters: object) -> dict[str, object]:
    """The same figures from trygghet.analysis.queries, each call on its own cursor as ui.query makes it."""
    import pandas as pd

    from trygghet.analysis import queries

    out: dict[str, object] = {}
    with db.read() as con:  # type: ignore[attr-defined]
        out["key"] = queries.key_figures(con, filters)
    with db.read() as con:  # type: ignore[attr-defined]
        out["compstat"] = queries.compstat_counts(con, filters, "category")
    with db.read() as con:  # type: ignore[attr-defined]
        out["cells"] = queries.district_category_week(con, filters)
    with db.read() as con:  # type: ignore[attr-defined]
        out["places"] = queries.top_places(con, filters)
    with db.read() as con:  # type: ignore[attr-defined]
        series = queries.weekly_series(con, filters, None)
    first_monday = filters.week.monday() - dt.timedelta(weeks=11)  # type: ignore[attr-defined]
    by_week = {pd.Timestamp(w).date(): int(n) for w, n in zip(series["week"], series["count"], strict=True)}
    out["weekly"] = {first_monday + dt.timedelta(weeks=i): by_week.get(first_monday + dt.timedelta(weeks=i), 0)
                     for i in range(12)}
    return out


def check_same(ours: dict[str, object], theirs: dict[str, object]) -> None:
    """Raises AssertionError unless both ways give the same figures."""
    import pandas as pd

    assert ours["key"] == theirs["key"], (ours["key"], theirs["key"])
    a, b = ours["compstat"], theirs["compstat"]
    assert list(a["name"]) == list(b["name"]), (list(a["name"]), list(b["name"]))
    # The baseline has the window counts only; ours also carries each row's dispersion.
    for column in b.columns:
        if column != "name":
            assert [int(x) for x in a[column]] == [int(x) for x in b[column]], column

    def cells(frame: pd.DataFrame) -> list[tuple]:
        return sorted((d, c, int(w), int(p)) for d, c, w, p in
                      frame[["district", "category", "week", "previous_4"]].itertuples(index=False)
                      if int(w) or int(p))

    assert cells(ours["cells"]) == cells(theirs["cells"])
    assert [int(x) for x in ours["places"]["Händelser"]] == [int(x) for x in theirs["places"]["count"]]
    assert ours["weekly"] == theirs["weekly"], (ours["weekly"], theirs["weekly"])


def run(db_path: Path, variant_count: int, repeats: int) -> dict:
    from trygghet.analysis import queries
    from trygghet.core import clock
    from trygghet.core.filters import Filters
    from trygghet.core.periods import IsoWeek
    from trygghet.store.db import Database

    from .record import variants

    db = Database(db_path)
    with db.read() as con:
        districts = queries.reference_lists(con)["districts"]
        category_order = dict(con.execute("SELECT name, sort_order FROM categories").fetchall())
        events = int(con.execute("SELECT count(*) FROM events").fetchone()[0])
    chosen = variants(districts, clock.today(), variant_count)
    filters = [Filters(week=IsoWeek.parse(v["week"]), start=dt.date.fromisoformat(v["start"]),
                       end=dt.date.fromisoformat(v["end"]), districts=tuple(v["districts"])) for v in chosen]

    rss_before = current_rss_mb()
    rerun, cached, ours, rerun_cpu, ours_cpu = [], [], [], [], []
    frame_mb = load_s = None
    for round_ in range(repeats):
        for f in filters:
            started, cpu_started = time.perf_counter(), time.process_time()
            with db.read() as con:
                frame = load_events(con)
            loaded = time.perf_counter()
            theirs = pandas_oversikt(frame, category_order, f)
            done = time.perf_counter()
            rerun.append(done - started)
            rerun_cpu.append(time.process_time() - cpu_started)
            cached.append(done - loaded)
            if frame_mb is None:
                frame_mb = round(frame.memory_usage(deep=True).sum() / 2**20, 1)
                load_s = loaded - started
            del frame
            started, cpu_started = time.perf_counter(), time.process_time()
            mine = ours_oversikt(db, f)
            ours.append(time.perf_counter() - started)
            ours_cpu.append(time.process_time() - cpu_started)
            if round_ == 0:
                check_same(mine, theirs)
    return {
        "events": events,
        "variants": [v["name"] for v in chosen],
        "checked_equal": True,
        "pandas_rerun_ms": summary(rerun),
        "pandas_cached_frame_ms": summary(cached),
        "ours_warm_ms": summary(ours),
        "pandas_rerun_cpu_ms": summary(rerun_cpu),
        "ours_warm_cpu_ms": summary(ours_cpu),
        "first_load_ms": round((load_s or 0) * 1000, 1),
        "frame_mb": frame_mb,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--variants", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    emit(run(args.db, args.variants, args.repeats))


if __name__ == "__main__":
    main()
