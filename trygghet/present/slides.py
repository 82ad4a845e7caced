"""The meeting on the wall: each agenda item as one or more slides that fit the screen.

A slide is a list of plain blocks (key figures, a table, bars, decision cards, a notice) laid out
in one or two columns. Every length is in rem of the presentation's type, which presentation.css
ties to the screen's height, so a slide that fits 1280×720 fits 1366×768 and 1920×1080 alike.
Long lists go on to further slides ("2/3"), which the clicker reaches like any other; no table
scrolls inside itself and no text is cut, since rows are measured before they are placed. Heights
are estimated from the text, generously: a slide may end a little early, never overflow.

No Streamlit here: ui.meeting.presentation draws the slides (present.slide_html gives their HTML).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from trygghet.analysis import data_start
from trygghet.core.formatting import MISSING, fmt_count, fmt_date, fmt_int
from trygghet.meeting.agenda import Agenda
from trygghet.meeting.protocol import ITEMS
from trygghet.present import tables

# The content area of a slide, in rem of the slide's type, below its title and between the
# presentation's header and footer (see presentation.css: the type is 2.25 % of the screen height,
# so the screen is 44.4 rem high and 79 rem wide at 16:9).
WIDTH = 76.0
HEIGHT = 33.0
GAP = 1.6  # between two columns
LINE = 1.3  # line height of body text
CARD_LINE = 1.45  # decisions are drawn a size larger
NOTE_LINE = 1.25


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None = None


@dataclass(frozen=True)
class Metrics:
    items: tuple[Metric, ...]


@dataclass(frozen=True)
class Notice:
    text: str
    kind: str = "info"  # info | warning


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    dots: bool = True  # False: the items carry their own marker (▲, ▼)


@dataclass(frozen=True)
class Grid:
    """A table: every row shown, every column shown, long texts wrapped."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative
    numeric: tuple[bool, ...] = ()
    flags: tuple[tuple[str, ...], ...] = ()  # per cell 'upp' / 'ned' / ''
    highlight: tuple[bool, ...] = ()  # whole rows


@dataclass(frozen=True)
class Bars:
    """Vertical bars with their value above and their label below; `strong` is the bar to point at."""

    labels: tuple[str, ...]
    values: tuple[int, ...]
    strong: int
    summary: str
    note: str = ""


@dataclass(frozen=True)
class PairedBars:
    """Horizontal bars per name: this period beside the same period a year earlier."""

    names: tuple[str, ...]
    current: tuple[int, ...]
    previous: tuple[int, ...]
    flags: tuple[str, ...]
    current_label: str
    previous_label: str
    summary: str


@dataclass(frozen=True)
class Card:
    """A decision: what, then who, by when, which insats and how it stands."""

    text: str
    facts: tuple[tuple[str, str], ...]
    status: str
    overdue: bool = False
    report: str = ""


@dataclass(frozen=True)
class Cards:
    items: tuple[Card, ...]


@dataclass(frozen=True)
class NoteText:
    """The notes typed at the meeting for an agenda item."""

    title: str
    text: str


Block = Metrics | Notice | Heading | Bullets | Grid | Bars | PairedBars | Cards | NoteText


@dataclass(frozen=True)
class Slide:
    view: int
    title: str
    columns: tuple[tuple[Block, ...], ...]
    widths: tuple[int, ...] = (1,)
    page: int = 1
    pages: int = 1
    top: tuple[Block, ...] = ()  # across the whole width, above the columns

    @property
    def label(self) -> str:
        return f"{self.page}/{self.pages}" if self.pages > 1 else ""


# ---------------------------------------------------------------- measuring text


def _char_width(c: str) -> float:
    """The width of a character in em, rounded up for the wider sans-serif fonts (DejaVu, Verdana)."""
    if c == " ":
        return 0.32
    if c in "mwMW@%":
        return 0.95
    if c.isupper() or c in "ÅÄÖ–—":
        return 0.72
    if c.isdigit():
        return 0.6
    if c in "iljtf.,:;!|'()[]":
        return 0.34
    return 0.56


def text_width(text: str, size: float = 1.0, bold: bool = False) -> float:
    return sum(_char_width(c) for c in text) * size * (1.07 if bold else 1.0)


def lines(text: str, width: float, size: float = 1.0, bold: bool = False) -> int:
    """Lines `text` takes in a column `width` rem wide at `size` rem: words wrapped greedily, a
    word longer than the line broken (overflow-wrap: anywhere)."""
    if width <= 0:
        return 1
    total = 0
    for paragraph in str(text).split("\n"):
        count, used = 1, 0.0
        for word in paragraph.split(" "):
            w = text_width(word, size, bold)
            space = text_width(" ", size) if used else 0.0
            if used and used + space + w > width:
                count += 1
                used = 0.0
                space = 0.0
            if w > width:  # broken across lines
                extra = math.ceil(w / width) - 1
                count += extra
                used = w - extra * width
            else:
                used += space + w
        total += count
    return max(total, 1)


# ---------------------------------------------------------------- heights (rem), as presentation.css draws them


CELL_PAD_X = 0.9  # left and right padding of a table cell, together
CELL_PAD_Y = 0.5
HEADER_SIZE = 0.85


def _column_widths(grid: Grid, width: float) -> list[float]:
    total = sum(grid.widths) or 1.0
    return [width * w / total for w in grid.widths]


def header_height(grid: Grid, width: float) -> float:
    cols = _column_widths(grid, width)
    return max(lines(c, w - CELL_PAD_X, HEADER_SIZE, bold=True) for c, w in zip(grid.columns, cols, strict=True)) \
        * HEADER_SIZE * 1.2 + CELL_PAD_Y + 0.1


def row_height(grid: Grid, row: Sequence[str], width: float) -> float:
    cols = _column_widths(grid, width)
    return max(lines(v, w - CELL_PAD_X) for v, w in zip(row, cols, strict=True)) * LINE + CELL_PAD_Y + 0.1


def card_height(card: Card, width: float) -> float:
    inner = width - 1.6
    facts = " · ".join(f"{k}: {v}" for k, v in card.facts) + f" · {card.status}"
    height = lines(card.text, inner, 1.1) * CARD_LINE + lines(facts, inner) * LINE + 1.0
    if card.report:
        height += lines(f"Återrapport: {card.report}", inner) * LINE
    return height + 0.5  # the gap below


def height(block: Block, width: float) -> float:
    """The block's height in rem at `width` rem, margins included."""
    if isinstance(block, Metrics):
        label = max(lines(m.label, width / max(len(block.items), 1) - 0.6, 0.9) for m in block.items)
        return label * 0.9 * 1.25 + 2.4 * 1.15 + (1.3 if any(m.delta for m in block.items) else 0) + 0.6
    if isinstance(block, Notice):
        return lines(block.text, width - 1.4, 0.9) * 0.9 * NOTE_LINE + 0.9
    if isinstance(block, Heading):
        return lines(block.text, width, 1.05, bold=True) * 1.05 * 1.25 + 0.8
    if isinstance(block, Bullets):
        return sum(lines(i, width - 1.4) * LINE + 0.2 for i in block.items) + 0.3
    if isinstance(block, Grid):
        return header_height(block, width) + sum(row_height(block, r, width) for r in block.rows) + 0.5
    if isinstance(block, Bars):
        return 13.0 + (lines(block.note, width, 0.85) * 0.85 * NOTE_LINE if block.note else 0)
    if isinstance(block, PairedBars):
        name_width = width * 0.38 - 0.5
        return 1.8 + sum(max(2.9, lines(n, name_width, 0.85) * 0.85 * 1.15 + 0.4) for n in block.names)
    if isinstance(block, Cards):
        return sum(card_height(c, width) for c in block.items)
    if isinstance(block, NoteText):
        return 1.05 * 1.25 + 0.5 + lines(block.text, width - 1.4) * LINE + 1.0
    raise TypeError(block)


# ---------------------------------------------------------------- pagination


MIN_ROWS = 3  # a table is not begun with fewer rows at the foot of a slide when it fits whole on the next


def _split_grid(grid: Grid, room: float, width: float) -> tuple[Grid | None, Grid | None]:
    """The rows that fit in `room` and the rest; (None, grid) when not even one row fits."""
    used = header_height(grid, width) + 0.5
    fits = 0
    for row in grid.rows:
        h = row_height(grid, row, width)
        if used + h > room:
            break
        used += h
        fits += 1
    if fits < len(grid.rows) and fits < MIN_ROWS and height(grid, width) <= HEIGHT:
        fits = 0
    if fits == 0:
        return None, grid
    if fits == len(grid.rows):
        return grid, None

    def part(a: int, b: int | None) -> Grid:
        return replace(grid, rows=grid.rows[a:b], flags=grid.flags[a:b] if grid.flags else (),
                       highlight=grid.highlight[a:b] if grid.highlight else ())

    return part(0, fits), part(fits, None)


def _split_cards(cards: Cards, room: float, width: float) -> tuple[Cards | None, Cards | None]:
    used, fits = 0.0, 0
    for card in cards.items:
        h = card_height(card, width)
        if used + h > room:
            break
        used += h
        fits += 1
    if fits == 0:
        return None, cards
    if fits == len(cards.items):
        return cards, None
    return Cards(cards.items[:fits]), Cards(cards.items[fits:])


def _split_paired(bars: PairedBars, room: float, width: float) -> tuple[PairedBars | None, PairedBars | None]:
    fits = 0
    while fits < len(bars.names) and height(_paired_part(bars, 0, fits + 1), width) <= room:
        fits += 1
    if fits == 0:
        return None, bars
    if fits == len(bars.names):
        return bars, None
    return _paired_part(bars, 0, fits), _paired_part(bars, fits, None)


def _paired_part(bars: PairedBars, a: int, b: int | None) -> PairedBars:
    return replace(bars, names=bars.names[a:b], current=bars.current[a:b], previous=bars.previous[a:b],
                   flags=bars.flags[a:b])


def _split(block: Block, room: float, width: float) -> tuple[Block | None, Block | None]:
    if isinstance(block, Grid):
        return _split_grid(block, room, width)
    if isinstance(block, Cards):
        return _split_cards(block, room, width)
    if isinstance(block, PairedBars):
        return _split_paired(block, room, width)
    return (block, None) if height(block, width) <= room else (None, block)


def _first(block: Block) -> tuple[Block, Block | None]:
    """The block's first row (or decision) and the rest; a block that cannot be split, whole."""
    if isinstance(block, Grid) and len(block.rows) > 1:
        return (replace(block, rows=block.rows[:1], flags=block.flags[:1], highlight=block.highlight[:1]),
                replace(block, rows=block.rows[1:], flags=block.flags[1:], highlight=block.highlight[1:]))
    if isinstance(block, Cards) and len(block.items) > 1:
        return Cards(block.items[:1]), Cards(block.items[1:])
    if isinstance(block, PairedBars) and len(block.names) > 1:
        return _paired_part(block, 0, 1), _paired_part(block, 1, None)
    return block, None


def _continued(block: Block | None) -> Block | None:
    if isinstance(block, Heading) and not block.text.endswith(" (forts.)"):
        return Heading(block.text + " (forts.)")
    return block


def flow(blocks: Sequence[Block], width: float = WIDTH, room: float = HEIGHT) -> list[list[Block]]:
    """The blocks on as many pages as they need, tables and decision lists split between rows; a
    heading never ends a page, and a heading continued on the next page says '(forts.)'."""
    pages: list[list[Block]] = [[]]
    used = 0.0
    queue = list(blocks)
    last_heading: Heading | None = None
    while queue:
        block = queue.pop(0)
        if isinstance(block, Heading):
            last_heading = block
            follower = queue[0] if queue else None
            own = height(block, width)
            if pages[-1]:
                # Begun here only when what follows it begins here too.
                starts = follower is None or _split(follower, room - used - own, width)[0] is not None
                if used + own > room or not starts:
                    pages.append([])
                    used = 0.0
            pages[-1].append(block)
            used += own
            continue
        fit, rest = _split(block, room - used, width)
        if fit is None and all(isinstance(b, Heading) for b in pages[-1]):
            # Not even its first row or decision fits under the heading on an empty slide: that one is
            # taller than a slide, and is shown alone rather than sent on for ever.
            fit, rest = _first(block)
        if fit is not None:
            pages[-1].append(fit)
            used += height(fit, width)
        if rest is not None:
            pages.append([])
            used = 0.0
            heading = _continued(last_heading) if isinstance(rest, (Grid, Cards, PairedBars)) else None
            if heading is not None:
                queue.insert(0, rest)
                queue.insert(0, heading)
            else:
                queue.insert(0, rest)
    return [p for p in pages if p] or [[]]


def paged(view: int, title: str, pages: Sequence[Sequence[Sequence[Block]]],
          widths: Sequence[Sequence[int]], top: Sequence[Block] = ()) -> list[Slide]:
    """Slides of one agenda item, numbered 1/n; `top` goes across the first one."""
    made = [Slide(view, title, tuple(tuple(c) for c in cols), tuple(w), top=tuple(top) if i == 0 else ())
            for i, (cols, w) in enumerate(zip(pages, widths, strict=True))]
    return [replace(s, page=i, pages=len(made)) for i, s in enumerate(made, start=1)]


def single(view: int, title: str, blocks: Sequence[Block]) -> list[Slide]:
    pages = flow(blocks)
    return paged(view, title, [[p] for p in pages], [(1,)] * len(pages))


# ---------------------------------------------------------------- the agenda's slides


def _notes(agenda: Agenda, item: str) -> list[Block]:
    text = agenda.minutes.note(item)
    return [NoteText(f"Anteckningar – {ITEMS[item].lower()}", text)] if text else []


def _text(value: object) -> str:
    if value is None:
        return MISSING
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return MISSING
    except (TypeError, ValueError):
        pass
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
