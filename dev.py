"""Set-up and everyday commands: `python3 dev.py app` runs the app, `python3 dev.py test` runs every test.

Both create the virtual environment in .venv and install requirements.txt when it is
missing or has changed, so a fresh clone needs nothing but Python 3.11+ and git.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on the system Python, before the venv exists
        sys.exit("Python 3.11 eller senare behövs.")
    python = venv_python()
    if not python.exists():
        print("Skapar virtuell miljö i .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installerar paketen i requirements.txt …", flush=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS], check=True)
        STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command not in {"app", "test", "bench", "setup"}:
        print(__doc__)
        print("Kommandon: app [streamlit-flaggor], test [pytest-flaggor], bench [--quick], setup")
        return 2
    python = ensure_environment()
    os.chdir(ROOT)
    if command == "setup":
        return 0
    if command == "app":
        return subprocess.call([python, "-m", "streamlit", "run", "app.py", *rest])
    if command == "bench":
        return subprocess.call([python, "-m", "benchmarks", *rest])
    lint = subprocess.call([python, "-m", "ruff", "check", "."])
    tests = subprocess.call([python, "-m", "pytest", *rest])
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
