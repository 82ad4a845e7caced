"""When the data begins, and which comparisons it therefore cannot make.

A municipality that starts this year, or a source that started reporting last month, has no events
before its first day. A comparison period that starts before that day would read the missing
history as zero and flag every figure as a sure increase. Such a comparison is shown as
"ingen jämförelse – data från och med <dag>" instead: never as 0, never flagged.

The first day is known per source and for the whole database; with sources chosen in the sidebar
it is the first day of any of them. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import compstat, queries, trends
from trygghet.core.formatting import MISSING
from trygghet.core.periods import IsoWeek, Window, previous_weeks, week_window


@dataclass(frozen=True)
class DataStart:
    overall: dt.date | None  # None: no events at all
    by_source: Mapping[str, dt.date] = field(default_factory=dict)

    def first_day(self, sources: Sequence[str] = ()) -> dt.date | None:
        """The first day with data of the chosen sources (of any source when none is chosen)."""
        if not sources:
            return self.overall
        days = [self.by_source[s] for s in sources if s in self.by_source]
        return min(days) if days else None


def data_start(con: duckdb.DuckDBPyConnection) -> DataStart:
    rows = con.execute("SELECT source, min(day)::DATE FROM event_counts WHERE n > 0 GROUP BY source").fetchall()
    by_source = {source: day for source, day in rows}
    return DataStart(min(by_source.values(), default=None), by_source)


def first_day(con: duckdb.DuckDBPyConnection, sources: Sequence[str] = ()) -> dt.date | None:
    """The first day with data of the chosen sources; one cached read for a page."""
    return data_start(con).first_day(tuple(sources))


def no_comparison_text(first: dt.date) -> str:
    return f"ingen jämförelse – data från och med {first.isoformat()}"


def comparable(window: Window, first: dt.date | None) -> bool:
    """False when the window starts before the data does. Without any data there is nothing to
    hide: every count is a true zero."""
    return first is None or window.start >= first


def gaps(windows: Mapping[str, Window], first: dt.date | None) -> dict[str, str]:
    """The windows (by name) that start before the data, each with the text shown in its place."""
    return {name: no_comparison_text(first) for name, window in windows.items()
            if first is not None and not comparable(window, first)}


def key_figure_gaps(week: IsoWeek, first: dt.date | None) -> dict[str, str]:
    """Which of Översikt's and the meeting's key figures (queries.key_figures) the data cannot give."""
    return gaps({
        "previous_week": week_window(week.shift(-1)),
        "previous_4": previous_weeks(week, 4),
        "last_year": week_window(week.same_week_last_year()),
    }, first)


KEY_FIGURE_LABELS = {"previous_week": "Föregående vecka", "previous_4": "Snitt 4 veckor före",
                     "last_year": "Samma vecka i fjol"}


def key_figure_note(missing: Mapping[str, str]) -> str:
    """'Snitt 4 veckor före, Samma vecka i fjol: ingen jämförelse – data från och med 2026-10-06.'"""
    names = [label for key, label in KEY_FIGURE_LABELS.items() if key in missing]
    return f"{', '.join(names)}: {next(iter(missing.values()))}." if names else ""


def compstat_gaps(week: IsoWeek, first: dt.date | None) -> dict[str, str]:
    """Which base columns of the CompStat table (queries.compstat_windows) start before the data."""
    windows = queries.compstat_windows(week)
    bases = {comparison[4] for comparison in compstat.COMPARISONS}
    return gaps({name: w for name, w in windows.items() if name in bases}, first)


def blank_compstat(table: pd.DataFrame, flags: pd.DataFrame,
                   missing: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compstat.compstat_table's table and flags with each comparison whose base starts before the
    data (compstat_gaps) shown as 'ingen jämförelse …', its change as '–' and never flagged."""
    if table.empty or not missing:
        return table, flags
    table, flags = table.copy(), flags.copy()
    for comparison in compstat.COMPARISONS:
        base_label, change_label, base_column = comparison[1], comparison[2], comparison[4]
        if base_column in missing and base_label in table.columns:
            table[base_label] = missing[base_column]
            table[change_label] = MISSING
            flags[change_label] = ""
    return table, flags


def blank_last_year(weekly: pd.DataFrame, first: dt.date | None) -> pd.DataFrame:
    """trends.weekly_frame with 'samma vecka i fjol' missing (NaN, a gap in the line) for every week
    whose twin a year earlier starts before the data: no line that drops to zero."""
    if weekly.empty or first is None:
        return weekly
    weeks = pd.DatetimeIndex(weekly["week"])
    # Each week once, not once per series: a district click by category has a dozen series.
    distinct = weeks.unique()
    early = distinct[np.array([trends.twin_monday(w.date()) < first for w in distinct], dtype=bool)]
    before = np.asarray(weeks.isin(early))
    return weekly.assign(last_year=weekly["last_year"].where(~before, np.nan))

