"""Places that persist: the places (Plats) with most events over the last 52 weeks, and whether each
is new, recurring, persistent or fading.

Crime concentrates: a few places hold a large share of the events year after year, and those are
where a standing list of focus places pays off. One week's top list mixes them up with places that
had a single bad week. So the 52 weeks up to the chosen week are cut into four quarters of 13 weeks,
and a place is active in a quarter when it had at least ACTIVE_EVENTS events there (one a month):

    ihållande      active in the latest quarter and in all three before it
    återkommande   active in the latest quarter and in one or two of the three before it
    ny             active in the latest quarter only
    avtagande      not active in the latest quarter, but in one or more before it

(the classes of hot-spot persistence used in crime analysis, e.g. R's sfhotspot, on counts per place).
A place is the text of Plats with case and surrounding spaces ignored, within its stadsdel.
No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import IsoWeek

QUARTER_WEEKS = 13
QUARTERS = 4
ACTIVE_EVENTS = 3
PERSISTENT, RECURRING, NEW, FADING = "ihållande", "återkommande", "ny", "avtagande"
CLASS_ORDER = (PERSISTENT, RECURRING, NEW, FADING)
COLUMNS = ["Plats", "Stadsdel", "Händelser 52 v.", "Kvartal 1", "Kvartal 2", "Kvartal 3", "Kvartal 4", "Klass",
           "Vanligaste kategorier"]

RULE = (
    "De 52 veckorna fram till vald vecka delas i fyra kvartal om 13 veckor (kvartal 4 är det senaste). En plats "
    f"är aktiv ett kvartal med minst {ACTIVE_EVENTS} händelser. Ihållande: aktiv i alla fyra. Återkommande: aktiv "
    "i det senaste och i ett eller två av de tidigare. Ny: aktiv bara i det senaste. Avtagande: inte aktiv i det "
    "senaste men tidigare."
)


def classify(quarters: tuple[int, ...], active: int = ACTIVE_EVENTS) -> str | None:
    """The persistence class of a place from its events per quarter, oldest first; None if never active."""
    *earlier, latest = (n >= active for n in quarters)
    before = sum(earlier)
    if latest:
        if before == len(earlier):
            return PERSISTENT
        return RECURRING if before else NEW
    return FADING if before else None


def quarter_starts(week: IsoWeek) -> list[dt.date]:
    """The Mondays that start each quarter, oldest first; the last quarter ends with `week`."""
    end = week.end_exclusive()
    return [end - dt.timedelta(weeks=QUARTER_WEEKS * (QUARTERS - i)) for i in range(QUARTERS)]


@dataclass(frozen=True)
class PlaceList:
    table: pd.DataFrame  # COLUMNS, the busiest place first
    placed: int  # every event with a place in the 52 weeks, listed or not

    @property
    def share(self) -> float | None:
        """The share (%) of the events with a place that the listed places hold; None without any."""
        return concentration(self.table, self.placed)


@dataclass(frozen=True)
class PlacesByDistrict:
    """Each district's `limit` busiest places (COLUMNS) and its events with a place, for every district
    at once: the list for any choice of districts is cut from it (`chosen`) without asking the database
    again, so that a click on a district in the sidebar finds it cached."""

    table: pd.DataFrame
    placed: dict[str, int]
    limit: int

    def chosen(self, districts: tuple[str, ...] | list[str]) -> PlaceList:
        """The list for `districts` (every district when empty): the busiest places among theirs.
        The busiest `limit` of a union of districts are among the busiest `limit` of each."""
        table = self.table[self.table["Stadsdel"].isin(districts)] if districts else self.table
        table = table.sort_values(["Händelser 52 v.", "Plats", "Stadsdel"], ascending=[False, True, True],
                                  kind="stable").head(self.limit).reset_index(drop=True)
        placed = sum(n for d, n in self.placed.items() if not districts or d in districts)
        return PlaceList(table, placed)


def places_by_district(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 15) -> PlacesByDistrict:
    """The `limit` places with most events in the 52 weeks up to the chosen week in each district, with
    their events per quarter and class (COLUMNS). Categories and sources follow the filters; the
    districts do not (`chosen` picks them)."""
    starts = quarter_starts(filters.week)
    end = filters.week.end_exclusive()
    conditions, params = event_conditions(filters, districts=False)
    quarter_sql = ", ".join(
        f"count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS q{i + 1}" for i in range(QUARTERS))
    bounds: list[object] = []
    for i, start in enumerate(starts):
        bounds += [start, starts[i + 1] if i + 1 < QUARTERS else end]
    quarter_sums = ", ".join(f"sum(q{i + 1}) AS q{i + 1}" for i in range(QUARTERS))
    # One pass over the events to counts per spelling, district and category; the rest works on those.
    rows = con.execute(
        f"""
        WITH spelled AS (
            SELECT lower(trim(place)) AS key, trim(place) AS place, district, category, count(*) AS n, {quarter_sql}
            FROM events
            WHERE occurred_at >= ? AND occurred_at < ? AND place IS NOT NULL AND trim(place) <> '' AND {conditions}
            GROUP BY ALL
        ),
        per_category AS (
            SELECT key, district, category, sum(n) AS n FROM spelled GROUP BY ALL
        ),
        top_categories AS (
            SELECT key, district, string_agg(category, ', ' ORDER BY n DESC, category) AS categories
            FROM (SELECT *, row_number() OVER (PARTITION BY key, district ORDER BY n DESC, category) AS r
                  FROM per_category)
            WHERE r <= 3
            GROUP BY key, district
        ),
        per_spelling AS (
            SELECT key, district, place, sum(n) AS n FROM spelled GROUP BY ALL
        ),
        per_place AS (
            SELECT key, district, sum(n) AS total, {quarter_sums} FROM spelled GROUP BY key, district
        )
        SELECT (SELECT arg_max(w.place, w.n) FROM per_spelling w WHERE w.key = p.key AND w.district = p.district)
                   AS place,
               p.district, p.total, {', '.join(f'p.q{i + 1}' for i in range(QUARTERS))}, t.categories,
               sum(p.total) OVER (PARTITION BY p.district) AS placed
        FROM per_place p JOIN top_categories t ON t.key = p.key AND t.district = p.district
        QUALIFY row_number() OVER (PARTITION BY p.district ORDER BY p.total DESC, place) <= ?
        ORDER BY p.total DESC, place, p.district
        """,
        [*bounds, starts[0], end, *params, limit],
    ).fetchall()
    records = []
    placed: dict[str, int] = {}
    for place, district, total, *rest in rows:
        quarters, categories = tuple(int(n) for n in rest[:QUARTERS]), rest[QUARTERS]
        records.append((place, district, int(total), *quarters, classify(quarters) or "–", categories))
        placed[district] = int(rest[QUARTERS + 1])
    return PlacesByDistrict(pd.DataFrame.from_records(records, columns=COLUMNS), placed, limit)


def persistent_places(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 15) -> PlaceList:
    """The `limit` places with most events in the 52 weeks up to the chosen week, with their events per
    quarter and class (COLUMNS). Districts, categories and sources follow the filters."""
    return places_by_district(con, filters, limit).chosen(filters.districts)


def concentration(frame: pd.DataFrame, total_events: int) -> float | None:
    """The share (%) of all events in the period that the listed places hold; None without events."""
    if total_events <= 0:
        return None
    return float(frame["Händelser 52 v."].sum()) / total_events * 100
