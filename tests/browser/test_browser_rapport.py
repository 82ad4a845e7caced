"""The Rapport page in Chromium against a real `streamlit run`: the lägesbild downloaded as PDF is
the statutory report of the chosen tertial, downloading it twice gives the same file, and the
report registered on the page carries that very file's SHA-256."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from browser_support import StreamlitServer, navigate, open_page, require_browser, settle, sql
from pypdf import PdfReader

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
require_browser()


def download(page: Page, label: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=180_000) as info:
        page.get_by_role("button", name=label).click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_the_report_downloaded_is_the_report_registered(demo_server: StreamlitServer, page: Page) -> None:
    open_page(page, demo_server.url)
    navigate(page, "Rapport")
    assert page.locator("[data-testid='stMain'] h1").inner_text() == "Lägesbildsrapport"
    name, pdf = download(page, "Rapport som PDF")
    assert name.startswith("lagesbild-") and name.endswith(".pdf") and pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title.startswith("Lägesbild för tertial")
    text = " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())
    for section in ("Brottslighetens och otrygghetens omfattning", "Andra uppgifter av betydelse", "Analys",
                    "Åtgärdsplan", "Uppföljning av föregående åtgärdsplan", "Om underlaget"):
        assert section in text, section
    assert download(page, "Rapport som PDF")[1] == pdf  # the same period and data: the same bytes

    page.get_by_role("tab", name="Registrerade rapporter").click()
    page.get_by_role("button", name="Registrera rapporten").click()
    settle(page, timeout=180_000)
    rows = sql(demo_server.db_path, "SELECT format, sha256 FROM saved_reports")
    assert rows == [("pdf", hashlib.sha256(pdf).hexdigest())]
