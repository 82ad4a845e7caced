"""Pages as the room feels them: Chromium against the real server, from a click to the finished page.

    python -m benchmarks.browser_bench --db benchmarks/out/demo-1m-….duckdb [--clicks 12] [--rounds 2]
    python -m benchmarks.browser_bench --db … --first-page-only --launch streamlit

The server starts as `python3 dev.py app` starts it (trygghet.ui.serve; `--launch streamlit`: a bare
`streamlit run app.py`), headless, without a file watcher and without an accounts file, so the app
is in its open mode, against the database; Debian's Chromium (/usr/bin/chromium) is driven by
Playwright at 1920 × 1080. Measured:

- `health_s`: from spawning the server until `/_stcore/health` answers `ok`;
- `first_page_s`: from that answer until the default page (Översikt) is finished in the browser;
- `first_render`: each other dashboard page opened from the menu for the first time in the process
  (its imports done or not, its queries missing Streamlit's cache);
- `switch_ms`: every dashboard page opened from the menu again, `--rounds` times over, in menu order;
- `click_ms`: on each dashboard page, `--clicks` clicks on stadsdel pills in the sidebar. The
  clicks walk through sets of at most four districts, every set new in the whole run, so a
  click's queries always miss the cache, as a new question in the meeting does.

*Finished* is judged in the browser: the run the click started has ended (the ForwardMsg
`script_finished` arrived, see PROBE), and in an animation frame after it Streamlit's script state is
`notRunning`, its running indicator (`stStatusWidget`) is gone, no element is stale
(`data-stale="true"`) and no widget is still a loading skeleton. The time is from the click event to
that frame, on the page's own clock. Beside it: the server process's CPU time (every thread) and the
renderer's main-thread task time (Chrome's Performance.getMetrics) over the same span. The browser
waits a moment (SETTLE_S) between clicks, as a person would. A benchmark, never a test: nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .common import OUT, ROOT, child_env, emit, process_hwm_mb, summary
from .record import AppPage, app_pages
from .start_bench import CHROMIUM_ARGS, _free_port, chromium, unavailable

# The pages a meeting moves between and filters; Data, Administration and Rapport are work pages.
DASHBOARDS = ("pages/oversikt.py", "pages/trender.py", "pages/insatser.py", "pages/prioriterade.py",
              "pages/karta.py", "pages/mote.py", "pages/trygghetsmatning.py")
SETTLE_S = 0.3
MAX_CHOSEN = 4

# Installed before any of the app's own scripts. A click listener keeps the click's time; a wrapper
# around the WebSocket reads the top-level fields of every ForwardMsg and notes the end of a whole
# run (script_finished, field 6, FINISHED_SUCCESSFULLY or with a compile error: not a fragment's run
# nor one cut short for a rerun); once the frame after that end shows the finished page, the time is
# kept. The end is taken from the messages, not from the DOM: a short run's 'running' and
# 'notRunning' can be drawn in one React commit, and then the DOM never shows that a run happened.
PROBE = """(() => {
  const probe = window.__lbProbe = {armed: false, clickAt: null, endedAt: null, settled: false, doneAt: null};
  document.addEventListener('click', (event) => {
    if (probe.armed && probe.clickAt === null) probe.clickAt = event.timeStamp;
  }, true);
  const varint = (bytes, at) => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at.i++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  const runEnded = (buffer) => {
    const bytes = new Uint8Array(buffer), at = {i: 0};
    while (at.i < bytes.length) {
      const key = varint(bytes, at), field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) {
        const value = varint(bytes, at);
        if (field === 6) return value === 0 || value === 1;
      } else if (wire === 2) { const length = varint(bytes, at); at.i += length; }
      else if (wire === 1) { at.i += 8; } else if (wire === 5) { at.i += 4; } else { return false; }
    }
    return false;
  };
  const onMessage = (event) => {
    if (!probe.armed || probe.clickAt === null || !(event.data instanceof ArrayBuffer)) return;
    if (runEnded(event.data)) {
      probe.endedAt = performance.now();
      probe.settled = false;
      // React draws the run's last messages in a task of its own, queued before this timer.
      setTimeout(() => { probe.settled = true; }, 0);
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', onMessage); }
  };
  const finished = () => {
    const root = document.querySelector("[data-testid='stApp']");
    return root && root.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector("[data-testid='stStatusWidget']")
      && !document.querySelector("[data-stale='true']")
      && !document.querySelector("[data-testid='stApp'] [data-testid='stSkeleton']");
  };
  const frame = () => {
    // The clock now, not the frame's timestamp, which Chrome may set before the run's end arrived.
    if (probe.armed && probe.doneAt === null && probe.endedAt !== null && probe.settled && finished()) {
      probe.doneAt = performance.now();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  probe.arm = () => {
    Object.assign(probe, {armed: true, clickAt: null, endedAt: null, settled: false, doneAt: null});
  };
})();"""
ARM = "() => window.__lbProbe.arm()"
DONE = "() => window.__lbProbe.doneAt !== null"
ELAPSED = """() => { const p = window.__lbProbe; p.armed = false;
  return [p.doneAt - p.clickAt, (p.endedAt === null ? p.doneAt : p.endedAt) - p.clickAt]; }"""
READY = """() => {
  const root = document.querySelector("[data-testid='stApp']");
  return root && root.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector("[data-testid='stMain'] h1")
    && !document.querySelector("[data-testid='stStatusWidget']")
    && !document.querySelector("[data-stale='true']")
    && !document.querySelector("[data-testid='stApp'] [data-testid='stSkeleton']");
}"""


# How the server is started: as `python3 dev.py app` does (trygghet.ui.serve: the app's modules are
# imported before the server answers), or as a bare `streamlit run app.py`.
LAUNCHES = {"dev": ["-m", "trygghet.ui.serve"], "streamlit": ["-m", "streamlit", "run", "app.py"]}


class Server:
    """The app's server on a free port against one database, its output in a log file."""

    def __init__(self, db_path: Path, log_path: Path, launch: str = "dev") -> None:
        self.db_path, self.log_path, self.launch = db_path, log_path, launch
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> float:
        """Spawns the server; the seconds until its health check answers."""
        work = self.log_path.parent
        work.mkdir(parents=True, exist_ok=True)
        secrets = work / "secrets.toml"
        secrets.write_text("# empty: no log-in configured\n")
        env = child_env({"TRYGGHET_DB": str(self.db_path)})
        env.pop("TRYGGHET_RAISE_ERRORS", None)  # as in production: a failing page shows its calm message
        command = [sys.executable, *LAUNCHES[self.launch], "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                   "--secrets.files", str(secrets)]
        started = time.perf_counter()
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}_stcore/health", timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no health answer within {timeout:.0f} s; see {self.log_path}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


def district_walk(districts: list[str], clicks: int, seen: set[frozenset[str]], offset: int) -> list[str]:
    """The pills to click, one after another, so that every chosen set is new in `seen` (which it
    extends) and holds at most MAX_CHOSEN districts; starts from none chosen (all districts)."""
    chosen: set[str] = set()
    order: list[str] = []
    n = len(districts)
    step = offset
    for _ in range(clicks):
        for tries in range(2 * n):
            name = districts[(step + tries) % n]
            after = chosen ^ {name}
            if len(after) <= MAX_CHOSEN and frozenset(after) not in seen:
                break
        else:  # every neighbouring set seen: allow one repeat rather than stop
            name = districts[step % n]
            after = chosen ^ {name}
        seen.add(frozenset(after))
        chosen = set(after)
        order.append(name)
        step += 3
    return order


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system, every thread) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clicker:
    """Times clicks on one page: the wall clock on the page's own clock, the server's CPU time, and
    the renderer's main-thread task time (Chrome's Performance.getMetrics)."""

    def __init__(self, page: object, server_pid: int, timeout_s: float) -> None:
        self.page, self.pid, self.timeout_s = page, server_pid, timeout_s
        self.cdp = page.context.new_cdp_session(page)  # type: ignore[attr-defined]
        self.cdp.send("Performance.enable")

    def _task_s(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def timed(self, action: Callable[[], object]) -> dict[str, float]:
        """From the click `action` makes to the finished page: `total` and `ended` (until the browser
        learnt that the script's run had ended) in ms on the page's clock, `server_cpu` and
        `browser_task` in ms of CPU over the same span."""
        self.page.evaluate(ARM)  # type: ignore[attr-defined]
        cpu0, task0 = _cpu_s(self.pid), self._task_s()
        action()
        self.page.wait_for_function(DONE, timeout=self.timeout_s * 1000, polling=50)  # type: ignore[attr-defined]
        cpu1, task1 = _cpu_s(self.pid), self._task_s()
        total, ended = self.page.evaluate(ELAPSED)  # type: ignore[attr-defined]
        return {"total": float(total), "ended": float(ended), "server_cpu": (cpu1 - cpu0) * 1000,
                "browser_task": (task1 - task0) * 1000}


def _summary(samples: list[dict[str, float]], field: str) -> dict[str, float | int]:
    return summary([s[field] / 1000 for s in samples])


def _rounded(sample: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in sample.items()}


def _app_error(page: object) -> str | None:
    shown = page.locator("[data-testid='stMain'] [data-testid='stException']")  # type: ignore[attr-defined]
    if shown.count():
        return shown.first.inner_text()[:300]
    if page.get_by_text("Något gick fel när sidan skulle visas").count():  # type: ignore[attr-defined]
        return "Något gick fel när sidan skulle visas"
    return None


def _nav(page: object, title: str) -> object:
    return page.locator("[data-testid='stSidebarNav']").get_by_role(  # type: ignore[attr-defined]
        "link", name=title, exact=True)


def _pill(page: object, district: str) -> object:
    return page.locator("[data-testid='stSidebar']").get_by_role(  # type: ignore[attr-defined]
        "button", name=district, exact=True)


def cpu_check_s() -> float:
    """Seconds for a fixed piece of pure-Python work, best of three: on a shared virtual machine the
    same work takes up to twice as long at a busy hour, and every time in a run with it. Recorded
    before and after the run, so that runs are compared on like machines."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def _districts(db_path: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT name FROM districts ORDER BY sort_order, name").fetchall()]


def measure(db_path: Path, clicks_per_page: int, rounds: int, page_files: list[str] | None, timeout: float = 300.0,
            log_name: str | None = None, launch: str = "dev") -> dict:
    """Everything the module docstring lists; `page_files=[]`: the start and the first page only."""
    from playwright.sync_api import sync_playwright

    chosen_pages: list[AppPage] = [p for p in app_pages() if p.file in DASHBOARDS
                                   and (page_files is None or p.file in page_files)]
    home = next(p for p in app_pages() if p.default)
    districts = _districts(db_path)
    work = OUT / "browser"
    server = Server(db_path, work / f"streamlit-{log_name or db_path.stem}-{launch}.log", launch)
    result: dict[str, object] = {"db": db_path.name, "launch": launch, "clicks": clicks_per_page, "rounds": rounds,
                                 "errors": []}
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="sv-SE",
                                      timezone_id="Europe/Stockholm")
        context.add_init_script(PROBE)
        page = context.new_page()
        page.set_default_timeout(timeout * 1000)
        try:
            result["cpu_check_before_s"] = cpu_check_s()
            result["health_s"] = round(server.start(timeout), 2)
            answered = time.perf_counter()
            page.goto(server.url)
            page.wait_for_function(READY, timeout=timeout * 1000, polling="raf")
            result["first_page_s"] = round(time.perf_counter() - answered, 2)
            result["rss_after_first_page_mb"] = process_hwm_mb(server.process.pid)  # type: ignore[union-attr]
            if (problem := _app_error(page)) is not None:
                errors.append(f"{home.title}: {problem}")
            time.sleep(SETTLE_S)

            clicker = Clicker(page, server.process.pid, timeout)  # type: ignore[union-attr]
            per_page: dict[str, dict] = {}
            for app_page in chosen_pages:  # first visits, in menu order; the default page is already open
                entry = per_page.setdefault(app_page.file, {"title": app_page.title})
                if app_page.default:
                    continue
                entry["first_render"] = _rounded(clicker.timed(_nav(page, app_page.title).click))
                if (problem := _app_error(page)) is not None:
                    errors.append(f"{app_page.title}: {problem}")
                time.sleep(SETTLE_S)
            switches: dict[str, list[dict[str, float]]] = {p.file: [] for p in chosen_pages}
            for _ in range(rounds):
                for app_page in chosen_pages[1:] + chosen_pages[:1]:
                    switches[app_page.file].append(clicker.timed(_nav(page, app_page.title).click))
                    time.sleep(SETTLE_S)
            seen: set[frozenset[str]] = {frozenset()}
            for index, app_page in enumerate(chosen_pages):
                clicker.timed(_nav(page, app_page.title).click)
                time.sleep(SETTLE_S)
                clicks: list[dict[str, float]] = []
                for name in district_walk(districts, clicks_per_page, seen, offset=index):
                    clicks.append(clicker.timed(_pill(page, name).click))
                    time.sleep(SETTLE_S)
                if (problem := _app_error(page)) is not None:
                    errors.append(f"{app_page.title}: {problem}")
                # Back to every district for the next page, a state every page has already seen.
                for name in [n for n in districts if _pill(page, n).get_attribute("kind") == "pillsActive"]:
                    clicker.timed(_pill(page, name).click)
                entry = per_page[app_page.file]
                entry["click_ms"] = _summary(clicks, "total")
                entry["click_run_ended_ms"] = _summary(clicks, "ended")
                entry["click_server_cpu_ms"] = _summary(clicks, "server_cpu")
                entry["click_browser_task_ms"] = _summary(clicks, "browser_task")
                entry["clicks"] = [_rounded(c) for c in clicks]
                entry["switch_ms"] = _summary(switches[app_page.file], "total")
                entry["switch_server_cpu_ms"] = _summary(switches[app_page.file], "server_cpu")
                entry["switch_browser_task_ms"] = _summary(switches[app_page.file], "browser_task")
            result["pages"] = per_page
            result["peak_rss_mb"] = process_hwm_mb(server.process.pid)  # type: ignore[union-attr]
            result["cpu_check_after_s"] = cpu_check_s()
            if home.file not in {p.file for p in chosen_pages}:
                result["note"] = "the default page was not among the measured pages"
        finally:
            browser.close()
            server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--clicks", type=int, default=12, help="stadsdel clicks per page (12)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of page switches after the first visits (2)")
    parser.add_argument("--pages", default="", help="comma-separated page files (default: every dashboard page)")
    parser.add_argument("--first-page-only", action="store_true", help="only the start and the first page")
    parser.add_argument("--launch", choices=sorted(LAUNCHES), default="dev",
                        help="dev: as `python3 dev.py app` starts it (default); streamlit: a bare `streamlit run`")
    parser.add_argument("--label", help="a name for the server's log file")
    args = parser.parse_args()
    reason = unavailable()
    if reason:
        emit({"skipped": reason})
        return
    pages = [] if args.first_page_only else [p for p in args.pages.split(",") if p] or None
    emit(measure(args.db, args.clicks, args.rounds, pages, log_name=args.label, launch=args.launch))


if __name__ == "__main__":
    main()
