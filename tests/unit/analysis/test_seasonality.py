"""The year's rhythm: whole years, usual peak weeks worked out by hand, and this year against it on a
real database with an intervention on the same weeks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trygghet.analysis import seasonality
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts
from trygghet.store.db import Database


def frame(per_year: dict[int, dict[int, int]], base: int = 10, category: str = "Klotter") -> pd.DataFrame:
    """Weekly counts: `base` every week, except the weeks given per year."""
    rows = [(category, year, week, weeks.get(week, base)) for year, weeks in per_year.items()
            for week in range(1, 53)]
    return pd.DataFrame(rows, columns=["category", "year", "week", "count"])


def test_whole_years_are_the_iso_years_the_data_covers() -> None:
    # ISO 2024 runs Monday 2024-01-01 to Sunday 2024-12-29; ISO 2025 to Sunday 2025-12-28.
    assert seasonality.whole_years(dt.date(2024, 1, 1), dt.date(2026, 3, 1), 2026) == [2024, 2025]
    assert seasonality.whole_years(dt.date(2024, 1, 2), dt.date(2026, 3, 1), 2026) == [2025]
    assert seasonality.whole_years(dt.date(2024, 1, 1), dt.date(2025, 12, 27), 2026) == [2024]
    assert seasonality.whole_years(None, None, 2026) == []


def test_a_summer_peak_in_both_years_is_usual() -> None:
    # 10 a week, 30 in weeks 26–29: the year's mean week is 600/52, so the index is 0.867 and 2.6;
    # over three weeks, weeks 25 and 30 reach (0.867 + 0.867 + 2.6) / 3 = 1.44 and week 24 stays 0.867.
    summer = {w: 30 for w in range(26, 30)}
    counts = frame({2024: summer, 2025: summer})
    assert seasonality.peak_weeks(counts, [2024, 2025]) == list(range(25, 31))
    assert seasonality.week_ranges(seasonality.peak_weeks(counts, [2024, 2025])) == "v. 25–30"


def test_a_peak_in_one_year_only_is_not_usual_and_one_year_is_not_enough() -> None:
    counts = frame({2024: {w: 30 for w in range(26, 30)}, 2025: {}})
    assert seasonality.peak_weeks(counts, [2024, 2025]) == []
    assert seasonality.peak_weeks(frame({2024: {w: 30 for w in range(26, 30)}}), [2024]) == []


def test_the_peak_wraps_round_new_year_and_ranges_read_in_swedish() -> None:
    winter = {52: 40, 1: 40}
    weeks = seasonality.peak_weeks(frame({2024: winter, 2025: winter}), [2024, 2025])
    assert weeks == [1, 2, 51, 52]
    assert seasonality.week_ranges(weeks) == "v. 1–2, 51–52"
    assert seasonality.week_ranges([]) == "–"
    assert seasonality.week_ranges([7]) == "v. 7"


@pytest.fixture
def rhythm_database(database: Database) -> Database:
    rows: list[tuple[dt.datetime, str, str]] = []
    for year in (2024, 2025):
        for week in range(1, 53):
            wednesday = dt.datetime.combine(dt.date.fromisocalendar(year, week, 3), dt.time(20))
            rows += [(wednesday, "Norrby", "Klotter")] * (6 if 26 <= week <= 29 else 2)
            rows += [(wednesday, "Hamnen", "Rån")]
    for week in range(1, 31):  # this year up to week 30, twice last year's summer
        wednesday = dt.datetime.combine(dt.date.fromisocalendar(2026, week, 3), dt.time(20))
        rows += [(wednesday, "Norrby", "Klotter")] * (12 if 26 <= week <= 29 else 2)
    rows.append((dt.datetime(2024, 1, 1, 8), "Hamnen", "Rån"))  # the data's first day: Monday of ISO week 1
    with database.write() as con:
        con.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, ?, ?, 'Test', ?)",
            [(i, t, d, c, i) for i, (t, d, c) in enumerate(rows, start=1)],
        )
        con.execute("INSERT INTO priority_areas (name, indicator_categories, updated_at) "
                    "VALUES ('Klotter', ['Klotter'], TIMESTAMP '2026-01-01 09:00')")
        con.execute(
            "INSERT INTO interventions (id, title, priority_area, district, status, start_date, end_date, "
            "created_at, updated_at) VALUES ('I1', 'Sommarvakter', 'Klotter', 'Norrby', 'Planerad', "
            "DATE '2026-06-22', DATE '2026-08-09', TIMESTAMP '2026-01-01 09:00', TIMESTAMP '2026-01-01 09:00')"
        )
        event_counts.rebuild(con)
    return database


def test_this_year_against_the_usual_year_with_the_intervention_on_its_weeks(rhythm_database: Database) -> None:
    filters = Filters(week=IsoWeek(2026, 30), start=dt.date(2024, 1, 1), end=dt.date(2026, 7, 26))
    with rhythm_database.read() as con:
        counts = seasonality.weekly_counts(con, filters, 2026)
        plans = seasonality.interventions_in_year(con, filters, 2026, "Klotter")
        none_for_rob = seasonality.interventions_in_year(con, filters, 2026, "Rån")
    assert sorted(counts["year"].unique()) == [2024, 2025, 2026]
    table = seasonality.rhythm_table(counts, 2026).set_index("Kategori")
    assert table.loc["Klotter", "Hela år"] == 2
    assert table.loc["Klotter", "Brukar toppa"] == "v. 25–30"
    assert table.loc["Rån", "Brukar toppa"] == "–"  # one a week all year: no rhythm
    profile = seasonality.year_profile(counts, "Klotter", 2026)
    assert profile.loc[profile["week"] == 27, "usual"].item() == 6.0
    assert profile.loc[profile["week"] == 27, "this_year"].item() == 12.0
    assert np.isnan(profile.loc[profile["week"] == 31, "this_year"].item())  # not yet in the data
    assert profile.loc[profile["peak"], "week"].tolist() == list(range(25, 31))
    # 22 June 2026 is the Monday of ISO week 26; 9 August the Sunday of week 32.
    assert plans[["title", "first_week", "last_week"]].values.tolist() == [["Sommarvakter", 26, 32]]
    assert none_for_rob.empty
