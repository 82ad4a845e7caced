"""period_snapshot.active_in: which interventions ran during a window, cancelled ones included when
they ran before they were cancelled."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from trygghet.analysis import period_snapshot
from trygghet.core.periods import Window

T2 = Window(dt.date(2026, 5, 1), dt.date(2026, 9, 1))


def frame(rows: list[tuple[str, str, dt.date, dt.date | None, dt.date | None]]) -> pd.DataFrame:
    records = []
    for iid, status, start, end, cancelled in rows:
        values = {f: None for f in period_snapshot.FIELDS} | {"status": status, "start_date": start,
                                                               "end_date": end, "district": "Norrby", "title": iid}
        records.append((iid, *(values[f] for f in period_snapshot.FIELDS), None, False, cancelled))
    return pd.DataFrame.from_records(records, columns=period_snapshot.COLUMNS)


def test_a_cancelled_intervention_that_ran_in_the_period_is_kept() -> None:
    shown = period_snapshot.active_in(frame([
        ("ran-then-cancelled", "Inställd", dt.date(2026, 3, 1), dt.date(2026, 12, 31), dt.date(2026, 6, 15)),
        ("cancelled-before-start", "Inställd", dt.date(2026, 6, 1), None, dt.date(2026, 5, 20)),
        ("cancelled-before-period", "Inställd", dt.date(2026, 1, 1), None, dt.date(2026, 4, 1)),
        ("cancelled-unknown-day", "Inställd", dt.date(2026, 3, 1), None, None),
        ("running", "Pågående", dt.date(2026, 3, 1), None, None),
    ]), T2)
    assert sorted(shown["id"]) == ["ran-then-cancelled", "running"]
