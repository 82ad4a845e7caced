"""Everything the Möte page records: starting a meeting, its details, closing and reopening it,
the interventions changed in the follow-up table, decisions (new, done, removed) and next week's
focus places.

Each form turns what was typed into a call to meeting.records or meeting.edits, which check the
role themselves; what changed in an edited table is worked out by the pure diffs in
meeting.edits. A refusal is shown as its Swedish message, never as a traceback.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.core.errors import UserError
from trygghet.core.formatting import MISSING, fmt_date, fmt_int
from trygghet.meeting import edits, records
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.records import Meeting, Participant
from trygghet.present import table_style, tables
from trygghet.ui import cache, safe_text, shell
from trygghet.ui.errors import show_error
from trygghet.ui.meeting import session
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.display import show_removed, static_table

DEFAULT_PARTICIPANTS = [("Kommun", "Trygghetssamordnare"), ("Polis", "Kommunpolis"), ("Bostadsbolag", "Områdeschef"),
                        ("Fritid/fältare", "Fältsamordnare")]
FOLLOWUP_EDIT = ["Insats-ID", "Insats", "Stadsdel", "Att följa upp", "Status", "Slut", "Kommentar"]
FOCUS_COLUMNS = ["Stadsdel", "Plats", "Anledning"]
LINK_NONE, LINK_NEW, LINK_CHANGE = "Ingen insats", "Ny insats", "Ändra en insats"


def _version(page: MeetingPage) -> int:
    """The data version, part of an editor's key: after a save the table is drawn afresh."""
    return int(shell.status(page.db)["version"])


# ---------------------------------------------------------------- the meeting itself


def _participant_frame(participants: tuple[Participant, ...] | None) -> pd.DataFrame:
    rows = [(p.organisation, p.role) for p in participants] if participants else DEFAULT_PARTICIPANTS
    return pd.DataFrame(rows, columns=["Organisation", "Roll"])


def _participant_columns(page: MeetingPage) -> dict[str, object]:
    return {
        "Organisation": st.column_config.SelectboxColumn("Organisation", options=page.reference["organisations"],
                                                         required=True, width="medium"),
        "Roll": st.column_config.TextColumn("Roll eller funktion", width="large",
                                            help="Skriv roll, inte namn: till exempel kommunpolis, fältsamordnare, "
                                                 "rektor."),
    }


def start_form(page: MeetingPage) -> None:
    latest = page.meetings[0] if page.meetings else None
    st.header("Starta veckans möte" if not page.this_week else "Nytt möte")
    if not page.can_write:
        st.info("Du kan se tidigare möten men inte starta ett nytt: det kräver rollen redigerare.",
                icon=":material/lock:")
        return
    with st.form("ny_mote", border=True):
        cols = st.columns([1, 2, 3])
        held_on = cols[0].date_input("Mötesdatum", value=page.today, format="YYYY-MM-DD", key="ny_datum")
        title = cols[1].text_input("Rubrik", key="ny_rubrik", max_chars=120,
                                   placeholder="Samverkansmöte v. (mötesdatumets vecka)",
                                   help="Tom: rubriken blir 'Samverkansmöte v.' och veckan för mötesdatumet.")
        districts = cols[2].multiselect(
            "Stadsdelar", page.reference["districts"], default=list(latest.districts) if latest else [],
            placeholder="Alla stadsdelar", key="ny_stadsdelar",
        )
        st.markdown("**Deltagare** – organisation och roll (inga namn)")
        edited = st.data_editor(
            _participant_frame(latest.participants if latest else None), num_rows="dynamic", hide_index=True,
            column_config=_participant_columns(page), key="ny_deltagare", width="stretch",
        )
        st.caption(
            "Lägesbilden gäller den senaste hela veckan före mötesdatumet. Deltagarna från förra mötet är "
            "ifyllda; lägg till eller ta bort rader."
        )
        if st.form_submit_button("Starta mötet", type="primary", icon=":material/play_arrow:"):
            try:
                mid = records.create_meeting(page.db, held_on, edits.participants_from(edited), districts,
                                             title=title, actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                session.choose_meeting(mid)
                session.set_view(1)
                st.rerun()


def details_form(page: MeetingPage, meeting: Meeting) -> None:
    with st.form(f"mote_uppgifter_{meeting.id}", border=False):
        cols = st.columns([1, 2, 3])
        held_on = cols[0].date_input("Mötesdatum", value=meeting.held_on, format="YYYY-MM-DD")
        title = cols[1].text_input("Rubrik", value=meeting.title, max_chars=120)
        districts = cols[2].multiselect("Stadsdelar", page.reference["districts"], default=list(meeting.districts),
                                        placeholder="Alla stadsdelar")
        edited = st.data_editor(_participant_frame(meeting.participants), num_rows="dynamic", hide_index=True,
                                column_config=_participant_columns(page), width="stretch")
        if st.form_submit_button("Spara mötesuppgifterna", icon=":material/save:"):
            try:
                records.update_meeting(page.db, meeting.id, participants=edits.participants_from(edited),
                                       districts=districts, title=title, held_on=held_on, actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                st.rerun()


def close_button(page: MeetingPage, meeting: Meeting, where: str) -> None:
    if not page.can_write or meeting.locked:
        return
    if meeting.closed:
        if st.button("Öppna mötet igen", icon=":material/lock_open:", key=f"oppna_{where}"):
            records.reopen_meeting(page.db, meeting.id, actor=page.actor)
            st.rerun()
    elif st.button("Avsluta mötet", icon=":material/lock:", key=f"avsluta_{where}",
                   help="Ett avslutat möte kan inte ändras av misstag; det kan öppnas igen."):
        records.close_meeting(page.db, meeting.id, actor=page.actor)
        st.rerun()


# ---------------------------------------------------------------- interventions to follow up


def followup_frame(followup: pd.DataFrame) -> pd.DataFrame:
    """The follow-up table as the page shows and edits it. The end date is text (ÅÅÅÅ-MM-DD), so that a
    missing one is an empty cell: the grid's date column draws it as 'None'."""
    district = followup["district"].fillna("hela kommunen")
    ends = pd.to_datetime(followup["end_date"])
    return pd.DataFrame({
        "Insats-ID": followup["id"],
        "Insats": followup["title"],
        "Stadsdel": district.str.replace("hela kommunen", "Hela kommunen"),
        "Att följa upp": followup["reasons"],
        "Status": followup["status"],
        "Slut": [fmt_date(d.date()) if pd.notna(d) else "" for d in ends],
        "Kommentar": followup["comment"].fillna(""),
    })


def followup_section(page: MeetingPage, meeting: Meeting, followup: pd.DataFrame, editable: bool) -> None:
    frame = followup_frame(followup)
    if editable:
        followup_editor(page, meeting, frame)
        return
    shown = frame.assign(Slut=[d or MISSING for d in frame["Slut"]])
    static_table(page, shown, f"mote-uppfoljning-{meeting.id}", highlight=list(followup["overdue"]))


def followup_editor(page: MeetingPage, meeting: Meeting, frame: pd.DataFrame) -> None:
    """The follow-up table with status, end date and comment editable, and a button that saves
    what changed to the interventions and their history."""
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key=f"uppfoljning_{meeting.id}_{_version(page)}",
        disabled=["Insats-ID", "Insats", "Stadsdel", "Att följa upp"],
        column_order=FOLLOWUP_EDIT,
        column_config={
            "Insats-ID": st.column_config.TextColumn(width="small"),
            "Insats": st.column_config.TextColumn(width="medium"),
            "Att följa upp": st.column_config.TextColumn(width="large"),
            "Status": st.column_config.SelectboxColumn(options=page.reference["statuses"], required=True, width=130),
            "Slut": st.column_config.TextColumn(width=140, max_chars=10, validate=r"^(\d{4}-\d{2}-\d{2})?$",
                                                help="ÅÅÅÅ-MM-DD; tomt: inget slutdatum."),
            "Kommentar": st.column_config.TextColumn(width="large", max_chars=500),
        },
        height=min(table_style.table_height(len(frame)), 600),
    )
    changes = edits.followup_edits(frame, edited)
    label = f"Spara {len(changes)} ändrade insatser" if changes else "Inga ändringar att spara"
    if st.button(label, type="primary", disabled=not changes, icon=":material/save:", key="spara_insatser"):
        try:
            changed, removed = edits.update_interventions(page.db, meeting.id, changes, actor=page.actor)
        except UserError as exc:
            show_error(exc)
        else:
            show_removed(removed)
            st.toast(f"{sum(len(v) for v in changed.values())} ändringar sparade i insatsernas historik.",
                     icon=":material/check_circle:")
            st.rerun()


# ---------------------------------------------------------------- decisions


def decisions_section(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    m, frame = agenda.meeting, agenda.decisions
    st.markdown("**Beslut** – tidigare möten öppna tills de markeras klara")
    if frame.empty:
        st.write("Inga beslut ännu.")
        return
    shown = tables.decisions(frame, m)
    for column in ("Insats", "Återrapport"):
        if not (shown[column] != "").any():
            shown = shown.drop(columns=column)
    if not editable:
        static_table(page, shown, f"mote-beslut-{m.id}", highlight=list(frame["overdue"]))
        return
    shown.insert(0, "Klar", [s == records.DONE for s in frame["status"]])
    edited = st.data_editor(
        shown, hide_index=True, width="stretch", key=f"beslut_{m.id}_{_version(page)}",
        disabled=[c for c in shown.columns if c != "Klar"], column_order=[c for c in shown.columns if c != "Status"],
        column_config={"Klar": st.column_config.CheckboxColumn(width="small"),
                       "Beslut": st.column_config.TextColumn(width="large"),
                       "Ansvarig organisation": st.column_config.TextColumn(width="medium"),
                       "Beslutat": st.column_config.TextColumn(width="small"),
                       "Klart senast": st.column_config.TextColumn(width="small")},
        height=min(table_style.table_height(len(shown)), 420),
    )
    done_now, reopened = edits.decisions_marked(list(frame["id"]), list(shown["Klar"]), list(edited["Klar"]))
    if (done_now or reopened) and st.button(f"Spara ({len(done_now)} klara, {len(reopened)} öppnade igen)",
                                            type="primary", icon=":material/save:", key="spara_beslut_status"):
        try:
            edits.set_decisions_done(page.db, m.id, done_now, True, actor=page.actor)
            edits.set_decisions_done(page.db, m.id, reopened, False, actor=page.actor)
        except UserError as exc:
            show_error(exc)
        else:
            st.rerun()
    own = frame[~frame["carried"]]
    if not page.presenting and not own.empty:
        delete_decision(page, m, own)


def delete_decision(page: MeetingPage, m: Meeting, own: pd.DataFrame) -> None:
    """A decision typed by mistake is removed here; earlier meetings' decisions are only marked done."""
    with st.expander("Ta bort ett beslut som blev fel"):
        labels = {int(i): (t if len(t) <= 90 else t[:89] + "…") for i, t in zip(own["id"], own["text"], strict=True)}
        chosen = st.selectbox("Beslut från det här mötet", list(labels), format_func=labels.__getitem__,
                              index=None, placeholder="Välj beslut", key=f"ta_bort_beslut_{m.id}")
        st.caption("En insats som beslutet skapade eller ändrade finns kvar; ändra den under Insatser att följa upp.")
        if st.button("Ta bort beslutet", icon=":material/delete:", disabled=chosen is None,
                     key=f"ta_bort_beslut_knapp_{m.id}"):
            try:
                text = edits.delete_decision(page.db, m.id, int(chosen), actor=page.actor)  # type: ignore[arg-type]
            except UserError as exc:
                show_error(exc)
            else:
                st.toast(f"Beslutet togs bort: {safe_text.plain(labels.get(int(chosen), text))}",  # type: ignore[arg-type]
                         icon=":material/delete:")
                st.rerun()


def _new_intervention_fields(page: MeetingPage, m: Meeting) -> dict[str, object]:
    """The fields of an intervention the decision creates."""
    ref = page.reference
    c = st.columns([4, 2, 3])
    title = c[0].text_input("Ny insats", placeholder="Kort beskrivning av insatsen", max_chars=200)
    district = c[1].selectbox("Stadsdel", ["Hela kommunen", *ref["districts"]],
                              index=1 + ref["districts"].index(m.districts[0]) if m.districts else 0)
    area = c[2].selectbox("Prioriterat område", ["–", *ref["priority_areas"]])
    c = st.columns(3)
    start = c[0].date_input("Start", value=m.held_on, format="YYYY-MM-DD")
    end = c[1].date_input("Slut", value=m.held_on + dt.timedelta(weeks=8), format="YYYY-MM-DD")
    new_id = c[2].text_input("Insats-ID (valfritt)", placeholder=f"M-{fmt_date(m.held_on)}-1", max_chars=40)
    values: dict[str, object] = {"title": title, "district": None if district == "Hela kommunen" else district,
                                 "priority_area": None if area == "–" else area, "start_date": start, "end_date": end}
    if new_id.strip():
        values["id"] = new_id.strip()
    return values


def _intervention_change(page: MeetingPage, choices: pd.DataFrame) -> tuple[str, dict[str, object]] | None:
    """The intervention the decision changes and its new values (only those given)."""
    if choices.empty:
        st.write("Det finns inga insatser att ändra.")
        return None
    labels = {r.id: f"{r.id} – {r.title} ({r.status})" for r in choices.itertuples(index=False)}
    c = st.columns([5, 2, 2])
    iid = c[0].selectbox("Insats", list(labels), format_func=labels.get)
    status = c[1].selectbox("Ny status", ["Oförändrad", *page.reference["statuses"]])
    end = c[2].date_input("Nytt slutdatum", value=None, format="YYYY-MM-DD",
                          help="Lämna tomt för att behålla slutdatumet.")
    comment = st.text_input("Ny kommentar", placeholder="Lämna tomt för att behålla kommentaren", max_chars=500)
    values: dict[str, object] = {}
    if status != "Oförändrad":
        values["status"] = status
    if end is not None:
        values["end_date"] = end
    if comment.strip():
        values["comment"] = comment
    return str(iid), values


def decision_form(page: MeetingPage, agenda: Agenda) -> None:
    m = agenda.meeting
    link = st.segmented_control("Beslutet gäller", [LINK_NONE, LINK_NEW, LINK_CHANGE], default=LINK_NONE,
                                key="beslut_koppling") or LINK_NONE
    choices: pd.DataFrame = cache.query(records.intervention_choices, page.db, m.districts)  # type: ignore[assignment]
    round_ = st.session_state.setdefault("beslut_runda", 0)  # a new round gives an empty form after a save
    with st.form(f"nytt_beslut_{round_}", border=True):
        text = st.text_area("Beslut", placeholder="Vad ska göras, var och varför?", height=110,
                            max_chars=records.MAX_TEXT)
        cols = st.columns([3, 3, 2])
        organisation = cols[0].selectbox("Ansvarig organisation", page.reference["organisations"], index=None,
                                         placeholder="Välj organisation", accept_new_options=True)
        responsible = cols[1].text_input("Ansvarig roll", placeholder="t.ex. kommunpolis", max_chars=120)
        deadline = cols[2].date_input("Klart senast", value=m.held_on + dt.timedelta(days=7), format="YYYY-MM-DD")
        new_values: dict[str, object] = {}
        change: tuple[str, dict[str, object]] | None = None
        if link == LINK_NEW:
            new_values = _new_intervention_fields(page, m)
        elif link == LINK_CHANGE:
            change = _intervention_change(page, choices)
        submitted = st.form_submit_button("Spara beslutet", type="primary", icon=":material/gavel:")
    if submitted:
        try:
            if link == LINK_NEW:
                new_values.setdefault("owner", organisation)
                new_values.setdefault("contact", responsible)
            result = edits.record_decision(
                page.db, m.id, text, organisation, responsible, deadline,
                new_intervention=new_values if link == LINK_NEW else None,
                # With nothing changed the decision is still tied to the intervention it is about.
                change_intervention=change if link == LINK_CHANGE and change else None,
                actor=page.actor,
            )
        except UserError as exc:
            show_error(exc)
        else:
            show_removed(result.removed)
            message = "Beslutet är sparat"
            if result.intervention_id and link == LINK_NEW:
                message += f" och insatsen {safe_text.plain(result.intervention_id)} skapad"
            elif result.intervention_id and result.changed_fields:
                message += f"; insatsen {safe_text.plain(result.intervention_id)} ändrad"
            st.toast(message + ".", icon=":material/check_circle:")
            st.session_state["beslut_runda"] = round_ + 1
            st.rerun()


# ---------------------------------------------------------------- focus places


def focus_section(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    m = agenda.meeting
    st.markdown("**Veckans fokusplatser** – följs upp på nästa möte")
    frame = tables.focus(agenda.focus)
    if not editable:
        if frame.empty:
            st.write("Inga fokusplatser bestämda.")
        else:
            static_table(page, frame, f"mote-fokus-{m.id}")
        return
    frame["Plats"] = [p.place or "" for p in agenda.focus]
    edited = st.data_editor(
        frame if not frame.empty else pd.DataFrame(columns=FOCUS_COLUMNS), num_rows="dynamic", hide_index=True,
        width="stretch", key=f"fokus_{m.id}_{_version(page)}",
        column_config={
            "Stadsdel": st.column_config.SelectboxColumn(options=page.reference["districts"], required=True,
                                                         width=140),
            "Plats": st.column_config.TextColumn(help="Tom: hela stadsdelen.", max_chars=120, width="medium"),
            "Anledning": st.column_config.TextColumn(max_chars=300, width="medium"),
        },
        height=min(table_style.table_height(max(len(frame), 1) + 1), 400),
    )
    wanted = edits.edited_focus_places(agenda.focus, edited)
    if wanted is not None and st.button("Spara fokusplatserna", type="primary", icon=":material/save:",
                                        key="spara_fokus"):
        try:
            removed = edits.save_focus_places(page.db, m.id, wanted, actor=page.actor)
        except UserError as exc:
            show_error(exc)
        else:
            show_removed(removed)
            st.rerun()
    if not agenda.top_places.empty:
        suggestions = ", ".join(f"{p} ({d}, {fmt_int(n)})" for p, d, n in
                                agenda.top_places[["Plats", "Stadsdel", "Händelser"]].head(5).itertuples(index=False))
        st.caption(f"Flest händelser {m.week.label}: {safe_text.plain(suggestions)}.")
