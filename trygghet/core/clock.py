"""The product's one clock: today's date and the local time, which TRYGGHET_TODAY can pin to a day.

Everything that speaks of "today" (the latest complete week, the demo's last day, open
interventions, meeting dates) asks here, so a test run or a rehearsal of a meeting can be set
to any day – a week 53, 29 February, the nights Sweden changes clock – and see the same day
in the app, the command line and the server. Times are naive local time, as stored everywhere.
"""

from __future__ import annotations

import datetime as dt

from trygghet.core import config
from trygghet.core.config import ClockError, pinned_day

ENV = config.TODAY

__all__ = ["ENV", "ClockError", "now", "pinned_day", "today"]


def today() -> dt.date:
    """Today's date, or the day TRYGGHET_TODAY pins."""
    return pinned_day() or dt.date.today()


def now() -> dt.datetime:
    """The local time now; with TRYGGHET_TODAY, that day at the current time of day."""
    current = dt.datetime.now()
    day = pinned_day()
    return current if day is None else dt.datetime.combine(day, current.time())
