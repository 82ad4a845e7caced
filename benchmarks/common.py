"""Shared pieces of the benchmarks: paths, scales, child processes, statistics, the machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
APP = ROOT / "app.py"

# Named scales (events in the demo database). Any plain number of events is accepted too.
SCALES = {"20k": 20_000, "100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
RESULT_MARKER = "BENCHMARK-RESULT "


def scale_label(events: int) -> str:
    for label, n in SCALES.items():
        if n == events:
            return label
    return str(events)


def parse_scales(text: str) -> list[int]:
    """'100k,1m,10m' -> [100000, 1000000, 10000000]; plain numbers and 250k-style values too."""
    found = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        if part in SCALES:
            found.append(SCALES[part])
        elif part.endswith("k") and part[:-1].isdigit():
            found.append(int(part[:-1]) * 1000)
        elif part.endswith("m") and part[:-1].isdigit():
            found.append(int(part[:-1]) * 1_000_000)
        elif part.replace("_", "").isdigit():
            found.append(int(part.replace("_", "")))
        else:
            raise ValueError(f"unknown scale {part!r}; use e.g. 100k,1m,10m or a number of events")
    return found


# ---------------------------------------------------------------- numbers


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by linear interpolation between order statistics (numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    if len(data) == 1:
        return data[0]
    position = 0.95 * (len(data) - 1)
    low = int(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def summary(values: Sequence[float], scale: float = 1000.0, digits: int = 1) -> dict[str, float | int]:
    """median, p95, min, max and n of seconds, given in milliseconds by default."""
    data = list(values)
    if not data:
        return {"n": 0}
    return {
        "n": len(data),
        "median": round(statistics.median(data) * scale, digits),
        "p95": round(p95(data) * scale, digits),
        "min": round(min(data) * scale, digits),
        "max": round(max(data) * scale, digits),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return float("nan")


def process_hwm_mb(pid: int) -> float | None:
    """Peak RSS (VmHWM) of another process, or None when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


# ---------------------------------------------------------------- child processes


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured child: open mode (no accounts, no log-in), errors raised,
    no tile server, and one BLAS thread (nothing here multiplies matrices)."""
    env = os.environ.copy()
    env.update({
        "TRYGGHET_USERS": str(OUT / "no-accounts.toml"),
        "TRYGGHET_RAISE_ERRORS": "1",
        "PYTHONUNBUFFERED": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    env.pop("TRYGGHET_MAP_TILES", None)
    env.pop("TRYGGHET_DB", None)
    if extra:
        env.update(extra)
    return env


def emit(result: object) -> None:
    """A child's answer: one marked JSON line on stdout (anything else it prints is ignored)."""
    print(RESULT_MARKER + json.dumps(result, ensure_ascii=False, default=str), flush=True)


class ChildFailed(RuntimeError):
    pass


def run_child(module: str, args: Iterable[object], *, timeout: float = 3600, env: dict[str, str] | None = None,
              log: Path | None = None) -> dict:
    """Runs `python -m benchmarks.<module> --child ...` and returns the JSON it emitted."""
    command = [sys.executable, "-m", f"benchmarks.{module}", "--child", *(str(a) for a in args)]
    started = time.monotonic()
    proc = subprocess.run(command, cwd=ROOT, env=env or child_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"\n$ {' '.join(command)}  ({time.monotonic() - started:.1f} s, exit {proc.returncode})\n")
            handle.write(proc.stderr[-20_000:])
    found = [line[len(RESULT_MARKER):] for line in proc.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if proc.returncode != 0 or not found:
        raise ChildFailed(
            f"{' '.join(command)} exited with {proc.returncode}:\n{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}"
        )
    return json.loads(found[-1])


# ---------------------------------------------------------------- AppTest


def apptest(db_path: Path, timeout: float = 900) -> object:
    """AppTest on app.py against db_path, reporting a page's exception in full (the app's config
    redacts it for users)."""
    os.environ["TRYGGHET_DB"] = str(db_path)
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    config.set_option("client.showErrorDetails", "full")
    return at


def exception_text(at: object) -> str | None:
    found = at.exception  # type: ignore[attr-defined]
    if not found:
        return None
    where = [line.splitlines()[0].strip() for line in found[0].stack_trace[-2:]]
    return f"{found[0].value} ({' / '.join(where)})"[:2000]


# ---------------------------------------------------------------- the machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "–"


def machine() -> dict[str, object]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "ram_gb": _mem_total_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": _version("duckdb"),
        "streamlit": _version("streamlit"),
        "pandas": _version("pandas"),
        "python_calamine": _version("python-calamine"),
        "openpyxl": _version("openpyxl"),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": load_average(),
    }
