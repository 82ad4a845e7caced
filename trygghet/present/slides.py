"""The meeting on the wall: each agenda item as one or more slides that fit the screen.

A slide is a list of plain blocks (key figures, a table, bars, decision cards, a notice) laid out
in one or two columns. Every length is in rem of the presentation's type, which presentation.css
ties to the screen's height, so a slide that fits 1280×720 fits 1366×768 and 1920×1080 alike.
Long lists go on to further slides ("2/3"), which the clicker reaches like any other; no table
scrolls inside itself and no text is cut, since rows are measured before they are placed. Heights
are estimated from the text, generously: a slide may end a little early, never overflow.

The agenda's own slides are made in present.agenda_slides. No Streamlit here: ui.meeting.presentation
draws the slides (present.slide_html gives their HTML).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

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
