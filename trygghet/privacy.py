"""The personal-data guard: personnummer, samordningsnummer, phone numbers and e-mail addresses
are found in free text and replaced by a marker before anything is stored.

The app is about places and situations, not individuals, so none of these belong in it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

MARKERS = {
    "personnummer": "[personnummer borttaget]",
    "samordningsnummer": "[samordningsnummer borttaget]",
    "telefonnummer": "[telefonnummer borttaget]",
    "e-post": "[e-post borttagen]",
}

# YYMMDD or YYYYMMDD, an optional - or + (+ for people over 100) or space, and four digits.
_IDENTITY = re.compile(r"(?<![\d\w])((?:19|20)?\d{2})(\d{2})(\d{2})\s?([-+]?)\s?(\d{4})(?![\d])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Swedish numbers: +46/0046/0, then 7–10 more digits in groups split by spaces or hyphens.
_PHONE = re.compile(r"(?<![\d\w+])(?:\+46|0046|0)[\s-]?(?:\(0\)\s?)?\d(?:[\s-]?\d){6,10}(?![\d])")


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a ten-digit personnummer (YYMMDDNNNN)."""
    total = 0
    for i, char in enumerate(digits):
        n = int(char) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _identity_kind(match: re.Match[str]) -> str | None:
    year, month, day, _, rest = match.groups()
    month_n, day_n = int(month), int(day)
    if not 1 <= month_n <= 12:
        return None
    if 1 <= day_n <= 31:
        kind = "personnummer"
    elif 61 <= day_n <= 91:
        kind = "samordningsnummer"
    else:
        return None
    if not luhn_ok(year[-2:] + month + day + rest):
        return None
    return kind


@dataclass
class Findings:
    """What was removed from one text: counts per kind."""

    counts: Counter[str] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.counts)


def scrub(text: str) -> tuple[str, Findings]:
    """The text with every personal identifier replaced by its marker, and what was found."""
    findings = Findings()
    if not text or (not any(c.isdigit() for c in text) and "@" not in text):
        return text, findings

    def identity(match: re.Match[str]) -> str:
        kind = _identity_kind(match)
        if kind is None:
            return match.group(0)
        findings.counts[kind] += 1
        return MARKERS[kind]

    def replace(kind: str) -> object:
        def sub(match: re.Match[str]) -> str:
            findings.counts[kind] += 1
            return MARKERS[kind]

        return sub

    text = _EMAIL.sub(replace("e-post"), text)
    text = _IDENTITY.sub(identity, text)
    text = _PHONE.sub(replace("telefonnummer"), text)
    return text, findings


def suspects(texts: Sequence[str]) -> list[bool]:
    """Which texts could hold something scrub removes, decided for a whole column at once in Arrow,
    so that scrub's regular expressions run only on the few that need them.

    Every pattern needs an '@' (e-mail) or at least eight decimal digits: a phone number is 0 and
    seven digits or more, a personnummer ten. Python's \\d in these patterns is Unicode category Nd,
    the same class as RE2's \\p{Nd} here.
    """
    if not texts:
        return []
    array = pa.array(texts, type=pa.large_string())
    many_digits = pc.greater_equal(pc.count_substring_regex(array, r"\p{Nd}"), 8)
    return pc.or_(many_digits, pc.match_substring(array, "@")).to_pylist()


def describe(counts: Counter[str]) -> str:
    """'2 personnummer och 1 telefonnummer'."""
    parts = [f"{n} {kind}" for kind, n in counts.items() if n]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]
