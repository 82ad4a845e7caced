"""Streamlit building blocks shared by the pages: the database handle, banners, formatting."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import export, history, privacy
from .chart_text import plain_figure
from .db import Database, damage_message, resolve_db_path
from .formatting import MISSING
from .periods import MONTHS_SHORT_SV
from .text import md_literal

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

_build_lock = threading.Lock()
log = logging.getLogger("trygghet")
# The app's own log and Streamlit's report of an uncaught exception, whose traceback may quote user text.
privacy.guard_logs("trygghet", "streamlit.error_util", "streamlit.runtime.scriptrunner.script_runner")


@st.cache_data(show_spinner=False, max_entries=4)
def _damage(path: str, token: tuple[int, int, int]) -> str | None:
    return damage_message(Database(Path(path)))


RESTORE_COMMAND = "python -m trygghet restore --latest"


def database() -> Database:
    """The app's database; a first start builds the demo database so there is something to show.
    A damaged file stops the page with the way back, never a traceback."""
    db = Database(resolve_db_path())
    if db.exists():
        problem = _damage(str(db.path), db.change_token())
        if problem:
            st.error(plain(problem), icon=":material/warning:")
            # The way back in a code block too: the escaped message cannot be copied into a terminal as is.
            st.code(RESTORE_COMMAND, language="bash")
            st.stop()
        _upgrade(str(db.path), db.change_token())
        return db
    with _build_lock:
        if not db.exists():
            _build_demo(db.path)
    return db


@st.cache_resource(show_spinner=False, max_entries=4)
def _upgrade(path: str, token: tuple[int, int, int]) -> None:
    from . import counts

    with _build_lock, st.spinner("Databasen uppgraderas till den här versionen av appen (en gång) …"):
        counts.upgrade(Database(Path(path)))


def _build_demo(path: Path) -> None:
    from .demo import build_demo

    with st.spinner("Ingen databas hittades – bygger demodatabasen (tar några sekunder) …"):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.bygger")
        build_demo(tmp)
        os.replace(tmp, path)


@st.cache_data(show_spinner=False, ttl=60)
def _status(path: str, token: tuple[int, int, int]) -> dict[str, object]:
    return history.database_status(Database(Path(path)))


def status(db: Database) -> dict[str, object]:
    """Demo flag and data version, re-read only when the file has changed."""
    return _status(str(db.path), db.change_token())


def banners(db: Database) -> None:
    info = status(db)
    if info["is_demo"]:
        st.info(
            "**Demodata** – en påhittad kommun (Solvik). Siffrorna är genererade och gäller ingen verklig plats.",
            icon=":material/science:",
        )


def footer(db: Database) -> None:
    info = status(db)
    updated = info["updated_at"]
    when = updated.strftime("%Y-%m-%d %H:%M") if updated is not None else "–"
    st.caption(f"Senast uppdaterad {when} · dataversion {info['version']}")


# ---------------------------------------------------------------- cached queries


@st.cache_data(max_entries=1024, show_spinner=False)
def _run_query(module: str, name: str, path: str, version: int, args: tuple[object, ...]) -> object:
    import importlib

    fn = getattr(importlib.import_module(module), name)
    with Database(Path(path)).read() as con:
        return fn(con, *args)


def query(fn: object, db: Database, *args: object) -> object:
    """Runs `fn(con, *args)` once per data version and arguments; a new upload makes a new version."""
    version = int(status(db)["version"])
    return _run_query(fn.__module__, fn.__name__, str(db.path), version, args)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- charts and tables

CHART_FONT = 18  # px; nothing on a chart is below 16 px on a 1920×1080 projector


_CHART_LAYOUT = {
    "font": {"size": CHART_FONT},
    "legend": {"font": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT - 2}}},
    "hoverlabel": {"font": {"size": CHART_FONT - 2}},
    "separators": ", ",
}
_CHART_AXES = {
    "xaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}},
    "yaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}, "separatethousands": True},
}


def _merged(base: dict[str, object], over: dict[str, object]) -> dict[str, object]:
    """`base` with `over` written into it, nested dicts merged key by key (as Plotly's update does)."""
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        out[key] = _merged(below, value) if isinstance(value, dict) and isinstance(below, dict) else value
    return out


def style_figure(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    """The app's type sizes, margins and height, written over what the figure set (every axis too).

    The layout is merged as plain data and set in one assignment: Plotly's update_layout,
    update_xaxes and update_yaxes cost 15–25 ms a chart in their relayout machinery, a third of a
    filter change on a page with eight charts. The figure's template (Streamlit's, whose colour
    placeholders the browser swaps for the theme's) is the default again after the assignment.
    """
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    styled = _merged(layout, _CHART_LAYOUT)
    for key in {"xaxis", "yaxis", *layout}:
        if key.startswith(("xaxis", "yaxis")):
            styled[key] = _merged(styled.get(key) or {}, _CHART_AXES[key[:5]])
    styled = _merged(styled, {"margin": {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10}, "height": height})
    # As update_layout(title=None) did: a chart's title is the one given here, or none (the page's
    # heading and the summary under the chart say what it shows).
    styled.pop("title", None)
    if title:
        styled["title"] = _merged(layout.get("title") or {}, {"text": title, "font": {"size": CHART_FONT + 4}})
    fig.layout = styled
    return fig


def chart(fig: go.Figure, name: str, summary: str | None = None) -> None:
    """A chart with a PNG download in its toolbar and a text alternative for screen readers.

    Its names are made plain here, the last step before the browser, since pages still change a
    figure after style_figure."""
    st.plotly_chart(
        plain_figure(fig),
        width="stretch",
        config={
            "displaylogo": False,
            "locale": "sv",
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2, "width": 1600, "height": 900},
            "modeBarButtonsToRemove": ["select2d", "lasso2d"],
        },
        key=f"chart_{name}",
    )
    if summary:
        # Summaries name districts, categories and interventions, and hold no Markdown of their own.
        st.caption(plain(summary))


# Cell highlights that stay readable in both themes: the text colour is set with the fill.
FLAG_STYLES = {
    "upp": "background-color: #F4C7A1; color: #111111; font-weight: 700",
    "ned": "background-color: #B8D8EE; color: #111111; font-weight: 700",
}


def flag_styler(frame: pd.DataFrame, flags: pd.DataFrame, styles: dict[str, str] = FLAG_STYLES) -> Styler:
    """`frame` with each cell filled by its flag in `flags` (same shape: 'upp', 'ned' or '')."""
    return frame.style.apply(lambda _: flags.map(lambda f: styles.get(f, "")), axis=None)


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
    """Puts MISSING in place of NaN in the styled copy of a table; returns the columns changed.

    The data grid shows a null cell as a grey "None" whatever the Styler formats for it, which on
    the wall reads as an error. The table's own frame (the Excel download) keeps its empty cells.
    """
    data = styler.data
    gaps = [c for c in data.columns if pd.api.types.is_float_dtype(data[c]) and bool(data[c].isna().any())]
    if gaps:
        data = data.copy()
        for column in gaps:
            data[column] = data[column].astype(object).where(data[column].notna(), MISSING)
        styler.data = data
    return gaps


def table(frame: pd.DataFrame, name: str, styler: Styler | None = None, **kwargs: object) -> None:
    """A table with an Excel download of exactly what is shown."""
    config = {c: st.column_config.DateColumn(format="YYYY-MM-DD") for c in date_only_columns(frame)}
    if styler is not None:
        # Text now, but still numbers to read: aligned as the numbers around them.
        config.update({c: st.column_config.TextColumn(alignment="right") for c in missing_as_dash(styler)})
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


@st.fragment(run_every=30)
def watch_for_new_data(db: Database, seen_version: int) -> None:
    """Reruns the page when an upload elsewhere (another browser, the CLI) has changed the data."""
    if int(status(db)["version"]) != seen_version:
        st.rerun(scope="app")


def swedish_month_axis(fig: go.Figure, start: dt.date, end: dt.date, **selector: object) -> None:
    """Month ticks with Swedish names ('jan 2025'); Plotly's own locale files are not loaded offline."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 12)
    ticks = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if (month - 1) % step == 0:
            ticks.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    fig.update_xaxes(
        tickvals=ticks,
        ticktext=[f"{MONTHS_SHORT_SV[d.month - 1]} {d.year}" if d.month == 1 or i == 0 else MONTHS_SHORT_SV[d.month - 1]
                  for i, d in enumerate(ticks)],
        **selector,
    )


def run_page(navigation: object) -> None:
    """Runs the chosen page; an unexpected error becomes a calm Swedish message, never a traceback.

    TRYGGHET_RAISE_ERRORS=1 lets the error through, so that tests see it.
    """
    try:
        navigation.run()  # type: ignore[attr-defined]
    except Exception:
        if os.environ.get("TRYGGHET_RAISE_ERRORS") == "1":
            raise
        log.exception("Sidan kunde inte visas")
        st.error(
            "Något gick fel när sidan skulle visas. Felet är loggat för den som förvaltar appen. "
            "Ladda om sidan eller välj en annan sida; data i databasen påverkas inte.",
            icon=":material/error:",
        )


def plain(text: object) -> str:
    """User or data text inside any Markdown Streamlit renders (st.markdown, captions, headings,
    alerts, toasts, widget labels, pills and radio options, st.table cells): shown as typed."""
    return md_literal(text)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.table, which reads every cell as Markdown (st.dataframe reads none). The
    headers are the app's own and stay as they are, so that a Styler's labels still match."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    return out
