"""Who has reported: the expected reporters × weeks, so that silence is not read as calm.

A reporter's week is *reported* when events with the reporter as Källa fall in it, *nothing* when the
reporter said "Inget att rapportera" for it, and *missing* otherwise. Källa and the reporter's name
are matched as districts are (store.reporter_list.key).

A reporter who reports per month (intervall månad) is due once a month, in the week that holds the
month's last day, and is judged there on the whole month: reported or nothing when the month has a
report, missing when it has none. In its other weeks it is *not_due*, and in its due week *pending*
while the month has not ended. The command line's JSON holds only the three judged statuses
(`DUE_STATUSES`); the rest are named apart (`Coverage.not_due`).

Reads take an open connection (ui.cache.query caches them per data version). No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from trygghet.core.periods import IsoWeek
from trygghet.core.text import Vocabulary
from trygghet.store import reporter_list
from trygghet.store.reporter_list import MONTHLY
from trygghet.store.sql import in_list

REPORTED, NOTHING, MISSING = "reported", "nothing", "missing"
PENDING, NOT_DUE = "pending", "not_due"  # a monthly reporter's month not yet over, or a week it is not due
DUE_STATUSES = (REPORTED, NOTHING, MISSING)  # the command line's contract: a due reporter's week is one of these
WEEKS_SHOWN = 8


@dataclass(frozen=True)
class Cell:
    status: str
    events: int = 0  # the reporter's events in what is judged: the week, or a monthly reporter's whole month
    month: dt.date | None = None  # a monthly reporter's due week: the first day of the month judged


@dataclass(frozen=True)
class Coverage:
    weeks: tuple[IsoWeek, ...]  # oldest first
    reporters: tuple[tuple[str, str], ...]  # (name, interval) in the list's order
    cells: dict[tuple[str, IsoWeek], Cell] = field(default_factory=dict)

    def cell(self, reporter: str, week: IsoWeek) -> Cell:
        return self.cells[(reporter, week)]

    def interval(self, reporter: str) -> str:
        return dict(self.reporters)[reporter]

    def missing(self, week: IsoWeek) -> list[str]:
        return [name for name, _ in self.reporters if self.cells[(name, week)].status == MISSING]

    def missing_run(self, reporter: str, week: IsoWeek) -> list[IsoWeek]:
        """The due weeks up to and including `week` that the reporter has been missing in a row (within
        the table); the weeks a monthly reporter is not due neither count nor break the run."""
        run: list[IsoWeek] = []
        for candidate in reversed([w for w in self.weeks if w <= week]):
            status = self.cells[(reporter, candidate)].status
            if status == NOT_DUE:
                continue
            if status != MISSING:
                break
            run.insert(0, candidate)
        return run

    def week_statuses(self, week: IsoWeek) -> list[dict[str, object]]:
        """The reporters due in `week`, as the command line prints them: each status one of DUE_STATUSES."""
        return [{"reporter": name, "status": self.cells[(name, week)].status,
                 "events": self.cells[(name, week)].events}
                for name, _ in self.reporters if self.cells[(name, week)].status in DUE_STATUSES]

    def not_due(self, week: IsoWeek) -> list[str]:
        """The reporters not judged in `week` (a monthly reporter outside its month's last week)."""
        return [name for name, _ in self.reporters if self.cells[(name, week)].status not in DUE_STATUSES]


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_due(week: IsoWeek) -> dt.date | None:
    """The first day of the month whose last day falls in `week`, or None when no month ends in it."""
    sunday = week.sunday()
    if (sunday + dt.timedelta(days=1)).month != week.monday().month:
        return week.monday().replace(day=1)
    return None


def active_reporters(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return reporter_list.active(con)


def coverage(
    con: duckdb.DuckDBPyConnection, last_week: IsoWeek, as_of: dt.date, n_weeks: int = WEEKS_SHOWN
) -> Coverage:
    """The active reporters × the `n_weeks` weeks ending with `last_week`, judged as of `as_of`
    (a monthly reporter's month that has not ended by then is pending, not missing)."""
    weeks = tuple(last_week.shift(-i) for i in range(n_weeks - 1, -1, -1))
    reporters = tuple(active_reporters(con))
    result = Coverage(weeks, reporters)
    if not reporters:
        return result
    # A monthly reporter's due week holds its month's last day: the month begins on or before the week's Monday.
    start, end = weeks[0].monday().replace(day=1), weeks[-1].end_exclusive()
    vocab = Vocabulary([name for name, _ in reporters])
    events_by_day: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for source, day, n in con.execute(
        "SELECT source, day, sum(n)::BIGINT FROM event_counts WHERE day >= ? AND day < ? GROUP BY source, day",
        [start, end],
    ).fetchall():
        name = vocab.match(str(source))
        if name is not None:
            events_by_day[name][day] += int(n)
    nothing_days: dict[str, set[dt.date]] = defaultdict(set)
    for reporter, day in con.execute(
        "SELECT reporter, day FROM nothing_reports WHERE day >= ? AND day < ?", [start, end]
    ).fetchall():
        name = vocab.match(str(reporter))
        if name is not None:
            nothing_days[name].add(day)
    for name, interval in reporters:
        days, nothing = events_by_day.get(name, {}), nothing_days.get(name, set())
        for week in weeks:
            month = month_due(week) if interval == MONTHLY else None
            if interval == MONTHLY and month is None:
                in_week = sum(n for day, n in days.items() if week.monday() <= day < week.end_exclusive())
                result.cells[(name, week)] = Cell(NOT_DUE, in_week)
                continue
            first, after = (month, _next_month(month)) if month is not None else (week.monday(), week.end_exclusive())
            judged = sum(n for day, n in days.items() if first <= day < after)
            if judged:
                status = REPORTED
            elif any(first <= day < after for day in nothing):
                status = NOTHING
            elif month is not None and after > as_of:
                status = PENDING
            else:
                status = MISSING
            result.cells[(name, week)] = Cell(status, judged, month)
    return result


@dataclass(frozen=True)
class Reliance:
    """How much of the figures a reporter usually carries: its share of the events in the weeks before."""

    reporter: str
    share: float  # of all events in the filter, 0–1
    categories: tuple[tuple[str, float], ...]  # categories where its share is large, largest first


def reliance(
    con: duckdb.DuckDBPyConnection, week: IsoWeek, reporters: list[str], districts: tuple[str, ...] = (),
    n_weeks: int = WEEKS_SHOWN, category_share: float = 0.2, min_events: int = 5,
) -> list[Reliance]:
    """For each of `reporters`, its share of the events in the `n_weeks` weeks before `week` (in the
    chosen districts), and the categories where that share is at least `category_share` with at
    least `min_events` events in all: the figures that lean on it."""
    if not reporters:
        return []
    district_sql, params = "", []
    if districts:
        district_sql, params = f" AND district IN {in_list(districts)}", list(districts)
    rows = con.execute(
        f"""SELECT source, category, sum(n)::BIGINT FROM event_counts WHERE day >= ? AND day < ?{district_sql}
            GROUP BY source, category""",
        [week.shift(-n_weeks).monday(), week.monday(), *params],
    ).fetchall()
    vocab = Vocabulary(reporters)
    total = sum(int(n) for _, _, n in rows)
    by_category: dict[str, int] = defaultdict(int)
    own: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, category, n in rows:
        by_category[category] += int(n)
        name = vocab.match(str(source))
        if name is not None:
            own[name][category] += int(n)
    result = []
    for name in reporters:
        mine = own.get(name, {})
        if not total or not mine:
            continue
        leaning = sorted(((c, n / by_category[c]) for c, n in mine.items()
                          if by_category[c] >= min_events and n / by_category[c] >= category_share),
                         key=lambda item: (-item[1], item[0]))
        result.append(Reliance(name, sum(mine.values()) / total, tuple(leaning)))
    return result
