"""Query results cached per data version: a page calls the query function itself, through `query`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from trygghet.store.db import Database
from trygghet.ui.shell import status


@st.cache_data(max_entries=1024, show_spinner=False)
def _run_query(_fn: Callable[..., object], key: str, path: str, version: int, args: tuple[object, ...]) -> object:
    # `_fn` is not hashed (leading underscore); `key` names it in the cache instead.
    with Database(Path(path)).read() as con:
        return _fn(con, *args)


def cache_key(fn: Callable[..., object]) -> str:
    """The name `fn` is cached under: its module and qualified name, which only a function defined at
    a module's or a class's top level has to itself. Two lambdas, or two functions of one name made
    inside another, would share one name and each get the other's results; a functools.partial has
    none. TypeError for those."""
    qualname = getattr(fn, "__qualname__", None)
    module = getattr(fn, "__module__", None)
    if not isinstance(qualname, str) or not isinstance(module, str) or "<" in qualname:
        raise TypeError(
            f"cache.query needs a function defined at the top level of a module or class, so that its "
            f"name identifies it in the cache; got {fn!r}. Define the query with def at module level "
            f"and pass its arguments through query(fn, db, *args)."
        )
    return f"{module}.{qualname}"


def query(fn: Callable[..., object], db: Database, *args: object) -> object:
    """Runs `fn(con, *args)` once per data version and arguments; a new upload makes a new version."""
    key = cache_key(fn)
    version = int(status(db)["version"])
    return _run_query(fn, key, str(db.path), version, args)
