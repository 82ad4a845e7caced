"""The Möte page's state: which meeting, which agenda view and which of its slides are shown, and
how the URL (?mote=3&vy=2&sida=2&presentation=1&timer=60) and the page's own buttons change them.

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
URL_KEYS = ("presentation", "vy", "sida", "timer", "mote")
VIEWS = ("Lägesbild", "Insatser att följa upp", "Prioriterade områden", "Beslut och fokusplatser",
         "Övriga frågor och protokoll")
SHORT_LABELS = ("1 Lägesbild", "2 Insatser", "3 Prioriterade områden", "4 Beslut och fokus", "5 Övrigt")
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
    page: int = 1  # the slide within the view, in presentation mode (1 up to the view's slides)


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
        state = replace(set_view(state, url_view or 1), page=max(url_int(params, "sida") or 1, 1))
    return state


def choose(state: PageState, meeting_id: int) -> PageState:
    """Another meeting (or NEW), chosen on the page: the URL will follow, so it counts as seen."""
    return replace(state, meeting_id=meeting_id, meeting_url_seen=meeting_id)


def set_view(state: PageState, view: int) -> PageState:
    return replace(state, view=clamp_view(view), page=1)


def _counts(pages: Sequence[int] | None) -> list[int]:
    """Slides per view: one each unless the presentation says how many."""
    counts = [max(int(n), 1) for n in (pages or ())][: len(VIEWS)]
    return counts + [1] * (len(VIEWS) - len(counts))


def step(state: PageState, delta: int, pages: Sequence[int] | None = None) -> PageState:
    """The next (+1) or previous (-1) slide: within the view while it has more (`pages` gives each
    view's number of slides), else the first slide of the next view or the last of the one before.
    It stops at the very first and the very last."""
    counts = _counts(pages)
    view = clamp_view(state.view)
    page = min(max(state.page, 1), counts[view - 1])
    if delta > 0:
        if page < counts[view - 1]:
            page += 1
        elif view < len(VIEWS):
            view, page = view + 1, 1
    elif delta < 0:
        if page > 1:
            page -= 1
        elif view > 1:
            view -= 1
            page = counts[view - 1]
    return replace(state, view=view, page=page)


def at_start(state: PageState) -> bool:
    return state.view == 1 and state.page <= 1


def at_end(state: PageState, pages: Sequence[int] | None = None) -> bool:
    return state.view == len(VIEWS) and state.page >= _counts(pages)[-1]


def from_label(state: PageState, label: object) -> PageState:
    """The view a click on the agenda control chose; anything else leaves the state as it was."""
    return set_view(state, SHORT_LABELS.index(label) + 1) if label in SHORT_LABELS else state


def label(state: PageState) -> str:
    """The agenda control's label of the current view."""
    return SHORT_LABELS[state.view - 1]


def settled(state: PageState, shown_meeting: int | None) -> tuple[PageState, dict[str, str]]:
    """At the end of a run: the state with what the URL now says marked as seen, and the URL
    parameters to write (the meeting shown, if any, the view, and the slide when past the first;
    an empty value means the parameter is removed)."""
    params = {}
    if shown_meeting is not None:
        params["mote"] = str(shown_meeting)
        state = replace(state, meeting_url_seen=shown_meeting)
    params["vy"] = str(state.view)
    params["sida"] = str(state.page) if state.page > 1 else ""
    return replace(state, view_url_seen=state.view), params
