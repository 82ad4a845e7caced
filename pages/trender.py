"""Trender: weekly lines with a four-week mean and last year, months and tertials, interventions
on the time axis, and when in the week things happen."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from trygghet.analysis import data_start, queries, seasonality, trends
from trygghet.core.formatting import fmt_int
from trygghet.core.periods import WEEKDAYS_SHORT_SV
from trygghet.present import chart_style, rhythm_figure
from trygghet.ui import cache, login, safe_text, shell, sidebar, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
colors = cache.query(queries.district_colors, db)

st.title("Trender")
st.caption(f"{safe_text.plain(filters.district_label)} · {filters.start:%Y-%m-%d} – {filters.end:%Y-%m-%d}")

left, right = st.columns(2)
grouping = left.segmented_control(
    "Dela upp på", ["Totalt", "Kategori", "Stadsdel"], default="Totalt", key="trend_grouping"
) or "Totalt"
resolution = right.segmented_control(
    "Upplösning", ["Vecka", "Månad", "Tertial"], default="Vecka", key="trend_resolution"
) or "Vecka"

if resolution == "Vecka":
    by = {"Totalt": None, "Kategori": "category", "Stadsdel": "district"}[grouping]
    weekly = trends.weekly_frame(cache.query(queries.weekly_series, db, filters, by), filters.start, filters.end)
    # A week whose twin a year earlier lies before the data has no 'samma vecka i fjol': a gap, not a 0.
    first = cache.query(data_start.first_day, db, filters.sources)
    weekly = data_start.blank_last_year(weekly, first)
    if weekly.empty:
        st.write("Inga händelser i urvalet.")
    else:
        periods = cache.query(queries.intervention_periods, db, filters)
        # The most recent interventions matter most in the meeting; older ones are on the Insatser page.
        shown = periods.sort_values("start_date", ascending=False).head(12).sort_values("start_date")
        fig = make_subplots(
            rows=2 if not shown.empty else 1, cols=1, shared_xaxes=True, vertical_spacing=0.04,
            row_heights=[440, 26 * len(shown)] if not shown.empty else [1.0],
        )
        if by is None:
            fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["count"], name="Per vecka", mode="lines",
                                     line={"color": "#9DB7CF", "width": 2}), row=1, col=1)
            fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["rolling4"], name="Snitt 4 veckor", mode="lines",
                                     line={"color": "#0072B2", "width": 4}), row=1, col=1)
            fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["last_year"], name="Samma vecka i fjol",
                                     mode="lines", line={"color": "#8C8C8C", "width": 2, "dash": "dash"}), row=1, col=1)
        else:
            limited = trends.keep_largest(weekly, 8)
            for name, group in limited.groupby("series", sort=False):
                color = colors.get(name) if by == "district" else None
                fig.add_trace(go.Scatter(x=group["week"], y=group["rolling4"], name=name, mode="lines",
                                         line={"width": 3, "color": color}), row=1, col=1)
        fig.update_yaxes(title_text="Händelser per vecka" if by is None else "Snitt 4 veckor", rangemode="tozero",
                         row=1, col=1)
        if not shown.empty:
            for i, item in enumerate(shown.itertuples(index=False)):
                color = colors.get(item.district, "#666666")
                fig.add_trace(go.Scatter(
                    x=[item.start_date, item.end_date], y=[i, i], mode="lines", showlegend=False,
                    line={"color": color, "width": 10}, meta=[item.title, item.district],
                    hovertemplate="%{meta[0]} (%{meta[1]}): %{x}<extra></extra>",
                ), row=2, col=1)
            fig.update_yaxes(tickvals=list(range(len(shown))), ticktext=[t if len(t) <= 34 else t[:33] + "…" for t in shown["title"]],
                             autorange="reversed", row=2, col=1, title_text="Insatser")
        fig.update_xaxes(range=[pd.Timestamp(filters.start), pd.Timestamp(filters.end)])
        chart_style.swedish_month_axis(fig, filters.start, filters.end)
        fig.update_layout(legend={"orientation": "h", "y": 1.08, "x": 0})
        total = int(weekly["count"].sum())
        widgets.chart(
            chart_style.style_figure(fig, height=480 + 26 * len(shown)),
            f"trend-vecka-{grouping.lower()}",
            summary=f"{fmt_int(total)} händelser under perioden. Tunn linje: antal per vecka; tjock linje: snitt "
            "över fyra veckor; streckad: samma vecka året innan. Under diagrammet: insatser under perioden "
            f"({len(shown)} av {len(periods)} visas)." if by is None else
            "Snitt över fyra veckor per serie; de åtta största visas, resten som Övriga.",
        )
        if len(periods) > len(shown):
            st.caption(f"{len(periods) - len(shown)} fler insatser finns på sidan Insatser.")
        if by is None and first is not None and weekly["last_year"].isna().any():
            st.caption(f"Samma vecka i fjol: {data_start.no_comparison_text(first)}.")
else:
    monthly = cache.query(queries.monthly_counts, db, filters)
    if monthly.empty:
        st.write("Inga händelser i urvalet.")
    elif resolution == "Månad":
        frame = trends.by_month(monthly)
        fig = go.Figure()
        for year, group in frame.groupby("year"):
            fig.add_trace(go.Bar(x=group["label"], y=group["count"], name=year,
                                 text=[fmt_int(v) for v in group["count"]], textposition="outside"))
        fig.update_layout(barmode="group", xaxis={"categoryorder": "array", "categoryarray": list(
            dict.fromkeys(frame.sort_values("month")["label"]))})
        fig.update_yaxes(title_text="Händelser per månad")
        widgets.chart(chart_style.style_figure(fig, height=480), "trend-manad",
                 summary="Händelser per månad, ett stapelpar per år.")
        widgets.table(frame.pivot(index="label", columns="year", values="count").reset_index()
                 .rename(columns={"label": "Månad"}), "manader")
    else:
        frame = trends.by_tertial(monthly, filters.start, filters.end)
        fig = go.Figure()
        for year, group in frame.groupby("year"):
            fig.add_trace(go.Bar(
                x=group["label"], y=group["count"], name=year,
                text=[fmt_int(v) + ("" if c else "*") for v, c in zip(group["count"], group["complete"], strict=True)],
                textposition="outside",
            ))
        fig.update_layout(barmode="group")
        fig.update_yaxes(title_text="Händelser per tertial")
        widgets.chart(chart_style.style_figure(fig, height=480), "trend-tertial",
                 summary="Händelser per tertial (T1 jan–apr, T2 maj–aug, T3 sep–dec), ett stapelpar per år.")
        if not frame["complete"].all():
            st.caption("* Tertialen ligger bara delvis inom perioden och är inte jämförbar med hela tertialer.")

st.header("Årshjul")
# The year of the chosen week against the whole years before it; the category choice is the page's own.
rhythm_year = filters.week.year
rhythm_source = (seasonality.weekly_counts, filters, rhythm_year)
rhythm = cache.query(seasonality.weekly_counts, db, filters, rhythm_year)
rhythm_table = cache.derived(seasonality.rhythm_table, db, rhythm_source, rhythm_year) if not rhythm.empty else None
if rhythm_table is None or rhythm_table.empty:
    st.write("Inga händelser i urvalet.")
else:
    all_label = "Alla kategorier"
    rhythm_choice = st.selectbox("Kategori i årshjulet", [all_label, *rhythm_table["Kategori"]], key="arshjul_kategori")
    rhythm_category = None if rhythm_choice == all_label else rhythm_choice
    plans = cache.query(seasonality.interventions_in_year, db, filters, rhythm_year, rhythm_category)
    year_fig, year_text = cache.derived(rhythm_figure.year_chart, db, rhythm_source,  # type: ignore[misc]
                                        rhythm_category, rhythm_year, plans, rhythm_choice)
    widgets.chart(year_fig, f"arshjul-{rhythm_year}", summary=year_text)
    whole = int(rhythm_table["Hela år"].max())
    if whole < seasonality.MIN_YEARS:
        st.caption(f"Det behövs minst {seasonality.MIN_YEARS} hela år med data för att se årets rytm; det finns "
                   f"{whole}. Linjen för tidigare år visas ändå.")
    widgets.table(rhythm_table, f"arshjul-kategorier-{rhythm_year}")
    st.caption("Skuggade veckor: där kategorin brukar toppa. " + seasonality.RULE
               + " Insatserna är de som pågår eller planeras under året i valda stadsdelar och hör till kategorin.")

st.header("När händer det?")
heat = cache.query(queries.weekday_hour, db, filters)
if heat.empty:
    st.write("Inga händelser med känt klockslag i urvalet.")
else:
    grid = heat.pivot(index="weekday", columns="hour", values="count").reindex(
        index=range(1, 8), columns=range(24), fill_value=0).fillna(0)
    fig = go.Figure(go.Heatmap(
        z=grid.values, x=[f"{h:02d}" for h in range(24)], y=WEEKDAYS_SHORT_SV, colorscale="Blues",
        hovertemplate="%{y} kl. %{x}: %{z} händelser<extra></extra>", colorbar={"title": {"text": "Antal"}},
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Timme")
    peak_day, peak_hour = divmod(int(grid.values.argmax()), 24)
    widgets.chart(chart_style.style_figure(fig, height=420), "nar-hander-det",
             summary=f"Flest händelser {WEEKDAYS_SHORT_SV[peak_day]} kl. {peak_hour:02d}–{peak_hour + 1:02d}. "
             "Bara händelser med känt klockslag räknas.")
