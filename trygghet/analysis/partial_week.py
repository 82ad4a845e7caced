"""A week that has not ended, or whose data stops before its Sunday, compared like with like.

Two days of a week against four whole weeks read as a fall of three quarters, and the exact test
calls that fall sure. So a partial week is compared on the same weekdays: Monday up to its last
day with data against the same weekdays of the four weeks before (and of the week before, and of
the same week last year); the 28 days end on that last day, and the year to date too. And no change
on a partial week is called sure, whatever the test says: the days still missing are often the
busy ones (Friday and Saturday nights), and a partner who reports on Thursdays has not reported yet.

Översikt, the meeting's agenda, its focus places and the minutes all ask `week_span` first and
take their figures from here when the week is partial. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from trygghet.analysis import queries
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.formatting import fmt_count, fmt_date
from trygghet.core.periods import WEEKDAYS_SHORT_SV, WEEKDAYS_SV, IsoWeek, Window, year_to_date
from trygghet.store.sql import in_list

DAYS = 7


@dataclass(frozen=True)
class WeekSpan:
    """How much of `week` there is to compare: its days from Monday up to `last_day`."""

    week: IsoWeek
    last_day: dt.date | None  # the week's last day with data; None: no day of it has data yet
    ended: bool  # the week's Sunday is before today

    @property
    def days(self) -> int:
        """The week's days with data, Monday first (0–7)."""
        if self.last_day is None or self.last_day < self.week.monday():
            return 0
        return min((self.last_day - self.week.monday()).days + 1, DAYS)

    @property
    def partial(self) -> bool:
        return not self.ended or self.days < DAYS

    def window(self, week: IsoWeek | None = None) -> Window:
        """The same weekdays (Monday and the `days` after it) of `week`, by default this one."""
        monday = (week or self.week).monday()
        return Window(monday, monday + dt.timedelta(days=self.days))

    def weeks_before(self, n: int = 4) -> list[Window]:
        return [self.window(self.week.shift(-k)) for k in range(1, n + 1)]

    @property
    def end(self) -> dt.date:
        """The first day not counted: the day after the last day with data (Monday with none)."""
        return self.week.monday() + dt.timedelta(days=self.days)

    @property
    def weekdays(self) -> str:
        """'måndag–onsdag', 'måndag', or '' with no day."""
        if self.days == 0:
            return ""
        if self.days == 1:
            return WEEKDAYS_SV[0]
        return f"{WEEKDAYS_SV[0]}–{WEEKDAYS_SV[self.days - 1]}"

    @property
    def short_weekdays(self) -> str:
        """'mån–ons' for a label under a bar; '' for a whole week."""
        if not self.partial or self.days == 0:
            return ""
        return WEEKDAYS_SHORT_SV[0] if self.days == 1 else f"{WEEKDAYS_SHORT_SV[0]}–{WEEKDAYS_SHORT_SV[self.days - 1]}"

    @property
    def note(self) -> str:
        """The sentence that says so, in Swedish; '' for a whole week."""
        if not self.partial:
            return ""
        label = self.week.label
        if self.days == 0:
            return (f"{label} har inga data ännu. Inga jämförelser görs och ingen förändring bedöms som säker "
                    "förrän veckan har data.")
        why = "har inte slutat" if not self.ended else "är inte hel i data"
        last = self.last_day or self.week.monday()
        return (f"{label} {why}: data till och med {WEEKDAYS_SV[last.weekday()]} {fmt_date(last)} "
                f"({fmt_count(self.days, 'dag', 'dagar')}). Veckan jämförs {self.weekdays} mot samma veckodagar "
                "veckorna före, och ingen förändring bedöms som säker förrän veckan är hel.")


def span_of(week: IsoWeek, today: dt.date, data_until: dt.date | None) -> WeekSpan:
    """The span of `week` as of `today`, when the data ends on `data_until` (None: no data)."""
    ended = week.sunday() < today
    last = None
    if data_until is not None and data_until >= week.monday():
        # A future-dated event does not make a running week whole.
        last = min(data_until, week.sunday(), today if not ended else week.sunday())
    return WeekSpan(week, last, ended)


def data_until(con: duckdb.DuckDBPyConnection, sources: Sequence[str] = ()) -> dt.date | None:
    """The last day with data, of the chosen sources when any are chosen."""
    if sources:
        sql = f"SELECT max(day)::DATE FROM event_counts WHERE n > 0 AND source IN {in_list(sources)}"
        return con.execute(sql, list(sources)).fetchone()[0]
    return con.execute("SELECT max(day)::DATE FROM event_counts WHERE n > 0").fetchone()[0]


def week_span(con: duckdb.DuckDBPyConnection, week: IsoWeek, today: dt.date,
              sources: Sequence[str] = ()) -> WeekSpan:
    return span_of(week, today, data_until(con, sources))


# ---------------------------------------------------------------- the same weekdays


def _ranges(windows: Sequence[Window]) -> tuple[str, list[object]]:
    if not windows:
        return "FALSE", []
    return " OR ".join("(day >= ? AND day < ?)" for _ in windows), [d for w in windows for d in (w.start, w.end)]


def _sums(con: duckdb.DuckDBPyConnection, filters: Filters, windows: Mapping[str, Sequence[Window]],
          by: str | None) -> pd.DataFrame:
    """Per `by` (or in all), the events in each named set of windows: one aggregate."""
    conditions, params = event_conditions(filters)
    selects, select_params = [], []
    for name, parts in windows.items():
        clause, values = _ranges(parts)
        selects.append(f"coalesce(sum(n) FILTER (WHERE {clause}), 0)::BIGINT AS {name}")
        select_params.extend(values)
    every = [w for parts in windows.values() for w in parts]
    low, high = min(w.start for w in every), max(w.end for w in every)
    if by is None:
        return con.execute(
            f"SELECT {', '.join(selects)} FROM event_counts WHERE day >= ? AND day < ? AND {conditions}",
            [*select_params, low, high, *params]).df()
    order_table = "categories" if by == "category" else "districts"
    return con.execute(
        f"""
        WITH c AS (
            SELECT {by} AS name, {', '.join(selects)}
            FROM event_counts WHERE day >= ? AND day < ? AND {conditions}
            GROUP BY {by}
        )
        SELECT c.* FROM c LEFT JOIN {order_table} o ON o.name = c.name
        ORDER BY o.sort_order NULLS LAST, c.name
        """,
        [*select_params, low, high, *params]).df()


def key_figures(con: duckdb.DuckDBPyConnection, filters: Filters, span: WeekSpan) -> dict[str, float]:
    """queries.key_figures for the week, on the same weekdays when it is partial."""
    if not span.partial:
        return queries.key_figures(con, filters)
    week = span.week
    windows = {
        "week": [span.window()],
        "previous_week": [span.window(week.shift(-1))],
        "previous_4": span.weeks_before(4),
        "last_year": [span.window(week.same_week_last_year())],
    }
    row = _sums(con, filters, windows, None).iloc[0]
    result: dict[str, float] = {name: int(row[name]) for name in windows}
    result["previous_4_mean"] = result["previous_4"] / 4
    return result


def compstat_counts(con: duckdb.DuckDBPyConnection, filters: Filters, span: WeekSpan,
                    by: str = "category") -> pd.DataFrame:
    """queries.compstat_counts for the week; on a partial week the same weekdays of the four weeks
    before, and the 28 days and the year to date up to its last day with data, each against the
    same dates a year earlier."""
    if not span.partial:
        return queries.compstat_counts(con, filters, by)
    if by not in {"category", "district"}:
        raise ValueError(by)
    end = span.end
    days28 = Window(end - dt.timedelta(days=28), end)
    ytd = Window(year_to_date(span.week).start, max(end, year_to_date(span.week).start + dt.timedelta(days=1)))
    windows = {
        "week": [span.window()],
        "previous_4": span.weeks_before(4),
        "days28": [days28],
        "days28_last_year": [days28.last_year()],
        "ytd": [ytd],
        "ytd_last_year": [ytd.last_year()],
    }
    counts = _sums(con, filters, windows, by)
    counts["ytd_weeks"] = ytd.days / 7
    return counts


def unflagged(table: pd.DataFrame, flags: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A CompStat table (compstat.compstat_table) with no change called sure: no arrows, no colour."""
    if table.empty:
        return table, flags
    table = table.copy()
    for column in table.columns:
        if flags[column].astype(bool).any():
            table[column] = [str(v).removeprefix("▲ ").removeprefix("▼ ") for v in table[column]]
    return table, flags.map(lambda _: "")


def areas_window(window: Window, span: WeekSpan) -> Window:
    """The priority areas' year to date, ending on the partial week's last day with data."""
    if not span.partial:
        return window
    return Window(window.start, max(min(window.end, span.end), window.start + dt.timedelta(days=1)))
