"""Parsing single cell values as users write them: dates, times, numbers and text.

Each parser returns the parsed value or raises ValueError with a Swedish message
that says what was wrong and how to write it instead.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from trygghet.core.text import clean, fold

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4, "april": 4,
    "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}

# Matched against fold(text), which is lower case: the ISO 'T' separator arrives as 't'.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]+(?:kl\.?\s*)?(.+))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ t]+(?:kl\.?\s*)?(.+))?$")
_MONTH_NAME = re.compile(r"^(\d{1,2})\s*([a-z]+)\.?\s+(\d{4})(?:[ ,]+(?:kl\.?\s*)?(.+))?$")
_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2})(?:[:.](\d{2}))?)?$")
# '2130', '930' and 'kl 2130': the text a CSV export makes of a time typed as a number.
_TIME_COMPACT = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(\d{2})$")

DATE_HELP = "Skriv datumet som 2026-11-03, 3/11/2026, 03.11.2026 eller 3 nov 2026."
TIME_HELP = "Skriv tiden som 21:30, 21.30 eller 2130."

ERROR_VALUES = {
    "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    # Swedish Excel writes its own names when it saves a sheet as CSV.
    "#REFERENS!", "#DIVISION/0!", "#VÄRDEFEL!", "#NAMN?", "#SAKNAS!", "#OGILTIGT!", "#SKÄRNING!",
}


# The characters export.neutralise guards with an apostrophe in every workbook the app writes.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unquote_formula(value: object) -> object:
    """A text cell as it was before the app's own workbook (the template, a download, the rejected
    rows) guarded it: "'=HYPERLINK(…)" is read back as "=HYPERLINK(…)". Exactly one apostrophe, and
    only before a character that starts a formula; any other apostrophe is the user's."""
    if type(value) is str and value[:1] == "'" and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip().strip("\u200b")
    if isinstance(value, float):
        return math.isnan(value)
    return False


def _check_error_value(value: object) -> None:
    if isinstance(value, str) and value.strip().upper() in ERROR_VALUES:
        raise ValueError(f"Cellen innehåller felvärdet {value.strip()} från en formel. Rätta formeln eller skriv in värdet.")


def _check_range(d: dt.date) -> dt.date:
    if d < MIN_DATE or d > MAX_DATE:
        raise ValueError(f"Datumet {d.isoformat()} är orimligt (tillåtet är år 2000–2099). Kontrollera årtalet.")
    return d


def parse_time_value(value: object) -> dt.time:
    _check_error_value(value)
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        if 0 <= seconds < 86400:
            return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
        raise ValueError(f"Tiden '{value}' är inte ett klockslag. {TIME_HELP}")
    if isinstance(value, bool):
        raise ValueError(f"'{value}' är inte ett klockslag. {TIME_HELP}")
    if isinstance(value, (int, float)):
        # An Excel time without its format arrives as a fraction of a day.
        if 0 <= value < 1:
            seconds = round(value * 86400)
            seconds = min(seconds, 86399)
            return dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
        if isinstance(value, int) or float(value).is_integer():
            return parse_time_value(str(int(value)).zfill(4) if value >= 100 else str(int(value)))
        raise ValueError(f"'{value}' är inte ett klockslag. {TIME_HELP}")
    text = clean(str(value)).lower()
    m = _TIME.match(text) or _TIME_COMPACT.match(text)
    if not m:
        raise ValueError(f"'{value}' är inte ett klockslag. {TIME_HELP}")
    hour = int(m.group(1))
    minute = int(m.group(2) or 0)
    second = int(m.group(3) or 0) if m.re is _TIME else 0
    if hour == 24 and minute == 0 and second == 0:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
        raise ValueError(f"'{value}' är inte ett giltigt klockslag. {TIME_HELP}")
    return dt.time(hour, minute, second)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def parse_datetime_value(value: object) -> tuple[dt.date, dt.time | None]:
    """A date with its time of day when the cell holds one."""
    _check_error_value(value)
    if isinstance(value, dt.datetime):
        t = value.time().replace(microsecond=0)
        return _check_range(value.date()), (t if t != dt.time(0) else None)
    if isinstance(value, dt.date):
        return _check_range(value), None
    if isinstance(value, bool):
        raise ValueError(f"'{value}' är inte ett datum. {DATE_HELP}")
    if isinstance(value, (int, float)):
        # An Excel serial date whose cell format was lost (CSV exports, 'General' cells).
        if not 1 <= value < 2958466:
            raise ValueError(f"Talet {value} är inte ett datum. {DATE_HELP}")
        stamp = EXCEL_EPOCH + dt.timedelta(days=float(value))
        stamp = stamp.replace(microsecond=0)
        t = stamp.time()
        if t.second >= 59:  # floating-point days land a second short of the minute
            stamp = (stamp + dt.timedelta(seconds=1)).replace(second=0)
            t = stamp.time()
        return _check_range(stamp.date()), (t if t != dt.time(0) else None)
    if isinstance(value, dt.time):
        raise ValueError(f"Cellen innehåller bara ett klockslag ({value}), inget datum. {DATE_HELP}")
    text = clean(str(value))
    if not text:
        raise ValueError(f"Datum saknas. {DATE_HELP}")
    lowered = fold(text)
    year = month = day = None
    rest: str | None = None
    if m := _ISO.match(lowered):
        year, month, day, rest = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    elif m := _COMPACT.match(lowered):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DAY_FIRST.match(lowered):
        day, month, year, rest = int(m.group(1)), int(m.group(2)), _year(m.group(3)), m.group(4)
    elif m := _MONTH_NAME.match(lowered):
        month = MONTHS.get(m.group(2))
        if month is None:
            raise ValueError(f"Okänt månadsnamn i '{text}'. {DATE_HELP}")
        day, year, rest = int(m.group(1)), int(m.group(3)), m.group(4)
    else:
        raise ValueError(f"'{text}' går inte att läsa som ett datum. {DATE_HELP}")
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' är inget giltigt datum. {DATE_HELP}") from None
    time = parse_time_value(rest) if rest else None
    return _check_range(date), time


def parse_date_value(value: object) -> dt.date:
    return parse_datetime_value(value)[0]


def parse_float(value: object, label: str = "värdet") -> float:
    _check_error_value(value)
    if isinstance(value, bool):
        raise ValueError(f"'{value}' är inte ett tal.")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{label} är inte ett tal.")
        return float(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise ValueError(f"Ett datum eller klockslag står där {label} ska stå. Skriv ett tal, t.ex. 57,7089.")
    text = clean(str(value)).replace(" ", "").replace("\u2212", "-").rstrip("%")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{value}' är inte ett tal. Skriv t.ex. 57,7089 eller 64,5.") from None
    if not math.isfinite(number):
        raise ValueError(f"'{value}' är inte ett tal.")
    return number


def parse_int(value: object, label: str = "värdet") -> int:
    number = parse_float(value, label)
    if not number.is_integer():
        raise ValueError(f"'{value}' är inte ett heltal.")
    return int(number)


def text_value(value: object) -> str:
    """Any cell as text: numbers without a trailing '.0', dates in ISO form."""
    _check_error_value(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return clean(str(value))


def json_safe(value: object) -> object:
    """A cell value as JSON can hold it, for the rejected-rows record."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return str(value)


_PERIOD = re.compile(r"^(\d{4})(?:\s*[-/ ]?\s*(?:k|kv|kvartal|q|t|tertial)?\.?\s*([1-4]))?$")


def parse_period(value: object) -> str:
    """'2025' -> '2025'; '2025 K3', '2025-Q3', '2025 kv 3' -> '2025-Q3'; '2025 T2' -> '2025-T2'."""
    _check_error_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        return str(value.year)
    text = fold(clean(str(value))).replace(" ", "")
    m = re.match(r"^(\d{4})(?:[-/]?(k|kv|kvartal|q|t|tertial)\.?([1-4]))?$", text)
    if not m:
        raise ValueError(f"Perioden '{value}' går inte att läsa. Skriv ett år (2025) eller år och kvartal (2025 K3).")
    year = int(m.group(1))
    if not 2000 <= year <= 2099:
        raise ValueError(f"Året {year} är orimligt. Skriv ett år mellan 2000 och 2099.")
    if m.group(2) is None:
        return str(year)
    prefix = "T" if m.group(2).startswith("t") else "Q"
    if prefix == "T" and int(m.group(3)) > 3:
        raise ValueError(f"Det finns bara tre tertial per år ('{value}').")
    return f"{year}-{prefix}{m.group(3)}"
