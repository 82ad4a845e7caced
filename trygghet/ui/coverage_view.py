"""The coverage on Översikt and on the meeting's agenda: reporters × the last eight weeks, who is missing
this week, which figures lean on them, and the reminder e-mail to copy or open."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.analysis import coverage
from trygghet.core.periods import IsoWeek
from trygghet.present import coverage_text
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets

_COLOURS = {coverage.REPORTED: "background-color: #d8ecd9; color: #133d16",
            coverage.NOTHING: "background-color: #dde8f3; color: #12345a",
            coverage.MISSING: "background-color: #f9d9cf; color: #6b1a00; font-weight: 600",
            coverage.PENDING: "", coverage.NOT_DUE: ""}


def _styled(cov: coverage.Coverage) -> tuple[pd.DataFrame, object]:
    frame, statuses = coverage_text.table(cov), coverage_text.statuses(cov)

    def colour(column: pd.Series) -> list[str]:
        if column.name not in statuses:
            return ["" for _ in column]
        return [_COLOURS[s] for s in statuses[column.name]]

    return frame, frame.style.apply(colour)


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
    frame, styler = _styled(cov)
    widgets.table(frame, f"rapportering-{key}-{week}", styler=styler)
    st.caption(coverage_text.LEGEND)
    if presenting:
        return
    text = coverage_text.reminder(cov, week)
    if text is not None:
        subject, body = text
        with st.expander("Påminnelse till dem som saknas"):
            st.link_button("Öppna som e-post", coverage_text.mailto(subject, body), icon=":material/mail:")
            st.code(f"Ämne: {subject}\n\n{body}", language=None)
