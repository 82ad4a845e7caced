"""The sidebar filters, shared by every page and mirrored in the URL.

The URL is the truth when it changes from outside (a link, a bookmark, the back
button); otherwise the widgets are, and the URL is rewritten to match them. The
week is always in the URL, so an empty query only ever means 'a fresh page'.

The districts are pills while they are few. A city with more, or with its districts grouped in
larger areas (stadsdelsområden), chooses an area and then districts within it, typing to search;
an area chosen alone means all its districts. The URL keeps the districts themselves either way,
and a link whose districts make up one area opens with that area chosen. A click on the map adds a
district (choose_district).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from trygghet.analysis import queries
from trygghet.core import clock
from trygghet.core import filters as F
from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.store import reference_lists
from trygghet.store.db import Database
from trygghet.ui import cache, login, safe_text

_STATE = "filters"
_LAST_QUERY = "filters_last_query"
DISTRICTS_KEY = "f_districts"
AREA_KEY = "f_area"
_AREA_OF = "f_area_of"
ALL_AREAS = "Alla områden"
# Up to this many districts and no areas: one pill per district, a click each. More, or districts
# grouped in areas: an area, then a searchable list, so that a city of 150 districts fits the sidebar.
PILLS_MAX = 20


def _url_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in F.QUERY_KEYS if st.query_params.get_all(key)}


def _week_options(first: dt.date | None, latest: IsoWeek) -> list[str]:
    start = IsoWeek.of(first) if first else latest.shift(-104)
    weeks, week = [], latest
    while week >= start and len(weeks) < 600:
        weeks.append(str(week))
        week = week.shift(-1)
    return weeks


def _week_label(value: str) -> str:
    week = IsoWeek.parse(value)
    return f"v. {week.week} {week.year} ({week.monday():%d/%m}–{week.sunday():%d/%m})"


def _area_names(districts: list[str], areas: dict[str, str | None]) -> list[str]:
    """The areas in the order of their first district."""
    return list(dict.fromkeys(a for d in districts if (a := areas.get(d))))


def _compact(districts: list[str], areas: dict[str, str | None]) -> bool:
    return len(districts) > PILLS_MAX or bool(_area_names(districts, areas))


def area_and_choice(wanted: tuple[str, ...], districts: list[str],
                    areas: dict[str, str | None]) -> tuple[str, list[str]]:
    """The area and the districts to show for a choice of districts: all of one area is that area
    alone; districts within one area are that area and them; anything else is every area and them."""
    if not wanted:
        return ALL_AREAS, []
    found = {areas.get(d) for d in wanted}
    area = next(iter(found)) if len(found) == 1 else None
    if not area:
        return ALL_AREAS, list(wanted)
    members = [d for d in districts if areas.get(d) == area]
    return (area, []) if set(wanted) == set(members) else (area, list(wanted))


def choose_district(name: str) -> None:
    """Adds a district to the sidebar's choice from outside it (a click on the map). Made for a
    widget's callback, which runs before the sidebar draws its widgets."""
    state = st.session_state
    chosen = list(state.get(DISTRICTS_KEY) or [])
    if name not in chosen:
        chosen.append(name)
    state[DISTRICTS_KEY] = chosen
    if AREA_KEY in state:
        # The area follows the choice: the one area of all the chosen districts, else every area.
        area_of = state.get(_AREA_OF, {})
        found = {area_of.get(d) for d in chosen}
        state[AREA_KEY] = (found.pop() or ALL_AREAS) if len(found) == 1 else ALL_AREAS


def _area_changed() -> None:
    """A new area keeps only the chosen districts that lie in it: choose the area, then within it."""
    state = st.session_state
    area, area_of = state.get(AREA_KEY), state.get(_AREA_OF, {})
    if area and area != ALL_AREAS:
        state[DISTRICTS_KEY] = [d for d in state.get(DISTRICTS_KEY) or [] if area_of.get(d) == area]


def _show_all() -> None:
    st.session_state[DISTRICTS_KEY] = []
    if AREA_KEY in st.session_state:
        st.session_state[AREA_KEY] = ALL_AREAS


def _pills(sidebar: object, districts: list[str]) -> tuple[str, ...]:
    chosen = sidebar.pills(  # type: ignore[attr-defined]
        "Stadsdel",
        districts,
        selection_mode="multi",
        format_func=safe_text.plain,  # pills read their labels as Markdown
        key=DISTRICTS_KEY,
        help="Ingen vald betyder alla stadsdelar. Klicka igen för att ta bort en stadsdel.",
    )
    if chosen:
        sidebar.button("Visa alla stadsdelar", on_click=_show_all, icon=":material/select_all:")  # type: ignore[attr-defined]
    return tuple(chosen or ())


def _area_then_districts(box: object, districts: list[str], areas: dict[str, str | None]) -> tuple[str, ...]:
    """An area, then a searchable list of its districts; the area alone means all of them."""
    state = st.session_state
    names = _area_names(districts, areas)
    area = ALL_AREAS
    if names:
        if state.get(AREA_KEY) not in (ALL_AREAS, *names):
            state[AREA_KEY] = ALL_AREAS
        area = box.selectbox(  # type: ignore[attr-defined]
            "Område", [ALL_AREAS, *names], key=AREA_KEY, on_change=_area_changed,
            help="Välj ett stadsdelsområde för att se dess stadsdelar. Området utan vald stadsdel betyder alla "
                 "stadsdelar i området.")
    pool = [d for d in districts if area == ALL_AREAS or areas.get(d) == area]
    chosen_before = [d for d in state.get(DISTRICTS_KEY) or [] if d in areas]
    options = pool + [d for d in chosen_before if d not in pool]
    everyone = f"Alla {len(pool)} stadsdelar" if area == ALL_AREAS else f"Alla {len(pool)} i {area}"
    chosen = box.multiselect(  # type: ignore[attr-defined]
        "Stadsdel", options, key=DISTRICTS_KEY,
        placeholder=f"{everyone} – sök …",
        help="Skriv en del av namnet för att söka. Ingen vald betyder alla stadsdelar"
             + (" i området." if names else ".") + " Du kan också klicka på en stadsdel på kartan.",
    )
    if chosen or area != ALL_AREAS:
        box.button("Visa alla stadsdelar", on_click=_show_all, icon=":material/select_all:")  # type: ignore[attr-defined]
    if chosen:
        return tuple(chosen)
    return tuple(pool) if area != ALL_AREAS else ()


def current() -> F.Filters:
    """The filters chosen in the sidebar on this run."""
    return st.session_state[_STATE]


def render(db: Database, today: dt.date | None = None) -> F.Filters:
    today = today or clock.today()
    lists = cache.query(queries.reference_lists, db)
    areas: dict[str, str | None] = cache.query(reference_lists.district_areas, db)
    st.session_state[_AREA_OF] = areas  # for choose_district, which runs before the next render
    first, last = cache.query(queries.event_date_range, db)
    defaults = F.default_filters(today, first)
    latest = latest_complete_week(today)
    week_options = _week_options(first, latest)

    url = _url_query()
    if url and url != st.session_state.get(_LAST_QUERY):
        wanted, notes = F.from_query(
            url, defaults, known_districts=lists["districts"], known_categories=lists["categories"],
            known_sources=lists["sources"],
        )
        for note in notes:
            st.toast(safe_text.plain(note), icon=":material/link_off:")  # a note quotes the link, which anyone can write
        if _compact(lists["districts"], areas):
            st.session_state[AREA_KEY], st.session_state[DISTRICTS_KEY] = area_and_choice(
                wanted.districts, lists["districts"], areas)
        else:
            st.session_state[DISTRICTS_KEY] = list(wanted.districts)
        st.session_state["f_week"] = str(wanted.week) if str(wanted.week) in week_options else week_options[0]
        st.session_state["f_period"] = (wanted.start, wanted.end)
        st.session_state["f_categories"] = list(wanted.categories)
        st.session_state["f_sources"] = list(wanted.sources)

    state = st.session_state
    state.setdefault("f_period", (defaults.start, defaults.end))
    if state.get("f_week") not in week_options:
        state["f_week"] = week_options[0]
    known = set(lists["districts"])
    if any(d not in known for d in state.get(DISTRICTS_KEY, [])):
        state[DISTRICTS_KEY] = [d for d in state[DISTRICTS_KEY] if d in known]

    sidebar = st.sidebar
    sidebar.markdown("### Urval")
    box = sidebar.container(key="stadsdelsfilter")
    if _compact(lists["districts"], areas):
        chosen = _area_then_districts(box, lists["districts"], areas)
    else:
        chosen = _pills(box, lists["districts"])
    week = sidebar.selectbox("Vecka", week_options, format_func=_week_label, key="f_week")
    period = sidebar.date_input(
        "Period för trender",
        min_value=dt.date(2000, 1, 1),
        max_value=max(today, last or today),
        format="YYYY-MM-DD",
        key="f_period",
    )
    with sidebar.expander("Kategori och källa"):
        categories = st.multiselect("Kategori", lists["categories"], key="f_categories", placeholder="Alla kategorier")
        sources = st.multiselect("Källa", lists["sources"], key="f_sources", placeholder="Alla källor")

    start, end = (period if isinstance(period, tuple) and len(period) == 2 else (defaults.start, defaults.end))
    current_filters = F.Filters(
        week=IsoWeek.parse(week),
        start=start,
        end=end,
        districts=chosen,
        categories=tuple(categories),
        sources=tuple(sources),
    )
    st.session_state[_STATE] = current_filters
    query = current_filters.to_query(defaults)
    query["vecka"] = [str(current_filters.week)]
    if query != url:
        # from_dict drops every key it is not given: a page's own parameters (Prioriterade områden's
        # ?omrade=) stay, and the projector's display mode, which belongs to the session, stays too.
        others = {key: st.query_params.get_all(key) for key in st.query_params
                  if key not in F.QUERY_KEYS and key != login.DISPLAY_PARAM}
        st.query_params.from_dict({**others, **query, **({login.DISPLAY_PARAM: "1"} if login.display_only() else {})})
    st.session_state[_LAST_QUERY] = query
    return current_filters
