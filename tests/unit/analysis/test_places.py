"""Places that persist: events per quarter of the last 52 weeks and the class, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest

from trygghet.analysis import places
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts
from trygghet.store.db import Database

WEEK = IsoWeek(2026, 20)
STARTS = places.quarter_starts(WEEK)


def at(quarter: int, day: int = 0) -> dt.datetime:
    """A time inside quarter 1–4 (4 is the latest), `day` days after its start."""
    return dt.datetime.combine(STARTS[quarter - 1] + dt.timedelta(days=day), dt.time(21))


@pytest.mark.parametrize(
    ("quarters", "expected"),
    [((3, 4, 5, 3), "ihållande"), ((0, 3, 1, 5), "återkommande"), ((4, 4, 0, 3), "återkommande"),
     ((0, 0, 2, 6), "ny"), ((5, 4, 0, 1), "avtagande"), ((1, 2, 2, 2), None)],
)
def test_classes(quarters: tuple[int, ...], expected: str | None) -> None:
    assert places.classify(quarters) == expected


def test_quarters_are_thirteen_weeks_ending_with_the_chosen_week() -> None:
    assert STARTS[-1] == WEEK.shift(-12).monday()
    assert STARTS[0] == WEEK.shift(-51).monday()


def test_the_list_counts_each_place_per_quarter_and_classes_it(database: Database) -> None:
    rows: list[tuple[dt.datetime, str, str, str]] = []
    rows += [(at(q, d), "Norrby", "Torget", "Klotter") for q in (1, 2, 3, 4) for d in range(4)]
    rows += [(at(4, 30), "Norrby", "  torget ", "Skadegörelse")]  # the same place, typed otherwise
    rows += [(at(2, d), "Norrby", "Skolgården", "Skadegörelse") for d in range(3)]
    rows += [(at(3, 1), "Norrby", "Skolgården", "Skadegörelse")]
    rows += [(at(4, d), "Norrby", "Skolgården", "Klotter") for d in range(5)]
    rows += [(at(4, d), "Hamnen", "Stationen", "Rån") for d in range(6)]
    rows += [(at(1, d), "Hamnen", "Parken", "Klotter") for d in range(5)]
    rows += [(at(2, d), "Hamnen", "Parken", "Klotter") for d in range(4)]
    rows += [(at(4, 2), "Hamnen", "Parken", "Klotter")]
    rows += [(at(4, 3), "Centrum", "Torget", "Klotter")]  # another district's Torget is another place
    rows += [(at(1) - dt.timedelta(days=1), "Hamnen", "Stationen", "Rån")] * 9  # before the 52 weeks
    rows += [(WEEK.end_exclusive() + dt.timedelta(hours=1), "Hamnen", "Stationen", "Rån")] * 9  # after the week
    with database.write() as con:
        con.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, place, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, ?, ?, ?, 'Test', ?)",
            [(i, t, d, p, c, i) for i, (t, d, p, c) in enumerate(rows, start=1)],
        )
        event_counts.rebuild(con)
    filters = Filters(week=WEEK, start=STARTS[0], end=WEEK.sunday())
    with database.read() as con:
        found = places.persistent_places(con, filters)
    frame = found.table
    assert list(frame.columns) == places.COLUMNS
    assert found.placed == 17 + 9 + 6 + 10 + 1  # every event with a place in the 52 weeks
    table = {(r["Plats"], r["Stadsdel"]): r for _, r in frame.iterrows()}
    torget = table[("Torget", "Norrby")]
    assert (torget["Händelser 52 v."], torget["Kvartal 4"], torget["Klass"]) == (17, 5, "ihållande")
    assert torget["Vanligaste kategorier"] == "Klotter, Skadegörelse"
    assert table[("Skolgården", "Norrby")]["Klass"] == "återkommande"
    assert (table[("Stationen", "Hamnen")]["Händelser 52 v."], table[("Stationen", "Hamnen")]["Klass"]) == (6, "ny")
    assert table[("Parken", "Hamnen")]["Klass"] == "avtagande"
    assert table[("Torget", "Centrum")]["Klass"] == "–"
    assert frame["Plats"].tolist()[0] == "Torget"  # most events first
    with database.read() as con:
        hamnen = places.persistent_places(con, Filters(week=WEEK, start=STARTS[0], end=WEEK.sunday(),
                                                       districts=("Hamnen",)), limit=1)
    assert hamnen.table["Plats"].tolist() == ["Parken"]  # 10 events against Stationen's 6
    assert (hamnen.placed, hamnen.share) == (16, pytest.approx(10 / 16 * 100))
    assert places.concentration(frame, 0) is None


def test_a_choice_of_districts_is_cut_from_every_districts_list_as_sql_would_pick_it(database: Database) -> None:
    # Per district: places of 1–8 events, some names shared between districts.
    rows = [(at(q, d), district, place, "Klotter")
            for n, (district, place) in enumerate([(d, p) for d in ("Norrby", "Hamnen", "Centrum")
                                                   for p in ("Torget", "Parken", "Skolan", f"Gatan {d}")])
            for q in (1, 4) for d in range(1 + n % 4)]
    with database.write() as con:
        con.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, place, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, ?, ?, ?, 'Test', ?)",
            [(i, t, d, p, c, i) for i, (t, d, p, c) in enumerate(rows, start=1)],
        )
        event_counts.rebuild(con)
    base = Filters(week=WEEK, start=STARTS[0], end=WEEK.sunday())
    with database.read() as con:
        every = places.places_by_district(con, base, limit=3)
        for chosen in ((), ("Hamnen",), ("Norrby", "Centrum")):
            scope = f"AND district IN ({', '.join('?' * len(chosen))})" if chosen else ""
            expected = con.execute(
                f"SELECT trim(place), district, count(*) AS n FROM events WHERE occurred_at >= ? "
                f"AND occurred_at < ? {scope} GROUP BY ALL ORDER BY n DESC, trim(place), district LIMIT 3",
                [STARTS[0], WEEK.end_exclusive(), *chosen],
            ).fetchall()
            placed = con.execute(
                f"SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? {scope}",
                [STARTS[0], WEEK.end_exclusive(), *chosen],
            ).fetchone()
            found = every.chosen(chosen)
            assert list(found.table[["Plats", "Stadsdel", "Händelser 52 v."]].itertuples(index=False, name=None)) \
                == expected
            assert found.placed == (placed[0] if placed else None)
