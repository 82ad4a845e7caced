"""Presentation mode of the Möte page (?presentation=1): the meeting on the wall, one slide at a time.

Each agenda item is one or more slides that fit the screen (present.slides, drawn as HTML by
present.slide_html); a long list goes on to the next slide, "2/3", which Nästa, the arrow keys,
Page Down and the space bar reach like any other. Only the meeting is shown: the app's banners are
a small badge in the footer, there are no hints, and a control that cannot be used looks disabled.
What the meeting records is written in a dialog ("Anteckna"), so the wall keeps its slide behind it.
The CSS and the key script are static files (ui.meeting.presentation_assets).
"""

from __future__ import annotations

from html import escape

import streamlit as st

from trygghet.analysis import coverage
from trygghet.core.formatting import fmt_date
from trygghet.meeting.agenda import Agenda, agenda
from trygghet.meeting.records import Meeting
from trygghet.present import agenda_slides, coverage_text
from trygghet.present.slide_html import slide_html
from trygghet.ui import cache, login, safe_text, shell
from trygghet.ui.meeting import forms, minutes_forms, session
from trygghet.ui.meeting import state as page_state
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.presentation_assets import PRESENTATION_KEYS_JS
from trygghet.ui.meeting.views import agenda_control


def _coverage_line(page: MeetingPage, shown: Agenda) -> str | None:
    """'Saknas: …' when an expected reporter has not reported the week; None when all have (or none is set up)."""
    week = shown.meeting.week
    cov: coverage.Coverage = cache.query(coverage.coverage, page.db, week, page.today)  # type: ignore[assignment]
    return coverage_text.missing_line(cov, week) if cov.reporters else None


def badges(page: MeetingPage) -> str:
    """The app's banners as small badges: demo data, and a log-in that is not configured."""
    found = []
    if shell.status(page.db)["is_demo"]:
        found.append("Demodata – påhittad kommun")
    if login.mode() == "open":
        found.append("Ingen inloggning")
    return "".join(f'<span class="lb-badge">{escape(b)}</span>' for b in found)


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
    shown: Agenda | None = cache.query(agenda, page.db, meeting.id, page.today)  # type: ignore[assignment]
    if shown is None:
        st.error("Mötet finns inte längre.")
        return
    deck = agenda_slides.deck(shown, _coverage_line(page, shown))
    pages = deck.pages()
    state = session.current()
    slide = deck.slide(view, state.page)
    head = st.columns([2, 8, 2], vertical_alignment="center")
    # The keys (arrows, PageUp/PageDown as a presenter clicker sends, space, Esc) click these buttons
    # through the static script PRESENTATION_KEYS_JS.
    head[0].button("◀ Föregående", key="pres_prev", on_click=session.step, args=(-1, pages),
                   disabled=page_state.at_start(state), width="stretch")
    with head[1]:
        agenda_control(collapsed=True)
    head[2].button("Nästa ▶", key="pres_next", on_click=session.step, args=(1, pages),
                   disabled=page_state.at_end(state, pages), type="primary", width="stretch")
    st.html(slide_html(slide))
    timer = session.timer()
    # Kept at the foot of the screen (presentation.css), whatever the slide's height.
    foot = st.container(key="pres_foot").columns([8, 2, 2] if not timer else [6, 2, 2, 2],
                                                  vertical_alignment="center")
    # Short, so that the footer keeps to one line: 'Samverkansmöte v. 49 · 2026-12-01 · 4 stadsdelar'.
    districts = meeting.district_label if len(meeting.districts) <= 3 else f"{len(meeting.districts)} stadsdelar"
    where = f"{meeting.title} · {fmt_date(meeting.held_on)} · {districts}"
    foot[0].html(f'<p class="lb-foot">{badges(page)}{escape(where)}</p>')
    if page.editable(meeting) and foot[1].button("Anteckna", key="pres_record", icon=":material/edit_note:",
                                                  width="stretch", help="Anteckna beslut och annat för punkten"):
        record_dialog(page, shown, slide.view)
    if timer:
        foot[2].button("Stoppa timern", key="pres_timer_stop", on_click=session.stop_timer,
                       icon=":material/timer_off:", width="stretch")
    foot[-1].button("Avsluta", key="pres_exit", on_click=session.exit_presentation,
                    icon=":material/close_fullscreen:", width="stretch", help="Avsluta presentationsläget (Esc)")


@st.dialog("Anteckna", width="large")
def record_dialog(page: MeetingPage, shown: Agenda, view: int) -> None:
    """What the meeting records for the agenda item on the wall, over the slide."""
    minutes_forms.record_for_view(page, shown, view)
