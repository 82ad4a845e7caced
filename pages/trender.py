"""Trender: one view at a time (the weeks with interventions on the time axis, months and tertials;
the year's rhythm; when in the week things happen), so a district click redraws a single chart."""

from __future__ import annotations

import streamlit as st

from trygghet.analysis import queries
from trygghet.ui import cache, login, safe_text, shell, sidebar, trend_views

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()

st.title("Trender")
st.caption(f"{safe_text.plain(filters.district_label)} · {filters.start:%Y-%m-%d} – {filters.end:%Y-%m-%d}")

view = st.segmented_control("Visa", trend_views.VIEWS, default=trend_views.WEEKS, key="trend_view") or trend_views.WEEKS
if view == trend_views.WEEKS:
    trend_views.weeks(db, filters, cache.query(queries.district_colors, db))
elif view == trend_views.YEAR:
    trend_views.year(db, filters)
else:
    trend_views.hours(db, filters)
