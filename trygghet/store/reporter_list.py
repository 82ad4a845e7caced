"""The expected reporters (table `reporters`, the Rapportörer sheet) and what an organisation is called.

An organisation is typed in many places: the Rapportörer sheet, an event's Källa, a rapportör's account,
an OpenID Connect mapping. Every check, count and filter resolves a typed name in one way, `key`, the
tolerant matching of districts (case, all white space and diacritics ignored), and stores the list's
spelling of it (`canonical`), so that "Vaktarbolaget" and "Fritid / fältare" on an account are the
list's "Väktarbolaget" and "Fritid/fältare".
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from trygghet.core.text import Vocabulary, clean, value_key
from trygghet.store.schema import table_names

# How often a reporter is expected to report: the one definition of the interval words.
WEEKLY, MONTHLY = "vecka", "månad"
INTERVALS = (WEEKLY, MONTHLY)


def key(name: str) -> str:
    """An organisation's matching key: two names with the same key are the same organisation."""
    return value_key(clean(name))


def names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every reporter on the list, active or not, in the list's order."""
    if "reporters" not in table_names(con):
        return []
    return [r[0] for r in con.execute("SELECT name FROM reporters ORDER BY sort_order, name").fetchall()]


def active(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The active reporters and their intervals, in the list's order."""
    if "reporters" not in table_names(con):
        return []
    return [(r[0], r[1]) for r in con.execute(
        "SELECT name, report_interval FROM reporters WHERE active ORDER BY sort_order, name").fetchall()]


def canonical(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The list's spelling of `name`, or `name` cleaned when the list does not hold it."""
    cleaned = clean(name)
    return Vocabulary(names(con)).match(cleaned) or cleaned


def spellings(values: Iterable[object], name: str) -> list[str]:
    """Those of `values` (stored Källa or reporter texts) that name the same organisation as `name`."""
    wanted = key(name)
    return sorted({str(v) for v in values if v is not None and key(str(v)) == wanted})
