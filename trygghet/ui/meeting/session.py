"""The Möte page's state (ui.meeting.state) kept in the Streamlit session, and the URL written to
match it. The functions here are the page's callbacks: any part of the page may choose a meeting
or a view, and the widgets are set from the state before they are drawn."""

from __future__ import annotations

import streamlit as st

from trygghet.ui.meeting import state as page_state
from trygghet.ui.meeting.state import NEW, PageState

_KEY = "mote_state"
VIEW_CONTROL = "mote_vy_ctl"  # the agenda control's widget key


def start(meeting_ids: list[int], this_week: int | None, presenting: bool) -> PageState:
    """The state this run starts from, after the URL has had its say."""
    state = page_state.resolve(st.session_state.get(_KEY), st.query_params, meeting_ids, this_week, presenting)
    st.session_state[_KEY] = state
    return state


def current() -> PageState:
    return st.session_state[_KEY]


def choose_meeting(meeting_id: int) -> None:
    st.session_state[_KEY] = page_state.choose(current(), meeting_id)
    if meeting_id == NEW:
        st.query_params.pop("mote", None)
    else:
        st.query_params["mote"] = str(meeting_id)


def set_view(view: int) -> None:
    st.session_state[_KEY] = page_state.set_view(current(), view)


def step(delta: int, pages: tuple[int, ...] | None = None) -> None:
    """The next or previous slide; `pages` is each view's number of slides in presentation mode."""
    st.session_state[_KEY] = page_state.step(current(), delta, pages)


def view_from_control() -> None:
    st.session_state[_KEY] = page_state.from_label(current(), st.session_state.get(VIEW_CONTROL))


def show_view_in_control() -> None:
    """Sets the agenda control to the current view before it is drawn."""
    st.session_state[VIEW_CONTROL] = page_state.label(current())


def start_presentation() -> None:
    st.query_params["presentation"] = "1"


def exit_presentation() -> None:
    for key in ("presentation", "timer", "sida"):
        st.query_params.pop(key, None)


def stop_timer() -> None:
    st.query_params.pop("timer", None)


def timer() -> int | None:
    """The seconds of &timer= in the URL, if any."""
    return page_state.url_int(st.query_params, "timer")


def finish(shown_meeting: int | None) -> None:
    """At the end of the run: the URL names the meeting and view shown."""
    state, params = page_state.settled(current(), shown_meeting)
    st.session_state[_KEY] = state
    for key, value in params.items():
        if value:
            st.query_params[key] = value
        else:
            st.query_params.pop(key, None)
