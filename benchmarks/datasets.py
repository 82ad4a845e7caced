"""Demo databases at a given scale, built once by the app's own generator and kept in the out folder.

    python -m benchmarks.datasets --events 1000000 [--years 2] [--out DIR]

Each database is `trygghet.demo.build.build_demo(path, seed=, events=N, years=)` ending today (so the
sidebar's default week has data), plus one meeting held today, so that the Möte page has an
agenda to show and not only its empty form. The build runs in a child process so that its time
and peak memory are its own; both are kept beside the file (`<name>.json`) so a cached database
still reports how long it took to generate.

    python -m benchmarks.datasets --city --events 1000000

A *city* database (`build_city`) is a real city's size instead: 150 districts in 10 areas
(stadsdelsområden), square boundaries in a grid, events spread unevenly over the districts, and one
source that began reporting eight weeks before the end. The benchmarks' city section and the browser
tests of a real city use it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

from .common import OUT, emit, peak_rss_mb, run_child, scale_label

SEED = 7


def label(events: int | None) -> str:
    """'demo' for the app's own demo database (about 14,000 events a year), else the scale."""
    return "demo" if events is None else scale_label(events)


def schema_tag() -> str:
    """A short fingerprint of the schema, so a cached database made by an older schema is rebuilt."""
    from trygghet.store.schema import SCHEMA

    return hashlib.sha256(SCHEMA.encode()).hexdigest()[:6]


def db_path(out: Path, events: int | None, years: int, seed: int = SEED, end: dt.date | None = None) -> Path:
    from trygghet.core import clock

    end = end or clock.today()
    return out / f"demo-{label(events)}-y{years}-s{seed}-{end:%Y%m%d}-{schema_tag()}.duckdb"


def demo_database(out: Path, events: int | None, years: int, seed: int = SEED,
                  log: Path | None = None) -> tuple[Path, dict]:
    """The cached database for this scale (built now when missing) and what its build measured.
    `events=None` is the app's own demo database, as a first start builds it."""
    out.mkdir(parents=True, exist_ok=True)
    path = db_path(out, events, years, seed)
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        info = json.loads(info_path.read_text())
        info["cached"] = True
    else:
        for old in out.glob(f"demo-{label(events)}-y{years}-s{seed}-*.*"):
            old.unlink()  # an older day's file: its latest week no longer matches the app's default week
        info = run_child("datasets", ["build", path, events or 0, years, seed], timeout=1800, log=log)
        info_path.write_text(json.dumps(info, indent=1))
        info["cached"] = False
    events = info["events"]
    info["file_bytes"] = path.stat().st_size
    info["file_mb"] = round(path.stat().st_size / 2**20, 1)
    info["mb_per_million_events"] = round(path.stat().st_size / 2**20 / (events / 1e6), 1) if events else None
    return path, info


def default_demo(out: Path, log: Path | None = None) -> tuple[Path, dict]:
    return demo_database(out, None, 2, SEED, log)


def _build(path: Path, events: int, years: int, seed: int) -> dict:
    from trygghet.core import clock
    from trygghet.demo.build import build_demo
    from trygghet.meeting import records as meetings
    from trygghet.store import access
    from trygghet.store.db import Database

    started = time.perf_counter()
    summary = build_demo(path, seed=seed, events=events or None, years=years)
    seconds = time.perf_counter() - started
    rss = peak_rss_mb()
    meeting = None
    try:  # the Möte page's agenda; a change in the meetings API must not stop the benchmarks
        meeting = meetings.create_meeting(Database(path), clock.today(), actor=access.COMMAND_LINE)
    except Exception as exc:  # reported, not fatal: a change in the meetings API must not stop the run
        meeting = f"no meeting: {type(exc).__name__}: {exc}"
    return {
        "events": summary.events,
        "years": years,
        "seed": seed,
        "start": summary.start.isoformat(),
        "end": summary.end.isoformat(),
        "districts": summary.districts,
        "interventions": summary.interventions,
        "generate_s": round(seconds, 2),
        "generate_peak_rss_mb": rss,
        "meeting": meeting,
    }


# ---------------------------------------------------------------- a real city's size

CITY_AREAS = ("Västerort", "Norrort", "Innerstaden", "Österort", "Hamnen", "Söderort", "Skogsbygden",
              "Sjöstaden", "Kvarnbyn", "Bergen")
_NAME_FIRST = ("Berg", "Sjö", "Lind", "Ek", "Björk", "Gran", "Ros", "Äng", "Strand", "Kvarn", "Mal", "Hög", "Lill",
               "Stor", "Fager")
_NAME_LAST = ("by", "dal", "näs", "vik", "holm", "torp", "hem", "lund", "sta", "ås")
CITY_GRID = (15, 10)  # columns × rows of square districts; an area is a block of 3 × 5 of them
CITY_CELL = (0.03, 0.015)  # degrees of longitude × latitude: about 1.7 km square at 59° N
CITY_ORIGIN = (17.75, 59.20)
CITY_SOURCES = ("Polisen", "Bostadsbolaget", "Fältassistenter", "Väktare", "Skolan")
LATE_SOURCE = "Skolan"  # begins reporting LATE_SOURCE_WEEKS before the end
LATE_SOURCE_WEEKS = 8
CITY_MUNICIPALITY = "Storstads kommun"


def city_districts(count: int = 150, areas: int = 10) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(name, area, (west, south, east, north)) per district, in display order: area by area, the
    districts of one area a contiguous block of the grid."""
    columns, rows = CITY_GRID
    if count > columns * rows or areas > len(CITY_AREAS):
        raise ValueError(f"at most {columns * rows} districts in at most {len(CITY_AREAS)} areas")
    block_columns = columns // 5
    found = []
    for k in range(count):
        row, column = divmod(k, columns)
        area = CITY_AREAS[(column // block_columns + 5 * (row // 5)) % areas]
        # 7 is prime to 150: every district gets another of the 150 names, neighbours unalike.
        first, last = divmod((k * 7) % (len(_NAME_FIRST) * len(_NAME_LAST)), len(_NAME_LAST))
        name = _NAME_FIRST[first] + _NAME_LAST[last]
        west, south = CITY_ORIGIN[0] + column * CITY_CELL[0], CITY_ORIGIN[1] + row * CITY_CELL[1]
        box = (west, south, west + CITY_CELL[0], south + CITY_CELL[1])
        found.append((name, area, tuple(round(v, 6) for v in box)))
    names = [n for n, _, _ in found]
    if len(set(names)) != len(names):
        raise AssertionError("the district names must be unique")
    order = {a: i for i, a in enumerate(CITY_AREAS)}
    return sorted(found, key=lambda d: (order[d[1]], d[0]))


def build_city(path: Path, *, events: int, districts: int = 150, areas: int = 10, seed: int = SEED,
               first_day: dt.date | None = None, end: dt.date | None = None) -> dict:
    """A fresh database of a city of `districts` districts in `areas` areas, with their boundaries and
    `events` events from `first_day` (default: 1 January two years before `end`) to `end` (today)."""
    import numpy as np
    import pyarrow as pa

    from trygghet.core import clock
    from trygghet.core import initial_lists as defaults
    from trygghet.store import db as store
    from trygghet.store import event_counts

    end = end or clock.today()
    first_day = first_day or dt.date(end.year - 2, 1, 1)
    rng = np.random.default_rng(seed)
    places = city_districts(districts, areas)
    path = Path(path)
    store.remove_database_files(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    database = store.Database(path)
    with database.write() as con:
        store.create_schema(con)
        store.seed_reference_lists(con)
        for name, area, _ in places:
            store.add_district(con, name, municipality=CITY_MUNICIPALITY, area=area)
        con.executemany("INSERT INTO district_geometries VALUES (?, ?, ?)", [
            (name, json.dumps({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}),
             dt.datetime.combine(end, dt.time(8)))
            for name, _, (w, s, e, n) in places])
        categories = [c for c, _, _ in defaults.CATEGORIES]
        days = (end - first_day).days + 1
        # Uneven, as a city is: a few districts with many events, many with few.
        district_weights = rng.lognormal(0.0, 1.0, len(places))
        category_weights = 1.0 / np.arange(1, len(categories) + 1) ** 0.7
        source_weights = np.array([0.4, 0.25, 0.15, 0.12, 0.08])
        district = rng.choice(len(places), events, p=district_weights / district_weights.sum())
        category = rng.choice(len(categories), events, p=category_weights / category_weights.sum())
        source = rng.choice(len(CITY_SOURCES), events, p=source_weights)
        day = rng.integers(0, days, events)
        late = (end - dt.timedelta(weeks=LATE_SOURCE_WEEKS) - first_day).days
        source[(source == CITY_SOURCES.index(LATE_SOURCE)) & (day < late)] = 0  # before it began: the police's
        minute = rng.integers(0, 24 * 60, events)
        known = rng.random(events) < 0.85
        minute[~known] = 0
        located = rng.random(events) < 0.7
        boxes = np.array([box for _, _, box in places])[district]
        lon = np.round(boxes[:, 0] + rng.random(events) * CITY_CELL[0], 6)
        lat = np.round(boxes[:, 1] + rng.random(events) * CITY_CELL[1], 6)
        epoch = int((dt.datetime.combine(first_day, dt.time(0)) - dt.datetime(1970, 1, 1)).total_seconds())

        def names(codes: np.ndarray, values: Sequence[str]) -> pa.DictionaryArray:
            return pa.DictionaryArray.from_arrays(codes.astype(np.int32), pa.array(list(values)))

        staged = pa.table({
            "id": pa.array(np.arange(1, events + 1, dtype=np.int64)),
            "occurred_at": pa.array(epoch + day.astype(np.int64) * 86_400 + minute.astype(np.int64) * 60,
                                    type=pa.timestamp("s")),
            "time_known": pa.array(known),
            "district": names(district, [n for n, _, _ in places]),
            "category": names(category, categories),
            "source": names(source, CITY_SOURCES),
            "lat": pa.array(lat, mask=~located),
            "lon": pa.array(lon, mask=~located),
        })
        con.register("city_staged", staged)
        try:
            con.execute(f"""
                INSERT INTO events
                SELECT id, occurred_at, time_known, district, NULL, category, NULL, source, external_id, lat, lon,
                       NULL, {store.DEDUP_KEY_SQL}
                FROM (SELECT id, occurred_at::TIMESTAMP AS occurred_at, time_known, district::VARCHAR AS district,
                             category::VARCHAR AS category, NULL::VARCHAR AS place, NULL::VARCHAR AS description,
                             source::VARCHAR AS source, 'S-' || id AS external_id, lat, lon
                      FROM city_staged)
            """)
        finally:
            con.unregister("city_staged")
        event_counts.rebuild(con)
        store.set_meta(con, "municipality", CITY_MUNICIPALITY)
        con.execute("UPDATE data_version SET version = 1, updated_at = ?", [dt.datetime.combine(end, dt.time(23, 59))])
    return {"events": events, "districts": len(places), "areas": areas, "start": first_day.isoformat(),
            "end": end.isoformat(), "seed": seed}


def city_path(out: Path, events: int, years: int, seed: int = SEED) -> Path:
    from trygghet.core import clock

    return out / f"city-{label(events)}-y{years}-s{seed}-{clock.today():%Y%m%d}-{schema_tag()}.duckdb"


def city_database(out: Path, events: int, years: int, seed: int = SEED, log: Path | None = None) -> tuple[Path, dict]:
    """The cached city database for this scale (built now when missing) and what its build measured."""
    out.mkdir(parents=True, exist_ok=True)
    path = city_path(out, events, years, seed)
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        info = json.loads(info_path.read_text())
        info["cached"] = True
    else:
        for old in out.glob(f"city-{label(events)}-y{years}-s{seed}-*.*"):
            old.unlink()
        info = run_child("datasets", ["city", path, events, years, seed], timeout=1800, log=log)
        info_path.write_text(json.dumps(info, indent=1))
        info["cached"] = False
    info["file_mb"] = round(path.stat().st_size / 2**20, 1)
    return path, info


def _build_city(path: Path, events: int, years: int, seed: int) -> dict:
    from trygghet.core import clock
    from trygghet.meeting import records as meetings
    from trygghet.store import access
    from trygghet.store.db import Database

    started = time.perf_counter()
    today = clock.today()
    info = build_city(path, events=events, seed=seed, first_day=dt.date(today.year - years, 1, 1), end=today)
    info["generate_s"] = round(time.perf_counter() - started, 2)
    info["generate_peak_rss_mb"] = peak_rss_mb()
    try:  # the Möte page's agenda, as for the demo databases
        info["meeting"] = meetings.create_meeting(Database(path), today, actor=access.COMMAND_LINE)
    except Exception as exc:  # reported, not fatal
        info["meeting"] = f"no meeting: {type(exc).__name__}: {exc}"
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=5, metavar=("build", "PATH", "EVENTS", "YEARS", "SEED"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--city", action="store_true", help="150 districts in 10 areas instead of the demo")
    args = parser.parse_args(argv)
    if args.child:
        kind, path, events, years, seed = args.child
        build = _build_city if kind == "city" else _build
        emit(build(Path(path), int(events), int(years), int(seed)))
        return
    if args.city:
        path, info = city_database(args.out, args.events, args.years)
    else:
        path, info = demo_database(args.out, args.events, args.years)
    print(path, json.dumps(info))


if __name__ == "__main__":
    main()
