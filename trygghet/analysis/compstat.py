"""The CompStat table and the week's notable changes, from counts to flagged comparisons.

A change is flagged only when it is statistically meaningful (an exact Poisson rate
test, see stats.compare); percent change on small counts is shown but never coloured.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from trygghet.analysis import stats
from trygghet.core.formatting import fmt_change_int, fmt_change_pct, fmt_dec, fmt_int

COLUMN_ORDER = ("week", "previous_4", "days28", "days28_last_year", "ytd", "ytd_last_year")

# (count label, base label, change label, count column, base column, exposure, base exposure)
COMPARISONS = (
    ("Vecka", "Snitt 4 v. före", "± vecka", "week", "previous_4", 1.0, 4.0),
    ("28 dagar", "Fjol 28 d.", "± 28 d.", "days28", "days28_last_year", 1.0, 1.0),
    ("Hittills i år", "Fjol hittills", "± i år", "ytd", "ytd_last_year", 1.0, 1.0),
)


@dataclass(frozen=True)
class Notable:
    district: str
    category: str
    change: stats.Change

    @property
    def sentence(self) -> str:
        c = self.change
        level = "ovanligt högt" if c.direction == "upp" else "ovanligt lågt"
        return (
            f"{self.category} i {self.district}: {fmt_int(c.count)} händelser, snitt {fmt_dec(c.expected, 1)} "
            f"de senaste 4 veckorna – {level}"
        )


def compstat_table(counts: pd.DataFrame, name_label: str = "Kategori") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table to show, and beside it a frame of the same shape telling each cell's flag
    ('upp', 'ned' or '') for colouring. A total row comes last."""
    if counts.empty:
        return pd.DataFrame(), pd.DataFrame()
    numeric = [c for c in counts.columns if c != "name"]
    total = counts[numeric].sum().to_frame().T
    total.insert(0, "name", "Totalt")
    frame = pd.concat([counts, total], ignore_index=True)
    rows, flags = [], []
    for record in frame.itertuples(index=False):
        row = {name_label: record.name}
        flag = {name_label: ""}
        for label, base_label, change_label, count_col, base_col, exposure, base_exposure in COMPARISONS:
            count, base = int(getattr(record, count_col)), int(getattr(record, base_col))
            change = stats.compare(count, base, exposure=exposure, base_exposure=base_exposure)
            arrow = {"upp": "▲ ", "ned": "▼ "}.get(change.direction or "", "")
            row[label] = fmt_int(count)
            row[base_label] = fmt_dec(change.expected, 1) if base_exposure != exposure else fmt_int(base)
            pct = f" ({fmt_change_pct(change.pct)})" if change.pct is not None and change.expected >= 10 else ""
            row[change_label] = f"{arrow}{fmt_change_int(round(change.diff))}{pct}"
            flag[label] = flag[base_label] = ""
            flag[change_label] = change.direction or ""
        rows.append(row)
        flags.append(flag)
    return pd.DataFrame(rows), pd.DataFrame(flags)


def notable_changes(cells: pd.DataFrame, limit: int = 8) -> list[Notable]:
    """Stadsdel × kategori cells whose week stands out against their own previous four weeks."""
    found = []
    for record in cells.itertuples(index=False):
        change = stats.compare(int(record.week), int(record.previous_4), exposure=1.0, base_exposure=4.0)
        if change.direction:
            found.append(Notable(record.district, record.category, change))
    found.sort(key=lambda n: (n.change.direction != "upp", n.change.p_value, -abs(n.change.diff)))
    return found[:limit]
