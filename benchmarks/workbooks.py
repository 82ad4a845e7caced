"""Realistic Händelser workbooks of a given size, written once and kept in benchmarks/out/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from trygghet.defaults import CATEGORIES

OUT = Path(__file__).resolve().parent / "out"
DISTRICTS = ["Centrum", "Hamnen", "Norrby", "Söderby", "Björkdalen", "Ekbacken", "Granlunda", "Hagaberg", "Lindö",
             "Strandviken"]
SOURCES = ["Polisen", "Solviksbostäder", "Fastighetsskötare", "Fritid/fältare", "Skola", "Räddningstjänsten"]
HEADERS = ["Datum", "Tid", "Stadsdel", "Plats", "Kategori", "Beskrivning", "Källa", "Händelse-ID", "Latitud", "Longitud"]


def events_workbook(rows: int, seed: int = 1) -> Path:
    """A single-sheet xlsx with `rows` event rows, as a partner's weekly export would look."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"handelser-{rows}.xlsx"
    if path.exists():
        return path
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
    return path
