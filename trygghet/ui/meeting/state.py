"""The Möte page's state: which meeting and which agenda view are shown, and how the URL
(?mote=3&vy=2&presentation=1&timer=60) and the page's own buttons change them.

Pure functions over a small frozen dataclass, so that every transition can be tested without
Streamlit; ui.meeting.session keeps the state in the Streamlit session between reruns and writes
the URL. A link with ?mote= or ?vy= wins once, when it is new; after that the page's own choices
do, and the URL follows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

# URL parameters the meeting page owns. The sidebar rewrites the URL from its filters, so app.py
# puts these back after it (see keep_params).
URL_KEYS = ("presentation", "vy", "timer", "mote")
VIEWS = ("Lägesbild", "Insatser att följa upp", "Prioriterade områden", "Beslut och fokusplatser")
SHORT_LABELS = ("1 Lägesbild", "2 Insatser", "3 Prioriterade områden", "4 Beslut och fokus")
NEW = -1  # the meeting id of the form that starts a new meeting


def presentation_on(params: Mapping[str, object]) -> bool:
    value = params.get("presentation")
    return str(value).strip().lower() in {"1", "true", "ja", "on"}


def keep_params(params: Mapping[str, object]) -> dict[str, str]:
    """The meeting page's own URL parameters, to be put back after the sidebar rewrote the URL."""
    return {k: str(params[k]) for k in URL_KEYS if k in params and params[k] not in (None, "")}


def url_int(params: Mapping[str, object], key: str) -> int | None:
    """A whole number from the URL; anything else (missing, text, negative) is None."""
    value = params.get(key)
    return int(value) if isinstance(value, str) and value.isdigit() else None


@dataclass(frozen=True)
class PageState:
    meeting_id: int  # NEW: the start form instead of a meeting
    view: int = 1  # 1 to len(VIEWS)
    # The last ?mote= and ?vy= acted on (or written by the page), so the same link is not acted on twice.
    meeting_url_seen: int | None = None
    view_url_seen: int | None = None


def clamp_view(view: int) -> int:
    return min(max(view, 1), len(VIEWS))


def resolve(previous: PageState | None, params: Mapping[str, object], meeting_ids: Sequence[int],
            this_week: int | None, presenting: bool) -> PageState:
    """The state a run of the page starts from.

    `meeting_ids` are the stored meetings, the latest first; `this_week` is the id of this week's
    meeting, if any. Without a state of its own the page shows the meeting in the URL, else this
    week's, else (outside presentation mode) the latest; a new ?mote= or ?vy= in the URL moves it
    there. A meeting that no longer exists gives way to this week's or the start form.
    """
    url_meeting = url_int(params, "mote")
    if url_meeting is not None and url_meeting not in meeting_ids:
        url_meeting = None
    state = previous
    if state is None or (url_meeting is not None and url_meeting != state.meeting_url_seen):
        fallback = this_week if this_week is not None else (NEW if presenting or not meeting_ids else meeting_ids[0])
        chosen = url_meeting or fallback
        state = (PageState(chosen, meeting_url_seen=url_meeting) if state is None
                 else replace(state, meeting_id=chosen, meeting_url_seen=url_meeting))
    if state.meeting_id != NEW and state.meeting_id not in meeting_ids:
        state = replace(state, meeting_id=this_week if this_week is not None else NEW)
    url_view = url_int(params, "vy")
    if previous is None or (url_view and url_view != state.view_url_seen):
        state = set_view(state, url_view or 1)
    return state


def choose(state: PageState, meeting_id: int) -> PageState:
    """Another meeting (or NEW), chosen on the page: the URL will follow, so it counts as seen."""
    return replace(state, meeting_id=meeting_id, meeting_url_seen=meeting_id)


def set_view(state: PageState, view: int) -> PageState:
    return replace(state, view=clamp_view(view))


def step(state: PageState, delta: int) -> PageState:
    """The next (+1) or previous (-1) view; it stops at the first and the last."""
    return set_view(state, state.view + delta)


def from_label(state: PageState, label: object) -> PageState:
    """The view a click on the agenda control chose; anything else leaves the state as it was."""
    return set_view(state, SHORT_LABELS.index(label) + 1) if label in SHORT_LABELS else state


def label(state: PageState) -> str:
    """The agenda control's label of the current view."""
    return SHORT_LABELS[state.view - 1]


def settled(state: PageState, shown_meeting: int | None) -> tuple[PageState, dict[str, str]]:
    """At the end of a run: the state with what the URL now says marked as seen, and the URL
    parameters to write (the meeting shown, if any, and the view)."""
    params = {}
    if shown_meeting is not None:
        params["mote"] = str(shown_meeting)
        state = replace(state, meeting_url_seen=shown_meeting)
    params["vy"] = str(state.view)
    return replace(state, view_url_seen=state.view), params
