"""Text normalisation for matching what users type against the known lists."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")
_HEADER_TRIM = re.compile(r"^[\s*:.\-]+|[\s*:.\-]+$")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str) -> str:
    """Trims and collapses all kinds of white space (including non-breaking spaces) and drops
    control characters, which have no place in a report and can upset terminals and exports."""
    return _SPACES.sub(" ", _CONTROL.sub("", value)).strip()


def fold(value: str) -> str:
    """Case- and diacritics-insensitive form: 'Ångered ' -> 'angered'."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def header_key(value: object) -> str:
    """A header's matching key: case, spaces, diacritics and trailing markers ignored."""
    return _header_key(str(value) if value is not None else "")


@functools.lru_cache(maxsize=4096)
def _header_key(value: str) -> str:
    text = clean(value)
    text = _HEADER_TRIM.sub("", text)
    text = text.replace("_", " ").replace("–", "-")
    return _SPACES.sub("", fold(text)).replace("-", "")


def value_key(value: str) -> str:
    """A list value's matching key: case, all white space and diacritics ignored."""
    return _SPACES.sub("", fold(value))


class Vocabulary:
    """A known list (districts, categories, statuses) matched leniently, never guessed."""

    def __init__(self, names: Iterable[str], aliases: dict[str, str] | None = None) -> None:
        self.names: list[str] = []
        self._by_key: dict[str, str] = {}
        for name in names:
            self.add(name)
        for alias, target in (aliases or {}).items():
            self._by_key.setdefault(value_key(alias), target)

    def add(self, name: str) -> None:
        key = value_key(name)
        if key not in self._by_key:
            self.names.append(name)
            self._by_key[key] = name

    def __len__(self) -> int:
        return len(self.names)

    def match(self, value: str) -> str | None:
        return self._by_key.get(value_key(value))

    def suggest(self, value: str) -> str | None:
        """The closest known name when there is a near miss, for a 'menade du …?' hint."""
        key = value_key(value)
        hits = difflib.get_close_matches(key, list(self._by_key), n=1, cutoff=0.72)
        return self._by_key[hits[0]] if hits else None


def split_list(value: str) -> list[str]:
    """'a, b; c' -> ['a', 'b', 'c'] (commas, semicolons or line breaks)."""
    parts = re.split(r"[,;\n]", value)
    return [clean(p) for p in parts if clean(p)]
