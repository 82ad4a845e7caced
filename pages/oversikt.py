"""Översikt: veckans lägesbild – key figures, the CompStat table, notable changes, places, interventions."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from trygghet.analysis import compstat, data_start, district_cut, partial_week
from trygghet.core import clock
from trygghet.core.formatting import fmt_int
from trygghet.present import table_style, tables, vega_specs
from trygghet.ui import cache, coverage_view, harm_editor, login, safe_text, shell, sidebar, widgets
from trygghet.ui.first_start import guide as setup_guide

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
if setup_guide(db):  # a database of the municipality's own, still without events: the first steps
    st.stop()
filters = sidebar.current()
week = filters.week
today = clock.today()

st.title(f"Veckans lägesbild – v. {week.week} {week.year}")
st.caption(f"{safe_text.plain(filters.district_label)} · {week.monday():%Y-%m-%d} – {week.sunday():%Y-%m-%d}")

# A week that has not ended, or whose data stops before its Sunday, is compared on the same weekdays
# and never flagged (analysis.partial_week); it says so first.
span = cache.query(partial_week.week_span, db, week, today, filters.sources)
if span.partial:
    st.warning(span.note, icon=":material/hourglass_top:")
# Asked for every district and cut to the sidebar's choice (analysis.district_cut), so that a click on
# a district finds every query below cached.
every = district_cut.every_district(filters)
districts = filters.districts
if span.partial:
    figures = cache.query(partial_week.key_figures, db, filters, span)
else:
    figures = district_cut.key_figures_for(cache.query(district_cut.key_figures_by_district, db, every), districts)
# A figure from before the data began is no figure: '–' and the reason below it, never 0.
first = cache.query(data_start.first_day, db, filters.sources)
gaps = data_start.key_figure_gaps(week, first)
cols = st.columns(4)
delta = tables.week_delta(figures, gaps)
for i, (label, value) in enumerate(tables.key_figure_items(figures, week, gaps, span, "Föregående vecka")):
    # An ASCII sign, so that Streamlit points the arrow the right way.
    cols[i].metric(label, value, delta=delta.replace("\u2212", "-") if i == 0 and delta else None, delta_color="off")
if gaps:
    st.caption(data_start.key_figure_note(gaps))

# Silence is not calm: who has reported, and what the figures above lack when someone has not.
st.header("Rapportering")
coverage_view.show(db, week, today, "oversikt", filters.districts)

st.header("Det här sticker ut")
every_cell: district_cut.CompstatCells = cache.query(district_cut.compstat_cells, db, every)  # type: ignore[assignment]
# Tested once per choice of districts from the cached cells, not from a second run of their query.
notable = [] if span.partial else cache.derived(compstat.notable_in, db, (district_cut.compstat_cells, every), districts)
if span.partial:
    st.write("Inga förändringar bedöms förrän veckan är hel.")
elif notable:
    st.markdown(
        "\n".join(f"- {'▲' if n.change.direction == 'upp' else '▼'} {safe_text.plain(n.sentence)}" for n in notable),
    )
elif (short := compstat.history_note(every_cell.cells(districts))) is not None:
    st.write(short)
else:
    st.write("Inga statistiskt säkra förändringar mot de 52 veckorna före i någon stadsdel och kategori.")
st.caption(compstat.NOTABLE_RULE)

st.header("Jämförelse per kategori")
if span.partial:  # the same weekdays of the weeks before, nothing flagged
    counts = cache.query(partial_week.compstat_counts, db, filters, span, "category")
    table, flags = partial_week.unflagged(*data_start.blank_compstat(*compstat.compstat_table(counts),
                                                                     data_start.compstat_gaps(week, first)))
else:
    # The whole week's counts cut from the cells above; the table built once per choice of districts.
    counts = every_cell.category_counts(districts)
    table, flags = data_start.blank_compstat(
        *cache.derived(compstat.table_in, db, (district_cut.compstat_cells, every), districts),
        data_start.compstat_gaps(week, first))
if table.empty:
    st.write("Inga händelser i urvalet.")
else:
    widgets.table(table, f"compstat-v{week.week}-{week.year}", styler=table_style.flag_styler(table, flags),
             height=table_style.table_height(len(table)))
    st.caption(compstat.COMPSTAT_RULE)
harm_editor.weighted_section(db, counts, f"skadeviktat-v{week.week}-{week.year}")

left, right = st.columns(2)
with left:
    st.header("Platser med flest händelser")
    places = district_cut.top_places_for(cache.query(district_cut.places_by_district, db, every), districts)
    if places.empty:
        st.write("Inga händelser med plats den här veckan.")
    else:
        widgets.table(places, f"platser-v{week.week}-{week.year}")
with right:
    st.header("De senaste tolv veckorna")
    # Only the twelve weeks shown, not the trend period's weekly series.
    twelve = replace(every, start=week.shift(-11).monday(), end=week.sunday())
    series = district_cut.weekly_total_for(cache.query(district_cut.weekly_by_district, db, twelve), districts)
    weeks = pd.date_range(end=pd.Timestamp(week.monday()), periods=12, freq="7D")
    counts_by_week = series.assign(week=pd.to_datetime(series["week"]))[["week", "count"]]
    frame = pd.DataFrame({"week": weeks}).merge(counts_by_week, on="week", how="left").fillna(0)
    # A partial week's bar is marked: it holds only the days with data.
    labels = [f"v. {d.isocalendar().week}" + ("*" if span.partial and d.date() == week.monday() else "")
              for d in frame["week"]]
    data, spec = vega_specs.weekly_bars(labels, frame["count"], [d.date() == week.monday() for d in frame["week"]],
                                        dark=widgets.is_dark())
    widgets.vega_chart(
        data, spec,
        summary="Händelser per vecka de tolv senaste veckorna: "
        + ", ".join(f"{label}: {fmt_int(c)}" for label, c in zip(labels, frame["count"], strict=True))
        + "." + (f" * {week.label} gäller bara {span.weekdays}." if span.partial else ""),
    )

st.header("Öppna insatser")
interventions = district_cut.open_interventions_for(cache.query(district_cut.open_interventions_all, db, today),
                                                    districts)
if interventions.empty:
    st.write("Inga öppna insatser i urvalet.")
else:
    overdue = int(interventions["Försenad"].sum())
    if overdue:
        st.warning(f"{overdue} insatser har passerat sitt slutdatum utan att vara avslutade.", icon=":material/schedule:")
    shown = interventions.assign(Försenad=interventions["Försenad"].map({True: "Ja", False: ""}))
    styler = table_style.row_styler(shown, interventions["Försenad"].tolist(), table_style.FLAG_STYLES["upp"])
    widgets.table(shown, "oppna-insatser", styler=styler)
