"""Trender's three views: the weeks (with months and tertials), the year's rhythm (årshjul), and the
weekday × hour map. The page shows one at a time, so a district click redraws one chart, not three."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.analysis import data_start, queries, seasonality, trends
from trygghet.core.filters import Filters
from trygghet.core.formatting import fmt_int
from trygghet.core.periods import WEEKDAYS_SHORT_SV
from trygghet.present import chart_style, rhythm_figure, trend_figure
from trygghet.store.db import Database
from trygghet.ui import cache, widgets

WEEKS, YEAR, HOURS = "Veckor", "Året", "Veckodag och timme"
VIEWS = (WEEKS, YEAR, HOURS)
NO_EVENTS = "Inga händelser i urvalet."


def remembered(key: str, options: list[str], default: str) -> str:
    """The choice last made in a control of this view, for its default when the view is shown again.

    Streamlit forgets a widget's state while the widget is not drawn, so without this a look at
    another view put the weekly view's controls back to their defaults."""
    kept = st.session_state.get(f"{key}_kept")
    return kept if kept in options else default


def keep(key: str, value: str) -> str:
    st.session_state[f"{key}_kept"] = value
    return value


def weeks(db: Database, filters: Filters, colors: dict[str, str]) -> None:
    """Weekly lines with the interventions under them, or months or tertials year against year."""
    left, right = st.columns(2)
    groupings, resolutions = ["Totalt", "Kategori", "Stadsdel"], ["Vecka", "Månad", "Tertial"]
    grouping = keep("trend_grouping", left.segmented_control(
        "Dela upp på", groupings, default=remembered("trend_grouping", groupings, "Totalt"), key="trend_grouping"
    ) or "Totalt")
    resolution = keep("trend_resolution", right.segmented_control(
        "Upplösning", resolutions, default=remembered("trend_resolution", resolutions, "Vecka"), key="trend_resolution"
    ) or "Vecka")
    if resolution == "Vecka":
        _weekly(db, filters, colors, grouping)
        return
    monthly = cache.query(queries.monthly_counts, db, filters)
    if monthly.empty:
        st.write(NO_EVENTS)
    elif resolution == "Månad":
        _months(monthly)
    else:
        _tertials(monthly, filters)


def _weekly(db: Database, filters: Filters, colors: dict[str, str], grouping: str) -> None:
    by = {"Totalt": None, "Kategori": "category", "Stadsdel": "district"}[grouping]
    weekly = trends.weekly_frame(cache.query(queries.weekly_series, db, filters, by), filters.start, filters.end)
    # A week whose twin a year earlier lies before the data has no 'samma vecka i fjol': a gap, not a 0.
    first = cache.query(data_start.first_day, db, filters.sources)
    weekly = data_start.blank_last_year(weekly, first)
    if weekly.empty:
        st.write(NO_EVENTS)
        return
    periods = cache.query(queries.intervention_periods, db, filters)
    # The most recent interventions matter most in the meeting; older ones are on the Insatser page.
    shown = periods.sort_values("start_date", ascending=False).head(12).sort_values("start_date")
    lines = weekly if by is None else trends.keep_largest(weekly, 8)
    fig = trend_figure.weekly_trend_figure(lines, by, shown, colors, filters.start, filters.end)
    total = int(weekly["count"].sum())
    widgets.chart(
        fig,
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


def _months(monthly: pd.DataFrame) -> None:
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


def _tertials(monthly: pd.DataFrame, filters: Filters) -> None:
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


def year(db: Database, filters: Filters) -> None:
    """The year of the chosen week against the whole years before it; the category choice is the view's own."""
    st.header("Årshjul")
    rhythm_year = filters.week.year
    rhythm_source = (seasonality.weekly_counts, filters, rhythm_year)
    rhythm = cache.query(seasonality.weekly_counts, db, filters, rhythm_year)
    table = cache.derived(seasonality.rhythm_table, db, rhythm_source, rhythm_year) if not rhythm.empty else None
    if table is None or table.empty:
        st.write(NO_EVENTS)
        return
    all_label = "Alla kategorier"
    choices = [all_label, *table["Kategori"]]
    kept = remembered("arshjul_kategori", choices, all_label)
    choice = keep("arshjul_kategori", st.selectbox("Kategori i årshjulet", choices, index=choices.index(kept),
                                                    key="arshjul_kategori"))
    category = None if choice == all_label else choice
    plans = cache.query(seasonality.interventions_in_year, db, filters, rhythm_year, category)
    year_fig, year_text = cache.derived(rhythm_figure.year_chart, db, rhythm_source,  # type: ignore[misc]
                                        category, rhythm_year, plans, choice)
    widgets.chart(year_fig, f"arshjul-{rhythm_year}", summary=year_text)
    whole = int(table["Hela år"].max())
    if whole < seasonality.MIN_YEARS:
        st.caption(f"Det behövs minst {seasonality.MIN_YEARS} hela år med data för att se årets rytm; det finns "
                   f"{whole}. Linjen för tidigare år visas ändå.")
    widgets.table(table, f"arshjul-kategorier-{rhythm_year}")
    st.caption("Skuggade veckor: där kategorin brukar toppa. " + seasonality.RULE
               + " Insatserna är de som pågår eller planeras under året i valda stadsdelar och hör till kategorin.")


def hours(db: Database, filters: Filters) -> None:
    """Events with a known time of day by weekday and hour."""
    st.header("När händer det?")
    heat = cache.query(queries.weekday_hour, db, filters)
    if heat.empty:
        st.write("Inga händelser med känt klockslag i urvalet.")
        return
    grid = heat.pivot(index="weekday", columns="hour", values="count").reindex(
        index=range(1, 8), columns=range(24), fill_value=0).fillna(0)
    peak_day, peak_hour = divmod(int(grid.values.argmax()), 24)
    widgets.chart(trend_figure.hour_figure(grid.values), "nar-hander-det",
                  summary=f"Flest händelser {WEEKDAYS_SHORT_SV[peak_day]} kl. {peak_hour:02d}–{peak_hour + 1:02d}. "
                  "Bara händelser med känt klockslag räknas.")
