"""Lägesbild: the weekly picture for the municipality's and the police's joint meeting."""

import streamlit as st

from trygghet.core import clock
from trygghet.core.errors import UserError
from trygghet.ui import chunk_preload, login, shell, sidebar
from trygghet.ui.errors import show_error
from trygghet.ui.meeting.presentation_assets import PRESENTATION_CSS
from trygghet.ui.meeting.state import keep_params, presentation_on

# An emoji icon: a Material icon would make the browser fetch the favicon from a font server.
st.set_page_config(page_title="Lägesbild", page_icon="🛡️", layout="wide")
# Streamlit writes primary-button text in white whatever the theme (streamlit#12801); on the dark
# theme's light blue that is 2.2:1. A fixed dark blue keeps 4.5:1 in both themes; a disabled one is grey, so
# that it does not look like a button to press. Static CSS only.
st.html("<style>button[kind='primary']:not(:disabled), button[kind='primaryFormSubmit']:not(:disabled) "
        "{background-color: #0b5cad !important; border-color: #0b5cad !important; color: #ffffff !important}"
        "button[kind^='primary']:disabled {background-color: #e4e7eb !important; border-color: #c3c9d0 !important;"
        " color: #4d545c !important; cursor: not-allowed !important}</style>")

# Our own constant script (chunk_preload's docstring): the charts' code loads while the page computes,
# from the run's first moment, for sessions that are about to see the dashboards.
if login.dashboards_ahead() and (preload := chunk_preload.preload_script()):
    st.html(preload, unsafe_allow_javascript=True)

# The first app code of the process: no session started after this runs a page file alone.
login.clear_old_pages_mode()
try:
    clock.today()
except UserError as exc:  # a mistyped TRYGGHET_TODAY: say so instead of failing on every page
    show_error(exc)
    st.stop()
# Presentation mode (?presentation=1): no sidebar or Streamlit chrome, larger type. The meeting page's own
# URL parameters are read now, because sidebar.render rewrites the URL from its filters.
presenting = presentation_on(st.query_params)
kept_params = keep_params(st.query_params)
db = shell.database()
pages = [
    st.Page("pages/oversikt.py", title="Översikt", icon=":material/dashboard:", url_path="oversikt", default=True),
    st.Page("pages/mote.py", title="Möte", icon=":material/groups:", url_path="mote"),
    st.Page("pages/trender.py", title="Trender", icon=":material/show_chart:", url_path="trender"),
    st.Page("pages/insatser.py", title="Insatser", icon=":material/task_alt:", url_path="insatser"),
    st.Page("pages/prioriterade.py", title="Prioriterade områden", icon=":material/flag:",
            url_path="prioriterade"),
    st.Page("pages/karta.py", title="Karta", icon=":material/map:", url_path="karta"),
    st.Page("pages/trygghetsmatning.py", title="Trygghetsmätning", icon=":material/sentiment_satisfied:",
            url_path="trygghetsmatning"),
    st.Page("pages/rapport.py", title="Rapport", icon=":material/article:", url_path="rapport"),
    st.Page("pages/rapportera.py", title="Rapportera", icon=":material/edit_note:", url_path="rapportera"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
    st.Page("pages/admin.py", title="Administration", icon=":material/admin_panel_settings:", url_path="admin"),
]
if login.gate(db, pages).is_reporter:
    # A rapportör reports for its organisation and sees its own reports: no other page exists for it.
    pages = [page for page in pages if page.url_path == "rapportera"]
navigation = st.navigation(pages)
reporter_only = len(pages) == 1
if presenting:
    st.html(PRESENTATION_CSS)  # static CSS only
shell.banners(db)
login.open_mode_banner()
if not reporter_only:
    sidebar.render(db)
if kept_params:
    st.query_params.update(kept_params)
login.sidebar_account()
with login.through_gate():
    shell.run_page(navigation)
shell.footer(db)
shell.watch_for_new_data(db, int(shell.status(db)["version"]))
shell.warm_up_other_pages()
