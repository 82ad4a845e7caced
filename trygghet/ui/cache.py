"""Query results cached per data version: a page calls the query function itself, through `query`;
what it builds from them (a figure, a summary) through `derived`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from trygghet.present.chart_style import fit_margins
from trygghet.present.chart_text import plain_figure
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


# (path, change token) -> (data version, when read). A page asks for the version once per query, a
# dozen times a rerun; a stat call is cheaper than a lookup in Streamlit's cache of the status. Read
# again after STATUS_TTL seconds, as the status is, in case two writes left the same file stats.
_VERSIONS: dict[tuple[str, tuple[int, int, int]], tuple[int, float]] = {}
STATUS_TTL = 60.0


def data_version(db: Database) -> int:
    """The data version of `db` (shell.status), remembered per state of the file."""
    key, now = (str(db.path), db.change_token()), time.monotonic()
    known = _VERSIONS.get(key)
    if known is not None and now - known[1] < STATUS_TTL:
        return known[0]
    version = int(status(db)["version"])
    if len(_VERSIONS) > 64:
        _VERSIONS.clear()
    _VERSIONS[key] = (version, now)
    return version


def query(fn: Callable[..., object], db: Database, *args: object) -> object:
    """Runs `fn(con, *args)` once per data version and arguments; a new upload makes a new version."""
    key = cache_key(fn)
    version = data_version(db)
    return _run_query(fn, key, str(db.path), version, args)


@st.cache_resource(max_entries=512, show_spinner=False)
def _run_derived(_fn: Callable[..., object], _source: Callable[..., object], key: str, source_key: str, path: str,
                 version: int, source_args: tuple[object, ...], args: tuple[object, ...]) -> object:
    built = _fn(_run_query(_source, source_key, path, version, source_args), *args)
    # Plain and fitted once, here: widgets.chart's pass then finds nothing to change in the shared figure.
    for part in built if isinstance(built, tuple) else (built,):
        if isinstance(part, go.Figure):
            fit_margins(plain_figure(part))
    return built


def derived(fn: Callable[..., object], db: Database, source: tuple[object, ...], *args: object) -> object:
    """`fn(query(*source), *args)`: what a page builds from a query's result (a figure with its text
    alternative, a summary), built once per data version and arguments instead of on every rerun.

    `source` is the query as `query` takes it, `(query_fn, *its_args)`. The result is kept as it is, not
    copied (a Plotly figure would be rebuilt and checked again from a copy, which is what this saves),
    so it is shared by every session and rerun: nothing may change it afterwards. Figures in it are
    made plain (chart_text.plain_figure) and get their margins (chart_style.fit_margins) once, before
    they are shared.
    """
    source_fn, *source_args = source
    if not callable(source_fn):
        raise TypeError("cache.derived takes its source as (query_fn, *args), as cache.query does.")
    version = data_version(db)
    return _run_derived(fn, source_fn, cache_key(fn), cache_key(source_fn), str(db.path), version,
                        tuple(source_args), args)
