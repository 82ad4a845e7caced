"""The days the tests run as of, importable from any test module.

Kept out of conftest.py: with tests/ and tests/browser/ each holding a conftest.py, `from conftest
import …` finds whichever was imported first, which depends on what pytest collects.
"""

from __future__ import annotations

import datetime as dt

import pytest

from trygghet.core import clock

# Imports of hand-written samples run as of this day, so their events in November 2026 are never
# "in the future", whichever day the suite runs for.
TODAY = dt.date(2026, 11, 30)
# The suite's "today" unless TRYGGHET_TODAY names another: a Tuesday whose demo week has a
# four-week mean of 184,75, exactly half a shown decimal, where a float tolerance cannot decide.
DEFAULT_SUITE_TODAY = dt.date(2026, 12, 1)


def suite_today() -> dt.date:
    """The day the suite runs for: TRYGGHET_TODAY when set, else DEFAULT_SUITE_TODAY, never the real date."""
    try:
        return clock.pinned_day() or DEFAULT_SUITE_TODAY
    except clock.ClockError as exc:
        raise pytest.UsageError(str(exc)) from None
