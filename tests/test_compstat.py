"""The CompStat table and the notable changes: flags only on real change, plain Swedish sentences."""

from __future__ import annotations

import math

import pandas as pd

from trygghet.analysis import compstat


def counts(rows: list[tuple[str, int, int, int, int, int, int]], **extra: object) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["name", *compstat.COLUMN_ORDER]).assign(**extra)


def cells(rows: list[tuple[str, str, int, int, int, float]]) -> pd.DataFrame:
    """district, category, week, hist_weeks, hist_sum, shape."""
    return pd.DataFrame(rows, columns=["district", "category", "week", "hist_weeks", "hist_sum", "shape"])


def test_small_counts_never_shout_but_a_big_jump_is_flagged() -> None:
    frame = counts([
        # 3 this week against a mean of 1: a tripling, but noise at this size
        ("Rån", 3, 4, 5, 5, 40, 40),
        # 20 this week against a mean of 5 (20 over four weeks): p is far below 0.01
        ("Klotter", 20, 20, 40, 38, 400, 390),
    ])
    table, flags = compstat.compstat_table(frame)
    by_name = table.set_index("Kategori")
    assert by_name.loc["Rån", "± vecka"] == "+2"  # no percent: the comparison mean is below 10
    assert flags.loc[0, "± vecka"] == ""
    assert by_name.loc["Klotter", "± vecka"].startswith("▲ +15")
    assert flags.loc[1, "± vecka"] == "upp"
    assert by_name.loc["Klotter", "Snitt 4 v. före"] == "5,0"


def test_a_row_that_varies_a_lot_from_week_to_week_is_not_flagged_for_the_same_jump() -> None:
    # The same 20 against 5 a week, for a category whose weeks vary by a gamma factor of shape 1.
    steady = counts([("Klotter", 20, 20, 40, 38, 400, 390)], shape=math.inf, total_shape=math.inf, ytd_weeks=10.0)
    bursty = steady.assign(shape=1.0, total_shape=1.0)
    assert compstat.compstat_table(steady)[1].loc[0, "± vecka"] == "upp"
    assert compstat.compstat_table(bursty)[1].loc[0, "± vecka"] == ""
    # The total row is tested with the total's own shape.
    assert compstat.compstat_table(steady.assign(shape=1.0))[1].loc[1, "± vecka"] == "upp"


def test_total_row_sums_every_window() -> None:
    frame = counts([("A", 1, 2, 3, 4, 5, 6), ("B", 10, 20, 30, 40, 50, 60)], shape=2.0, total_shape=5.0, ytd_weeks=3.0)
    table, _ = compstat.compstat_table(frame)
    total = table.iloc[-1]
    assert total["Kategori"] == "Totalt"
    assert (total["Vecka"], total["28 dagar"], total["Hittills i år"]) == ("11", "33", "55")
    assert total["Fjol 28 d."] == "44" and total["Fjol hittills"] == "66"


def test_notable_changes_are_sentences_in_plain_swedish_ordered_increases_first() -> None:
    found = compstat.notable_changes(cells([
        ("Norrby", "Skadegörelse", 20, 52, 6 * 52, math.inf),
        ("Hamnen", "Klotter", 0, 52, 10 * 52, math.inf),
        ("Lindö", "Rån", 2, 52, 52, math.inf),
    ]))
    assert [n.sentence for n in found] == [
        "Skadegörelse i Norrby: 20 händelser, snitt 6,0 per vecka de senaste 52 veckorna – ovanligt högt",
        "Klotter i Hamnen: 0 händelser, snitt 10,0 per vecka de senaste 52 veckorna – ovanligt lågt",
    ]


def test_notable_changes_use_each_cells_own_variation_and_need_eight_weeks() -> None:
    jump = ("Norrby", "Skadegörelse", 20, 52, 6 * 52)
    assert compstat.notable_changes(cells([(*jump, math.inf)]))
    assert not compstat.notable_changes(cells([(*jump, 1.5)]))  # its weeks often swing this far
    short = cells([("Norrby", "Skadegörelse", 20, 7, 6 * 7, math.inf)])
    assert compstat.notable_changes(short) == []
    assert compstat.history_note(short) == "Jämförelsen behöver minst 8 hela veckor med data före veckan; det finns 7."
    assert compstat.history_note(cells([(*jump, math.inf)])) is None


def test_the_meetings_table_keeps_the_busiest_categories_and_flags_cells_by_direction() -> None:
    from trygghet.present import tables

    frame = counts([
        ("Rån", 3, 4, 5, 5, 40, 40),
        ("Klotter", 20, 20, 40, 38, 400, 390),  # a sure increase this week
        ("Stöld", 0, 48, 30, 31, 300, 310),  # 0 against a mean of 12: a sure decrease
    ])
    shown, flags = tables.compstat_cells(frame, limit=2)
    assert shown["Kategori"].tolist() == ["Klotter", "Rån", "Totalt"]  # most events this week, total last
    assert list(flags.columns) == list(shown.columns) and len(flags) == len(shown)
    assert flags.loc[0, "± vecka"] == "upp" and flags.loc[1, "± vecka"] == ""
    everything, every_flag = tables.compstat_cells(frame, limit=None)
    assert every_flag.loc[everything["Kategori"] == "Stöld", "± vecka"].tolist() == ["ned"]
    # A document marks whole rows: those with a sure change in any cell.
    _, rows = tables.compstat_rows(frame, limit=None)
    assert rows == [bool((every_flag.loc[i] != "").any()) for i in every_flag.index]
    assert rows[everything["Kategori"].tolist().index("Rån")] is False
