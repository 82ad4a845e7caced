"""Set-up and everyday commands: `python3 dev.py app` runs the app, `python3 dev.py test` runs every test.

`python3 dev.py test --today 2026-12-31` runs the tests as if that day were today, and
`python3 dev.py test-dates` runs them once for each day in TEST_DATES (pytest flags may follow both).
All create the virtual environment in .venv and install requirements.txt when it is
missing or has changed, so a fresh clone needs nothing but Python 3.11+ and git.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

from trygghet.core import clock  # standard library only, so it loads on the system Python

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"
# The days `test-dates` runs the suite for: the calendar's edges (a new year, ISO week 53, a leap
# day, the nights Sweden changes clock) and ordinary days around them.
TEST_DATES = {
    "2026-01-01": "nyårsdagen, vecka 1 börjar i december",
    "2026-03-29": "sommartid börjar",
    "2026-07-01": "en vanlig dag mitt i året",
    "2026-10-25": "vintertid börjar",
    "2026-11-30": "måndag, veckan före är hel",
    "2026-12-01": "testernas standarddag",
    "2026-12-31": "ISO-vecka 53",
    "2027-01-04": "måndag efter vecka 53",
    "2027-03-28": "sommartid börjar",
    "2028-02-29": "skottdagen",
}
_SUMMARY = re.compile(r"\d+ (passed|failed|errors?|skipped|deselected)")


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


def checked_day(text: str) -> str | None:
    """The day as TRYGGHET_TODAY takes it, or None after saying in Swedish what is wrong with it."""
    previous = os.environ.get(clock.ENV)
    os.environ[clock.ENV] = text
    try:
        clock.pinned_day()
        return text.strip()
    except clock.ClockError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return None
    finally:
        if previous is None:
            os.environ.pop(clock.ENV, None)
        else:
            os.environ[clock.ENV] = previous


def split_today(rest: list[str]) -> tuple[str | None, list[str], bool]:
    """`--today DAY` or `--today=DAY` taken out of the pytest flags: (day, other flags, ok)."""
    day, others = None, []
    items = iter(rest)
    for item in items:
        if item == "--today" or item.startswith("--today="):
            value = item.partition("=")[2] if "=" in item else next(items, "")
            day = checked_day(value)
            if day is None:
                return None, rest, False
        else:
            others.append(item)
    return day, others, True


def run_tests_for(python: Path, day: str, args: list[str]) -> tuple[int, str]:
    """Pytest for one day, its output shown as it comes; returns the exit code and pytest's summary line."""
    env = {**os.environ, clock.ENV: day}
    summary = ""
    with subprocess.Popen([python, "-m", "pytest", *args], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if _SUMMARY.search(line):
                summary = line.strip().strip("=").strip()
    return process.returncode, summary or "ingen sammanfattning från pytest"


def test_dates(python: Path, args: list[str]) -> int:
    results = []
    for day, why in TEST_DATES.items():
        print(f"\n=== Tester för {day} ({why}) ===", flush=True)
        code, summary = run_tests_for(python, day, args)
        results.append((day, why, code, summary))
        print(f"=== {day}: {'OK' if code == 0 else 'FEL'} – {summary}", flush=True)
    print("\nSammanfattning per dag:")
    for day, why, code, summary in results:
        print(f"  {day}  {'OK ' if code == 0 else 'FEL'}  {summary}  ({why})")
    failed = [day for day, _, code, _ in results if code != 0]
    print(f"{len(results) - len(failed)} av {len(results)} dagar utan fel." +
          (f" Fel: {', '.join(failed)}." if failed else ""))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command not in {"app", "test", "test-dates", "bench", "setup"}:
        print(__doc__)
        print("Kommandon: app [streamlit-flaggor], test [--today ÅÅÅÅ-MM-DD] [pytest-flaggor], "
              "test-dates [pytest-flaggor], bench [--quick], setup")
        return 2
    day, rest, ok = split_today(rest) if command == "test" else (None, rest, True)
    if not ok:
        return 2
    python = ensure_environment()
    os.chdir(ROOT)
    if command == "setup":
        return 0
    if command == "app":
        # Through trygghet.ui.serve: the app's modules are imported before the server answers.
        return subprocess.call([python, "-m", "trygghet.ui.serve", *rest])
    if command == "bench":
        return subprocess.call([python, "-m", "benchmarks", *rest])
    lint = subprocess.call([python, "-m", "ruff", "check", "."])
    if command == "test-dates":
        return test_dates(python, rest) or lint
    env = {**os.environ, clock.ENV: day} if day else None
    tests = subprocess.call([python, "-m", "pytest", *rest], env=env)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
