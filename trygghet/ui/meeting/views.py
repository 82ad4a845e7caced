"""The meeting's five agenda views in the page's normal mode – lägesbild, interventions to follow
up, priority areas, decisions and focus places, övriga frågor and the minutes' own details – drawn
from one `meeting.agenda.Agenda`. Presentation mode draws the same agenda as slides
(ui.meeting.presentation)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.analysis import data_start
from trygghet.core.formatting import fmt_count, fmt_date, fmt_int
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.agenda import agenda as agenda_of
from trygghet.present import figures, table_style, tables
from trygghet.ui import cache, coverage_view, safe_text, widgets
from trygghet.ui.meeting import forms, minutes_forms, session
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.display import static_table, styled, styled_figure
from trygghet.ui.meeting.state import SHORT_LABELS


def agenda_control(*, collapsed: bool = False) -> None:
    """The agenda's views as one segmented control, set to the current view before it is drawn."""
    session.show_view_in_control()
    st.segmented_control("Dagordning", SHORT_LABELS, key=session.VIEW_CONTROL, on_change=session.view_from_control,
                         label_visibility="collapsed" if collapsed else "visible", width="stretch")


def render_view(page: MeetingPage, view: int, agenda: Agenda) -> None:
    editable = page.editable(agenda.meeting)
    if view == 1:
        lagesbild(page, agenda)
        minutes_forms.note_section(page, agenda, "lagesbild", editable)
    elif view == 2:
        insatser(page, agenda, editable)
        minutes_forms.note_section(page, agenda, "insatser", editable)
    elif view == 3:
        omraden(page, agenda)
        minutes_forms.note_section(page, agenda, "omraden", editable)
    elif view == 4:
        beslut(page, agenda, editable)
        minutes_forms.note_section(page, agenda, "beslut", editable)
    else:
        minutes_forms.protocol_view(page, agenda, editable)


def compstat_cells(agenda: Agenda) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lägesbild's categories with the most events and their flags, for cache.derived."""
    return tables.compstat_cells(agenda.compstat, limit=8, missing=agenda.compstat_gaps, partial=agenda.partial)


def weekly_chart(agenda: Agenda, presentation_font: int | None) -> tuple[go.Figure, str]:
    """The twelve weeks' figure and its text alternative, for cache.derived."""
    monday = agenda.meeting.week.monday()
    partial = agenda.span.short_weekdays if agenda.partial and agenda.span is not None else ""
    fig = styled_figure(figures.weekly_figure(agenda.weekly, monday, partial), 380, presentation_font)
    return fig, figures.weekly_summary(agenda.weekly, monday, partial)


def lagesbild(page: MeetingPage, agenda: Agenda) -> None:
    m, week = agenda.meeting, agenda.meeting.week
    since = f" · förra mötet {fmt_date(agenda.previous.held_on)}" if agenda.previous else ""
    st.header(f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())}){since}")
    if agenda.partial and agenda.span is not None:
        st.warning(agenda.span.note, icon=":material/hourglass_top:")
    gaps = agenda.key_figure_gaps
    items = tables.key_figure_items(agenda.key_figures, week, gaps, agenda.span)
    delta = tables.week_delta(agenda.key_figures, gaps)
    cols = st.columns(4)
    for i, (label, value) in enumerate(items):
        # An ASCII sign, so that Streamlit points the arrow the right way.
        cols[i].metric(label, value, delta=delta.replace("\u2212", "-") if i == 0 and delta else None,
                       delta_color="off")
    if gaps:
        st.caption(data_start.key_figure_note(gaps))

    left, right = st.columns([6, 5], gap="large")
    with left:
        st.markdown("**Det här sticker ut**")
        if agenda.partial:
            st.write("Inga förändringar bedöms förrän veckan är hel.")
        elif agenda.notable:
            st.markdown("\n".join(f"- {'▲' if n.change.direction == 'upp' else '▼'} {safe_text.plain(n.sentence)}"
                                  for n in agenda.notable))
        else:
            st.write("Inga statistiskt säkra förändringar i någon stadsdel och kategori.")
        # The agenda is the meeting's, whatever the sidebar chooses: its tests and figure are built once.
        shown, flags = cache.derived(compstat_cells, page.db, (agenda_of, m.id))  # type: ignore[misc]
        if not shown.empty:
            st.markdown("**Kategorier med flest händelser**" + (" – samma veckodagar" if agenda.partial else ""))
            static_table(page, shown, f"mote-compstat-{m.id}", cell_flags=flags,
                         height=table_style.table_height(len(shown)))
    with right:
        fig, summary = cache.derived(weekly_chart, page.db, (agenda_of, m.id),  # type: ignore[misc]
                                     page.chart_font if page.presenting else None)
        widgets.chart(fig, f"mote-tolv-veckor-{m.id}", summary=summary)
    if not agenda.top_places.empty:
        st.markdown("**Platser med flest händelser**")
        widgets.table(agenda.top_places, f"mote-platser-{m.id}")
    # Who has reported the week, and who is missing: a quiet week may be a silent reporter.
    st.markdown("**Rapportering**")
    coverage_view.show(page.db, week, page.today, f"mote-{m.id}", tuple(m.districts), False)


def insatser(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.header("2. Insatser att följa upp")
    followup = agenda.followup
    if followup.empty:
        st.write("Inga insatser slutar inom två veckor, är försenade eller har stått stilla i mer än fyra veckor.")
    else:
        overdue = int(followup["overdue"].sum())
        how = (" Ändra status, slutdatum eller kommentar direkt i tabellen och spara; ändringen hamnar i "
               "insatsens historik med mötet som källa.") if editable else ""
        st.caption(f"{fmt_count(len(followup), 'insats', 'insatser')} att ta upp"
                   + (f", varav {fmt_int(overdue)} {'försenad' if overdue == 1 else 'försenade'}" if overdue else "")
                   + "." + how)
        forms.followup_section(page, m, followup, editable)
    if not agenda.changes.empty:
        # Counted as the table below shows them: one row per intervention, however many fields changed.
        with st.expander(f"Ändringar gjorda på mötet ({agenda.changes['id'].nunique()})", expanded=True):
            st.dataframe(tables.changes(agenda.changes), hide_index=True, width="stretch")
    if agenda.previous is not None:
        same = " (samma veckodagar)" if agenda.partial else ""
        st.markdown(f"**Fokusplatser från mötet {fmt_date(agenda.previous.held_on)}** – händelser "
                    f"{m.week.label}{same} mot snittet för de fyra veckorna före")
        if agenda.previous_focus.empty:
            st.write("Förra mötet bestämde inga fokusplatser.")
        else:
            frame = agenda.previous_focus.drop(columns="flag")
            static_table(page, frame, f"mote-fokus-uppfoljning-{m.id}",
                         highlight=[f == "upp" for f in agenda.previous_focus["flag"]])


def omraden(page: MeetingPage, agenda: Agenda) -> None:
    m, window = agenda.meeting, agenda.areas_window
    st.header("3. Prioriterade områden")
    if agenda.areas.empty:
        st.write("Inga prioriterade områden gäller just nu. De läses in under Data.")
        return
    current, previous = f"Hittills {window.start.year}", f"Samma period {window.start.year - 1}"
    st.caption(f"Händelser i områdenas indikatorkategorier {fmt_date(window.start)} – "
               f"{fmt_date(window.end - dt.timedelta(days=1))} mot samma datum året före "
               f"({safe_text.plain(m.district_label)}). Orange: statistiskt säker ökning.")
    left, right = st.columns([5, 6], gap="large")
    with left:
        n = len(agenda.areas)
        fig = styled(page, figures.areas_figure(agenda.areas, current, previous), figures.compare_height(n) + 20)
        widgets.chart(fig, f"mote-omraden-{m.id}", summary="; ".join(
            f"{name}: {fmt_int(c)} ({fmt_int(p)} året före)" for name, c, p in
            zip(agenda.areas["name"], agenda.areas["count"], agenda.areas["count_last_year"], strict=True)))
    with right:
        frame = tables.areas(agenda.areas, current, previous)
        static_table(page, frame, f"mote-omraden-tabell-{m.id}", highlight=[f == "upp" for f in agenda.areas["flag"]])


def beslut(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    st.header("4. Beslut och veckans fokusplatser")
    left, right = st.columns([7, 5], gap="large")
    with left:
        forms.decisions_section(page, agenda, editable)
        if editable:
            minutes_forms.report_back_form(page, agenda)
            forms.decision_form(page, agenda)
    with right:
        forms.focus_section(page, agenda, editable)

