"""A sheet's cells as the reader hands them on: column by column, each distinct value once.

A sheet of a million rows holds ten million cells, and as Python lists of lists they take
gigabytes. Here every column keeps its distinct values once and a 32-bit code per row, built in
chunks of rows as the reader goes, so a full sheet fits in a few hundred megabytes and the
validation parses each distinct value once (trygghet.ingest.validate). Rows are put together again
only where someone asks for them: the header search, a rejected row's original cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

CODE = np.int32
# Booleans hash and compare like 0 and 1; their keys carry this marker so that True is not read as 1.
_BOOL = object()


@dataclass
class RawColumn:
    codes: np.ndarray  # CODE, one per row of the sheet
    uniques: list[object]  # the distinct values; uniques[codes[i]] is the cell in row i

    def subset(self, rows: np.ndarray) -> tuple[np.ndarray, list[object]]:
        """The codes of the chosen rows and only the distinct values those rows hold."""
        codes = self.codes[rows]
        used = np.bincount(codes, minlength=len(self.uniques)) > 0 if len(codes) else np.zeros(0, dtype=bool)
        if used.all() and len(used) == len(self.uniques):
            return codes, self.uniques
        kept = np.flatnonzero(used)
        renumber = np.zeros(len(self.uniques), dtype=CODE)
        renumber[kept] = np.arange(len(kept), dtype=CODE)
        return renumber[codes], [self.uniques[i] for i in kept.tolist()]

    def value(self, row: int) -> object:
        return self.uniques[self.codes[row]]

    def values(self, start: int = 0, stop: int | None = None) -> list[object]:
        uniques = self.uniques
        return [uniques[c] for c in self.codes[start:stop].tolist()]


@dataclass
class RawSheet:
    name: str
    columns: list[RawColumn] = field(default_factory=list)
    height: int = 0  # rows, the first being Excel row 1
    visible: bool = True
    index: int = 0
    _blank: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def rows(self) -> Rows:
        """The rows as lists, put together when read: rows[i] is Excel row i + 1."""
        return Rows(self)

    def row(self, index: int) -> list[object]:
        return [column.value(index) for column in self.columns]

    def blank_rows(self) -> np.ndarray:
        """True for every row whose cells are all empty, blank or only spaces."""
        if self._blank is None or len(self._blank) != self.height:
            blank = np.ones(self.height, dtype=bool)
            for column in self.columns:
                per_value = np.zeros(len(column.uniques), dtype=bool)
                per_value[[i for i, v in enumerate(column.uniques) if v is None or v == ""
                           or (type(v) is str and v.isspace())]] = True
                if not per_value.all():
                    blank &= per_value[column.codes]
            self._blank = blank
        return self._blank

    def is_empty(self) -> bool:
        return bool(self.blank_rows().all())

    @staticmethod
    def from_rows(name: str, rows: Iterable[list[object]], visible: bool = True, index: int = 0) -> RawSheet:
        builder = SheetBuilder()
        builder.add(list(rows))
        return builder.finish(name, visible, index)


class Rows(Sequence[list[object]]):
    """A read-only view of a RawSheet's rows."""

    def __init__(self, sheet: RawSheet) -> None:
        self.sheet = sheet

    def __len__(self) -> int:
        return self.sheet.height

    @overload
    def __getitem__(self, index: int) -> list[object]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[object]]: ...

    def __getitem__(self, index: int | slice) -> list[object] | list[list[object]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.sheet.height)
            if step != 1:
                return [self.sheet.row(i) for i in range(start, stop, step)]
            if stop <= start:
                return []
            columns = [column.values(start, stop) for column in self.sheet.columns]
            return [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(stop - start)]
        if index < 0:
            index += self.sheet.height
        if not 0 <= index < self.sheet.height:
            raise IndexError(index)
        return self.sheet.row(index)

    def __iter__(self) -> Iterator[list[object]]:
        for start in range(0, self.sheet.height, 4096):
            yield from self[start:start + 4096]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class DataRows(Sequence[tuple[int, list[object]]]):
    """The rows of a sheet that hold data, as (Excel row number, cells); the cells are put together
    only for the rows someone looks at (a rejected row, a record of a small sheet)."""

    def __init__(self, sheet: RawSheet, positions: np.ndarray) -> None:
        self.sheet = sheet
        self.positions = positions.astype(np.int64, copy=False)

    @property
    def numbers(self) -> np.ndarray:
        """Every data row's Excel row number."""
        return self.positions + 1

    def number(self, index: int) -> int:
        return int(self.positions[index]) + 1

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, index: int) -> tuple[int, list[object]]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, list[object]]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, list[object]] | list[tuple[int, list[object]]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = int(self.positions[index])
        return position + 1, self.sheet.row(position)

    def __iter__(self) -> Iterator[tuple[int, list[object]]]:
        columns = self.sheet.columns
        for start in range(0, len(self.positions), 4096):
            chosen = self.positions[start:start + 4096]
            cells = [[c.uniques[k] for k in c.codes[chosen].tolist()] for c in columns]
            rows = zip(*cells, strict=True) if cells else ([] for _ in chosen)
            yield from zip((chosen + 1).tolist(), map(list, rows), strict=True)


class SheetBuilder:
    """Collects rows chunk by chunk into columns of codes. Rows may differ in length (a CSV's do):
    the missing cells are empty strings, as the workbook reader gives empty cells. `leading_columns`
    empty columns go first: the workbook reader's row iterator leaves out the empty columns before
    a sheet's first filled one, and positions must stay as in Excel."""

    def __init__(self, leading_columns: int = 0) -> None:
        self.height = 0
        self._columns: list[_ColumnBuilder] = [_ColumnBuilder(0) for _ in range(leading_columns)]
        self._leading = leading_columns

    def add(self, chunk: list[list[object]]) -> None:
        if not chunk:
            return
        width = max(map(len, chunk))
        if width and min(map(len, chunk)) != width:
            chunk = [row if len(row) == width else [*row, *([""] * (width - len(row)))] for row in chunk]
        given = self._columns[self._leading:]
        for _ in range(len(given), width):
            self._columns.append(_ColumnBuilder(self.height))
        columns = list(zip(*chunk, strict=True)) if width else []
        for index, builder in enumerate(self._columns):
            if index < self._leading:
                builder.add_blank(len(chunk))
                continue
            position = index - self._leading
            if position < width:
                builder.add(columns[position])
            else:
                builder.add_blank(len(chunk))
        self.height += len(chunk)

    def finish(self, name: str, visible: bool = True, index: int = 0) -> RawSheet:
        return RawSheet(name, [builder.finish(self.height) for builder in self._columns], self.height, visible, index)


class _ColumnBuilder:
    """One column's codes, a chunk at a time. A column whose values hardly repeat (ids, coordinates)
    is kept as it is once a chunk shows that: a code per value, the values themselves as the
    "distinct" ones, since looking each one up would cost time and a dictionary entry per row and
    save nothing. Distinct values may then repeat among the uniques; that is allowed."""

    def __init__(self, filled: int) -> None:
        self.index: dict[object, int] = {}
        self.parts: list[np.ndarray] = []
        self.dense: list[object] | None = None
        if filled:
            self.add_blank(filled)

    def add_blank(self, count: int) -> None:
        if self.dense is not None:
            self._add_dense([""] * count)
            return
        code = self.index.setdefault("", len(self.index))
        self.parts.append(np.full(count, code, dtype=CODE))

    def add(self, values: Sequence[object]) -> None:
        if self.dense is not None:
            self._add_dense(values)
            return
        index = self.index
        before = len(index)
        codes = [index.setdefault(v, len(index)) for v in values]
        # True and 1 (and False and 0) share a key: only a column with one of them needs the slow look.
        if (True in index or False in index) and bool in set(map(type, values)):
            while len(index) > before:  # forget this chunk's new keys and code it again, booleans apart
                index.popitem()
            codes = [index.setdefault((_BOOL, v) if type(v) is bool else v, len(index)) for v in values]
        self.parts.append(np.array(codes, dtype=CODE))
        if len(values) >= 1024 and len(index) - before > len(values) // 2:
            self.dense = []

    def _add_dense(self, values: Sequence[object]) -> None:
        assert self.dense is not None
        first = len(self.index) + len(self.dense)
        self.dense.extend(values)
        self.parts.append(np.arange(first, first + len(values), dtype=CODE))

    def finish(self, height: int) -> RawColumn:
        codes = np.concatenate(self.parts) if self.parts else np.zeros(height, dtype=CODE)
        uniques = [k[1] if type(k) is tuple and len(k) == 2 and k[0] is _BOOL else k for k in self.index]
        if self.dense is not None:
            uniques.extend(self.dense)
        self.index.clear()
        self.parts.clear()
        self.dense = None
        return RawColumn(codes, uniques)
