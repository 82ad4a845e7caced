"""The benchmarks still run: `python -m benchmarks --quick` end to end, on tiny data.

Only that every section runs and reports sane figures is checked. No time is ever asserted:
the machines that run the tests are shared and noisy.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("data", "import", "queries", "pages", "memory", "start", "browser", "baseline", "city")


def positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def committed_report_stamp() -> tuple[int, int] | None:
    path = ROOT / "BENCHMARKS.md"
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None


def test_quick_benchmarks_run_and_report_every_section(tmp_path: Path) -> None:
    before = committed_report_stamp()
    env = os.environ.copy()
    env.pop("TRYGGHET_DB", None)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["errors"] == []
    assert results["meta"]["quick"] is True
    assert set(SECTIONS) <= set(results["meta"]["sections"])
    assert (tmp_path / "BENCHMARKS.md").read_text().startswith("# Benchmarks")
    assert committed_report_stamp() == before, "a quick run must not replace the committed BENCHMARKS.md"

    (data,) = results["data"].values()
    assert data["events"] > 0 and positive(data["generate_s"]) and positive(data["mb_per_million_events"])

    (imported,) = results["import"]
    for key in ("ours_s", "calamine_s", "openpyxl_s", "ours_vs_calamine", "openpyxl_vs_ours", "ours_peak_rss_mb",
                "cli_process_s", "calamine_process_s", "cli_vs_calamine_process", "cli_process_peak_rss_mb",
                "worker_quiet_s", "worker_progress_s", "progress_events"):
        assert positive(imported[key]), key
    assert isinstance(imported["progress_overhead_pct"], float)  # noise may make it negative on a tiny file

    (queries,) = results["queries"].values()
    assert queries["recording"]["calls"] and all(queries["recording"]["calls"].values()), "a page was not recorded"
    for mode in ("cold", "warm"):
        for page, entry in queries[mode]["pages"].items():
            assert positive(entry["total_ms"]["median"]), (mode, page)
            assert entry["total_ms"]["p95"] >= entry["total_ms"]["median"], (mode, page)
    assert all(entry["results"] for entry in queries["warm"]["pages"].values())

    for page, entry in results["pages"]["pages"].items():
        assert "error" not in entry, page
        assert positive(entry["render_ms"]["median"]) and positive(entry["filter_change_ms"]["median"]), page

    for per_page in results["memory"].values():
        assert all(positive(e["peak_rss_mb"]) and e["peak_rss_mb"] >= e["rss_after_imports_mb"]
                   for e in per_page.values())

    for start in results["start"].values():
        if "skipped" not in start:  # no Chromium or Playwright on this machine
            assert positive(start["health_s"]) and start["first_page_s"] >= start["health_s"]

    (browser,) = results["browser"].values()
    if "skipped" not in browser:  # no Chromium or Playwright on this machine
        assert browser["errors"] == [] and positive(browser["health_s"]) and positive(browser["first_page_s"])
        assert set(browser["pages"]) == {"pages/oversikt.py", "pages/trender.py"}
        for page, entry in browser["pages"].items():
            assert entry["click_ms"]["n"] == 2 and positive(entry["click_ms"]["median"]), page
            # The browser learns that the run ended before the page it drew is finished.
            assert entry["click_run_ended_ms"]["median"] <= entry["click_ms"]["median"], page
            assert positive(entry["switch_ms"]["median"]), page
        assert positive(browser["pages"]["pages/trender.py"]["first_render"]["total"])
        assert "## Pages in the browser" in (tmp_path / "BENCHMARKS.md").read_text()

    # A real city's size: 150 districts in 10 areas, the same queries and pages.
    city = results["city"]
    (city_data,) = city["data"].values()
    assert city_data["districts"] == 150 and city_data["areas"] == 10 and city_data["events"] > 0
    (city_queries,) = city["queries"].values()
    assert all(positive(e["total_ms"]["median"]) for e in city_queries["cold"]["pages"].values())
    for page, entry in city["pages"]["pages"].items():
        assert "error" not in entry, page

    for base in results["baseline"].values():
        assert base["checked_equal"] is True
        assert positive(base["pandas_rerun_ms"]["median"]) and positive(base["ours_warm_ms"]["median"])
