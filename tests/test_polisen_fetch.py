"""The police feed's answer is read under the upload's size limit: a hostile or broken answer
cannot fill the memory of the process that fetches it."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

import pytest

from trygghet.ingest.polisen import fetch


def opener(body: bytes):  # type: ignore[no-untyped-def]
    def open_url(request: urllib.request.Request, timeout: float) -> io.BytesIO:
        return io.BytesIO(body)
    return open_url


def test_an_answer_larger_than_the_file_limit_is_refused_in_swedish(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_MAX_FILE_MB", "1")
    rules = {"state_path": tmp_path / "polisen-api.json", "clock": lambda: 1_000_000.0, "sleep": lambda s: None}
    assert fetch.fetch("Göteborg", opener=opener(b"[" + b" " * (2**20 - 2) + b"]"), **rules)[:1] == b"["
    with pytest.raises(fetch.FetchError, match=r"mer än 1 MB.*Inget har sparats"):
        fetch.fetch("Göteborg", opener=opener(b"[" + b" " * 2**20 + b"]"), min_interval=0, **rules)
