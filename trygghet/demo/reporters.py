"""Solvik's expected reporters, and weeks when some of them were silent.

Every source of the demo's events is on the Rapportörer list (Räddningstjänsten reports per month),
and so are two partners who seldom have anything to report: most weeks they said "Inget att
rapportera", but not the last ones, so that the coverage table, the agenda's "Saknas" line and the
reminder have something to show. A weekly reporter's week without events mostly got an "Inget att
rapportera" too. The events themselves are left as they are.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import numpy as np

from trygghet.core.periods import IsoWeek, latest_complete_week
from trygghet.demo.categories import SOURCES

MONTHLY = {"Räddningstjänsten"}
WEEKS = 12  # the weeks before the demo's end that get their "Inget att rapportera"
SAID_NOTHING = 0.6  # the share of silent weeks a reporter explained
# Partners without events in the demo, and how many of the last weeks they have not reported.
QUIET = {"Centrumföreningen": 2, "Parkeringsbolaget": 1}


def insert_reporters(con: duckdb.DuckDBPyConnection, seed: int, end: date) -> None:
    rng = np.random.default_rng(seed + 1017)  # its own stream: the rest of the demo stays as it was
    stamp = datetime.combine(end, datetime.min.time())
    con.executemany("INSERT INTO reporters VALUES (?, ?, TRUE, ?, NULL, ?)",
                    [[name, "månad" if name in MONTHLY else "vecka", order, stamp]
                     for order, name in enumerate([*SOURCES, *QUIET])])
    last = latest_complete_week(end)
    first = last.shift(-(WEEKS - 1))
    active = {(source, IsoWeek.of(day)) for source, day in con.execute(
        "SELECT DISTINCT source, day FROM event_counts WHERE day >= ? AND day < ?",
        [first.monday(), last.end_exclusive()]).fetchall()}
    rows = []
    for name in SOURCES:
        if name in MONTHLY:
            continue
        for i in range(WEEKS):
            week = first.shift(i)
            if (name, week) not in active and rng.random() < SAID_NOTHING:
                day = week.monday() + timedelta(days=int(rng.integers(0, 7)))
                rows.append([name, str(week), day, stamp])
    for name, missing in QUIET.items():
        for i in range(WEEKS - missing):
            week = first.shift(i)
            if i % 5 != 3:  # now and then a week is missing further back too
                rows.append([name, str(week), week.monday() + timedelta(days=int(rng.integers(0, 7))), stamp])
    if rows:
        con.executemany("INSERT INTO nothing_reports VALUES (?, ?, ?, NULL, NULL, ?, 'demo')", rows)
