"""Insatser's effect view under AppTest: naming a buffer of neighbouring districts gives a sentence on
displacement, and the comparison then leaves the buffer out."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trygghet.demo.build import build_demo

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("effect_page") / "demo.duckdb"
    build_demo(path, events=30_000)
    return path


def test_a_named_buffer_gets_its_own_sentence(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/insatser.py").run()
    at.multiselect(key="ins_status").set_value(["Pågående"]).run()
    assert not at.exception, at.exception
    selectbox = at.selectbox(key="ins_selected")
    selectbox.set_value(selectbox.options[0].split(" – ")[0]).run()
    assert not at.exception, at.exception
    assert any(m.value.startswith("**Under insatsen:") for m in at.markdown)
    assert not any(t.value.startswith("Buffertområdet") for t in at.markdown)
    selected = at.selectbox(key="ins_selected").value
    buffer = at.multiselect(key=f"effekt-buffert-{selected}")
    neighbour = buffer.options[0]
    buffer.set_value([neighbour]).run()
    assert not at.exception, at.exception
    # Shown as plain text: Markdown's characters come escaped.
    sentences = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("Buffertområdet")]
    assert sentences and all(s.startswith(f"Buffertområdet ({neighbour}): ") for s in sentences), sentences
    assert any("Övriga stadsdelar utom buffertområdet" in c.value for c in at.caption)
