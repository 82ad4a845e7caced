"""Harm weighting: events and harm side by side, worked out by hand; the weights as typed."""

from __future__ import annotations

import pandas as pd
import pytest

from trygghet.analysis import compstat, harm


def counts(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    """name, week, ytd; the other windows do not matter here."""
    frame = pd.DataFrame(rows, columns=["name", "week", "ytd"])
    for column in compstat.COLUMN_ORDER:
        if column not in frame:
            frame[column] = 0
    return frame


def test_a_few_robberies_outweigh_much_graffiti() -> None:
    table = harm.weighted_table(counts([("Klotter", 40, 900), ("Rån", 1, 12), ("Nedskräpning", 9, 300)]),
                                {"Klotter": 2.0})
    assert table["Kategori"].tolist() == ["Rån", "Klotter", "Nedskräpning"]  # most harm first
    by = table.set_index("Kategori")
    assert by.loc["Rån", "Skadevärde i år"] == 12 * 365 and by.loc["Rån", "Skadevärde vecka"] == 365
    assert by.loc["Klotter", "Skadevärde i år"] == 1800 and by.loc["Nedskräpning", "Vikt"] == 1
    # 12 of 1 212 events, but 4 380 of 6 480 in harm.
    assert by.loc["Rån", "Andel av händelserna i år (%)"] == pytest.approx(12 / 1212 * 100)
    assert by.loc["Rån", "Andel av skadevärdet i år (%)"] == pytest.approx(4380 / 6480 * 100)
    assert by["Händelser i år"].tolist() == [12, 900, 300]  # the plain counts stay beside the weighted ones


def test_an_administrators_weight_wins_and_an_unknown_category_weighs_one() -> None:
    assert harm.weight_of({"Rån": 100.0}, "Rån") == 100.0
    assert harm.weight_of({}, "Rån") == 365
    assert harm.weight_of({}, "Egen kategori") == harm.UNKNOWN_WEIGHT
    assert harm.weighted_table(counts([]), {}).empty


@pytest.mark.parametrize(("typed", "weight"), [("12", 12.0), ("2,5", 2.5), ("1 000", 1000.0), (7, 7.0),
                                               ("-1", None), ("abc", None), ("nan", None), ("1e9", None), (None, None)])
def test_parse_weight(typed: object, weight: float | None) -> None:
    assert harm.parse_weight(typed) == weight


def test_every_default_category_has_a_weight() -> None:
    from trygghet.core.initial_lists import CATEGORIES

    assert {name for name, *_ in CATEGORIES} == set(harm.DEFAULT_WEIGHTS)
