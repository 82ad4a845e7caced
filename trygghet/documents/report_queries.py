"""The lägesbild report's own SQL: events per district, category and month against the year before,
the places and times they cluster in, who reported them, and the survey results up to the period's
end. Every query reads dates inside the period or its comparison year only; nothing after the
period's last day counts."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from trygghet.analysis.data_start import comparable
from trygghet.analysis.survey import sorted_periods
from trygghet.core.periods import MONTHS_SHORT_SV, WEEKDAYS_SV, Window
from trygghet.store import reporter_list
from trygghet.store.schema import table_names
from trygghet.store.sql import in_list

TIME_BANDS = ("00–06", "06–12", "12–18", "18–24")
TOP_PLACES = 10


def district_sql(districts: tuple[str, ...], column: str = "district") -> tuple[str, list[object]]:
    if not districts:
        return "TRUE", []
    return f"{column} IN {in_list(districts)}", list(districts)


# Why the report flags no change of a whole period: the week-to-week variation says little about how
# much a four-month or yearly total varies, and the only variation at hand (the last 52 weeks)
# includes the tested period itself, which would let a change hide in its own noise or pass as one.
NO_FLAG_TEXT = ("Ingen förändring markeras som statistiskt säker i rapporten: hur mycket en hel periods antal "
                "brukar variera kan ännu inte skattas ur data före perioden, och veckornas variation under "
                "perioden själv får inte avgöra om perioden avviker.")


def compare(con: duckdb.DuckDBPyConnection, by: str, window: Window, previous: Window,
            districts: tuple[str, ...], first: dt.date | None = None) -> pd.DataFrame:
    """Events per district or category in the window and in the comparison window: name, count,
    previous (None when the comparison window starts before `first`, the data's first day), flag
    ('upp'/'ned' where the change is statistically sure, else ''; see NO_FLAG_TEXT)."""
    if by not in ("district", "category"):
        raise ValueError(by)
    order = "districts" if by == "district" else "categories"
    where, params = district_sql(districts, "e.district")
    frame = con.execute(
        f"""
        SELECT e.{by} AS name,
               coalesce(sum(n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS count,
               coalesce(sum(n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS previous
        FROM event_counts e LEFT JOIN {order} o ON o.name = e.{by}
        WHERE ((e.day >= ? AND e.day < ?) OR (e.day >= ? AND e.day < ?)) AND {where}
        GROUP BY e.{by}, o.sort_order
        ORDER BY count DESC, o.sort_order NULLS LAST, e.{by}
        """,
        [window.start, window.end, previous.start, previous.end, window.start, window.end, previous.start,
         previous.end, *params],
    ).df()
    if districts and by == "district":
        missing = [d for d in districts if d not in set(frame["name"])]
        if missing:
            frame = pd.concat([frame, pd.DataFrame({"name": missing, "count": 0, "previous": 0})], ignore_index=True)
    if not comparable(previous, first):
        frame["previous"] = pd.Series([None] * len(frame), dtype=object)
    frame["flag"] = [""] * len(frame)
    return frame


def monthly(con: duckdb.DuckDBPyConnection, window: Window, previous: Window, districts: tuple[str, ...],
            first: dt.date | None = None) -> pd.DataFrame:
    """Events per calendar month of the window and the same month a year earlier: label, count,
    previous (None for a month whose twin starts before `first`, the data's first day)."""
    where, params = district_sql(districts)
    rows = con.execute(
        f"""SELECT date_trunc('month', day)::DATE AS month, coalesce(sum(n), 0)::BIGINT FROM event_counts
            WHERE ((day >= ? AND day < ?) OR (day >= ? AND day < ?)) AND {where}
            GROUP BY 1""",
        [window.start, window.end, previous.start, previous.end, *params],
    ).fetchall()
    counts = {m: int(n) for m, n in rows}
    records, month = [], window.start.replace(day=1)
    while month < window.end:
        before = month.replace(year=month.year - 1)
        twin = Window(max(before, previous.start), min((before + dt.timedelta(days=32)).replace(day=1),
                                                       previous.end))
        records.append((f"{MONTHS_SHORT_SV[month.month - 1]} {month.year}", counts.get(month, 0),
                        counts.get(before, 0) if comparable(twin, first) else None))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return pd.DataFrame.from_records(records, columns=["label", "count", "previous"])


def top_places(con: duckdb.DuckDBPyConnection, window: Window, previous: Window, districts: tuple[str, ...],
               limit: int = TOP_PLACES, first: dt.date | None = None) -> pd.DataFrame:
    """The places with most events in the window, with their count a year earlier (None when that
    starts before `first`, the data's first day) and their most common category: place, district,
    count, previous, category."""
    frame = _top_places(con, window, previous, districts, limit)
    if not comparable(previous, first):
        frame["previous"] = pd.Series([None] * len(frame), dtype=object)
    return frame


def _top_places(con: duckdb.DuckDBPyConnection, window: Window, previous: Window, districts: tuple[str, ...],
                limit: int) -> pd.DataFrame:
    where, params = district_sql(districts)
    # The most common category by a rule of its own (most events, then the name): mode() picks any of
    # a tie, and the same period must give the same document every time.
    return con.execute(
        f"""
        WITH cells AS (
            SELECT place, district, category,
                   count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS n,
                   count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?) AS n_before
            FROM events
            WHERE place IS NOT NULL AND trim(place) <> ''
              AND ((occurred_at >= ? AND occurred_at < ?) OR (occurred_at >= ? AND occurred_at < ?)) AND {where}
            GROUP BY ALL
        )
        SELECT place, district, sum(n)::BIGINT AS count, sum(n_before)::BIGINT AS previous,
               arg_max(category, (n, -rank_of_name)) AS category
        FROM (SELECT *, dense_rank() OVER (ORDER BY category) AS rank_of_name FROM cells)
        GROUP BY place, district
        HAVING sum(n) > 0
        ORDER BY count DESC, place, district
        LIMIT ?
        """,
        [window.start, window.end, previous.start, previous.end,
         window.start, window.end, previous.start, previous.end, *params, limit],
    ).df()


def week_times(con: duckdb.DuckDBPyConnection, window: Window, districts: tuple[str, ...]) -> tuple[pd.DataFrame, int]:
    """Events with a known time by weekday and time of day (four six-hour bands), and how many events
    had no time: (frame with weekday and one column per band, unknown)."""
    where, params = district_sql(districts)
    rows = con.execute(
        f"""SELECT isodow(occurred_at) AS dow, hour(occurred_at) // 6 AS band, count(*) FROM events
            WHERE occurred_at >= ? AND occurred_at < ? AND time_known AND {where} GROUP BY ALL""",
        [window.start, window.end, *params],
    ).fetchall()
    unknown = con.execute(
        f"SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? AND NOT time_known AND {where}",
        [window.start, window.end, *params],
    ).fetchone()[0]
    cells = {(int(d), int(b)): int(n) for d, b, n in rows}
    frame = pd.DataFrame(
        [[WEEKDAYS_SV[d - 1].capitalize(), *(cells.get((d, b), 0) for b in range(4))] for d in range(1, 8)],
        columns=["weekday", *TIME_BANDS],
    )
    return frame, int(unknown)


def _counted_mondays(window: Window) -> list[dt.date]:
    """The Mondays of the weeks that belong to the window: those whose Thursday lies in it (as ISO
    weeks belong to a year), so that a source reporting every week has every week, also when the
    period starts or ends mid-week. A window shorter than that counts every week it touches."""
    first_monday = window.start - dt.timedelta(days=window.start.weekday())
    touched = [first_monday + dt.timedelta(weeks=i)
               for i in range(((window.end - dt.timedelta(days=1)) - first_monday).days // 7 + 1)]
    counted = [m for m in touched if window.start <= m + dt.timedelta(days=3) < window.end]
    return counted or touched


def calendar_weeks(window: Window) -> int:
    """The weeks of the window (see _counted_mondays): the most weeks a source can have reported in."""
    return len(_counted_mondays(window))


def _reported_weeks(con: duckdb.DuckDBPyConnection, window: Window, where: str, params: list[object]
                    ) -> dict[str, set[dt.date]]:
    """Per source, the Mondays of the window's weeks (_counted_mondays) with an event or an 'Inget att
    rapportera'."""
    counted = set(_counted_mondays(window))
    # Whole weeks: a weekly report on the Monday before a period that starts on a Thursday is that week's.
    start, end = min(counted), max(counted) + dt.timedelta(weeks=1)
    weeks: dict[str, set[dt.date]] = {}
    for source, monday in con.execute(
            f"""SELECT DISTINCT source, date_trunc('week', day)::DATE FROM event_counts
                WHERE day >= ? AND day < ? AND n > 0 AND {where}""", [start, end, *params]).fetchall():
        if monday in counted:
            weeks.setdefault(reporter_list.key(str(source)), set()).add(monday)
    if "nothing_reports" in table_names(con):
        for reporter, monday in con.execute(
                "SELECT DISTINCT reporter, date_trunc('week', day)::DATE FROM nothing_reports WHERE day >= ? AND day < ?",
                [start, end]).fetchall():
            if monday in counted:
                weeks.setdefault(reporter_list.key(str(reporter)), set()).add(monday)
    return weeks


def sources(con: duckdb.DuckDBPyConnection, window: Window, districts: tuple[str, ...],
            previous: Window | None = None) -> pd.DataFrame:
    """Who reported in the window and who was expected to: source, events, districts reported on,
    weeks with at least one report (or an 'Inget att rapportera'), first and last day, weeks_before
    (the same in `previous`) and expected (on the list of reporters). An expected reporter that was
    silent is a row of its own with no events: silence must not read as calm."""
    where, params = district_sql(districts)
    frame = con.execute(
        f"""
        SELECT source, sum(n)::BIGINT AS events, count(DISTINCT district) AS districts,
               min(day) AS first_day, max(day) AS last_day
        FROM event_counts WHERE day >= ? AND day < ? AND {where}
        GROUP BY source ORDER BY events DESC, source
        """,
        [window.start, window.end, *params],
    ).df()
    expected = reporter_list.active(con)
    keys = {reporter_list.key(str(s)) for s in frame["source"]}
    silent = [name for name, _ in expected if reporter_list.key(name) not in keys]
    if silent:
        frame = pd.concat([frame, pd.DataFrame({"source": silent, "events": 0, "districts": 0,
                                                "first_day": None, "last_day": None})], ignore_index=True)
    now = _reported_weeks(con, window, where, params)
    before = _reported_weeks(con, previous, where, params) if previous is not None else {}
    frame["weeks"] = [len(now.get(reporter_list.key(str(s)), ())) for s in frame["source"]]
    frame["weeks_before"] = [len(before.get(reporter_list.key(str(s)), ())) if previous is not None else None
                             for s in frame["source"]]
    expected_keys = {reporter_list.key(name) for name, _ in expected}
    frame["expected"] = [reporter_list.key(str(s)) in expected_keys for s in frame["source"]]
    return frame[["source", "events", "districts", "weeks", "first_day", "last_day", "weeks_before", "expected"]]


def survey_period_end(period: str) -> dt.date | None:
    """The last day a survey period ('2025', '2025-Q3', '2025-T2') covers; None when unreadable."""
    text = period.strip().upper()
    try:
        year = int(text[:4])
    except ValueError:
        return None
    if len(text) == 4:
        return dt.date(year, 12, 31)
    if len(text) == 7 and text[4] == "-" and text[5] in "QT" and text[6].isdigit():
        months = 3 if text[5] == "Q" else 4
        month = months * int(text[6])
        if not 1 <= month <= 12:
            return None
        return (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
    return None


def survey(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...], until: dt.date, count: int = 2
           ) -> pd.DataFrame:
    """The survey rows (indicator, district, period, value, respondents) of the `count` latest survey
    periods that ended by `until`."""
    where, params = district_sql(districts)
    frame = con.execute(
        f"""SELECT indicator, district, period, value, respondents FROM survey_results WHERE {where}
            ORDER BY indicator, district, period""", params,
    ).df()
    if frame.empty:
        return frame
    ended = [p for p in set(frame["period"]) if (survey_period_end(p) or dt.date.max) <= until]
    periods = sorted_periods(ended)[-count:]
    return frame[frame["period"].isin(periods)].reset_index(drop=True)


def upload_cutoff(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest upload's number: a saved report records which uploads it was made from."""
    if "uploads" not in table_names(con):
        return None
    value = con.execute("SELECT max(id) FROM uploads").fetchone()[0]
    return int(value) if value is not None else None


def survey_means(con: duckdb.DuckDBPyConnection, indicator: str, districts: tuple[str, ...], until: dt.date
                 ) -> dict[str, float]:
    """One indicator's mean over the districts per survey period that ended by `until` (weighted by
    respondents where every row has them)."""
    where, params = district_sql(districts)
    rows = con.execute(
        f"""SELECT period, CASE WHEN count(respondents) = count(*) AND sum(respondents) > 0
                                THEN sum(value * respondents) / sum(respondents) ELSE avg(value) END
            FROM survey_results WHERE indicator = ? AND {where} GROUP BY period""",
        [indicator, *params],
    ).fetchall()
    return {p: float(v) for p, v in rows if (survey_period_end(p) or dt.date.max) <= until}


def survey_indicators(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT indicator FROM survey_results ORDER BY 1").fetchall()]
