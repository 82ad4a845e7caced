"""How a display table looks: flagged cells, whole-day dates, a dash for a missing value, and the
height that shows every row."""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet.core.formatting import MISSING

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


# Cell highlights that stay readable in both themes: the text colour is set with the fill.
FLAG_STYLES = {
    "upp": "background-color: #F4C7A1; color: #111111; font-weight: 700",
    "ned": "background-color: #B8D8EE; color: #111111; font-weight: 700",
}


def fill_styler(frame: pd.DataFrame, css: list[list[str]]) -> Styler:
    """`frame` with each cell styled by its CSS in `css` (one list per row, '' for none).

    The styles are worked out before, in plain lists: the Styler runs its function on every rerun, and
    pandas' per-cell map or row-wise apply cost more than the table's drawing."""
    styles = np.array(css, dtype=object).reshape(frame.shape)
    return frame.style.apply(lambda _: styles, axis=None)


def flag_styler(frame: pd.DataFrame, flags: pd.DataFrame, styles: dict[str, str] = FLAG_STYLES) -> Styler:
    """`frame` with each cell filled by its flag in `flags` (same shape: 'upp', 'ned' or '')."""
    return fill_styler(frame, [[styles.get(f, "") for f in row] for row in flags.to_numpy().tolist()])


def row_styler(frame: pd.DataFrame, marked: list[bool], style: str) -> Styler:
    """`frame` with every cell of the rows marked True styled by `style`."""
    return fill_styler(frame, [[style if mark else ""] * frame.shape[1] for mark in marked])


Translation = dict[str, Any]


def translation(styler: Styler) -> Translation:
    """What the data grid takes from a Styler, worked out here: the cells' CSS rules, grouped as pandas
    groups them, and the cells whose shown text is not the plain text of their value.

    Streamlit asks pandas for the whole HTML rendering (headers, every cell's element) to read these
    two, and then writes every cell that has an id into its text one column at a time into a pyarrow
    string column: together most of a table's server time per rerun. Nearly every cell here is shown
    as the text it already holds (the tables hold their display strings) and is left out. A Styler
    using what this does not cover (table styles, hidden rows or columns, tooltips, concatenation)
    is rendered by pandas as before."""
    styler._compute()
    if styler.table_styles or styler.hidden_rows or styler.hidden_columns or styler.tooltips or \
            styler.concatenated:
        return _trimmed(styler._translate(False, False), styler.data.astype(str))
    row, col = styler.css["row"], styler.css["col"]
    ctx = styler.ctx
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for (r, c) in sorted(key for key, props in ctx.items() if props):
        groups.setdefault(tuple(ctx[r, c]), []).append(f"{row}{r}_{col}{c}")
    formatters = styler._display_funcs
    text = styler.data.astype(str)
    body: list[list[dict[str, Any]]] = [[] for _ in range(len(styler.data))]
    for c in range(styler.data.shape[1]):
        shown_as_is = text.iloc[:, c].tolist()
        for r, value in enumerate(styler.data.iloc[:, c].tolist()):
            shown = formatters[(r, c)](value)
            if isinstance(shown, Enum) or str(shown) != shown_as_is[r]:
                body[r].append({"id": f"{row}{r}_{col}{c}", "display_value": shown})
    cellstyle = [{"props": list(props), "selectors": cells} for props, cells in groups.items()]
    return {"table_styles": [], "cellstyle": cellstyle, "body": body}


def _trimmed(translated: dict[str, Any], text: pd.DataFrame) -> Translation:
    """pandas' rendering cut down to what the data grid takes (see translation)."""
    body = []
    for cells in translated.get("body", []):
        kept = []
        for cell in cells:
            match = _CELL_ID.match(str(cell.get("id") or ""))
            if match is None:
                continue
            shown = cell.get("display_value")
            if isinstance(shown, Enum) or str(shown) != text.iat[int(match[1]), int(match[2])]:
                kept.append({"id": cell["id"], "display_value": shown})
        body.append(kept)
    return {"table_styles": translated.get("table_styles", []), "cellstyle": translated.get("cellstyle", []),
            "body": body}


_CELL_ID = re.compile(r"row(\d+)_col(\d+)")


def translated_styler(frame: pd.DataFrame, translated: Translation) -> Styler:
    """A Styler of `frame` that hands Streamlit `translated` (see translation) instead of working it out
    again: for a table whose look was worked out before, e.g. once per data version."""
    styler = frame.style
    # Streamlit checks for pandas' Styler by its exact type, so the instance is told, not subclassed.
    styler._compute = lambda: styler  # type: ignore[method-assign]
    styler._translate = lambda *_args, **_kwargs: translated  # type: ignore[method-assign]
    return styler


def is_translated(styler: Styler) -> bool:
    return "_translate" in vars(styler)


ROW_PX = 42


def table_height(rows: int) -> int:
    """Pixels for a dataframe that shows every row (and the header) without an inner scroll bar.

    The grid's rows are 42 px high at the theme's 19 px base font (.streamlit/config.toml), measured
    in Chromium at 1920×1080 and 1280×720; the 3 px are the frame's border.
    """
    return 3 + ROW_PX * (rows + 1)


def date_only_columns(frame: pd.DataFrame) -> list[str]:
    """Timestamp columns that hold whole days only (DuckDB's DATE arrives in pandas as a timestamp),
    to be shown as 2026-11-16 rather than 2026-11-16 00:00:00."""
    columns = []
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            known = values.dropna()
            if (known == known.dt.normalize()).all():
                columns.append(name)
    return columns


def missing_as_dash(styler: Styler) -> list[str]:
    """Shows MISSING in place of NaN in the styled copy of a table; returns the columns changed.

    The data grid shows a null cell as a grey "None" whatever the Styler formats for it, which on
    the wall reads as an error. Such a column becomes the text the Styler would show, formatted
    here, so that it is text throughout: numbers and a dash in one column cannot go to the browser
    (Arrow) as they are. The table's own frame (the Excel download) keeps its numbers and empty cells.
    """
    data = styler.data
    gaps = [c for c in data.columns if pd.api.types.is_float_dtype(data[c]) and bool(data[c].isna().any())]
    if gaps:
        data = data.copy()
        # pandas keeps each cell's formatter by position; there is no public way to ask for one.
        formatters = styler._display_funcs  # type: ignore[attr-defined]
        for column in gaps:
            j = data.columns.get_loc(column)
            data[column] = pd.Series(
                [MISSING if pd.isna(v) else str(formatters[(i, j)](v)) for i, v in enumerate(data[column].tolist())],
                index=data.index, dtype=object)
        styler.data = data
        styler.format(None, subset=gaps)  # already formatted: shown as the text it is
    return gaps
