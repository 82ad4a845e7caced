"""The Streamlit server's memory during and after a large upload through the real app in Chromium.

    python -m benchmarks.upload_memory --mb 150
    python -m benchmarks.upload_memory --mb 150 --app-root /path/to/an/older/checkout

Writes a CSV of event rows of about --mb megabytes (up to Excel's 1,048,575 rows under a header),
starts `streamlit run app.py` on an empty database with the file's districts, uploads the file on
the Data page, waits for the preview, presses Importera and waits for the result. A sampler reads
the server's VmRSS every 0.1 s (and that of the import worker, the child process that reads,
validates and imports the file, apart). Prints peak RSS
during the preview and during the import, and RSS once the page has settled after each, then after
ten idle seconds. --app-root measures another checkout of the app (its own trygghet package) with
this script, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import OUT, ROOT
from .start_bench import CHROMIUM_ARGS, _free_port, chromium

DISTRICTS = ["Norrby", "Hamnen", "Angered", "Centrum", "Östra Hamnen"]
CATEGORIES = ["Klotter", "Skadegörelse", "Nedskräpning", "Bråk/slagsmål", "Inbrott"]
MAX_ROWS = 1_048_575


def events_csv(megabytes: int, out: Path) -> tuple[Path, int]:
    """A semicolon CSV in UTF-8 of about `megabytes` MB; written once and reused."""
    path = out / f"uppladdning-{megabytes}mb.csv"
    if path.exists():
        return path, sum(1 for _ in path.open(encoding="utf-8")) - 1
    rng = random.Random(1)
    target = megabytes * 2**20
    header = "Datum;Tid;Stadsdel;Plats;Kategori;Beskrivning;Källa;Händelse-ID\n"
    # The row length that reaches the size within Excel's row limit, from a short description up.
    padding = max(0, target // MAX_ROWS - 100)
    filler = ("Rapporterat av fältare under kvällspasset, kontrollerat på plats och dokumenterat med foto. " * 40)
    rows = 0
    with path.open("w", encoding="utf-8") as stream:
        stream.write(header)
        size = len(header.encode())
        while size < target and rows < MAX_ROWS:
            day = 1 + rng.randrange(28)
            line = (f"2026-{1 + rng.randrange(11):02d}-{day:02d};{rng.randrange(24):02d}:{rng.randrange(60):02d};"
                    f"{rng.choice(DISTRICTS)};Storgatan {rng.randrange(1, 200)};{rng.choice(CATEGORIES)};"
                    f"Händelse {rows} {filler[:padding]};Fältare;U-{rows:07d}\n")
            stream.write(line)
            size += len(line.encode())
            rows += 1
    return path, rows


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Child processes started by any of the server's threads (the import worker starts from the script's)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.worker_peak = 0.0
        self.running = True

    def reset(self) -> None:
        self.peak = rss_mb(self.pid)

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            self.worker_peak = max([self.worker_peak, *(rss_mb(c) for c in children(self.pid))])
            time.sleep(0.1)


def prepare_database(app_root: Path, db_path: Path) -> None:
    code = (
        "import sys\nfrom pathlib import Path\nfrom trygghet.store.db import Database, add_district, init_database\n"
        "db = Database(Path(sys.argv[1]))\ninit_database(db)\n"
        "with db.write() as con:\n"
        f"    for name in {DISTRICTS!r}:\n        add_district(con, name)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], cwd=app_root, check=True)


def settled(page: object, timeout_ms: float) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


def measure(megabytes: int, app_root: Path, timeout: float) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    work = OUT / "upload"
    work.mkdir(parents=True, exist_ok=True)
    csv_path, rows = events_csv(megabytes, work)
    db_path = work / f"upload-{os.getpid()}.duckdb"
    for stale in work.glob(f"{db_path.name}*"):
        stale.unlink()
    prepare_database(app_root, db_path)
    secrets = work / "secrets.toml"
    secrets.write_text("# empty: no log-in configured\n")
    env = dict(os.environ, TRYGGHET_DB=str(db_path), TRYGGHET_USERS=str(work / "inga-konton.toml"))
    env.pop("TRYGGHET_RAISE_ERRORS", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--secrets.files", str(secrets)]
    result: dict[str, object] = {"file_mb": round(csv_path.stat().st_size / 2**20, 1), "rows": rows,
                                 "app_root": "this checkout" if app_root == ROOT else app_root.name}
    ms = timeout * 1000
    with sync_playwright() as pw, (work / "streamlit.log").open("wb") as log:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(ms)
        server = subprocess.Popen(command, cwd=app_root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        sampler = Sampler(server.pid)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"{url}_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {work / 'streamlit.log'}")
                time.sleep(0.1)
            page.goto(url)
            page.locator("[data-testid='stSidebarNavLink']", has_text="Data").first.click()
            page.get_by_text("Dra hit filer").first.wait_for()
            settled(page, ms)
            result["rss_before_mb"] = round(rss_mb(server.pid))
            sampler.start()
            sampler.reset()
            started = time.perf_counter()
            page.locator("[data-testid='stFileUploader'] input[type=file]").first.set_input_files(str(csv_path))
            page.get_by_text("Klar att importera").or_(page.get_by_text("Avvisad")).first.wait_for(timeout=ms)
            settled(page, ms)
            result["preview_s"] = round(time.perf_counter() - started, 1)
            result["peak_rss_preview_mb"] = round(sampler.peak)
            result["rss_after_preview_mb"] = round(rss_mb(server.pid))
            button = page.get_by_role("button", name="Importera filen")
            if button.count():
                sampler.reset()
                started = time.perf_counter()
                button.click()
                page.get_by_text("Importerad").first.wait_for(timeout=ms)
                settled(page, ms)
                result["import_s"] = round(time.perf_counter() - started, 1)
                result["peak_rss_import_mb"] = round(sampler.peak)
                result["rss_after_import_mb"] = round(rss_mb(server.pid))
            else:
                result["refused"] = page.locator("[data-testid='stAlert']").first.inner_text()[:300]
            time.sleep(10)
            result["rss_idle_10s_after_mb"] = round(rss_mb(server.pid))
            result["worker_peak_rss_mb"] = round(sampler.worker_peak)
            result["server_alive"] = server.poll() is None
        finally:
            sampler.running = False
            browser.close()
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait(timeout=15)
            for path in work.glob(f"{db_path.name}*"):
                path.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=150, help="size of the uploaded CSV in MB")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="the checkout whose app is measured")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait for each step")
    args = parser.parse_args()
    print(json.dumps(measure(args.mb, args.app_root.resolve(), args.timeout), ensure_ascii=False))


if __name__ == "__main__":
    main()
