"""What the Rapport page records for a report: the analysis per prioritised problem and the free
analysis, the åtgärdsplan with the council's decision and each measure's status this period, the
follow-up of the previous plan, and the commitments (samordningsfunktion, samverkansöverenskommelse,
medborgarlöften). Each form calls analysis.action_plan (or meeting.records for the free text), which
checks the role itself; a refusal is shown as its Swedish message, never as a traceback."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from trygghet.analysis import action_plan as plans
from trygghet.core.errors import UserError
from trygghet.documents.report_data import ReportData
from trygghet.documents.report_period import ReportPeriod, analysis_key, districts_key
from trygghet.documents.report_sections import ANALYSIS_PLACEHOLDER
from trygghet.meeting import records as meetings
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.ui import safe_text, shell
from trygghet.ui.errors import show_error


@dataclass(frozen=True)
class ReportPage:
    db: Database
    period: ReportPeriod
    districts: tuple[str, ...]
    actor: Actor
    can_write: bool
    data: ReportData
    areas: list[str]  # the priority areas, offered as problems

    @property
    def key(self) -> str:
        return districts_key(self.districts)

    @property
    def shared(self) -> bool:
        """The chosen districts show the municipality's analysis and plan, having none of their own."""
        return self.data.plan_scope != self.key

    @property
    def version(self) -> int:
        """Part of an editor's key: after a save the table is drawn afresh from the database."""
        return int(shell.status(self.db)["version"])


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _date(value: object) -> dt.date | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]


def _saved(cleaned: plans.Cleaned, what: str) -> None:
    if cleaned.counts:
        st.toast(safe_text.plain(cleaned.message), icon=":material/privacy_tip:")
    st.toast(f"{what} är sparad.", icon=":material/check_circle:")
    st.rerun()


def analysis_forms(page: ReportPage) -> None:
    st.subheader("Analys per prioriterat problem")
    st.caption("Brås orsaksanalys: för varje problem varför det prioriteras, orsakerna enligt brottstriangeln "
               "(gärningsperson, brottsoffer eller mål, plats), risk- och skyddsfaktorer, konsekvenser och resurser. "
               "Sparas för den här perioden och de här stadsdelarna. Inga personuppgifter: personnummer, "
               "telefonnummer och e-post tas bort.")
    if page.shared:
        st.info("De valda stadsdelarna har ingen egen analys; här visas kommunens gemensamma. Sparas den här blir "
                "den de valda stadsdelarnas egen.", icon=":material/info:")
    labels = plans.ANALYSIS_LABELS
    frame = pd.DataFrame([vars(a) for a in page.data.analyses], columns=list(plans.ANALYSIS_FIELDS))
    frame = frame.rename(columns=labels)
    if not page.can_write:
        st.dataframe(frame, hide_index=True, width="stretch") if len(frame) else st.caption("Ingen analys ännu.")
    else:
        with st.form(f"analyser_{page.period.key}_{page.key}", border=False):
            columns = {labels[f]: st.column_config.TextColumn(labels[f], max_chars=plans.MAX_TEXT)
                       for f in plans.ANALYSIS_FIELDS}
            columns[labels["priority_area"]] = st.column_config.SelectboxColumn(labels["priority_area"],
                                                                                options=page.areas)
            edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch", column_config=columns,
                                    key=f"analyser_{page.period.key}_{page.key}_{page.version}")
            if st.form_submit_button("Spara analyserna", icon=":material/save:"):
                items = [plans.ProblemAnalysis(**{f: _text(row[labels[f]]) for f in plans.ANALYSIS_FIELDS})
                         for _, row in edited.iterrows()]
                try:
                    cleaned = plans.save_analyses(page.db, page.period.key, page.key, items, actor=page.actor)
                except UserError as exc:
                    show_error(exc)
                else:
                    _saved(cleaned, "Analysen")
    st.subheader("Övrig analys")
    key = analysis_key(page.period, page.districts)
    stored = page.data.analysis
    if page.can_write:
        with st.form(f"analys_{key}"):
            text = st.text_area("Analysen i rapporten", value=stored, height=200, max_chars=meetings.MAX_TEXT,
                                placeholder=ANALYSIS_PLACEHOLDER,
                                help="Sparas för den här perioden och de här stadsdelarna och kommer med i Word och "
                                     "PDF. Inga personuppgifter: personnummer, telefonnummer och e-post tas bort.")
            if st.form_submit_button("Spara analysen", icon=":material/save:"):
                try:
                    removed = meetings.save_report_text(page.db, key, text, actor=page.actor)
                except UserError as exc:
                    show_error(exc)
                else:
                    if removed:
                        st.toast(safe_text.plain(removed.message), icon=":material/privacy_tip:")
                    st.toast("Analysen är sparad.", icon=":material/check_circle:")
                    st.rerun()
    elif stored:
        st.text(stored)
    else:
        st.caption("Ingen övrig analys skriven ännu.")


MEASURE_COLUMNS = [plans.MEASURE_LABELS[f] for f in plans.MEASURE_FIELDS]


def plan_form(page: ReportPage) -> None:
    st.subheader("Åtgärdsplan")
    st.caption("Problem → orsak → åtgärd → mål → ansvarig → resurser. Statusen gäller den här perioden; planen följs "
               "upp i nästa periods rapport.")
    data = page.data
    if page.shared and data.measures:
        st.info("De valda stadsdelarna har ingen egen åtgärdsplan; här visas kommunens gemensamma. Sparas den här "
                "blir den de valda stadsdelarnas egen.", icon=":material/info:")
    rows = [[getattr(m, f) for f in plans.MEASURE_FIELDS]
            + [data.measure_status[m.id].status if m.id in data.measure_status else "Planerad", m.id]
            for m in data.measures]
    frame = pd.DataFrame(rows, columns=[*MEASURE_COLUMNS, "Status", "id"])
    if not page.can_write:
        st.dataframe(frame.drop(columns="id"), hide_index=True, width="stretch")
        return
    with st.form(f"plan_{page.period.key}_{page.key}", border=False):
        cols = st.columns([2, 1, 1])
        decision = data.decision
        by = cols[0].text_input("Beslutad av", value=decision.decided_by or "Kommunfullmäktige", max_chars=200)
        on = cols[1].date_input("Beslutsdatum", value=decision.decided_on, format="YYYY-MM-DD",
                                help="Lämna tomt tills planen är beslutad.")
        number = cols[2].text_input("Diarienummer", value=decision.diarienummer or "", max_chars=100)
        columns: dict[str, object] = {c: st.column_config.TextColumn(c, max_chars=plans.MAX_TEXT) for c in MEASURE_COLUMNS}
        columns["Status"] = st.column_config.SelectboxColumn("Status", options=list(plans.MEASURE_STATUSES),
                                                             default="Planerad", required=True)
        columns["id"] = None  # kept, not shown: a measure keeps its follow-ups when the plan is saved again
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch", column_config=columns,
                                key=f"plan_{page.period.key}_{page.key}_{page.version}")
        if st.form_submit_button("Spara åtgärdsplanen", icon=":material/save:"):
            items = [plans.Measure(**{f: _text(row[plans.MEASURE_LABELS[f]]) for f in plans.MEASURE_FIELDS},
                                   id=_int(row["id"]))  # type: ignore[arg-type]
                     for _, row in edited.iterrows()]
            statuses = [row["Status"] or "Planerad" for _, row in edited.iterrows()]
            try:
                cleaned = plans.save_plan(page.db, page.period.key, page.key, page.period.last_day,
                                          plans.PlanDecision(_text(by), on, _text(number)), items, statuses,
                                          actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(cleaned, "Åtgärdsplanen")


def followup_form(page: ReportPage) -> None:
    data = page.data
    st.subheader("Uppföljning av föregående åtgärdsplan")
    if not data.followed:
        st.caption("Det finns ingen tidigare åtgärdsplan för de här stadsdelarna att följa upp.")
        return
    st.caption(f"Planen för {data.previous_plan}: vad blev gjort, och med vilken effekt. Uppföljningen sparas för "
               f"{page.period.name}.")
    frame = pd.DataFrame([[f.measure.measure, f.measure.problem, f.status if f.status in plans.MEASURE_STATUSES
                           else None, f.note, f.effect, f.measure.id] for f in data.followed],
                         columns=["Åtgärd", "Problem", "Status", "Uppföljning", "Uppmätt effekt", "id"])
    if not page.can_write:
        st.dataframe(frame.drop(columns="id"), hide_index=True, width="stretch")
        return
    with st.form(f"uppfoljning_{page.period.key}_{page.key}", border=False):
        edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["Åtgärd", "Problem", "Uppmätt effekt"],
                                column_config={"Status": st.column_config.SelectboxColumn(
                                    "Status", options=list(plans.MEASURE_STATUSES)),
                                    "Uppföljning": st.column_config.TextColumn(max_chars=plans.MAX_TEXT), "id": None},
                                key=f"uppfoljning_{page.period.key}_{page.key}_{page.version}")
        if st.form_submit_button("Spara uppföljningen", icon=":material/save:"):
            items = {int(row["id"]): plans.FollowUp(row["Status"], _text(row["Uppföljning"]))
                     for _, row in edited.iterrows() if row["Status"]}
            try:
                # Written for the plan followed up: the municipality's when the districts share it.
                cleaned = plans.save_followups(page.db, plans.MEASURE, page.period.key, page.data.plan_scope,
                                               page.period.last_day, items, actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(cleaned, "Uppföljningen")


COMMITMENT_COLUMNS = ["Typ", "Rubrik", "Beskrivning", "Parter", "Gäller från", "Gäller till", "Status", "Uppföljning"]


def commitments_form(page: ReportPage) -> None:
    st.subheader("Samordning och överenskommelser")
    st.caption("Kommunens samordningsfunktion, samverkansöverenskommelsen med polisen och medborgarlöftena. Statusen "
               f"och uppföljningen sparas för {page.period.name}; rapporten visar dem som de var vid periodens slut.")
    with page.db.read() as con:
        items = plans.commitments(con)
    status = page.data.commitment_status
    kinds = {v: k for k, v in plans.COMMITMENT_KINDS.items()}
    frame = pd.DataFrame([[plans.COMMITMENT_KINDS[c.kind], c.title, c.description, c.parties, c.valid_from, c.valid_to,
                           status[c.id].status if c.id in status else None,
                           status[c.id].note if c.id in status else None, c.id] for c in items],
                         columns=[*COMMITMENT_COLUMNS, "id"])
    for column in ("Gäller från", "Gäller till"):
        frame[column] = pd.to_datetime(frame[column])
    if not page.can_write:
        st.dataframe(frame.drop(columns="id"), hide_index=True, width="stretch")
        return
    with st.form("atagande", border=False):
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch", column_config={
            "Typ": st.column_config.SelectboxColumn(options=list(kinds), required=True),
            "Rubrik": st.column_config.TextColumn(max_chars=300),
            "Gäller från": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Gäller till": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Status": st.column_config.SelectboxColumn(options=list(plans.COMMITMENT_STATUSES)),
            "id": None}, key=f"atagande_{page.version}")
        if st.form_submit_button("Spara samordning och överenskommelser", icon=":material/save:"):
            rows = [row for _, row in edited.iterrows() if _text(row["Rubrik"]) or _text(row["Typ"])]
            try:
                cleaned = plans.save_commitments(page.db, [plans.Commitment(
                    kinds.get(row["Typ"], str(row["Typ"])), _text(row["Rubrik"]) or "", _text(row["Beskrivning"]),
                    _text(row["Parter"]), _date(row["Gäller från"]), _date(row["Gäller till"]), _int(row["id"]))
                    for row in rows], [plans.FollowUp(row["Status"], _text(row["Uppföljning"])) if _text(row["Status"])
                                       else None for row in rows],
                    (page.period.key, page.period.last_day), actor=page.actor)
            except UserError as exc:
                show_error(exc)
            else:
                _saved(cleaned, "Samordningen")
