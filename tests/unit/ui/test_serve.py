"""ui.serve: the modules the app needs are read from app.py and the pages, imported before the server
answers (`python3 dev.py app`) or in the background after the first page, never under AppTest."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trygghet.ui import serve

ROOT = Path(__file__).resolve().parents[3]


def test_the_modules_are_those_app_py_and_every_page_import_at_their_top(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("from __future__ import annotations\nimport json\n"
                                     "from email import message, utils\n")
    (tmp_path / "pages" / "a.py").write_text("import csv\n\ndef late():\n    import wave\n")
    names = serve.app_modules(tmp_path)
    assert names[:6] == ["json", "email", "email.message", "email.utils", "csv", *serve.LAZY[:1]]
    assert "__future__" not in names and "wave" not in names  # an import inside a function is its own business
    assert names[-len(serve.LAZY):] == list(serve.LAZY)


def test_the_real_app_lists_its_shell_and_the_pages_plotly() -> None:
    names = serve.app_modules()
    assert {"trygghet.ui.shell", "trygghet.ui.sidebar", "plotly.graph_objects", "pandas"} <= set(names)


def test_preload_imports_the_modules_and_passes_over_names_that_are_not_modules(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lb_preload_probe.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lb_preload_probe", raising=False)
    loaded = serve.preload(["lb_preload_probe", "lb_preload_probe.VALUE", "lb_no_such_module"])
    assert loaded == ["lb_preload_probe"]
    assert "lb_preload_probe" in sys.modules


def test_the_warm_up_counts_running_pages_and_imports_between_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lb_warm_probe.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lb_warm_probe", raising=False)
    frozen: list[bool] = []
    monkeypatch.setattr(serve, "freeze_heap", lambda: frozen.append("lb_warm_probe" in sys.modules))
    with serve.page_running(), serve.page_running():
        assert serve._running_pages == 2
    assert serve._running_pages == 0
    serve._warm(["lb_warm_probe", "lb_no_such_module"])  # no page runs: nothing to wait for
    assert sys.modules["lb_warm_probe"].VALUE == 2
    assert frozen == [True]  # the heap is frozen once, after the imports


def test_freezing_the_heap_leaves_later_objects_to_the_collector() -> None:
    serve.freeze_heap()
    try:
        assert gc.get_freeze_count() > 0
        before = gc.get_freeze_count()
        cycle: list[object] = []
        cycle.append(cycle)
        assert gc.get_freeze_count() == before and gc.is_tracked(cycle)
    finally:
        gc.unfreeze()


def test_no_warm_up_under_apptest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[bool] = []
    monkeypatch.setattr(serve, "warm_up", lambda: started.append(True))
    monkeypatch.setenv("TRYGGHET_USERS", str(tmp_path / "inga-konton.toml"))
    monkeypatch.setenv("TRYGGHET_DB", str(tmp_path / "demo.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert started == []
