"""Möte: the weekly meeting run from its agenda – lägesbild, interventions to follow up, priority
areas, decisions and next week's focus places, övriga frågor and the minutes' own details – with
the minutes as PDF and Word in one click, and a justering that locks them.

With ?presentation=1 (app.py hides the sidebar and Streamlit's chrome) the page shows the agenda
as slides that fit the screen (ui.meeting.presentation). The views, forms and the URL/session
state live in trygghet/ui/meeting/; this file puts them together.
"""

from __future__ import annotations

import streamlit as st

from trygghet.core import clock
from trygghet.meeting import records
from trygghet.meeting.agenda import Agenda, agenda
from trygghet.store.access import allowed
from trygghet.ui import cache, login, shell
from trygghet.ui.meeting import forms, presentation, session
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.display import meeting_caption, minutes_buttons
from trygghet.ui.meeting.state import NEW, presentation_on
from trygghet.ui.meeting.views import agenda_control, render_view

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
actor = login.actor()
page = MeetingPage(
    db=db,
    actor=actor,
    can_write=allowed(actor, "redigerare") and not login.display_only(),
    presenting=presentation_on(st.query_params),
    today=clock.today(),
    reference=cache.query(records.reference, db),  # type: ignore[arg-type]
    meetings=tuple(cache.query(records.list_meetings, db)),  # type: ignore[arg-type]
)
by_id, this_week = page.by_id, page.this_week
state = session.start(list(by_id), this_week.id if this_week else None, page.presenting)
meeting = by_id.get(state.meeting_id) if state.meeting_id != NEW else None

if page.presenting:
    presentation.show(page, meeting, state.view)
else:
    st.title("Samverkansmöte")
    top = st.columns([5, 2, 2], vertical_alignment="bottom")
    st.session_state["mote_select"] = state.meeting_id
    top[0].selectbox(
        "Möte", [NEW, *by_id], key="mote_select",
        format_func=lambda i: "Nytt möte …" if i == NEW else by_id[i].label + (" (denna vecka)" if by_id[i] is this_week
                                                                              else ""),
        on_change=lambda: session.choose_meeting(st.session_state["mote_select"]),
        help="Tidigare möten finns kvar här med sina beslut. Öppna beslut följer med till nästa möte tills de "
             "markeras klara.",
    )
    if meeting is not None:
        top[1].button("Presentationsläge", icon=":material/slideshow:", on_click=session.start_presentation,
                      type="primary", width="stretch", help="Helskärm utan sidofält, en punkt i taget.")
        with top[2]:
            forms.close_button(page, meeting, "top")
    if meeting is None:
        if not page.meetings:
            st.write("Inga möten ännu. Starta veckans möte här; dagordningen byggs av data.")
        forms.start_form(page)
    else:
        st.caption(meeting_caption(meeting))
        minutes_buttons(page, meeting, "top")
        if page.editable(meeting):
            with st.expander("Ändra datum, stadsdelar och deltagare"):
                forms.details_form(page, meeting)
        shown: Agenda | None = cache.query(agenda, db, meeting.id, page.today)  # type: ignore[assignment]
        agenda_control()
        if shown is not None:
            render_view(page, state.view, shown)

session.finish(meeting.id if meeting is not None else None)
