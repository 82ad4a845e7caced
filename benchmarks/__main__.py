"""Lägesbild's benchmarks: one entry point for data, import, queries, pages, memory, start, browser, baseline
and city.

    python -m benchmarks                      # the full run: 100k, 1M and 10M events (about an hour)
    python -m benchmarks --write              # … and replace BENCHMARKS.md and benchmarks/results.json
    python -m benchmarks --quick              # tiny scales, every code path, < 3 minutes (what CI runs)
    python -m benchmarks --scales 100k,1m --skip-openpyxl --out benchmarks/out/egen
    python -m benchmarks --only pages,start   # some sections again, merged into the out folder's results
    python -m benchmarks --report-only --write  # BENCHMARKS.md again from <out>/results.json

Where things go: every run writes `<out>/results.json` (after each section, so an interrupted
run keeps what it measured) and `<out>/BENCHMARKS.md`; `<out>` is benchmarks/out/ unless
--out says otherwise, and also caches the demo databases and workbooks between runs (it is
git-ignored). Only `--write` replaces the committed BENCHMARKS.md (repo root) and
benchmarks/results.json, and it is refused with --quick: a quick run's figures are not
benchmarks, only proof that the benchmarks still run.

Sections (see each module's docstring for exactly what is timed):
  data      demo databases at each scale (datasets.py): generation time, file size per million events
  import    xlsx of 10k, 100k and 1,048,576 rows: ours vs bare calamine vs pandas+openpyxl (import_speed.py)
  queries   each page's queries at each scale, cold and warm (record.py, queries_bench.py)
  pages     AppTest render and filter-change rerun per page at 1M (pages_bench.py)
  memory    peak RSS of the app process per page at 1M and 10M (pages_bench.py)
  start     `streamlit run` to the first page in Chromium (start_bench.py)
  browser   the pages as the room feels them, in Chromium against the real server at 100k, 1M and 10M: the
            first page after the health check, each page's first render and page switches, and click to
            finished page on stadsdel pills (browser_bench.py)
  baseline  Översikt the common way, whole table in pandas per rerun (baseline.py)
  city      a real city's size: 150 districts in 10 areas with boundaries (datasets.build_city) at the
            pages' scale, its queries cold and warm and its pages under AppTest, judged by the same targets

The exit code is 0 when every section ran and 1 when one failed (its error is in the results);
a missed target is a finding, never a failure. Timings are never asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
import traceback
from pathlib import Path

from . import datasets, import_speed, report
from .common import OUT, ROOT, load_average, machine, parse_scales, run_child, scale_label

SECTIONS = ("data", "import", "queries", "pages", "memory", "start", "browser", "baseline", "city")
COMMITTED_JSON = ROOT / "benchmarks" / "results.json"
COMMITTED_MD = ROOT / "BENCHMARKS.md"


def plan(args: argparse.Namespace) -> dict:
    """How much of everything to run: the full run's sizes, or the quick run's."""
    if args.quick:
        scales = parse_scales(args.scales) if args.scales else [20_000]
        return {
            "scales": scales, "years": args.years, "import_rows": [2_000], "import_repeats": 1,
            "variants": 2, "cold_repeats": 1, "warm_repeats": 3, "renders": 1, "rounds": 1, "steps": 2,
            "start_pages": False,
            "pages_scale": scales[0], "memory_scales": scales[:1], "memory_pages": ["pages/oversikt.py"],
            "start_dbs": [scales[0]], "baseline_scales": scales[:1], "baseline_variants": 2, "baseline_repeats": 1,
            "browser_scales": scales[:1], "browser_clicks": 2, "browser_rounds": 1,
            "browser_pages": ["pages/oversikt.py", "pages/trender.py"], "browser_bare_start": False,
        }
    scales = parse_scales(args.scales or "100k,1m,10m")
    pages_scale = min(scales, key=lambda n: abs(n - 1_000_000))
    rows = [int(r) for r in args.import_rows.split(",")] if args.import_rows else [10_000, 100_000,
                                                                                   import_speed.FULL_SHEET]
    return {
        "scales": scales, "years": args.years, "import_rows": rows, "import_repeats": 3,
        "variants": 6, "cold_repeats": 2, "warm_repeats": 5, "renders": 3, "rounds": 3, "steps": None,
        "start_pages": True, "pages_scale": pages_scale,
        "memory_scales": [n for n in scales if n >= 1_000_000] or [max(scales)],
        "memory_pages": None,
        "start_dbs": [None, *[n for n in scales if n >= 1_000_000]],  # None: the app's own demo database
        "baseline_scales": [n for n in scales if n <= 1_000_000] or [min(scales)],
        "baseline_variants": 6, "baseline_repeats": 2,
        "browser_scales": scales, "browser_clicks": 12, "browser_rounds": 2, "browser_pages": None,
        "browser_bare_start": True,
    }


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out
        self.out.mkdir(parents=True, exist_ok=True)
        self.log = self.out / "logs" / "children.log"
        self.json_path = self.out / "results.json"
        self.plan = plan(args)
        self.dbs: dict[int | None, Path] = {}
        if args.only and self.json_path.exists():
            self.results = json.loads(self.json_path.read_text())
        else:
            self.results = {}
        meta = self.results.setdefault("meta", {})
        meta.update({
            "quick": bool(args.quick),
            "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
            "plan": {k: v for k, v in self.plan.items()},
            "machine": machine(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        })
        meta.setdefault("sections", {})
        self.results.setdefault("errors", [])
        if not args.only:
            self.results["errors"] = []

    def save(self) -> None:
        self.json_path.write_text(json.dumps(self.results, indent=1, ensure_ascii=False, default=str))
        (self.out / "BENCHMARKS.md").write_text(report.render(self.results))

    def say(self, text: str) -> None:
        print(f"[{dt.datetime.now():%H:%M:%S}] {text}", flush=True)

    def error(self, section: str, exc: BaseException) -> None:
        message = f"{section}: {type(exc).__name__}: {exc}"
        self.results["errors"].append(message[:4000])
        self.say("FEL " + message[:500])
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc())

    def db(self, events: int | None) -> Path:
        if events not in self.dbs:
            if events is None:
                path, info = datasets.default_demo(self.out, self.log)
            else:
                path, info = datasets.demo_database(self.out, events, self.plan["years"], log=self.log)
            self.dbs[events] = path
            self.results.setdefault("data", {})[datasets.label(events)] = info
        return self.dbs[events]

    def run(self) -> int:
        chosen = [s.strip() for s in self.args.only.split(",")] if self.args.only else list(SECTIONS)
        unknown = set(chosen) - set(SECTIONS)
        if unknown:
            raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
        started = time.monotonic()
        failed_before = len(self.results["errors"])
        for section in SECTIONS:
            if section not in chosen:
                continue
            self.say(f"{section} …")
            t0, load0 = time.monotonic(), load_average()
            try:
                getattr(self, f"section_{section}")()
            except Exception as exc:  # recorded; the other sections still run
                self.error(section, exc)
            self.results["meta"]["sections"][section] = {
                "seconds": round(time.monotonic() - t0, 1), "load_before": load0, "load_after": load_average(),
            }
            self.save()
        meta = self.results["meta"]
        meta["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        meta["duration_s"] = round(time.monotonic() - started, 1)
        meta["machine"]["load_average_at_end"] = load_average()
        self.save()
        self.say(f"klart på {meta['duration_s']:.0f} s; {self.json_path}")
        return 1 if len(self.results["errors"]) > failed_before else 0

    # ------------------------------------------------------------ sections

    def section_data(self) -> None:
        for events in self.plan["scales"]:
            self.say(f"  demodatabas {scale_label(events)}")
            self.db(events)

    def section_import(self) -> None:
        found = []
        for rows in self.plan["import_rows"]:
            self.say(f"  import {rows:,} rader")
            try:
                found.append(import_speed.measure(rows, self.plan["import_repeats"], self.args.skip_openpyxl,
                                                  self.out, self.log))
            except Exception as exc:
                self.error(f"import {rows}", exc)
            self.results["import"] = found
            self.save()

    def section_queries(self) -> None:
        for events in self.plan["scales"]:
            self._queries(scale_label(events), events, self.db(events))

    def _queries(self, label: str, events: int, db: Path, into: dict | None = None) -> None:
        """Every page's queries recorded on `db`, then replayed cold and warm, kept as queries[label] (of
        `into`, the results' own by default)."""
        results = (self.results if into is None else into).setdefault("queries", {})
        recording = self.out / f"recording-{label}.pkl"
        try:
            self.say(f"  {label}: sidornas frågor spelas in")
            rec = run_child("record", ["--db", db, "--out-file", recording, "--variants", self.plan["variants"]],
                            log=self.log)
            if rec["errors"]:
                for page, message in rec["errors"].items():
                    self.results["errors"].append(f"queries {label} {page}: {message[:1500]}")
            self.say(f"  {label}: kallt")
            cold = run_child("queries_bench", ["cold", "--db", db, "--recording", recording,
                                               "--repeats", self.plan["cold_repeats"]], log=self.log)
            self.say(f"  {label}: varmt")
            warm = run_child("queries_bench", ["warm", "--db", db, "--recording", recording,
                                               "--repeats", self.plan["warm_repeats"]], log=self.log)
            from .record import app_pages

            results[label] = {"events": events, "recording": rec, "unreplayed": _unreplayed(recording),
                              "titles": {p.file: p.title for p in app_pages()},
                              "variants": cold["variants"], "cold": cold, "warm": warm}
        except Exception as exc:
            self.error(f"queries {label}", exc)
        self.save()

    def section_pages(self) -> None:
        events = self.plan["pages_scale"]
        self.results["pages"] = self._pages(self.db(events), scale_label(events))

    def _pages(self, db: Path, label: str) -> dict:
        extra = ["--steps", self.plan["steps"]] if self.plan["steps"] else ["--idle-step"]
        result = run_child("pages_bench", ["pages", "--db", db, "--renders", self.plan["renders"],
                                           "--rounds", self.plan["rounds"], *extra], log=self.log)
        result["scale"] = label
        for page, entry in result["pages"].items():
            if "error" in entry:
                self.results["errors"].append(f"pages {label} {page}: {entry['error'][:1500]}")
        return result

    def section_city(self) -> None:
        """The pages at a real city's size (150 districts in 10 areas) and the pages' scale of events."""
        events = self.plan["pages_scale"]
        label = f"city-{scale_label(events)}"
        self.say(f"  stad: 150 stadsdelar, {scale_label(events)} händelser")
        db, info = datasets.city_database(self.out, events, self.plan["years"], log=self.log)
        city = self.results["city"] = {"data": {label: info}}
        self.save()
        self._queries(label, events, db, into=city)
        self.say(f"  {label}: sidorna")
        city["pages"] = self._pages(db, label)

    def section_memory(self) -> None:
        from .record import app_pages

        results = self.results.setdefault("memory", {})
        for events in self.plan["memory_scales"]:
            label = scale_label(events)
            db = self.db(events)
            per_page = results.setdefault(label, {})
            for page in app_pages():
                if self.plan["memory_pages"] is not None and page.file not in self.plan["memory_pages"]:
                    continue
                self.say(f"  {label}: {page.title}")
                try:
                    per_page[page.file] = run_child("pages_bench", ["rss", "--db", db, "--page", page.file,
                                                                    "--rounds", 1], log=self.log)
                    per_page[page.file]["title"] = page.title
                except Exception as exc:
                    self.error(f"memory {label} {page.file}", exc)
                self.save()

    def section_start(self) -> None:
        results = self.results.setdefault("start", {})
        for events in self.plan["start_dbs"]:
            label = datasets.label(events)
            self.say(f"  start: {label}")
            try:
                extra = [] if self.plan["start_pages"] else ["--no-pages"]
                results[label] = run_child("start_bench", ["--db", self.db(events), *extra], timeout=900,
                                           log=self.log)
                for name, value in results[label].get("pages_s", {}).items():
                    if isinstance(value, str):
                        self.results["errors"].append(f"start {label} {name}: {value}")
            except Exception as exc:
                self.error(f"start {label}", exc)
            self.save()

    def section_browser(self) -> None:
        results = self.results.setdefault("browser", {})
        pages = self.plan["browser_pages"]
        for events in self.plan["browser_scales"]:
            label = scale_label(events)
            self.say(f"  webbläsare: {label}")
            try:
                args = ["--db", self.db(events), "--clicks", self.plan["browser_clicks"], "--rounds",
                        self.plan["browser_rounds"], "--label", label, *(["--pages", ",".join(pages)] if pages else [])]
                entry = run_child("browser_bench", args, timeout=3600, log=self.log)
                if self.plan["browser_bare_start"] and "skipped" not in entry:
                    # The same start under a bare `streamlit run`, which imports the app's modules only
                    # when the first browser connects.
                    entry["bare_start"] = run_child("browser_bench", ["--db", self.db(events), "--first-page-only",
                                                                     "--launch", "streamlit", "--label", label],
                                                    timeout=900, log=self.log)
                results[label] = entry
                for problem in entry.get("errors", []):
                    self.results["errors"].append(f"browser {label}: {problem}"[:1500])
            except Exception as exc:
                self.error(f"browser {label}", exc)
            self.save()

    def section_baseline(self) -> None:
        results = self.results.setdefault("baseline", {})
        for events in self.plan["baseline_scales"]:
            label = scale_label(events)
            self.say(f"  baslinje {label}")
            try:
                results[label] = run_child("baseline", ["--db", self.db(events), "--variants",
                                                        self.plan["baseline_variants"], "--repeats",
                                                        self.plan["baseline_repeats"]], log=self.log)
            except Exception as exc:
                self.error(f"baseline {label}", exc)
            self.save()


def _unreplayed(recording: Path) -> dict[str, dict[str, float]]:
    """Reads made outside ui.query that could not be replayed: per page, the largest time seen."""
    import pickle

    data = pickle.loads(recording.read_bytes())
    found: dict[str, dict[str, float]] = {}
    for page, by_variant in data["unreplayed"].items():
        for reads in by_variant.values():
            for name, seconds in reads:
                entry = found.setdefault(page, {})
                entry[name] = max(entry.get(name, 0.0), round(seconds * 1000, 1))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny scales, few repeats: proves the suite runs")
    parser.add_argument("--scales", help="events per demo database, e.g. 100k,1m,10m (quick: 20k)")
    parser.add_argument("--years", type=int, default=2, help="whole years of demo data before this one (2)")
    parser.add_argument("--import-rows", help="event rows per workbook, e.g. 10000,100000,1048575")
    parser.add_argument("--skip-openpyxl", action="store_true", help="leave out the slow pandas+openpyxl import")
    parser.add_argument("--out", type=Path, default=OUT, help="results and cached databases (benchmarks/out)")
    parser.add_argument("--only", help=f"comma-separated sections to run: {','.join(SECTIONS)}")
    parser.add_argument("--write", action="store_true", help="replace BENCHMARKS.md and benchmarks/results.json")
    parser.add_argument("--report-only", action="store_true", help="only render <out>/results.json again")
    args = parser.parse_args(argv)
    if args.write and args.quick:
        parser.error("--write with --quick would replace the real figures with a smoke test's")
    args.out = args.out.resolve()
    if args.report_only:
        results = json.loads((args.out / "results.json").read_text())
        (args.out / "BENCHMARKS.md").write_text(report.render(results))
        status = 0
    else:
        status = Runner(args).run()
    if args.write:
        shutil.copyfile(args.out / "results.json", COMMITTED_JSON)
        COMMITTED_MD.write_text(report.render(json.loads(COMMITTED_JSON.read_text()), json_link="benchmarks/results.json"))
        print(f"skrev {COMMITTED_MD} och {COMMITTED_JSON}")
    return status


if __name__ == "__main__":
    sys.exit(main())
