"""The Data page's block for the police feed: the municipality, the type mapping and the
gazetteer as it stands."""

from __future__ import annotations

import streamlit as st

from trygghet.core.errors import UserError
from trygghet.core.text import clean, md_literal
from trygghet.ingest.polisen.gazetteer import gazetteer_frame
from trygghet.ingest.polisen.type_map import OTHER_CATEGORY, category_choices, save_type_map, type_map_frame
from trygghet.store import db as dbmod
from trygghet.store import installation_settings as settings
from trygghet.store.db import Database
from trygghet.ui import login
from trygghet.ui.errors import show_error, show_warning


def render_settings(db: Database) -> None:
    """The municipality, the type mapping and the gazetteer, each saved by an administrator."""
    state = st.session_state
    st.header("Polisens händelser")
    st.write(
        "Polisens öppna händelsedata (JSON från polisen.se/api/events) laddas upp under **Ladda upp** som andra "
        "filer. Bara den valda kommunens händelser tas med; sammanfattningar och trafik hoppas över."
    )
    try:
        # Saving bumps the data version, which reruns the app: the confirmation waits in the session.
        message = state.pop("polisen_saved", None)
        if message:
            st.success(md_literal(message))  # it names the municipality as typed
        kommun = st.text_input("Kommun", value=settings.police_kommun(db) or "", placeholder="t.ex. Göteborg",
                               help="Som kommunen skrivs i polisens händelser, t.ex. Göteborg eller Malmö.")
        if st.button("Spara kommun"):
            if kommun.strip():
                settings.set_police_kommun(db, kommun, login.actor())
                state["polisen_saved"] = f"Kommunen är nu {clean(kommun)}."
                st.rerun()
            st.warning("Skriv kommunens namn först.")
        state.setdefault("polisen_type_round", 0)
        st.write(f"Polisens typer och appens kategorier. Typer som inte står här läggs under **{OTHER_CATEGORY}**; "
                 "typer utan bock tas inte med.")
        choices = category_choices(db)
        with st.form("polisen_typer", border=False):
            edited = st.data_editor(
                type_map_frame(db),
                column_config={
                    "Polisens typ": st.column_config.TextColumn(required=True),
                    "Kategori": st.column_config.SelectboxColumn(options=choices, default=OTHER_CATEGORY),
                    "Ta med": st.column_config.CheckboxColumn(default=True),
                },
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                key=f"polisen_type_map_{state['polisen_type_round']}",
            )
            if st.form_submit_button("Spara typerna"):
                save_type_map(db, edited, login.actor())
                state["polisen_type_round"] += 1  # a fresh editor over the saved table
                state["polisen_saved"] = "Typerna är sparade. De gäller från nästa import."
                st.rerun()
        st.write("Stadsdelarnas områden och gator, som placerar polisens händelser i en stadsdel. De ändras genom "
                 "att ladda upp fliken Stadsdelar med kolumnen Områden.")
        st.dataframe(gazetteer_frame(db), hide_index=True, width="stretch")
    except dbmod.DatabaseBusy as exc:
        show_warning(exc)
    except UserError as exc:
        show_error(exc)
