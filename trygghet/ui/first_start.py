"""The guided first page of a municipality's own database, and the one click to the demo and back.

A database of the municipality's own with no events yet shows five steps instead of Översikt, each
with what is done: the municipality's name; the template with Stadsdelar (with areas) and
Kategorier, or the default categories; the districts' boundaries; the population; the first events.
The demo is a separate file (store.first_start.demo_path) opened for this session only, under a
banner with the way back; a database that is still the demo offers to start with the municipality's
own data instead (store.first_start.leave_demo).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_int
from trygghet.ingest.excel_template import TEMPLATE_FILE_NAME, build_template, lists_from_database
from trygghet.store import access
from trygghet.store import first_start as setup
from trygghet.store.db import Database, resolve_db_path
from trygghet.ui import login
from trygghet.ui.errors import show_error
from trygghet.ui.safe_text import plain

DEMO_KEY = "visa_demo"
DATA_PAGE = "pages/data.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def showing_demo() -> bool:
    """True while this session looks at the demo instead of the municipality's own database."""
    return bool(st.session_state.get(DEMO_KEY))


def _show_demo() -> None:
    st.session_state[DEMO_KEY] = True


def _leave_demo_view() -> None:
    st.session_state.pop(DEMO_KEY, None)


def demo_actions() -> None:
    """Under the demo banner: back to the municipality's own data when this session only visits the
    demo; when the database itself is still the demo of a first start, the way to start with the
    municipality's own data (for an administrator)."""
    if showing_demo():
        st.button("Tillbaka till egna data", on_click=_leave_demo_view, icon=":material/arrow_back:",
                  key="demo_tillbaka")
        return
    actor = login.actor()
    if not access.allowed(actor, access.SETTINGS):
        return
    with st.popover("Börja med egna data", icon=":material/rocket_launch:"):
        st.write("Databasen blir tom och en guide visar hur kommunens egna uppgifter läggs in. Demon flyttas till "
                 "en egen fil och finns kvar ett klick bort under knappen Visa demo; de två blandas aldrig.")
        if st.button("Ja, börja med egna data", type="primary", key="demo_lamna"):
            try:
                setup.leave_demo(Database(resolve_db_path()), login.actor())
            except UserError as exc:
                show_error(exc)
                return
            st.rerun()


def _step(number: int, title: str, done: bool, state: str) -> DeltaGenerator:
    box = st.container(border=True, key=f"kom_igang_{number}")
    head, badge = box.columns([5, 1], vertical_alignment="center")
    head.subheader(f"{number}. {title}")
    with badge:
        if done:
            st.badge("Klart", icon=":material/check:", color="green")
        else:
            st.badge("Att göra", color="gray")
    box.caption(plain(state))
    return box


def guide(db: Database) -> bool:
    """The five steps, when `db` is the municipality's own and has no events yet. True when drawn:
    the page shows nothing else."""
    if showing_demo() or not db.exists():
        return False
    with db.read() as con:
        # One meta lookup for every database the guide is not for: Översikt runs this on each rerun.
        status = setup.setup_status(con) if setup.guided(con) else None
    if status is None or not status.needs_guide:
        return False
    actor = login.actor()
    may_set_up = access.allowed(actor, access.SETTINGS)
    st.title("Kom igång")
    done = sum(status.steps)
    st.progress(done / len(status.steps), text=f"{done} av {len(status.steps)} steg klara")
    if not may_set_up:
        st.info("En administratör lägger in kommunens uppgifter. Under tiden kan du titta på demon nedan.",
                icon=":material/info:")

    one = _step(1, "Kommunens namn", status.steps[0],
                f"Kommunen heter {status.municipality}." if status.municipality else "Inget namn angivet ännu.")
    if may_set_up:
        with one.form("kommun_namn", border=False):
            name = st.text_input("Kommunens namn", value=status.municipality or "", max_chars=100,
                                 placeholder="Till exempel Solviks kommun")
            if st.form_submit_button("Spara namnet"):
                try:
                    setup.set_municipality(db, name, login.actor())
                except UserError as exc:
                    show_error(exc)
                else:
                    st.rerun()

    areas = f" i {fmt_int(status.areas)} områden" if status.areas else ""
    two = _step(2, "Stadsdelar och kategorier", status.steps[1],
                f"{fmt_int(status.districts)} stadsdelar{areas}, {fmt_int(status.categories)} kategorier.")
    two.write("Ladda ned mallen och fyll i fliken Stadsdelar, gärna med kolumnen Stadsdelsområde för städer med "
              "många stadsdelar, och fliken Kategorier. Ladda sedan upp filen under Data.")
    two.download_button("Ladda ned Excel-mallen", lambda: build_template(lists_from_database(db)), on_click="ignore",
                        file_name=TEMPLATE_FILE_NAME, mime=XLSX, icon=":material/download:", key="kom_igang_mall")
    if may_set_up and status.categories == 0 and two.button(
            "Börja med standardlistan över kategorier", icon=":material/playlist_add:", key="kom_igang_kategorier"):
        try:
            setup.use_default_categories(db, login.actor())
        except UserError as exc:
            show_error(exc)
        else:
            st.rerun()
    two.page_link(DATA_PAGE, label="Ladda upp under Data", icon=":material/upload_file:")

    three = _step(3, "Stadsdelarnas gränser", status.steps[2],
                  f"Gränser för {fmt_int(status.boundaries)} stadsdelar." if status.boundaries else
                  "Inga gränser ännu: kartan visar cirklar tills de finns.")
    three.write("Ladda upp stadsdelarnas gränser som GeoJSON, till exempel från kommunens öppna data.")
    three.page_link(DATA_PAGE, label="Ladda upp gränserna under Data", icon=":material/map:")

    four = _step(4, "Befolkning", status.steps[3],
                 f"{fmt_int(status.population)} rader med folkmängd." if status.population else
                 "Ingen folkmängd ännu: lägesbilden kan inte räkna händelser per 1 000 invånare.")
    four.write("Fyll i fliken Befolkning i mallen (stadsdel, år, invånare) och ladda upp den.")
    four.page_link(DATA_PAGE, label="Ladda upp befolkningen under Data", icon=":material/groups:")

    five = _step(5, "Första händelserna", status.steps[4], "Inga händelser ännu.")
    five.write("Fyll i fliken Händelser och ladda upp den. Jämförelser med perioder före första dagen med data "
               "visas som 'ingen jämförelse', aldrig som noll.")
    five.page_link(DATA_PAGE, label="Ladda upp händelser under Data", icon=":material/upload_file:")

    with st.container(border=True, key="kom_igang_demo"):
        st.subheader("Titta på demon")
        st.write("Demon är en påhittad kommun i en egen databasfil. Den visas bara för dig, med en knapp tillbaka "
                 "hit; ingenting i den blandas med kommunens egna data.")
        st.button("Visa demo", on_click=_show_demo, icon=":material/science:", key="kom_igang_visa_demo")
    return True
