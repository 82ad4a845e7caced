"""Lägesbild: the weekly picture for the municipality's and the police's joint meeting."""

import streamlit as st

from trygghet import ui

st.set_page_config(page_title="Lägesbild", page_icon=":material/shield:", layout="wide")

db = ui.database()
navigation = st.navigation(
    [
        st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", url_path="oversikt", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
    ]
)
ui.banners(db)
navigation.run()
ui.footer(db)
