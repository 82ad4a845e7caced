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


# Every ASCII punctuation character: CommonMark lets a backslash make any of them literal, and
# together they start every construct Streamlit's Markdown parses (emphasis, links, images, code,
# HTML and entities, LaTeX in $, :colour[…] directives, tables, headings, lists, block quotes).
_MARKDOWN_PUNCTUATION = str.maketrans({c: "\\" + c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029]")
# Some of Streamlit's Markdown works on the text after parsing, where the backslashes are gone:
# bare web and e-mail addresses become links, :name: shortcodes emoji or icons, and -> -- >= <=
# arrows and dashes. An invisible word joiner inside each pattern keeps the characters as typed.
WORD_JOINER = "\u2060"
_AFTER_PARSING = re.compile(r"(?<=:)(?=[\w/+-])|(?<=www)(?=\.)|(?=@)|(?<=[-<>~=])(?=[-<>=])", re.IGNORECASE)


def md_literal(value: object) -> str:
    """User text to put into Markdown so that it shows as the characters typed: no formatting,
    links, images, HTML, LaTeX, emoji or Streamlit directives. Line breaks stay line breaks;
    white space at the ends of a line is dropped, since Markdown would read indentation as code."""
    text = _AFTER_PARSING.sub(WORD_JOINER, _CONTROL.sub("", str(value)))
    lines = [line.strip().translate(_MARKDOWN_PUNCTUATION) for line in _LINE_BREAK.split(text)]
    return "  \n".join(line for line in lines if line)


# What Plotly's text drawing takes as markup and plotly_literal keeps: a line break, and an entity
# by Plotly's own pattern (so that text already escaped is not escaped again).
_PLOTLY_KEPT = re.compile(r"(<br>|&(?:#\d+|#x[\da-fA-F]+|[a-z]+);)")
_PLOTLY_MARKUP = re.compile(r"[&<>\r\n\u2028\u2029]")


def plotly_literal(value: object) -> str:
    """User text for a Plotly label, legend, axis or hover text, which read a subset of HTML (<a
    href>, <b>, <span style>, entities): as entities, the tags show as typed.

    Idempotent, so a text that passes twice is not shown as '&amp;lt;': entities are kept, and so is
    <br>, the one tag let through (a line break links, styles and loads nothing; the app wraps long
    labels with it). A typed line break becomes <br>, since Plotly would draw it as a space."""
    text = str(value)
    if not _PLOTLY_MARKUP.search(text):
        return text
    parts = _PLOTLY_KEPT.split(text)
    # split() with one group: the kept pieces sit at the odd positions.
    escaped = "".join(
        part if i % 2 else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for i, part in enumerate(parts)
    )
    return _LINE_BREAK.sub("<br>", escaped)
