"""The meeting's four agenda views – lägesbild, interventions to follow up, priority areas,
decisions and focus places – drawn from one `meeting.agenda.Agenda`, in the page's normal mode
and in presentation mode (larger type, fewer columns, plain tables)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.analysis import data_start
from trygghet.core.formatting import MISSING, fmt_date, fmt_dec, fmt_int
from trygghet.meeting.agenda import Agenda
from trygghet.present import figures, table_style, tables
from trygghet.ui import coverage_view, safe_text, widgets
from trygghet.ui.meeting import forms, session
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.display import minutes_buttons, static_table, styled
from trygghet.ui.meeting.state import SHORT_LABELS


def agenda_control(*, collapsed: bool = False) -> None:
    """The four views as one segmented control, set to the current view before it is drawn."""
    session.show_view_in_control()
    st.segmented_control("Dagordning", SHORT_LABELS, key=session.VIEW_CONTROL, on_change=session.view_from_control,
                         label_visibility="collapsed" if collapsed else "visible", width="stretch")


def render_view(page: MeetingPage, view: int, agenda: Agenda) -> None:
    editable = page.editable(agenda.meeting)
    if view == 1:
        lagesbild(page, agenda)
    elif view == 2:
        insatser(page, agenda, editable)
    elif view == 3:
        omraden(page, agenda)
    else:
        beslut(page, agenda, editable)


def lagesbild(page: MeetingPage, agenda: Agenda) -> None:
    m, week, key_figures = agenda.meeting, agenda.meeting.week, agenda.key_figures
    presenting = page.presenting
    since = f" · förra mötet {fmt_date(agenda.previous.held_on)}" if agenda.previous else ""
    st.header(f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())}){since}")
    gaps = agenda.key_figure_gaps
    cols = st.columns(4)
    cols[0].metric(f"Händelser {week.label}", fmt_int(key_figures["week"]),
                   delta=None if "previous_week" in gaps else
                   f"{key_figures['week'] - key_figures['previous_week']:+d} mot veckan före".replace("+0", "±0"),
                   delta_color="off")
    cols[1].metric(f"Veckan före ({week.shift(-1).label})",
                   MISSING if "previous_week" in gaps else fmt_int(key_figures["previous_week"]))
    cols[2].metric("Snitt 4 veckor före", MISSING if "previous_4" in gaps else fmt_dec(key_figures["previous_4_mean"], 1))
    cols[3].metric(f"Samma vecka i fjol ({week.same_week_last_year().label})",
                   MISSING if "last_year" in gaps else fmt_int(key_figures["last_year"]))
    if gaps:
        st.caption(data_start.key_figure_note(gaps))

    left, right = st.columns([6, 5], gap="large")
    with left:
        st.markdown("**Det här sticker ut**")
        notable = agenda.notable[:4] if presenting else agenda.notable
        if notable:
            st.markdown("\n".join(f"- {'▲' if n.change.direction == 'upp' else '▼'} {safe_text.plain(n.sentence)}"
                                  for n in notable))
        else:
            st.write("Inga statistiskt säkra förändringar mot de fyra veckorna före i någon stadsdel och kategori.")
        shown, flags = tables.compstat_cells(
            agenda.compstat, limit=4 if presenting else 8,
            columns=["Kategori", "Vecka", "Snitt 4 v. före", "± vecka"] if presenting else None,
            missing=agenda.compstat_gaps)
        if not shown.empty:
            st.markdown("**Kategorier med flest händelser**")
            static_table(page, shown, f"mote-compstat-{m.id}", cell_flags=flags,
                         height=table_style.table_height(len(shown)))
    with right:
        fig = styled(page, figures.weekly_figure(agenda.weekly, week.monday()), 300 if presenting else 380)
        if presenting:
            fig.update_xaxes(tickangle=0, tickfont={"size": 16})
        widgets.chart(fig, f"mote-tolv-veckor-{m.id}",
                      summary=None if presenting else figures.weekly_summary(agenda.weekly))
    if not presenting and not agenda.top_places.empty:
        st.markdown("**Platser med flest händelser**")
        widgets.table(agenda.top_places, f"mote-platser-{m.id}")
    # Who has reported the week, and who is missing: a quiet week may be a silent reporter.
    st.markdown("**Rapportering**")
    coverage_view.show(page.db, week, page.today, f"mote-{m.id}", tuple(m.districts), presenting)


def insatser(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    m, presenting = agenda.meeting, page.presenting
    st.header("2. Insatser att följa upp")
    followup = agenda.followup
    if followup.empty:
        st.write("Inga insatser slutar inom två veckor, är försenade eller har stått stilla i mer än fyra veckor.")
    else:
        overdue = int(followup["overdue"].sum())
        how = (" Ändra status, slutdatum eller kommentar direkt i tabellen och spara; ändringen hamnar i "
               "insatsens historik med mötet som källa.") if editable else ""
        st.caption(f"{fmt_int(len(followup))} insatser att ta upp"
                   + (f", varav {fmt_int(overdue)} försenade" if overdue else "") + "." + how)
        district = followup["district"].fillna("hela kommunen")
        frame = pd.DataFrame({
            "Insats-ID": followup["id"],
            "Insats": followup["title"] + " (" + district + ")" if presenting else followup["title"],
            "Stadsdel": district.str.replace("hela kommunen", "Hela kommunen"),
            "Att följa upp": followup["reasons"],
            "Status": followup["status"],
            "Slut": pd.to_datetime(followup["end_date"]).dt.date,
            "Kommentar": followup["comment"].fillna(""),
        })
        if editable:
            forms.followup_editor(page, m, frame)
        else:
            shown = frame.assign(Slut=[fmt_date(d) if pd.notna(d) else "–" for d in frame["Slut"]])
            static_table(page, shown.drop(columns=["Kommentar"]) if presenting else shown, f"mote-uppfoljning-{m.id}",
                         highlight=list(followup["overdue"]))
    if not agenda.changes.empty:
        # Counted as the table below shows them: one row per intervention, however many fields changed.
        with st.expander(f"Ändringar gjorda på mötet ({agenda.changes['id'].nunique()})", expanded=not presenting):
            st.dataframe(tables.changes(agenda.changes), hide_index=True, width="stretch")
    if agenda.previous is not None:
        st.markdown(f"**Fokusplatser från mötet {fmt_date(agenda.previous.held_on)}** – händelser "
                    f"{m.week.label} mot snittet för de fyra veckorna före")
        if agenda.previous_focus.empty:
            st.write("Förra mötet bestämde inga fokusplatser.")
        else:
            frame = agenda.previous_focus.drop(columns="flag")
            static_table(page, frame, f"mote-fokus-uppfoljning-{m.id}",
                         highlight=[f == "upp" for f in agenda.previous_focus["flag"]])


def omraden(page: MeetingPage, agenda: Agenda) -> None:
    m, window, presenting = agenda.meeting, agenda.areas_window, page.presenting
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
        fig = styled(page, figures.areas_figure(agenda.areas, current, previous, wrap=18 if presenting else 28),
                     150 + 105 * n if presenting else figures.compare_height(n) + 20)
        if presenting:
            fig.update_xaxes(tickangle=0, nticks=3)
            fig.update_yaxes(tickfont={"size": 17})
        widgets.chart(fig, f"mote-omraden-{m.id}",
                      summary=None if presenting else "; ".join(
                          f"{name}: {fmt_int(c)} ({fmt_int(p)} året före)" for name, c, p in
                          zip(agenda.areas["name"], agenda.areas["count"], agenda.areas["count_last_year"],
                              strict=True)))
    with right:
        frame = tables.areas(agenda.areas, current, previous)
        if presenting:
            frame = frame[["Prioriterat område", "Mål", "Förändring", "Insatser"]]
        static_table(page, frame, f"mote-omraden-tabell-{m.id}", highlight=[f == "upp" for f in agenda.areas["flag"]])


def beslut(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.header("4. Beslut och veckans fokusplatser")
    left, right = st.columns([7, 5], gap="large")
    with left:
        forms.decisions_section(page, agenda, editable)
        if editable:
            forms.decision_form(page, agenda)
    with right:
        forms.focus_section(page, agenda, editable)
        if page.presenting:
            st.markdown("**Protokoll**")
            minutes_buttons(page, m, "pres")
            forms.close_button(page, m, "pres")
