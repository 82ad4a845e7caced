"""The meeting's agenda as slides (present.slides): per agenda item the blocks it shows, in the
order the room takes them, laid out and paginated by present.slides so that every slide fits the
wall. Earlier meetings' decisions are followed up on slide 2 with their report-backs; slide 4 holds
this meeting's decisions and next week's focus places; slide 5 övriga frågor, next meeting and
attendance. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from trygghet.analysis import data_start
from trygghet.core.formatting import MISSING, fmt_count, fmt_date, fmt_int
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.protocol import ITEMS
from trygghet.meeting.records import is_missing
from trygghet.present import tables
from trygghet.present.slides import (
    GAP,
    HEIGHT,
    WIDTH,
    Bars,
    Block,
    Bullets,
    Card,
    Cards,
    Grid,
    Heading,
    Metric,
    Metrics,
    NoteText,
    Notice,
    PairedBars,
    Slide,
    flow,
    height,
    paged,
    single,
)


def _notes(agenda: Agenda, item: str) -> list[Block]:
    text = agenda.minutes.note(item)
    return [NoteText(f"Anteckningar – {ITEMS[item].lower()}", text)] if text else []


def _text(value: object) -> str:
    if is_missing(value):
        return MISSING
    return str(value).strip() or MISSING


def _grid(frame: pd.DataFrame, widths: Sequence[float], numeric: Sequence[str] = (),
          flags: pd.DataFrame | None = None, highlight: Sequence[bool] | None = None) -> Grid:
    columns = tuple(str(c) for c in frame.columns)
    return Grid(columns, tuple(tuple(_text(v) for v in row) for row in frame.itertuples(index=False, name=None)),
                tuple(widths), tuple(c in numeric for c in columns),
                tuple(tuple(str(v) for v in r) for r in flags.itertuples(index=False, name=None))
                if flags is not None else (),
                tuple(bool(h) for h in highlight) if highlight is not None else ())


def week_title(agenda: Agenda) -> str:
    week = agenda.meeting.week
    since = f" · förra mötet {fmt_date(agenda.previous.held_on)}" if agenda.previous else ""
    return f"1. Lägesbild {week.label} ({fmt_date(week.monday())} – {fmt_date(week.sunday())}){since}"


def weekly_bars(agenda: Agenda) -> Bars:
    weeks = pd.to_datetime(agenda.weekly["week"])
    labels = [f"v. {d.isocalendar().week}" for d in weeks]
    span = agenda.span
    note = ""
    if agenda.partial and span is not None:
        labels[-1] = f"{labels[-1]}*"
        note = f"* {agenda.meeting.week.label} är inte hel: stapeln gäller bara {span.weekdays or 'inga dagar'}."
    counts = [int(c) for c in agenda.weekly["count"]]
    summary = "Händelser per vecka: " + ", ".join(f"{lab} {fmt_int(c)}" for lab, c in zip(labels, counts, strict=True))
    return Bars(tuple(labels), tuple(counts), len(counts) - 1, summary, note)


def lagesbild(agenda: Agenda, coverage_line: str | None = None, limit_notable: int = 4) -> list[Slide]:
    m, figures = agenda.meeting, agenda.key_figures
    items = tables.key_figure_items(figures, m.week, agenda.key_figure_gaps, agenda.span)
    delta = tables.week_delta(figures, agenda.key_figure_gaps)
    metrics = Metrics(tuple(Metric(label, value, delta if i == 0 else None) for i, (label, value) in enumerate(items)))
    top: list[Block] = [metrics]
    if agenda.partial and agenda.span is not None:
        top.append(Notice(agenda.span.note, "warning"))
    if agenda.key_figure_gaps:
        top.append(Notice(data_start.key_figure_note(agenda.key_figure_gaps)))
    left: list[Block] = []
    if coverage_line:  # in the column, which goes on to the next slide when a long list of names needs it
        left.append(Notice(coverage_line + " – en tyst vecka kan vara en rapportör som inte har rapporterat.",
                           "warning"))
    left.append(Heading("Det här sticker ut"))
    if agenda.partial:
        left.append(Bullets(("Inga förändringar bedöms förrän veckan är hel.",)))
    elif agenda.notable:
        left.append(Bullets(tuple(f"{'▲' if n.change.direction == 'upp' else '▼'} {n.sentence}"
                                  for n in agenda.notable[:limit_notable]), dots=False))
    else:
        left.append(Bullets(("Inga statistiskt säkra förändringar i någon stadsdel och kategori.",)))
    right: list[Block] = [Heading("Händelser per vecka"), weekly_bars(agenda)]
    title = week_title(agenda)
    half = (WIDTH - GAP) / 2
    room = HEIGHT - sum(height(b, WIDTH) for b in top)
    # The busiest categories beside what stands out, as many as fit whole; every one on a later slide.
    for limit in (5, 3):
        brief, brief_flags = tables.compstat_cells(agenda.compstat, limit=limit, missing=agenda.compstat_gaps,
                                                   partial=agenda.partial,
                                                   columns=["Kategori", "Vecka", "Snitt 4 v. före", "± vecka"])
        if brief.empty:
            break
        extra: list[Block] = [Heading("Kategorier med flest händelser" + (" – samma veckodagar" if agenda.partial
                                                                          else "")),
                              _grid(brief, (3.0, 1.2, 1.7, 2.1), numeric=list(brief.columns[1:]), flags=brief_flags)]
        if sum(height(b, half) for b in [*left, *extra]) <= room:
            left += extra
            break
    left_pages = flow(left, half, room)
    rest: list[Block] = [b for page in left_pages[1:] for b in page]
    if sum(height(b, half) for b in right) <= room:
        slides_cols: list[list[list[Block]]] = [[left_pages[0], right]]
        widths: list[tuple[int, ...]] = [(1, 1)]
    else:  # the notes above leave no room for the twelve weeks beside: they follow on a slide of their own
        slides_cols, widths = [[left_pages[0]]], [(1,)]
        rest = [*right, *rest]
    shown, flags = tables.compstat_cells(agenda.compstat, limit=None, missing=agenda.compstat_gaps,
                                         partial=agenda.partial,
                                         columns=["Kategori", "Vecka", "Snitt 4 v. före", "± vecka", "28 dagar",
                                                  "Fjol 28 d.", "± 28 d."])
    if not shown.empty:
        rest += [Heading("Alla kategorier" + (" – samma veckodagar" if agenda.partial else "")),
                 _grid(shown, (3.2, 1.2, 1.5, 2.0, 1.3, 1.4, 2.0), numeric=list(shown.columns[1:]), flags=flags)]
    if not agenda.top_places.empty:
        places = agenda.top_places.head(8).copy()
        places["Händelser"] = [fmt_int(v) for v in places["Händelser"]]
        rest += [Heading("Platser med flest händelser"), _grid(places, (2.2, 1.6, 1.1, 3.4), numeric=["Händelser"])]
    rest += _notes(agenda, "lagesbild")
    for page in flow(rest):
        slides_cols.append([page])
        widths.append((1,))
    return paged(1, title, slides_cols, widths, top)


def insatser(agenda: Agenda) -> list[Slide]:
    m = agenda.meeting
    blocks: list[Block] = []
    followup = agenda.followup
    if followup.empty:
        blocks.append(Notice("Inga insatser slutar inom två veckor, är försenade eller har stått stilla i mer än "
                             "fyra veckor."))
    else:
        overdue = int(followup["overdue"].sum())
        blocks.append(Heading(f"{fmt_count(len(followup), 'insats', 'insatser')} att ta upp"
                              + (f", varav {fmt_int(overdue)} {'försenad' if overdue == 1 else 'försenade'}"
                                 if overdue else "")))
        district = [_text(d) if _text(d) != MISSING else "hela kommunen" for d in followup["district"]]
        frame = pd.DataFrame({
            "Insats": [f"{t} ({d})" for t, d in zip(followup["title"], district, strict=True)],
            "Att följa upp": followup["reasons"],
            "Status": followup["status"],
            "Slut": [fmt_date(d) if isinstance(d, dt.date) else MISSING for d in followup["end_date"]],
        })
        blocks.append(_grid(frame, (4.2, 3.6, 1.35, 1.45), highlight=list(followup["overdue"])))
    if not agenda.changes.empty:
        changes = tables.changes(agenda.changes)
        blocks += [Heading(f"Ändringar gjorda på mötet ({fmt_int(len(changes))})"), _grid(changes, (3, 5))]
    # Earlier meetings' decisions are followed up here, with their report-backs.
    carried, _ = decision_cards(agenda)
    if carried:
        blocks += [Heading(f"Beslut från tidigare möten – återrapport ({fmt_int(len(carried))})"),
                   Cards(tuple(carried))]
    if agenda.previous is not None:
        blocks.append(Heading(f"Fokusplatser från mötet {fmt_date(agenda.previous.held_on)} – händelser "
                              f"{m.week.label}{' (samma veckodagar)' if agenda.partial else ''} mot snittet "
                              "för de fyra veckorna före"))
        if agenda.previous_focus.empty:
            blocks.append(Bullets(("Förra mötet bestämde inga fokusplatser.",)))
        else:
            frame = agenda.previous_focus.drop(columns="flag")
            blocks.append(_grid(frame, (1.5, 1.8, 2.4, 1.1, 1.2, 2.1), numeric=["Händelser", "Snitt 4 v. före"],
                                highlight=[f == "upp" for f in agenda.previous_focus["flag"]]))
    blocks += _notes(agenda, "insatser")
    return single(2, "2. Insatser att följa upp", blocks)


def omraden(agenda: Agenda) -> list[Slide]:
    m, window = agenda.meeting, agenda.areas_window
    title = "3. Prioriterade områden"
    if agenda.areas.empty:
        return single(3, title, [Notice("Inga prioriterade områden gäller just nu."), *_notes(agenda, "omraden")])
    current, previous = f"Hittills {window.start.year}", f"Samma period {window.start.year - 1}"
    areas = agenda.areas
    intro = Notice(f"Händelser i områdenas indikatorkategorier {fmt_date(window.start)} – "
                   f"{fmt_date(window.end - dt.timedelta(days=1))} mot samma datum året före ({m.district_label}).")
    frame = tables.areas(areas, current, previous)[["Prioriterat område", "Mål", "Förändring", "Insatser"]]
    grid = _grid(frame, (2.4, 2.6, 1.6, 1.8), highlight=[f == "upp" for f in areas["flag"]])
    bars = PairedBars(tuple(str(n) for n in areas["name"]), tuple(int(c) for c in areas["count"]),
                      tuple(int(c) if pd.notna(c) else 0 for c in areas["count_last_year"]),
                      tuple(str(f) for f in areas["flag"]), current, previous,
                      "; ".join(f"{n}: {fmt_int(c)} ({_text(p)} året före)" for n, c, p in
                                zip(areas["name"], areas["count"], areas["count_last_year"], strict=True)))
    left_w, right_w = (WIDTH - GAP) * 5 / 11, (WIDTH - GAP) * 6 / 11
    room = HEIGHT - height(intro, WIDTH)
    if height(bars, left_w) <= room and height(grid, right_w) <= room:
        pages: list[list[list[Block]]] = [[[intro, bars], [grid]]]
        widths: list[tuple[int, ...]] = [(5, 6)]
        for page in flow(_notes(agenda, "omraden")):
            if page:
                pages.append([page])
                widths.append((1,))
        return paged(3, title, pages, widths)
    # Many areas: the table on slides of its own, the bars after it.
    return single(3, title, [intro, Heading("Läget per område"), grid, Heading("Händelser mot året före"), bars,
                             *_notes(agenda, "omraden")])


def decision_cards(agenda: Agenda) -> tuple[list[Card], list[Card]]:
    """(earlier meetings' decisions still followed, this meeting's decisions) as cards."""
    m = agenda.meeting
    frame = agenda.decisions
    shown = tables.decisions(frame, m, combined=True)
    carried: list[Card] = []
    own: list[Card] = []
    for (_, row), (_, view) in zip(frame.iterrows(), shown.iterrows(), strict=True):
        facts = [("Ansvarig", view["Ansvarig"]), ("Klart senast", view["Klart senast"])]
        if view["Insats"]:
            title = row["intervention_title"] if isinstance(row["intervention_title"], str) else ""
            facts.append(("Insats", f"{view['Insats']} {title}".strip()))
        if row["carried"]:
            facts.insert(0, ("Beslutat", view["Beslutat"]))
        card = Card(str(row["text"]), tuple(facts), view["Status"], bool(row["overdue"]), view["Återrapport"])
        (carried if row["carried"] else own).append(card)
    return carried, own


def beslut(agenda: Agenda) -> list[Slide]:
    """This meeting's decisions and next week's focus places; earlier decisions are on slide 2."""
    _, own = decision_cards(agenda)
    blocks: list[Block] = [Heading(f"Beslut på det här mötet ({fmt_int(len(own))})")]
    blocks.append(Cards(tuple(own)) if own else Bullets(("Inga beslut ännu.",)))
    focus = tables.focus(agenda.focus)
    blocks.append(Heading("Veckans fokusplatser – följs upp på nästa möte"))
    if focus.empty:
        blocks.append(Bullets(("Inga fokusplatser bestämda.",)))
    else:
        blocks.append(_grid(focus, (1.4, 2.2, 4.0)))
    blocks += _notes(agenda, "beslut")
    return single(4, "4. Beslut och veckans fokusplatser", blocks)


def ovrigt(agenda: Agenda) -> list[Slide]:
    minutes = agenda.minutes
    blocks: list[Block] = [Heading("Övriga frågor")]
    other = minutes.note("ovriga")
    blocks.append(NoteText("Antecknat", other) if other else Bullets(("Inga övriga frågor antecknade.",)))
    blocks.append(Heading("Nästa möte"))
    blocks.append(Bullets((fmt_date(minutes.next_meeting) if minutes.next_meeting else "Inte bestämt ännu.",)))
    blocks.append(Heading("Närvaro"))
    present = "; ".join(p.label for p in agenda.present) or "Inga deltagare antecknade"
    absent = "; ".join(p.label for p in agenda.absent) or "Ingen"
    blocks.append(Bullets((f"Närvarande: {present}", f"Frånvarande: {absent}")))
    if minutes.locked and minutes.approved_at is not None:
        blocks.append(Notice(f"Protokollet är justerat {fmt_date(minutes.approved_at.date())} av "
                             f"{minutes.approver or MISSING} och låst."))
    return single(5, "5. Övriga frågor och nästa möte", blocks)


@dataclass(frozen=True)
class Deck:
    """Every slide of a meeting, per agenda item."""

    views: dict[int, list[Slide]] = field(default_factory=dict)

    def pages(self) -> tuple[int, ...]:
        return tuple(len(self.views.get(v, [])) or 1 for v in sorted(self.views))

    def slide(self, view: int, page: int) -> Slide:
        slides = self.views[view]
        return slides[min(max(page, 1), len(slides)) - 1]


def deck(agenda: Agenda, coverage_line: str | None = None) -> Deck:
    return Deck({1: lagesbild(agenda, coverage_line), 2: insatser(agenda), 3: omraden(agenda), 4: beslut(agenda),
                 5: ovrigt(agenda)})
