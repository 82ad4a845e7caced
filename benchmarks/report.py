"""BENCHMARKS.md from the results JSON: the machine, one table per section, each target beside its figure.

The hand-written analysis of the committed run (what missed, the profile that shows why, what
was tried) lives in benchmarks/analysis.md and is appended as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parent / "analysis.md"
OK, MISS = "✓", "✗"

# The targets. Times in ms unless said otherwise.
IMPORT_VS_CALAMINE = 2.0  # 100k rows: at most 2× the bare calamine parse
IMPORT_VS_OPENPYXL = 5.0  # 100k rows: at least 5× faster than pandas+openpyxl
FULL_SHEET_S = 60.0  # 1,048,576 rows in under a minute
FULL_SHEET_MB = 1024  # the full sheet's command line, worker included, peaks at most at 1 GB
PROGRESS_PCT = 3.0  # reporting progress adds at most 3 % to the import
COLD_P95_1M, WARM_P95_1M, COLD_P95_10M = 150.0, 30.0, 1500.0
FILTER_CHANGE_1M = 500.0
RSS_10M_MB = 1024.0
BASELINE_RATIO = 10.0
# In the browser (browser_bench.py): click to finished page, p95, per scale; a page switch at 1M; the first
# page after the health check answers, in seconds.
BROWSER_CLICK_P95 = {"1m": 250.0, "10m": 400.0}
PAGE_SWITCH_1M = 1000.0
FIRST_PAGE_S = 3.0
GENERATE_10M_S = 60.0


def _n(value: object, digits: int = 0) -> str:
    if value is None:
        return "–"
    if isinstance(value, int | float):
        if digits == 0:
            return f"{value:,.0f}".replace(",", " ")
        return f"{value:,.{digits}f}".replace(",", " ")
    return str(value)


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else (OK if ok else MISS)


def _table(headers: list[str], rows: Iterable[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def _page_title(results: dict, page: str) -> str:
    for source in (results.get("pages", {}).get("pages", {}),):
        if page in source and source[page].get("title"):
            return source[page]["title"]
    for per_scale in results.get("memory", {}).values():
        if page in per_scale and per_scale[page].get("title"):
            return per_scale[page]["title"]
    for per_scale in results.get("queries", {}).values():
        if page in per_scale.get("titles", {}):
            return per_scale["titles"][page]
    return page.removeprefix("pages/").removesuffix(".py")


def _scale_name(label: str) -> str:
    if label.startswith("city-"):
        return f"{_scale_name(label[5:])} in 150 districts"
    return {"demo": "app demo", "20k": "20k", "100k": "100k", "1m": "1M", "10m": "10M"}.get(label, label)


# ---------------------------------------------------------------- targets


def _cpu_note(entry: dict) -> str:
    cpu = entry.get("cpu_ms", {})
    return f"CPU {_n(cpu['median'], 1)} ms median, {_n(cpu['p95'], 1)} ms p95" if cpu.get("n") else ""


def targets(results: dict) -> list[dict[str, object]]:
    """Every target with the figure it is judged on and whether it is met (None: not measured)."""
    found: list[dict[str, object]] = []

    def add(name: str, figure: str, ok: bool | None, note: str = "") -> None:
        found.append({"target": name, "figure": figure, "ok": ok, "note": note})

    data = results.get("data", {})
    if "10m" in data:
        s = data["10m"].get("generate_s")
        add(f"10M demo events generated in < {GENERATE_10M_S:.0f} s", f"{_n(s, 1)} s",
            None if s is None else s < GENERATE_10M_S)

    imports = {r["rows"]: r for r in results.get("import", [])}
    if 100_000 in imports:
        r = imports[100_000]
        add(f"import 100k rows ≤ {IMPORT_VS_CALAMINE:g}× bare calamine", f"{r['ours_vs_calamine']}×",
            r["ours_vs_calamine"] <= IMPORT_VS_CALAMINE,
            f"{r['ours_vs_calamine_cpu']}× in CPU time" if r.get("ours_vs_calamine_cpu") else "")
        if r.get("openpyxl_vs_ours") is not None:
            add(f"import 100k rows ≥ {IMPORT_VS_OPENPYXL:g}× faster than openpyxl", f"{r['openpyxl_vs_ours']}×",
                r["openpyxl_vs_ours"] >= IMPORT_VS_OPENPYXL)
        if r.get("cli_vs_calamine_process") is not None:
            add(f"import 100k rows ≤ {IMPORT_VS_CALAMINE:g}× bare calamine, as whole processes with start-up",
                f"{r['cli_vs_calamine_process']}×", r["cli_vs_calamine_process"] <= IMPORT_VS_CALAMINE,
                f"{r['cli_vs_calamine_process_cpu']}× in CPU time; `python -m trygghet import` "
                f"{_n(r['cli_process_s'], 2)} s, calamine {_n(r['calamine_process_s'], 2)} s")
        if r.get("progress_overhead_pct") is not None:
            add(f"reporting progress adds ≤ {PROGRESS_PCT:g} % to the import", f"{r['progress_overhead_pct']} %",
                r["progress_overhead_pct"] <= PROGRESS_PCT,
                f"{r.get('progress_overhead_cpu_pct')} % in CPU time, {r.get('progress_events')} events")
    full = [r for r in results.get("import", []) if r["sheet_rows"] == 1_048_576]
    if full:
        r = full[0]
        add(f"import 1,048,576 rows without running out of memory, < {FULL_SHEET_S:.0f} s",
            f"{_n(r['ours_s'], 1)} s, peak RSS {_n(r['ours_peak_rss_mb'])} MB", r["ours_s"] < FULL_SHEET_S,
            f"{_n(r['ours_cpu_s'], 1)} s CPU" if r.get("ours_cpu_s") else "")
        if r.get("cli_process_peak_rss_mb") is not None:
            add(f"import 1,048,576 rows from the command line, peak RSS ≤ {FULL_SHEET_MB} MB",
                f"{_n(r['cli_process_peak_rss_mb'])} MB", r["cli_process_peak_rss_mb"] <= FULL_SHEET_MB,
                f"the largest process of the command and its worker; {_n(r['cli_process_s'], 1)} s")

    for label, limit_cold, limit_warm in (("1m", COLD_P95_1M, WARM_P95_1M), ("10m", COLD_P95_10M, None),
                                          ("city-1m", COLD_P95_1M, WARM_P95_1M)):
        q = results.get("queries", {}).get(label)
        if not q:
            continue
        for page, entry in q["cold"]["pages"].items():
            p95 = entry["total_ms"].get("p95")
            add(f"{_page_title(results, page)}: queries at {_scale_name(label)}, p95 cold ≤ {limit_cold:g} ms",
                f"{_n(p95, 1)} ms", None if p95 is None else p95 <= limit_cold, _cpu_note(entry))
        if limit_warm is not None:
            for page, entry in q["warm"]["pages"].items():
                p95 = entry["total_ms"].get("p95")
                changed = entry.get("filter_change_ms", {}).get("p95")
                add(f"{_page_title(results, page)}: queries at {_scale_name(label)}, p95 warm ≤ {limit_warm:g} ms",
                    f"{_n(p95, 1)} ms", None if p95 is None else p95 <= limit_warm,
                    "; ".join(x for x in (_cpu_note(entry), "" if changed is None else
                                          f"{_n(changed, 1)} ms p95 for the calls a filter change makes") if x))

    pages = results.get("pages")
    if pages and pages.get("scale") in ("1m", "city-1m"):
        where = _scale_name(pages["scale"])
        for entry in pages["pages"].values():
            if "error" in entry:
                add(f"{entry['title']}: filter change to finished rerun ≤ {FILTER_CHANGE_1M:g} ms", "error", False)
                continue
            p95 = entry["filter_change_ms"]["p95"]
            cpu = entry.get("filter_change_cpu_ms", {})
            add(f"{entry['title']}: filter change to finished rerun at {where} ≤ {FILTER_CHANGE_1M:g} ms (p95)",
                f"{_n(p95)} ms (median {_n(entry['filter_change_ms']['median'])})", p95 <= FILTER_CHANGE_1M,
                f"CPU {_n(cpu.get('median'))} ms median, {_n(cpu.get('p95'))} ms p95" if cpu else "")

    memory = results.get("memory", {}).get("10m", {})
    for page, entry in memory.items():
        add(f"{entry.get('title', page)}: peak RSS at 10M ≤ {RSS_10M_MB:g} MB", f"{_n(entry['peak_rss_mb'])} MB",
            entry["peak_rss_mb"] <= RSS_10M_MB)

    # A real city's size (150 districts, the city section) is judged by the same targets.
    city = results.get("city")
    if city:
        found += targets({key: city[key] for key in ("queries", "pages") if city.get(key)})

    found += _browser_targets(results)

    base = results.get("baseline", {}).get("1m")
    if base:
        ratio = base["pandas_rerun_ms"]["median"] / base["ours_warm_ms"]["median"]
        cpu_ratio = (base["pandas_rerun_cpu_ms"]["median"] / base["ours_warm_cpu_ms"]["median"]
                     if base.get("ours_warm_cpu_ms") else None)
        add(f"Översikt at 1M ≥ {BASELINE_RATIO:g}× faster than the pandas baseline", f"{ratio:.0f}×",
            ratio >= BASELINE_RATIO, "" if cpu_ratio is None else f"{cpu_ratio:.0f}× in CPU time")
    return found


def _browser_note(entry: dict, prefix: str) -> str:
    cpu, task = entry.get(f"{prefix}_server_cpu_ms", {}), entry.get(f"{prefix}_browser_task_ms", {})
    if not cpu.get("n"):
        return ""
    return (f"server CPU {_n(cpu['median'])} ms, renderer main thread {_n(task.get('median'))} ms (medians per "
            f"{'click' if prefix == 'click' else 'switch'})")


def _browser_targets(results: dict) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    browser = results.get("browser", {})
    for label, limit in BROWSER_CLICK_P95.items():
        run = browser.get(label)
        if not run or "pages" not in run:
            continue
        for entry in run["pages"].values():
            click = entry.get("click_ms", {})
            if not click.get("n"):
                continue
            found.append({"target": f"{entry['title']}: click → finished page in Chromium at {_scale_name(label)}, "
                                    f"p95 ≤ {limit:g} ms",
                          "figure": f"{_n(click['p95'])} ms (median {_n(click['median'])})",
                          "ok": click["p95"] <= limit, "note": _browser_note(entry, "click")})
    run = browser.get("1m")
    if run and "pages" in run:
        for entry in run["pages"].values():
            switch = entry.get("switch_ms", {})
            first = (entry.get("first_render") or {}).get("total")
            worst = max([v for v in (switch.get("p95"), first) if v is not None], default=None)
            if worst is None:
                continue
            found.append({"target": f"{entry['title']}: page switch at 1M ≤ {PAGE_SWITCH_1M:g} ms (first visit and p95 "
                                    "of later ones)",
                          "figure": f"first {_n(first)} ms, later p95 {_n(switch.get('p95'))} ms",
                          "ok": worst <= PAGE_SWITCH_1M, "note": _browser_note(entry, "switch")})
        if run.get("first_page_s") is not None:
            bare = run.get("bare_start", {})
            found.append({"target": f"first page ready at 1M ≤ {FIRST_PAGE_S:g} s after the health check (python3 "
                                    "dev.py app)",
                          "figure": f"{_n(run['first_page_s'], 1)} s", "ok": run["first_page_s"] <= FIRST_PAGE_S,
                          "note": f"bare streamlit run: {_n(bare['first_page_s'], 1)} s" if bare.get("first_page_s")
                          else ""})
    return found


# ---------------------------------------------------------------- sections


def _machine(results: dict) -> list[str]:
    meta = results.get("meta", {})
    m = meta.get("machine", {})
    lines = [
        "## The run and the machine",
        "",
        f"- Run: `{meta.get('command', '?')}`, {meta.get('started', '?')} → {meta.get('finished', 'unfinished')}"
        + (f", {_n(meta['duration_s'] / 60, 1)} minutes" if meta.get("duration_s") else ""),
        f"- CPU: {m.get('cpu', '?')}, {m.get('cores', '?')} cores ({m.get('usable_cores', '?')} usable), "
        f"RAM {m.get('ram_gb', '?')} GB, {m.get('os', '?')}",
        f"- Python {m.get('python')}, DuckDB {m.get('duckdb')}, Streamlit {m.get('streamlit')}, pandas "
        f"{m.get('pandas')}, python-calamine {m.get('python_calamine')}, openpyxl {m.get('openpyxl')}",
        f"- Load average (1, 5, 15 min) at the start {m.get('load_average_at_start')} and at the end "
        f"{m.get('load_average_at_end')}. The machine is shared: other developers ran their tests during the "
        "run, so every time below is noisier, and on a 2-core machine slower, than on an idle one. The load "
        "before and after each section is in the table; read medians before p95s.",
    ]
    if meta.get("quick"):
        lines.append("- **Quick run**: tiny scales and few repeats, only proof that the benchmarks run. "
                     "These are not benchmark figures.")
    sections = meta.get("sections", {})
    if sections:
        lines += ["", *_table(["Section", "Minutes", "Load before", "Load after"], (
            [name, _n(s["seconds"] / 60, 1), s.get("load_before"), s.get("load_after")]
            for name, s in sections.items()))]
    return lines


def _targets_section(results: dict) -> list[str]:
    found = targets(results)
    met = sum(1 for t in found if t["ok"])
    lines = ["## Targets", "",
             f"{met} of {len(found)} targets met in this run, judged on wall-clock time as the targets are "
             "stated. CPU time (every thread of the process, DuckDB's workers too) is given beside it: on a busy "
             "shared machine the wall clock also counts the time spent waiting for a core, the CPU time does "
             "not, and on an idle machine the wall clock of single-threaded work is close to it.", ""]
    lines += _table(["Target", "Figure (wall clock)", "", "The same in CPU time, and notes"],
                    ([t["target"], t["figure"], _mark(t["ok"]), t["note"]] for t in found))
    return lines


def _data(results: dict) -> list[str]:
    data = results.get("data", {})
    if not data:
        return []
    lines = ["## Data", "",
             "`trygghet.demo.build.build_demo(path, seed=7, events=N, years=2)`: ten districts, from 1 January two years "
             "back to today, plus one meeting held today (for the Möte page). Generation is one multinomial draw "
             "and array arithmetic, written through Arrow in one INSERT.", ""]
    lines += _table(
        ["Database", "Events", "Period", "Generation (s)", "Peak RSS of generation (MB)", "File (MB)",
         "MB per million events"],
        ([_scale_name(label), _n(d.get("events")), f"{d.get('start')} – {d.get('end')}", _n(d.get("generate_s"), 1),
          _n(d.get("generate_peak_rss_mb")), _n(d.get("file_mb"), 1), _n(d.get("mb_per_million_events"), 1)]
         for label, d in data.items()))
    return lines


def _import(results: dict) -> list[str]:
    rows = results.get("import", [])
    if not rows:
        return []
    lines = ["## Import", "",
             "One Händelser sheet (ten columns, dates, times, coordinates on 60 % of rows). *Ours* is "
             "`trygghet.ingest.importer.import_file`: read with python-calamine, recognise, validate and normalise every "
             "row, de-duplicate against the database and commit. *calamine* is only "
             "`CalamineWorkbook.from_filelike(...).get_sheet_by_index(0).to_python()`. *openpyxl* is "
             "`pandas.read_excel(engine='openpyxl')` and `CREATE TABLE AS SELECT * FROM frame`, with no "
             "validation at all. Each in its own process; median of the repeats (openpyxl once).", ""]
    lines += _table(
        ["Rows", "File (MB)", "Ours (s)", "calamine (s)", f"Ours ÷ calamine (≤ {IMPORT_VS_CALAMINE:g})",
         "Ours ÷ calamine, CPU time",
         "openpyxl (s)", f"openpyxl ÷ ours (≥ {IMPORT_VS_OPENPYXL:g})", "Ours, rows/s", "Peak RSS ours / calamine / "
         "openpyxl (MB)", "Database (MB per million rows)"],
        ([_n(r["sheet_rows"]) + (" (full sheet)" if r["sheet_rows"] == 1_048_576 else ""), _n(r["file_mb"], 1),
          _n(r["ours_s"], 2) + (f" {_mark(r['ours_s'] < FULL_SHEET_S)}" if r["sheet_rows"] == 1_048_576 else ""),
          _n(r["calamine_s"], 2),
          f"{r['ours_vs_calamine']}×" + (f" {_mark(r['ours_vs_calamine'] <= IMPORT_VS_CALAMINE)}"
                                          if r["rows"] == 100_000 else ""),
          "–" if r.get("ours_vs_calamine_cpu") is None else f"{r['ours_vs_calamine_cpu']}×",
          _n(r.get("openpyxl_s"), 1),
          "–" if r.get("openpyxl_vs_ours") is None else f"{r['openpyxl_vs_ours']}×" + (
              f" {_mark(r['openpyxl_vs_ours'] >= IMPORT_VS_OPENPYXL)}" if r["rows"] == 100_000 else ""),
          _n(r["ours_rows_per_s"]),
          f"{_n(r['ours_peak_rss_mb'])} / {_n(r['calamine_peak_rss_mb'])} / {_n(r.get('openpyxl_peak_rss_mb'))}",
          _n(r.get("db_mb_per_million_rows"), 1)]
         for r in rows))
    lines.append("")
    lines.append("Rows counts the sheet's rows with its header; the events are one fewer.")
    whole = [r for r in rows if r.get("cli_process_s") is not None]
    if whole:
        lines += ["", "As whole processes, start-up included: `python -m trygghet import FILE --json` (the command and "
                  "the worker it starts, on a fresh database) against `python -c` with bare calamine's "
                  "`to_python()`, alternating; peak RSS is the largest process of each. *Progress* is the same import "
                  "through the worker with a listener for its progress against none, alternating: the difference "
                  "is what reporting progress costs.", ""]
        lines += _table(
            ["Rows", "Command line (s)", "calamine (s)", f"Ratio (≤ {IMPORT_VS_CALAMINE:g})", "Ratio, CPU time",
             f"Peak RSS command / calamine (MB, full sheet ≤ {FULL_SHEET_MB})", f"Progress (≤ {PROGRESS_PCT:g} %)"],
            ([_n(r["sheet_rows"]), _n(r["cli_process_s"], 2), _n(r["calamine_process_s"], 2),
              f"{r['cli_vs_calamine_process']}×", f"{r.get('cli_vs_calamine_process_cpu')}×",
              f"{_n(r['cli_process_peak_rss_mb'])} / {_n(r['calamine_process_peak_rss_mb'])}",
              "–" if r.get("progress_overhead_pct") is None else f"{r['progress_overhead_pct']} % "
              f"(CPU {r.get('progress_overhead_cpu_pct')} %)"]
             for r in whole))
    return lines


def _queries(results: dict) -> list[str]:
    queries = results.get("queries", {})
    if not queries:
        return []
    lines = ["## Queries", "",
             "Every query each page runs, recorded from the real page under AppTest (`ui.query` calls and the "
             "page's own reads, such as the banner's status and the Data page's upload history) and replayed "
             "without Streamlit's cache. The filter variants: one, three or all districts × a trend period of one "
             "week or one year, each on its own ISO week. *Cold*: a fresh process per sample, timed from opening "
             "the database (new DuckDB instance; the OS file cache is warm) to the last result; Python start-up "
             "excluded. *Warm*: one process, after one pass over every page and variant. Times are a page's whole "
             "query set, in ms. *Filter-change calls* leave out the calls a page makes with the same arguments under "
             "every variant (the status, the sidebar's lists, the district colours …): on a filter change in the app "
             "those are Streamlit cache hits."]
    for label, q in queries.items():
        limit_cold = {"1m": COLD_P95_1M, "10m": COLD_P95_10M, "city-1m": COLD_P95_1M}.get(label)
        limit_warm = WARM_P95_1M if label in ("1m", "city-1m") else None
        cold, warm = q["cold"]["pages"], q["warm"]["pages"]
        lines += ["", f"### {_scale_name(label)} events", "",
                  f"{q['cold']['repeats']} cold samples per variant, {q['warm']['repeats']} warm rounds; "
                  f"variants: {', '.join(q['variants'])}.", ""]
        rows = []
        for page in warm:
            c, w = cold.get(page, {}).get("total_ms", {}), warm[page]["total_ms"]
            biggest = max(warm[page]["results"].items(), key=lambda kv: kv[1]["rows"], default=(None, {}))
            changed = warm[page].get("filter_change_ms", {})
            rows.append([
                _page_title(results, page), len(warm[page]["calls_median_ms"]), _n(c.get("median"), 1),
                _n(c.get("p95"), 1) + (f" {_mark(c.get('p95', 1e9) <= limit_cold)}" if limit_cold else ""),
                _n(cold.get(page, {}).get("cpu_ms", {}).get("median"), 1),
                _n(cold.get(page, {}).get("open_ms", {}).get("median"), 1),
                _n(w.get("median"), 1),
                _n(w.get("p95"), 1) + (f" {_mark(w.get('p95', 1e9) <= limit_warm)}" if limit_warm else ""),
                _n(warm[page].get("cpu_ms", {}).get("median"), 1),
                f"{_n(changed.get('median'), 1)} / {_n(changed.get('p95'), 1)}",
                f"{biggest[0]}: {_n(biggest[1].get('rows'))} rows" if biggest[0] else "–",
            ])
        cold_head = f"Cold p95 (≤ {limit_cold:g})" if limit_cold else "Cold p95"
        warm_head = f"Warm p95 (≤ {limit_warm:g})" if limit_warm else "Warm p95"
        lines += _table(["Page", "Functions", "Cold median", cold_head, "Cold CPU median", "…of which opening",
                         "Warm median", warm_head, "Warm CPU median", "Warm, filter-change calls: median / p95",
                         "Largest result"], rows)
    # the breakdown per function at the largest scale measured and at 1M
    for label in [lbl for lbl in ("1m", "10m") if lbl in queries] or list(queries)[-1:]:
        q = queries[label]
        per_fn: dict[str, dict[str, object]] = {}
        for page, entry in q["warm"]["pages"].items():
            for fn, ms in entry["calls_median_ms"].items():
                row = per_fn.setdefault(fn, {"pages": [], "warm": [], "cold": [], "rows": 0, "bytes": 0})
                row["pages"].append(_page_title(results, page))  # type: ignore[union-attr]
                row["warm"].append(ms)  # type: ignore[union-attr]
                row["cold"].append(q["cold"]["pages"].get(page, {}).get("calls_median_ms", {}).get(fn))  # type: ignore[union-attr]
                size = entry["results"].get(fn, {})
                row["rows"] = max(row["rows"], size.get("rows", 0))  # type: ignore[call-overload]
                row["bytes"] = max(row["bytes"], size.get("bytes", 0))  # type: ignore[call-overload]
        lines += ["", f"Per function at {_scale_name(label)} (median ms per page run; a function a page calls "
                      "several times is summed; largest result over all variants):", ""]
        ordered = sorted(per_fn.items(), key=lambda kv: -max(kv[1]["warm"]))  # type: ignore[arg-type,type-var]
        lines += _table(["Function", "Pages", "Warm median (max over pages)", "Cold median (max over pages)",
                         "Rows", "Pickled bytes"],
                        ([fn, len(row["pages"]), _n(max(row["warm"]), 1),  # type: ignore[arg-type]
                          _n(max((c for c in row["cold"] if c is not None), default=None), 1),  # type: ignore[union-attr]
                          _n(row["rows"]), _n(row["bytes"])] for fn, row in ordered))
    unreplayed = {label: q.get("unreplayed", {}) for label, q in queries.items() if any(q.get("unreplayed", {}).values())}
    if unreplayed:
        lines += ["", "Reads outside `ui.query` that could not be replayed (made inside a function that also "
                      "draws), with the longest time seen while recording:", ""]
        for label, pages in unreplayed.items():
            for page, reads in pages.items():
                if reads:
                    lines.append(f"- {_scale_name(label)}, {_page_title(results, page)}: " + ", ".join(
                        f"`{name}` {_n(ms, 1)} ms" for name, ms in reads.items()))
    return lines


def _pages(results: dict) -> list[str]:
    pages = results.get("pages")
    if not pages:
        return []
    at_1m = pages.get("scale") in ("1m", "city-1m")
    lines = ["## Pages (AppTest)", "",
             f"On the {_scale_name(pages.get('scale', '?'))} database. *Render*: Streamlit's cache cleared, the page "
             "run with every query (DuckDB connection already open). *Cached rerun*: the same page again, every "
             "query a cache hit – the page's own Python, Plotly and Streamlit cost. *Filter change*: "
             f"{', '.join(pages.get('steps', []))}, each from the widget's new value to the finished run, every "
             "state new. *Change after idle*: one more week change after the shared DuckDB connection was closed "
             "for idleness (trygghet.store.connection.IDLE_CLOSE), as a click after a pause in the meeting meets it. "
             f"The app's first run in the process took {_n(pages.get('first_run_ms'))} ms. In ms.", ""]
    rows = []
    for entry in pages["pages"].values():
        if "error" in entry:
            rows.append([entry["title"], "error", "", "", "", "", "", "", entry["error"][:200].replace("|", "/")])
            continue
        fc = entry["filter_change_ms"]
        cpu = entry.get("filter_change_cpu_ms", {})
        rows.append([entry["title"], _n(entry["render_ms"]["median"]), _n(entry["rerun_cached_ms"]["median"]),
                     _n(entry.get("rerun_cached_cpu_ms", {}).get("median")),
                     _n(fc["median"]),
                     _n(fc["p95"]) + (f" {_mark(fc['p95'] <= FILTER_CHANGE_1M)}" if at_1m else ""),
                     _n(fc["max"]), f"{_n(cpu.get('median'))} / {_n(cpu.get('p95'))}",
                     _n(entry.get("filter_change_after_idle_ms"))])
    lines += _table(["Page", "Render median", "Cached rerun median", "Cached rerun CPU", "Filter change median",
                     f"Filter change p95 (≤ {FILTER_CHANGE_1M:g})", "Filter change max",
                     "Filter change CPU median / p95", f"Change after {pages.get('idle_seconds', '?')} s idle"],
                    rows)
    return lines


def _memory(results: dict) -> list[str]:
    memory = results.get("memory", {})
    if not memory:
        return []
    labels = list(memory)
    page_files = list(dict.fromkeys(p for per in memory.values() for p in per))
    lines = ["## Memory", "",
             "Peak RSS (ru_maxrss) of a fresh process that runs app.py under AppTest with one page, then the six "
             "filter changes. *After imports* is the same process before the first run (Python, Streamlit, "
             "AppTest). In MB; the first render's time in ms beside it.", ""]
    headers = ["Page"]
    for label in labels:
        headers += [f"{_scale_name(label)} peak RSS" + (f" (≤ {RSS_10M_MB:g})" if label == "10m" else ""),
                    f"{_scale_name(label)} first render"]
    rows = []
    for page in page_files:
        row: list[object] = [_page_title(results, page)]
        for label in labels:
            entry = memory[label].get(page)
            if entry is None:
                row += ["–", "–"]
                continue
            mark = f" {_mark(entry['peak_rss_mb'] <= RSS_10M_MB)}" if label == "10m" else ""
            row += [_n(entry["peak_rss_mb"]) + mark, _n(entry["first_render_ms"])]
        rows.append(row)
    lines += _table(headers, rows)
    after = [e["rss_after_imports_mb"] for per in memory.values() for e in per.values()]
    if after:
        lines += ["", f"After imports, before the first run: {_n(min(after))}–{_n(max(after))} MB."]
    sizes = results.get("data", {})
    if sizes:
        lines += ["", "Database file per million events: " + ", ".join(
            f"{_scale_name(label)} {_n(d.get('mb_per_million_events'), 1)} MB" for label, d in sizes.items()
            if d.get("mb_per_million_events")) + "."]
    return lines


def _start(results: dict) -> list[str]:
    start = results.get("start", {})
    if not start:
        return []
    lines = ["## Start", "",
             "`streamlit run app.py` (headless, no file watcher) with TRYGGHET_DB set, Chromium already running. "
             "*Health*: until `/_stcore/health` answers. *First page*: until Översikt has finished its run in the "
             "browser with its metrics on screen. Then every page from the menu and one district click on Översikt, "
             "each timed in the browser from the click to the finished run; the server's peak RSS (VmHWM) after "
             "all of it. Seconds and MB.", ""]
    rows = []
    for label, s in start.items():
        if "skipped" in s:
            rows.append([_scale_name(label), f"skipped: {s['skipped']}", "", "", "", "", ""])
            continue
        pages = s.get("pages_s", {})
        rows.append([_scale_name(label), _n(s["health_s"], 1), _n(s["first_page_s"], 1),
                     _n(s.get("rss_after_first_page_mb")),
                     ", ".join(f"{k} {_n(v, 1)}" for k, v in pages.items()),
                     _n(s.get("browser_filter_change_s"), 2), _n(s.get("peak_rss_all_pages_mb"))])
    lines += _table(["Database", "Health (s)", "First page (s)", "Server RSS after first page",
                     "Each page from the menu (s)", "District click on Översikt (s)", "Server peak RSS, all pages"],
                    rows)
    return lines


def _browser(results: dict) -> list[str]:
    browser = results.get("browser", {})
    if not browser:
        return []
    lines = ["## Pages in the browser", "",
             "Debian's Chromium driven by Playwright against the real server, started as `python3 dev.py app` "
             "starts it (trygghet.ui.serve), at 1920 × 1080 (benchmarks/browser_bench.py). *First page*: from the "
             "health check's answer until Översikt is finished; *bare*: the same under a plain `streamlit run "
             "app.py`. *First visit*: the page opened from the menu for the first time; *switch*: opened from "
             "the menu again. *Click*: a stadsdel pill in the sidebar, each click a set of districts not chosen "
             "before in the run. Every time is from the click event to the first animation frame in which the "
             "run the click started has ended (its `script_finished` message), Streamlit's running indicator is "
             "gone and no element is stale, on the page's own clock. *Run ended*: until the browser had the "
             "`script_finished` message. Server CPU is the server process's (every thread), the renderer's is "
             "Chrome's TaskDuration; both per click, medians. In ms unless said otherwise.", ""]
    for label, run in browser.items():
        if "skipped" in run:
            lines += [f"- {_scale_name(label)}: skipped, {run['skipped']}"]
            continue
        limit = BROWSER_CLICK_P95.get(label)
        bare = run.get("bare_start", {})
        lines += ["", f"### {_scale_name(label)} events", "",
                  f"Health check after {_n(run.get('health_s'), 1)} s; first page {_n(run.get('first_page_s'), 1)} s "
                  "after it" + (f" ({_n(bare['first_page_s'], 1)} s with a bare streamlit run, whose health check "
                                f"answered after {_n(bare.get('health_s'), 1)} s)" if bare.get("first_page_s") else "")
                  + f"; server RSS {_n(run.get('rss_after_first_page_mb'))} MB after the first page, "
                  f"{_n(run.get('peak_rss_mb'))} MB at its peak. Per page {run.get('clicks')} clicks and "
                  f"{run.get('rounds')} later switch(es); Översikt's first visit is the first page."
                  + (f" The machine's CPU check (a fixed loop, best of three) took {_n(run['cpu_check_before_s'], 3)} s "
                     f"before the run and {_n(run.get('cpu_check_after_s'), 3)} s after it; a slower check means "
                     "a busier host and slower times throughout." if run.get("cpu_check_before_s") else ""), ""]
        rows = []
        for entry in run.get("pages", {}).values():
            click, switch = entry.get("click_ms", {}), entry.get("switch_ms", {})
            cpu, task = entry.get("click_server_cpu_ms", {}), entry.get("click_browser_task_ms", {})
            p95 = click.get("p95")
            rows.append([entry["title"], _n((entry.get("first_render") or {}).get("total")),
                         f"{_n(switch.get('median'))} / {_n(switch.get('p95'))}", _n(click.get("median")),
                         _n(p95) + (f" {_mark(p95 <= limit)}" if limit and p95 is not None else ""),
                         _n(click.get("max")), _n(entry.get("click_run_ended_ms", {}).get("median")),
                         f"{_n(cpu.get('median'))} / {_n(task.get('median'))}"])
        lines += _table(["Page", "First visit", "Switch median / p95", "Click median",
                         "Click p95" + (f" (≤ {limit:g})" if limit else ""), "Click max", "Run ended, median",
                         "Server CPU / renderer per click"], rows)
    return lines


def _baseline(results: dict) -> list[str]:
    base = results.get("baseline", {})
    if not base:
        return []
    lines = ["## Baseline: the whole table in pandas", "",
             "Översikt's event figures (key figures, CompStat counts, district × category cells, top places, twelve "
             "weeks) computed the common way: `SELECT * EXCLUDE (dedup_key) FROM events` into pandas on every rerun, "
             "then boolean masks and groupby. For every variant the pandas figures were checked equal to "
             "trygghet.analysis.queries' before timing counted. *Cached frame* keeps the table in memory between reruns "
             "(the usual next step, paid in RSS). *Ours*: the same five functions on the warm DuckDB connection. "
             "In ms.", ""]
    rows = []
    for label, b in base.items():
        ratio = b["pandas_rerun_ms"]["median"] / b["ours_warm_ms"]["median"]
        cached_ratio = b["pandas_cached_frame_ms"]["median"] / b["ours_warm_ms"]["median"]
        mark = f" {_mark(ratio >= BASELINE_RATIO)}" if label == "1m" else ""
        cpu_ratio = (f"{b['pandas_rerun_cpu_ms']['median'] / b['ours_warm_cpu_ms']['median']:.0f}×"
                     if b.get("ours_warm_cpu_ms") else "–")
        rows.append([_scale_name(label), _n(b["pandas_rerun_ms"]["median"]), _n(b["pandas_rerun_ms"]["p95"]),
                     _n(b["pandas_cached_frame_ms"]["median"]), _n(b["ours_warm_ms"]["median"], 1),
                     _n(b["ours_warm_ms"]["p95"], 1), f"{ratio:.0f}×{mark}", cpu_ratio, f"{cached_ratio:.1f}×",
                     _n(b["frame_mb"]), _n(b["peak_rss_mb"]), "yes" if b.get("checked_equal") else "no"])
    lines += _table(["Events", "pandas per rerun, median", "p95", "pandas, cached frame, median", "Ours median",
                     "Ours p95", f"Rerun ÷ ours (≥ {BASELINE_RATIO:g} at 1M)", "Rerun ÷ ours, CPU time",
                     "Cached frame ÷ ours", "Frame (MB)", "Peak RSS of the pandas process (MB)", "Same numbers"],
                    rows)
    return lines


def _errors(results: dict) -> list[str]:
    errors = results.get("errors", [])
    if not errors:
        return []
    lines = ["## Errors in this run", ""]
    lines += [f"- {e.splitlines()[0][:400]}" for e in errors]
    return lines


def _city(results: dict) -> list[str]:
    """The city section: its database, its queries and its pages, as the demo's are shown above."""
    city = results.get("city")
    if not city:
        return []
    lines = ["## A real city's size", "",
             "`benchmarks.datasets.build_city`: 150 square districts in 10 areas (stadsdelsområden) with their "
             "boundaries, events spread unevenly over them (a log-normal weight per district) from 1 January two "
             "years back to today, one source that began eight weeks ago, plus one meeting held today. The same "
             "queries and pages as above, judged by the same targets (see Targets)."]
    for label, info in city.get("data", {}).items():
        lines += ["", f"{_scale_name(label)}: {_n(info.get('events'))} events, {_n(info.get('districts'))} districts "
                      f"in {_n(info.get('areas'))} areas, generated in {_n(info.get('generate_s'), 1)} s, "
                      f"{_n(info.get('file_mb'), 1)} MB."]
    for part in (_queries(city), _pages(city)):
        if part:
            lines += ["", "#" + part[0], *part[1:]]
    return lines


SECTIONS: tuple[Callable[[dict], list[str]], ...] = (
    _machine, _targets_section, _data, _import, _queries, _pages, _memory, _start, _browser, _baseline, _city,
    _errors,
)


def render(results: dict, json_link: str = "results.json") -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m benchmarks` (see `benchmarks/__main__.py` for what each section measures and "
        f"how to run it); the raw figures are in [`{json_link}`]({json_link}). CI runs `python -m benchmarks "
        "--quick` in `tests/test_benchmarks_quick.py` so the suite keeps working; no test ever asserts a time.",
    ]
    for section in SECTIONS:
        part = section(results)
        if part:
            lines += ["", *part]
    if ANALYSIS.exists() and not results.get("meta", {}).get("quick"):
        lines += ["", ANALYSIS.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"
