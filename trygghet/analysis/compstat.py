"""The CompStat table and the week's notable changes, from counts to flagged comparisons.

A change is flagged only when it is statistically sure by the one rule of stats.compare, with
each series' own week-to-week variation (trygghet.analysis.dispersion); percent change on small
counts is shown but never coloured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from trygghet.analysis import dispersion, district_cut, queries, stats
from trygghet.core.filters import Filters
from trygghet.core.formatting import fmt_change_int, fmt_change_pct, fmt_dec, fmt_int

COLUMN_ORDER = ("week", "previous_4", "days28", "days28_last_year", "ytd", "ytd_last_year")

# (count label, base label, change label, count column, base column, weeks counted, weeks of the base);
# None for the year to date: its length depends on the week (column ytd_weeks).
COMPARISONS = (
    ("Vecka", "Snitt 4 v. före", "± vecka", "week", "previous_4", 1.0, 4.0),
    ("28 dagar", "Fjol 28 d.", "± 28 d.", "days28", "days28_last_year", 4.0, 4.0),
    ("Hittills i år", "Fjol hittills", "± i år", "ytd", "ytd_last_year", None, None),
)

NOTABLE_RULE = (
    f"Varje stadsdel och kategori jämförs med sitt eget snitt de {dispersion.HISTORY_WEEKS} veckorna före, med "
    "hänsyn till hur mycket just den brukar variera från vecka till vecka (negativ binomialfördelning): ▲ när ett "
    f"så högt antal har mindre än {stats.level_text(stats.ALPHA_UP, True)} sannolikhet, ▼ när ett så lågt har mindre än "
    f"{stats.level_text(stats.ALPHA_DOWN, True)}, och bara när skillnaden "
    f"är minst {stats.MIN_DIFF} händelser."
)
COMPSTAT_RULE = (
    "▲/▼ och färg bara där förändringen är statistiskt säker, med hänsyn till hur mycket raden brukar variera från "
    f"vecka till vecka de {dispersion.HISTORY_WEEKS} veckorna före (negativ binomialfördelning): ökning vid "
    f"p < {stats.level_text(stats.ALPHA_UP)}, minskning vid p < {stats.level_text(stats.ALPHA_DOWN)} och minst {stats.MIN_DIFF} "
    "händelser i skillnad. Vecka jämförs med snittet "
    "av de fyra veckorna före; 28 dagar och hittills i år med samma period i fjol, och då räknas med att en hel "
    f"period kan skilja omkring {fmt_int(round(100 / math.sqrt(dispersion.LONG_WINDOW_SHAPE)))} % mellan år utan "
    "att något har hänt. Procent visas först när jämförelsetalet är minst 10."
)


@dataclass(frozen=True)
class Notable:
    district: str
    category: str
    change: stats.Change
    weeks: int  # the weeks of history the week was compared with

    @property
    def sentence(self) -> str:
        c = self.change
        level = "ovanligt högt" if c.direction == "upp" else "ovanligt lågt"
        return (
            f"{self.category} i {self.district}: {fmt_int(c.count)} händelser, snitt {fmt_dec(c.expected, 1)} "
            f"per vecka de senaste {fmt_int(self.weeks)} veckorna – {level}"
        )


def _shape(counts: pd.DataFrame, column: str) -> np.ndarray:
    if column in counts.columns:
        return counts[column].astype(float).fillna(math.inf).to_numpy()
    return np.full(len(counts), math.inf)


def compstat_table(counts: pd.DataFrame, name_label: str = "Kategori") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table to show, and beside it a frame of the same shape telling each cell's flag
    ('upp', 'ned' or '') for colouring. A total row comes last.

    `counts` comes from queries.compstat_counts: the six windows, and per row the shape of its
    weekly counts (shape, total_shape for the total row) and the length of the year to date
    (ytd_weeks). Without them a row is tested as Poisson."""
    if counts.empty:
        return pd.DataFrame(), pd.DataFrame()
    # The windows' counts with the total row last, as plain arrays: the table is a few dozen cells.
    windows = {c: counts[c].to_numpy(dtype=np.int64) for c in COLUMN_ORDER}
    windows = {c: np.append(values, values.sum()) for c, values in windows.items()}
    names = [str(name) for name in counts["name"].tolist()] + ["Totalt"]
    shape = np.append(_shape(counts, "shape"), _shape(counts, "total_shape")[:1])
    ytd_weeks = float(counts["ytd_weeks"].iloc[0]) if "ytd_weeks" in counts.columns else 1.0
    columns: dict[str, list[str]] = {name_label: names}
    flag_columns: dict[str, list[str]] = {name_label: [""] * len(names)}
    arrows = {"upp": "▲ ", "ned": "▼ "}
    for label, base_label, change_label, count_col, base_col, weeks, base_weeks in COMPARISONS:
        count, base = windows[count_col], windows[base_col]
        length = weeks or ytd_weeks
        result = stats.compare_arrays(count, base, length, base_weeks or ytd_weeks,
                                      dispersion.window_shape(shape, length))
        expected, diffs = result["expected"].tolist(), result["diff"].tolist()
        directions = result["direction"].tolist()
        columns[label] = [fmt_int(c) for c in count]
        columns[base_label] = ([fmt_dec(e, 1) for e in expected] if base_weeks != weeks
                               else [fmt_int(b) for b in base])
        columns[change_label] = [
            f"{arrows.get(direction, '')}{fmt_change_int(round(diff))}"
            + (f" ({fmt_change_pct(diff / mean * 100)})" if mean >= 10 else "")
            for direction, diff, mean in zip(directions, diffs, expected, strict=True)
        ]
        flag_columns[label] = flag_columns[base_label] = [""] * len(names)
        flag_columns[change_label] = directions
    order = [name_label] + [c for comparison in COMPARISONS for c in comparison[:3]]
    return (pd.DataFrame({c: columns[c] for c in order}), pd.DataFrame({c: flag_columns[c] for c in order}))


def notable_changes(cells: pd.DataFrame, limit: int = 8) -> list[Notable]:
    """Stadsdel × kategori cells whose week stands out against their own previous 52 weeks.

    `cells` comes from dispersion.cell_weeks (queries.district_category_week): week, hist_weeks,
    hist_sum and shape per cell. A cell with fewer than MIN_HISTORY_WEEKS weeks of history is not tested."""
    tested = cells[cells["hist_weeks"] >= dispersion.MIN_HISTORY_WEEKS] if len(cells) else cells
    if tested.empty:
        return []
    result = stats.compare_many(
        tested["week"].astype(np.int64).to_numpy(), tested["hist_sum"].astype(np.int64).to_numpy(),
        1.0, tested["hist_weeks"].astype(float).to_numpy(), _shape(tested, "shape"),
    )
    found = []
    for record, row in zip(tested.itertuples(index=False), result.itertuples(index=False), strict=True):
        if row.direction:
            expected = float(row.expected)
            change = stats.Change(int(record.week), expected, float(row.diff),
                                  float(row.diff) / expected * 100 if expected > 0 else None,
                                  float(row.p_value), row.direction)
            found.append(Notable(record.district, record.category, change, int(record.hist_weeks)))
    found.sort(key=lambda n: (n.change.direction != "upp", n.change.p_value, -abs(n.change.diff)))
    return found[:limit]


def history_note(cells: pd.DataFrame) -> str | None:
    """Why nothing could be tested, when the data before the week is too short; else None."""
    if cells.empty:
        return None
    weeks = int(cells["hist_weeks"].max())
    if weeks >= dispersion.MIN_HISTORY_WEEKS:
        return None
    return (f"Jämförelsen behöver minst {dispersion.MIN_HISTORY_WEEKS} hela veckor med data före veckan; "
            f"det finns {fmt_int(weeks)}.")


# The page's reruns (a widget, a theme switch) need not test every cell again: cached per data version.
def category_table(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compstat_table of the categories for the filters."""
    return compstat_table(queries.compstat_counts(con, filters, "category"))


def notable_for(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 8) -> list[Notable]:
    """notable_changes of the stadsdel × kategori cells for the filters."""
    return notable_changes(queries.district_category_week(con, filters), limit)


# Översikt's cached results for every district, cut to the sidebar's choice (analysis.district_cut).
def table_in(cells: district_cut.CompstatCells, districts: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compstat_table of the categories in `districts`."""
    return compstat_table(cells.category_counts(districts))


def notable_in(cells: district_cut.CompstatCells, districts: tuple[str, ...], limit: int = 8) -> list[Notable]:
    """notable_changes of the stadsdel × kategori cells in `districts`."""
    return notable_changes(cells.cells(districts), limit)
