"""A large upload on the Data page of a real server shows how far it has come: the progress bar
names each stage the worker reports (reading the file, checking the sheet, the dry run, writing)
and moves within a stage. A second upload stopped with Avbryt while it is being imported leaves
the database as it was, and the page says that nothing was saved."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    StreamlitServer,
    navigate,
    open_page,
    require_browser,
    settle,
    sql,
    start_server,
    stop_server,
)

from trygghet.store.db import Database, add_district, init_database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
require_browser()

DISTRICTS = ["Norrby", "Hamnen", "Centrum"]
CATEGORIES = ["Klotter", "Skadegörelse", "Nedskräpning", "Inbrott"]
# Rows enough that reading, checking and writing take seconds on a shared two-core machine, and
# that the reader reports several chunks of rows.
ROWS = 300_000
# Every change of the progress bars' text or value, recorded in the page as it happens.
RECORDER = """() => {
  window.__progress = [];
  const look = () => {
    for (const el of document.querySelectorAll("[data-testid='stProgress']")) {
      const bar = el.querySelector("[role='progressbar']");
      const entry = {text: el.innerText.trim(), value: bar ? bar.getAttribute("aria-valuenow") : null};
      const last = window.__progress[window.__progress.length - 1];
      if (!last || last.text !== entry.text || last.value !== entry.value) window.__progress.push(entry);
    }
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true,
                                                     attributes: true});
}"""


@pytest.fixture(scope="module")
def server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    work = tmp_path_factory.mktemp("upload-progress")
    db = Database(work / "trygghet.duckdb")
    init_database(db)
    with db.write() as con:
        for name in DISTRICTS:
            add_district(con, name)
    started = start_server(work, db.path, "upload-progress")
    yield started
    stop_server(started)


def events_csv(rows: int, seed: int, prefix: str) -> bytes:
    rng = random.Random(seed)
    lines = ["Datum;Tid;Stadsdel;Plats;Kategori;Beskrivning;Källa;Händelse-ID"]
    first = dt.date(2025, 1, 1)
    for i in range(rows):
        day = first + dt.timedelta(days=rng.randrange(330))
        lines.append(f"{day.isoformat()};{rng.randrange(24):02d}:{rng.randrange(60):02d};{rng.choice(DISTRICTS)};"
                     f"Storgatan {rng.randrange(1, 90)};{rng.choice(CATEGORIES)};Rapport {i % 500};Fältare;"
                     f"{prefix}-{i:07d}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(page: Page, name: str, content: bytes) -> None:
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Dra hit filer")
    uploader.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv",
                                                                  "buffer": content}])


def counts(path: Path) -> tuple[int, int]:
    events, uploads = sql(path, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM uploads)")[0]
    return int(events), int(uploads)  # type: ignore[call-overload]


def recorded(page: Page) -> list[dict[str, str | None]]:
    return page.evaluate("() => window.__progress")


def stage_order(entries: list[dict[str, str | None]], stages: list[str]) -> list[str]:
    """The given stages in the order in which the bar first named them."""
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        for stage in stages:
            if stage in (entry["text"] or "") and stage not in first:
                first[stage] = index
    return sorted(first, key=first.__getitem__)


def rows_done(entries: list[dict[str, str | None]], stage: str) -> set[int]:
    found = set()
    for entry in entries:
        text = (entry["text"] or "").replace("\xa0", " ")
        match = re.search(re.escape(stage) + r": ([\d ]+) av", text)
        if match:
            found.add(int(match.group(1).replace(" ", "")))
    return found


def test_a_large_upload_shows_its_stages_and_a_stopped_import_saves_nothing(server: StreamlitServer, page: Page) -> None:
    open_page(page, server.url)
    navigate(page, "Data")
    page.evaluate(RECORDER)

    upload(page, "vecka-48.csv", events_csv(ROWS, seed=1, prefix="A"))
    page.get_by_text("Klar att importera").wait_for(timeout=600_000)
    settle(page)
    page.get_by_role("button", name="Importera filen").click()
    page.get_by_text("Importerad").first.wait_for(timeout=600_000)
    settle(page)

    entries = recorded(page)
    stages = ["Läser filen", "Kontrollerar bladet", "Provkör importen", "Skriver till databasen"]
    assert stage_order(entries, stages) == stages, [e["text"] for e in entries]
    # The bar moved within the reading: several counts of rows read, each of them a real chunk.
    read = rows_done(entries, "Läser filen")
    assert len(read) >= 2 and max(read) <= ROWS + 1, sorted(read)
    values = [float(e["value"]) for e in entries if e["value"] is not None]
    assert len(set(values)) >= 3, values
    assert counts(server.db_path) == (ROWS, 1)

    # The second upload: read and checked, then stopped while it is being imported.
    before = counts(server.db_path)
    upload(page, "vecka-49.csv", events_csv(ROWS, seed=2, prefix="B"))
    page.get_by_text("Klar att importera").wait_for(timeout=600_000)
    settle(page)
    page.get_by_role("button", name="Importera filen").click()
    # The import's box with its Avbryt; the reading's box went when the preview was done.
    page.get_by_text("Importerar vecka-49.csv").wait_for(timeout=60_000)
    stop = page.get_by_role("button", name="Avbryt")
    assert stop.count() == 1
    stop.click()
    page.get_by_text("Importen av vecka-49.csv avbröts. Inget sparades i databasen.").wait_for(timeout=120_000)
    settle(page)

    assert counts(server.db_path) == before
    assert sql(server.db_path, "SELECT count(*) FROM events WHERE external_id LIKE 'B-%'")[0][0] == 0
    # The file stays on the list, ready to be imported again.
    assert page.get_by_role("button", name="Importera filen").is_visible()
