"""Small SQL builders shared by every query: placeholders for IN lists, never formatted values."""

from __future__ import annotations

from collections.abc import Collection


def in_list(values: Collection[object]) -> str:
    """"(?, ?, ?)" for `values`, to pair with the values as parameters.

    An empty collection gives "(NULL)", which matches nothing, so a filter on no values
    selects no rows instead of failing to parse."""
    if not values:
        return "(NULL)"
    return "(" + ", ".join("?" for _ in values) + ")"
