"""The expected reporters (the Rapportörer sheet) and "Inget att rapportera" on the Händelser sheet.

A Rapportörer row names an organisation expected to report and how often (vecka or månad). A
Händelser row whose Kategori is "Inget att rapportera" is the reporter's word that nothing happened
that week: it is stored in `nothing_reports` for the week of its date and the reporter in its Källa,
never as an event. Names are matched as districts are (case, spaces and diacritics ignored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

from trygghet.core.periods import IsoWeek
from trygghet.core.text import Vocabulary, value_key
from trygghet.ingest import cells as V
from trygghet.store import reporter_list
from trygghet.store.reporter_list import INTERVALS as INTERVALS  # the Excel template's list of words
from trygghet.store.reporter_list import MONTHLY, WEEKLY

NOTHING_TO_REPORT = "Inget att rapportera"
_INTERVAL_WORDS = {
    WEEKLY: ("vecka", "veckovis", "varje vecka", "veckorapport", "v", "w", "weekly"),
    MONTHLY: ("månad", "månadsvis", "varje månad", "månadsrapport", "mån", "m", "monthly"),
}
_YES = ("ja", "j", "x", "aktiv", "1", "sant", "true")
_NO = ("nej", "n", "inaktiv", "slutat", "0", "falskt", "false")
# What a Händelser row's columns mean on an "Inget att rapportera" row: the date, and the reporter.
_KEPT_ON_NOTHING = ("date", "datetime", "time", "source")
MAX_NAME = 200


@dataclass(frozen=True)
class NothingRow:
    row: int  # as in Excel
    day: dt.date
    reporter: str


def is_nothing(value: object) -> bool:
    return isinstance(value, str) and value_key(value) == value_key(NOTHING_TO_REPORT)


def or_nothing(category: Callable[[object], object]) -> Callable[[object], object]:
    """The Händelser sheet's category parser, letting "Inget att rapportera" through as itself."""

    def parse(value: object) -> object:
        if not V.is_blank(value) and is_nothing(V.text_value(value)):
            return NOTHING_TO_REPORT
        return category(value)

    return parse


# ---------------------------------------------------------------- the Rapportörer sheet


def _name(value: object) -> str:
    text = V.text_value(value)
    if not text:
        raise ValueError("Rapportör saknas. Fyll i organisationens namn eller ta bort raden.")
    if len(text) > MAX_NAME:
        raise ValueError(f"Namnet är för långt ({len(text)} tecken; högst {MAX_NAME}). Korta det.")
    return text


def parse_interval(value: object) -> str:
    text = value_key(V.text_value(value))
    for interval, words in _INTERVAL_WORDS.items():
        if text in {value_key(w) for w in words}:
            return interval
    raise ValueError(f"Okänt intervall '{V.text_value(value)}'. Skriv vecka eller månad (tomt betyder vecka).")


def _active(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = value_key(V.text_value(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"Okänt värde '{V.text_value(value)}' i Aktiv. Skriv Ja eller Nej (tomt betyder Ja).")


def _optional(parser: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if V.is_blank(value) else parser(value)


def parsers() -> dict[str, Callable[[object], object]]:
    return {"name": _name, "interval": _optional(parse_interval), "active": _optional(_active)}


def write_reporters(
    con: duckdb.DuckDBPyConnection, sheet: Any, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    """New reporters are added, known ones (matched leniently) get the interval and activity of the row."""
    rows = con.execute("SELECT name, report_interval, active, sort_order FROM reporters").fetchall()
    vocab = Vocabulary([r[0] for r in rows])
    current = {r[0]: r for r in rows}
    order = max((r[3] for r in rows), default=-1) + 1
    imported = updated = unchanged = 0
    for record in sheet.records:
        interval = record.get("interval") or WEEKLY
        active = record.get("active")
        active = True if active is None else bool(active)
        name = vocab.match(str(record["name"]))
        if name is None:
            name = str(record["name"])
            con.execute("INSERT INTO reporters VALUES (?, ?, ?, ?, ?, ?)", [name, interval, active, order, upload_id, now])
            vocab.add(name)
            current[name] = (name, interval, active, order)
            order += 1
            imported += 1
        elif (current[name][1], current[name][2]) != (interval, active):
            con.execute("UPDATE reporters SET report_interval = ?, active = ?, upload_id = ?, updated_at = ? "
                        "WHERE name = ?", [interval, active, upload_id, now, name])
            current[name] = (name, interval, active, current[name][3])
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


def reporter_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every reporter on the list, active or not, in the list's order."""
    return reporter_list.names(con)


# ---------------------------------------------------------------- "Inget att rapportera" on Händelser


def nothing_rows(
    columns: dict[str, Any], errors: dict[int, list[Any]], headers: dict[str, str],
    data_rows: list[tuple[int, list[object]]], make_error: Callable[[int, str, str], Any],
) -> np.ndarray:
    """The rows of a Händelser sheet that say "Inget att rapportera", as a mask. Only their date and
    Källa count: what the other columns' parsers said of them (a blank Stadsdel) is dropped, and a
    row without Källa is rejected, since it would not say who has nothing to report."""
    category = columns.get("category")
    if category is None:
        return np.zeros(len(data_rows), dtype=bool)
    mask = category.derived(lambda v: v == NOTHING_TO_REPORT, bool)
    if not mask.any():
        return mask
    kept = {headers[name] for name in _KEPT_ON_NOTHING if name in headers}
    source = columns.get("source")
    sources = source.values() if source is not None else np.full(len(data_rows), None, dtype=object)
    for position in np.flatnonzero(mask).tolist():
        found = [e for e in errors.get(position, []) if e.column in kept]
        if sources[position] is None:
            found.append(make_error(data_rows[position][0], headers.get("source", "Källa"),
                                  f"Raden säger '{NOTHING_TO_REPORT}' men inte vem: fyll i rapportören i Källa."))
        if found:
            errors[position] = found
        else:
            errors.pop(position, None)
    return mask


def collect_nothing(mask: np.ndarray, days: np.ndarray, sources: np.ndarray, rownums: np.ndarray) -> list[NothingRow]:
    epoch = dt.date(1970, 1, 1).toordinal()
    return [NothingRow(int(rownums[i]), dt.date.fromordinal(int(days[i]) + epoch), str(sources[i]))
            for i in np.flatnonzero(mask).tolist()]


def nothing_note(rows: list[NothingRow]) -> str:
    weeks = sorted({(r.reporter, IsoWeek.of(r.day)) for r in rows}, key=lambda p: (p[1], p[0].casefold()))
    shown = ", ".join(f"{reporter} {week.label} {week.year}" for reporter, week in weeks[:8])
    return (f"{len(rows)} rad(er) '{NOTHING_TO_REPORT}' sparas som rapportörens rapport för veckan, inte som "
            f"händelser: {shown}{' …' if len(weeks) > 8 else ''}.")


def record_nothing(
    con: duckdb.DuckDBPyConnection, reporter: str, day: dt.date, *, upload_id: int | None = None,
    form_report_id: int | None = None, now: dt.datetime, user: str | None,
) -> bool:
    """Stores one reporter's "nothing to report" for the week of `day`; False when that week already has one.

    `user` is the account that acted, stored as the audit log stores it (see form_reports)."""
    name = reporter_list.canonical(con, reporter)
    week = str(IsoWeek.of(day))
    known = con.execute("SELECT count(*) FROM nothing_reports WHERE reporter = ? AND week = ?",
                        [name, week]).fetchall()[0][0]
    if known:
        return False
    con.execute("INSERT INTO nothing_reports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [name, week, day, upload_id, form_report_id, now, user]).fetchall()  # no open result left
    return True


def write_nothing(
    con: duckdb.DuckDBPyConnection, rows: list[NothingRow], upload_id: int, now: dt.datetime, user: str | None
) -> int:
    return sum(record_nothing(con, r.reporter, r.day, upload_id=upload_id, now=now, user=user) for r in rows)
