"""The live call to polisen.se/api/events, under the feed's published rules: a User-Agent,
at least 10 s between calls, at most 60 calls an hour and 1,440 a day, and a stop for good
on HTTP 404, kept across processes in a small state file."""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from trygghet.core.config import Limits
from trygghet.core.errors import UserError
from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.core.text import clean

FEED_URL = "https://polisen.se/api/events"
USER_AGENT = "Lagesbild/0.1 (kommunens trygghetsapp)"
MIN_INTERVAL = 10.0
MAX_PER_HOUR = 60
MAX_PER_DAY = 1440
DEFAULT_STATE_FILE = Path("data") / "polisen-api.json"


class FetchError(UserError, RuntimeError):
    """The live fetch failed or was refused; the message is Swedish."""


def _read_state(path: Path) -> dict[str, object]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"calls": []}
    return state if isinstance(state, dict) else {"calls": []}


def _write_state(path: Path, state: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _wait(seconds: float, sleep: Callable[[float], None], steps: Reporter) -> None:
    """Sleeps `seconds`, a second at a time when someone follows the wait."""
    if not steps.active:
        sleep(seconds)
        return
    whole = max(1, math.ceil(seconds))
    steps.stage(f"Väntar på polisens API (högst ett anrop per {MIN_INTERVAL:g} sekunder)", whole, unit="s")
    left = seconds
    for second in range(1, whole + 1):
        sleep(min(1.0, left))
        left -= 1.0
        steps.update(second)


def feed_url(ort: str | None) -> str:
    if not ort:
        return FEED_URL
    return f"{FEED_URL}?{urllib.parse.urlencode({'locationname': clean(ort)})}"


def fetch(
    ort: str | None,
    *,
    min_interval: float = MIN_INTERVAL,
    max_per_hour: int = MAX_PER_HOUR,
    state_path: Path | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    opener: Callable[..., object] | None = None,
    timeout: float = 30.0,
    progress: ProgressCallback | None = None,
) -> bytes:
    """The feed's JSON as bytes, keeping the published rules across processes through a small
    state file: waits until `min_interval` seconds have passed since the last call, refuses a
    call beyond `max_per_hour` an hour (and 1,440 a day), and stops for good on HTTP 404.
    `progress` hears the wait the rules impose, second by second, and the call itself."""
    steps = reporter(progress)
    path = state_path or DEFAULT_STATE_FILE
    state = _read_state(path)
    stopped = state.get("stopped")
    if stopped:
        raise FetchError(
            f"Hämtningen från polisen är stoppad sedan {stopped} eftersom API:t svarade 404 (adressen finns inte). "
            f"Kontrollera adressen {FEED_URL} och ta sedan bort filen {path} för att hämta igen."
        )
    now = clock()
    calls = sorted(float(t) for t in state.get("calls", []) if isinstance(t, (int, float)) and now - t < 86400)
    last_hour = [t for t in calls if now - t < 3600]
    if len(last_hour) >= max_per_hour or len(calls) >= MAX_PER_DAY:
        window = last_hour if len(last_hour) >= max_per_hour else calls
        wait = (window[0] + (3600 if window is last_hour else 86400)) - now
        raise FetchError(
            f"Polisens regler tillåter högst {max_per_hour} anrop i timmen och {MAX_PER_DAY} per dygn. "
            f"Försök igen om {max(1, round(wait / 60))} minuter."
        )
    if calls and now - calls[-1] < min_interval:
        # Never longer than the interval, even if the clock went back.
        _wait(min(min_interval, min_interval - (now - calls[-1])), sleep, steps)
        now = clock()
    calls.append(now)
    state["calls"] = calls
    _write_state(path, state)
    request = urllib.request.Request(
        feed_url(ort), headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    open_url = opener or urllib.request.urlopen
    steps.stage("Hämtar händelserna från polisen.se", unit="")
    try:
        with open_url(request, timeout=timeout) as response:  # type: ignore[operator]
            # The answer comes from outside like an upload: never more than an upload may be.
            most = Limits.from_env().max_file_bytes
            data = response.read(most + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            state["stopped"] = dt.datetime.fromtimestamp(now).strftime("%Y-%m-%d %H:%M")
            _write_state(path, state)
            raise FetchError(
                "Polisens API svarade 404 (adressen finns inte). Enligt polisens regler stoppas hämtningen; "
                f"kontrollera adressen {FEED_URL} innan du försöker igen (ta då bort filen {path})."
            ) from None
        raise FetchError(f"Polisens API svarade med fel {exc.code}. Försök igen senare.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"Polisens API gick inte att nå ({reason}). Försök igen senare.") from None
    if len(data) > most:
        raise FetchError(
            f"Polisens API svarade med mer än {most // 2**20} MB, långt mer än flödets 500 händelser. "
            "Inget har sparats; försök igen senare."
        )
    return data
