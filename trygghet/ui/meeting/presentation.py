"""Presentation mode of the Möte page (?presentation=1): one agenda view at a time in large type,
stepped with big buttons, the arrow keys or a presenter clicker, or on a timer (&timer=60).
Everything the meeting records can be recorded without leaving it. Its CSS and key script are
static files (ui.meeting.presentation_assets).
"""

from __future__ import annotations

import streamlit as st

from trygghet.core.formatting import fmt_date
from trygghet.meeting.agenda import Agenda, agenda
from trygghet.meeting.records import Meeting
from trygghet.ui import cache, safe_text
from trygghet.ui.meeting import forms, session
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.presentation_assets import PRESENTATION_KEYS_JS
from trygghet.ui.meeting.state import VIEWS
from trygghet.ui.meeting.views import agenda_control, render_view


def show(page: MeetingPage, meeting: Meeting | None, view: int) -> None:
    """The whole page in presentation mode: the start form when there is no meeting yet."""
    st.html(PRESENTATION_KEYS_JS, unsafe_allow_javascript=True)
    if meeting is None:
        st.title("Samverkansmöte")
        forms.start_form(page)
        if page.meetings:
            latest = page.meetings[0]
            if st.button(f"Visa senaste mötet ({safe_text.plain(latest.label)})", icon=":material/history:",
                         key="pres_latest"):
                session.choose_meeting(latest.id)
                st.rerun()
        st.button("Avsluta presentationsläget", key="pres_exit", on_click=session.exit_presentation,
                  icon=":material/close_fullscreen:")
        return
    shown: Agenda | None = cache.query(agenda, page.db, meeting.id)  # type: ignore[assignment]
    if shown is None:
        st.error("Mötet finns inte längre.")
        return
    head = st.columns([2, 7, 2], vertical_alignment="center")
    # The keys (arrows, PageUp/PageDown as a presenter clicker sends, space, Esc) click these buttons
    # through the static script PRESENTATION_KEYS_JS.
    head[0].button("◀ Föregående", key="pres_prev", on_click=session.step, args=(-1,), disabled=view == 1,
                   width="stretch")
    with head[1]:
        agenda_control(collapsed=True)
    head[2].button("Nästa ▶", key="pres_next", on_click=session.step, args=(1,), disabled=view == len(VIEWS),
                   type="primary", width="stretch")
    render_view(page, view, shown)
    timer = session.timer()
    foot = st.columns([6, 2, 2], vertical_alignment="center")
    foot[0].caption(safe_text.plain(f"{meeting.title} · {fmt_date(meeting.held_on)} · {meeting.district_label}. ") +
                    "Tangenter: → PgDn mellanslag = nästa · ← PgUp = föregående · Esc = avsluta. "
                    + (f"Byter vy var {timer}:e sekund och stannar på sista vyn." if timer else
                       "Lägg till &timer=60 i adressen för automatisk bläddring."))
    if timer:
        foot[1].button("Stoppa timern", key="pres_timer_stop", on_click=session.stop_timer,
                       icon=":material/timer_off:")
    foot[2].button("Avsluta presentation", key="pres_exit", on_click=session.exit_presentation,
                   icon=":material/close_fullscreen:")
