"""Möte: the weekly meeting run from its agenda – lägesbild, interventions to follow up, priority
areas, decisions and next week's focus places – with the minutes as PDF and Word in one click.

With ?presentation=1 (app.py hides the sidebar and Streamlit's chrome) the page shows one agenda
view at a time, stepped with big buttons, the arrow keys or a presenter clicker, or on a timer
(&timer=60). Everything the meeting records can be recorded without leaving that mode.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from trygghet import documents
from trygghet.core import clock
from trygghet.core.formatting import fmt_date, fmt_dec, fmt_int
from trygghet.core.periods import IsoWeek
from trygghet.meeting import records as meetings
from trygghet.present import chart_style, figures, table_style, tables
from trygghet.store.access import AccessDenied, allowed
from trygghet.store.db import Database
from trygghet.ui import cache, login, safe_text, shell, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
actor = login.actor()
can_write = allowed(actor, "redigerare") and not login.display_only()
today = clock.today()
presenting = meetings.presentation_on(st.query_params)
state = st.session_state

VIEW_LABELS = [f"{i} {name}" for i, name in enumerate(meetings.VIEWS, start=1)]
SHORT_LABELS = ["1 Lägesbild", "2 Insatser", "3 Prioriterade områden", "4 Beslut och fokus"]
NEW = -1
CHART_FONT = 22 if presenting else chart_style.CHART_FONT
DEFAULT_PARTICIPANTS = [("Kommun", "Trygghetssamordnare"), ("Polis", "Kommunpolis"), ("Bostadsbolag", "Områdeschef"),
                        ("Fritid/fältare", "Fältsamordnare")]

ref: dict[str, list[str]] = cache.query(meetings.reference, db)
all_meetings: list[meetings.Meeting] = cache.query(meetings.list_meetings, db)
by_id = {m.id: m for m in all_meetings}
this_week = next((m for m in all_meetings if IsoWeek.of(m.held_on) == IsoWeek.of(today)), None)


# ---------------------------------------------------------------- which meeting, which view


def _url_int(key: str) -> int | None:
    value = st.query_params.get(key)
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _choose_meeting(meeting_id: int) -> None:
    """The meeting shown; kept outside the selectbox's own state so that any part of the page may
    choose one (the selectbox is set from it before it is drawn)."""
    state["mote_id"] = meeting_id
    state["mote_url_seen"] = meeting_id
    if meeting_id == NEW:
        st.query_params.pop("mote", None)
    else:
        st.query_params["mote"] = str(meeting_id)


url_meeting = _url_int("mote")
if url_meeting is not None and url_meeting not in by_id:
    url_meeting = None
if "mote_id" not in state or (url_meeting is not None and url_meeting != state.get("mote_url_seen")):
    state["mote_id"] = url_meeting or (this_week.id if this_week else (NEW if presenting or not all_meetings
                                                                         else all_meetings[0].id))
    state["mote_url_seen"] = url_meeting
if state["mote_id"] != NEW and state["mote_id"] not in by_id:
    state["mote_id"] = this_week.id if this_week else NEW


def _set_view(view: int) -> None:
    state["mote_view"] = min(max(view, 1), len(meetings.VIEWS))


url_view = _url_int("vy")
if "mote_view" not in state or (url_view and url_view != state.get("mote_view_url_seen")):
    _set_view(url_view or 1)


def _step(delta: int) -> None:
    _set_view(state["mote_view"] + delta)


def _view_from_control() -> None:
    chosen = state.get("mote_vy_ctl")
    if chosen in SHORT_LABELS:
        _set_view(SHORT_LABELS.index(chosen) + 1)


def _exit_presentation() -> None:
    for key in ("presentation", "timer"):
        st.query_params.pop(key, None)


def _start_presentation() -> None:
    st.query_params["presentation"] = "1"


# ---------------------------------------------------------------- small helpers


def _show_removed(removed: meetings.Removed) -> None:
    if removed:
        st.toast(safe_text.plain(removed.message) + " Personuppgifter hör inte hemma i mötets anteckningar.",
                 icon=":material/privacy_tip:")


def _fail(exc: Exception) -> None:
    st.error(safe_text.plain(exc), icon=":material/error:")


def _style(fig: object, height: int) -> object:
    chart_style.style_figure(fig, height=height)  # type: ignore[arg-type]
    if presenting:
        fig.update_layout(font={"size": CHART_FONT}, legend={"font": {"size": CHART_FONT - 2}})  # type: ignore[attr-defined]
        fig.update_xaxes(tickfont={"size": CHART_FONT - 2}, title_font={"size": CHART_FONT})  # type: ignore[attr-defined]
        fig.update_yaxes(tickfont={"size": CHART_FONT - 2}, title_font={"size": CHART_FONT})  # type: ignore[attr-defined]
    return fig


def _highlighted(frame: pd.DataFrame, highlight: list[bool] | None) -> object | None:
    if not highlight or not any(highlight):
        return None
    flags = list(highlight)

    def styles(data: pd.DataFrame) -> pd.DataFrame:
        cells = [[table_style.FLAG_STYLES["upp"] if flag else ""] * data.shape[1] for flag in flags]
        return pd.DataFrame(cells, index=data.index, columns=data.columns)

    return frame.style.apply(styles, axis=None)


def _static_table(frame: pd.DataFrame, name: str, highlight: list[bool] | None = None,
                  cell_flags: pd.DataFrame | None = None, **kwargs: object) -> None:
    """A read-only table: a plain table in presentation mode (its text grows with the page, and
    long texts wrap), otherwise the usual dataframe with an Excel download. `highlight` marks
    whole rows; `cell_flags` ('upp'/'ned' per cell) colours single cells as Översikt does."""
    frame = frame.reset_index(drop=True)
    if presenting:
        frame = safe_text.plain_frame(frame)  # st.table reads every cell as Markdown
    if cell_flags is not None:
        styler = table_style.flag_styler(frame, cell_flags.reset_index(drop=True)) if (cell_flags != "").any().any() else None
    else:
        styler = _highlighted(frame, highlight)
    if presenting:
        st.table(styler if styler is not None else frame, hide_index=True)
    else:
        widgets.table(frame, name, styler=styler, **kwargs)


def _document_bytes(path: str, kind: str, key: object, fmt: str) -> bytes:
    """Builds a document on its own connection: the download runs outside the script thread."""
    database = Database(Path(path))
    with database.read() as con:
        if kind == "minutes":
            doc = documents.minutes(con, int(key))  # type: ignore[arg-type]
        else:
            period, districts = key  # type: ignore[misc]
            doc = documents.report(con, period, districts)
    return documents.render(doc, fmt)


def minutes_buttons(meeting: meetings.Meeting, where: str) -> None:
    stem = f"protokoll-{fmt_date(meeting.held_on)}"
    cols = st.columns(2)
    cols[0].download_button(
        "Protokoll som PDF", data=lambda: _document_bytes(str(db.path), "minutes", meeting.id, "pdf"),
        file_name=f"{stem}.pdf", mime=documents.PDF_MIME, icon=":material/picture_as_pdf:",
        on_click="ignore", key=f"pdf_{where}_{meeting.id}", width="stretch",
    )
    cols[1].download_button(
        "Protokoll som Word", data=lambda: _document_bytes(str(db.path), "minutes", meeting.id, "docx"),
        file_name=f"{stem}.docx", mime=documents.DOCX_MIME, icon=":material/description:",
        on_click="ignore", key=f"docx_{where}_{meeting.id}", width="stretch",
    )


# ---------------------------------------------------------------- starting a meeting


def _participant_frame(participants: tuple[meetings.Participant, ...] | None) -> pd.DataFrame:
    rows = [(p.organisation, p.role) for p in participants] if participants else DEFAULT_PARTICIPANTS
    return pd.DataFrame(rows, columns=["Organisation", "Roll"])


def _participants_from(frame: pd.DataFrame) -> list[meetings.Participant]:
    found = []
    for organisation, role in zip(frame["Organisation"], frame["Roll"], strict=True):
        if isinstance(organisation, str) and organisation.strip():
            found.append(meetings.Participant(organisation.strip(), role.strip() if isinstance(role, str) else ""))
    return found


PARTICIPANT_COLUMNS = {
    "Organisation": st.column_config.SelectboxColumn("Organisation", options=ref["organisations"], required=True,
                                                     width="medium"),
    "Roll": st.column_config.TextColumn("Roll eller funktion", width="large",
                                        help="Skriv roll, inte namn: till exempel kommunpolis, fältsamordnare, "
                                             "rektor."),
}


def start_form() -> None:
    latest = all_meetings[0] if all_meetings else None
    st.header("Starta veckans möte" if not this_week else "Nytt möte")
    if not can_write:
        st.info("Du kan se tidigare möten men inte starta ett nytt: det kräver rollen redigerare.",
                icon=":material/lock:")
        return
    with st.form("ny_mote", border=True):
        cols = st.columns([1, 2, 3])
        held_on = cols[0].date_input("Mötesdatum", value=today, format="YYYY-MM-DD", key="ny_datum")
        title = cols[1].text_input("Rubrik", value=meetings.default_title(today), key="ny_rubrik", max_chars=120)
        districts = cols[2].multiselect(
            "Stadsdelar", ref["districts"], default=list(latest.districts) if latest else [],
            placeholder="Alla stadsdelar", key="ny_stadsdelar",
        )
        st.markdown("**Deltagare** – organisation och roll (inga namn)")
        edited = st.data_editor(
            _participant_frame(latest.participants if latest else None), num_rows="dynamic", hide_index=True,
            column_config=PARTICIPANT_COLUMNS, key="ny_deltagare", width="stretch",
        )
        st.caption(
            "Lägesbilden gäller den senaste hela veckan före mötesdatumet. Deltagarna från förra mötet är "
            "ifyllda; lägg till eller ta bort rader."
        )
        if st.form_submit_button("Starta mötet", type="primary", icon=":material/play_arrow:"):
            try:
                mid = meetings.create_meeting(db, held_on, _participants_from(edited), districts,
                                              title=title, actor=actor)
            except (meetings.MeetingError, AccessDenied) as exc:
                _fail(exc)
            else:
                _choose_meeting(mid)
                _set_view(1)
                st.rerun()


# ---------------------------------------------------------------- the four views


def view_lagesbild(agenda: meetings.Agenda) -> None:
    m, week, figures_ = agenda.meeting, agenda.meeting.week, agenda.key_figures
    since = f" · förra mötet {fmt_date(agenda.previous.held_on)}" if agenda.previous else ""
    st.header(f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())}){since}")
    cols = st.columns(4)
    cols[0].metric(f"Händelser {week.label}", fmt_int(figures_["week"]),
                   delta=f"{figures_['week'] - figures_['previous_week']:+d} mot veckan före".replace("+0", "±0"),
                   delta_color="off")
    cols[1].metric(f"Veckan före ({week.shift(-1).label})", fmt_int(figures_["previous_week"]))
    cols[2].metric("Snitt 4 veckor före", fmt_dec(figures_["previous_4_mean"], 1))
    cols[3].metric(f"Samma vecka i fjol ({week.same_week_last_year().label})", fmt_int(figures_["last_year"]))

    left, right = st.columns([6, 5], gap="large")
    with left:
        st.markdown("**Det här sticker ut**")
        notable = agenda.notable[:4] if presenting else agenda.notable
        if notable:
            st.markdown("\n".join(f"- {'▲' if n.change.direction == 'upp' else '▼'} {safe_text.plain(n.sentence)}"
                                   for n in notable))
        else:
            st.write("Inga statistiskt säkra förändringar mot de fyra veckorna före i någon stadsdel och kategori.")
        shown, flags = tables.compstat_cells(
            agenda.compstat, limit=4 if presenting else 8,
            columns=["Kategori", "Vecka", "Snitt 4 v. före", "± vecka"] if presenting else None)
        if not shown.empty:
            st.markdown("**Kategorier med flest händelser**")
            _static_table(shown, f"mote-compstat-{m.id}", cell_flags=flags, height=table_style.table_height(len(shown)))
    with right:
        fig = _style(figures.weekly_figure(agenda.weekly, week.monday()), 300 if presenting else 380)
        if presenting:
            fig.update_xaxes(tickangle=0, tickfont={"size": 16})  # type: ignore[attr-defined]
        widgets.chart(fig, f"mote-tolv-veckor-{m.id}", summary=None if presenting else figures.weekly_summary(agenda.weekly))
    if not presenting and not agenda.top_places.empty:
        st.markdown("**Platser med flest händelser**")
        widgets.table(agenda.top_places, f"mote-platser-{m.id}")


FOLLOWUP_EDIT = ["Insats-ID", "Insats", "Stadsdel", "Att följa upp", "Status", "Slut", "Kommentar"]


def view_insatser(agenda: meetings.Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.header("2. Insatser att följa upp")
    followup = agenda.followup
    if followup.empty:
        st.write("Inga insatser slutar inom två veckor, är försenade eller har stått stilla i mer än fyra veckor.")
    else:
        overdue = int(followup["overdue"].sum())
        how = (" Ändra status, slutdatum eller kommentar direkt i tabellen och spara; ändringen hamnar i "
               "insatsens historik med mötet som källa.") if editable else ""
        st.caption(f"{fmt_int(len(followup))} insatser att ta upp"
                   + (f", varav {fmt_int(overdue)} försenade" if overdue else "") + "." + how)
        district = followup["district"].fillna("hela kommunen")
        frame = pd.DataFrame({
            "Insats-ID": followup["id"],
            "Insats": followup["title"] + " (" + district + ")" if presenting else followup["title"],
            "Stadsdel": district.str.replace("hela kommunen", "Hela kommunen"),
            "Att följa upp": followup["reasons"],
            "Status": followup["status"],
            "Slut": pd.to_datetime(followup["end_date"]).dt.date,
            "Kommentar": followup["comment"].fillna(""),
        })
        if editable:
            version = int(shell.status(db)["version"])
            edited = st.data_editor(
                frame, hide_index=True, width="stretch", key=f"uppfoljning_{m.id}_{version}",
                disabled=["Insats-ID", "Insats", "Stadsdel", "Att följa upp"],
                column_order=[c for c in FOLLOWUP_EDIT if not (presenting and c in ("Insats-ID", "Stadsdel"))],
                column_config={
                    "Insats-ID": st.column_config.TextColumn(width="small"),
                    "Insats": st.column_config.TextColumn(width="large" if presenting else "medium"),
                    "Att följa upp": st.column_config.TextColumn(width="large"),
                    "Status": st.column_config.SelectboxColumn(options=ref["statuses"], required=True,
                                                               width=130),
                    "Slut": st.column_config.DateColumn(format="YYYY-MM-DD", width=140),
                    "Kommentar": st.column_config.TextColumn(width="large", max_chars=500),
                },
                height=min(table_style.table_height(len(frame)), 400 if presenting else 600),
            )
            edits = _followup_edits(frame, edited)
            label = f"Spara {len(edits)} ändrade insatser" if edits else "Inga ändringar att spara"
            if st.button(label, type="primary", disabled=not edits, icon=":material/save:", key="spara_insatser"):
                try:
                    changed, removed = meetings.update_interventions(db, m.id, edits, actor=actor)
                except (meetings.MeetingError, AccessDenied) as exc:
                    _fail(exc)
                else:
                    _show_removed(removed)
                    st.toast(f"{sum(len(v) for v in changed.values())} ändringar sparade i insatsernas historik.",
                             icon=":material/check_circle:")
                    st.rerun()
        else:
            shown = frame.assign(Slut=[fmt_date(d) if pd.notna(d) else "–" for d in frame["Slut"]])
            _static_table(shown.drop(columns=["Kommentar"]) if presenting else shown, f"mote-uppfoljning-{m.id}",
                          highlight=list(followup["overdue"]))
    if not agenda.changes.empty:
        with st.expander(f"Ändringar gjorda på mötet ({len(agenda.changes)})", expanded=not presenting):
            st.dataframe(tables.changes(agenda.changes), hide_index=True, width="stretch")
    if agenda.previous is not None:
        st.markdown(f"**Fokusplatser från mötet {fmt_date(agenda.previous.held_on)}** – händelser "
                    f"{m.week.label} mot snittet för de fyra veckorna före")
        if agenda.previous_focus.empty:
            st.write("Förra mötet bestämde inga fokusplatser.")
        else:
            frame = agenda.previous_focus.drop(columns="flag")
            _static_table(frame, f"mote-fokus-uppfoljning-{m.id}",
                          highlight=[f == "upp" for f in agenda.previous_focus["flag"]])


def _followup_edits(before: pd.DataFrame, after: pd.DataFrame) -> dict[str, dict[str, object]]:
    edits: dict[str, dict[str, object]] = {}
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        change: dict[str, object] = {}
        if new["Status"] != old["Status"] and isinstance(new["Status"], str):
            change["status"] = new["Status"]
        old_end = old["Slut"] if pd.notna(old["Slut"]) else None
        new_end = new["Slut"] if pd.notna(new["Slut"]) else None
        if new_end != old_end:
            change["end_date"] = new_end
        old_comment = old["Kommentar"] or ""
        new_comment = new["Kommentar"] if isinstance(new["Kommentar"], str) else ""
        if new_comment.strip() != old_comment.strip():
            change["comment"] = new_comment
        if change:
            edits[str(old["Insats-ID"])] = change
    return edits


def view_omraden(agenda: meetings.Agenda) -> None:
    m, window = agenda.meeting, agenda.areas_window
    st.header("3. Prioriterade områden")
    if agenda.areas.empty:
        st.write("Inga prioriterade områden gäller just nu. De läses in under Data.")
        return
    current, previous = f"Hittills {window.start.year}", f"Samma period {window.start.year - 1}"
    st.caption(f"Händelser i områdenas indikatorkategorier {fmt_date(window.start)} – "
               f"{fmt_date(window.end - dt.timedelta(days=1))} mot samma datum året före ({safe_text.plain(m.district_label)}). "
               "Orange: statistiskt säker ökning.")
    left, right = st.columns([5, 6], gap="large")
    with left:
        fig = _style(figures.areas_figure(agenda.areas, current, previous, wrap=18 if presenting else 28),
                     150 + 105 * len(agenda.areas) if presenting else figures.compare_height(len(agenda.areas)) + 20)
        if presenting:
            fig.update_xaxes(tickangle=0, nticks=3)  # type: ignore[attr-defined]
            fig.update_yaxes(tickfont={"size": 17})  # type: ignore[attr-defined]
        widgets.chart(fig, f"mote-omraden-{m.id}",
                 summary=None if presenting else "; ".join(
                     f"{n}: {fmt_int(c)} ({fmt_int(p)} året före)" for n, c, p in
                     zip(agenda.areas["name"], agenda.areas["count"], agenda.areas["count_last_year"], strict=True)))
    with right:
        frame = tables.areas(agenda.areas, current, previous)
        if presenting:
            frame = frame[["Prioriterat område", "Mål", "Förändring", "Insatser"]]
        _static_table(frame, f"mote-omraden-tabell-{m.id}", highlight=[f == "upp" for f in agenda.areas["flag"]])


def view_beslut(agenda: meetings.Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.header("4. Beslut och veckans fokusplatser")
    left, right = st.columns([7, 5], gap="large")
    with left:
        decisions_section(agenda, editable)
        if editable:
            decision_form(agenda)
    with right:
        focus_section(agenda, editable)
        if presenting:
            st.markdown("**Protokoll**")
            minutes_buttons(m, "pres")
            close_button(m, "pres")


def decisions_section(agenda: meetings.Agenda, editable: bool) -> None:
    m, frame = agenda.meeting, agenda.decisions
    st.markdown("**Beslut** – tidigare möten öppna tills de markeras klara")
    if frame.empty:
        st.write("Inga beslut ännu.")
        return
    shown = tables.decisions(frame, m)
    if not (shown["Insats"] != "").any():
        shown = shown.drop(columns="Insats")
    if not editable:
        _static_table(shown, f"mote-beslut-{m.id}", highlight=list(frame["overdue"]))
        return
    shown.insert(0, "Klar", [s == meetings.DONE for s in frame["status"]])
    version = int(shell.status(db)["version"])
    hidden = {"Status", "Beslutat", "Ansvarig"} if presenting else {"Status"}
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", key=f"beslut_{m.id}_{version}",
        disabled=[c for c in shown.columns if c != "Klar"], column_order=[c for c in shown.columns if c not in hidden],
        column_config={"Klar": st.column_config.CheckboxColumn(width="small"),
                       "Beslut": st.column_config.TextColumn(width=330 if presenting else "large"),
                       "Ansvarig organisation": st.column_config.TextColumn(width=170 if presenting else "medium"),
                       "Beslutat": st.column_config.TextColumn(width="small"),
                       "Klart senast": st.column_config.TextColumn(width="small")},
        height="auto" if presenting else min(table_style.table_height(len(shown)), 420),
    )
    done_now = [int(i) for i, before, after in zip(frame["id"], shown["Klar"], edited["Klar"], strict=True)
                if after and not before]
    reopened = [int(i) for i, before, after in zip(frame["id"], shown["Klar"], edited["Klar"], strict=True)
                if before and not after]
    if (done_now or reopened) and st.button(f"Spara ({len(done_now)} klara, {len(reopened)} öppnade igen)",
                                            type="primary", icon=":material/save:", key="spara_beslut_status"):
        try:
            meetings.set_decisions_done(db, m.id, done_now, True, actor=actor)
            meetings.set_decisions_done(db, m.id, reopened, False, actor=actor)
        except (meetings.MeetingError, AccessDenied) as exc:
            _fail(exc)
        else:
            st.rerun()
    own = frame[~frame["carried"]]
    if not presenting and not own.empty:
        delete_decision(m, own)


def delete_decision(m: meetings.Meeting, own: pd.DataFrame) -> None:
    """A decision typed by mistake is removed here; earlier meetings' decisions are only marked done."""
    with st.expander("Ta bort ett beslut som blev fel"):
        labels = {int(i): (t if len(t) <= 90 else t[:89] + "…") for i, t in zip(own["id"], own["text"], strict=True)}
        chosen = st.selectbox("Beslut från det här mötet", list(labels), format_func=labels.__getitem__,
                              index=None, placeholder="Välj beslut", key=f"ta_bort_beslut_{m.id}")
        st.caption("En insats som beslutet skapade eller ändrade finns kvar; ändra den under Insatser att följa upp.")
        if st.button("Ta bort beslutet", icon=":material/delete:", disabled=chosen is None,
                     key=f"ta_bort_beslut_knapp_{m.id}"):
            try:
                text = meetings.delete_decision(db, m.id, int(chosen), actor=actor)
            except (meetings.MeetingError, AccessDenied) as exc:
                _fail(exc)
            else:
                st.toast(f"Beslutet togs bort: {safe_text.plain(labels.get(int(chosen), text))}", icon=":material/delete:")
                st.rerun()


LINK_NONE, LINK_NEW, LINK_CHANGE = "Ingen insats", "Ny insats", "Ändra en insats"


def decision_form(agenda: meetings.Agenda) -> None:
    m = agenda.meeting
    link = st.segmented_control("Beslutet gäller", [LINK_NONE, LINK_NEW, LINK_CHANGE], default=LINK_NONE,
                                key="beslut_koppling") or LINK_NONE
    choices: pd.DataFrame = cache.query(meetings.intervention_choices, db, m.districts)
    round_ = state.setdefault("beslut_runda", 0)
    with st.form(f"nytt_beslut_{round_}", border=True):
        text = st.text_area("Beslut", placeholder="Vad ska göras, var och varför?", height=90 if presenting else 110,
                            max_chars=meetings.MAX_TEXT)
        cols = st.columns([3, 3, 2])
        organisation = cols[0].selectbox("Ansvarig organisation", ref["organisations"], index=None,
                                         placeholder="Välj organisation", accept_new_options=True)
        responsible = cols[1].text_input("Ansvarig roll", placeholder="t.ex. kommunpolis", max_chars=120)
        deadline = cols[2].date_input("Klart senast", value=m.held_on + dt.timedelta(days=7), format="YYYY-MM-DD")
        new_values: dict[str, object] = {}
        change: tuple[str, dict[str, object]] | None = None
        if link == LINK_NEW:
            c = st.columns([4, 2, 3])
            new_values["title"] = c[0].text_input("Ny insats", placeholder="Kort beskrivning av insatsen",
                                                  max_chars=200)
            district = c[1].selectbox("Stadsdel", ["Hela kommunen", *ref["districts"]],
                                      index=1 + ref["districts"].index(m.districts[0]) if m.districts else 0)
            area = c[2].selectbox("Prioriterat område", ["–", *ref["priority_areas"]])
            c = st.columns(3)
            start = c[0].date_input("Start", value=m.held_on, format="YYYY-MM-DD")
            end = c[1].date_input("Slut", value=m.held_on + dt.timedelta(weeks=8), format="YYYY-MM-DD")
            new_id = c[2].text_input("Insats-ID (valfritt)", placeholder=f"M-{fmt_date(m.held_on)}-1", max_chars=40)
            new_values |= {"district": None if district == "Hela kommunen" else district,
                           "priority_area": None if area == "–" else area, "start_date": start, "end_date": end}
            if new_id.strip():
                new_values["id"] = new_id.strip()
        elif link == LINK_CHANGE:
            if choices.empty:
                st.write("Det finns inga insatser att ändra.")
            else:
                labels = {r.id: f"{r.id} – {r.title} ({r.status})" for r in choices.itertuples(index=False)}
                c = st.columns([5, 2, 2])
                iid = c[0].selectbox("Insats", list(labels), format_func=labels.get)
                status = c[1].selectbox("Ny status", ["Oförändrad", *ref["statuses"]])
                end = c[2].date_input("Nytt slutdatum", value=None, format="YYYY-MM-DD",
                                      help="Lämna tomt för att behålla slutdatumet.")
                comment = st.text_input("Ny kommentar", placeholder="Lämna tomt för att behålla kommentaren",
                                        max_chars=500)
                values: dict[str, object] = {}
                if status != "Oförändrad":
                    values["status"] = status
                if end is not None:
                    values["end_date"] = end
                if comment.strip():
                    values["comment"] = comment
                change = (str(iid), values)
        submitted = st.form_submit_button("Spara beslutet", type="primary", icon=":material/gavel:")
    if submitted:
        try:
            if link == LINK_NEW:
                new_values.setdefault("owner", organisation)
                new_values.setdefault("contact", responsible)
            result = meetings.record_decision(
                db, m.id, text, organisation, responsible, deadline,
                new_intervention=new_values if link == LINK_NEW else None,
                # With nothing changed the decision is still tied to the intervention it is about.
                change_intervention=change if link == LINK_CHANGE and change else None,
                actor=actor,
            )
        except (meetings.MeetingError, AccessDenied) as exc:
            _fail(exc)
        else:
            _show_removed(result.removed)
            message = "Beslutet är sparat"
            if result.intervention_id and link == LINK_NEW:
                message += f" och insatsen {safe_text.plain(result.intervention_id)} skapad"
            elif result.intervention_id and result.changed_fields:
                message += f"; insatsen {safe_text.plain(result.intervention_id)} ändrad"
            st.toast(message + ".", icon=":material/check_circle:")
            state["beslut_runda"] = round_ + 1
            st.rerun()


FOCUS_COLUMNS = ["Stadsdel", "Plats", "Anledning"]


def focus_section(agenda: meetings.Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.markdown("**Veckans fokusplatser** – följs upp på nästa möte")
    frame = tables.focus(agenda.focus)
    if not editable:
        if frame.empty:
            st.write("Inga fokusplatser bestämda.")
        else:
            _static_table(frame, f"mote-fokus-{m.id}")
        return
    frame["Plats"] = [p.place or "" for p in agenda.focus]
    version = int(shell.status(db)["version"])
    edited = st.data_editor(
        frame if not frame.empty else pd.DataFrame(columns=FOCUS_COLUMNS), num_rows="dynamic", hide_index=True,
        width="stretch", key=f"fokus_{m.id}_{version}",
        column_config={
            "Stadsdel": st.column_config.SelectboxColumn(options=ref["districts"], required=True, width=140),
            "Plats": st.column_config.TextColumn(help="Tom: hela stadsdelen.", max_chars=120, width="medium"),
            "Anledning": st.column_config.TextColumn(max_chars=300, width="medium"),
        },
        height="auto" if presenting else min(table_style.table_height(max(len(frame), 1) + 1), 400),
    )
    wanted = [meetings.FocusPlace(str(d), p if isinstance(p, str) and p.strip() else None,
                                  r if isinstance(r, str) and r.strip() else None)
              for d, p, r in zip(edited["Stadsdel"], edited["Plats"], edited["Anledning"], strict=True)
              if isinstance(d, str) and d]
    if wanted != list(agenda.focus) and st.button("Spara fokusplatserna", type="primary", icon=":material/save:",
                                                  key="spara_fokus"):
        try:
            removed = meetings.save_focus_places(db, m.id, wanted, actor=actor)
        except (meetings.MeetingError, AccessDenied) as exc:
            _fail(exc)
        else:
            _show_removed(removed)
            st.rerun()
    if not agenda.top_places.empty:
        suggestions = ", ".join(f"{p} ({d}, {fmt_int(n)})" for p, d, n in
                                agenda.top_places[["Plats", "Stadsdel", "Händelser"]].head(5).itertuples(index=False))
        st.caption(f"Flest händelser {m.week.label}: {safe_text.plain(suggestions)}.")


def render_view(view: int, agenda: meetings.Agenda) -> None:
    editable = can_write and not agenda.meeting.closed
    if view == 1:
        view_lagesbild(agenda)
    elif view == 2:
        view_insatser(agenda, editable)
    elif view == 3:
        view_omraden(agenda)
    else:
        view_beslut(agenda, editable)


# ---------------------------------------------------------------- meeting details


def details_form(meeting: meetings.Meeting) -> None:
    with st.form(f"mote_uppgifter_{meeting.id}", border=False):
        cols = st.columns([1, 2, 3])
        held_on = cols[0].date_input("Mötesdatum", value=meeting.held_on, format="YYYY-MM-DD")
        title = cols[1].text_input("Rubrik", value=meeting.title, max_chars=120)
        districts = cols[2].multiselect("Stadsdelar", ref["districts"], default=list(meeting.districts),
                                        placeholder="Alla stadsdelar")
        edited = st.data_editor(_participant_frame(meeting.participants), num_rows="dynamic", hide_index=True,
                                column_config=PARTICIPANT_COLUMNS, width="stretch")
        if st.form_submit_button("Spara mötesuppgifterna", icon=":material/save:"):
            try:
                meetings.update_meeting(db, meeting.id, participants=_participants_from(edited), districts=districts,
                                        title=title, held_on=held_on, actor=actor)
            except (meetings.MeetingError, AccessDenied) as exc:
                _fail(exc)
            else:
                st.rerun()


def close_button(meeting: meetings.Meeting, where: str) -> None:
    if not can_write:
        return
    if meeting.closed:
        if st.button("Öppna mötet igen", icon=":material/lock_open:", key=f"oppna_{where}"):
            meetings.reopen_meeting(db, meeting.id, actor=actor)
            st.rerun()
    elif st.button("Avsluta mötet", icon=":material/lock:", key=f"avsluta_{where}",
                   help="Ett avslutat möte kan inte ändras av misstag; det kan öppnas igen."):
        meetings.close_meeting(db, meeting.id, actor=actor)
        st.rerun()


def meeting_caption(meeting: meetings.Meeting) -> str:
    week = meeting.week
    people = "; ".join(p.label for p in meeting.participants) or "inga deltagare antecknade"
    closed = f" · avslutat {meeting.closed_at:%Y-%m-%d %H:%M}" if meeting.closed_at else ""
    return safe_text.plain(f"{fmt_date(meeting.held_on)} · lägesbild {week.label} {week.year} · {meeting.district_label} · "
                    f"Deltagare: {people}{closed}")


# ---------------------------------------------------------------- presentation mode


def presentation(meeting: meetings.Meeting | None) -> None:
    st.html(meetings.PRESENTATION_KEYS_JS, unsafe_allow_javascript=True)
    if meeting is None:
        st.title("Samverkansmöte")
        start_form()
        if all_meetings:
            latest = all_meetings[0]
            if st.button(f"Visa senaste mötet ({safe_text.plain(latest.label)})", icon=":material/history:",
                         key="pres_latest"):
                _choose_meeting(latest.id)
                st.rerun()
        st.button("Avsluta presentationsläget", key="pres_exit", on_click=_exit_presentation,
                  icon=":material/close_fullscreen:")
        return
    view = state["mote_view"]
    agenda: meetings.Agenda | None = cache.query(meetings.agenda, db, meeting.id)
    if agenda is None:
        st.error("Mötet finns inte längre.")
        return
    head = st.columns([2, 7, 2], vertical_alignment="center")
    # The keys (arrows, PageUp/PageDown as a presenter clicker sends, space, Esc) click these buttons
    # through the page's small static script, meetings.PRESENTATION_KEYS_JS.
    head[0].button("◀ Föregående", key="pres_prev", on_click=_step, args=(-1,), disabled=view == 1,
                   width="stretch")
    state["mote_vy_ctl"] = SHORT_LABELS[view - 1]
    head[1].segmented_control("Dagordning", SHORT_LABELS, key="mote_vy_ctl", on_change=_view_from_control,
                              label_visibility="collapsed", width="stretch")
    head[2].button("Nästa ▶", key="pres_next", on_click=_step, args=(1,), disabled=view == len(meetings.VIEWS),
                   type="primary", width="stretch")
    render_view(view, agenda)
    timer = _url_int("timer")
    foot = st.columns([6, 2, 2], vertical_alignment="center")
    foot[0].caption(safe_text.plain(f"{meeting.title} · {fmt_date(meeting.held_on)} · {meeting.district_label}. ") +
                    "Tangenter: → PgDn mellanslag = nästa · ← PgUp = föregående · Esc = avsluta. "
                    + (f"Byter vy var {timer}:e sekund och stannar på sista vyn." if timer else
                       "Lägg till &timer=60 i adressen för automatisk bläddring."))
    if timer:
        foot[1].button("Stoppa timern", key="pres_timer_stop", on_click=lambda: st.query_params.pop("timer", None),
                       icon=":material/timer_off:")
    foot[2].button("Avsluta presentation", key="pres_exit", on_click=_exit_presentation,
                   icon=":material/close_fullscreen:")


# ---------------------------------------------------------------- the page

chosen_id = state["mote_id"]
meeting = by_id.get(chosen_id) if chosen_id != NEW else None

if presenting:
    presentation(meeting)
else:
    st.title("Samverkansmöte")
    options = [NEW, *by_id]
    top = st.columns([5, 2, 2], vertical_alignment="bottom")
    state["mote_select"] = chosen_id
    top[0].selectbox(
        "Möte", options, key="mote_select",
        format_func=lambda i: "Nytt möte …" if i == NEW else by_id[i].label + (" (denna vecka)" if by_id[i] is this_week
                                                                              else ""),
        on_change=lambda: _choose_meeting(state["mote_select"]),
        help="Tidigare möten finns kvar här med sina beslut. Öppna beslut följer med till nästa möte tills de "
             "markeras klara.",
    )
    if meeting is not None:
        top[1].button("Presentationsläge", icon=":material/slideshow:", on_click=_start_presentation,
                      type="primary", width="stretch", help="Helskärm utan sidofält, en punkt i taget.")
        with top[2]:
            close_button(meeting, "top")
    if meeting is None:
        if not all_meetings:
            st.write("Inga möten ännu. Starta veckans möte här; dagordningen byggs av data.")
        start_form()
    else:
        st.caption(meeting_caption(meeting))
        minutes_buttons(meeting, "top")
        if can_write and not meeting.closed:
            with st.expander("Ändra datum, stadsdelar och deltagare"):
                details_form(meeting)
        agenda_ = cache.query(meetings.agenda, db, meeting.id)
        view = state["mote_view"]
        state["mote_vy_ctl"] = SHORT_LABELS[view - 1]
        st.segmented_control("Dagordning", SHORT_LABELS, key="mote_vy_ctl", on_change=_view_from_control,
                             width="stretch")
        if agenda_ is not None:
            render_view(view, agenda_)

if meeting is not None:
    st.query_params["mote"] = str(meeting.id)
    state["mote_url_seen"] = meeting.id
st.query_params["vy"] = str(state["mote_view"])
state["mote_view_url_seen"] = state["mote_view"]
