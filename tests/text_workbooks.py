"""Workbooks whose text cells are typed as text, as a user's Excel file holds what is typed after an
apostrophe: formula-like names arrive as text, never as formulas. Shared by unit and browser tests."""

from __future__ import annotations

import io

import openpyxl


def text_workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """{sheet title: rows} in order, rows[0] being Excel row 1; every str cell stored as text."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
