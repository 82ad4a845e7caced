"""The Data page's block for uploading district boundaries (GeoJSON): preview, then save."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet.analysis import geo, queries
from trygghet.core.errors import UserError
from trygghet.present import chart_style
from trygghet.present.chart_text import plain_figure
from trygghet.present.map_figures import outline_figure
from trygghet.store.db import Database
from trygghet.ui import cache, login, safe_text
from trygghet.ui.errors import show_error


def render_geojson_upload(db: Database) -> None:
    """Upload district boundaries: preview what matched, then save on confirmation."""
    state = st.session_state
    state.setdefault("geo_round", 0)
    st.markdown("### Stadsdelarnas gränser för kartan")
    st.write(
        "Ladda upp en GeoJSON-fil (WGS 84, ett objekt per stadsdel) så visar kartan stadsdelarna som "
        "ytor färgade efter antalet händelser. Utan gränser visas en cirkel per stadsdel."
    )
    if message := state.pop("geo_saved", None):
        st.success(message, icon=":material/check_circle:")
    lists = cache.query(queries.reference_lists, db)
    stored = cache.query(geo.geometries, db)
    if stored:
        st.caption(f"Sparade gränser för {len(stored)} av {len(lists['districts'])} stadsdelar: "
                   f"{safe_text.plain(', '.join(stored))}.")

    upload = st.file_uploader("GeoJSON-fil", type=["geojson", "json"], key=f"geo_upload_{state['geo_round']}",
                              max_upload_size=geo.MAX_FILE_BYTES // (1024 * 1024),
                              help="Högst 20 MB och 100 000 punkter. Namnen jämförs med stadsdelslistan utan "
                                   "hänsyn till skiftläge, mellanslag och å, ä, ö.")
    if upload is not None:
        data = upload.getvalue()
        result = _parse_cached(data, tuple(lists["districts"]), None)
        if len(result.properties) > 1 and result.name_property is not None:
            chosen = st.columns([1, 2])[0].selectbox("Egenskap med stadsdelens namn", result.properties,
                                  index=result.properties.index(result.name_property),
                                  key=f"geo_property_{state['geo_round']}")
            if chosen != result.name_property:
                result = _parse_cached(data, tuple(lists["districts"]), chosen)
        for error in result.errors:
            st.error(safe_text.plain(error), icon=":material/error:")
        if result.warnings:
            st.warning("\n".join(f"- {safe_text.plain(w)}" for w in result.warnings), icon=":material/warning:")
        if result.features or result.missing:
            preview = pd.DataFrame(
                [{"Stadsdel": d, "Namn i filen": result.names_in_file[d], "Punkter": result.vertices[d],
                  "Status": "Finns i filen"} for d in result.features]
                + [{"Stadsdel": d, "Namn i filen": "", "Punkter": 0, "Status": "Saknas – visas inte på kartan"}
                   for d in result.missing]
            )
            st.dataframe(preview, hide_index=True, width="stretch")
        if result.ok:
            colors = cache.query(queries.district_colors, db)
            fig = outline_figure(result.features, colors)
            st.plotly_chart(plain_figure(chart_style.style_figure(fig, height=420)), width="stretch", key="geo_preview",
                            config={"displaylogo": False})
            note = " Sparade gränser för stadsdelar som inte finns i filen tas bort." if stored else ""
            if st.button(f"Spara gränserna för {len(result.features)} stadsdelar", type="primary",
                         icon=":material/save:", help="Ersätter alla tidigare sparade gränser." + note):
                try:
                    saved = geo.store_geojson(db, result, login.actor())
                except UserError as exc:
                    show_error(exc)
                else:
                    state["geo_saved"] = f"Gränserna för {saved} stadsdelar är sparade. Kartan visar dem nu."
                    state["geo_round"] += 1
                    st.rerun()
    if stored and upload is None and st.button("Ta bort sparade gränser", icon=":material/delete:"):
        try:
            geo.delete_geometries(db, login.actor())
        except UserError as exc:
            show_error(exc)
        else:
            state["geo_saved"] = "De sparade gränserna är borttagna. Kartan visar en cirkel per stadsdel."
            st.rerun()


@st.cache_data(max_entries=4, show_spinner="Läser GeoJSON-filen …")
def _parse_cached(data: bytes, known: tuple[str, ...], name_property: str | None) -> geo.GeoResult:
    # Parsing a 20 MB file takes a moment; every widget click reruns the page.
    return geo.parse_geojson(data, known, name_property)
