"""The gazetteer: a district found in an event's free text by the district's own name or by
one of its neighbourhoods and streets (`districts.neighbourhoods`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from trygghet.core.text import clean, fold
from trygghet.ingest.polisen.parse import same_municipality
from trygghet.store.db import Database

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN_DISTRICT = "Okänd stadsdel"

# How an event got its district; the keys of the report's "placement".
PLACED_BY_NAME = "via stadsdelens namn"
PLACED_BY_AREA = "via område/gata"
PLACED_UNKNOWN = UNKNOWN_DISTRICT
PLACED_AMBIGUOUS = "tvetydig"


@dataclass(frozen=True)
class Placement:
    district: str | None
    how: str  # PLACED_BY_NAME | PLACED_BY_AREA | PLACED_UNKNOWN
    term: str | None = None  # the neighbourhood or street as the gazetteer writes it
    ambiguous: bool = False


@dataclass
class _Term:
    key: str
    district: str
    is_name: bool
    text: str
    pattern: re.Pattern[str]


def _gazetteer_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


class Gazetteer:
    """Districts found in free text by their own names and their neighbourhoods and streets,
    whole words only, case and diacritics ignored, a Swedish genitive 's' allowed."""

    def __init__(self, districts: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.terms: list[_Term] = []
        seen: set[tuple[str, str]] = set()
        for district, neighbourhoods in districts:
            if district == UNKNOWN_DISTRICT:
                continue
            for text, is_name in [(district, True), *((n, False) for n in neighbourhoods or [])]:
                if not isinstance(text, str):
                    continue
                key = _gazetteer_key(text)
                if len(key) < 2 or (key, district) in seen:
                    continue
                seen.add((key, district))
                pattern = re.compile(rf"(?<!\w){re.escape(key)}s?(?!\w)")
                self.terms.append(_Term(key, district, is_name, clean(text), pattern))
        # Longer terms first, and a district's own name before a neighbourhood of the same spelling.
        self.terms.sort(key=lambda t: (-len(t.key), not t.is_name))

    def __len__(self) -> int:
        return len(self.terms)

    def place(self, *texts: str | None) -> Placement:
        """The district named first in the texts; the longest name wins where names overlap."""
        text = " \n ".join(_gazetteer_key(t) for t in texts if t)
        hits: list[tuple[int, int, _Term]] = []
        for term in self.terms:
            if term.key not in text:
                continue
            for m in term.pattern.finditer(text):
                hits.append((m.start(), m.start() + len(term.key), term))
        if not hits:
            return Placement(None, PLACED_UNKNOWN)
        # Drop a hit lying inside a longer one ("Hamnen" inside "Östra Hamnen").
        kept = [
            h for h in hits
            if not any(o is not h and o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0]) for o in hits)
        ]
        kept.sort(key=lambda h: (h[0], -(h[1] - h[0]), not h[2].is_name))
        first = kept[0][2]
        ambiguous = len({h[2].district for h in kept}) > 1
        if first.is_name:
            return Placement(first.district, PLACED_BY_NAME, None, ambiguous)
        return Placement(first.district, PLACED_BY_AREA, first.text, ambiguous)


def district_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str], str | None]]:
    return [
        (r[0], list(r[1] or []), r[2])
        for r in con.execute("SELECT name, neighbourhoods, municipality FROM districts ORDER BY sort_order, name").fetchall()
    ]


def gazetteer_for(rows: list[tuple[str, list[str], str | None]], kommun: str) -> Gazetteer:
    """The districts of the municipality (or of no stated municipality) with their neighbourhoods."""
    return Gazetteer(
        (name, areas) for name, areas, municipality in rows
        if not municipality or same_municipality(municipality, kommun)
    )


def gazetteer_frame(db: Database) -> pd.DataFrame:
    import pandas as pd  # the Data page's table only: an import of the feed starts without pandas

    rows: list[tuple[str, list[str], str | None]] = []
    if db.exists():
        with db.read() as con:
            rows = district_rows(con)
    return pd.DataFrame(
        [(n, m or "", ", ".join(a)) for n, a, m in rows if n != UNKNOWN_DISTRICT],
        columns=["Stadsdel", "Kommun", "Områden och gator"],
    )
