"""Storing the lägesbild's context sheets: Befolkning, Referensstatistik, Kontextindikatorer and
Trygghetsmätning per grupp. Each row replaces the stored value with the same key (a new upload of
next year's figures adds, a corrected figure updates) and remembers its upload, so undoing the
upload removes it. Returns (imported, updated, unchanged) as the importer's other writers do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import duckdb

from trygghet.ingest.validate import ParsedSheet

Writer = Callable[[duckdb.DuckDBPyConnection, ParsedSheet, int, dt.datetime, str | None], tuple[int, int, int]]
TABLES = ("population", "reference_statistics", "context_indicators", "survey_groups")


def _upsert(con: duckdb.DuckDBPyConnection, table: str, keys: Sequence[str], values: Sequence[str],
            rows: list[tuple[list[object], list[object]]], upload_id: int) -> tuple[int, int, int]:
    """Inserts or updates rows of (key values, other values) by their key (text keys without regard
    to case)."""
    imported = updated = unchanged = 0
    where = " AND ".join(f"lower({k}::VARCHAR) = lower(?::VARCHAR)" for k in keys)
    for key, rest in rows:
        old = con.execute(f"SELECT {', '.join(values)} FROM {table} WHERE {where}", key).fetchone()
        if old is None:
            con.execute(f"INSERT INTO {table} ({', '.join([*keys, *values, 'upload_id'])}) VALUES "
                        f"({', '.join('?' for _ in [*keys, *values, 0])})", [*key, *rest, upload_id])
            imported += 1
        elif list(old) != list(rest):
            assignments = ", ".join(f"{v} = ?" for v in values)
            con.execute(f"UPDATE {table} SET {assignments}, upload_id = ? WHERE {where}", [*rest, upload_id, *key])
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


def _level(area: str) -> str:
    """Brå's tables name the area; the level follows from the name when the sheet does not say."""
    folded = area.casefold()
    if folded in ("riket", "sverige", "hela landet"):
        return "riket"
    if folded.endswith(" län") or folded.endswith("län"):
        return "län"
    return "kommun"


def write_population(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime,
                     user: str | None) -> tuple[int, int, int]:
    return _upsert(con, "population", ("district", "year"), ("population",),
                   [([r["district"], r["year"]], [r["population"]]) for r in sheet.records], upload_id)


def write_reference(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime,
                    user: str | None) -> tuple[int, int, int]:
    rows = []
    for r in sheet.records:
        source = str(r.get("source") or "Brå")
        source = "NTU" if source.casefold() == "ntu" else "Brå" if source.casefold() in ("brå", "bra") else source
        unit = r.get("unit") or ("%" if source == "NTU" else "per 100 000 invånare")
        rows.append(([source, r["measure"], r["area"], r["year"]],
                     [r.get("level") or _level(str(r["area"])), float(r["value"]), unit]))  # type: ignore[arg-type]
    return _upsert(con, "reference_statistics", ("source", "measure", "area", "year"), ("level", "value", "unit"),
                   rows, upload_id)


def write_context(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime,
                  user: str | None) -> tuple[int, int, int]:
    return _upsert(con, "context_indicators", ("indicator", "district", "year"), ("value", "unit", "source"),
                   [([r["indicator"], r["district"], r["year"]], [float(r["value"]), r.get("unit"),  # type: ignore[arg-type]
                                                                  r.get("source")]) for r in sheet.records], upload_id)


def write_survey_groups(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime,
                        user: str | None) -> tuple[int, int, int]:
    return _upsert(con, "survey_groups", ("period", "district", "indicator", "grouping", "group_name"),
                   ("value", "respondents"),
                   [([r["period"], r["district"], r["indicator"], r["grouping"], r["group_name"]],
                     [float(r["value"]), r.get("respondents")]) for r in sheet.records], upload_id)  # type: ignore[arg-type]


WRITERS: dict[str, Writer] = {
    "population": write_population,
    "reference": write_reference,
    "context": write_context,
    "survey_groups": write_survey_groups,
}


def remove_upload(con: duckdb.DuckDBPyConnection, upload_id: int) -> int:
    """Undoing an upload removes the values it stored; returns how many."""
    return sum(len(con.execute(f"DELETE FROM {table} WHERE upload_id = ? RETURNING 1", [upload_id]).fetchall())
               for table in TABLES)
