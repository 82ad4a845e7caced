"""The standing list of places (Karta): the places with most events over 52 weeks and how they persist."""

from __future__ import annotations

import streamlit as st

from trygghet.analysis import places
from trygghet.core.filters import Filters
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets


def show(db: Database, filters: Filters, limit: int = 15) -> None:
    week = filters.week
    st.header("Platser som består")
    # Every district's list at once, cut to the sidebar's choice here: a click on a district finds it cached.
    every: places.PlacesByDistrict = cache.query(places.places_by_district, db, filters.with_districts(()),
                                                 limit)  # type: ignore[assignment]
    found = every.chosen(filters.districts)
    frame = found.table
    if frame.empty:
        st.write("Inga händelser med plats de senaste 52 veckorna i urvalet.")
        return
    counts = frame["Klass"].value_counts()
    summary = ", ".join(f"{fmt_int(int(counts[c]))} {c}" for c in places.CLASS_ORDER if c in counts)
    st.write(safe_text.plain(f"De {fmt_int(len(frame))} platserna med flest händelser de 52 veckorna fram till "
                             f"v. {week.week} {week.year}: {summary or 'ingen är aktiv något kvartal'}."))
    widgets.table(frame, f"platser-52v-v{week.week}-{week.year}")
    if found.share is not None:
        st.caption(f"De listade platserna har {fmt_dec(found.share, 0)} % av de {fmt_int(found.placed)} händelserna "
                   "med plats i urvalet de 52 veckorna.")
    st.caption(places.RULE)
