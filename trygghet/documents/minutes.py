"""The minutes (protokoll) of one meeting: who met, the week's lägesbild, the interventions
followed up, the priority areas, the decisions with owners and deadlines, and next week's focus
places."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from trygghet.analysis import data_start, stats
from trygghet.core import clock
from trygghet.core.formatting import fmt_date, fmt_int
from trygghet.documents.model import Bullets, Document, Figure, Heading, Paragraph, Table
from trygghet.meeting.agenda import agenda as meeting_agenda
from trygghet.meeting.records import MeetingError
from trygghet.present import figures, tables
from trygghet.store.db import get_meta


def municipality(con: duckdb.DuckDBPyConnection) -> str:
    return get_meta(con, "municipality") or "Kommunen"


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return get_meta(con, "is_demo") == "1"


def minutes(con: duckdb.DuckDBPyConnection, meeting_id: int, now: dt.datetime | None = None) -> Document:
    agenda = meeting_agenda(con, meeting_id)
    if agenda is None:
        raise MeetingError(f"Mötet {meeting_id} finns inte.")
    now = now or clock.now()
    m = agenda.meeting
    week = m.week
    kommun = municipality(con)
    doc = Document(
        title=f"Protokoll – {m.title}",
        subtitle=f"{kommun} · samverkan kommun och polis",
        meta=[
            ("Datum", fmt_date(m.held_on)),
            ("Lägesbild för", week.long_label),
            ("Stadsdelar", m.district_label),
            ("Deltagare", "; ".join(p.label for p in m.participants) or "Inga deltagare antecknade"),
        ],
        footer=f"Protokoll {fmt_date(m.held_on)} · {kommun}",
        file_stem=f"protokoll-{fmt_date(m.held_on)}",
    )
    if m.closed_at is None:
        doc.meta.append(("Status", "Mötet är inte avslutat i appen; protokollet kan ändras."))
    if is_demo(con):
        doc.meta.append(("Obs", "Demodata – en påhittad kommun. Siffrorna gäller ingen verklig plats."))

    # 1. Lägesbild
    doc.add(Heading(f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())})"))
    doc.add(Table.from_frame(tables.key_figures(agenda.key_figures, m, agenda.key_figure_gaps)))
    if agenda.key_figure_gaps:
        doc.add(Paragraph(data_start.key_figure_note(agenda.key_figure_gaps), "small"))
    doc.add(Heading("Det här sticker ut", 2))
    if agenda.notable:
        doc.add(Bullets([f"{'Ökning' if n.change.direction == 'upp' else 'Minskning'}: {n.sentence}."
                         for n in agenda.notable]))
    else:
        doc.add(Paragraph("Inga statistiskt säkra förändringar mot de fyra veckorna före i någon stadsdel och "
                          "kategori."))
    doc.add(Figure(
        figures.print_style(figures.weekly_figure(agenda.weekly, week.monday()), height=420),
        "Händelser per vecka, de tolv senaste veckorna",
        Table(["Vecka", "Händelser"], [[f"v. {d.isocalendar().week}", fmt_int(c)] for d, c in
                                       zip(pd.to_datetime(agenda.weekly["week"]), agenda.weekly["count"],
                                           strict=True)]),
        caption=figures.weekly_summary(agenda.weekly),
        height=420,
    ))
    shown, flagged = tables.compstat_rows(agenda.compstat, limit=8, missing=agenda.compstat_gaps)
    if not shown.empty:
        doc.add(Heading("Jämförelse per kategori", 2))
        doc.add(Table.from_frame(shown, highlight=flagged))
        doc.add(Paragraph(
            "De åtta kategorierna med flest händelser under veckan. Markerade rader har en statistiskt säker förändring "
            f"({stats.FLAG_RULE_SHORT}).", "small"))
    if not agenda.top_places.empty:
        doc.add(Heading("Platser med flest händelser", 2))
        doc.add(Table.from_frame(agenda.top_places))

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

    # 4. Beslut
    doc.add(Heading("4. Beslut"))
    own = agenda.decisions[~agenda.decisions["carried"]] if not agenda.decisions.empty else agenda.decisions
    carried = agenda.decisions[agenda.decisions["carried"]] if not agenda.decisions.empty else agenda.decisions
    if own.empty:
        doc.add(Paragraph("Inga beslut antecknades."))
    else:
        frame = tables.decisions(own, m, combined=True).drop(columns=["Beslutat"])
        frame.insert(0, "Nr", [str(i) for i in range(1, len(frame) + 1)])
        doc.add(Table.from_frame(frame))
    doc.add(Heading("Beslut från tidigare möten", 2))
    if carried.empty:
        doc.add(Paragraph("Inga öppna beslut från tidigare möten."))
    else:
        doc.add(Table.from_frame(tables.decisions(carried, m, combined=True),
                                 highlight=list(carried["overdue"])))

    # 5. Fokusplatser
    doc.add(Heading("5. Veckans fokusplatser"))
    if agenda.focus:
        doc.add(Paragraph("Platser och stadsdelar som parterna prioriterar kommande vecka. De följs upp på nästa "
                          "möte."))
        doc.add(Table.from_frame(tables.focus(agenda.focus)))
    else:
        doc.add(Paragraph("Inga fokusplatser bestämdes."))

    until = fmt_date(agenda.data_until) if agenda.data_until else "–"
    doc.add(Paragraph(f"Protokollet skapades {now:%Y-%m-%d %H:%M} i Lägesbild. Händelsedata till och med {until}. "
                      "Uppgifterna gäller platser och situationer, inte enskilda personer.", "small"))
    return doc
