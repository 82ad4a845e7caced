"""ui.meeting.state: which meeting and view the Möte page shows, from the URL and the page's own
clicks, case by case; and the presentation mode's URL parameters and static assets."""

from __future__ import annotations

from trygghet.ui.meeting import state as S
from trygghet.ui.meeting.presentation_assets import PRESENTATION_CSS, PRESENTATION_KEYS_JS
from trygghet.ui.meeting.state import NEW, PageState

IDS = [7, 5, 2]  # the stored meetings, the latest first


def test_presentation_url_parameters() -> None:
    assert S.presentation_on({"presentation": "1"}) and S.presentation_on({"presentation": "Ja"})
    assert not S.presentation_on({"presentation": "0"})
    assert not S.presentation_on({})
    assert S.keep_params({"presentation": "1", "vy": "2", "stadsdel": "Norrby", "timer": ""}) == {
        "presentation": "1", "vy": "2"}
    assert S.url_int({"vy": "3"}, "vy") == 3
    assert S.url_int({"vy": "-1"}, "vy") is None and S.url_int({"vy": "två"}, "vy") is None
    assert S.url_int({}, "vy") is None


def test_the_presentation_css_and_script_are_the_static_files() -> None:
    # Nothing from a user or the database is put into them: they are read from beside the module.
    assert PRESENTATION_CSS.startswith("<style>\n") and PRESENTATION_CSS.endswith("}\n</style>")
    assert 'section[data-testid="stSidebar"]' in PRESENTATION_CSS
    assert PRESENTATION_KEYS_JS.startswith("<script>\n(function () {") and PRESENTATION_KEYS_JS.endswith("</script>")
    assert ".st-key-pres_next button" in PRESENTATION_KEYS_JS


def test_a_first_visit_shows_this_weeks_meeting_else_the_latest_else_the_start_form() -> None:
    assert S.resolve(None, {}, IDS, this_week=5, presenting=False) == PageState(5, 1, None, None)
    assert S.resolve(None, {}, IDS, this_week=None, presenting=False) == PageState(7, 1, None, None)
    # Presentation mode without this week's meeting opens on the start form, not on an old meeting.
    assert S.resolve(None, {}, IDS, this_week=None, presenting=True).meeting_id == NEW
    assert S.resolve(None, {}, [], this_week=None, presenting=False).meeting_id == NEW


def test_a_link_names_the_meeting_and_view_once() -> None:
    first = S.resolve(None, {"mote": "2", "vy": "3"}, IDS, this_week=7, presenting=False)
    assert first == PageState(2, 3, meeting_url_seen=2, view_url_seen=None)
    # The user chooses another meeting and view; the URL still says 2 and 3 until the run ends.
    chosen = S.set_view(S.choose(first, 5), 1)
    settled, params = S.settled(chosen, 5)
    assert params == {"mote": "5", "vy": "1", "sida": ""}
    assert settled == PageState(5, 1, meeting_url_seen=5, view_url_seen=1)
    # A later run with the URL the page wrote keeps the state as it is.
    assert S.resolve(settled, params, IDS, this_week=7, presenting=False) == settled
    # A new link (edited by hand, or opened from elsewhere) moves the page there.
    moved = S.resolve(settled, {"mote": "2", "vy": "4"}, IDS, this_week=7, presenting=False)
    assert (moved.meeting_id, moved.view) == (2, 4)


def test_a_link_to_a_meeting_that_does_not_exist_is_ignored() -> None:
    assert S.resolve(None, {"mote": "99"}, IDS, this_week=5, presenting=False).meeting_id == 5
    assert S.resolve(None, {"mote": "99", "vy": "9"}, IDS, this_week=5, presenting=False).view == len(S.VIEWS)


def test_a_meeting_removed_since_the_last_run_gives_way_to_this_weeks_or_the_start_form() -> None:
    previous = PageState(3, 2, meeting_url_seen=3, view_url_seen=2)
    assert S.resolve(previous, {}, IDS, this_week=5, presenting=False) == PageState(5, 2, 3, 2)
    assert S.resolve(previous, {}, IDS, this_week=None, presenting=False).meeting_id == NEW
    # The start form stays the start form.
    assert S.resolve(PageState(NEW), {}, IDS, this_week=5, presenting=False).meeting_id == NEW


def test_stepping_stops_at_the_first_and_the_last_view() -> None:
    state = PageState(7, 1)
    assert S.step(state, -1).view == 1
    assert S.step(state, 1).view == 2
    assert S.step(PageState(7, 5), 1).view == 5
    assert S.set_view(state, 0).view == 1 and S.set_view(state, 9).view == 5


def test_stepping_goes_through_every_slide_of_a_view_before_the_next_view() -> None:
    pages = (2, 1, 1, 3, 1)  # slides per view, as the presentation counts them
    seen = [(1, 1)]
    state = PageState(7, 1)
    while not S.at_end(state, pages):
        state = S.step(state, 1, pages)
        seen.append((state.view, state.page))
    assert seen == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1), (4, 2), (4, 3), (5, 1)]
    # Back again: into the last slide of the view before, never past the first.
    back = [(state.view, state.page)]
    while not S.at_start(state):
        state = S.step(state, -1, pages)
        back.append((state.view, state.page))
    assert back == seen[::-1]
    assert S.step(state, -1, pages) == state
    # A slide number the view no longer has (the list got shorter) counts as its last.
    assert S.step(PageState(7, 4, page=9), 1, pages) == PageState(7, 5, page=1)
    assert S.step(PageState(7, 4, page=9), -1, pages) == PageState(7, 4, page=2)
    # Choosing a view starts it from its first slide; the URL carries the slide past the first.
    assert S.set_view(PageState(7, 4, page=3), 2).page == 1
    _, params = S.settled(PageState(7, 4, page=3), 7)
    assert params == {"mote": "7", "vy": "4", "sida": "3"}
    assert S.resolve(None, {"mote": "7", "vy": "4", "sida": "3"}, IDS, this_week=None, presenting=True) == \
        PageState(7, 4, meeting_url_seen=7, page=3)


def test_the_agenda_control_label_and_view_match() -> None:
    state = PageState(7, 2)
    assert S.label(state) == "2 Insatser"
    assert S.from_label(state, "4 Beslut och fokus").view == 4
    assert S.from_label(state, "5 Övrigt").view == 5
    assert S.from_label(state, None) == state  # the control cleared: the view stays
    assert S.from_label(state, "6 Finns inte") == state


def test_the_start_form_writes_only_the_view_to_the_url() -> None:
    settled, params = S.settled(PageState(NEW, 1), None)
    assert params == {"vy": "1", "sida": ""} and settled.view_url_seen == 1 and settled.meeting_url_seen is None
