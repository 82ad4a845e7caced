"""Every text in a finished Plotly figure made plain, for the screen and the documents alike.

Plotly draws trace names, point texts, hover labels, category ticks, titles and annotations as a
subset of HTML: a district or category named <a href="…">…</a> would be a live link, <b>…</b>
bold. Rather than each chart escaping its own names, `plain_figure` walks the finished figure and
escapes every string it finds with text.plotly_literal, which is idempotent, so a figure (or a name
a chart escaped itself) that passes twice is not shown as '&amp;lt;'. Numbers and dates are not
strings and stay as they are; a string without & < > or a line break is left as the same object.

Hover and text templates are the app's own markup (<b>, <br>, <extra>) with %{…} placeholders,
whose values come from the escaped data: in them only the app's few tags survive, so even a name
pasted into a template can make no link or styled span. Charts put names in the data (x, y, text,
customdata, meta, name), never into a template.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from trygghet.core.text import plotly_literal

# Not shown as text, or not the users' to set: Streamlit's theme template, the operator's tile
# server and its attribution (which may link on purpose), d3 number and date formats, and the
# outlines' coordinates (skipped for speed: numbers only).
_SKIPPED = frozenset({"template", "source", "sourceattribution", "tickformatstops", "geometry", "coordinates"})
_SKIPPED_ENDINGS = ("src", "format")
_TEMPLATE_ENDINGS = ("template", "templatefallback")
# MapLibre draws the text of these traces itself, as plain characters with no entities decoded.
_MAP_TRACES = frozenset({"scattermap", "scattermapbox"})

_APP_TAGS = re.compile(r"<(?!(?:br|/?b|/?i|/?sup|/?sub|/?extra)>)")

Escape = Callable[[str], str]


def template_literal(template: str) -> str:
    """A hover or text template with every tag but the app's own (<br>, <b>, <i>, <sup>, <sub>,
    <extra>) shown as typed."""
    return _APP_TAGS.sub("&lt;", template) if "<" in template else template


def _walk(value: object, escape: Escape) -> object:
    """`value` with every string escaped; the very same object when nothing needed it."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return _walk_dict(value, escape)
    if isinstance(value, np.ndarray):
        return _walk_array(value, escape) if value.dtype.kind in "OUS" else value
    if isinstance(value, (list, tuple)):
        items = [_walk(item, escape) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value


def _walk_array(value: np.ndarray, escape: Escape) -> np.ndarray:
    # Columns of thousands of points repeat a few names: each distinct value is escaped once.
    flat = value.ravel()
    try:
        distinct = pd.unique(flat)
    except TypeError:  # lists inside: one by one
        items = [_walk(item, escape) for item in flat]
        if all(new is old for new, old in zip(items, flat, strict=True)):
            return value
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(value.shape)
    changed = {v: e for v in distinct if isinstance(v, str) and (e := escape(v)) != v}
    if not changed:
        return value
    out = flat.astype(object)
    for old, new in changed.items():
        out[flat == old] = new
    return out.reshape(value.shape)


def _walk_dict(props: dict[str, object], escape: Escape) -> dict[str, object]:
    out: dict[str, object] | None = None
    for key, value in props.items():
        if key in _SKIPPED or key.endswith(_SKIPPED_ENDINGS):
            continue
        new = _walk(value, template_literal if key.endswith(_TEMPLATE_ENDINGS) else escape)
        if new is not value:
            if out is None:
                out = dict(props)
            out[key] = new
    return props if out is None else out


def _trace_changes(props: dict[str, object]) -> dict[str, object]:
    if props.get("type") in _MAP_TRACES and "text" in props:
        # The map draws `text` as typed; the hover, which is Plotly's own, gets it escaped.
        text = props.pop("text")
        changes = {k: v for k, v in _walk_dict(props, plotly_literal).items() if v is not props.get(k)}
        if "hovertext" not in props:
            hover = _walk(text, plotly_literal)
            if hover is not text:
                changes["hovertext"] = hover
        return changes
    return {k: v for k, v in _walk_dict(props, plotly_literal).items() if v is not props.get(k)}


def plain_figure(fig: go.Figure) -> go.Figure:
    """The figure with all its text shown as typed (in place; returned for chaining). Only the
    properties that held markup are set again, so a figure of plain names costs one read."""
    for trace in fig.data:
        # Plotly's own property dict, read without the deep copy to_plotly_json makes (a tenth of
        # a second for a map of many points); every change goes back through its checked update.
        changes = _trace_changes(dict(trace._props or {}))
        if changes:
            trace.update(changes, overwrite=True)
    layout = fig.layout.to_plotly_json()
    changes = {k: v for k, v in _walk_dict(layout, plotly_literal).items() if v is not layout.get(k)}
    if changes:
        fig.update_layout(changes, overwrite=True)
    return fig
