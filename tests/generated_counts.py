"""Weekly event counts generated with no real change, written into a real database as events.

Every stadsdel × kategori cell has its own weekly mean; each week's rate is that mean times a
gamma factor of shape 3 (how small-area counts behave) or exactly the mean (pure Poisson), and the
week's count is Poisson around it. Spikes put one cell at four times its mean in one week.
Deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from trygghet.core.initial_lists import CATEGORIES
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts
from trygghet.store.db import Database, add_district

DISTRICTS = tuple(f"Område {chr(ord('A') + i)}" for i in range(10))
CATEGORY_NAMES = tuple(name for name, *_ in CATEGORIES[:15])


@dataclass
class Generated:
    first_week: IsoWeek
    weeks: int
    means: np.ndarray  # districts × categories
    counts: np.ndarray  # weeks × districts × categories
    spikes: list[tuple[IsoWeek, str, str]] = field(default_factory=list)

    def week(self, index: int) -> IsoWeek:
        return self.first_week.shift(index)


def generate(seed: int, first_week: IsoWeek, weeks: int = 100, shape: float | None = 3.0,
             low: float = 1.0, high: float = 20.0, year_shape: float | None = None) -> Generated:
    """With year_shape, each cell's rate is also multiplied by a gamma factor of that shape drawn
    afresh every 52 weeks: the slow drift between years that weekly noise does not show."""
    rng = np.random.default_rng(seed)
    means = rng.uniform(low, high, (len(DISTRICTS), len(CATEGORY_NAMES)))
    factor = rng.gamma(shape, 1 / shape, (weeks, *means.shape)) if shape else np.ones((weeks, *means.shape))
    if year_shape:
        years = rng.gamma(year_shape, 1 / year_shape, (weeks // 52 + 1, *means.shape))
        factor = factor * years[np.arange(weeks) // 52]
    return Generated(first_week, weeks, means, rng.poisson(means * factor))


def add_spikes(data: Generated, seed: int, count: int = 5, min_mean: float = 6.0) -> Generated:
    """`count` more weeks after the generated ones, each with one cell (mean at least min_mean, a
    different cell each time) at four times its mean and every other cell as usual."""
    rng = np.random.default_rng(seed)
    candidates = np.argwhere(data.means >= min_mean)
    chosen = candidates[rng.choice(len(candidates), size=count, replace=False)]
    extra = rng.poisson(data.means * rng.gamma(3.0, 1 / 3.0, (count, *data.means.shape)))
    spikes = []
    for i, (d, c) in enumerate(chosen):
        extra[i, d, c] = rng.poisson(4 * data.means[d, c])
        spikes.append((data.week(data.weeks + i), DISTRICTS[d], CATEGORY_NAMES[c]))
    return Generated(data.first_week, data.weeks + count, data.means,
                     np.concatenate([data.counts, extra]), spikes)


def events_frame(data: Generated, seed: int = 0) -> pd.DataFrame:
    """One row per event, on a random day and hour of its week."""
    rng = np.random.default_rng(seed)
    week_index, district, category = np.nonzero(data.counts)
    repeats = data.counts[week_index, district, category]
    week_index, district, category = (np.repeat(a, repeats) for a in (week_index, district, category))
    monday = pd.Timestamp(data.first_week.monday())
    offsets = (pd.to_timedelta(week_index * 7 + rng.integers(0, 7, len(week_index)), unit="D")
               + pd.to_timedelta(rng.integers(0, 24, len(week_index)), unit="h"))
    n = len(week_index)
    return pd.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64),
        "occurred_at": monday + offsets,
        "district": np.asarray(DISTRICTS)[district],
        "category": np.asarray(CATEGORY_NAMES)[category],
    })


def write(db: Database, data: Generated) -> int:
    """The events into the database (districts added), with the daily counts rebuilt; returns the number."""
    frame = events_frame(data)
    with db.write() as con:
        known = {r[0] for r in con.execute("SELECT name FROM districts").fetchall()}
        for name in DISTRICTS:
            if name not in known:
                add_district(con, name)
        con.register("generated_events", frame)
        con.execute(
            """INSERT INTO events (id, occurred_at, time_known, district, category, source, dedup_key)
               SELECT id, occurred_at, TRUE, district, category, 'Generator', id::UHUGEINT FROM generated_events"""
        )
        con.unregister("generated_events")
        # Events written here bypass the importer, which keeps the daily counts.
        event_counts.rebuild(con)
    return len(frame)

