"""Swedish number and date formats, checked against strings written out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from trygghet.core.formatting import (
    fmt_change_int,
    fmt_change_pct,
    fmt_date,
    fmt_dec,
    fmt_int,
    fmt_pct,
    month_name,
    week_label,
)
from trygghet.core.periods import IsoWeek

NB = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, f"1{NB}234{NB}567"),
        (1000, f"1{NB}000"),
        (999, "999"),
        (0, "0"),
        (-1234, f"{MINUS}1{NB}234"),
        (2.5, "3"),  # half away from zero, not to even
        (3.5, "4"),
        (-2.5, f"{MINUS}3"),
        (-0.4, "0"),  # no "−0"
        (np.int64(25000), f"25{NB}000"),
        (np.float64(12.6), "13"),
    ],
)
def test_fmt_int(value: float, expected: str) -> None:
    assert fmt_int(value) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, float("inf")])
def test_missing_values_show_as_a_dash(missing: object) -> None:
    for fmt in (fmt_int, fmt_dec, fmt_pct, fmt_change_int, fmt_change_pct):
        assert fmt(missing) == "–"  # type: ignore[operator]


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12.5, 1, "12,5"),
        (12.25, 1, "12,3"),
        (2.675, 2, "2,68"),  # as written, although the binary float is 2.67499…
        (1234.5, 1, f"1{NB}234,5"),
        (3, 2, "3,00"),
        (-0.04, 1, "0,0"),
        (-7.25, 1, f"{MINUS}7,3"),
        (0.125, 0, "0"),
    ],
)
def test_fmt_dec(value: float, decimals: int, expected: str) -> None:
    assert fmt_dec(value, decimals) == expected


def test_fmt_dec_defaults_to_one_decimal() -> None:
    assert fmt_dec(6) == "6,0"


def test_fmt_pct() -> None:
    assert fmt_pct(12.5, 1) == f"12,5{NB}%"
    assert fmt_pct(12.5) == f"13{NB}%"
    assert fmt_pct(0) == f"0{NB}%"
    assert fmt_pct(-3.0) == f"{MINUS}3{NB}%"
    assert fmt_pct(1500) == f"1{NB}500{NB}%"
    assert fmt_pct(None) == "–"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, "+3"), (-3, f"{MINUS}3"), (0, "±0"), (1234, f"+1{NB}234"), (-0.4, "±0"), (2.5, "+3"), (-2.5, f"{MINUS}3")],
)
def test_fmt_change_int(value: float, expected: str) -> None:
    assert fmt_change_int(value) == expected


def test_fmt_change_pct() -> None:
    assert fmt_change_pct(-25.0) == f"{MINUS}25{NB}%"
    assert fmt_change_pct(12.0) == f"+12{NB}%"
    assert fmt_change_pct(0) == f"±0{NB}%"
    assert fmt_change_pct(0.4) == f"±0{NB}%"
    assert fmt_change_pct(2.5, 1) == f"+2,5{NB}%"
    assert fmt_change_pct(133.333) == f"+133{NB}%"


def test_week_label() -> None:
    assert week_label(IsoWeek(2026, 47)) == "v. 47"
    assert week_label(IsoWeek(2026, 1)) == "v. 1"
    assert week_label(IsoWeek(2026, 47), with_year=True) == "v. 47 2026"


def test_fmt_date() -> None:
    assert fmt_date(dt.date(2026, 11, 21)) == "2026-11-21"
    assert fmt_date(dt.date(2026, 1, 5)) == "2026-01-05"
    assert fmt_date(dt.datetime(2026, 11, 21, 23, 45)) == "2026-11-21"
    assert fmt_date(None) == "–"


def test_month_name() -> None:
    assert month_name(1) == "januari"
    assert month_name(11) == "november"
    assert month_name(12) == "december"
    for bad in (0, 13):
        with pytest.raises(ValueError, match="1–12"):
            month_name(bad)
