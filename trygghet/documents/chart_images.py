"""Plotly figures as PNG images on the server, through Kaleido and the system's Chromium.

Kaleido 1.x drives a headless Chrome or Chromium over the DevTools protocol (via choreographer);
it draws with the plotly.js that ships with plotly.py, so nothing is fetched from the internet
(MathJax, the only thing it would load from a CDN, is switched off). All figures of a document
are drawn in one browser session: starting the browser is most of the cost.

Where Kaleido, the browser or the drawing fails, `render` returns None and the documents show
the figures' numbers as tables instead, saying so.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Sequence

import plotly.graph_objects as go

from trygghet.core import config

log = logging.getLogger("trygghet")

FALLBACK_NOTE = "Diagrammen kunde inte ritas på servern; siffrorna visas som tabeller."
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
TIMEOUT_SECONDS = 90.0
WIDTH = 1000
SCALE = 2  # 2000 px wide images: sharp in print and when the Word file is zoomed

_lock = threading.Lock()
_cache: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 48


def enabled() -> bool:
    return config.charts_in_documents()


def browser_path() -> str | None:
    """BROWSER_PATH (choreographer's own variable) when set, else the first Chrome/Chromium on PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def _key(fig: go.Figure) -> str:
    return hashlib.sha256(fig.to_json().encode()).hexdigest()


async def _draw(figures: Sequence[go.Figure], path: str) -> list[bytes]:
    import kaleido

    images = []
    async with kaleido.Kaleido(n=1, timeout=TIMEOUT_SECONDS, mathjax=False, path=path) as k:
        for fig in figures:
            opts = {"format": "png", "width": int(fig.layout.width or WIDTH),
                    "height": int(fig.layout.height or 520), "scale": SCALE}
            images.append(await k.calc_fig(fig, opts=opts))
    return images


def _run(figures: Sequence[go.Figure], path: str) -> list[bytes]:
    """Runs the drawing in a thread of its own: Streamlit's script thread may have an event loop."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["images"] = asyncio.run(_draw(figures, path))
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, name="kaleido", daemon=True)
    thread.start()
    thread.join(TIMEOUT_SECONDS + 30 * len(figures))
    if thread.is_alive():
        raise TimeoutError("Kaleido svarade inte i tid.")
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["images"]  # type: ignore[return-value]


def render(figures: Sequence[go.Figure]) -> list[bytes] | None:
    """PNG images of the figures in order, or None when they cannot be drawn here."""
    if not figures:
        return []
    if not enabled():
        return None
    path = browser_path()
    if path is None:
        log.warning("Ingen Chrome/Chromium hittades; diagrammen blir tabeller.")
        return None
    try:
        import kaleido  # noqa: F401
    except ImportError:
        log.warning("Kaleido saknas; diagrammen blir tabeller.")
        return None
    keys = [_key(f) for f in figures]
    with _lock:
        missing = [i for i, k in enumerate(keys) if k not in _cache]
        if missing:
            try:
                drawn = _run([figures[i] for i in missing], path)
            except Exception:
                log.exception("Diagrammen kunde inte ritas; dokumentet får tabeller i stället.")
                return None
            if len(drawn) != len(missing) or not all(isinstance(b, bytes) and b[:4] == b"\x89PNG" for b in drawn):
                log.warning("Kaleido gav inte en bild per diagram; dokumentet får tabeller i stället.")
                return None
            for i, image in zip(missing, drawn, strict=True):
                _cache[keys[i]] = image
        images = [_cache[k] for k in keys]
        for k in keys:
            _cache.move_to_end(k)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return images
