"""The parsers of one cell per field and sheet kind: texts, names checked against the
reference lists, coordinates, percentages, statuses. A parser raises ValueError with the
Swedish message the rejected row shows; some also check a whole column at once (`batch`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from trygghet.core import arrow
from trygghet.core.formatting import fmt_int
from trygghet.core.initial_lists import STATUSES
from trygghet.core.text import Vocabulary, split_list
from trygghet.ingest import cells as V
from trygghet.ingest import reporters
from trygghet.ingest.sheetspec import SheetSpec


@dataclass
class Vocabularies:
    districts: Vocabulary
    categories: Vocabulary
    priority_areas: Vocabulary
    organisations: Vocabulary
    statuses: Vocabulary = field(default_factory=lambda: Vocabulary(STATUSES))


def _optional(parser: Callable[[object], object]) -> Callable[[object], object]:
    def parse(value: object) -> object:
        return None if V.is_blank(value) else parser(value)

    return parse


def _required(parser: Callable[[object], object], header: str) -> Callable[[object], object]:
    def parse(value: object) -> object:
        if V.is_blank(value):
            raise ValueError(f"{header} saknas. Fyll i {header.lower()} eller ta bort raden.")
        return parser(value)

    return parse


# Swedish forms per list: (unknown-adjective + noun, plural noun)
_LIST_WORDS = {
    "stadsdel": ("Okänd stadsdel", "stadsdelar"),
    "kategori": ("Okänd kategori", "kategorier"),
    "prioriterat område": ("Okänt prioriterat område", "prioriterade områden"),
}


def _vocab_parser(vocab: Vocabulary, label: str, how_to_add: str) -> Callable[[object], object]:
    unknown, plural = _LIST_WORDS[label]

    def parse(value: object) -> str:
        text = V.text_value(value)
        hit = vocab.match(text)
        if hit is not None:
            return hit
        suggestion = vocab.suggest(text)
        if suggestion:
            raise ValueError(f"{unknown} '{text}' – menade du '{suggestion}'?")
        if len(vocab) == 0:
            raise ValueError(f"{unknown} '{text}': inga {plural} är upplagda ännu. {how_to_add}")
        known = ", ".join(vocab.names[:12]) + (" …" if len(vocab) > 12 else "")
        raise ValueError(f"{unknown} '{text}'. Kända: {known}. {how_to_add}")

    return parse


_NEEDS_CLEANING = re.compile(r"^\s|\s$|\s\s|[^\S ]|[\x00-\x1f\x7f]")
MAX_TEXT = 4000


def _text(value: object) -> str | None:
    if type(value) is str and value and not _NEEDS_CLEANING.search(value) and value[0] != "#":
        text = value
    else:
        text = V.text_value(value)
    if len(text) > MAX_TEXT:
        raise ValueError(f"Texten är för lång ({fmt_int(len(text))} tecken; högst {fmt_int(MAX_TEXT)}). Korta den.")
    return text or None


# _NEEDS_CLEANING for a whole column in Arrow's RE2, whose \s is ASCII only: Python's \s in a str
# pattern is every character for which str.isspace() holds, listed here (tests/test_values.py
# checks the list against str.isspace over all of Unicode). Also flags what _text treats apart:
# a leading '#' (an Excel error value) and the empty string.
_WHITESPACE_BUT_SPACE = r"\t\n\v\f\r\x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_NEEDS_CLEANING_RE2 = rf"^[ #]| $|  |[{_WHITESPACE_BUT_SPACE}\x00-\x1f\x7f]|^$"


def _clean_strings(uniques: list[object]) -> list[bool]:
    """Which values are strings that _text would return unchanged, decided for the column at once."""
    strings = [i for i, v in enumerate(uniques) if type(v) is str]
    as_is = [False] * len(uniques)
    if strings:
        # Arrow once there is text to check: a worker that reads a large workbook first has not yet
        # loaded it while the workbook reader needs the memory.
        pa = arrow.load()
        import pyarrow.compute as pc

        array = pa.array([uniques[i] for i in strings], type=pa.large_string())
        # The limit as a typed scalar: a bare int would make Arrow import pandas to convert it.
        dirty = pc.or_(pc.match_substring_regex(array, _NEEDS_CLEANING_RE2),
                       pc.greater(pc.utf8_length(array), pa.scalar(MAX_TEXT, pa.int64()))).to_pylist()
        for i, bad in zip(strings, dirty, strict=True):
            as_is[i] = not bad
    return as_is


def _text_batch(uniques: list[object]) -> tuple[np.ndarray, list[str | None]]:
    """Optional text for a whole column: clean strings pass as they are, the rest go one by one."""
    results = np.empty(len(uniques), dtype=object)
    messages: list[str | None] = [None] * len(uniques)
    for i, (value, as_is) in enumerate(zip(uniques, _clean_strings(uniques), strict=True)):
        if as_is:
            results[i] = value
            continue
        try:
            results[i] = None if V.is_blank(value) else _text(value)
        except ValueError as exc:
            messages[i] = str(exc)
    return results, messages


def _optional_text(value: object) -> str | None:
    return None if V.is_blank(value) else _text(value)


_optional_text.batch = _text_batch  # type: ignore[attr-defined]


def _coordinate(low: float, high: float, label: str) -> Callable[[object], object]:
    def outside(value: object) -> str:
        return (
            f"{label} {value} ligger utanför Sverige ({low:g}–{high:g}). "
            "Ange koordinaten i WGS84 decimalgrader eller lämna cellen tom."
        )

    def parse(value: object) -> object:
        if V.is_blank(value):
            return None
        number = V.parse_float(value, label)
        if not low <= number <= high:
            raise ValueError(outside(value))
        return number

    def batch(uniques: list[object]) -> tuple[np.ndarray, list[str | None]] | None:
        # Coordinates are nearly all distinct: check them as one array when they are plain numbers.
        if not all(type(v) is float or v is None or v == "" for v in uniques):
            return None
        numbers = np.array([np.nan if v is None or v == "" else v for v in uniques], dtype="float64")
        bad = ~np.isnan(numbers) & ((numbers < low) | (numbers > high))
        results = np.empty(len(uniques), dtype=object)
        results[:] = [None if v is None or v == "" else v for v in uniques]
        results[bad] = None
        messages = [outside(uniques[i]) if flag else None for i, flag in enumerate(bad.tolist())]
        return results, messages

    parse.batch = batch  # type: ignore[attr-defined]
    return parse


def _percent(value: object) -> float:
    number = V.parse_float(value, "värdet")
    if not 0 <= number <= 100:
        raise ValueError(f"Värdet {value} ligger inte mellan 0 och 100 procent.")
    return number


def _respondents(value: object) -> int:
    number = V.parse_int(value, "antal svar")
    if number < 0:
        raise ValueError("Antal svar kan inte vara negativt.")
    return number


def _status_parser(vocab: Vocabulary) -> Callable[[object], object]:
    def parse(value: object) -> str:
        text = V.text_value(value)
        hit = vocab.match(text)
        if hit:
            return hit
        raise ValueError(f"Okänd status '{text}'. Tillåtna: {', '.join(STATUSES)}.")

    return parse


def field_parsers(spec: SheetSpec, vocab: Vocabularies) -> dict[str, Callable[[object], object]]:
    add_district = "Nya stadsdelar läggs till genom att ladda upp fliken Stadsdelar."
    add_category = "Nya kategorier läggs till genom att ladda upp fliken Kategorier."
    district = _vocab_parser(vocab.districts, "stadsdel", add_district)
    category = _vocab_parser(vocab.categories, "kategori", add_category)
    if spec.kind == "events":
        return {
            # Either column may hold the date; a row with neither is rejected in _finish_events.
            "date": _optional(V.parse_datetime_value),
            "datetime": _optional(V.parse_datetime_value),
            "time": _optional(V.parse_time_value),
            "district": _required(district, "Stadsdel"),
            "category": _required(reporters.or_nothing(category), "Kategori"),
            "place": _optional_text,
            "description": _optional_text,
            "source": _optional_text,
            "external_id": _optional_text,
            "lat": _coordinate(55.0, 69.5, "Latitud"),
            "lon": _coordinate(10.5, 24.5, "Longitud"),
        }
    if spec.kind == "interventions":
        priority = (
            _vocab_parser(
                vocab.priority_areas,
                "prioriterat område",
                "Nya områden läggs till genom att ladda upp fliken Prioriterade områden.",
            )
            if len(vocab.priority_areas)
            else _text
        )
        return {
            "id": _required(_text, "Insats-ID"),
            "title": _required(_text, "Insats"),
            "priority_area": _optional(priority),
            "district": _optional(district),
            "owner": _optional(lambda v: vocab.organisations.match(V.text_value(v)) or _text(v)),
            "contact": _optional(_text),
            "status": _optional(_status_parser(vocab.statuses)),
            "start_date": _optional(V.parse_date_value),
            "end_date": _optional(V.parse_date_value),
            "comment": _optional(_text),
        }
    if spec.kind == "priority_areas":

        def indicators(value: object) -> list[str]:
            result = []
            for part in split_list(V.text_value(value)):
                result.append(category(part))
            return result

        return {
            "name": _required(_text, "Område"),
            "description": _optional_text,
            "goal": _optional(_text),
            "indicators": _optional(indicators),
            "valid_from": _optional(V.parse_date_value),
            "valid_to": _optional(V.parse_date_value),
        }
    if spec.kind == "survey":
        return {
            "period": _required(V.parse_period, "Period"),
            "district": _required(district, "Stadsdel"),
            "indicator": _required(_text, "Indikator"),
            "value": _required(_percent, "Värde"),
            "respondents": _optional(_respondents),
        }
    if spec.kind == "districts":
        return {
            "name": _required(_text, "Stadsdel"),
            "area": _optional(_text),
            "police_area": _optional(_text),
            "municipality": _optional(_text),
            "neighbourhoods": _optional(lambda v: split_list(V.text_value(v))),
        }
    if spec.kind == "categories":
        return {
            "name": _required(_text, "Kategori"),
            "group": _optional(_text),
            "description": _optional_text,
        }
    if spec.kind == "reporters":
        return reporters.parsers()
    if spec.kind in ("population", "reference", "context", "survey_groups"):
        return _report_parsers(spec.kind, district)
    raise ValueError(spec.kind)


# ---------------------------------------------------------------- the lägesbild's context sheets

WHOLE_MUNICIPALITY = "Hela kommunen"
REFERENCE_LEVELS = ("kommun", "län", "riket")


def _year(value: object) -> int:
    year = V.parse_int(value, "året")
    if not 1990 <= year <= 2100:
        raise ValueError(f"Året {value} ser inte ut som ett årtal. Skriv t.ex. 2025.")
    return year


def _count(value: object) -> int:
    number = V.parse_int(value, "antalet")
    if number < 0:
        raise ValueError("Antalet invånare kan inte vara negativt.")
    return number


def _number(value: object) -> float:
    return V.parse_float(value, "värdet")


def _not_negative(value: object) -> float:
    number = V.parse_float(value, "värdet")
    if number < 0:
        raise ValueError(f"Värdet {value} kan inte vara negativt.")
    return number


def _level(value: object) -> str:
    text = V.text_value(value).strip().casefold()
    for level in REFERENCE_LEVELS:
        if text == level or text.startswith(level):
            return level
    if text in ("sverige", "hela landet", "nationell", "nationellt"):
        return "riket"
    raise ValueError(f"Okänd nivå '{value}'. Skriv kommun, län eller riket.")


def _report_parsers(kind: str, district: Callable[[object], object]) -> dict[str, Callable[[object], object]]:
    def district_or_whole(value: object) -> object:
        text = V.text_value(value).strip()
        if text.casefold() in ("hela kommunen", "kommunen", "alla", "alla stadsdelar", "totalt"):
            return WHOLE_MUNICIPALITY
        return district(value)

    if kind == "population":
        return {"district": _required(district, "Stadsdel"), "year": _required(_year, "År"),
                "population": _required(_count, "Invånare")}
    if kind == "reference":
        return {"measure": _required(_text, "Mått"), "area": _required(_text, "Område"), "level": _optional(_level),
                "year": _required(_year, "År"), "value": _required(_not_negative, "Värde"), "unit": _optional(_text),
                "source": _optional(_text)}
    if kind == "context":
        return {"indicator": _required(_text, "Indikator"), "district": _required(district_or_whole, "Stadsdel"),
                "year": _required(_year, "År"), "value": _required(_number, "Värde"), "unit": _optional(_text),
                "source": _optional(_text)}
    return {"period": _required(V.parse_period, "Period"), "district": _required(district, "Stadsdel"),
            "indicator": _required(_text, "Indikator"), "grouping": _required(_text, "Indelning"),
            "group_name": _required(_text, "Grupp"), "value": _required(_percent, "Värde"),
            "respondents": _optional(_respondents)}
