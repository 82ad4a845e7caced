"""The preload script names Streamlit's own chunk files, and only those it can name for certain."""

from __future__ import annotations

from pathlib import Path

from trygghet.ui import chunk_preload


def _folder(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).write_text("export {};\n")
    return tmp_path


def test_each_chunk_is_found_by_its_name_in_the_order_of_chunks(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "Metric.abc123.js", "PlotlyChart.D9Z0_fxz.js", "DataFrame.-f9-1zS0.js",
                     "PlotlyChartHelpers.zz.js", "index.Dorm.js", "embed.CX5AQgxi.js", "ArrowVegaLiteChart.C1.js")
    chunk_preload.chunk_files.cache_clear()
    try:
        assert chunk_preload.chunk_files(folder) == ("ArrowVegaLiteChart.C1.js", "embed.CX5AQgxi.js",
                                                    "DataFrame.-f9-1zS0.js", "Metric.abc123.js")
        assert chunk_preload.chunk_files(folder, chunk_preload.IDLE_CHUNKS) == ("PlotlyChart.D9Z0_fxz.js",)
    finally:
        chunk_preload.chunk_files.cache_clear()


def test_an_ambiguous_or_missing_chunk_is_left_out(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "PlotlyChart.one.js", "PlotlyChart.two.js")
    chunk_preload.chunk_files.cache_clear()
    try:
        assert chunk_preload.chunk_files(folder) == ()
    finally:
        chunk_preload.chunk_files.cache_clear()
    assert chunk_preload.preload_script((), ()) is None


def test_the_script_imports_the_files_relative_to_streamlits_entry_script() -> None:
    script = chunk_preload.preload_script(("DataFrame.-f9-1zS0.js",), ("PlotlyChart.D9Z0_fxz.js",))
    assert script is not None
    assert script.endswith("</script>") and '<script type="module" data-chunk-preload>' in script
    assert 'load(["DataFrame.-f9-1zS0.js"]); setTimeout(later, 250)' in script
    # Plotly's only once the run has finished and the browser is idle.
    assert "'notRunning') { whenIdle(() => load([\"PlotlyChart.D9Z0_fxz.js\"])" in script
    assert "new URL(name, entry.src)" in script


def test_the_installed_streamlit_has_the_chart_chunk() -> None:
    # If this fails, Streamlit renamed its chunks: the preload silently does nothing until CHUNKS follows.
    found = chunk_preload.chunk_files() + chunk_preload.chunk_files(names=chunk_preload.IDLE_CHUNKS)
    for chunk in ("PlotlyChart.", "ArrowVegaLiteChart.", "embed.", "DataFrame."):
        assert any(name.startswith(chunk) for name in found), chunk
