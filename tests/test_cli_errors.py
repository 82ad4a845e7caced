"""The command line says a user error (core.errors.UserError, whatever its kind) as 'Fel: ...' with exit
code 1, never as a traceback, and changes nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trygghet.core import config

ROOT = Path(__file__).resolve().parent.parent
BROKEN_ACCOUNTS = '[anvandare.anna\nroll = "administratör"\n'  # the table's closing bracket is missing


@pytest.mark.parametrize("command", [("list",), ("remove", "anna"),
                                     ("add", "bertil", "--role", "läsare", "--password-stdin")])
def test_an_accounts_file_that_does_not_parse_is_reported_not_raised(tmp_path: Path, command: tuple[str, ...]) -> None:
    accounts = tmp_path / "anvandare.toml"
    accounts.write_text(BROKEN_ACCOUNTS, encoding="utf-8")
    before = hashlib.sha256(accounts.read_bytes()).hexdigest()

    result = subprocess.run(
        [sys.executable, "-m", "trygghet", "--db", str(tmp_path / "t.duckdb"), "user", *command],
        cwd=ROOT, env={**os.environ, config.USERS: str(accounts)}, input="ett långt lösenord\n",
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("Fel: Kontofilen anvandare.toml kan inte läsas")
    assert "Traceback" not in result.stderr + result.stdout
    assert hashlib.sha256(accounts.read_bytes()).hexdigest() == before
