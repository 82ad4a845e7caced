"""The minutes (protokoll) of one meeting: who was present and absent, the week's lägesbild, the
interventions followed up, the priority areas, the decisions with owners, deadlines and
report-backs, next week's focus places, övriga frågor, the next meeting, the notes of each agenda
item, and the justering. Once approved (justerat), the minutes are the files stored at that
moment (`minutes_file`), whatever the data says later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.analysis import data_start, stats
from trygghet.core import clock
from trygghet.core.formatting import MISSING, fmt_date, fmt_int
from trygghet.documents import chart_images
from trygghet.documents.model import Bullets, Document, Figure, Heading, Paragraph, Table
from trygghet.documents.writers import to_docx, to_pdf
from trygghet.meeting import protocol as minutes_records
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.agenda import agenda as meeting_agenda
from trygghet.meeting.records import MeetingError, timestamp
from trygghet.present import figures, tables
from trygghet.store.access import Actor
from trygghet.store.db import Database, data_version, get_meta


def municipality(con: duckdb.DuckDBPyConnection) -> str:
    return get_meta(con, "municipality") or "Kommunen"


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return get_meta(con, "is_demo") == "1"


@dataclass(frozen=True)
class Approval:
    """The justering the minutes are being made for: who approves them, and when."""

    approver: str
    at: dt.datetime


def _notes(doc: Document, agenda: Agenda, item: str) -> None:
    text = agenda.minutes.note(item)
    if text:
        doc.add(Heading("Anteckningar", 2))
        doc.add(Paragraph(text))


def _status(agenda: Agenda, approval: Approval | None) -> tuple[str, str]:
    minutes = agenda.minutes
    if approval is not None:
        return "Justerat", f"{approval.at:%Y-%m-%d %H:%M} av {approval.approver}. Protokollet är låst."
    if minutes.approved_at is not None:
        return "Justerat", f"{minutes.approved_at:%Y-%m-%d %H:%M} av {minutes.approver or MISSING}. Protokollet är låst."
    if agenda.meeting.closed_at is None:
        return "Status", "Mötet är inte avslutat i appen; protokollet kan ändras."
    return "Status", "Avslutat men inte justerat; protokollet kan ändras tills det justeras."


def build_minutes(con: duckdb.DuckDBPyConnection, meeting_id: int, now: dt.datetime | None = None,
            approval: Approval | None = None) -> Document:
    """The minutes as the data gives them now (as of `now`); with `approval`, as they read once approved."""
    now = now or clock.now()
    agenda = meeting_agenda(con, meeting_id, today=now.date())
    if agenda is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    m = agenda.meeting
    week = m.week
    kommun = municipality(con)
    minutes_info = agenda.minutes
    doc = Document(
        title=f"Protokoll – {m.title}",
        subtitle=f"{kommun} · samverkan kommun och polis",
        meta=[
            ("Datum", fmt_date(m.held_on)),
            ("Lägesbild för", week.long_label),
            ("Stadsdelar", m.district_label),
            ("Närvarande", "; ".join(p.label for p in agenda.present) or "Inga deltagare antecknade"),
        ],
        footer=f"Protokoll {fmt_date(m.held_on)} · {kommun}",
        file_stem=f"protokoll-{fmt_date(m.held_on)}",
        created=approval.at if approval is not None else None,
    )
    if agenda.absent:
        doc.meta.append(("Frånvarande", "; ".join(p.label for p in agenda.absent)))
    doc.meta.append(("Vid protokollet", minutes_info.secretary or MISSING))
    doc.meta.append(("Justerare", (approval.approver if approval else minutes_info.approver) or MISSING))
    doc.meta.append(_status(agenda, approval))
    if is_demo(con):
        doc.meta.append(("Obs", "Demodata – en påhittad kommun. Siffrorna gäller ingen verklig plats."))

    # 1. Lägesbild
    span = agenda.span
    partial = span.short_weekdays if agenda.partial and span is not None else ""
    doc.add(Heading(f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())})"))
    if agenda.partial and span is not None:
        doc.add(Paragraph(span.note, bold=True))
    doc.add(Table.from_frame(tables.key_figures(agenda.key_figures, m, agenda.key_figure_gaps, span)))
    if agenda.key_figure_gaps:
        doc.add(Paragraph(data_start.key_figure_note(agenda.key_figure_gaps), "small"))
    doc.add(Heading("Det här sticker ut", 2))
    if agenda.partial:
        doc.add(Paragraph("Inga förändringar bedöms förrän veckan är hel."))
    elif agenda.notable:
        doc.add(Bullets([f"{'Ökning' if n.change.direction == 'upp' else 'Minskning'}: {n.sentence}."
                         for n in agenda.notable]))
    else:
        doc.add(Paragraph("Inga statistiskt säkra förändringar mot de fyra veckorna före i någon stadsdel och "
                          "kategori."))
    doc.add(Figure(
        figures.print_style(figures.weekly_figure(agenda.weekly, week.monday(), partial), height=420),
        "Händelser per vecka, de tolv senaste veckorna",
        Table(["Vecka", "Händelser"], [[f"v. {d.isocalendar().week}" + (f" ({partial})" if partial and
                                                                        d.date() == week.monday() else ""),
                                        fmt_int(c)] for d, c in
                                       zip(pd.to_datetime(agenda.weekly["week"]), agenda.weekly["count"],
                                           strict=True)]),
        caption=figures.weekly_summary(agenda.weekly, week.monday(), partial),
        height=420,
    ))
    shown, flagged = tables.compstat_rows(agenda.compstat, limit=8, missing=agenda.compstat_gaps,
                                          partial=agenda.partial)
    if not shown.empty:
        doc.add(Heading("Jämförelse per kategori", 2))
        doc.add(Table.from_frame(shown, highlight=flagged))
        if agenda.partial:
            doc.add(Paragraph(
                "De åtta kategorierna med flest händelser under veckan, jämförda på samma veckodagar. Veckan är inte "
                "hel, så ingen förändring bedöms som säker.", "small"))
        else:
            doc.add(Paragraph(
                "De åtta kategorierna med flest händelser under veckan. Markerade rader har en statistiskt säker "
                f"förändring ({stats.FLAG_RULE_SHORT}).", "small"))
    if not agenda.top_places.empty:
        doc.add(Heading("Platser med flest händelser", 2))
        doc.add(Table.from_frame(agenda.top_places))
    _notes(doc, agenda, "lagesbild")

    # 2. Uppföljning
    doc.add(Heading("2. Uppföljning av insatser"))
    if agenda.followup.empty:
        doc.add(Paragraph("Inga insatser slutar snart, är försenade eller har stått stilla i mer än fyra veckor."))
    else:
        doc.add(Paragraph(f"Läget {fmt_date(m.held_on)}: insatser som slutar inom två veckor, är försenade eller "
                          "vars status inte har ändrats på mer än fyra veckor."))
        doc.add(Table.from_frame(tables.followup(agenda.followup),
                                 highlight=list(agenda.followup["overdue"])))
    doc.add(Heading("Ändringar av insatser på mötet", 2))
    if agenda.changes.empty:
        doc.add(Paragraph("Inga insatser ändrades på mötet."))
    else:
        doc.add(Table.from_frame(tables.changes(agenda.changes)))
    if agenda.previous is not None:
        doc.add(Heading(f"Fokusplatser från mötet {fmt_date(agenda.previous.held_on)}", 2))
        if agenda.previous_focus.empty:
            doc.add(Paragraph("Förra mötet bestämde inga fokusplatser."))
        else:
            frame = agenda.previous_focus.drop(columns="flag").rename(
                columns={"Händelser": f"Händelser {week.label}"})
            doc.add(Table.from_frame(frame,
                                     highlight=[f == "upp" for f in agenda.previous_focus["flag"]]))
    _notes(doc, agenda, "insatser")

    # 3. Prioriterade områden
    doc.add(Heading("3. Prioriterade områden"))
    if agenda.areas.empty:
        doc.add(Paragraph("Inga prioriterade områden gäller just nu."))
    else:
        window = agenda.areas_window
        current = f"Hittills {window.start.year}"
        previous = f"Samma period {window.start.year - 1}"
        doc.add(Paragraph(f"Händelser i områdenas indikatorkategorier {fmt_date(window.start)} – "
                          f"{fmt_date(window.end - dt.timedelta(days=1))} mot samma datum året före."))
        doc.add(Table.from_frame(tables.areas(agenda.areas, current, previous),
                                 highlight=[f == "upp" for f in agenda.areas["flag"]]))
    _notes(doc, agenda, "omraden")

    # 4. Beslut
    doc.add(Heading("4. Beslut"))
    own = agenda.decisions[~agenda.decisions["carried"]] if not agenda.decisions.empty else agenda.decisions
    carried = agenda.decisions[agenda.decisions["carried"]] if not agenda.decisions.empty else agenda.decisions
    if own.empty:
        doc.add(Paragraph("Inga beslut antecknades."))
    else:
        frame = _without_empty(tables.decisions(own, m, combined=True).drop(columns=["Beslutat"]),
                               ("Insats", "Återrapport"))
        frame.insert(0, "Nr", [str(i) for i in range(1, len(frame) + 1)])
        doc.add(Table.from_frame(frame))
    doc.add(Heading("Beslut från tidigare möten och återrapporter", 2))
    if carried.empty:
        doc.add(Paragraph("Inga öppna beslut från tidigare möten."))
    else:
        doc.add(Table.from_frame(_without_empty(tables.decisions(carried, m, combined=True), ("Insats",)),
                                 highlight=list(carried["overdue"])))
    _notes(doc, agenda, "beslut")

    # 5. Fokusplatser
    doc.add(Heading("5. Veckans fokusplatser"))
    if agenda.focus:
        doc.add(Paragraph("Platser och stadsdelar som parterna prioriterar kommande vecka. De följs upp på nästa "
                          "möte."))
        doc.add(Table.from_frame(tables.focus(agenda.focus)))
    else:
        doc.add(Paragraph("Inga fokusplatser bestämdes."))

    # 6. Övriga frågor, 7. Nästa möte, justering
    doc.add(Heading("6. Övriga frågor"))
    doc.add(Paragraph(minutes_info.note("ovriga") or "Inga övriga frågor."))
    doc.add(Heading("7. Nästa möte"))
    doc.add(Paragraph(fmt_date(minutes_info.next_meeting) if minutes_info.next_meeting else "Inte bestämt."))
    doc.add(Heading("Justering"))
    approved = approval.at if approval is not None else minutes_info.approved_at
    approver = (approval.approver if approval is not None else minutes_info.approver) or ""
    if approved is not None:
        doc.add(Paragraph(f"Protokollet justerades i Lägesbild {approved:%Y-%m-%d %H:%M} av {approver or MISSING} "
                          "och är låst: det här är protokollet som det justerades."))
    signature = "_" * 34
    doc.add(Paragraph(f"Vid protokollet: {signature}   {minutes_info.secretary or 'organisation och roll'}"))
    doc.add(Paragraph(f"Justeras: {signature}   {approver or 'organisation och roll'}"))

    until = fmt_date(agenda.data_until) if agenda.data_until else "–"
    doc.add(Paragraph(f"Protokollet skapades {now:%Y-%m-%d %H:%M} i Lägesbild. Händelsedata till och med {until}. "
                      "Uppgifterna gäller platser och situationer, inte enskilda personer.", "small"))
    return doc


def _without_empty(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The table without those of `columns` that are empty on every row."""
    empty = [c for c in columns if c in frame.columns and not (frame[c].astype(str).str.strip() != "").any()]
    return frame.drop(columns=empty)


# ---------------------------------------------------------------- the justering


def approve_minutes(db: Database, meeting_id: int, *, actor: Actor, now: dt.datetime | None = None) -> dt.datetime:
    """Justering: the minutes are made as they read once approved, both files are stored, and the
    meeting is locked (meeting.protocol.approve checks the role, the justerare and that nothing changed
    while they were made)."""
    when = timestamp(now)
    with db.read() as con:
        seen = data_version(con)[0]
        approver = minutes_records.protocol(con, meeting_id).approver
        if not approver:
            raise MeetingError("Ange vem som justerar protokollet (organisation och roll) innan det justeras.")
        doc = build_minutes(con, meeting_id, now=when, approval=Approval(approver, when))
    images = chart_images.render([f.figure for f in doc.figures])
    return minutes_records.approve(db, meeting_id, {"pdf": to_pdf(doc, images), "docx": to_docx(doc, images)}, seen,
                                   now=when, actor=actor)


def minutes_file(db: Database, meeting_id: int, fmt: str, now: dt.datetime | None = None) -> bytes:
    """The minutes as a file: the stored one once approved, else made now from the data."""
    if fmt not in minutes_records.FORMATS:
        raise ValueError(fmt)
    with db.read() as con:
        stored = minutes_records.stored_minutes(con, meeting_id, fmt)
        if stored is not None:
            return stored
        doc = build_minutes(con, meeting_id, now=now)
    images = chart_images.render([f.figure for f in doc.figures])
    return to_pdf(doc, images) if fmt == "pdf" else to_docx(doc, images)
