"""Helpers for the browser tests: the Streamlit server, waiting for a run, reading the page, SQL.

Kept out of conftest.py so that the test modules can import them by name.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from trygghet.core import clock

if TYPE_CHECKING:  # playwright may be missing on a developer's machine: the tests then skip
    from playwright.sync_api import Browser, BrowserContext, Locator, Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / ".artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "Install Debian's Chromium with `sudo apt-get install chromium` (the tests use /usr/bin/chromium)."
FULL_HD = {"width": 1920, "height": 1080}
HD = {"width": 1280, "height": 720}
SETTLE_MS = 400


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> Path | None:
    """Debian's /usr/bin/chromium; LAGESBILD_CHROMIUM names another build of the system's Chromium."""
    chosen = os.environ.get("LAGESBILD_CHROMIUM")
    if chosen:
        return Path(chosen) if Path(chosen).is_file() else None
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if chromium_path() is None:
        return "Chromium is not installed."
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "The Python package playwright is missing (pip install -r requirements.txt)."
    return None


def require_browser() -> None:
    """At the top of each browser test module: skip it on a developer's machine without Chromium
    (one line in the summary), fail it in CI."""
    import pytest

    reason = browser_unavailable()
    if reason is None:
        return
    if running_in_ci():
        pytest.fail(f"CI=true and the browser tests cannot run: {reason} {INSTALL_HINT}", pytrace=False)
    pytest.skip(f"{reason} {INSTALL_HINT}", allow_module_level=True)


# ---------------------------------------------------------------- the pages of the app


@dataclass(frozen=True)
class AppPage:
    file: str
    title: str
    url_path: str
    default: bool

    @property
    def slug(self) -> str:
        return self.url_path

    @property
    def path(self) -> str:
        """The path the browser opens: the default page lives at '/'."""
        return "" if self.default else self.url_path


def app_pages() -> list[AppPage]:
    """The pages app.py hands to st.navigation, read from its source (no Streamlit needed)."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    found: list[tuple[int, AppPage]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"):
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        keywords = {k.arg: k.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        file = str(node.args[0].value)
        found.append((node.lineno, AppPage(
            file=file,
            title=str(keywords["title"].value) if "title" in keywords else Path(file).stem,
            url_path=str(keywords["url_path"].value) if "url_path" in keywords else Path(file).stem,
            default=bool(keywords["default"].value) if "default" in keywords else False,
        )))
    return [page for _, page in sorted(found, key=lambda item: item[0])]


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """`streamlit run app.py` on a free port against `db_path`, with its output in a log file."""

    def __init__(self, workdir: Path, db_path: Path, name: str, extra_args: Sequence[str] = ()) -> None:
        self.workdir = workdir
        self.extra_args = list(extra_args)
        self.db_path = db_path
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout: float = 90.0) -> StreamlitServer:
        secrets = self.workdir / "secrets.toml"
        secrets.write_text("# empty: no log-in configured, whatever the developer's own secrets.toml says\n")
        env = os.environ.copy()
        env.update({
            "TRYGGHET_DB": str(self.db_path),
            # No accounts file: the app runs in its open mode, so uploads need no log-in.
            "TRYGGHET_USERS": str(self.workdir / "anvandare.toml"),
            "TRYGGHET_RAISE_ERRORS": "1",
            "PYTHONUNBUFFERED": "1",
        })
        env.pop("TRYGGHET_MAP_TILES", None)  # never a tile server on the network
        self.port = free_port()
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Other developers edit the pages while the tests run: keep the code the server started with.
            "--server.fileWatcherType", "none",
            "--secrets.files", str(secrets),
            *self.extra_args,
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        health = f"{self.url}_stcore/health"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"ok":
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not answer {health} within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, chars: int = 6000) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return text[-chars:]


RUNNING_SERVERS: list[StreamlitServer] = []
OPEN_PAGES: list[Page] = []  # screenshotted when a test fails


def start_server(workdir: Path, db_path: Path, name: str) -> StreamlitServer:
    """Starts a server and remembers it, so that a failing test shows its log."""
    server = StreamlitServer(workdir, db_path, name).start()
    RUNNING_SERVERS.append(server)
    return server


def stop_server(server: StreamlitServer) -> None:
    server.stop()
    if server in RUNNING_SERVERS:
        RUNNING_SERVERS.remove(server)


# ---------------------------------------------------------------- the page


def new_context(browser: Browser, color_scheme: str = "light", viewport: dict[str, int] | None = None) -> BrowserContext:
    """A fresh browser profile: its own Streamlit session, Swedish locale, the chosen theme preference."""
    context = browser.new_context(
        viewport=viewport or FULL_HD,
        color_scheme=color_scheme,  # type: ignore[arg-type]
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        accept_downloads=True,
    )
    context.set_default_timeout(30_000)
    return context


APP = "[data-testid='stApp']"


def settle(page: Page, timeout: float = 60_000) -> None:
    """Waits as Streamlit's own e2e utilities do: connected, the script finished, a short settle."""
    page.wait_for_selector(f"{APP}[data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(SETTLE_MS)
    # A rerun (a widget's callback, the URL being rewritten) may have started during the settle.
    page.wait_for_selector(f"{APP}[data-test-script-state='notRunning']", timeout=timeout)
    # Stale elements of the previous run gone, and every lazily loaded widget drawn (a widget whose
    # code is still loading is a grey skeleton).
    page.wait_for_function(
        """() => !document.querySelector("[data-testid='stMain'] [data-stale='true']")
                 && !document.querySelector("[data-testid='stApp'] [data-testid='stSkeleton']")""",
        timeout=timeout,
    )


def open_page(page: Page, url: str, timeout: float = 60_000) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    settle(page, timeout)
    assert_no_app_error(page)


def navigate(page: Page, title: str, timeout: float = 60_000) -> None:
    """Opens another page through the sidebar menu, as a person would: the same Streamlit session,
    so the filters stay, and about twice as fast as loading the URL afresh."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title, exact=True).click()
    page.locator("[data-testid='stSidebarNav'] a[aria-current='page']", has_text=title).wait_for(timeout=timeout)
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    settle(page, timeout)
    assert_no_app_error(page)


def wait_for_charts(page: Page, timeout: float = 30_000) -> None:
    """Charts draw after the script has finished; wait for every Plotly chart's SVG and every Vega-Lite
    chart's drawing."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stPlotlyChart']")]
                 .every(c => c.querySelector('svg.main-svg'))
              && [...document.querySelectorAll("[data-testid='stMain'] [data-testid='stVegaLiteChart']")]
                 .every(c => c.querySelector('svg, canvas'))""",
        timeout=timeout,
    )


def assert_no_app_error(page: Page) -> None:
    main = page.locator("[data-testid='stMain']")
    exceptions = main.locator("[data-testid='stException']")
    assert exceptions.count() == 0, f"{page.url}: exception on the page: {exceptions.all_inner_texts()}"
    calm = main.get_by_text("Något gick fel när sidan skulle visas")
    assert calm.count() == 0, f"{page.url}: the page failed ('Något gick fel när sidan skulle visas')"


def rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def metric_value(page: Page, label_prefix: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label_prefix)
    )
    assert metric.count() == 1, f"{metric.count()} metrics labelled {label_prefix!r}"
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def metric_label(page: Page, label_prefix: str) -> str:
    return page.locator("[data-testid='stMetricLabel']", has_text=label_prefix).first.inner_text().strip()


def number(text: str) -> float:
    """'1 108', '190,5', '−6' (Swedish formatting) -> float."""
    cleaned = (text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("\u2212", "-")
               .replace(",", "."))
    return float(cleaned)


def grid_rows(dataframe: Locator) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an st.dataframe from the accessible table Streamlit keeps beside its canvas."""
    table = dataframe.locator("table[role='grid']").first
    table.locator("tbody tr").first.wait_for(state="attached")
    header = [t.strip() for t in table.locator("thead th").all_text_contents()]
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append([t.strip() for t in row.locator("td").all_text_contents()])
    return header, rows


def workbook_bytes(sheet: str, rows: Sequence[Sequence[object]]) -> bytes:
    """An .xlsx with one sheet; dates and times become real Excel date cells."""
    import openpyxl

    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the database, read on its own


def sql(path: Path, query: str, params: Sequence[object] = (), attempts: int = 40) -> list[tuple[object, ...]]:
    """Rows from the DuckDB file opened read-only. The server holds connections only briefly, but
    while it writes (an import, its dry run) a read-only open fails on the lock: try again."""
    for attempt in range(attempts):
        try:
            con = duckdb.connect(str(path), read_only=True)
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.25)
            continue
        try:
            return con.execute(query, list(params)).fetchall()
        finally:
            con.close()
    raise AssertionError("unreachable")


def last_complete_week(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Monday of the latest complete ISO week and the Monday after it (exclusive end), by default for
    the suite's day (TRYGGHET_TODAY, which the server sees too)."""
    today = today or clock.today()
    sunday = today - dt.timedelta(days=today.isoweekday())
    return sunday - dt.timedelta(days=6), sunday + dt.timedelta(days=1)


def events_in(path: Path, start: dt.date, end: dt.date, districts: Sequence[str] = ()) -> int:
    query = "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?"
    params: list[object] = [start, end]
    if districts:
        query += f" AND district IN ({', '.join('?' for _ in districts)})"
        params += list(districts)
    return int(sql(path, query, params)[0][0])
