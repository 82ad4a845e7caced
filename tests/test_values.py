"""Single cell values as users write them (trygghet.ingest.cells) and text matching (trygghet.core.text)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from trygghet.core.text import Vocabulary, clean, fold, header_key, split_list, value_key
from trygghet.ingest import cells as V

D = dt.date
T = dt.time
NBSP = "\u00a0"

# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2026, 11, 3), (D(2026, 11, 3), None)),
        (dt.datetime(2026, 11, 3, 21, 30), (D(2026, 11, 3), T(21, 30))),
        (dt.datetime(2026, 11, 3, 21, 30, 5, 999), (D(2026, 11, 3), T(21, 30, 5))),
        (D(2026, 11, 3), (D(2026, 11, 3), None)),
        ("2026-11-03", (D(2026, 11, 3), None)),
        ("2026-11-3", (D(2026, 11, 3), None)),
        ("2026-11-03 21:30", (D(2026, 11, 3), T(21, 30))),
        ("2026-11-03 21:30:15", (D(2026, 11, 3), T(21, 30, 15))),
        ("2026-11-03T21:30:00", (D(2026, 11, 3), T(21, 30))),
        ("2026-11-03 kl. 21.30", (D(2026, 11, 3), T(21, 30))),
        ("20261103", (D(2026, 11, 3), None)),
        ("3/11/2026", (D(2026, 11, 3), None)),
        ("03/11/2026", (D(2026, 11, 3), None)),
        ("3/11/26", (D(2026, 11, 3), None)),
        ("03.11.2026", (D(2026, 11, 3), None)),
        ("3-11-2026", (D(2026, 11, 3), None)),
        ("3.11.2026 21:30", (D(2026, 11, 3), T(21, 30))),
        ("3/11/2026 2130", (D(2026, 11, 3), T(21, 30))),
        ("3 nov 2026", (D(2026, 11, 3), None)),
        ("3 nov. 2026", (D(2026, 11, 3), None)),
        ("3 November 2026", (D(2026, 11, 3), None)),
        ("03 NOV 2026", (D(2026, 11, 3), None)),
        ("1 maj 2026", (D(2026, 5, 1), None)),
        ("15 mars 2026", (D(2026, 3, 15), None)),
        ("3 okt 2026 kl 21.30", (D(2026, 10, 3), T(21, 30))),
        (f"  2026-11-03{NBSP}", (D(2026, 11, 3), None)),
        (46329, (D(2026, 11, 3), None)),  # an Excel serial whose date format was lost
        (46329.0, (D(2026, 11, 3), None)),
        (46329.895833333336, (D(2026, 11, 3), T(21, 30))),
    ],
)
def test_parse_datetime_value_reads_the_ways_dates_are_written(cell, expected) -> None:
    assert V.parse_datetime_value(cell) == expected


def test_day_first_never_month_first() -> None:
    assert V.parse_date_value("11/3/2026") == D(2026, 3, 11)
    assert V.parse_date_value("12.01.2026") == D(2026, 1, 12)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1900-01-01", "Datumet 1900-01-01 är orimligt (tillåtet är år 2000–2099)"),
        (dt.datetime(1900, 1, 5), "Datumet 1900-01-05 är orimligt"),
        ("2100-01-01", "Datumet 2100-01-01 är orimligt"),
        (D(2100, 6, 1), "Datumet 2100-06-01 är orimligt"),
        ("1/1/1999", "Datumet 1999-01-01 är orimligt"),
        (1, "Datumet 1899-12-31 är orimligt"),
        (0, "Talet 0 är inte ett datum"),
        (-5, "Talet -5 är inte ett datum"),
        ("31/02/2026", "'31/02/2026' är inget giltigt datum"),
        ("2026-13-01", "'2026-13-01' är inget giltigt datum"),
        ("3 foo 2026", "Okänt månadsnamn i '3 foo 2026'"),
        ("igår", "'igår' går inte att läsa som ett datum"),
        ("", "Datum saknas"),
        (T(21, 30), "bara ett klockslag"),
        (True, "'True' är inte ett datum"),
        ("2026-11-03 25:00", "'25:00' är inte ett giltigt klockslag"),
        ("#REF!", "Cellen innehåller felvärdet #REF! från en formel"),
        ("#DIV/0!", "felvärdet #DIV/0!"),
    ],
)
def test_parse_datetime_value_rejects_impossible_dates_with_a_swedish_message(cell, message) -> None:
    with pytest.raises(ValueError) as caught:
        V.parse_datetime_value(cell)
    assert message in str(caught.value)


def test_date_errors_say_how_to_write_a_date() -> None:
    with pytest.raises(ValueError) as caught:
        V.parse_date_value("nästa tisdag")
    assert "Skriv datumet som 2026-11-03, 3/11/2026, 03.11.2026 eller 3 nov 2026." in str(caught.value)


def test_parse_date_value_drops_the_time() -> None:
    assert V.parse_date_value("2026-11-03 21:30") == D(2026, 11, 3)


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (T(21, 30), T(21, 30)),
        (T(21, 30, 15, 500), T(21, 30, 15)),
        (dt.datetime(2026, 11, 3, 21, 30), T(21, 30)),
        (dt.timedelta(hours=21, minutes=30), T(21, 30)),  # how some readers give .ods times
        (0.8958333333, T(21, 30)),  # an Excel time without its format: a fraction of a day
        (0.0, T(0, 0)),
        (0.99999999, T(23, 59, 59)),
        ("21:30", T(21, 30)),
        ("21.30", T(21, 30)),
        ("2130", T(21, 30)),
        ("0930", T(9, 30)),
        ("930", T(9, 30)),
        (2130, T(21, 30)),
        (2130.0, T(21, 30)),
        (930, T(9, 30)),
        ("9:05", T(9, 5)),
        ("21", T(21, 0)),
        ("21:30:15", T(21, 30, 15)),
        ("kl 21.30", T(21, 30)),
        ("kl. 21:30", T(21, 30)),
        ("kl 2130", T(21, 30)),
        ("24:00", T(0, 0)),
        (f" 21:30{NBSP}", T(21, 30)),
    ],
)
def test_parse_time_value_reads_excel_times_and_text(cell, expected) -> None:
    assert V.parse_time_value(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("25:00", "'25:00' är inte ett giltigt klockslag"),
        ("21:61", "'21:61' är inte ett giltigt klockslag"),
        ("24:30", "'24:30' är inte ett giltigt klockslag"),
        ("kväll", "'kväll' är inte ett klockslag"),
        ("21:3", "'21:3' är inte ett klockslag"),
        (1.5, "'1.5' är inte ett klockslag"),
        (dt.timedelta(days=1, hours=2), "är inte ett klockslag"),
        (True, "'True' är inte ett klockslag"),
        ("#N/A", "felvärdet #N/A"),
    ],
)
def test_parse_time_value_rejects_what_is_not_a_time_of_day(cell, message) -> None:
    with pytest.raises(ValueError) as caught:
        V.parse_time_value(cell)
    assert message in str(caught.value)
    if "felvärdet" not in message:
        assert "Skriv tiden som 21:30, 21.30 eller 2130." in str(caught.value)


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (57.7089, 57.7089),
        (12, 12.0),
        ("57.7089", 57.7089),
        ("57,7089", 57.7089),
        (" 64,5 % ", 64.5),
        ("1 234,5", 1234.5),
        (f"1{NBSP}234,5", 1234.5),
        ("\u22125", -5.0),  # the minus sign Word and Excel sometimes put in
        ("-5", -5.0),
        ("1e3", 1000.0),
    ],
)
def test_parse_float_reads_numbers_with_decimal_comma_or_point(cell, expected) -> None:
    assert V.parse_float(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("norr", "'norr' är inte ett tal"),
        ("1.234,5", "'1.234,5' är inte ett tal"),
        ("inf", "'inf' är inte ett tal"),
        ("nan", "'nan' är inte ett tal"),
        (math.inf, "är inte ett tal"),
        (True, "'True' är inte ett tal"),
        (D(2026, 1, 1), "Ett datum eller klockslag står där latitud ska stå"),
        (T(21, 30), "Ett datum eller klockslag står där latitud ska stå"),
        ("#VALUE!", "felvärdet #VALUE!"),
        ("#SAKNAS!", "felvärdet #SAKNAS!"),
    ],
)
def test_parse_float_rejects_text_dates_and_error_values(cell, message) -> None:
    with pytest.raises(ValueError) as caught:
        V.parse_float(cell, "latitud")
    assert message in str(caught.value)


def test_parse_int_accepts_whole_numbers_only() -> None:
    assert V.parse_int("412") == 412
    assert V.parse_int(412.0) == 412
    assert V.parse_int("412,0") == 412
    with pytest.raises(ValueError, match="'4,5' är inte ett heltal"):
        V.parse_int("4,5")


# ---------------------------------------------------------------- text cells


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Norrby\u00a0 torg ", "Norrby torg"),
        (1001, "1001"),
        (1001.0, "1001"),  # numbers typed into a text column lose no '.0'
        (57.5, "57.5"),
        (True, "Ja"),
        (False, "Nej"),
        (dt.datetime(2026, 11, 3, 21, 30), "2026-11-03 21:30"),
        (dt.datetime(2026, 11, 3), "2026-11-03"),
        (D(2026, 11, 3), "2026-11-03"),
        (T(21, 30), "21:30:00"),
        ("#1 prioritet", "#1 prioritet"),
    ],
)
def test_text_value_turns_any_cell_into_clean_text(cell, expected) -> None:
    assert V.text_value(cell) == expected


@pytest.mark.parametrize(
    "error_value",
    ["#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#ref!", " #N/A ",
     "#REFERENS!", "#DIVISION/0!", "#VÄRDEFEL!", "#NAMN?", "#SAKNAS!", "#OGILTIGT!", "#SKÄRNING!"],
)
def test_formula_error_values_are_refused_everywhere(error_value) -> None:
    for parser in (V.text_value, V.parse_float, V.parse_time_value, V.parse_datetime_value, V.parse_period):
        with pytest.raises(ValueError, match="från en formel"):
            parser(error_value)


@pytest.mark.parametrize(("cell", "blank"), [(None, True), ("", True), (f"  {NBSP}\t", True), (math.nan, True),
                                             (0, False), (0.0, False), ("x", False), (False, False)])
def test_is_blank(cell, blank) -> None:
    assert V.is_blank(cell) is blank


def test_json_safe_keeps_original_values_storable() -> None:
    assert V.json_safe(None) is None
    assert V.json_safe(3) == 3
    assert V.json_safe(1.5) == 1.5
    assert V.json_safe(math.nan) is None
    assert V.json_safe(dt.datetime(2026, 11, 3, 21, 30)) == "2026-11-03T21:30:00"
    assert V.json_safe(D(2026, 11, 3)) == "2026-11-03"
    assert V.json_safe(T(21, 30)) == "21:30:00"
    assert V.json_safe(dt.timedelta(hours=1)) == "1:00:00"


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025", "2025"),
        (2025, "2025"),
        (2025.0, "2025"),
        (D(2025, 5, 1), "2025"),
        ("2025 K3", "2025-Q3"),
        ("2025-Q3", "2025-Q3"),
        ("2025 q3", "2025-Q3"),
        ("2025 kv 3", "2025-Q3"),
        ("2025 kv. 3", "2025-Q3"),
        ("2025 kvartal 3", "2025-Q3"),
        ("2025/K1", "2025-Q1"),
        ("2025 T2", "2025-T2"),
        ("2025 tertial 2", "2025-T2"),
    ],
)
def test_parse_period_reads_years_quarters_and_tertials(cell, expected) -> None:
    assert V.parse_period(cell) == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1999", "Året 1999 är orimligt"),
        ("2100", "Året 2100 är orimligt"),
        ("2025 K5", "Perioden '2025 K5' går inte att läsa"),
        ("2025 T4", "Det finns bara tre tertial per år"),
        ("K3 2025", "Perioden 'K3 2025' går inte att läsa"),
        ("25", "Perioden '25' går inte att läsa"),
        ("hösten", "Perioden 'hösten' går inte att läsa"),
    ],
)
def test_parse_period_rejects_what_is_not_a_period(cell, message) -> None:
    with pytest.raises(ValueError) as caught:
        V.parse_period(cell)
    assert message in str(caught.value)


# ---------------------------------------------------------------- text normalisation


def test_clean_trims_and_collapses_every_kind_of_white_space() -> None:
    assert clean(f"  Östra{NBSP}{NBSP}Hamnen\t\n torg \u202f\u200b") == "Östra Hamnen torg"


def test_fold_ignores_case_and_diacritics() -> None:
    assert fold("Ångered ÖSTRA Hamnen") == "angered ostra hamnen"
    assert fold("Skadegörelse") == fold("SKADEGORELSE")


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Händelse-ID", "handelseid"),
        ("Händelse ID", "handelseid"),
        (f"händelse{NBSP}id", "handelseid"),
        ("HÄNDELSE_ID", "handelseid"),
        ("Insats–ID", "insatsid"),  # en dash
        (" *Datum: ", "datum"),
        ("Datum och tid", "datumochtid"),
        ("  STADSDEL  ", "stadsdel"),
        (None, ""),
        (12, "12"),
    ],
)
def test_header_key_ignores_case_spaces_diacritics_dashes_and_markers(header, key) -> None:
    assert header_key(header) == key


def test_value_key_ignores_all_white_space() -> None:
    assert value_key(f" Östra{NBSP} Hamnen ") == value_key("ostrahamnen") == "ostrahamnen"
    assert value_key("Ungdomar som samlas / stör") == value_key("Ungdomar som samlas/stör")


def test_vocabulary_matches_leniently_and_returns_the_known_spelling() -> None:
    vocab = Vocabulary(["Norrby", "Angered", "Östra Hamnen"], {"Ö Hamnen": "Östra Hamnen"})

    assert vocab.match("ANGERED ") == "Angered"
    assert vocab.match("ostra hamnen") == "Östra Hamnen"
    assert vocab.match("ÖstraHamnen") == "Östra Hamnen"
    assert vocab.match("ö hamnen") == "Östra Hamnen"  # an alias
    assert vocab.match("Angerd") is None  # a near miss is never a match
    assert vocab.match("Hamnen") is None
    assert len(vocab) == 3


def test_vocabulary_suggests_only_near_misses() -> None:
    vocab = Vocabulary(["Norrby", "Angered", "Östra Hamnen", "Centrum"])

    assert vocab.suggest("Angerd") == "Angered"
    assert vocab.suggest("Norby") == "Norrby"
    assert vocab.suggest("Östra Hamen") == "Östra Hamnen"
    assert vocab.suggest("Gamlestaden") is None
    assert vocab.suggest("X") is None


def test_vocabulary_add_keeps_the_first_spelling() -> None:
    vocab = Vocabulary(["Norrby"])
    vocab.add("NORRBY")
    vocab.add("Västra Kajen")

    assert vocab.names == ["Norrby", "Västra Kajen"]
    assert vocab.match("västra kajen") == "Västra Kajen"


def test_split_list_splits_on_commas_semicolons_and_line_breaks() -> None:
    assert split_list(f"Klotter, Skadegörelse;Anlagd brand\n{NBSP}Stöld ,, ;") == [
        "Klotter", "Skadegörelse", "Anlagd brand", "Stöld"
    ]


def test_the_column_check_for_clean_text_agrees_with_the_one_by_one_check() -> None:
    """field_parsers._clean_strings decides in Arrow's RE2 what _NEEDS_CLEANING decides in Python, whose
    \\s is every str.isspace() character; both must say the same of every string."""
    import re
    import sys

    from trygghet.ingest import field_parsers

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    python_class = re.sub(r"\\x\{([0-9a-f]{4})\}", r"\\u\1", field_parsers._WHITESPACE_BUT_SPACE)  # RE2's \x{2000}
    listed = re.compile(f"[{python_class}]")
    assert [c for c in spaces if c != " " and not listed.match(c)] == []
    samples = ["Torget", "Storgatan 12", "#N/A", "", " ledande", "efter ", "två  mellanslag", "å ä ö",
               "x" * field_parsers.MAX_TEXT, "x" * (field_parsers.MAX_TEXT + 1), "tab\there", "rad\nbrytning", "ctrl\x07"]
    samples += [f"a{c}b" for c in spaces] + [f"{c}a" for c in spaces] + [f"a{c}" for c in spaces]
    values: list[object] = [*samples, 12, 1.5, None, True]
    expected = [type(v) is str and bool(v) and v[0] != "#" and len(v) <= field_parsers.MAX_TEXT
                and not field_parsers._NEEDS_CLEANING.search(v) for v in values]
    assert field_parsers._clean_strings(values) == expected
    assert sum(expected) >= 4  # the check does pass clean text
