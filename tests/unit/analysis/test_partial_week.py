"""trygghet.analysis.partial_week on a database whose data stops on Wednesday 2 December 2026, in the
middle of week 49: the week says so, is compared Monday–Wednesday against the same weekdays of the
weeks before, and no change on it is called sure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from trygghet.analysis import compstat, partial_week, queries
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek, Window, year_to_date
from trygghet.store import event_counts
from trygghet.store.db import Database, add_district, init_database

WEEK = IsoWeek(2026, 49)  # Monday 30 November – Sunday 6 December 2026
LAST = dt.date(2026, 12, 2)  # a Wednesday: the data's last day
MEETING = dt.date(2026, 12, 8)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = Database(Path(tmp_path_factory.mktemp("partial_week")) / "t.duckdb")
    init_database(db)
    with db.write() as c:
        add_district(c, "Norr")
        rows = []
        day = dt.date(2025, 10, 1)
        while day <= LAST:
            # Ten a day, and in the partial week 25 a day: a rise the test would call sure.
            rows += [(day, "Klotter")] * (25 if day >= WEEK.monday() else 10)
            # A weekend-heavy category: its missing Friday–Sunday would read as a fall on whole weeks.
            rows += [(day, "Bråk/slagsmål")] * (12 if day.weekday() >= 4 else 2)
            day += dt.timedelta(days=1)
        c.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, 'Norr', ?, 'Polisen', ?)",
            [(i, dt.datetime.combine(d, dt.time(12)), cat, i) for i, (d, cat) in enumerate(rows, 1)])
        event_counts.rebuild(c)
    with db.read() as c:
        yield c


def filters() -> Filters:
    return Filters(week=WEEK, start=dt.date(2025, 1, 1), end=WEEK.sunday())


def test_a_week_whose_data_stops_on_wednesday_is_partial_and_says_so(con: duckdb.DuckDBPyConnection) -> None:
    span = partial_week.week_span(con, WEEK, MEETING)
    assert (span.last_day, span.days, span.ended, span.partial) == (LAST, 3, True, True)
    assert span.window() == Window(WEEK.monday(), dt.date(2026, 12, 3))
    assert span.weekdays == "måndag–onsdag" and span.short_weekdays == "mån–ons"
    assert span.note == ("v. 49 är inte hel i data: data till och med onsdag 2026-12-02 (3 dagar). Veckan jämförs "
                         "måndag–onsdag mot samma veckodagar veckorna före, och ingen förändring bedöms som säker "
                         "förrän veckan är hel.")
    # On the Thursday itself the week has not ended.
    running = partial_week.span_of(WEEK, dt.date(2026, 12, 3), LAST)
    assert running.partial and "v. 49 har inte slutat" in running.note
    assert partial_week.span_of(WEEK, dt.date(2026, 12, 1), LAST).days == 2  # tomorrow's data is not counted yet
    one = partial_week.span_of(WEEK, MEETING, WEEK.monday())
    assert "(1 dag)" in one.note and one.weekdays == "måndag"
    assert "inga data ännu" in partial_week.span_of(WEEK, MEETING, dt.date(2026, 11, 29)).note
    whole = partial_week.span_of(IsoWeek(2026, 48), MEETING, LAST)
    assert (whole.partial, whole.note, whole.days) == (False, "", 7)


def test_the_key_figures_compare_the_same_weekdays(con: duckdb.DuckDBPyConnection) -> None:
    span = partial_week.week_span(con, WEEK, MEETING)
    same_days = partial_week.key_figures(con, filters(), span)
    # Monday–Wednesday: 3 × 25 Klotter + 3 × 2 Bråk; the weeks before 3 × 10 + 3 × 2 on those days.
    assert same_days == {"week": 81, "previous_week": 36, "previous_4": 144, "previous_4_mean": 36.0,
                         "last_year": 36}
    # The whole weeks before hold 7 × 10 + 4 × 2 + 3 × 12 events: against them the week looked like a fall.
    assert queries.key_figures(con, filters())["previous_4_mean"] == 114.0
    whole = partial_week.span_of(IsoWeek(2026, 48), MEETING, LAST)
    assert partial_week.key_figures(con, Filters(week=whole.week, start=dt.date(2025, 1, 1), end=whole.week.sunday()),
                                    whole) == queries.key_figures(
        con, Filters(week=whole.week, start=dt.date(2025, 1, 1), end=whole.week.sunday()))


def test_the_compstat_table_of_a_partial_week_compares_like_with_like_and_flags_nothing(
        con: duckdb.DuckDBPyConnection) -> None:
    span = partial_week.week_span(con, WEEK, MEETING)
    counts = partial_week.compstat_counts(con, filters(), span).set_index("name")
    assert counts.loc["Klotter", ["week", "previous_4"]].tolist() == [75, 120]
    assert counts.loc["Bråk/slagsmål", ["week", "previous_4"]].tolist() == [6, 24]
    # The 28 days and the year to date end on the last day with data, as do their twins a year before.
    assert counts.loc["Klotter", "days28"] == 25 * 3 + 10 * 25
    ytd_days = (LAST - year_to_date(WEEK).start).days + 1
    assert counts.loc["Klotter", "ytd"] == 10 * (ytd_days - 3) + 25 * 3
    assert counts.loc["Klotter", "ytd_weeks"] == pytest.approx(ytd_days / 7)

    table, flags = compstat.compstat_table(counts.reset_index())
    assert (flags != "").any().any()  # the test alone calls the Klotter rise sure
    shown, none = partial_week.unflagged(table, flags)
    assert not (none != "").any().any()
    assert not any("▲" in str(v) or "▼" in str(v) for v in shown.to_numpy().ravel())
    assert shown.set_index("Kategori").loc["Klotter", "± vecka"] == "+45 (+150\u00a0%)"


def test_the_priority_areas_year_to_date_ends_on_the_last_day_with_data(con: duckdb.DuckDBPyConnection) -> None:
    span = partial_week.week_span(con, WEEK, MEETING)
    window = year_to_date(WEEK)
    assert partial_week.areas_window(window, span) == Window(window.start, dt.date(2026, 12, 3))
    whole = partial_week.span_of(IsoWeek(2026, 48), MEETING, LAST)
    assert partial_week.areas_window(year_to_date(whole.week), whole) == year_to_date(whole.week)
