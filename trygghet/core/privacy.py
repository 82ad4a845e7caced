"""The personal-data guard: personnummer, samordningsnummer, phone numbers and e-mail addresses
are found in free text and replaced by a marker before anything is stored.

The app is about places and situations, not individuals, so none of these belong in it. The
patterns are deliberately generous about how a number is written (the separators Word and Excel
put in, spaces, dots, parentheses) and strict about what it is: an identity number must pass
python-stdnum's check, a phone number must have a Swedish number's length, so that dates, times,
ids like "BB-2026-0153", coordinates and counts are left alone.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

MARKERS = {
    "personnummer": "[personnummer borttaget]",
    "samordningsnummer": "[samordningsnummer borttaget]",
    "telefonnummer": "[telefonnummer borttaget]",
    "e-post": "[e-post borttagen]",
}

# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar and minus: what Word and
# Excel's autocorrect make of a typed '-'.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

# An optional century (also as "(19)"), YYMMDD whose pairs may be split by a space or a dot, then
# the separator (any dash, '+' for people over 100, a dot, or none) with spaces around it allowed,
# and the four last digits (also as "NN NN"). The date part never holds a dash, which keeps
# "2026-11-03 1234" a date and a number.
_IDENTITY = re.compile(
    rf"(?<!\d)(?:\((?P<pc>19|20)\)\s?|(?P<c>19|20)[ .]?(?=\d\d[ .]?\d\d[ .]?\d\d))?"
    rf"(?P<y>\d\d)[ .]?(?P<m>\d\d)[ .]?(?P<d>\d\d)"
    rf"\s*(?P<sep>[{_DASHES}+.]?)\s*(?P<n>\d\d ?\d\d)(?!\d)"
)

_AT = r"(?:@|\uff20|\s*[(\[]\s*at\s*[)\]]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[(\[]\s*(?:dot|punkt)\s*[)\]]\s*)"
_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w-])",
    re.IGNORECASE,
)

# A Swedish number: +46 / 0046 (with an optional "(0)"), an area code in parentheses, or a 0;
# then digits split by spaces, dots, slashes or dashes. The length is checked in code.
_PHONE_SEP = rf"[ \t\u00a0.{_DASHES}/]"
_PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00)\s?46\s?(?:\(0\)\s?)?[{_DASHES}]?\s?|\(0\d{{1,3}}\)\s?|0)"
    rf"\d(?:{_PHONE_SEP}{{0,3}}\d){{5,12}}(?!\d)"
)
# Numbers a phone pattern would take but which start as a date or as two times: 03.11.2026,
# 08.30-09.45, "08.30 09.45".
_NOT_PHONE = re.compile(
    rf"^(?:\d{{1,2}}[./{_DASHES}]\d{{1,2}}[./{_DASHES}]\d{{2,4}}"
    rf"|\d{{1,2}}[.:]\d\d\s*[{_DASHES}]?\s*\d{{1,2}}[.:]\d\d)(?!\d)"
)
# Digits after the trunk 0 or +46: 7 for the shortest landline numbers, 9 for mobiles.
_NATIONAL_DIGITS = (7, 9)


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())


def identity_kind(century: str, date: str, separator: str, serial: str) -> str | None:
    """'personnummer', 'samordningsnummer' or None, checked by python-stdnum.

    `date` is YYMMDD; a samordningsnummer has 60 added to the day, so its date is checked with
    the day taken back and its checksum over the digits as written."""
    # python-stdnum is loaded by the first number worth checking: most processes that scrub (the
    # command line's summary, an import's worker) never meet one.
    from stdnum import luhn
    from stdnum.se import personnummer

    day = int(date[4:6])
    if 61 <= day <= 91:
        kind, real_date = "samordningsnummer", f"{date[:4]}{day - 60:02d}"
    else:
        kind, real_date = "personnummer", date
    sign = "+" if separator == "+" else "-"
    try:
        personnummer.get_birth_date(f"{century}{real_date}{sign}{serial}")
    except Exception:  # stdnum's InvalidComponent and the like: no such date
        return None
    if kind == "personnummer":
        return kind if personnummer.is_valid(f"{century}{date}{sign}{serial}") else None
    return kind if luhn.is_valid(date + serial) else None


@dataclass
class Findings:
    """What was removed from one text: counts per kind."""

    counts: Counter[str] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.counts)


def _phone_prefix(candidate: str) -> int:
    """The length of the longest start of `candidate` that is a whole phone number, or 0.

    The pattern may run on into a following number ("070-123 45 67 2026"), so the number ends at
    the last group boundary that keeps a Swedish number's length."""
    international = candidate.startswith(("+", "00"))
    best = 0
    digits = 0
    for i, char in enumerate(candidate):
        if not char.isdigit():
            continue
        digits += 1
        national = digits - (2 + (2 if candidate.startswith("00") else 0)) if international else digits - 1
        if international and "(0)" in candidate[: i + 1]:
            national -= 1
        at_boundary = i + 1 == len(candidate) or not candidate[i + 1].isdigit()
        if at_boundary and _NATIONAL_DIGITS[0] <= national <= _NATIONAL_DIGITS[1]:
            best = i + 1
    return best


def scrub(text: str) -> tuple[str, Findings]:
    """The text with every personal identifier replaced by its marker, and what was found."""
    findings = Findings()
    if not text or (not any(c.isdigit() for c in text) and not _maybe_email(text)):
        return text, findings

    def email(match: re.Match[str]) -> str:
        findings.counts["e-post"] += 1
        return MARKERS["e-post"]

    def identity(match: re.Match[str]) -> str:
        century = _ascii_digits(match.group("pc") or match.group("c") or "")
        date = _ascii_digits(match.group("y") + match.group("m") + match.group("d"))
        kind = identity_kind(century, date, match.group("sep"), _ascii_digits(match.group("n")))
        if kind is None:
            return match.group(0)
        findings.counts[kind] += 1
        return MARKERS[kind]

    def phone(match: re.Match[str]) -> str:
        candidate = match.group(0)
        end = _phone_prefix(candidate)
        if end == 0 or _NOT_PHONE.match(candidate):
            return candidate
        findings.counts["telefonnummer"] += 1
        return MARKERS["telefonnummer"] + _PHONE.sub(phone, candidate[end:])

    text = _EMAIL.sub(email, text)
    text = _IDENTITY.sub(identity, text)
    text = _PHONE.sub(phone, text)
    return text, findings


_EMAIL_HINT = re.compile(r"[@\uff20]|(?<![^\s(\[])at(?![^\s)\]])", re.IGNORECASE)


def _maybe_email(text: str) -> bool:
    return _EMAIL_HINT.search(text) is not None


def _number_text(value: object) -> str | None:
    """A whole number long enough to be a phone or identity number (a cell Excel kept as a number,
    an id in JSON), as text; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) >= 10_000_000:
        return str(value)
    if isinstance(value, float) and value.is_integer() and 1e7 <= abs(value) < 1e13:
        return str(int(value))
    return None


def scrub_value(value: object, counts: Counter[str] | None = None) -> object:
    """Strings, and the strings inside lists and dicts (a JSON item, a row), scrubbed; a number that
    is a personnummer written without its dash becomes the marker; the rest as is."""
    number = _number_text(value)
    if number is not None:
        cleaned, found = scrub(number)
        if counts is not None:
            counts.update(found.counts)
        return cleaned if found else value
    if isinstance(value, str):
        cleaned, found = scrub(value)
        if counts is not None:
            counts.update(found.counts)
        return cleaned
    if isinstance(value, list | tuple):
        return [scrub_value(v, counts) for v in value]
    if isinstance(value, dict):
        return {scrub_value(k, counts) if isinstance(k, str) else k: scrub_value(v, counts) for k, v in value.items()}
    return value


class LogGuard(logging.Filter):
    """Scrubs a log record's message and traceback before any handler writes it: an exception's text
    can quote a cell or a typed text, and the server's log outlives every retention rule."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrub(record.getMessage())[0], None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)[0]
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)[0]
        return True


LOG_GUARD = LogGuard()


def guard_logs(*names: str) -> None:
    """Puts LOG_GUARD on these loggers (a logger's filter sees only its own records, not its children's)."""
    for name in names:
        logger = logging.getLogger(name)
        if LOG_GUARD not in logger.filters:
            logger.addFilter(LOG_GUARD)


def scrub_json(details: object) -> str:
    """JSON of a value with every string in it scrubbed (the audit log's details)."""
    return json.dumps(scrub_value(details), ensure_ascii=False, default=lambda v: scrub(str(v))[0])


# _EMAIL_HINT in RE2 (Arrow), whose \s is ASCII only: Python's \s also holds the Unicode spaces
# (\pZ) and \x1c-\x1f, \x85.
_SPACE_RE2 = r"\s\pZ\x{1c}-\x{1f}\x{85}"
EMAIL_HINT_RE2 = rf"[@\x{{ff20}}]|(?i:(?:^|[{_SPACE_RE2}(\[])at(?:$|[{_SPACE_RE2})\]]))"


def suspects(texts: Sequence[str]) -> list[bool]:
    """Which texts could hold something scrub removes, decided for a whole column at once in Arrow,
    so that scrub's regular expressions run only on the few that need them (ids like
    "BB-2026-000153" and dates have many digits but never the shape of a number scrub takes).

    Python's \\d in these patterns is Unicode category Nd, the same class as RE2's \\p{Nd} here.
    """
    if not texts:
        return []
    return _suspect_mask(texts).to_pylist()


def suspect_positions(texts: Sequence[str]) -> list[int]:
    """suspects() as the positions of the texts to scrub, for long columns where few are."""
    if not texts:
        return []
    import pyarrow.compute as pc

    # Positions straight from Arrow: converting the mask to NumPy would make Arrow import pandas.
    return pc.indices_nonzero(_suspect_mask(texts)).to_pylist()


# What _IDENTITY and _PHONE can match, loosened to RE2 (no look-around, no century): six digits
# in pairs, a separator, four digits; or a phone number's start (+, "(" or 0, not inside a word)
# and seven more digits, each after at most four separators. Python's \s is every Unicode
# space, its \w letters, numbers and "_".
_SPACES_RE2 = r"[\s\pZ\x{0b}\x{1c}-\x{1f}\x{85}]*"
_DASHES_RE2 = "\\-\\x{2010}-\\x{2015}\\x{2212}"
_IDENTITY_RE2 = (rf"\p{{Nd}}{{2}}[ .]?\p{{Nd}}{{2}}[ .]?\p{{Nd}}{{2}}{_SPACES_RE2}[{_DASHES_RE2}+.]?{_SPACES_RE2}"
                 r"\p{Nd}{2} ?\p{Nd}{2}")
# The characters that can stand between a phone number's digits (an open class such as
# [^\p{L}] here makes RE2's automaton a hundred times slower).
_PHONE_GAP_RE2 = r"[\s\pZ\x{0b}\x{1c}-\x{1f}\x{85}.\-\x{2010}-\x{2015}\x{2212}/()+]"
_PHONE_RE2 = rf"(?:^|[^\p{{L}}\p{{N}}_+])[+(0](?:{_PHONE_GAP_RE2}{{0,4}}\p{{Nd}}){{7}}"
# One RE2 pass over the column decides which texts scrub must see.
_SUSPECT_RE2 = f"{_IDENTITY_RE2}|{_PHONE_RE2}|{EMAIL_HINT_RE2}"


def _suspect_mask(texts: Sequence[str]) -> pa.ChunkedArray | pa.Array:
    # Arrow is imported here, by the column checks that need it: a command that only scrubs a line of
    # output (the command line's summary) starts without it.
    from trygghet.core import arrow

    pa = arrow.load()
    import pyarrow.compute as pc

    return pc.match_substring_regex(pa.array(texts, type=pa.large_string()), _SUSPECT_RE2)


def describe(counts: Counter[str]) -> str:
    """'2 personnummer och 1 telefonnummer'."""
    parts = [f"{n} {kind}" for kind, n in counts.items() if n]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]
