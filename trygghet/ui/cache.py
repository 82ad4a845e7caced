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


def query(fn: Callable[..., object], db: Database, *args: object) -> object:
    """Runs `fn(con, *args)` once per data version and arguments; a new upload makes a new version."""
    version = int(status(db)["version"])
    return _run_query(fn, f"{fn.__module__}.{fn.__qualname__}", str(db.path), version, args)
