"""The browser starts loading the chart and table code while the server still computes the first page.

Streamlit's frontend fetches the code for an element type only when the first element of that type
arrives. On a dashboard the charts and tables come last in the run, so the largest pieces of code
(Plotly's, about 4.7 MB; Vega's, about 0.8 MB) were fetched and compiled after the server had finished: on this kind of
machine a second of the first page spent waiting for it. Importing those modules at the start of
the run lets the browser do that work while the server works; Streamlit's own import of the same
URL later finds the module already loaded.

The modules are found by name in Streamlit's installed static files, so a Streamlit version that
names them differently gets no preload and nothing else changes. The script is a constant of this
module with file names from Streamlit's own folder: no user text reaches it.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

# Element code the first page needs (its Vega-Lite chart, the grids, the key figures), then the
# meeting page's inputs, small, so that its first visit does not wait for their round trips either.
CHUNKS = ("ArrowVegaLiteChart", "loadVegaEmbed", "embed", "vega-interpreter", "DataFrame", "arrowFormatUtils",
          "Metric", "TextInput", "TextArea", "Button")
# The other dashboards' chart code, 4.7 MB, fetched once the first page is drawn and the browser is
# idle: compiled during the first page, it made that page half a second slower.
IDLE_CHUNKS = ("PlotlyChart",)
_NAME = re.compile(r"^[A-Za-z]+\.[A-Za-z0-9_-]+\.js$")


def _static_js() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "static" / "js"


@functools.cache
def chunk_files(folder: Path | None = None, names: tuple[str, ...] = CHUNKS) -> tuple[str, ...]:
    """The file names of the chunks `names` in Streamlit's static folder, in that order; a chunk not
    found (another Streamlit version) is left out."""
    folder = folder or _static_js()
    found: list[str] = []
    for chunk in names:
        matches = sorted(p.name for p in folder.glob(f"{chunk}.*.js") if _NAME.match(p.name))
        if len(matches) == 1:  # more than one would be a guess
            found.append(matches[0])
    return tuple(found)


def preload_script(files: tuple[str, ...] | None = None, idle: tuple[str, ...] | None = None) -> str | None:
    """An inline module script that imports the chunks relative to Streamlit's own entry script, so
    that the URLs are the ones Streamlit will import (a base URL path included): `files` at once,
    `idle` once the run has finished and the browser is idle. None without chunks."""
    files = chunk_files() if files is None else files
    idle = chunk_files(names=IDLE_CHUNKS) if idle is None else idle
    if not files and not idle:
        return None
    # Hidden with its element's container: an empty element would still take a gap at the page's top.
    return (
        "<style>[data-testid='stElementContainer']:has(script[data-chunk-preload]) {display: none}</style>"
        "<script type=\"module\" data-chunk-preload>"
        "const entry = document.querySelector(\"script[type='module'][src*='static/js/index.']\");"
        "const load = (names) => { for (const name of names) {"
        " import(new URL(name, entry.src).href).catch(() => {}); } };"
        "const whenIdle = window.requestIdleCallback || ((then) => setTimeout(then, 0));"
        "const later = () => { const app = document.querySelector(\"[data-testid='stApp']\");"
        " if (app && app.getAttribute('data-test-script-state') === 'notRunning') {"
        " whenIdle(() => load(" + json.dumps(list(idle)) + "), {timeout: 3000}); }"
        " else { setTimeout(later, 250); } };"
        "if (entry) { load(" + json.dumps(list(files)) + "); setTimeout(later, 250); }"
        "</script>"
    )
