"""The coverage on Översikt and on the meeting's agenda: reporters × the last eight weeks, who is missing
this week, which figures lean on them, and the reminder e-mail to copy or open."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.analysis import coverage
from trygghet.core.periods import IsoWeek
from trygghet.present import coverage_text, table_style
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets

_COLOURS = {coverage.REPORTED: "background-color: #d8ecd9; color: #133d16",
            coverage.NOTHING: "background-color: #dde8f3; color: #12345a",
            coverage.MISSING: "background-color: #f9d9cf; color: #6b1a00; font-weight: 600",
            coverage.PENDING: "", coverage.NOT_DUE: ""}


def _table(cov: coverage.Coverage) -> tuple[pd.DataFrame, table_style.Translation]:
    """The table and its colours as the data grid takes them: the same for every selection of districts,
    so worked out once per data version (cache.derived) rather than on every click."""
    frame, statuses = coverage_text.table(cov), coverage_text.statuses(cov)
    colours = [[_COLOURS[statuses.at[i, c]] if c in statuses.columns else "" for c in frame.columns]
               for i in range(len(frame))]
    return frame, table_style.translation(table_style.fill_styler(frame, colours))


def show(db: Database, week: IsoWeek, today: dt.date, key: str, districts: tuple[str, ...] = (),
         presenting: bool = False) -> None:
    """The coverage section for `week`, with the caveats of the figures in `districts`."""
    cov: coverage.Coverage = cache.query(coverage.coverage, db, week, today)  # type: ignore[assignment]
    if not cov.reporters:
        if not presenting:
            st.caption("Inga rapportörer är upplagda. Ladda upp fliken Rapportörer under Data för att se vilka som "
                       "har rapporterat och vilka som saknas.")
        return
    line = coverage_text.missing_line(cov, week)
    if line:
        st.warning(safe_text.plain(line), icon=":material/report:")
        found = cache.query(coverage.reliance, db, week, cov.missing(week), districts)
        for sentence in coverage_text.reliance_sentences(found, week):  # type: ignore[arg-type]
            st.caption(safe_text.plain(sentence))
    else:
        st.success(f"Alla rapportörer har rapporterat {week.label}.", icon=":material/check_circle:")
    frame, translated = cache.derived(_table, db, (coverage.coverage, week, today))  # type: ignore[misc]
    widgets.table(frame, f"rapportering-{key}-{week}", styler=table_style.translated_styler(frame, translated))
    st.caption(coverage_text.LEGEND)
    if presenting:
        return
    text = coverage_text.reminder(cov, week)
    if text is not None:
        subject, body = text
        with st.expander("Påminnelse till dem som saknas"):
            st.link_button("Öppna som e-post", coverage_text.mailto(subject, body), icon=":material/mail:")
            # A text area, not st.code: the code element's highlighter is 1.5 MB of script that the
            # dashboard's first page loaded and ran for this collapsed text alone (~0.4 s).
            text = f"Ämne: {subject}\n\n{body}"
            st.text_area("Texten att kopiera", text, height=min(80 + 24 * text.count("\n"), 400))
