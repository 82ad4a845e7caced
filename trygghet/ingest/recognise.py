"""Recognising a sheet: which of our kinds it is, where its header row stands and which
column holds which field, found by the headers (primary names before synonyms) and the
sheet's name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from trygghet.core import privacy
from trygghet.core.errors import UserError
from trygghet.core.text import clean, header_key
from trygghet.ingest.reader import RawSheet
from trygghet.ingest.sheetspec import ALL_SPECS, SheetSpec

HEADER_SEARCH_ROWS = 15
IGNORED_SHEET_KEYS = {header_key(n) for n in ("Instruktioner", "Instruktion", "Listor", "Lista", "Läs mig", "Info")}


class SheetError(UserError):
    """A sheet-level problem that makes the whole file unusable (message in Swedish)."""


@dataclass
class Recognition:
    spec: SheetSpec
    header_index: int  # 0-based index into RawSheet.rows
    columns: dict[str, int]  # field name -> column index
    headers: dict[str, str]  # field name -> header as written in the file
    ignored: list[str]
    duplicate_headers: list[str]


def _row_keys(row: list[object]) -> list[str]:
    return [header_key(c) if isinstance(c, str) and c.strip() else "" for c in row]


def _match(spec: SheetSpec, keys: list[str]) -> tuple[dict[str, int], list[str]]:
    """Maps fields to columns. Primary headers are matched before synonyms, so a 'Stadsdel'
    column wins over an 'Område' column standing to its left."""
    columns: dict[str, int] = {}
    duplicates: list[str] = []
    taken: set[int] = set()
    for primary in (True, False):
        for f in spec.fields:
            if f.name in columns:
                continue
            wanted = {header_key(f.header)} if primary else f.keys()
            hits = [i for i, key in enumerate(keys) if key and key in wanted and i not in taken]
            if hits:
                columns[f.name] = hits[0]
                taken.add(hits[0])
                if len(hits) > 1:
                    duplicates.append(f.header)
    # A required field takes back a column an optional one matched by its own name first: a Stadsdelar
    # sheet whose only name column is headed 'Stadsdelsområde' still has its districts.
    for f in spec.required:
        if f.name in columns:
            continue
        accepted = f.keys()
        for other in spec.fields:
            if not other.required and other.name in columns and keys[columns[other.name]] in accepted:
                columns[f.name] = columns.pop(other.name)
                break
    return columns, duplicates


def _has_required(spec: SheetSpec, columns: dict[str, int]) -> bool:
    return all(not (f.name not in columns and spec.alternatives.get(f.name) not in columns) for f in spec.required)


def _missing(spec: SheetSpec, columns: dict[str, int]) -> list[str]:
    return [
        f.header
        for f in spec.required
        if f.name not in columns and spec.alternatives.get(f.name) not in columns
    ]


def _name_hint(spec: SheetSpec, sheet_name: str) -> bool:
    key = header_key(sheet_name)
    return any(header_key(h) in key for h in spec.name_hints)


def recognise(sheet: RawSheet) -> Recognition | None:
    """Finds the sheet's kind and header row; None when it holds nothing importable.

    Raises SheetError when the sheet clearly is one of ours but lacks a required column.
    """
    head = sheet.rows[:HEADER_SEARCH_ROWS]
    best: tuple[tuple[int, int, int], SheetSpec, int, dict[str, int], list[str]] | None = None
    partial: tuple[tuple[int, int], SheetSpec, dict[str, int]] | None = None
    for spec in ALL_SPECS:
        hinted = _name_hint(spec, sheet.name)
        for index, row in enumerate(head):
            keys = _row_keys(row)
            columns, duplicates = _match(spec, keys)
            if not columns:
                continue
            # Without a telling sheet name one matching column is not enough to know the sheet.
            if _has_required(spec, columns) and (hinted or len(columns) >= 2):
                score = (len(columns), int(hinted), -index)
                if best is None or score > best[0]:
                    best = (score, spec, index, columns, duplicates)
            else:
                required_hits = sum(1 for f in spec.required if f.name in columns)
                if hinted or (len(columns) >= 2 and required_hits >= 1):
                    p_score = (int(hinted), len(columns))
                    if partial is None or p_score > partial[0]:
                        partial = (p_score, spec, columns)
    # A complete match wins, unless the sheet's name points at another kind whose columns
    # match at least as well: then the sheet is that kind with a column missing.
    if best is not None and (
        partial is None
        or not partial[0][0]
        or best[1] is partial[1]
        or best[0][1]
        or partial[0][1] < best[0][0]
    ):
        _, spec, index, columns, duplicates = best
        row = sheet.rows[index]
        headers = {name: header_text(row[i]) for name, i in columns.items()}
        ignored = [
            header_text(c) for i, c in enumerate(row) if i not in columns.values() and isinstance(c, str) and c.strip()
        ]
        return Recognition(spec, index, columns, headers, ignored, duplicates)
    if partial is not None:
        _, spec, columns = partial
        missing_headers = _missing(spec, columns)
        missing = " och ".join(f"'{m}'" for m in missing_headers)
        noun = "kolumnen" if len(missing_headers) == 1 else "kolumnerna"
        raise SheetError(
            f"Bladet '{sheet.name}' ser ut att vara {spec.title} men saknar den obligatoriska {noun} {missing}. "
            "Lägg till kolumnen (rubriken ska stå i en av de 15 första raderna) och ladda upp igen."
        )
    return None


def header_text(value: object, counts: Counter[str] | None = None) -> str:
    """A header as the report, the upload history and rejected rows show it: personal data masked."""
    text, findings = privacy.scrub(clean(str(value)))
    if counts is not None:
        counts.update(findings.counts)
    return text


def is_ignored_sheet(name: str) -> bool:
    return header_key(name) in IGNORED_SHEET_KEYS
