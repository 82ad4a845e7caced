"""The administrator's editor of the harm weights (Administration), and Översikt's weighted table."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from trygghet.analysis import harm, queries
from trygghet.store import installation_settings as settings
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets


def editor(db: Database, actor: Actor | None, run: Callable[[Callable[[], object], str], None]) -> None:
    """Whether weighted figures are shown, and one weight per category, saved together."""
    in_use, stored = settings.harm_weights(db)
    categories: list[str] = cache.query(queries.reference_lists, db)["categories"]  # type: ignore[index]
    st.write(safe_text.plain(harm.RULE))
    show = st.toggle("Visa skadevärdet bredvid antalen på Översikt", value=in_use, key="harm_in_use")
    frame = pd.DataFrame({
        "Kategori": categories,
        "Vikt": [harm.weight_of(stored, c) for c in categories],
        "Standard": [harm.DEFAULT_WEIGHTS.get(c, harm.UNKNOWN_WEIGHT) for c in categories],
    })
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key="harm_weights", disabled=["Kategori", "Standard"],
        column_config={"Vikt": st.column_config.NumberColumn(min_value=0.0, max_value=settings.MAX_HARM_WEIGHT,
                                                             step=1.0, format="%.0f")},
    )

    def save() -> str:
        weights: dict[str, float] = {}
        for category, value in zip(edited["Kategori"], edited["Vikt"], strict=True):
            weight = harm.parse_weight(value)
            if weight is None:
                raise settings.SettingError(
                    f"Vikten för {category} saknas eller är inte ett tal från 0 till 100 000. Skriv en vikt och spara igen.")
            weights[str(category)] = weight
        settings.set_harm_weights(db, show, weights, actor)  # type: ignore[arg-type]
        return "Skadevikterna är sparade."

    left, right = st.columns(2)
    if left.button("Spara skadevikterna", type="primary", key="harm_save"):
        run(save, "Skadevikterna är sparade.")
    if right.button("Återställ standardvikterna", key="harm_defaults"):
        defaults = {c: harm.DEFAULT_WEIGHTS.get(c, harm.UNKNOWN_WEIGHT) for c in categories}
        run(lambda: settings.set_harm_weights(db, show, defaults, actor),  # type: ignore[arg-type]
            "Standardvikterna är sparade.")


def weighted_section(db: Database, counts: pd.DataFrame, name: str) -> None:
    """Events and harm side by side per category, when an administrator has turned weighting on."""
    in_use, weights = settings.harm_weights(db)
    if not in_use or counts.empty:
        return
    st.header("Skadeviktat")
    table = harm.weighted_table(counts, weights)
    widgets.table(table, name, styler=table.style.format(harm.formats()))
    st.caption(safe_text.plain(harm.RULE))
