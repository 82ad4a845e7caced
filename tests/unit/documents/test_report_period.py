"""documents.report_period: the keys, names, windows and the previous period of every kind of
report period, and the Swedish refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from trygghet.documents.report_period import PeriodError, ReportPeriod, report_periods


def test_keys_windows_and_names() -> None:
    t2 = ReportPeriod.parse("2026-T2")
    assert (t2.window.start, t2.window.end, t2.last_day) == (dt.date(2026, 5, 1), dt.date(2026, 9, 1),
                                                             dt.date(2026, 8, 31))
    assert t2.title == "Lägesbild för tertial 2 2026 (maj–augusti)"  # no capital T inside the title
    assert t2.label == "Tertial 2 2026 (maj–augusti)"
    assert ReportPeriod.parse("2026-h1").window.end == dt.date(2026, 7, 1)
    assert ReportPeriod.parse("2026").title == "Lägesbild för helåret 2026"
    assert ReportPeriod.parse(" 2026-T3 ").window.end == dt.date(2027, 1, 1)


def test_dates_that_are_a_tertial_are_that_tertial() -> None:
    assert ReportPeriod.between(dt.date(2026, 5, 1), dt.date(2026, 8, 31)) == ReportPeriod("tertial", 2026, 2)
    assert ReportPeriod.between(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == ReportPeriod("år", 2026)
    odd = ReportPeriod.between(dt.date(2026, 5, 3), dt.date(2026, 8, 31))
    assert odd.kind == "datum" and odd.key == "2026-05-03--2026-08-31"
    assert odd.window.end == dt.date(2026, 9, 1)
    assert ReportPeriod.parse(odd.key) == odd
    assert odd.previous().last_day == dt.date(2026, 5, 2)


def test_the_previous_period_of_the_same_kind() -> None:
    assert ReportPeriod.parse("2026-T1").previous() == ReportPeriod("tertial", 2025, 3)
    assert ReportPeriod.parse("2026-H2").previous() == ReportPeriod("halvår", 2026, 1)
    assert ReportPeriod.parse("2026").previous() == ReportPeriod("år", 2025)


def test_refusals_say_what_is_wrong() -> None:
    with pytest.raises(PeriodError, match="ett år har 3 tertial"):
        ReportPeriod.parse("2026-T4")
    with pytest.raises(PeriodError, match="ingen period"):
        ReportPeriod.parse("2026-Q1")
    with pytest.raises(PeriodError, match="före den första"):
        ReportPeriod.between(dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    with pytest.raises(PeriodError, match="längre än tre år"):
        ReportPeriod.between(dt.date(2020, 1, 2), dt.date(2026, 4, 1))


def test_the_periods_the_page_offers() -> None:
    periods = report_periods(dt.date(2025, 3, 1), dt.date(2025, 6, 1))
    assert [p.key for p in periods] == ["2025-T2", "2025-T1", "2025-H1", "2025"]
    assert report_periods(None, None) == []
