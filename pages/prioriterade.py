"""Prioriterade områden: first every area in one table (goal, its events against the year before,
open and overdue interventions, the survey's latest answer), then one chosen area in detail: its
goal, the trend of its indicators, its interventions and what the residents answered."""

from __future__ import annotations

import streamlit as st

from trygghet.analysis import data_start, district_cut, interventions, priority_areas, queries
from trygghet.core import clock
from trygghet.core.formatting import fmt_date
from trygghet.ui import cache, login, priority_views, safe_text, shell, sidebar

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
today = clock.today()

st.title("Prioriterade områden")
st.caption(
    f"{safe_text.plain(filters.district_label)} · trender {fmt_date(filters.start)} – {fmt_date(filters.end)} · "
    f"Visar de områden som gäller {fmt_date(filters.end)} (periodens sista dag)."
)

# Every query below is asked for all districts (cached per data version) and cut to the sidebar's choice,
# so that a click on a district runs none.
every = district_cut.every_district(filters)
overview: priority_areas.OverviewParts = cache.query(priority_areas.overview_parts, db, every, today)
areas = overview.for_districts(filters.districts)
current = [a for a in areas if a.current]
others = [a for a in areas if not a.current]
if not areas:
    st.info("Inga prioriterade områden finns ännu. Ladda upp bladet Prioriterade områden på sidan Data.",
            icon=":material/flag:")
    st.stop()
if others:
    st.caption(f"Gäller inte {fmt_date(filters.end)} och visas därför inte: " + safe_text.plain(", ".join(a.name for a in others))
               + ".")
if not current:
    st.write("Inget prioriterat område gäller periodens sista dag. Välj en annan period i sidofältet.")
    st.stop()

listed = interventions.list_for(cache.query(interventions.intervention_list, db, every, today), filters.districts)
first_data, last_data = cache.query(queries.event_date_range, db)
# From the chosen sources' first day: a month a year before a source began is no comparison.
first_data = cache.query(data_start.first_day, db, filters.sources) or first_data
names = tuple(a.name for a in current)
# Every area's trend in one scan of the daily counts, and every area's survey questions in one query:
# the overview needs them all, the detail one of them.
counts: priority_areas.IndicatorCounts = cache.query(priority_areas.indicator_counts, db, every, names)
trends = counts.trends_for(filters, names, (first_data, last_data))
survey: priority_areas.SurveyParts = cache.query(priority_areas.survey_parts, db, names)
surveys = survey.surveys_for(filters.districts)

st.header("Alla områden")
totals = {name: priority_areas.trend_totals(trend) for name, trend in trends.items()}
priority_views.overview_section(priority_views.overview_frame(current, totals, surveys))
st.caption(priority_views.overview_note(totals, filters, first_data))

chosen = priority_views.choose_area(list(names))
area = next(a for a in current if a.name == chosen)
priority_views.area_detail(area, trends[chosen], surveys[chosen], listed, filters, first_data)

st.caption(
    "Trenden räknar områdets händelsekategorier i valda stadsdelar och källor; kategorivalet i sidofältet "
    "gäller inte här. Jämförelsen är samma datum ett år tidigare."
)
