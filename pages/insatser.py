"""Insatser: every intervention in the chosen districts, a timeline, and per intervention its
change history and what happened to its events compared with the other districts. The sections
live in trygghet/ui/intervention_views.py; this file puts them together."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet.analysis import interventions
from trygghet.core import clock
from trygghet.core.formatting import fmt_date
from trygghet.ui import cache, intervention_views, login, safe_text, shell, sidebar

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
today = clock.today()

st.title("Insatser")
st.caption(
    f"{safe_text.plain(filters.district_label)} · läget {fmt_date(today)} · Insatser utan stadsdel gäller hela kommunen och "
    "visas alltid."
)

options = cache.query(interventions.filter_options, db)
cols = st.columns(3)
status = cols[0].multiselect("Status", options["statuses"], key="ins_status", placeholder="Alla statusar")
owner = cols[1].multiselect("Ansvarig aktör", options["owners"], key="ins_owner", placeholder="Alla aktörer")
area = cols[2].multiselect("Prioriterat område", options["priority_areas"], key="ins_area",
                           placeholder="Alla områden")

listed_source = (interventions.intervention_list, filters, today, tuple(status), tuple(owner), tuple(area))
listed: pd.DataFrame = cache.query(listed_source[0], db, *listed_source[1:])  # type: ignore[arg-type]

if listed.empty:
    st.write("Inga insatser matchar urvalet.")
    st.stop()

intervention_views.counts_line(listed)
intervention_views.list_table(listed)
intervention_views.timeline_section(db, listed_source, today)

st.header("Följ upp en insats")
titles = dict(zip(listed["Insats-ID"], listed["Insats"], strict=True))
# None until one is chosen, and kept while it is listed: a click on a district then redraws only the
# list and the timeline, not the effect chart and history of whichever intervention came first.
selected = st.selectbox("Insats", list(titles), index=None, format_func=lambda i: f"{i} – {titles[i]}",
                        key="ins_selected", placeholder="Välj en insats")
if selected is None:
    st.caption("Välj en insats för att se dess uppgifter, effekt och ändringar.")
else:
    row = listed[listed["Insats-ID"] == selected].iloc[0]
    intervention_views.facts(row)
    intervention_views.effect_section(db, row, selected, today)
    intervention_views.history_section(db, selected)
