"""Prioriterade områden: per area its goal, the trend of its indicators against the year before,
its interventions and, where the survey asks about it, what the residents answered."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.analysis import data_start, interventions, priority_areas, queries
from trygghet.core import clock
from trygghet.core.formatting import fmt_change_pct, fmt_date, fmt_int, fmt_pct
from trygghet.core.periods import month_label
from trygghet.present import chart_style, table_style
from trygghet.ui import cache, login, safe_text, shell, sidebar, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
today = clock.today()

OVERDUE_FILL = table_style.FLAG_STYLES["upp"]  # the same fill as on Översikt and Insatser
PERIOD_COLOUR, BASELINE_COLOUR = "#0072B2", "#595959"
SURVEY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]


def slug(name: str) -> str:
    """A file-name and widget-key friendly form of an area name."""
    return re.sub(r"[^a-z0-9åäö]+", "-", name.casefold()).strip("-")[:40]


def trend_section(area: priority_areas.AreaOverview, trend: pd.DataFrame, first: dt.date | None = None) -> None:
    if trend.empty:
        st.write("Området har inga indikatorer (händelsekategorier) att följa.")
        return
    labels = [
        month_label(m) + ("*" if days < (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).day else "")
        for m, days in zip(trend["month"], trend["days"], strict=True)
    ]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=labels, y=trend["count"], name="Perioden", marker_color=PERIOD_COLOUR,
        hovertemplate="%{x}: %{y} händelser<extra>Perioden</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=labels, y=trend["baseline"], name="Samma dagar året före", mode="lines+markers",
        line={"color": BASELINE_COLOUR, "width": 3, "dash": "dash"}, marker={"size": 8},
        hovertemplate="%{x}: %{y} händelser året före<extra></extra>",
    ))
    fig.update_yaxes(title="Händelser per månad", rangemode="tozero")
    fig.update_xaxes(title=None, tickangle=-45 if len(labels) > 12 else 0)
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}, bargap=0.25)
    chart_style.style_figure(fig, height=440)
    fig.update_layout(margin={"t": 50})

    both = trend.dropna(subset=["count", "baseline"])
    total = trend["count"].sum()
    summary = f"{fmt_int(total)} händelser i {', '.join(area.indicators)} under perioden."
    if not both.empty:
        now, before = both["count"].sum(), both["baseline"].sum()
        change = fmt_change_pct((now - before) / before * 100) if before > 0 else "–"
        first, last = both["month"].iloc[0], both["month"].iloc[-1]
        summary += (
            f" Månaderna {month_label(first)}–{month_label(last)}: {fmt_int(now)} händelser mot "
            f"{fmt_int(before)} samma dagar året före ({change})."
        )
    if trend["baseline"].isna().any():
        summary += (f" Månader utan linje: {data_start.no_comparison_text(first)}." if first else
                    " Månader utan jämförelse saknar data året före.")
    if any(label.endswith("*") for label in labels):
        summary += " * Bara en del av månaden ingår; året före räknas samma dagar."
    widgets.chart(fig, f"trend-{slug(area.name)}", summary=summary)


def intervention_section(area: priority_areas.AreaOverview, listed: pd.DataFrame) -> None:
    counts = dict(area.status_counts)
    parts = [f"**{fmt_int(n)}** {safe_text.plain(interventions.status_word(status, n))}" for status, n in counts.items() if n]
    if area.overdue:
        parts.append(f"**{fmt_int(area.overdue)} {interventions.status_word('Försenad', area.overdue)}**")
    st.markdown("### Insatser")
    if not parts:
        st.write("Inga insatser i urvalet.")
        return
    st.markdown(" · ".join(parts))
    mine = listed[listed["Prioriterat område"] == area.name]
    compact = pd.DataFrame({
        "Insats": mine["Insats"],
        "Stadsdel": mine["Stadsdel"].fillna("Hela kommunen"),
        "Status": [f"{s} – försenad" if late else s for s, late in zip(mine["Status"], mine["Försenad"], strict=True)],
        "Slut": mine["Slut"].map(lambda d: fmt_date(d) if pd.notna(d) else "Ej satt"),
    })
    styler = compact.style.apply(
        lambda row: [OVERDUE_FILL if row["Status"].endswith("försenad") else "" for _ in row], axis=1
    )
    widgets.table(
        compact, f"insatser-{slug(area.name)}", styler=styler, height=min(table_style.table_height(len(compact)), 360),
        column_config={"Insats": st.column_config.TextColumn(width="large"),
                       "Status": st.column_config.TextColumn(width=170),
                       "Slut": st.column_config.TextColumn(width=105)},
    )


def survey_section(area: priority_areas.AreaOverview, survey: pd.DataFrame) -> None:
    st.markdown("### Trygghetsmätningen")
    if survey.empty:
        st.write("Ingen fråga i trygghetsmätningen hör till området.")
        return
    fig = go.Figure()
    for i, (indicator, rows) in enumerate(survey.groupby("indicator", sort=False)):
        fig.add_trace(go.Scatter(
            x=rows["year"], y=rows["value"], name=indicator, mode="lines+markers+text",
            line={"color": SURVEY_COLOURS[i % len(SURVEY_COLOURS)], "width": 3}, marker={"size": 10},
            text=[fmt_pct(v, 0) for v in rows["value"]], textposition="top center",
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        ))
    fig.update_xaxes(title=None, type="category")
    fig.update_yaxes(title="Andel (%)", range=[0, 100])
    # Shown even for a single question: the legend is where its wording is.
    fig.update_layout(legend={"orientation": "h", "y": -0.15, "yanchor": "top"}, showlegend=True)
    chart_style.style_figure(fig, height=340)
    parts = []
    for indicator, rows in survey.groupby("indicator", sort=False):
        values = ", ".join(f"{y}: {fmt_pct(v, 1)}" for y, v in zip(rows["year"], rows["value"], strict=True))
        parts.append(f"{indicator} – {values}")
    respondents = survey["respondents"].dropna()
    weighted = f"viktat med antal svar ({fmt_int(respondents.max())} svar som mest per år)" if len(respondents) else ""
    widgets.chart(
        fig,
        f"enkat-{slug(area.name)}",
        summary="; ".join(parts) + f". Snitt över {filters.district_label if filters.districts else 'alla stadsdelar'}"
        + (f", {weighted}" if weighted else "") + ". Frågan kopplas till området genom nyckelord i namnen.",
    )


st.title("Prioriterade områden")
st.caption(
    f"{safe_text.plain(filters.district_label)} · trender {fmt_date(filters.start)} – {fmt_date(filters.end)} · "
    f"Visar de områden som gäller {fmt_date(filters.end)} (periodens sista dag)."
)

areas: list[priority_areas.AreaOverview] = cache.query(priority_areas.priority_area_overview, db, filters, today)
current = [a for a in areas if a.current]
others = [a for a in areas if not a.current]
if not areas:
    st.info("Inga prioriterade områden finns ännu. Ladda upp bladet Prioriterade områden på sidan Data.",
            icon=":material/flag:")
    st.stop()
if others:
    st.caption(f"Gäller inte {fmt_date(filters.end)} och visas därför inte: " + safe_text.plain(", ".join(a.name for a in others))
               + ".")
if not current:
    st.write("Inget prioriterat område gäller periodens sista dag. Välj en annan period i sidofältet.")
    st.stop()

listed: pd.DataFrame = cache.query(interventions.intervention_list, db, filters, today)
# Every area's trend in one scan of the daily counts.
first_data, last_data = cache.query(queries.event_date_range, db)
# From the chosen sources' first day: a month a year before a source began is no comparison.
first_data = cache.query(data_start.first_day, db, filters.sources) or first_data
trends: dict[str, pd.DataFrame] = cache.query(priority_areas.indicator_trends, db, filters,
                                           tuple(a.name for a in current), (first_data, last_data))

# Every area's survey questions in one query, not one per area.
surveys: dict[str, pd.DataFrame] = cache.query(priority_areas.related_surveys, db, tuple(a.name for a in current),
                                              filters.districts)
for area in current:
    with st.container(border=True):
        st.header(safe_text.plain(area.name), anchor=slug(area.name))
        if area.goal:
            st.markdown(f"**Mål:** {safe_text.plain(area.goal)}")
        if area.description:
            st.markdown(safe_text.plain(area.description))
        valid = f"{fmt_date(area.valid_from) if area.valid_from else 'tills vidare'} – " + (
            fmt_date(area.valid_to) if area.valid_to else "tills vidare")
        indicators = ", ".join(area.indicators) if area.indicators else "inga"
        st.caption(f"Gäller {valid} · Följs upp med händelserna: {safe_text.plain(indicators)}")
        # The trend spans up to three years of months and needs the full width to stay readable.
        st.markdown("### Händelser mot året före")
        trend_section(area, trends[area.name], first_data)
        left, right = st.columns([3, 2], gap="large")
        with left:
            intervention_section(area, listed)
        with right:
            survey_section(area, surveys[area.name])

st.caption(
    "Trenden räknar områdets händelsekategorier i valda stadsdelar och källor; kategorivalet i sidofältet "
    "gäller inte här. Jämförelsen är samma datum ett år tidigare."
)
