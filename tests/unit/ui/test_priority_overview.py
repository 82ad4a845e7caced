"""The Prioriterade områden page's overview table on the demo database: every figure in it against
SQL written here on the events, interventions and survey tables, rounded as the page rounds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from trygghet.analysis import data_start
from trygghet.analysis import priority_areas as pa
from trygghet.core.filters import Filters
from trygghet.core.formatting import MINUS, NBSP
from trygghet.core.periods import IsoWeek, month_label
from trygghet.demo.build import build_demo
from trygghet.ui import priority_views as pv

DATA_END = dt.date(2026, 6, 30)
AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path: Path = tmp_path_factory.mktemp("priority_overview") / "demo.duckdb"
    build_demo(path, events=30_000, end=DATA_END)
    return duckdb.connect(str(path), read_only=True)


def _sv_int(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def _sv_signed(value: float, decimals: int) -> str:
    text = f"{abs(value):.{decimals}f}".replace(".", ",")
    if float(text.replace(",", ".")) == 0:
        return f"±{text}"
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


def _events(con: duckdb.DuckDBPyConnection, area: str, start: dt.date, end: dt.date,
            districts: tuple[str, ...]) -> int:
    """Events of the area's indicator categories on days start ≤ day < end, straight from events."""
    return con.execute(
        """SELECT count(*) FROM events e JOIN priority_areas p ON list_contains(p.indicator_categories, e.category)
           WHERE p.name = ? AND e.occurred_at::DATE >= ? AND e.occurred_at::DATE < ?
             AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], e.district))""",
        [area, start, end, list(districts), list(districts)],
    ).fetchone()[0]


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else dt.date(day.year - 1, 2, 28)


@pytest.mark.parametrize("districts", [(), ("Norrby", "Hamnen")])
def test_overview_figures_match_sql(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...]) -> None:
    first = data_start.first_day(con)
    assert first is not None
    # Starting mid-month shortly after the data begins: the first months have no year before.
    start, end = first + dt.timedelta(days=45), dt.date(2026, 5, 20)
    filters = Filters(week=IsoWeek.of(end), start=start, end=end, districts=districts)
    areas = [a for a in pa.priority_area_overview(con, filters, AS_OF) if a.current]
    names = tuple(a.name for a in areas)
    trends = pa.indicator_trends(con, filters, names, (first, DATA_END))
    surveys = pa.related_surveys(con, names, districts)
    totals = {name: pa.trend_totals(trend) for name, trend in trends.items()}
    frame = pv.overview_frame(areas, totals, surveys)
    assert list(frame["Område"]) == list(names) and len(names) >= 3

    # The first compared month: the first whose days a year earlier lie wholly inside the data.
    month = start.replace(day=1)
    while _year_before(max(month, start)) < first:
        month = (month + dt.timedelta(days=32)).replace(day=1)
    compared_from = max(month, start)
    end_excl = end + dt.timedelta(days=1)
    # The months compared are named once, under the table: the same for every area.
    last_month = end.replace(day=1)
    assert (f"samma dagar ett år tidigare under {month_label(month)}–{month_label(last_month)}."
            in pv.overview_note(totals, filters, first))
    for row, area in zip(frame.to_dict("records"), areas, strict=True):
        goal = con.execute("SELECT goal FROM priority_areas WHERE name = ?", [area.name]).fetchone()[0]
        assert row["Mål"].removesuffix(" …") in goal and len(row["Mål"]) <= pv.GOAL_CHARS + 2

        total = _events(con, area.name, start, end_excl, districts)
        assert row["Händelser"] == _sv_int(total)
        now = _events(con, area.name, compared_from, end_excl, districts)
        before = _events(con, area.name, _year_before(compared_from), _year_before(end_excl), districts)
        assert before > 0
        assert row["Mot året före"] == f"{_sv_signed((now - before) / before * 100, 0)}{NBSP}%", row

        open_n, late = con.execute(
            """SELECT count(*) FILTER (WHERE status IN ('Planerad', 'Pågående')),
                      count(*) FILTER (WHERE status IN ('Planerad', 'Pågående') AND end_date < ?)
               FROM interventions WHERE priority_area = ?
                 AND (district IS NULL OR len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], district))""",
            [AS_OF, area.name, list(districts), list(districts)],
        ).fetchone()
        assert (row["Öppna insatser"], row["Försenade"]) == (_sv_int(open_n), _sv_int(late))

        linked = pa.linked_indicators(area.name, [r[0] for r in con.execute(
            "SELECT DISTINCT indicator FROM survey_results ORDER BY indicator").fetchall()])
        if not linked:
            assert row["Trygghetsmätningen"] == "–"
            continue
        for indicator in linked:
            years = con.execute(
                """SELECT left(period, 4) AS year, sum(value * respondents) / sum(respondents)
                   FROM survey_results WHERE indicator = ?
                     AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], district))
                   GROUP BY year ORDER BY year DESC LIMIT 2""",
                [indicator, list(districts), list(districts)],
            ).fetchall()
            (year, value), (prev_year, prev_value) = years
            assert prev_year == str(int(year) - 1)  # the note says 'mot året innan'
            expected = (f"{indicator} {year}: {value:.1f}".replace(".", ",")
                        + f"{NBSP}% ({_sv_signed(value - prev_value, 1)})")
            assert expected in row["Trygghetsmätningen"], row["Trygghetsmätningen"]


def test_overview_says_when_there_is_no_year_before(con: duckdb.DuckDBPyConnection) -> None:
    first = data_start.first_day(con)
    assert first is not None
    end = first + dt.timedelta(days=200)
    filters = Filters(week=IsoWeek.of(end), start=first, end=end)
    areas = [a for a in pa.priority_area_overview(con, filters, AS_OF) if a.current]
    names = tuple(a.name for a in areas)
    trends = pa.indicator_trends(con, filters, names, (first, DATA_END))
    totals = {name: pa.trend_totals(trend) for name, trend in trends.items()}
    frame = pv.overview_frame(areas, totals, pa.related_surveys(con, names))
    assert set(frame["Mot året före"]) == {"–"}
    assert f"Mot året före: {data_start.no_comparison_text(first)}." in pv.overview_note(totals, filters, first)
    assert frame["Händelser"].iloc[0] == _sv_int(_events(con, areas[0].name, first, end + dt.timedelta(days=1), ()))


def test_short_goal_cuts_at_a_word() -> None:
    assert pv.short_goal("Kort mål.") == "Kort mål."
    assert pv.short_goal(None) == "–"
    assert pv.short_goal("ett två tre fyra", limit=10) == "ett två …"
    assert pv.short_goal("ett två, tre", limit=9) == "ett två …"


def test_trend_totals_by_hand() -> None:
    nan = float("nan")
    months = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    trend = pd.DataFrame({"month": months, "days": [31, 28, 31, 30], "count": [5.0, 7.0, 9.0, nan],
                          "baseline": [nan, 4.0, 6.0, 3.0]})
    totals = pa.trend_totals(trend)
    assert totals == pa.TrendTotals(total=21, now=16, before=10, compared=(months[1], months[2]), whole=False)
    assert totals.change_pct == pytest.approx(60.0)
    assert pa.trend_totals(trend.iloc[:0]) is None
    no_year_before = pa.trend_totals(trend.assign(baseline=nan))
    assert no_year_before.compared is None and no_year_before.change_pct is None and no_year_before.total == 21
