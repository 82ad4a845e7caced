"""The sidebar filters, shared by every page and mirrored in the URL.

The URL is the truth when it changes from outside (a link, a bookmark, the back
button); otherwise the widgets are, and the URL is rewritten to match them. The
week is always in the URL, so an empty query only ever means 'a fresh page'.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from trygghet.analysis import queries
from trygghet.core import clock
from trygghet.core import filters as F
from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.store.db import Database
from trygghet.ui import cache, login, safe_text

_STATE = "filters"
_LAST_QUERY = "filters_last_query"


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


def current() -> F.Filters:
    """The filters chosen in the sidebar on this run."""
    return st.session_state[_STATE]


def render(db: Database, today: dt.date | None = None) -> F.Filters:
    today = today or clock.today()
    lists = cache.query(queries.reference_lists, db)
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
        st.session_state["f_districts"] = list(wanted.districts)
        st.session_state["f_week"] = str(wanted.week) if str(wanted.week) in week_options else week_options[0]
        st.session_state["f_period"] = (wanted.start, wanted.end)
        st.session_state["f_categories"] = list(wanted.categories)
        st.session_state["f_sources"] = list(wanted.sources)

    state = st.session_state
    state.setdefault("f_period", (defaults.start, defaults.end))
    if state.get("f_week") not in week_options:
        state["f_week"] = week_options[0]
    known = set(lists["districts"])
    if any(d not in known for d in state.get("f_districts", [])):
        state["f_districts"] = [d for d in state["f_districts"] if d in known]

    sidebar = st.sidebar
    sidebar.markdown("### Urval")
    chosen = sidebar.pills(
        "Stadsdel",
        lists["districts"],
        selection_mode="multi",
        format_func=safe_text.plain,  # pills read their labels as Markdown
        key="f_districts",
        help="Ingen vald betyder alla stadsdelar. Klicka igen för att ta bort en stadsdel.",
    )
    if chosen:
        sidebar.button("Visa alla stadsdelar", on_click=lambda: st.session_state.update(f_districts=[]),
                       icon=":material/select_all:")
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
        districts=tuple(chosen or ()),
        categories=tuple(categories),
        sources=tuple(sources),
    )
    st.session_state[_STATE] = current_filters
    query = current_filters.to_query(defaults)
    query["vecka"] = [str(current_filters.week)]
    if query != url:
        # The projector's display mode belongs to the session, not to the filters: it stays in the URL.
        st.query_params.from_dict({**query, **({login.DISPLAY_PARAM: "1"} if login.display_only() else {})})
    st.session_state[_LAST_QUERY] = query
    return current_filters
