"""Growing delays after failed log-ins, per account name and for the server as a whole.

A guesser gets a few tries free (typing mistakes happen), then must wait 1, 2, 4, 8 … seconds
between tries, up to a cap. The delay is kept per name typed, whether an account by that name
exists or not, so the answer never tells which names exist, and for all names together, so that
spreading guesses over many names does not help. The state lives in this process: every
session of one server shares it, and a restart forgets it.

While a delay runs, the password is not even checked: a right guess during the wait is refused
like a wrong one. Every failure and every refusal that starts a wait lands in the audit log.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from trygghet.core import privacy
from trygghet.store import audit
from trygghet.store.access import Actor
from trygghet.store.db import Database

# An attacker may type any number of names; the oldest are forgotten beyond this many.
MAX_NAMES = 10_000
MAX_NAME_CHARS = 200
UNKNOWN_NAME = "(okänt användarnamn)"


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class Policy:
    free_per_name: int = 3
    free_overall: int = 30
    base_seconds: float = 1.0
    cap_per_name: float = 900.0  # 15 minutes
    # Lower than per name: a wait for everyone also locks out the people who belong there.
    cap_overall: float = 60.0
    # Failures older than this no longer count.
    forget_after: float = 3600.0


def _delay(failures: int, free: int, base: float, cap: float) -> float:
    over = failures - free
    if over <= 0:
        return 0.0
    return min(cap, base * 2 ** min(over - 1, 30))


class LoginThrottle:
    """The waits of one server. `clock` is injected so tests never sleep."""

    def __init__(self, policy: Policy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or Policy()
        self.clock = clock
        self._lock = threading.Lock()
        self._names: OrderedDict[str, _Record] = OrderedDict()
        self._overall = _Record()

    @staticmethod
    def key(name: str) -> str:
        return name.strip().casefold()[:MAX_NAME_CHARS]

    def _fresh(self, record: _Record, now: float) -> _Record:
        if record.failures and now - record.last > self.policy.forget_after:
            record.failures = 0
        return record

    def wait_seconds(self, name: str) -> float:
        """How long before `name` may try again (0: now)."""
        now = self.clock()
        p = self.policy
        with self._lock:
            mine = self._fresh(self._names.get(self.key(name), _Record()), now)
            overall = self._fresh(self._overall, now)
            per_name = mine.last + _delay(mine.failures, p.free_per_name, p.base_seconds, p.cap_per_name) - now
            everyone = overall.last + _delay(overall.failures, p.free_overall, p.base_seconds, p.cap_overall) - now
        return max(0.0, per_name, everyone)

    def failed(self, name: str) -> int:
        """Counts a failure; returns the name's failures in a row."""
        now = self.clock()
        key = self.key(name)
        with self._lock:
            record = self._fresh(self._names.pop(key, _Record()), now)
            record.failures += 1
            record.last = now
            self._names[key] = record
            while len(self._names) > MAX_NAMES:
                self._names.popitem(last=False)
            overall = self._fresh(self._overall, now)
            overall.failures += 1
            overall.last = now
            return record.failures

    def succeeded(self, name: str) -> None:
        """A right password: this name starts over; the overall count stays, so one good account
        does not reset the wait for the guesses at others."""
        with self._lock:
            self._names.pop(self.key(name), None)


_shared = LoginThrottle()


def shared() -> LoginThrottle:
    """The server's throttle, shared by all its sessions."""
    return _shared


def audit_name(name: str, known: bool) -> str:
    """The name as the audit log keeps it: a typed name that is no account could be anything
    (a password typed in the wrong field), so only existing account names are kept."""
    if not known:
        return UNKNOWN_NAME
    return privacy.scrub(LoginThrottle.key(name))[0]


def record(db: Database, name: str, known: bool, action: str, details: dict[str, object]) -> None:
    """One row in the audit log. Not a data change: the data version stays, so no page's
    cached figures are thrown away because someone mistyped a password."""
    if not db.exists():
        return
    with db.exclusive() as con:
        con.execute("BEGIN TRANSACTION")
        try:
            audit.record(con, Actor(audit_name(name, known), None), action, None, details)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
