"""Swedish number and date formats for what the meeting sees on the projector.

Every function takes a missing value (None, NaN, pd.NA) and shows it as an en dash,
so a table cell never reads 'nan' or 'None'.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from decimal import ROUND_HALF_UP, Decimal

from trygghet.core.periods import MONTHS_SV, IsoWeek

MISSING = "–"
# A no-break space keeps '1 234' and '12 %' on one line when a narrow column wraps.
NBSP = "\u00a0"
# Swedish typography uses the real minus sign; a hyphen looks like a dash on a projector.
MINUS = "\u2212"


def is_missing(value: object) -> bool:
    """None, NaN, infinity, pd.NA, and MISSING itself."""
    # MISSING itself counts: ui.table puts it in place of NaN before a Styler formats the cells.
    if value is None or (type(value) is str and value == MISSING):
        return True
    if isinstance(value, numbers.Number) and not isinstance(value, numbers.Integral):
        try:
            return not math.isfinite(float(value))
        except (TypeError, ValueError):
            return True
    # pd.NA and friends are not numbers.Number; comparing them with themselves does not give True.
    try:
        return bool(value != value)
    except TypeError:
        return True


def _rounded(value: float | int, decimals: int) -> Decimal:
    """Rounds half away from zero (12,25 -> 12,3), as people and Excel do, not to even.

    Going through str() gives the shortest decimal form of a float, so 2.675 rounds
    to 2,68 as it reads and not to 2,67 as its binary value would.
    """
    if isinstance(value, numbers.Integral):
        number = Decimal(int(value))
    else:
        number = Decimal(str(float(value)))
    result = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # -0,04 rounded to one decimal must not show as '−0,0'.
    return result.copy_abs() if result == 0 else result


def _number(value: Decimal, decimals: int) -> str:
    text = f"{value.copy_abs():,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return f"{MINUS}{text}" if value < 0 else text


def fmt_int(value: float | int | None) -> str:
    """1234567 -> '1 234 567'; floats are rounded to whole numbers."""
    if value is None or is_missing(value):
        return MISSING
    return _number(_rounded(value, 0), 0)


def fmt_dec(value: float | int | None, decimals: int = 1) -> str:
    """12.5 -> '12,5' (decimal comma, no-break thousands separator)."""
    if value is None or is_missing(value):
        return MISSING
    return _number(_rounded(value, decimals), decimals)


def fmt_pct(value: float | int | None, decimals: int = 0) -> str:
    """A value already in per cent: 12.5 -> '12 %' or, with decimals=1, '12,5 %'."""
    if value is None or is_missing(value):
        return MISSING
    return f"{fmt_dec(value, decimals)}{NBSP}%"


def _signed(value: float | int, decimals: int) -> str:
    rounded = _rounded(value, decimals)
    text = _number(rounded.copy_abs(), decimals)
    if rounded == 0:
        return f"±{text}"
    return f"+{text}" if rounded > 0 else f"{MINUS}{text}"


def fmt_change_int(value: float | int | None) -> str:
    """A change in number of events: 3 -> '+3', -3 -> '−3', 0 -> '±0'."""
    if value is None or is_missing(value):
        return MISSING
    return _signed(value, 0)


def fmt_change_pct(value: float | int | None, decimals: int = 0) -> str:
    """A change in per cent: -25.0 -> '−25 %', 12.0 -> '+12 %', 0 -> '±0 %'."""
    if value is None or is_missing(value):
        return MISSING
    return f"{_signed(value, decimals)}{NBSP}%"


def fmt_count(value: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: (1, 'dag', 'dagar') -> '1 dag', 2 -> '2 dagar';
    a missing count is the en dash alone."""
    if is_missing(value):
        return MISSING
    return f"{fmt_int(value)} {singular if abs(int(value)) == 1 else plural}"


def week_label(week: IsoWeek, with_year: bool = False) -> str:
    """'v. 47', or 'v. 47 2026' when weeks from different years are shown together."""
    return f"{week.label} {week.year}" if with_year else week.label


def fmt_date(day: dt.date | None) -> str:
    """ISO dates, as Swedish authorities write them: '2026-11-21' (a datetime loses its time)."""
    if day is None:
        return MISSING
    return f"{day:%Y-%m-%d}"


def month_name(month: int) -> str:
    """1 -> 'januari' … 12 -> 'december' (lower case, as Swedish writes month names)."""
    if not 1 <= month <= 12:
        raise ValueError(f"Månad {month} finns inte (ska vara 1–12).")
    return MONTHS_SV[month - 1]
