"""Starts the app with its modules already imported: `python -m trygghet.ui.serve [streamlit flags]`.

`python3 dev.py app` starts the app this way. Streamlit runs app.py only when a browser connects,
so under a plain `streamlit run app.py` the first page waits for every module it needs (pandas,
Plotly, DuckDB, scipy …, a few seconds on a busy machine). Imported here, before the server
listens, they cost the first page nothing; the health check answers when the app is ready.

The same list warms a server started without this module: `warm_up` imports it in a background
thread once the first page is drawn, so that the first switch to another page does not wait for its
imports either (the Insatser page's effect regression alone needs statsmodels, two seconds). The
thread steps aside while a page runs (`page_running`) and goes on between the runs.

Either way the heap is then frozen (`freeze_heap`): the modules are most of it and live as long as
the server, so the garbage collector need not walk them again on every pass.
"""

from __future__ import annotations

import ast
import atexit
import gc
import importlib
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Imported inside functions on the dashboards' paths, so that the command line and the tests do
# not pay for them, but needed as soon as a page computes its flags or an intervention's effect.
LAZY = ("scipy.stats", "statsmodels.genmod.generalized_linear_model", "statsmodels.genmod.families")
_started = threading.Event()
_state = threading.Condition()
_running_pages = 0


def app_modules(root: Path = ROOT) -> list[str]:
    """Every module app.py and the pages import at their top, then LAZY, in a stable order."""
    scripts = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    return list(dict.fromkeys([name for script in scripts for name in _imports(script)] + list(LAZY)))


def _imports(script: Path) -> Iterator[str]:
    tree = ast.parse(script.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module != "__future__":
            yield node.module
            # `from trygghet.ui import cache, login`: the names are modules of the package.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def preload(names: list[str] | None = None) -> list[str]:
    """Imports the modules; the names that are not modules (an imported function, a typo) are skipped."""
    # Streamlit's caches note at definition that no server runs yet; they bind to the server's
    # storage at their first call, so the note says nothing here.
    caching = logging.getLogger("streamlit.runtime.caching")
    level = caching.level
    caching.setLevel(logging.ERROR)
    loaded = []
    try:
        for name in names if names is not None else app_modules():
            try:
                importlib.import_module(name)
                loaded.append(name)
            except ImportError:
                continue  # `from x import function` names a function, not a module
    finally:
        caching.setLevel(level)
    return loaded


@contextmanager
def page_running() -> Iterator[None]:
    """Around a page's run: the warm-up waits until no page is running before its next import."""
    global _running_pages
    with _state:
        _running_pages += 1
    try:
        yield
    finally:
        with _state:
            _running_pages -= 1
            _state.notify_all()


def _between_pages() -> None:
    with _state:
        _state.wait_for(lambda: _running_pages == 0)


def freeze_heap() -> None:
    """Moves every object alive now (the imported modules, nearly all of the heap) out of the garbage
    collector's reach: a full collection then walks only what came after, a few milliseconds instead
    of a tenth of a second with the interpreter lock held in the middle of someone's click."""
    gc.collect()
    gc.freeze()


def _warm(names: list[str]) -> None:
    for name in names:
        if name in sys.modules:
            continue
        _between_pages()
        try:
            preload([name])
        except Exception:  # a module that fails here fails again, visibly, on its page
            continue
    _between_pages()
    freeze_heap()


def warm_up() -> None:
    """Once per process, the app's modules imported in a background thread (see the docstring)."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_warm, args=(app_modules(),), name="trygghet-warm-up", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    preload()
    freeze_heap()
    # Frozen objects are skipped by the collection at exit too; let it see them, so that extension
    # modules' leak checks stay quiet.
    atexit.register(gc.unfreeze)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    return int(cli.main(prog_name="streamlit", standalone_mode=False) or 0)


if __name__ == "__main__":
    sys.exit(main())
