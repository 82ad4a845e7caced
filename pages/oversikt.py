"""Översikt: what the database holds (the full weekly dashboard builds on this)."""

import streamlit as st

from trygghet import history, ui

db = ui.database()
st.title("Veckans lägesbild")
summary = history.overview_counts(db)
cols = st.columns(4)
cols[0].metric("Händelser", ui.fmt_int(summary["events"]))
cols[1].metric("Stadsdelar", ui.fmt_int(summary["districts"]))
cols[2].metric("Öppna insatser", ui.fmt_int(summary["open_interventions"]))
cols[3].metric("Uppladdningar", ui.fmt_int(summary["uploads"]))
if summary["first_event"] is not None:
    st.write(f"Händelser från {summary['first_event']:%Y-%m-%d} till {summary['last_event']:%Y-%m-%d}.")
st.subheader("Händelser per stadsdel")
st.dataframe(history.events_per_district(db), hide_index=True)
