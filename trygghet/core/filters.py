"""The selection every page shares (stadsdel, week, period, category, source) and its URL form.

    ?stadsdel=Norrby&stadsdel=Hamnen&vecka=2026-W47&fran=2025-01-01&till=2026-11-22&kategori=Klotter&kalla=Polisen
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.core.sql_text import in_list

QUERY_KEYS = ("stadsdel", "vecka", "fran", "till", "kategori", "kalla")


@dataclass(frozen=True)
class Filters:
    week: IsoWeek
    start: dt.date  # first day of the trend period
    end: dt.date  # last day of the trend period (inclusive)
    districts: tuple[str, ...] = ()  # empty: all districts
    categories: tuple[str, ...] = ()  # empty: all categories
    sources: tuple[str, ...] = ()  # empty: all sources

    def with_districts(self, districts: Sequence[str]) -> Filters:
        return replace(self, districts=tuple(districts))

    @property
    def end_exclusive(self) -> dt.date:
        return self.end + dt.timedelta(days=1)

    @property
    def district_label(self) -> str:
        if not self.districts:
            return "Alla stadsdelar"
        if len(self.districts) <= 3:
            return ", ".join(self.districts)
        return f"{len(self.districts)} stadsdelar"

    def to_query(self, defaults: Filters | None = None) -> dict[str, list[str]]:
        """URL parameters; values equal to the defaults are left out to keep links short."""
        query: dict[str, list[str]] = {}
        if self.districts:
            query["stadsdel"] = list(self.districts)
        if defaults is None or self.week != defaults.week:
            query["vecka"] = [str(self.week)]
        if defaults is None or self.start != defaults.start:
            query["fran"] = [self.start.isoformat()]
        if defaults is None or self.end != defaults.end:
            query["till"] = [self.end.isoformat()]
        if self.categories:
            query["kategori"] = list(self.categories)
        if self.sources:
            query["kalla"] = list(self.sources)
        return query


def default_filters(today: dt.date, first_data_day: dt.date | None = None) -> Filters:
    """The latest complete week, and a trend period of the last two years."""
    week = latest_complete_week(today)
    start = dt.date(week.sunday().year - 2, 1, 1)
    if first_data_day and first_data_day > start:
        start = first_data_day
    return Filters(week=week, start=start, end=week.sunday())


def from_query(
    params: Mapping[str, Sequence[str]],
    defaults: Filters,
    *,
    known_districts: Sequence[str],
    known_categories: Sequence[str],
    known_sources: Sequence[str],
) -> tuple[Filters, list[str]]:
    """The filters a URL asks for, and Swedish notes on what in it was not understood."""
    notes: list[str] = []

    def pick(key: str, known: Sequence[str], label: str) -> tuple[str, ...]:
        lookup = {k.casefold(): k for k in known}
        chosen = []
        for value in params.get(key, []):
            hit = lookup.get(value.strip().casefold())
            if hit is None:
                notes.append(f"Okänd {label} i länken: '{value}'.")
            elif hit not in chosen:
                chosen.append(hit)
        return tuple(chosen)

    week = defaults.week
    if params.get("vecka"):
        try:
            week = IsoWeek.parse(params["vecka"][0])
        except ValueError as exc:
            notes.append(f"Veckan i länken förstås inte: {exc}.")

    def day(key: str, fallback: dt.date) -> dt.date:
        if not params.get(key):
            return fallback
        try:
            return dt.date.fromisoformat(params[key][0])
        except ValueError:
            notes.append(f"Datumet '{params[key][0]}' i länken förstås inte (skriv ÅÅÅÅ-MM-DD).")
            return fallback

    start, end = day("fran", defaults.start), day("till", defaults.end)
    if end < start:
        notes.append("Periodens slut ligger före dess början; standardperioden används.")
        start, end = defaults.start, defaults.end
    filters = Filters(
        week=week,
        start=start,
        end=end,
        districts=pick("stadsdel", known_districts, "stadsdel"),
        categories=pick("kategori", known_categories, "kategori"),
        sources=pick("kalla", known_sources, "källa"),
    )
    return filters, notes


def event_conditions(filters: Filters, *, districts: bool = True, alias: str = "") -> tuple[str, list[object]]:
    """SQL conditions for the district, category and source choices, with their parameters.

    Only placeholders are generated here; the chosen values always travel as parameters.
    """
    prefix = f"{alias}." if alias else ""
    parts: list[str] = []
    params: list[object] = []
    for column, values in (
        ("district", filters.districts if districts else ()),
        ("category", filters.categories),
        ("source", filters.sources),
    ):
        if values:
            parts.append(f"{prefix}{column} IN {in_list(values)}")
            params.extend(values)
    return (" AND ".join(parts) or "TRUE"), params
