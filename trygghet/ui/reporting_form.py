"""The Rapportera page's parts, made for a phone (390 × 844): one column, large touch targets, the
date and time of now, suggestions of known places, the personal-data guard shown as the reporter
types, the phone's position only on an explicit press, and "Inget att rapportera" as a button of
its own. Below: the organisation's own reports and, for a redigerare, the reports waiting for review.

The writes are in trygghet.ingest.form_reports, which checks the account itself.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
import streamlit.components.v2 as components

from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.ingest import form_reports as fr
from trygghet.ingest import reporters
from trygghet.store import access, reference_lists
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets

# Static CSS only: buttons and fields a thumb can hit, and 16 px text so that phones do not zoom in.
PHONE_CSS = """<style>
[data-testid='stMain'] .stButton button, [data-testid='stMain'] .stLinkButton a {min-height: 48px; font-size: 1.05rem}
[data-testid='stMain'] input, [data-testid='stMain'] textarea {font-size: 16px !important; min-height: 44px}
[data-testid='stMain'] [data-baseweb='select'] > div {min-height: 48px}
</style>"""

_GEO_HTML = '<button type="button" class="geo">📍 Hämta min position</button><span class="geo-state"></span>'
_GEO_CSS = """.geo {min-height: 48px; width: 100%; font-size: 1rem; border-radius: 0.5rem; cursor: pointer;
border: 1px solid #8a8f98; background: transparent; color: inherit} .geo-state {display: block; font-size: 0.9rem}"""
# The browser asks the reporter before it gives the position, and only after this button is pressed.
_GEO_JS = """export default function(component) {
  const { parentElement, setTriggerValue } = component;
  const button = parentElement.querySelector('button.geo');
  const state = parentElement.querySelector('.geo-state');
  button.onclick = () => {
    if (!navigator.geolocation) { setTriggerValue('position', {error: 'unsupported'}); return; }
    button.disabled = true;
    state.textContent = 'Hämtar position …';
    navigator.geolocation.getCurrentPosition(
      (p) => { button.disabled = false; state.textContent = '';
               setTriggerValue('position', {lat: p.coords.latitude, lon: p.coords.longitude}); },
      (e) => { button.disabled = false; state.textContent = ''; setTriggerValue('position', {error: e.code}); },
      {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  };
}"""
_geo = components.component("lagesbild_position", html=_GEO_HTML, css=_GEO_CSS, js=_GEO_JS)
_GEO_ERRORS = {1: "Du tillät inte att positionen hämtas. Fyll i den själv eller lämna den tom.",
               2: "Telefonen hittade ingen position just nu. Försök igen utomhus eller lämna den tom.",
               3: "Det tog för lång tid att hitta positionen. Försök igen eller lämna den tom."}

K = "rapportera_"  # the session keys of the form's fields


def _init(today: dt.date) -> None:
    now = clock.now()
    st.session_state.setdefault(K + "datum", today)
    st.session_state.setdefault(K + "tid", now.time().replace(second=0, microsecond=0))
    for name in ("stadsdel", "plats", "kategori", "lat", "lon"):
        st.session_state.setdefault(K + name, None)
    st.session_state.setdefault(K + "beskrivning", "")


def _flash(kind: str, text: str) -> None:
    st.session_state[K + "meddelande"] = (kind, text)


def _show_flash() -> None:
    found = st.session_state.pop(K + "meddelande", None)
    if found:
        kind, text = found
        (st.success if kind == "ok" else st.error)(safe_text.plain(text))


def organisation_choice(db: Database, actor: Actor) -> str | None:
    """The organisation the report is for: a rapportör's own, or the redigerare's choice."""
    if actor.is_reporter:
        st.caption(f"Du rapporterar för {safe_text.plain(actor.organisation)}.")
        return actor.organisation
    names: list[str] = cache.query(reporters.reporter_names, db)  # type: ignore[assignment]
    return st.selectbox("Organisation", names, index=None, key=K + "organisation", accept_new_options=True,
                        placeholder="Välj eller skriv organisationen",
                        help="Vem rapporten kommer ifrån. Listan är bladet Rapportörer.")


def _guard_notes() -> None:
    """What the personal-data guard will take out of the texts, shown before anything is saved."""
    for label, key in (("Plats", "plats"), ("Beskrivning", "beskrivning")):
        value = st.session_state.get(K + key)
        cleaned, found = fr.guard(value if isinstance(value, str) else None)
        if found:
            st.warning(f"{label}: {privacy.describe(found.counts)} tas bort innan rapporten sparas. Sparas som: "
                       f"{safe_text.plain(cleaned)}", icon=":material/shield:")


def _position() -> None:
    result = _geo(key=K + "geo", on_position_change=lambda: None, height="content")
    found = getattr(result, "position", None)
    if isinstance(found, dict):
        if "lat" in found and "lon" in found:
            st.session_state[K + "lat"] = round(float(found["lat"]), 6)
            st.session_state[K + "lon"] = round(float(found["lon"]), 6)
        else:
            st.warning(_GEO_ERRORS.get(found.get("error"), "Positionen gick inte att hämta."))  # type: ignore[arg-type]
    cols = st.columns(2)
    cols[0].number_input("Latitud", min_value=-90.0, max_value=90.0, format="%.6f", key=K + "lat")
    cols[1].number_input("Longitud", min_value=-180.0, max_value=180.0, format="%.6f", key=K + "lon")


def _submit_event(db: Database, actor: Actor, organisation: str | None) -> None:
    s = st.session_state
    draft = fr.Draft(organisation or "", dt.datetime.combine(s[K + "datum"], s[K + "tid"] or dt.time()),
                     s[K + "tid"] is not None, s[K + "stadsdel"] or "", s[K + "kategori"] or "", s[K + "plats"],
                     s[K + "beskrivning"], s[K + "lat"], s[K + "lon"])
    try:
        number, status = fr.submit_event(db, draft, actor)
    except UserError as exc:
        _flash("fel", exc.message)
        return
    _flash("ok", f"Tack! Rapport {number} är sparad" + (" och väntar på granskning." if status == fr.WAITING
                                                         else " och syns i lägesbilden."))
    for name in ("plats", "kategori", "beskrivning", "lat", "lon"):
        s[K + name] = "" if name == "beskrivning" else None


def _submit_nothing(db: Database, actor: Actor, organisation: str | None, week: IsoWeek) -> None:
    try:
        number, status = fr.submit_nothing(db, organisation or "", week, actor)
    except UserError as exc:
        _flash("fel", exc.message)
        return
    _flash("ok", f"Tack! Inget att rapportera {week.label} är sparat (rapport {number})"
           + (" och väntar på granskning." if status == fr.WAITING else "."))


def event_form(db: Database, actor: Actor, organisation: str | None, today: dt.date) -> None:
    _init(today)
    st.header("Rapportera en händelse")
    districts = cache.query(reference_lists.districts, db)
    categories = cache.query(reference_lists.categories, db)
    st.date_input("Datum", key=K + "datum", min_value=fr.earliest_day(actor, today), max_value=today,
                  format="YYYY-MM-DD")
    st.time_input("Tid", key=K + "tid", step=300, help="Töm fältet om klockslaget inte är känt.")
    st.selectbox("Stadsdel", districts, index=None, key=K + "stadsdel", placeholder="Välj stadsdel")
    places = cache.query(fr.known_places, db, actor, st.session_state.get(K + "stadsdel"))
    st.selectbox("Plats", places, index=None, key=K + "plats", accept_new_options=True,
                 placeholder="Skriv eller välj en plats", help="Platser som redan har rapporterats föreslås.")
    st.selectbox("Kategori", categories, index=None, key=K + "kategori", placeholder="Välj kategori")
    st.text_area("Beskrivning", key=K + "beskrivning", height=110,
                 help="Vad hände och var – aldrig vem. Namn och nummer hör inte hemma här.")
    _guard_notes()
    with st.expander("Position (frivillig)"):
        st.caption("Positionen hämtas bara när du trycker på knappen, och telefonen frågar dig först.")
        _position()
    st.button("Skicka rapporten", type="primary", width="stretch", icon=":material/send:",
              on_click=_submit_event, args=(db, actor, organisation))


def nothing_form(db: Database, actor: Actor, organisation: str | None, today: dt.date) -> None:
    st.header("Inget att rapportera")
    last = latest_complete_week(today)
    weeks = [IsoWeek.of(today), *(last.shift(-i) for i in range(4))] if IsoWeek.of(today) != last else [
        last.shift(-i) for i in range(4)]
    week = st.selectbox("Vecka", weeks, index=weeks.index(last), key=K + "vecka",
                        format_func=lambda w: f"{w.label} {w.year} ({w.monday():%d/%m}–{w.sunday():%d/%m})")
    st.button(f"Inget att rapportera {week.label}", width="stretch", icon=":material/do_not_disturb_on:",
              on_click=_submit_nothing, args=(db, actor, organisation, week), key=K + "inget",
              help="Säger att inget hände den veckan, så att mötet vet att det var lugnt och inte att rapporten saknas.")


def own_reports(db: Database, actor: Actor) -> None:
    frame = fr.reports(db, actor, limit=30)
    st.header("Mina rapporter" if actor.is_reporter else "Senaste rapporterna i formuläret")
    if frame.empty:
        st.write("Inga rapporter ännu.")
        return
    shown = frame[["Nr", "Tidpunkt", "Kategori", "Stadsdel", "Plats", "Status"]]
    widgets.table(shown, "mina-rapporter")


def review_queue(db: Database, actor: Actor) -> None:
    if not access.allowed(actor, access.REVIEW):
        return
    waiting = fr.pending(db, actor)
    st.header(f"Att granska ({len(waiting)})")
    if waiting.empty:
        st.write("Inga rapporter väntar på granskning.")
        return
    districts = cache.query(reference_lists.districts, db)
    categories = cache.query(reference_lists.categories, db)
    for row in waiting.head(20).itertuples(index=False):
        number = int(row[0])
        title = f"Rapport {number}: {row[1]} – {row[2]} ({row[3]:%Y-%m-%d %H:%M})"
        with st.expander(safe_text.plain(title)):
            if row.slag == fr.NOTHING:
                st.write("Inget att rapportera för veckan.")
                cols = st.columns(2)
                if cols[0].button("Godkänn", key=f"godkann_{number}", type="primary"):
                    _review(lambda n=number: fr.approve(db, n, actor), f"Rapport {number} är godkänd.")
                if cols[1].button("Avvisa", key=f"avvisa_{number}"):
                    _review(lambda n=number: fr.reject(db, n, actor), f"Rapport {number} är avvisad.")
                continue
            with st.form(f"granska_{number}"):
                district = st.selectbox("Stadsdel", districts, index=_index(districts, row[4]))
                category = st.selectbox("Kategori", categories, index=_index(categories, row[2]))
                place = st.text_input("Plats", value=row[5] or "")
                description = st.text_area("Beskrivning", value=row[6] or "")
                note = st.text_input("Anledning om du avvisar")
                approve = st.form_submit_button("Godkänn", type="primary")
                refuse = st.form_submit_button("Avvisa")
            edited = fr.Draft(str(row[1]), row[3].to_pydatetime(), bool(row.time_known), district or "",
                              category or "", place, description, _number(row.lat), _number(row.lon))
            if approve:
                _review(lambda e=edited, n=number: fr.approve(db, n, actor, e), f"Rapport {number} är godkänd.")
            if refuse:
                _review(lambda t=note, n=number: fr.reject(db, n, actor, t), f"Rapport {number} är avvisad.")


def _index(options: list[str], value: object) -> int | None:
    return options.index(value) if value in options else None


def _number(value: object) -> float | None:
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


def _review(action, done: str) -> None:  # type: ignore[no-untyped-def]
    try:
        action()
    except UserError as exc:
        _flash("fel", exc.message)
    else:
        _flash("ok", done)
    st.rerun()


def page(db: Database, actor: Actor) -> None:
    st.html(PHONE_CSS)
    st.title("Rapportera")
    _show_flash()
    if not access.allowed(actor, access.REPORT):
        st.info("Din roll kan inte rapportera. Rapportera gör en rapportör (för sin organisation) eller en "
                "redigerare.", icon=":material/lock:")
        return
    today = clock.today()
    organisation = organisation_choice(db, actor)
    event_form(db, actor, organisation, today)
    st.divider()
    nothing_form(db, actor, organisation, today)
    st.divider()
    own_reports(db, actor)
    review_queue(db, actor)
