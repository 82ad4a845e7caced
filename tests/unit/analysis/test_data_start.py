"""trygghet.analysis.data_start on a database whose data begins on 2026-10-06 (Polisen) and
2026-11-02 (Skolan): the first day per source and overall, and every comparison that reaches
before it shown as 'ingen jämförelse – data från och med …', never as 0 and never flagged."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import compstat, data_start, priority_areas, queries, trends
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek, Window, year_to_date
from trygghet.store import event_counts
from trygghet.store.db import Database, add_district, init_database

POLICE_START = dt.date(2026, 10, 6)
SCHOOL_START = dt.date(2026, 11, 2)
WEEK = IsoWeek(2026, 48)  # 23–29 November 2026
TEXT = "ingen jämförelse – data från och med 2026-10-06"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = Database(Path(tmp_path_factory.mktemp("data_start")) / "t.duckdb")
    init_database(db)
    with db.write() as c:
        add_district(c, "Norr")
        c.execute("INSERT INTO priority_areas VALUES ('Klotter', NULL, 'Mindre klotter', DATE '2026-01-01', NULL, "
                  "['Klotter'], NULL, TIMESTAMP '2026-01-01 09:00')")
        rows = []
        day = POLICE_START
        while day <= WEEK.sunday():
            # Ten a day from the police, three a day from the school once it began: plenty for a sure change.
            rows += [(day, "Klotter", "Polisen")] * 10
            if day >= SCHOOL_START:
                rows += [(day, "Skadegörelse", "Skolan")] * 3
            day += dt.timedelta(days=1)
        c.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, 'Norr', ?, ?, ?)",
            [(i, dt.datetime.combine(d, dt.time(12)), cat, src, i) for i, (d, cat, src) in enumerate(rows, 1)])
        event_counts.rebuild(c)
    with db.read() as c:
        yield c


def filters(sources: tuple[str, ...] = ()) -> Filters:
    return Filters(week=WEEK, start=dt.date(2025, 1, 1), end=WEEK.sunday(), sources=sources)


def test_the_first_day_is_known_per_source_and_overall(con: duckdb.DuckDBPyConnection) -> None:
    start = data_start.data_start(con)
    assert start.overall == POLICE_START
    assert dict(start.by_source) == {"Polisen": POLICE_START, "Skolan": SCHOOL_START}
    assert data_start.first_day(con, ("Skolan",)) == SCHOOL_START
    assert data_start.first_day(con, ("Skolan", "Polisen")) == POLICE_START
    assert data_start.first_day(con, ("Ingen sådan",)) is None


def test_compstat_shows_no_comparison_where_last_year_is_before_the_data(con: duckdb.DuckDBPyConnection) -> None:
    counts = queries.compstat_counts(con, filters(), "category")
    raw, raw_flags = compstat.compstat_table(counts)
    # What the table said before: last year read as zero, the change a sure increase.
    assert set(raw["Fjol 28 d."]) == {"0"}
    assert (raw_flags["± 28 d."] == "upp").any()

    missing = data_start.compstat_gaps(WEEK, data_start.first_day(con))
    assert set(missing) == {"days28_last_year", "ytd_last_year"}  # the four weeks before are within the data
    table, flags = data_start.blank_compstat(raw, raw_flags, missing)

    for base, change in (("Fjol 28 d.", "± 28 d."), ("Fjol hittills", "± i år")):
        assert set(table[base]) == {TEXT}
        assert set(table[change]) == {"–"}
        assert set(flags[change]) == {""}
        assert not table[change].str.contains("▲|▼").any()
    assert list(table["Snitt 4 v. före"]) == list(raw["Snitt 4 v. före"])  # still compared
    assert list(flags["± vecka"]) == list(raw_flags["± vecka"])


def test_a_source_that_began_later_has_no_four_week_mean_yet(con: duckdb.DuckDBPyConnection) -> None:
    school = data_start.first_day(con, ("Skolan",))
    assert set(data_start.compstat_gaps(WEEK, school)) == {"previous_4", "days28_last_year", "ytd_last_year"}
    gaps = data_start.key_figure_gaps(WEEK, school)
    assert set(gaps) == {"previous_4", "last_year"}  # the week before (16–22 Nov) is within the data
    assert data_start.key_figure_note(gaps) == (
        "Snitt 4 veckor före, Samma vecka i fjol: ingen jämförelse – data från och med 2026-11-02.")
    assert data_start.key_figure_gaps(IsoWeek(2027, 50), school) == {}


def test_priority_areas_get_no_comparison_instead_of_zero(con: duckdb.DuckDBPyConnection) -> None:
    window = year_to_date(WEEK)
    plain = priority_areas.priority_area_status(con, (), window, WEEK.sunday())
    assert (plain["count_last_year"].iloc[0], plain["flag"].iloc[0]) == (0, "upp")  # as it was

    frame = priority_areas.priority_area_status(con, (), window, WEEK.sunday(), first_day=POLICE_START)
    row = frame.iloc[0]
    assert row["count"] == plain["count"].iloc[0]
    assert row["count_last_year"] is None
    assert (row["change"], row["flag"]) == (TEXT, "")
    # A window whose year earlier is within the data is compared as before.
    later = priority_areas.priority_area_status(con, (), Window(dt.date(2027, 11, 1), dt.date(2027, 11, 8)),
                                                dt.date(2027, 11, 8), first_day=POLICE_START)
    assert later["count_last_year"].iloc[0] == 70 and later["change"].iloc[0] != TEXT


def test_the_trend_line_of_last_year_has_a_gap_where_its_week_began_before_the_data(
        con: duckdb.DuckDBPyConnection) -> None:
    f = Filters(week=IsoWeek(2027, 48), start=dt.date(2027, 9, 6), end=dt.date(2027, 11, 28))
    weekly = trends.weekly_frame(queries.weekly_series(con, f, None), f.start, f.end)
    before = dict(zip(pd.to_datetime(weekly["week"]).dt.date, weekly["last_year"], strict=True))
    assert before[dt.date(2027, 10, 11)] == 60  # as it was: six days of a week read as a whole week

    blanked = data_start.blank_last_year(weekly, POLICE_START)
    by_week = dict(zip(pd.to_datetime(blanked["week"]).dt.date, blanked["last_year"], strict=True))
    assert math.isnan(by_week[dt.date(2027, 9, 27)])  # its twin, week 39 2026, lies before the data
    assert math.isnan(by_week[dt.date(2027, 10, 11)])  # twin 5–11 Oct 2026 begins a day before the data
    assert by_week[dt.date(2027, 10, 18)] == 70  # twin 12–18 Oct 2026: ten a day from the police
    assert (blanked["count"] == weekly["count"]).all()


def test_every_series_of_the_trend_loses_the_same_weeks_of_last_year() -> None:
    """By category the weeks repeat once per series; each series gets the same gaps."""
    weeks = pd.to_datetime([dt.date(2027, 9, 27), dt.date(2027, 10, 11), dt.date(2027, 10, 18)] * 2)
    weekly = pd.DataFrame({"week": weeks, "series": ["Klotter"] * 3 + ["Stöld"] * 3,
                           "count": [1.0] * 6, "rolling4": [1.0] * 6, "last_year": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0]})
    blanked = data_start.blank_last_year(weekly, POLICE_START)
    # Twins: the weeks from 21 Sep, 5 Oct and 12 Oct 2026; the police's data begins 6 Oct 2026.
    assert blanked["last_year"].isna().tolist() == [True, True, False, True, True, False]
    assert blanked["last_year"].dropna().tolist() == [7.0, 10.0]
