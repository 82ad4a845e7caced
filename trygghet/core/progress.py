"""How far long work has come: the stage it is in, how much of it is done, and the time left.

The work reports its own progress (the reader per sheet and row, the validation per row, the
import per row written, the demo and the report per step) through a `Reporter`, which hands
`Progress` events to whoever listens: the Data page's bar, the command line's bar on standard
error, or, in a worker process, a pipe to the parent (`to_line` / `from_line`). Events are
thinned by count, never by a timer, so a listener sees the same events on any machine, and
reporting costs a few comparisons per chunk of rows.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from trygghet.core.formatting import fmt_int

# The time left is shown only once it can be estimated with some sense: after this long in the
# stage and this share of it done. Before that the bar names the stage and the rows done.
ESTIMATE_AFTER_SECONDS = 1.0
ESTIMATE_AFTER_FRACTION = 0.02
# A stage sends at most about this many events between its first and its last: one per 1/STEPS of
# the total, whatever the size of the file.
STEPS = 200


@dataclass(frozen=True)
class Progress:
    """One look at long work. `stage` is Swedish and names what is being done ("Läser blad 2 av 3");
    `done` and `total` count `unit` (total None while unknown); `started` and `at` are readings of
    the reporter's clock (time.monotonic, the same in every process of the machine) when the stage
    began and when this event was made."""

    stage: str
    done: int = 0
    total: int | None = None
    unit: str = "rader"
    started: float = 0.0
    at: float = 0.0
    step: int = 1  # the stage's number in the work
    subject: str = ""  # what the work is on, e.g. the file's name, for a listener that follows several

    @property
    def elapsed(self) -> float:
        return max(0.0, self.at - self.started)

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, max(0.0, self.done / self.total))

    @property
    def remaining(self) -> float | None:
        """Seconds left in this stage at the pace so far; None until that is known."""
        fraction = self.fraction
        if fraction is None or fraction >= 1.0 or self.done <= 0:
            return None
        if self.elapsed < ESTIMATE_AFTER_SECONDS or fraction < ESTIMATE_AFTER_FRACTION:
            return None
        return self.elapsed * (1.0 - fraction) / fraction

    def text(self) -> str:
        """The event in Swedish for a person: the stage, what is done of what, and the time left."""
        parts = [self.stage]
        if self.total:
            parts.append(f"{fmt_int(self.done)} av {fmt_int(self.total)} {self.unit}")
        elif self.done:
            parts.append(f"{fmt_int(self.done)} {self.unit}")
        line = ": ".join(parts)
        left = self.remaining
        if left is not None:
            line += f" · {remaining_text(left)}"
        return line

    def to_line(self) -> bytes:
        """One line of JSON, for the pipe from a worker process to its parent."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    @staticmethod
    def from_line(line: bytes | str) -> Progress | None:
        """The event a line holds; None for a line that is not one (a stray print of a library)."""
        try:
            fields = json.loads(line)
            return Progress(**fields) if isinstance(fields, dict) else None
        except (ValueError, TypeError):
            return None


def remaining_text(seconds: float) -> str:
    """'cirka 40 s kvar', 'cirka 3 min kvar': rounded up, as a person would say it."""
    if seconds < 60:
        return f"cirka {max(1, math.ceil(seconds))} s kvar"
    if seconds < 3600:
        return f"cirka {math.ceil(seconds / 60)} min kvar"
    hours, minutes = divmod(math.ceil(seconds / 60), 60)
    return f"cirka {hours} h {minutes} min kvar"


ProgressCallback = Callable[[Progress], None]


class Reporter:
    """Turns the work's counts into Progress events for `callback` (None: nobody listens).

    `stage()` begins a stage and always sends an event; `advance()` and `update()` send one only
    when the count has moved by a step (1/STEPS of the total, or `every` for an unknown total), and
    `finish()` sends the stage's last. The clock is a parameter so that tests need no real time."""

    def __init__(
        self,
        callback: ProgressCallback | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        every: int = 10_000,
        subject: str = "",
    ) -> None:
        self.callback = callback
        self.clock = clock
        self.every = every
        self.subject = subject
        self._step = 0
        self._stage = ""
        self._unit = "rader"
        self._total: int | None = None
        self._done = 0
        self._next = 0
        self._started = 0.0

    @property
    def active(self) -> bool:
        return self.callback is not None

    def stage(self, name: str, total: int | None = None, unit: str = "rader", *, done: int = 0) -> None:
        self._step += 1
        self._stage, self._total, self._unit = name, total, unit
        self._started = self.clock() if self.callback is not None else 0.0
        self._done = done
        self._next = done + self._stride()
        self._send()

    def set_total(self, total: int | None) -> None:
        """The stage's total once it is known (a sheet's rows, after the workbook reader has them)."""
        self._total = total
        self._next = self._done + self._stride()
        self._send()

    def advance(self, count: int) -> None:
        self.update(self._done + count)

    def update(self, done: int) -> None:
        self._done = done
        if done >= self._next:
            self._next = done + self._stride()
            self._send()

    def finish(self) -> None:
        """The stage is done: an event with done = total (when the total is known)."""
        if self._total is not None:
            self._done = self._total
        self._send()

    def _stride(self) -> int:
        if self._total:
            return max(1, self._total // STEPS)
        return max(1, self.every)

    def _send(self) -> None:
        if self.callback is None:
            return
        self.callback(Progress(self._stage, self._done, self._total, self._unit, self._started, self.clock(),
                               self._step, self.subject))


def reporter(progress: Reporter | ProgressCallback | None) -> Reporter:
    """A Reporter for a function's `progress` argument, which may be a Reporter, a bare callback or None."""
    if isinstance(progress, Reporter):
        return progress
    return Reporter(progress)
