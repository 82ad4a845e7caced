"""SQL text that holds no values: placeholders for IN lists, to pair with the values as parameters.

Pure string building, so every layer can use it; trygghet.store.sql offers it to the layers above
the store together with the helpers that run queries."""

from __future__ import annotations

from collections.abc import Collection


def in_list(values: Collection[object]) -> str:
    """"(?, ?, ?)" for `values`, to pair with the values as parameters.

    An empty collection gives "(NULL)", which matches nothing, so a filter on no values
    selects no rows instead of failing to parse."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join("?" for _ in values) + ")"
