"""Small pieces the Möte page's views and forms share: read-only tables that grow with the page in
presentation mode, chart styling, the privacy notice after a save, and the minutes downloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.core.formatting import fmt_date
from trygghet.documents import output
from trygghet.documents.minutes import minutes_file
from trygghet.meeting.records import Meeting, Removed
from trygghet.present import chart_style, table_style
from trygghet.store.db import Database
from trygghet.ui import safe_text, widgets
from trygghet.ui.meeting.context import MeetingPage


def show_removed(removed: Removed) -> None:
    if removed:
        st.toast(safe_text.plain(removed.message) + " Personuppgifter hör inte hemma i mötets anteckningar.",
                 icon=":material/privacy_tip:")


def styled(page: MeetingPage, fig: go.Figure, height: int) -> go.Figure:
    return styled_figure(fig, height, page.chart_font if page.presenting else None)


def styled_figure(fig: go.Figure, height: int, presentation_font: int | None) -> go.Figure:
    """The app's chart style, with larger type in presentation mode (`presentation_font`)."""
    chart_style.style_figure(fig, height=height)
    if presentation_font is not None:
        font = presentation_font
        fig.update_layout(font={"size": font}, legend={"font": {"size": font - 2}})
        fig.update_xaxes(tickfont={"size": font - 2}, title_font={"size": font})
        fig.update_yaxes(tickfont={"size": font - 2}, title_font={"size": font})
    return fig


def highlighted(frame: pd.DataFrame, highlight: list[bool] | None) -> object | None:
    """A styler that shades the rows marked True, or None when none is."""
    if not highlight or not any(highlight):
        return None
    flags = list(highlight)

    def styles(data: pd.DataFrame) -> pd.DataFrame:
        cells = [[table_style.FLAG_STYLES["upp"] if flag else ""] * data.shape[1] for flag in flags]
        return pd.DataFrame(cells, index=data.index, columns=data.columns)

    return frame.style.apply(styles, axis=None)


def static_table(page: MeetingPage, frame: pd.DataFrame, name: str, highlight: list[bool] | None = None,
                 cell_flags: pd.DataFrame | None = None, **kwargs: object) -> None:
    """A read-only table: a plain table in presentation mode (its text grows with the page, and
    long texts wrap), otherwise the usual dataframe with an Excel download. `highlight` marks
    whole rows; `cell_flags` ('upp'/'ned' per cell) colours single cells as Översikt does."""
    frame = frame.reset_index(drop=True)
    if page.presenting:
        frame = safe_text.plain_frame(frame)  # st.table reads every cell as Markdown
    if cell_flags is not None:
        flagged = (cell_flags != "").any().any()
        styler = table_style.flag_styler(frame, cell_flags.reset_index(drop=True)) if flagged else None
    else:
        styler = highlighted(frame, highlight)
    if page.presenting:
        st.table(styler if styler is not None else frame, hide_index=True)
    else:
        widgets.table(frame, name, styler=styler, **kwargs)  # type: ignore[arg-type]


def _document_bytes(path: str, meeting_id: int, fmt: str) -> bytes:
    """The minutes on their own connection (the download runs outside the script thread): the files
    stored at the justering once the minutes are approved, else made from the data now."""
    return minutes_file(Database(Path(path)), meeting_id, fmt)


def minutes_buttons(page: MeetingPage, meeting: Meeting, where: str) -> None:
    stem = f"protokoll-{fmt_date(meeting.held_on)}"
    path = str(page.db.path)
    cols = st.columns(2)
    cols[0].download_button(
        "Protokoll som PDF", data=lambda: _document_bytes(path, meeting.id, "pdf"),
        file_name=f"{stem}.pdf", mime=output.PDF_MIME, icon=":material/picture_as_pdf:",
        on_click="ignore", key=f"pdf_{where}_{meeting.id}", width="stretch",
    )
    cols[1].download_button(
        "Protokoll som Word", data=lambda: _document_bytes(path, meeting.id, "docx"),
        file_name=f"{stem}.docx", mime=output.DOCX_MIME, icon=":material/description:",
        on_click="ignore", key=f"docx_{where}_{meeting.id}", width="stretch",
    )


def meeting_caption(meeting: Meeting) -> str:
    week = meeting.week
    people = "; ".join(p.label for p in meeting.participants) or "inga deltagare antecknade"
    closed = f" · avslutat {meeting.closed_at:%Y-%m-%d %H:%M}" if meeting.closed_at else ""
    if meeting.approved_at is not None:
        closed = f" · protokollet justerat {meeting.approved_at:%Y-%m-%d %H:%M} och låst"
    return safe_text.plain(f"{fmt_date(meeting.held_on)} · lägesbild {week.label} {week.year} · "
                           f"{meeting.district_label} · Deltagare: {people}{closed}")
