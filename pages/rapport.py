"""Rapport: the statutory lägesbild (lag 2023:196) for a tertial, half-year or year and a set of
districts – its figures on screen, the analysis per problem, the åtgärdsplan with the council's
decision, the follow-up of the previous plan and the commitments written here – as Word and PDF,
and the register of finished reports with their SHA-256."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from trygghet.analysis import queries
from trygghet.core import clock
from trygghet.documents.report_data import report_data
from trygghet.documents.report_period import report_periods
from trygghet.meeting import records as meetings
from trygghet.store.access import allowed
from trygghet.ui import cache, login, shell, sidebar
from trygghet.ui.report_forms import ReportPage, analysis_forms, commitments_form, followup_form, plan_form
from trygghet.ui.report_views import downloads, overview, register

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
actor = login.actor()
can_write = allowed(actor, "redigerare") and not login.display_only()
today = clock.today()

st.title("Lägesbildsrapport")
st.caption("Kommunens lägesbild enligt 4 § lag (2023:196): kartläggningen av brott och otrygghet med omfattning, "
           "mönster och konsekvenser, andra uppgifter av betydelse, analysen per prioriterat problem, måluppfyllelsen, "
           "åtgärdsplanen med kommunfullmäktiges beslut och uppföljningen av den förra. Rapporten visar perioden som den "
           "var vid periodens slut. Ladda ned som Word för att redigera vidare, eller som PDF.")

first, last = cache.query(queries.event_date_range, db)
periods = report_periods(first, last)
if not periods:
    st.write("Det finns inga händelser att skriva en rapport om ännu.")
    st.stop()

lists = cache.query(meetings.reference, db)
cols = st.columns([2, 3, 5], vertical_alignment="bottom")
kind_labels = {"tertial": "Tertial", "halvår": "Halvår", "år": "År"}
kind = cols[0].segmented_control("Period", list(kind_labels), format_func=kind_labels.get, default="tertial",
                                 key="rapport_typ") or "tertial"
choices = [p for p in periods if p.kind == kind]
# The latest complete period is the usual one to report on; the running one is offered first only when no
# complete one exists.
complete = [p for p in choices if p.window.end <= min(last or today, today)]
default = complete[0] if complete else choices[0]
period = cols[1].selectbox("Vilken", choices, index=choices.index(default), format_func=lambda p: p.label,
                           key=f"rapport_period_{kind}")
districts = tuple(cols[2].multiselect("Stadsdelar", lists["districts"], default=list(filters.districts),
                                      placeholder="Alla stadsdelar", key="rapport_stadsdelar"))

data = cache.query(report_data, db, period, districts, today)
if not data.complete:
    st.info(f"{period.label} är inte avslutad: rapporten räknar till och med "
            f"{data.window.end - dt.timedelta(days=1)} och jämför med samma datum året före.",
            icon=":material/schedule:")
areas = sorted(set(data.areas["name"])) if len(data.areas) else []
page = ReportPage(db, period, districts, actor, can_write, data, areas)

downloads(page)
tab_overview, tab_analysis, tab_plan, tab_register = st.tabs(
    ["Lägesbilden", "Analys", "Åtgärdsplan och uppföljning", "Registrerade rapporter"])
with tab_overview:
    overview(page)
with tab_analysis:
    analysis_forms(page)
with tab_plan:
    plan_form(page)
    followup_form(page)
    commitments_form(page)
with tab_register:
    register(page)
