"""The product's one clock: today's date and the local time, which TRYGGHET_TODAY can pin to a day.

Everything that speaks of "today" (the latest complete week, the demo's last day, open
interventions, meeting dates) asks here, so a test run or a rehearsal of a meeting can be set
to any day – a week 53, 29 February, the nights Sweden changes clock – and see the same day
in the app, the command line and the server. Times are naive local time, as stored everywhere.
"""

from __future__ import annotations

import datetime as dt
import os

from trygghet.core.errors import UserError

ENV = "TRYGGHET_TODAY"


class ClockError(UserError, ValueError):
    """TRYGGHET_TODAY holds something that is not a date; the message says how to fix it."""


def pinned_day() -> dt.date | None:
    """The day TRYGGHET_TODAY pins, or None when it is unset or empty."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        # fromisoformat alone would also take '20261231' and week dates; one written form is clearer.
        if len(raw) != 10 or raw[4] != "-" or raw[7] != "-":
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ClockError(
            f"Miljövariabeln {ENV} har värdet '{raw}', som inte är ett datum. "
            f"Skriv ett datum i formen ÅÅÅÅ-MM-DD (till exempel 2026-12-31) eller ta bort variabeln "
            f"för att använda dagens datum."
        ) from None


def today() -> dt.date:
    """Today's date, or the day TRYGGHET_TODAY pins."""
    return pinned_day() or dt.date.today()


def now() -> dt.datetime:
    """The local time now; with TRYGGHET_TODAY, that day at the current time of day."""
    current = dt.datetime.now()
    day = pinned_day()
    return current if day is None else dt.datetime.combine(day, current.time())
