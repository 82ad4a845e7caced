"""From `streamlit run app.py` to the first page in a real browser, and the server's memory.

The server starts on a free port with TRYGGHET_DB pointing at the database (no accounts file,
so the app is in its open mode; no file watcher). Chromium is started first, so its own start
is not counted. Measured from the moment the server process is spawned:

- `health_s`: until `/_stcore/health` answers `ok`;
- `first_page_s`: until the default page (Översikt) has finished its run in the browser
  (`stApp[data-test-script-state=notRunning]`) with a metric on screen;
- then every other page is opened from the menu (`pages_s`, click to finished run as the browser
  sees it), one district is clicked in the sidebar on Översikt (`browser_filter_change_s`), and the
  server process's peak RSS (VmHWM) after all of that is read.

Needs Playwright and Chromium (/usr/bin/chromium); without them the section is skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import OUT, ROOT, child_env, emit, process_hwm_mb
from .record import app_pages

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def unavailable() -> str | None:
    """Why the browser part cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed"
    if chromium() is None:
        return "Chromium is not installed (/usr/bin/chromium)"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settled(page: object, timeout_ms: float) -> None:
    page.wait_for_selector(APP_READY, timeout=timeout_ms)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector(\"[data-testid='stMain'] [data-stale='true']\")", timeout=timeout_ms
    )


WATCH_RUN = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    window.__benchSawRun = false;
    if (window.__benchObserver) window.__benchObserver.disconnect();
    window.__benchObserver = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__benchSawRun = true;
    });
    window.__benchObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RUN_DONE = """() => window.__benchSawRun &&
    document.querySelector("[data-testid='stApp']").getAttribute('data-test-script-state') === 'notRunning'"""


def _timed_run(page: object, action: object, timeout: float) -> float:
    """Seconds from `action()` (a click) to the end of the run it started, as the browser sees it."""
    page.evaluate(WATCH_RUN)  # type: ignore[attr-defined]
    started = time.perf_counter()
    action()  # type: ignore[operator]
    page.wait_for_function(RUN_DONE, timeout=timeout * 1000)  # type: ignore[attr-defined]
    _settled(page, timeout * 1000)
    return time.perf_counter() - started


def _app_error(page: object) -> str | None:
    shown = page.locator("[data-testid='stMain'] [data-testid='stException']")  # type: ignore[attr-defined]
    calm = page.get_by_text("Något gick fel när sidan skulle visas")  # type: ignore[attr-defined]
    if shown.count():
        return shown.first.inner_text()[:300]
    if calm.count():
        return "Något gick fel när sidan skulle visas"
    return None


def measure(db_path: Path, timeout: float = 300.0, walk_pages: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    work = OUT / "start"
    work.mkdir(parents=True, exist_ok=True)
    secrets = work / "secrets.toml"
    secrets.write_text("# empty: no log-in configured\n")
    log_path = work / f"streamlit-{db_path.stem}.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = child_env({"TRYGGHET_DB": str(db_path)})
    env.pop("TRYGGHET_RAISE_ERRORS", None)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--secrets.files", str(secrets)]
    result: dict[str, object] = {"db": db_path.name}
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        district = con.execute("SELECT name FROM districts ORDER BY sort_order, name LIMIT 1 OFFSET 1").fetchone()[0]
    with sync_playwright() as pw, log_path.open("wb") as log:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.set_default_timeout(timeout * 1000)
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {server.returncode}; see {log_path}")
                try:
                    with urllib.request.urlopen(f"{url}_stcore/health", timeout=2) as response:
                        if response.status == 200 and response.read().strip() == b"ok":
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no health answer within {timeout:.0f} s; see {log_path}")
                time.sleep(0.05)
            result["health_s"] = round(time.perf_counter() - started, 2)
            page.goto(url)
            page.wait_for_selector("[data-testid='stMetric']", timeout=timeout * 1000)
            _settled(page, timeout * 1000)
            result["first_page_s"] = round(time.perf_counter() - started, 2)
            result["rss_after_first_page_mb"] = process_hwm_mb(server.pid)

            pages_s: dict[str, object] = {}
            for app_page in app_pages() if walk_pages else ():  # through the menu, as a user moves between pages
                if app_page.default:
                    continue
                link = page.locator("[data-testid='stSidebarNavLink']", has_text=app_page.title).first
                seconds = round(_timed_run(page, link.click, timeout), 2)
                problem = _app_error(page)
                pages_s[app_page.title] = f"error: {problem}" if problem else seconds
            if pages_s:
                home = next(p.title for p in app_pages() if p.default)
                _timed_run(page, page.locator("[data-testid='stSidebarNavLink']", has_text=home).first.click, timeout)
            result["pages_s"] = pages_s
            pill = page.locator("[data-testid='stSidebar']").get_by_role("button", name=district, exact=True)
            result["browser_filter_change_s"] = round(_timed_run(page, pill.click, timeout), 2)
            result["peak_rss_all_pages_mb"] = process_hwm_mb(server.pid)
        finally:
            browser.close()
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=15)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--no-pages", action="store_true", help="only the first page and the district click")
    args = parser.parse_args()
    reason = unavailable()
    emit({"skipped": reason} if reason else measure(args.db, walk_pages=not args.no_pages))


if __name__ == "__main__":
    main()
