"""The app's chart and table: plain text, a download of exactly what is shown, an accessible summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.ingest import excel_export as export
from trygghet.present import chart_style
from trygghet.present.chart_text import plain_figure
from trygghet.present.table_style import (
    date_only_columns,
    is_translated,
    missing_as_dash,
    translated_styler,
    translation,
)
from trygghet.ui.safe_text import plain

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


def chart(fig: go.Figure, name: str, summary: str | None = None,
          on_select: Callable[[], None] | None = None) -> None:
    """A chart with a PNG download in its toolbar and a text alternative for screen readers.

    Its names are made plain here, the last step before the browser, since pages still change a
    figure after style_figure. With `on_select`, a click on a point calls it; the clicked points are
    then in st.session_state[chart_key(name)]."""
    selection: dict[str, object] = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    st.plotly_chart(
        chart_style.fit_margins(plain_figure(fig)),
        width="stretch",
        config={
            "displaylogo": False,
            "locale": "sv",
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2, "width": 1600, "height": 900},
            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        },
        key=chart_key(name),
        **selection,  # type: ignore[arg-type]
    )
    if summary:
        # Summaries name districts, categories and interventions, and hold no Markdown of their own.
        st.caption(plain(summary))


def vega_chart(data: pd.DataFrame, spec: dict[str, object], summary: str | None = None) -> None:
    """A chart from trygghet.present.vega_specs, with the same text alternative as `chart`. Without a
    key and without `alt` (which the browser folds into the spec): Streamlit keeps the drawn chart while
    its spec is the same, and swaps in the new data."""
    st.vega_lite_chart(data, spec, width="stretch")
    if summary:
        st.caption(plain(summary))


def is_dark() -> bool:
    """True when the viewer has switched to the dark theme, where chart text must be light."""
    return st.context.theme.type == "dark"


def chart_key(name: str) -> str:
    return f"chart_{name}"


def _translated(styler: Styler) -> Styler:
    """`styler` with its look worked out here once, leaving Streamlit only the cells whose text differs."""
    if is_translated(styler):
        return styler
    sent = translated_styler(styler.data, translation(styler))
    sent.set_uuid(styler.uuid)
    sent.caption = styler.caption
    return sent


def table(frame: pd.DataFrame, name: str, styler: Styler | None = None, **kwargs: object) -> None:
    """A table with an Excel download of exactly what is shown."""
    config = {c: st.column_config.DateColumn(format="YYYY-MM-DD") for c in date_only_columns(frame)}
    if styler is not None:
        # pandas gives every Styler a random id, which made the browser redraw an unchanged table on
        # every rerun; the table's name is unique on its page and stays the same.
        styler.set_uuid(re.sub(r"\W", "_", name, flags=re.ASCII))
        # Text now, but still numbers to read: aligned as the numbers around them.
        config.update({c: st.column_config.TextColumn(alignment="right") for c in missing_as_dash(styler)})
        styler = _translated(styler)
    config.update(kwargs.pop("column_config", None) or {})  # type: ignore[arg-type]
    st.dataframe(styler if styler is not None else frame, hide_index=True, width="stretch",
                 column_config=config or None, **kwargs)
    if not frame.empty:
        st.download_button(
            "Ladda ned som Excel",
            # Written when the button is clicked, not on every rerun of the page.
            lambda: export.frames_to_xlsx({name[:31]: frame}),
            on_click="ignore",
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key=f"xlsx_{name}",
        )
