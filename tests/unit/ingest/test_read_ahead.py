"""The import worker's read-ahead: a workbook checked and parsed before the worker has loaded the
rest of itself reads exactly as one read in order, a sheet that reaches too far is refused with
the same message, and what the read-ahead does not take on (a CSV, a small workbook, a zip bomb)
is left to the ordinary read and its messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from trygghet.core.config import Limits
from trygghet.ingest import reader
from trygghet.ingest.file_report import FileError


def _events(rows: int) -> list[list[object]]:
    return [["Datum", "Stadsdel", "Kategori"],
            *([dt.date(2026, 1, 1 + i % 28), f"Stadsdel {i % 7}", "Skadegörelse"] for i in range(rows))]


def _sheets(raw: reader.RawFile) -> list[tuple[str, int, list[list[object]]]]:
    return [(s.name, s.height, list(s.rows)) for s in raw.sheets]


def test_a_workbook_read_ahead_reads_as_one_read_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    path = tmp_path / "händelser.xlsx"
    path.write_bytes(make_xlsx({"Händelser": _events(500), "Insatser": [["Insats-ID", "Insats"], ["I-1", "Ljus"]]}))
    in_order = reader.read_file(path, path.name)
    monkeypatch.setattr(reader, "PREFETCH_BYTES", 0)
    reader.read_ahead(path, Limits())
    assert path.resolve() in reader._READ_AHEAD
    ahead = reader.read_file(path, path.name)
    assert _sheets(ahead) == _sheets(in_order)
    assert path.resolve() not in reader._READ_AHEAD  # taken once, by the read it was for


def test_a_sheet_that_reaches_too_far_is_refused_as_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    rows = _events(20)
    far = [None] * 11
    far[10] = "x"  # K300000: 3.3 million cells' rectangle for 64 filled ones
    rows += [[None] * 3 for _ in range(300_000 - len(rows) - 1)] + [far]
    path = tmp_path / "långt ut.xlsx"
    path.write_bytes(make_xlsx({"Händelser": rows}))
    with pytest.raises(FileError) as in_order:
        reader.read_file(path, path.name)
    monkeypatch.setattr(reader, "PREFETCH_BYTES", 0)
    reader.read_ahead(path, Limits())
    assert reader._READ_AHEAD[path.resolve()].refused is not None  # the count ran ahead, with the parse
    with pytest.raises(FileError) as ahead:
        reader.read_file(path, path.name)
    assert str(ahead.value) == str(in_order.value)
    assert "K300000" in str(ahead.value)


def test_what_the_read_ahead_does_not_take_on_is_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    small = tmp_path / "liten.xlsx"
    small.write_bytes(make_xlsx({"Händelser": _events(5)}))
    reader.read_ahead(small, Limits())  # below PREFETCH_BYTES: nothing to gain
    csv = tmp_path / "händelser.csv"
    csv.write_text("Datum;Stadsdel\n2026-01-01;Norrby\n", encoding="utf-8")
    monkeypatch.setattr(reader, "PREFETCH_BYTES", 0)
    reader.read_ahead(csv, Limits())
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(make_xlsx({"Händelser": _events(200)}))
    tight = dataclasses.replace(Limits(), max_uncompressed_bytes=1_000)
    reader.read_ahead(bomb, tight)
    assert reader._READ_AHEAD == {}
    with pytest.raises(FileError, match="zip-bomb"):
        reader.read_file(bomb, bomb.name, tight)
    assert reader.read_file(csv, csv.name).sheets[0].height == 2
