"""The safety survey: periods, the municipality's (weighted) average and the differences to it."""

from __future__ import annotations

import math

import pytest

from trygghet.analysis import survey
from trygghet.store.db import Database

INDICATOR = "Känner sig trygg utomhus på kvällen"
ROWS = [
    # period, district, indicator, value, respondents
    ("2024", "Norrby", INDICATOR, 60.0, 100),
    ("2024", "Hamnen", INDICATOR, 80.0, 300),
    ("2025-Q1", "Norrby", INDICATOR, 50.0, None),  # respondents unknown: plain mean
    ("2025-Q1", "Hamnen", INDICATOR, 70.0, 200),
    ("2025-Q3", "Norrby", INDICATOR, 71.0, 400),
    ("2025-Q3", "Hamnen", INDICATOR, 69.0, 400),
    ("2025-Q3", "Centrum", INDICATOR, 70.0, 200),
    ("2024", "Norrby", "Oroar sig för brott i området", 30.0, 100),
]


@pytest.fixture
def survey_db(database: Database) -> Database:
    with database.write() as con:
        con.executemany("INSERT INTO survey_results VALUES (?, ?, ?, ?, ?, NULL)", ROWS)
    return database


def test_periods_sort_and_read_in_swedish() -> None:
    assert survey.period_label("2025") == "2025"
    assert survey.period_label("2025-Q3") == "2025 kv. 3"
    assert survey.period_label("2025-T2") == "2025 tertial 2"
    assert survey.period_label("våren 2025") == "våren 2025"
    assert survey.sorted_periods(["2025-Q3", "våren 2025", "2025", "2024", "2025-Q1", "2025-T2", "2024"]) == [
        "2024", "2025-Q1", "2025", "2025-T2", "2025-Q3", "våren 2025"]
    assert survey.period_position("2025-Q3") == pytest.approx(2025.625)
    assert survey.period_position("2025-T1") == pytest.approx(2025 + 0.5 / 3)
    assert survey.period_position("okänd") is None


def test_fmt_points() -> None:
    assert survey.fmt_points(3.14) == "+3,1"
    assert survey.fmt_points(-12.25) == "\u221212,3"
    assert survey.fmt_points(-0.04) == "±0,0"
    assert survey.fmt_points(float("nan")) == "–"


def test_indicators_in_the_order_they_were_loaded(survey_db: Database) -> None:
    with survey_db.read() as con:
        assert survey.indicators(con) == [INDICATOR, "Oroar sig för brott i området"]


def test_municipality_average_is_weighted_by_respondents_where_known(survey_db: Database) -> None:
    with survey_db.read() as con:
        average = survey.municipality_average(con, INDICATOR)
    rows = {r.period: r for r in average.itertuples()}
    assert list(rows) == ["2024", "2025-Q1", "2025-Q3"]
    # 2024: (60·100 + 80·300) / 400 = 75, not the plain 70.
    assert rows["2024"].value == pytest.approx(75.0) and rows["2024"].weighted
    # One district without a respondent count: the plain mean of 50 and 70.
    assert rows["2025-Q1"].value == pytest.approx(60.0) and not rows["2025-Q1"].weighted
    # (71·400 + 69·400 + 70·200) / 1000 = 70.
    assert rows["2025-Q3"].value == pytest.approx(70.0)
    assert rows["2025-Q3"].districts == 3 and rows["2025-Q3"].respondents == 1000
    assert rows["2025-Q1"].label == "2025 kv. 1"


def test_survey_series_for_chosen_districts(survey_db: Database) -> None:
    with survey_db.read() as con:
        everyone = survey.survey_series(con, INDICATOR, ())
        norrby = survey.survey_series(con, INDICATOR, ("Norrby",))
    assert len(everyone) == 7
    assert norrby["period"].tolist() == ["2024", "2025-Q1", "2025-Q3"]
    assert norrby["value"].tolist() == [60.0, 50.0, 71.0]
    assert norrby["color"].iloc[0].startswith("#")


def test_differences_and_their_uncertainty(survey_db: Database) -> None:
    with survey_db.read() as con:
        everyone = survey.survey_series(con, INDICATOR, ())
        average = survey.municipality_average(con, INDICATOR)
        asked = survey.district_differences(con, INDICATOR)
    diffs = survey.differences(everyone, average)
    assert asked.equals(diffs)
    row = diffs[(diffs["district"] == "Norrby") & (diffs["period"] == "2024")].iloc[0]
    assert row["difference"] == pytest.approx(-15.0)
    # By hand: weights 1/4 and 3/4, variances p(1−p)/n; Var(d) = (1 − 1/4)²·v_N + (3/4)²·v_H.
    v_n, v_h = 0.6 * 0.4 / 100, 0.8 * 0.2 / 300
    se = math.sqrt(0.75**2 * v_n + 0.75**2 * v_h) * 100
    assert se == pytest.approx(4.062, abs=1e-3)
    assert bool(row["clear"])  # 15 > 1.96 · 4.06
    q3 = diffs[diffs["period"] == "2025-Q3"].set_index("district")
    assert q3.loc["Norrby", "difference"] == pytest.approx(1.0)
    assert not q3["clear"].any()  # one point on 400 answers is within the noise
    # Without respondent counts nothing is called clear, however large.
    assert not diffs[diffs["period"] == "2025-Q1"]["clear"].any()

    table, flags = survey.difference_table(diffs, average, ["Norrby", "Hamnen"])
    assert table["Stadsdel"].tolist() == ["Norrby", "Hamnen", survey.AVERAGE_LABEL]
    assert list(table.columns) == ["Stadsdel", "2024", "2024 mot snitt", "2025 kv. 1", "2025 kv. 1 mot snitt",
                                   "2025 kv. 3", "2025 kv. 3 mot snitt"]
    assert table.loc[0, "2024 mot snitt"] == pytest.approx(-15.0)
    assert table.loc[1, "2024 mot snitt"] == pytest.approx(5.0)
    assert table.loc[2, "2024"] == pytest.approx(75.0)
    assert flags.loc[0, "2024 mot snitt"] == "under" and flags.loc[1, "2024 mot snitt"] == "över"
    assert flags.loc[0, "2025 kv. 3 mot snitt"] == ""
