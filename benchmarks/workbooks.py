"""Realistic Händelser workbooks of a given size, written once and kept in benchmarks/out/."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from trygghet.core.initial_lists import CATEGORIES

OUT = Path(__file__).resolve().parent / "out"
DISTRICTS = ["Centrum", "Hamnen", "Norrby", "Söderby", "Björkdalen", "Ekbacken", "Granlunda", "Hagaberg", "Lindö",
             "Strandviken"]
SOURCES = ["Polisen", "Solviksbostäder", "Fastighetsskötare", "Fritid/fältare", "Skola", "Räddningstjänsten"]
EXCEL_MAX_ROWS = 1_048_576  # rows in one sheet, the header included
HEADERS = ["Datum", "Tid", "Stadsdel", "Plats", "Kategori", "Beskrivning", "Källa", "Händelse-ID", "Latitud", "Longitud"]


def events_workbook(rows: int, seed: int = 1, out: Path | None = None) -> Path:
    """A single-sheet xlsx with `rows` event rows under one header row, as a partner's weekly export
    would look. Written once (a million rows take openpyxl minutes) and reused."""
    out = out or OUT
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"handelser-{rows}.xlsx"
    if path.exists():
        return path
    if rows + 1 > EXCEL_MAX_ROWS:
        raise ValueError(f"an Excel sheet holds at most {EXCEL_MAX_ROWS:,} rows including the header")
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    days = rng.integers(0, 700, rows)
    minutes = rng.integers(0, 1440, rows)
    district = rng.integers(0, len(DISTRICTS), rows)
    category = rng.integers(0, len(CATEGORIES), rows)
    source = rng.integers(0, len(SOURCES), rows)
    street = rng.integers(1, 60, rows)
    lat = 58.30 + rng.random(rows) / 10
    lon = 12.25 + rng.random(rows) / 10
    has_coordinates = rng.random(rows) < 0.6
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Händelser")
    ws.append(HEADERS)
    dates = [start + dt.timedelta(days=int(d)) for d in range(700)]
    times = [dt.time(m // 60, m % 60) for m in range(1440)]
    for i in range(rows):
        coordinates = (float(lat[i]), float(lon[i])) if has_coordinates[i] else (None, None)
        ws.append([
            dates[days[i]], times[minutes[i]], DISTRICTS[district[i]], f"{DISTRICTS[district[i]]}vägen {street[i]}",
            CATEGORIES[category[i]][0], f"Rapport {i % 997} om {CATEGORIES[category[i]][0].lower()}",
            SOURCES[source[i]], f"B-{i:07d}", *coordinates,
        ])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps({"rows": rows, "generate_s": round(time.perf_counter() - started, 1)}))
    return path


def generation_seconds(path: Path) -> float | None:
    """How long openpyxl took to write a cached workbook, when that was recorded."""
    try:
        return json.loads(path.with_suffix(".json").read_text())["generate_s"]
    except (OSError, ValueError, KeyError):
        return None
