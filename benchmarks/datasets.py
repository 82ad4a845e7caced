"""Demo databases at a given scale, built once by the app's own generator and kept in the out folder.

    python -m benchmarks.datasets --events 1000000 [--years 2] [--out DIR]

Each database is `trygghet.demo.build.build_demo(path, seed=, events=N, years=)` ending today (so the
sidebar's default week has data), plus one meeting held today, so that the Möte page has an
agenda to show and not only its empty form. The build runs in a child process so that its time
and peak memory are its own; both are kept beside the file (`<name>.json`) so a cached database
still reports how long it took to generate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import time
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=5, metavar=("build", "PATH", "EVENTS", "YEARS", "SEED"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.child:
        _, path, events, years, seed = args.child
        emit(_build(Path(path), int(events), int(years), int(seed)))
        return
    path, info = demo_database(args.out, args.events, args.years)
    print(path, json.dumps(info))


if __name__ == "__main__":
    main()
