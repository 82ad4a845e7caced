"""The Möte page's forms for what the minutes need beyond the decisions: notes per agenda item,
report-backs on earlier decisions, övriga frågor, attendance against the standing list, the next
meeting, who keeps and who approves the minutes, and the justering that locks them.

Each form calls meeting.protocol (or documents.minutes for the justering), which checks the role
and the lock itself; a refusal is shown as its Swedish message, never as a traceback.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.core.errors import UserError
from trygghet.core.formatting import MISSING, fmt_date
from trygghet.documents.minutes import approve_minutes
from trygghet.meeting import protocol, records
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.protocol import ITEMS
from trygghet.meeting.records import Participant
from trygghet.ui import cache, safe_text, shell
from trygghet.ui.errors import show_error
from trygghet.ui.meeting import forms
from trygghet.ui.meeting.context import MeetingPage
from trygghet.ui.meeting.display import show_removed


def _version(page: MeetingPage) -> int:
    return int(shell.status(page.db)["version"])


def _saved(removed: records.Removed, message: str) -> None:
    show_removed(removed)
    st.toast(message, icon=":material/check_circle:")
    st.rerun()


# ---------------------------------------------------------------- notes per agenda item


def note_form(page: MeetingPage, agenda: Agenda, item: str) -> None:
    """The note of one agenda item, typed and saved."""
    m = agenda.meeting
    with st.form(f"anteckning_{item}_{m.id}_{_version(page)}", border=False):
        text = st.text_area(f"Anteckningar – {ITEMS[item].lower()}", value=agenda.minutes.note(item),
                            max_chars=records.MAX_TEXT, height=110,
                            placeholder="Vad sades under punkten? Skriv om platser och situationer, aldrig om "
                                        "enskilda personer.")
        if st.form_submit_button("Spara anteckningen", icon=":material/save:"):
            try:
                removed = protocol.save_note(page.db, m.id, item, text, actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(removed, "Anteckningen är sparad.")


def note_section(page: MeetingPage, agenda: Agenda, item: str, editable: bool) -> None:
    text = agenda.minutes.note(item)
    if editable:
        with st.expander(f"Anteckningar till protokollet{' (1)' if text else ''}", expanded=bool(text)):
            note_form(page, agenda, item)
    elif text:
        st.markdown("**Anteckningar**")
        st.text(text)  # st.text shows it as typed, never as Markdown


# ---------------------------------------------------------------- report-backs


def report_back_form(page: MeetingPage, agenda: Agenda) -> None:
    """Report-back on an earlier meeting's decision: what was done, when, and whether it is done."""
    carried = agenda.decisions[agenda.decisions["carried"]] if not agenda.decisions.empty else agenda.decisions
    if carried.empty:
        return
    m = agenda.meeting
    with st.expander("Återrapport på ett tidigare beslut"):
        labels = {int(i): (t if len(t) <= 90 else t[:89] + "…") + f" ({fmt_date(d.date() if hasattr(d, 'date') else d)})"
                  for i, t, d in zip(carried["id"], carried["text"], carried["decided_on"], strict=True)}
        chosen = st.selectbox("Beslut", list(labels), format_func=labels.__getitem__, key=f"ater_beslut_{m.id}",
                              placeholder="Välj beslut")
        row = carried.set_index("id").loc[chosen]
        current = row["report_text"] if isinstance(row["report_text"], str) else ""
        with st.form(f"aterrapport_{m.id}_{chosen}_{_version(page)}", border=False):
            text = st.text_area("Återrapport", value=current, max_chars=records.MAX_TEXT, height=90,
                                placeholder="Vad har gjorts sedan beslutet?")
            cols = st.columns(2)
            day = cols[0].date_input("Datum för återrapporten", value=m.held_on, format="YYYY-MM-DD")
            done = cols[1].checkbox("Beslutet är klart", value=row["status"] == records.DONE)
            if st.form_submit_button("Spara återrapporten", type="primary", icon=":material/save:"):
                try:
                    removed = protocol.save_report_back(page.db, m.id, int(chosen), text, day, done=done,
                                                        actor=page.actor)
                except UserError as exc:
                    show_error(exc)
                else:
                    _saved(removed, "Återrapporten är sparad.")


# ---------------------------------------------------------------- 5. övriga frågor and the minutes' details


def _attendance_frame(agenda: Agenda) -> pd.DataFrame:
    rows = [(p.organisation, p.role, True) for p in agenda.present]
    rows += [(p.organisation, p.role, False) for p in agenda.absent]
    return pd.DataFrame(rows or [("", "", True)], columns=["Organisation", "Roll", "Närvarande"])


def attendance_form(page: MeetingPage, agenda: Agenda) -> None:
    m = agenda.meeting
    st.markdown("**Närvaro** – den stående deltagarlistan och de som kom; bocka ur den som inte var med")
    edited = st.data_editor(
        _attendance_frame(agenda), num_rows="dynamic", hide_index=True, width="stretch",
        key=f"narvaro_{m.id}_{_version(page)}",
        column_config={
            "Organisation": st.column_config.SelectboxColumn(options=page.reference["organisations"], required=True),
            "Roll": st.column_config.TextColumn("Roll eller funktion", help="Roll, inte namn."),
            "Närvarande": st.column_config.CheckboxColumn(default=True),
        },
    )
    if st.button("Spara närvaron", icon=":material/save:", key=f"spara_narvaro_{m.id}"):
        present, absent = [], []
        for organisation, role, here in zip(edited["Organisation"], edited["Roll"], edited["Närvarande"], strict=True):
            if isinstance(organisation, str) and organisation.strip():
                person = Participant(organisation.strip(), role.strip() if isinstance(role, str) else "")
                (present if bool(here) else absent).append(person)
        try:
            removed = protocol.save_attendance(page.db, m.id, present, absent, actor=page.actor)
        except UserError as exc:
            show_error(exc)
        else:
            _saved(removed, "Närvaron är sparad.")


def members_form(page: MeetingPage) -> None:
    standing: list[Participant] = cache.query(protocol.members, page.db)  # type: ignore[assignment]
    with st.expander("Stående deltagarlista"):
        st.caption("Organisationerna (och rollerna) som väntas på varje möte. De som inte är med blir frånvarande "
                   "i protokollet.")
        frame = pd.DataFrame([(p.organisation, p.role) for p in standing] or [("", "")],
                             columns=["Organisation", "Roll"])
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch",
                                key=f"staende_{_version(page)}",
                                column_config={"Organisation": st.column_config.SelectboxColumn(
                                    options=page.reference["organisations"], required=True),
                                    "Roll": st.column_config.TextColumn("Roll eller funktion")})
        if st.button("Spara deltagarlistan", icon=":material/save:", key="spara_staende"):
            members = [Participant(o.strip(), r.strip() if isinstance(r, str) else "")
                       for o, r in zip(edited["Organisation"], edited["Roll"], strict=True)
                       if isinstance(o, str) and o.strip()]
            try:
                removed = protocol.save_members(page.db, members, actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(removed, "Deltagarlistan är sparad.")


def details_form(page: MeetingPage, agenda: Agenda) -> None:
    m, info = agenda.meeting, agenda.minutes
    people = [p.label for p in agenda.present]
    with st.form(f"protokoll_{m.id}_{_version(page)}", border=True):
        cols = st.columns([1, 2, 2])
        next_day = cols[0].date_input("Nästa möte", value=info.next_meeting or m.held_on + dt.timedelta(days=7),
                                      format="YYYY-MM-DD")
        secretary = cols[1].selectbox("Vid protokollet", people, index=people.index(info.secretary)
                                      if info.secretary in people else None, accept_new_options=True,
                                      placeholder="Organisation – roll")
        approver = cols[2].selectbox("Justerare", people, index=people.index(info.approver)
                                     if info.approver in people else None, accept_new_options=True,
                                     placeholder="Organisation – roll")
        if st.form_submit_button("Spara", icon=":material/save:"):
            try:
                removed = protocol.save_details(page.db, m.id, next_meeting=next_day, secretary=secretary or "",
                                                approver=approver or "", actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(removed, "Protokollets uppgifter är sparade.")


def justering(page: MeetingPage, agenda: Agenda) -> None:
    m, info = agenda.meeting, agenda.minutes
    st.markdown("**Justering**")
    if not info.approver:
        st.caption("Ange justerare ovan. Sedan justeras protokollet här, och mötet låses.")
        return
    sure = st.checkbox(f"{safe_text.plain(info.approver)} har läst protokollet och godkänner det",
                       key=f"justera_ok_{m.id}")
    if st.button("Justera och lås protokollet", type="primary", icon=":material/verified:", disabled=not sure,
                 key=f"justera_{m.id}", help="Protokollet sparas som det ser ut nu, som PDF och Word, och mötet "
                                              "kan inte ändras längre."):
        try:
            with st.spinner("Protokollet skapas och sparas …"):
                approve_minutes(page.db, m.id, actor=page.actor)
        except UserError as exc:
            show_error(exc)
        else:
            st.toast("Protokollet är justerat och låst.", icon=":material/verified:")
            st.rerun()


def protocol_view(page: MeetingPage, agenda: Agenda, editable: bool) -> None:
    """5. Övriga frågor, attendance, next meeting and the justering."""
    m, info = agenda.meeting, agenda.minutes
    st.header("5. Övriga frågor och protokoll")
    if info.locked and info.approved_at is not None:
        st.success(f"Protokollet justerades {info.approved_at:%Y-%m-%d %H:%M} av {safe_text.plain(info.approver)} "
                   "och är låst. Nedladdningarna ger protokollet som det justerades.", icon=":material/verified:")
    if editable:
        note_form(page, agenda, "ovriga")
        attendance_form(page, agenda)
        members_form(page)
        details_form(page, agenda)
        justering(page, agenda)
        return
    st.markdown("**Övriga frågor**")
    st.text(info.note("ovriga") or "Inga övriga frågor antecknade.")
    present = "; ".join(p.label for p in agenda.present) or "Inga deltagare antecknade"
    absent = "; ".join(p.label for p in agenda.absent) or "Ingen"
    st.text(f"Närvarande: {present}\nFrånvarande: {absent}\n"
            f"Nästa möte: {fmt_date(info.next_meeting) if info.next_meeting else 'inte bestämt'}\n"
            f"Vid protokollet: {info.secretary or MISSING}\nJusterare: {info.approver or MISSING}")
    if not m.locked and page.can_write and m.closed:
        st.caption("Mötet är avslutat. Öppna det igen för att ändra eller justera protokollet.")


def record_for_view(page: MeetingPage, agenda: Agenda, view: int) -> None:
    """In presentation mode's dialog: what the meeting records for the agenda item on the wall."""
    m = agenda.meeting
    if view == 2:
        if not agenda.followup.empty:
            forms.followup_section(page, m, agenda.followup, True)
        report_back_form(page, agenda)
        note_form(page, agenda, "insatser")
    elif view == 4:
        forms.decisions_section(page, agenda, True)
        report_back_form(page, agenda)
        forms.decision_form(page, agenda)
        forms.focus_section(page, agenda, True)
        note_form(page, agenda, "beslut")
    elif view == 5:
        note_form(page, agenda, "ovriga")
        details_form(page, agenda)
    else:
        note_form(page, agenda, "lagesbild" if view == 1 else "omraden")
