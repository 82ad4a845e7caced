"""The Prioriterade områden page's parts: an overview of every area in one table, the choice of
one area, and that area's trend, interventions and survey answers."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import streamlit as st

from trygghet.analysis import data_start, interventions
from trygghet.analysis import priority_areas as pa
from trygghet.analysis.survey import fmt_points
from trygghet.core.filters import Filters
from trygghet.core.formatting import MISSING, fmt_change_pct, fmt_date, fmt_int, fmt_pct
from trygghet.core.periods import month_label
from trygghet.present import table_style, vega_specs
from trygghet.ui import safe_text, widgets

OVERDUE_FILL = table_style.FLAG_STYLES["upp"]  # the same fill as on Översikt and Insatser
PERIOD_COLOUR, BASELINE_COLOUR = "#0072B2", "#595959"
SURVEY_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"]
AREA_KEY = "prio_omrade"
AREA_PARAM = "omrade"  # the chosen area in the URL, beside the sidebar's filters
_LAST_URL_AREA = "_prio_omrade_url"
_LAST_AREA = "_prio_omrade_last"
GOAL_CHARS = 50


def slug(name: str) -> str:
    """A file-name and widget-key friendly form of an area name."""
    return re.sub(r"[^a-z0-9åäö]+", "-", name.casefold()).strip("-")[:40]


def short_goal(goal: str | None, limit: int = GOAL_CHARS) -> str:
    """The goal's first words, cut at a word and marked with '…' when longer than `limit`."""
    if not goal:
        return MISSING
    text = " ".join(goal.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut} …"


def _change_text(totals: pa.TrendTotals | None) -> str:
    if totals is None or totals.change_pct is None:
        return MISSING
    return fmt_change_pct(totals.change_pct)


def _survey_text(survey: pd.DataFrame) -> str:
    parts = []
    for latest in pa.survey_latest(survey):
        part = f"{latest.indicator} {latest.year}: {fmt_pct(latest.value, 1)}"
        if latest.change_points is not None:
            part += f" ({fmt_points(latest.change_points)})"
        parts.append(part)
    return " · ".join(parts) or MISSING


OVERVIEW_COLUMNS = ["Område", "Mål", "Händelser", "Mot året före", "Öppna insatser", "Försenade",
                    "Trygghetsmätningen"]


def overview_frame(areas: list[pa.AreaOverview], totals_by_area: dict[str, pa.TrendTotals | None],
                   surveys: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per area as the overview shows it: every number already in the app's Swedish form."""
    rows = []
    for area in areas:
        totals = totals_by_area[area.name]
        rows.append([area.name, short_goal(area.goal), fmt_int(totals.total) if totals is not None else MISSING,
                     _change_text(totals), fmt_int(pa.open_interventions(area)), fmt_int(area.overdue),
                     _survey_text(surveys[area.name])])
    return pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)


def overview_note(totals_by_area: dict[str, pa.TrendTotals | None], filters: Filters, first: dt.date | None) -> str:
    """What the overview's columns count; the compared months are the same for every area."""
    compared = next((t.compared for t in totals_by_area.values() if t is not None and t.compared), None)
    note = f"Händelser: områdets händelsekategorier {fmt_date(filters.start)} – {fmt_date(filters.end)}. "
    if compared is None:
        note += "Mot året före: " + (data_start.no_comparison_text(first) if first else "ingen jämförelse") + ". "
    else:
        whole = all(t is None or t.whole for t in totals_by_area.values())
        months = "" if whole else f" under {month_label(compared[0])}–{month_label(compared[1])}"
        note += f"Mot året före: samma dagar ett år tidigare{months}. "
    return note + ("Öppna insatser är planerade och pågående. Trygghetsmätningen: senaste året, inom parentes "
                   "förändringen i procentenheter mot året innan.")


def overview_section(frame: pd.DataFrame) -> None:
    # A plain table: on the wall its long names and goals wrap instead of being cut, and it costs
    # the browser less than a dataframe's canvas. st.table reads every cell as Markdown.
    st.table(safe_text.plain_frame(frame), hide_index=True)


def _keep_a_choice() -> None:
    """A click on the chosen area again would leave none chosen: the choice stays instead."""
    state = st.session_state
    if state.get(AREA_KEY) is None:
        state[AREA_KEY] = state.get(_LAST_AREA)


def choose_area(names: list[str]) -> str:
    """The area shown in detail, chosen with one click; the first by default, kept across reruns
    and in the URL (?omrade=…) so that a link opens the same area."""
    state = st.session_state
    wanted = st.query_params.get(AREA_PARAM)
    if wanted and wanted != state.get(_LAST_URL_AREA):
        state[_LAST_URL_AREA] = wanted
        if wanted in names:
            state[AREA_KEY] = wanted
    if state.get(AREA_KEY) not in names:
        state[AREA_KEY] = state.get(_LAST_AREA) if state.get(_LAST_AREA) in names else names[0]
    chosen = st.pills("Område", names, selection_mode="single", format_func=safe_text.plain,  # read as Markdown
                      key=AREA_KEY, on_change=_keep_a_choice) or names[0]
    state[_LAST_AREA] = chosen
    if st.query_params.get(AREA_PARAM) != chosen:
        st.query_params[AREA_PARAM] = chosen
    state[_LAST_URL_AREA] = chosen
    return chosen


def trend_section(area: pa.AreaOverview, trend: pd.DataFrame, first: dt.date | None = None) -> None:
    if trend.empty:
        st.write("Området har inga indikatorer (händelsekategorier) att följa.")
        return
    labels = [
        month_label(m) + ("*" if days < (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).day else "")
        for m, days in zip(trend["month"], trend["days"], strict=True)
    ]
    data, spec = vega_specs.month_bars_with_baseline(
        labels, trend["count"], trend["baseline"], period="Perioden", before="Samma dagar året före",
        colours=(PERIOD_COLOUR, BASELINE_COLOUR), slanted=len(labels) > 12, dark=widgets.is_dark())

    totals = pa.trend_totals(trend)
    summary = f"{fmt_int(totals.total)} händelser i {', '.join(area.indicators)} under perioden."
    if totals.compared is not None:
        change = fmt_change_pct(totals.change_pct) if totals.change_pct is not None else "–"
        start, end = totals.compared
        summary += (
            f" Månaderna {month_label(start)}–{month_label(end)}: {fmt_int(totals.now)} händelser mot "
            f"{fmt_int(totals.before)} samma dagar året före ({change})."
        )
    if trend["baseline"].isna().any():
        summary += (f" Månader utan linje: {data_start.no_comparison_text(first)}." if first else
                    " Månader utan jämförelse saknar data året före.")
    if any(label.endswith("*") for label in labels):
        summary += " * Bara en del av månaden ingår; året före räknas samma dagar."
    widgets.vega_chart(data, spec, summary=summary)


def intervention_section(area: pa.AreaOverview, listed: pd.DataFrame) -> None:
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
    styler = table_style.row_styler(compact, [status.endswith("försenad") for status in compact["Status"]],
                                    OVERDUE_FILL)
    widgets.table(
        compact, f"insatser-{slug(area.name)}", styler=styler, height=min(table_style.table_height(len(compact)), 360),
        column_config={"Insats": st.column_config.TextColumn(width="large"),
                       "Status": st.column_config.TextColumn(width=170),
                       "Slut": st.column_config.TextColumn(width=105)},
    )


def survey_section(area: pa.AreaOverview, survey: pd.DataFrame, filters: Filters) -> None:
    st.markdown("### Trygghetsmätningen")
    if survey.empty:
        st.write("Ingen fråga i trygghetsmätningen hör till området.")
        return
    # Shown even for a single question: the legend is where its wording is.
    data, spec = vega_specs.shares_over_years(survey, colours=SURVEY_COLOURS, dark=widgets.is_dark())
    parts = []
    for indicator, rows in survey.groupby("indicator", sort=False):
        values = ", ".join(f"{y}: {fmt_pct(v, 1)}" for y, v in zip(rows["year"], rows["value"], strict=True))
        parts.append(f"{indicator} – {values}")
    respondents = survey["respondents"].dropna()
    weighted = f"viktat med antal svar ({fmt_int(respondents.max())} svar som mest per år)" if len(respondents) else ""
    widgets.vega_chart(
        data, spec,
        summary="; ".join(parts) + f". Snitt över {filters.district_label if filters.districts else 'alla stadsdelar'}"
        + (f", {weighted}" if weighted else "") + ". Frågan kopplas till området genom nyckelord i namnen.",
    )


def area_detail(area: pa.AreaOverview, trend: pd.DataFrame, survey: pd.DataFrame, listed: pd.DataFrame,
                filters: Filters, first: dt.date | None) -> None:
    """The chosen area as a whole: goal, description, validity, trend, interventions and survey."""
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
        trend_section(area, trend, first)
        left, right = st.columns([3, 2], gap="large")
        with left:
            intervention_section(area, listed)
        with right:
            survey_section(area, survey, filters)
