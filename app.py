"""Lägesbild: the weekly picture for the municipality's and the police's joint meeting."""

import streamlit as st

from trygghet import sidebar, ui

# An emoji icon: a Material icon would make the browser fetch the favicon from a font server.
st.set_page_config(page_title="Lägesbild", page_icon="🛡️", layout="wide")

ui.start_app()
db = ui.database()
navigation = st.navigation(
    [
        st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", url_path="oversikt", default=True),
        st.Page("pages/trender.py", title="Trender", icon=":material/show_chart:", url_path="trender"),
        st.Page("pages/insatser.py", title="Insatser", icon=":material/task_alt:", url_path="insatser"),
        st.Page("pages/prioriterade.py", title="Prioriterade områden", icon=":material/flag:",
                url_path="prioriterade"),
        st.Page("pages/karta.py", title="Karta", icon=":material/map:", url_path="karta"),
        st.Page("pages/trygghetsmatning.py", title="Trygghetsmätning", icon=":material/sentiment_satisfied:",
                url_path="trygghetsmatning"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
    ]
)
ui.banners(db)
sidebar.render(db)
ui.run_page(navigation)
ui.footer(db)
ui.watch_for_new_data(db, int(ui.status(db)["version"]))
ui.end_app()
