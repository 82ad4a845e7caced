"""trygghet.analysis.interventions and priority_areas against a small database whose every number is placed by hand."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import interventions as iv
from trygghet.analysis import priority_areas as pa
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts as counts
from trygghet.store.db import Database, add_district, init_database

TODAY = dt.date(2026, 6, 15)  # a Monday: the latest complete week is 2026-W24
OTR = "Otrygghetsskapande händelser i offentlig miljö"
VNR = "Våld i nära relationer"
REKR = "Rekrytering till kriminella strukturer"
TRYGG = "Känner sig trygg utomhus på kvällen"
DAMAGE = "Ser skadegörelse eller klotter ofta"

# INS-1 runs in Norrby from Monday 2026-03-02 (W10) to Sunday 2026-03-29 (W13): with two weeks
# before and after, the effect window is W08–W15. Counts of its indicator categories per week:
WEEKS = [dt.date(2026, 2, 16) + dt.timedelta(weeks=i) for i in range(8)]
PERIODS = ["före", "före", "under", "under", "under", "under", "efter", "efter"]
TREATED = [12, 8, 2, 2, 3, 1, 4, 6]  # Norrby: 20 before, 8 during, 10 after
CONTROL = [15, 15, 10, 10, 10, 10, 12, 18]  # Hamnen and Centrum: 30 before, 40 during, 30 after

INTERVENTIONS = [
    # id, title, area, district, owner, contact, status, start, end, comment
    ("INS-1", "Klotterplank i Norrby", OTR, "Norrby", "Kommun", "Trygghetssamordnare", "Avslutad",
     dt.date(2026, 3, 2), dt.date(2026, 3, 29), "Klar"),
    ("INS-2", "Ordningsvakter i Hamnen", OTR, "Hamnen", "Polis", None, "Pågående", dt.date(2026, 5, 4), None, None),
    ("INS-3", "Familjecentral i Centrum", VNR, "Centrum", "Socialtjänst", None, "Pågående",
     dt.date(2026, 1, 10), dt.date(2026, 5, 31), "Slutrapport saknas"),
    ("INS-4", "SSPF i hela kommunen", REKR, None, "Skola", None, "Planerad",
     dt.date(2026, 8, 1), dt.date(2026, 12, 31), None),
    ("INS-5", "Kameror i Norrby", None, "Norrby", "Polis", None, "Planerad", None, dt.date(2026, 6, 1), None),
    ("INS-6", "Brandsäkra soprum i Hamnen", OTR, "Hamnen", "Bostadsbolag", None, "Inställd",
     dt.date(2026, 2, 1), dt.date(2026, 4, 1), None),
    ("INS-7", "Trygghetsvandring i Centrum", OTR, "Centrum", "Kommun", None, "Avslutad",
     dt.date(2025, 1, 1), dt.date(2025, 6, 30), None),
    ("INS-8", "Belysning i Norrby", OTR, "Norrby", "Kommun", None, "Pågående",
     dt.date(2026, 4, 1), dt.date(2026, 9, 30), None),
    # Same district and dates as INS-1 but no priority area: its effect counts every category.
    ("INS-9", "Ungdomsgård i Norrby", None, "Norrby", "Fritid/fältare", None, "Avslutad",
     dt.date(2026, 3, 2), dt.date(2026, 3, 29), None),
]


def _filters(start: dt.date = dt.date(2026, 2, 10), end: dt.date = dt.date(2026, 4, 20),
             districts: tuple[str, ...] = ()) -> Filters:
    return Filters(week=IsoWeek.of(end), start=start, end=end, districts=districts)


def _events() -> list[tuple[dt.datetime, str, str]]:
    """(time, district, category) for every event in the database."""
    events: list[tuple[dt.datetime, str, str]] = []
    for monday, treated, control in zip(WEEKS, TREATED, CONTROL, strict=True):
        wednesday = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(12))
        events += [(wednesday, "Norrby", "Klotter" if i % 2 else "Skadegörelse") for i in range(treated)]
        # The control split between the two other districts: both count as "the others".
        events += [(wednesday, "Hamnen" if i % 3 else "Centrum", "Klotter") for i in range(control)]
    # Move one counted event of each edge week to the very first and last minute of its week.
    events.remove((dt.datetime(2026, 2, 18, 12), "Norrby", "Skadegörelse"))
    events.append((dt.datetime(2026, 2, 16, 0, 0), "Norrby", "Skadegörelse"))
    events.remove((dt.datetime(2026, 4, 8, 12), "Norrby", "Skadegörelse"))
    events.append((dt.datetime(2026, 4, 12, 23, 59), "Norrby", "Skadegörelse"))
    events += [
        # Just outside the effect window, and categories outside the area: never counted in the effect.
        (dt.datetime(2026, 2, 15, 23, 59), "Norrby", "Klotter"),
        (dt.datetime(2026, 4, 13, 0, 0), "Norrby", "Klotter"),
        (dt.datetime(2026, 3, 4, 12), "Norrby", "Hot/våld"),
        (dt.datetime(2026, 3, 4, 12), "Hamnen", "Hot/våld"),
        # A year earlier, for the trend's baseline (2025-02-10 – 2025-04-20).
        (dt.datetime(2025, 2, 5, 9), "Norrby", "Klotter"),  # before the baseline window
        *[(dt.datetime(2025, 2, 20, 9), "Norrby", "Klotter")] * 3,
        *[(dt.datetime(2025, 3, 15, 9), "Hamnen", "Skadegörelse")] * 2,
        (dt.datetime(2025, 4, 25, 9), "Norrby", "Klotter"),  # after it
        # The first and the last day of the data.
        (dt.datetime(2025, 1, 1, 10), "Hamnen", "Rån"),
        (dt.datetime(2026, 6, 1, 10), "Hamnen", "Rån"),
    ]
    return events


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = Database(Path(tmp_path_factory.mktemp("interventions")) / "t.duckdb")
    init_database(db)
    with db.write() as c:
        for name in ("Centrum", "Hamnen", "Norrby"):
            add_district(c, name)
        c.executemany(
            "INSERT INTO priority_areas VALUES (?, ?, ?, ?, ?, ?, NULL, TIMESTAMP '2025-01-01 09:00')",
            [
                (OTR, "Skadegörelse och klotter", "Färre skadegörelsehändelser", dt.date(2025, 1, 1),
                 dt.date(2026, 12, 31), ["Klotter", "Skadegörelse"]),
                (VNR, "Våld i hemmet", None, dt.date(2020, 1, 1), dt.date(2024, 12, 31), ["Hot/våld"]),
                (REKR, None, None, None, None, []),
            ],
        )
        c.executemany(
            "INSERT INTO interventions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, "
            "TIMESTAMP '2025-01-01 09:00', TIMESTAMP '2025-01-01 09:00')",
            INTERVENTIONS,
        )
        c.execute(
            "INSERT INTO uploads VALUES (7, 'insatser-mars.xlsx', 'abc', 100, TIMESTAMP '2026-01-05 09:00', "
            "'Anna', 'xlsx', 'Insatser', 1, 1, 0, 0, 0, 'imported', NULL)"
        )
        c.executemany(
            "INSERT INTO intervention_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("INS-1", "status", None, "Planerad", dt.datetime(2026, 1, 5, 9), 7, "Anna", "upload"),
                ("INS-1", "status", "Planerad", "Pågående", dt.datetime(2026, 3, 2, 8), None, "Kim", "manual"),
                ("INS-1", "end_date", "2026-03-15", "2026-03-29", dt.datetime(2026, 3, 10, 10), None, None, "demo"),
                ("INS-1", "status", "Pågående", "Avslutad", dt.datetime(2026, 4, 1, 12), 7, None, "upload"),
                ("INS-2", "status", None, "Pågående", dt.datetime(2026, 5, 4, 8), None, None, "manual"),
            ],
        )
        c.executemany(
            "INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key) "
            "VALUES (?, ?, TRUE, ?, ?, 'Test', ?)",
            [(i, when, district, category, i) for i, (when, district, category) in enumerate(_events(), start=1)],
        )
        counts.rebuild(c)  # events written here bypass the importer, which keeps the daily counts
        c.executemany(
            "INSERT INTO survey_results VALUES (?, ?, ?, ?, ?, NULL)",
            [
                ("2024", "Norrby", TRYGG, 60.0, 100),
                ("2024", "Hamnen", TRYGG, 80.0, 300),
                ("2025", "Norrby", TRYGG, 70.0, 100),
                ("2025", "Hamnen", TRYGG, 90.0, None),
                ("2025 K3", "Centrum", DAMAGE, 20.0, 50),
                ("2025 K4", "Centrum", DAMAGE, 30.0, 150),
                ("2024", "Norrby", "Har förtroende för polisen i området", 50.0, 100),
            ],
        )
    with db.read() as c:
        yield c


# ---------------------------------------------------------------- the list


def test_list_orders_open_and_overdue_first(con: duckdb.DuckDBPyConnection) -> None:
    frame = iv.intervention_list(con, _filters(), TODAY)
    assert list(frame.columns) == iv.LIST_COLUMNS
    # Overdue (Pågående before Planerad), open by end date (none last), then closed: Avslutad most
    # recently ended first, Inställd last.
    assert frame["Insats-ID"].tolist() == [
        "INS-3", "INS-5", "INS-8", "INS-2", "INS-4", "INS-1", "INS-9", "INS-7", "INS-6"]
    assert frame["Försenad"].tolist() == [True, True] + [False] * 7
    first = frame.iloc[0]
    assert (first["Insats"], first["Prioriterat område"], first["Stadsdel"], first["Ansvarig aktör"]) == (
        "Familjecentral i Centrum", VNR, "Centrum", "Socialtjänst")
    assert first["Kommentar"] == "Slutrapport saknas"


def test_list_filters(con: duckdb.DuckDBPyConnection) -> None:
    def ids(**kwargs: object) -> list[str]:
        districts = kwargs.pop("districts", ())
        return iv.intervention_list(con, _filters(districts=districts), TODAY, **kwargs)["Insats-ID"].tolist()

    # An intervention without a district concerns every district and is always listed.
    assert ids(districts=("Norrby",)) == ["INS-5", "INS-8", "INS-4", "INS-1", "INS-9"]
    assert ids(status=("Pågående",)) == ["INS-3", "INS-8", "INS-2"]
    assert ids(owner=("Polis",)) == ["INS-5", "INS-2"]
    assert ids(priority_area=(OTR,), status=("Avslutad", "Inställd")) == ["INS-1", "INS-7", "INS-6"]
    assert ids(districts=("Hamnen",), owner=("Skola",)) == ["INS-4"]
    assert ids(status=("Okänd",)) == []


def test_ended_but_not_open_is_not_overdue(con: duckdb.DuckDBPyConnection) -> None:
    frame = iv.intervention_list(con, _filters(), TODAY).set_index("Insats-ID")
    # INS-6 ended before today but is Inställd; INS-2 has no end date at all.
    assert not frame.loc["INS-6", "Försenad"] and not frame.loc["INS-2", "Försenad"]


def test_filter_options(con: duckdb.DuckDBPyConnection) -> None:
    options = iv.filter_options(con)
    assert options["statuses"] == ["Planerad", "Pågående", "Avslutad", "Inställd"]
    assert options["owners"] == ["Bostadsbolag", "Fritid/fältare", "Kommun", "Polis", "Skola", "Socialtjänst"]
    assert options["priority_areas"] == [OTR, REKR, VNR]


# ---------------------------------------------------------------- history


def test_history_newest_first_with_sources(con: duckdb.DuckDBPyConnection) -> None:
    frame = iv.history(con, "INS-1")
    assert list(frame.columns) == ["Tid", "Fält", "Från", "Till", "Källa"]
    assert [t.to_pydatetime() for t in frame["Tid"]] == [
        dt.datetime(2026, 4, 1, 12), dt.datetime(2026, 3, 10, 10), dt.datetime(2026, 3, 2, 8),
        dt.datetime(2026, 1, 5, 9)]
    assert frame["Fält"].tolist() == ["Status", "Slutdatum", "Status", "Status"]
    assert frame["Från"].tolist() == ["Pågående", "2026-03-15", "Planerad", "–"]
    assert frame["Till"].tolist() == ["Avslutad", "2026-03-29", "Pågående", "Planerad"]
    assert frame["Källa"].tolist() == ["insatser-mars.xlsx", "Demodata", "Kim", "insatser-mars.xlsx (Anna)"]


def test_history_without_uploader_or_person_names_the_origin(con: duckdb.DuckDBPyConnection) -> None:
    assert iv.history(con, "INS-2")["Källa"].tolist() == ["Manuell ändring"]
    assert iv.history(con, "INS-8").empty


# ---------------------------------------------------------------- effect


def test_effect_data_counts_per_week_and_period(con: duckdb.DuckDBPyConnection) -> None:
    data = iv.effect_data(con, "INS-1", 2, 2, TODAY)
    assert data is not None
    assert (data.district, data.start, data.end, data.open_ended) == (
        "Norrby", dt.date(2026, 3, 2), dt.date(2026, 3, 29), False)
    assert data.categories == ("Klotter", "Skadegörelse")
    frame = data.frame
    assert list(frame.columns) == ["week", "period", "treated", "control", "buffer"]
    assert [pd.Timestamp(w).date() for w in frame["week"]] == WEEKS
    assert frame["period"].tolist() == PERIODS
    assert frame["treated"].tolist() == TREATED
    assert frame["control"].tolist() == CONTROL
    assert frame["buffer"].tolist() == [0] * 8 and data.buffer == ()
    assert data.weeks == {"före": 2, "under": 4, "efter": 2}


def test_effect_data_counts_a_named_buffer_apart_from_the_comparison(con: duckdb.DuckDBPyConnection) -> None:
    # Of the others' events Centrum has every third (i = 0, 3, 6, …), Hamnen the rest.
    data = iv.effect_data(con, "INS-1", 2, 2, TODAY, buffer=("Hamnen", "Norrby"))
    assert data.buffer == ("Hamnen",)  # the intervention's own district is never its buffer
    assert data.frame["treated"].tolist() == TREATED
    assert data.frame["buffer"].tolist() == [10, 10, 6, 6, 6, 6, 8, 12]
    assert data.frame["control"].tolist() == [5, 5, 4, 4, 4, 4, 4, 6]


def test_effect_summary_sums_the_periods_and_needs_four_weeks_on_each_side(con: duckdb.DuckDBPyConnection) -> None:
    data = iv.effect_data(con, "INS-1", 2, 2, TODAY)
    during = iv.effect_summary(data.frame)
    assert (during.treated_before, during.treated_during, during.control_before, during.control_during) == (
        20, 8, 30, 40)
    assert (during.weeks_before, during.weeks_during) == (2, 4)
    # Two weeks before say nothing about how much the weeks vary by themselves.
    assert during.ratio is None
    assert during.text == ("Under insatsen: för kort tid för att bedöma effekten – det behövs minst 4 hela "
                           "veckor både före och under.")
    after = iv.effect_summary(data.frame, "efter")
    assert (after.treated_during, after.control_during, after.weeks_during) == (10, 30, 2)
    assert after.text.startswith("Efter insatsen:")
    # Four weeks before take in the Klotter event of Sunday 15 February: (8 / 21) / (40 / 30) = 2/7.
    longer = iv.effect_summary(iv.effect_data(con, "INS-1", 4, 2, TODAY).frame)
    assert (longer.treated_before, longer.weeks_before) == (21, 4)
    assert longer.ratio == pytest.approx(2 / 7)


def test_effect_summary_labels_an_uncertain_result_and_refuses_missing_periods() -> None:
    frame = pd.DataFrame({
        "week": WEEKS[:4], "period": ["före", "före", "under", "under"],
        "treated": [3, 2, 1, 1], "control": [10, 10, 10, 10],
    })
    effect = iv.effect_summary(frame)
    assert effect.ratio is None
    assert effect.text == "Under insatsen: för få händelser för att bedöma effekten."
    assert iv.effect_summary(frame, "efter") is None
    assert iv.effect_summary(frame[frame["period"] == "under"]) is None
    with pytest.raises(ValueError):
        iv.effect_summary(frame, "före")


def test_effect_data_open_ended_runs_to_the_last_complete_week_of_data(con: duckdb.DuckDBPyConnection) -> None:
    data = iv.effect_data(con, "INS-2", 2, 8, TODAY)
    assert data.open_ended and data.end == TODAY
    # Starts Monday 2026-05-04 (W19). The data ends on Monday 2026-06-01, so W22 is the last whole week,
    # not W24 (the latest complete week on TODAY): later weeks would show events that were never reported.
    assert [pd.Timestamp(w).date() for w in data.frame["week"]] == [
        dt.date(2026, 4, 20), dt.date(2026, 4, 27), dt.date(2026, 5, 4), dt.date(2026, 5, 11),
        dt.date(2026, 5, 18), dt.date(2026, 5, 25)]
    assert data.weeks == {"före": 2, "under": 4, "efter": 0}
    assert data.frame["treated"].sum() == 0  # Hamnen had nothing in Klotter/Skadegörelse then
    assert iv.effect_summary(data.frame, "efter") is None


def test_effect_data_refuses_without_district_or_start(con: duckdb.DuckDBPyConnection) -> None:
    assert iv.effect_data(con, "INS-4", today=TODAY) is None  # no district
    assert iv.effect_data(con, "INS-5", today=TODAY) is None  # no start date
    assert iv.effect_data(con, "INS-404", today=TODAY) is None
    assert "stadsdel" in iv.no_effect_reason(None, dt.date(2026, 1, 1))
    assert "startdatum" in iv.no_effect_reason("Norrby", pd.NaT)
    assert iv.no_effect_reason("Norrby", dt.date(2026, 1, 1)) is None


def test_effect_data_without_indicators_counts_all_categories(con: duckdb.DuckDBPyConnection) -> None:
    data = iv.effect_data(con, "INS-9", 2, 2, TODAY)
    assert data.categories == ()
    # As INS-1, plus the Hot/våld event of W10 in Norrby and the one in Hamnen.
    assert data.frame["treated"].tolist() == [12, 8, 3, 2, 3, 1, 4, 6]
    assert data.frame["control"].tolist() == [15, 15, 11, 10, 10, 10, 12, 18]


def test_effect_data_before_the_data_starts(con: duckdb.DuckDBPyConnection) -> None:
    # INS-7 starts 2025-01-01, the first day of the data: no whole week before it exists.
    data = iv.effect_data(con, "INS-7", 8, 2, TODAY)
    assert data.weeks["före"] == 0
    assert pd.Timestamp(data.frame["week"].iloc[0]).date() == dt.date(2025, 1, 6)
    assert iv.effect_summary(data.frame) is None


# ---------------------------------------------------------------- priority areas


def test_priority_area_overview(con: duckdb.DuckDBPyConnection) -> None:
    areas = pa.priority_area_overview(con, _filters(end=dt.date(2026, 6, 14)), TODAY)
    # Current ones first (no start date counts as always valid), then the one that ended in 2024.
    assert [(a.name, a.current) for a in areas] == [(REKR, True), (OTR, True), (VNR, False)]
    rekr, otr, vnr = areas
    assert dict(otr.status_counts) == {"Planerad": 0, "Pågående": 2, "Avslutad": 2, "Inställd": 1}
    assert otr.total == 5 and otr.overdue == 0
    assert otr.indicators == ("Klotter", "Skadegörelse")
    assert (otr.goal, otr.valid_from, otr.valid_to) == ("Färre skadegörelsehändelser", dt.date(2025, 1, 1),
                                                        dt.date(2026, 12, 31))
    assert dict(rekr.status_counts)["Planerad"] == 1 and rekr.indicators == ()
    assert dict(vnr.status_counts)["Pågående"] == 1 and vnr.overdue == 1


def test_priority_area_overview_in_one_district(con: duckdb.DuckDBPyConnection) -> None:
    areas = {a.name: a for a in pa.priority_area_overview(con, _filters(districts=("Norrby",)), TODAY)}
    assert dict(areas[OTR].status_counts) == {"Planerad": 0, "Pågående": 1, "Avslutad": 1, "Inställd": 0}
    assert areas[REKR].total == 1  # INS-4 has no district, so it belongs to Norrby too
    assert areas[VNR].total == 0 and areas[VNR].overdue == 0
    # Valid on 2026-04-20 but not on 2027-01-01.
    later = pa.priority_area_overview(con, _filters(end=dt.date(2027, 1, 1)), TODAY)
    assert {a.name for a in later if a.current} == {REKR}


def test_indicator_trend_against_the_same_days_a_year_earlier(con: duckdb.DuckDBPyConnection) -> None:
    trend = pa.indicator_trend(con, _filters(), OTR)
    assert list(trend.columns) == ["month", "days", "count", "baseline"]
    assert trend["month"].tolist() == [dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert trend["days"].tolist() == [19, 31, 20]
    # February from the 10th: W08–W09 (20 + 30) and the Klotter of Sunday 15th. March: W10–W13 (8 + 40).
    # April to the 20th: W14–W15 (10 + 30) and the Klotter of Monday 13th. Hot/våld and Rån never count.
    assert trend["count"].tolist() == [51, 48, 41]
    # 2025-02-10 – 2025-04-20: 3 on Feb 20th, 2 on Mar 15th; Feb 5th and Apr 25th lie outside.
    assert trend["baseline"].tolist() == [3, 2, 0]


def test_indicator_trend_in_one_district(con: duckdb.DuckDBPyConnection) -> None:
    trend = pa.indicator_trend(con, _filters(districts=("Norrby",)), OTR)
    assert trend["count"].tolist() == [21, 8, 11]
    assert trend["baseline"].tolist() == [3, 0, 0]


def test_indicator_trend_longer_than_a_year_and_before_the_data(con: duckdb.DuckDBPyConnection) -> None:
    trend = pa.indicator_trend(con, _filters(start=dt.date(2025, 2, 1), end=dt.date(2026, 3, 31)), OTR)
    assert len(trend) == 14
    by_month = trend.set_index("month")
    # A year before February 2025 there is no data: missing, not zero.
    assert math.isnan(by_month.loc[dt.date(2025, 2, 1), "baseline"])
    assert by_month.loc[dt.date(2025, 2, 1), "count"] == 4
    # The windows overlap: February 2025 is both a month of the period and the baseline of February 2026.
    assert by_month.loc[dt.date(2026, 2, 1), "baseline"] == 4
    assert by_month.loc[dt.date(2026, 2, 1), "count"] == 51
    assert by_month.loc[dt.date(2026, 3, 1), "baseline"] == 2


def test_indicator_trend_of_an_area_without_indicators_is_empty(con: duckdb.DuckDBPyConnection) -> None:
    assert pa.indicator_trend(con, _filters(), REKR).empty
    assert pa.indicator_trend(con, _filters(), "Finns inte").empty


def test_all_areas_at_once_give_each_area_its_own_trend(con: duckdb.DuckDBPyConnection) -> None:
    names = (OTR, VNR, REKR, "Finns inte")
    together = pa.indicator_trends(con, _filters(districts=("Norrby",)), names)
    assert set(together) == set(names)
    # OTR's hand-counted Norrby figures (above) are not mixed with VNR's categories in one scan.
    assert together[OTR]["count"].tolist() == [21, 8, 11]
    assert together[REKR].empty and together["Finns inte"].empty
    for name in names:
        assert together[name].equals(pa.indicator_trend(con, _filters(districts=("Norrby",)), name))


def test_linked_indicators() -> None:
    known = [TRYGG, "Oroar sig för brott i området", DAMAGE, "Har förtroende för polisen i området"]
    assert pa.linked_indicators(OTR, known) == [TRYGG, DAMAGE]
    assert pa.linked_indicators("Organiserad brottslighet och narkotika", known) == ["Oroar sig för brott i området"]
    assert pa.linked_indicators(VNR, known) == []
    assert pa.linked_indicators("Trafiksäkerhet", known) == []


def test_related_survey_weights_by_respondents(con: duckdb.DuckDBPyConnection) -> None:
    frame = pa.related_survey(con, OTR, ())
    assert list(frame.columns) == ["year", "indicator", "value", "respondents", "districts"]
    rows = {(r.indicator, r.year): r for r in frame.itertuples()}
    # 2024: (60·100 + 80·300) / 400. 2025: Hamnen has no respondent count, so the plain mean.
    assert rows[(TRYGG, "2024")].value == pytest.approx(75.0)
    assert rows[(TRYGG, "2025")].value == pytest.approx(80.0)
    # Two quarters of 2025 in Centrum: (20·50 + 30·150) / 200.
    assert rows[(DAMAGE, "2025")].value == pytest.approx(27.5)
    assert rows[(DAMAGE, "2025")].respondents == 200
    assert len(frame) == 3

    norrby = pa.related_survey(con, OTR, ("Norrby",))
    assert norrby["value"].tolist() == [60.0, 70.0]
    assert pa.related_survey(con, VNR, ()).empty


def test_status_words() -> None:
    assert iv.status_word("Avslutad", 1) == "avslutad"
    assert iv.status_word("Avslutad", 3) == "avslutade"
    assert iv.status_word("Inställd", 2) == "inställda"
    assert iv.status_word("Pågående", 2) == "pågående"
    assert iv.status_word("Vilande", 2) == "vilande"
