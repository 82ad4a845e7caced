"""A document as a list of plain blocks, written out both as Word and as PDF by the writers.

Every text is plain text: the writers escape it, so nothing a user typed can become markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from trygghet.core.formatting import MISSING, fmt_date, fmt_dec, fmt_int


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | small | note | placeholder | lead
    bold: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    highlight: list[bool] | None = None  # rows to shade (a flagged change, an overdue item)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, widths: Sequence[float] | None = None,
                   highlight: Sequence[bool] | None = None) -> Table:
        return cls([str(c) for c in frame.columns], [[cell_text(v) for v in row] for row in
                                                     frame.itertuples(index=False, name=None)],
                   list(widths) if widths else None, list(highlight) if highlight is not None else None)


@dataclass
class Figure:
    """A chart; where it cannot be drawn, `table` is shown in its place. `alt` is the image's text
    alternative for screen readers; without one it is made from the title and the table."""

    figure: go.Figure
    title: str
    table: Table
    caption: str = ""
    height: int = 520  # px of the rendered image at its 1000 px width
    alt: str = ""

    @property
    def alt_text(self) -> str:
        if self.alt:
            return self.alt
        rows = "; ".join(", ".join(f"{c}: {v}" for c, v in zip(self.table.columns, r, strict=False))
                         for r in self.table.rows)
        return f"Diagram: {self.title}. {rows}".strip()


@dataclass
class Contents:
    """The table of contents: the document's level 1 and 2 headings."""

    title: str = "Innehåll"


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | Figure | PageBreak | Contents


@dataclass
class Document:
    title: str
    subtitle: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)  # label, value lines under the title
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    file_stem: str = "dokument"
    # The creation date written into the files' metadata: a fixed date (a report's period end, a
    # saved report's registration) makes the same document the same bytes. None: now.
    created: dt.datetime | None = None
    language: str = "sv-SE"

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def text(self) -> str:
        """Every text of the document, for tests and a plain-text preview."""
        parts = [self.title, self.subtitle, *(f"{k}: {v}" for k, v in self.meta)]
        for b in self.blocks:
            if isinstance(b, (Heading, Paragraph)):
                parts.append(b.text)
            elif isinstance(b, Bullets):
                parts.extend(b.items)
            elif isinstance(b, Table):
                parts.extend([" | ".join(b.columns), *(" | ".join(r) for r in b.rows)])
            elif isinstance(b, Figure):
                parts.extend([b.title, b.caption])
        return "\n".join(p for p in parts if p)


def cell_text(value: object) -> str:
    """A table cell in Swedish formats: whole numbers with thin spacing, decimals with a comma,
    dates as ISO, missing values as an en dash."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "Ja" if value else ""
    if isinstance(value, pd.Timestamp):
        return MISSING if pd.isna(value) else fmt_date(value.date())
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        return fmt_date(value)  # type: ignore[arg-type]
    if isinstance(value, int):
        return fmt_int(value)
    if isinstance(value, float):
        if pd.isna(value):
            return MISSING
        return fmt_int(value) if value.is_integer() else fmt_dec(value, 1)
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return MISSING
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item())  # type: ignore[union-attr]
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)
