"""The reader's columns of codes: cells come back as they went in, booleans stay apart from 0 and 1,
a column whose values never repeat is kept as it is, rows of a CSV may differ in length, and a
workbook read with its first sheet parsed ahead gives the same sheets as one read in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from trygghet.ingest import reader
from trygghet.ingest.raw_sheet import DataRows, RawSheet, SheetBuilder


def test_cells_come_back_as_they_went_in_whatever_the_chunks() -> None:
    rows = [["Datum", "Antal", "Klar"], [dt.date(2026, 3, 1), 1.0, True], [dt.date(2026, 3, 2), 1, False],
            ["", 0.0, True], [None, 1.0, 1.0]]
    builder = SheetBuilder()
    for row in rows:  # one row per chunk: the codes must hold across chunks
        builder.add([row])
    sheet = builder.finish("Blad")
    assert sheet.rows == rows
    assert [type(v) for v in sheet.rows[1]] == [dt.date, float, bool]
    assert sheet.rows[3][2] is True and sheet.rows[4][2] == 1.0 and type(sheet.rows[4][2]) is float
    assert sheet.blank_rows().tolist() == [False, False, False, False, False]


def test_a_column_of_values_that_never_repeat_is_kept_as_it_is() -> None:
    ids = [[f"B-{i:06d}", "Norrby"] for i in range(5_000)]
    builder = SheetBuilder()
    for start in range(0, len(ids), 2_000):
        builder.add(ids[start:start + 2_000])
    sheet = builder.finish("Blad")
    assert sheet.rows == ids
    assert len(sheet.columns[1].uniques) == 1  # the district repeats: one value, a code per row
    assert len(sheet.columns[0].uniques) == 5_000


def test_short_rows_and_leading_empty_columns_are_filled_with_empty_cells() -> None:
    builder = SheetBuilder(leading_columns=2)
    builder.add([["a"], ["b", "c", "d"]])
    sheet = builder.finish("CSV")
    assert sheet.rows == [["", "", "a", "", ""], ["", "", "b", "c", "d"]]
    assert sheet.rows[-1] == ["", "", "b", "c", "d"] and sheet.rows[5:] == []
    with pytest.raises(IndexError):
        sheet.rows[2]


def test_blank_rows_and_data_rows_by_their_excel_numbers() -> None:
    sheet = RawSheet.from_rows("Blad", [["Rubrik", "X"], ["", "  "], [None, "värde"], ["\t", ""]])
    assert sheet.blank_rows().tolist() == [False, True, False, True]
    data = DataRows(sheet, np.flatnonzero(~sheet.blank_rows()))
    assert data.numbers.tolist() == [1, 3] and data[1] == (3, [None, "värde"])
    assert list(data) == [(1, ["Rubrik", "X"]), (3, [None, "värde"])]
    chosen, uniques = sheet.columns[1].subset(np.array([2]))
    assert [uniques[c] for c in chosen] == ["värde"] and uniques == ["värde"]


def test_a_workbook_read_with_its_first_sheet_parsed_ahead_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    path = tmp_path / "två blad.xlsx"
    path.write_bytes(make_xlsx({
        "Händelser": [["Datum", "Stadsdel"], *([dt.date(2026, 1, 1 + i % 28), "Norrby"] for i in range(300))],
        "Insatser": [["Insats-ID", "Insats"], ["I-1", "Belysning"]],
    }))
    in_order = reader.read_file(path, path.name)
    monkeypatch.setattr(reader, "PREFETCH_BYTES", 0)
    ahead = reader.read_file(path, path.name)
    assert [(s.name, s.height, list(s.rows)) for s in ahead.sheets] == \
           [(s.name, s.height, list(s.rows)) for s in in_order.sheets]
