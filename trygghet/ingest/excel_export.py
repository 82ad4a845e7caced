"""Excel files for download, written so that no cell can run as a formula (CWE-1236)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from trygghet.store.db import Database

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_ERROR_FILL = PatternFill("solid", fgColor="FCE4E4")


def neutralise(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def as_text(cell: Cell) -> Cell:
    """A cell whose value is already set, made safe: text that a spreadsheet would run as a formula
    (OWASP's list: = + - @ tab CR) gets its apostrophe, and all text is typed as text, since openpyxl
    stores any text beginning with '=' as a formula. Numbers, dates and empty cells stay as they are.
    Every workbook the app writes (downloads, rejected rows, the template) goes through here."""
    if isinstance(cell.value, str):
        cell.value = neutralise(cell.value)
        cell.data_type = "s"
    return cell


def put(ws: Worksheet, row: int, column: int, value: object = None) -> Cell:
    """ws.cell(row, column, value) written through as_text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    return as_text(cell)


def _write_rows(ws, header: list[str], rows: Iterable[list[object]]) -> None:  # type: ignore[no-untyped-def]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for row in rows:
        ws.append(list(row))
    for cell_row in ws.iter_rows():
        for cell in cell_row:
            as_text(cell)
    for index, title in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(60, max(10, len(str(title)) + 4))
    ws.freeze_panes = "A2"


def frames_to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """Tables as an .xlsx file, one sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in frames.items():
        ws = wb.create_sheet(_sheet_title(title))
        rows = [[_cell(v) for v in record] for record in frame.itertuples(index=False, name=None)]
        _write_rows(ws, [str(c) for c in frame.columns], rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in title).strip("'")
    return (cleaned or "Blad")[:31]


_EXCEL_CELL_MAX = 32_767  # characters; Excel refuses to open a file with a longer cell


def _readable(value: object) -> object:
    """A value kept from a rejected row as one cell: nested JSON (the police feed's `location`
    object) as JSON text, and text without the control characters openpyxl refuses to write."""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:_EXCEL_CELL_MAX]
    return value


def rejected_rows_xlsx(db: Database, upload_id: int) -> bytes | None:
    """The rejected rows of an upload as they were, plus a column 'Fel', one sheet per original sheet.

    The user corrects the rows and uploads this file again as it is.
    """
    with db.read() as con:
        records = con.execute(
            """SELECT sheet, row_number, string_agg(
                   CASE WHEN column_name IS NULL THEN reason ELSE column_name || ': ' || reason END, ' | '
                   ORDER BY column_name) AS fel, any_value(original_values)
               FROM rejected_rows WHERE upload_id = ?
               GROUP BY sheet, row_number ORDER BY sheet, row_number""",
            [upload_id],
        ).fetchall()
    if not records:
        return None
    wb = Workbook()
    wb.remove(wb.active)
    by_sheet: dict[str, list[tuple[int, str, dict[str, object]]]] = {}
    for sheet, row_number, fel, original in records:
        values = json.loads(original or "{}")
        by_sheet.setdefault(sheet, []).append(
            (row_number, str(_readable(fel)), {str(_readable(k)): _readable(v) for k, v in values.items()}))
    for sheet, rows in by_sheet.items():
        header: list[str] = []
        for _, _, original in rows:
            header.extend(k for k in original if k not in header)
        ws = wb.create_sheet(_sheet_title(sheet))
        _write_rows(
            ws,
            [*header, "Fel", "Rad i originalfilen"],
            ([*(original.get(h) for h in header), fel, row_number] for row_number, fel, original in rows),
        )
        fel_column = len(header) + 1
        for row in ws.iter_rows(min_row=2, min_col=fel_column, max_col=fel_column):
            row[0].fill = _ERROR_FILL
        ws.column_dimensions[get_column_letter(fel_column)].width = 70
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
