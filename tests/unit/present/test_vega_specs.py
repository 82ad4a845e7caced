"""The dashboards' Vega-Lite charts: the numbers travel as data and the spec stays the same while only
the numbers change (so the browser swaps the data in the drawn chart instead of drawing a new one),
and what is written on the chart is the app's Swedish formatting."""

from __future__ import annotations

import json

import pandas as pd

from trygghet.core.formatting import fmt_int, fmt_pct
from trygghet.present import vega_specs


def _same(a: dict[str, object], b: dict[str, object]) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_weeks_spec_is_the_same_whatever_the_counts() -> None:
    labels = [f"v. {w}" for w in range(37, 49)]
    first, spec = vega_specs.weekly_bars(labels, [5_916.0] * 12, [False] * 11 + [True])
    second, again = vega_specs.weekly_bars(labels, list(range(12)), [False] * 11 + [True])
    assert _same(spec, again)
    assert first["Antal"].tolist()[0] == fmt_int(5_916) == "5\u00a0916"
    assert second["Händelser"].tolist() == [float(i) for i in range(12)]
    assert first["Aktuell"].tolist() == [False] * 11 + [True]


def test_the_month_chart_leaves_out_months_without_a_year_before() -> None:
    labels = ["jan 2024", "feb", "mar"]
    data, spec = vega_specs.month_bars_with_baseline(labels, [10.0, 20.0, 30.0], [None, float("nan"), 12.0],
                                                     period="Perioden", before="Året före",
                                                     colours=("#0072B2", "#595959"), slanted=False)
    before = data[data["Serie"] == "Året före"]
    assert before["Händelser"].isna().tolist() == [True, True, False]
    assert before["Antal"].tolist() == ["–", "–", "12"]
    line = spec["layer"][1]  # type: ignore[index]
    assert {"filter": "isValid(datum['Händelser'])"} in line["transform"]
    _, again = vega_specs.month_bars_with_baseline(labels, [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], period="Perioden",
                                                   before="Året före", colours=("#0072B2", "#595959"), slanted=False)
    assert _same(spec, again)


def test_the_survey_chart_keeps_its_spec_for_the_same_questions() -> None:
    frame = pd.DataFrame({"indicator": ["Känner sig trygg", "Känner sig trygg", "Oroar sig"],
                          "year": [2024, 2025, 2025], "value": [73.14, 70.0, 21.7]})
    data, spec = vega_specs.shares_over_years(frame, colours=["#0072B2", "#E69F00"])
    _, again = vega_specs.shares_over_years(frame.assign(value=[1.0, 2.0, 3.0]), colours=["#0072B2", "#E69F00"])
    assert _same(spec, again)
    assert data["Text"].tolist() == [fmt_pct(73.14, 0), fmt_pct(70.0, 0), fmt_pct(21.7, 0)]
    assert data["År"].tolist() == ["2024", "2025", "2025"]


def test_numbers_are_written_the_swedish_way_and_large_enough() -> None:
    light, dark = vega_specs.config(), vega_specs.config(dark=True)
    assert light["locale"]["number"]["thousands"] == "\u00a0"  # type: ignore[index]
    assert light["locale"]["number"]["decimal"] == ","  # type: ignore[index]
    assert light["axis"]["labelFontSize"] >= 16 and light["legend"]["labelFontSize"] >= 16  # type: ignore[index]
    assert light["axis"]["labelColor"] != dark["axis"]["labelColor"]  # type: ignore[index]
