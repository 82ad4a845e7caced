"""Who may do what: roles, accounts and the check every write path makes.

Three roles, each including the one before: läsare (view), redigerare (upload, edit
interventions, run meetings), administratör (districts, categories, priority areas,
settings, undo of uploads, the audit log). Beside them, outside that ladder, the rapportör:
tied to one organisation, it may only report for that organisation in the Rapportera form
and see that organisation's reports, nothing else. Log-in is either OpenID Connect through
Streamlit's st.login (configured in .streamlit/secrets.toml) or local accounts in a TOML
file with argon2 password hashes. With neither configured the app is an open demo:
everyone may write, and the app says so.

`require` judges the actor as things are at the moment of the write, not as they were when
the session logged in: a local account that has been removed or given another role counts at
once, an open-demo actor is refused as soon as a log-in is configured, and an actor in the
projector's display mode is refused every write.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from trygghet.core import config
from trygghet.core.errors import UserError
from trygghet.core.text import fold
from trygghet.store import reporter_list

ROLES = ("läsare", "redigerare", "administratör")
REPORTER = "rapportör"  # not in ROLES: it does not include läsare, and no role includes it
ALL_ROLES = (REPORTER, *ROLES)
ROLE_LABELS = {"läsare": "Läsare", "redigerare": "Redigerare", "administratör": "Administratör",
               REPORTER: "Rapportör"}

# What each write needs.
UPLOAD = "redigerare"
EDIT_INTERVENTIONS = "redigerare"
RUN_MEETINGS = "redigerare"
SETUP_LISTS = "administratör"  # districts, categories, priority areas
SETTINGS = "administratör"
UNDO = "administratör"
AUDIT = "administratör"
REPORT = "rapportera"  # a rapportör for its own organisation, or a redigerare for any
REVIEW = "redigerare"  # approve, edit or reject the form's reports

_hasher = PasswordHasher()


class AccessDenied(UserError, PermissionError):
    """A write was attempted without the role it needs; the message is Swedish."""


# Where an actor's rights come from, and so how `require` re-checks them.
INTERNAL = "internal"  # the command line, tests, the demo builder: trusted as given
LOCAL = "local"  # a local account: re-read from the accounts file at every write
OIDC = "oidc"  # OpenID Connect: the role the gate mapped from the provider's claims this run
OPEN = "open"  # the open demo: only while no log-in is configured


@dataclass(frozen=True)
class Actor:
    """The person (or process) behind an action."""

    name: str
    role: str | None  # None: not logged in
    source: str = INTERNAL
    display_only: bool = False  # the projector's read-only display (?visning=1)
    organisation: str | None = None  # a rapportör's organisation, the only one it may report for

    @property
    def label(self) -> str:
        role = ROLE_LABELS.get(self.role or '', 'ej inloggad')
        return f"{self.name} ({role}, {self.organisation})" if self.is_reporter else f"{self.name} ({role})"

    @property
    def is_reporter(self) -> bool:
        return self.role == REPORTER

    def on_display(self) -> Actor:
        return replace(self, display_only=True)


NOBODY = Actor("ej inloggad", None)
OPEN_DEMO = Actor("öppen installation", "administratör", OPEN)
COMMAND_LINE = Actor("kommandoraden", "administratör")  # whoever can run it can also open the file


def allowed(actor: Actor | None, needed: str) -> bool:
    """Whether the page may offer the write; `require` decides when it is made."""
    if actor is None or actor.display_only:
        return False
    if actor.role == REPORTER:
        return needed == REPORT and bool(actor.organisation)
    if actor.role not in ROLES:
        return False
    return ROLES.index(actor.role) >= ROLES.index("redigerare" if needed == REPORT else needed)


def _needed_label(needed: str) -> str:
    return "rapportör eller redigerare" if needed == REPORT else ROLE_LABELS[needed].lower()


def require(actor: Actor | None, needed: str, what: str) -> None:
    """Raises AccessDenied unless the actor, as things are now, has at least the role `needed`."""
    if actor is not None and actor.display_only:
        raise AccessDenied(
            f"I visningsläget går det inte att {what}: det visar bara. Logga ut och logga in igen "
            "utan ?visning=1 i adressen för att ändra något."
        )
    now = current(actor) if actor is not None else None
    if allowed(now, needed):
        return
    if now is None or now.role is None:
        if actor is not None and actor.source == OPEN:
            raise AccessDenied(
                f"Appen kräver nu inloggning, så du kan inte {what} utan att logga in. Ladda om sidan och logga in."
            )
        if actor is not None and actor.role is not None:
            raise AccessDenied(
                f"Ditt konto gäller inte längre, så du kan inte {what}. Ladda om sidan och logga in igen, "
                "eller be en administratör om ett konto."
            )
        raise AccessDenied(f"Du måste logga in för att {what}.")
    raise AccessDenied(
        f"Din roll ({ROLE_LABELS.get(now.role, now.role)}) räcker inte för att {what}; "
        f"det kräver rollen {_needed_label(needed)}."
    )


def require_report_for(actor: Actor | None, organisation: str, what: str = "rapportera") -> Actor:
    """Raises AccessDenied unless the actor, as things are now, may report for `organisation`: a
    rapportör only for its own (the same organisation by reporter_list.key, however either is spelt), a
    redigerare or administratör for any. Returns the actor as it is now."""
    require(actor, REPORT, what)
    now = current(actor)  # type: ignore[arg-type]
    if now.is_reporter and reporter_list.key(organisation) != reporter_list.key(now.organisation or ""):
        raise AccessDenied(
            f"Ditt konto rapporterar för {now.organisation}; din roll (Rapportör) räcker inte för att {what} "
            f"för {organisation}."
        )
    return now


def report_scope(actor: Actor | None) -> str | None:
    """The one organisation whose reports the actor may see: a rapportör's own; None for everyone
    else who is logged in (they see all). Raises AccessDenied for nobody."""
    now = current(actor) if actor is not None else None
    if now is None or now.role not in ALL_ROLES:
        raise AccessDenied("Du måste logga in för att se rapporterna.")
    return (now.organisation or "\x00") if now.is_reporter else None


def clean_name(text: str) -> str:
    return " ".join(text.split())


def current(actor: Actor) -> Actor:
    """The actor with the rights it has now; NOBODY when it has none left.

    A local account is looked up in the accounts file as it is now (a removed account is
    logged out, a changed role applies at once); the open demo ends as soon as accounts
    exist or another log-in is configured. An unreadable accounts file lets nobody in.
    """
    if actor.source == LOCAL:
        try:
            account = accounts_now().get(actor.name.casefold())
        except AccountsUnreadable:
            return NOBODY
        if account is None:
            return NOBODY
        return replace(actor, role=account["role"], organisation=account.get("organisation"))
    if actor.source == OPEN:
        return NOBODY if login_configured() else actor
    return actor


# Log-in methods configured outside this module (OpenID Connect in secrets.toml): the UI layer
# registers a check, so that the open demo ends the moment one is configured.
_login_checks: dict[str, Callable[[], bool]] = {}


def register_login_check(name: str, check: Callable[[], bool]) -> None:
    _login_checks[name] = check


def login_configured() -> bool:
    """True when anyone must log in: an accounts file (even one whose last account was removed,
    so that removing accounts never opens the app to everyone), or a registered log-in method
    that is configured."""
    return users_file().exists() or any(check() for check in list(_login_checks.values()))


# ---------------------------------------------------------------- local accounts


def users_file() -> Path:
    return config.users_file()


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise ValueError("Lösenordet måste ha minst 10 tecken.")
    return _hasher.hash(password)


class AccountsUnreadable(UserError, RuntimeError):
    """The accounts file exists but is not valid TOML; the message is Swedish."""


_accounts_cache: dict[str, tuple[tuple[int, int, int, int], dict[str, dict[str, str]]]] = {}
_accounts_lock = threading.Lock()


def accounts_now(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The accounts file as it is now. Parsed again only when its inode, size or mtime has
    changed, so every write and every page run can afford to ask."""
    path = path or users_file()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    token = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    key = str(path)
    with _accounts_lock:
        cached = _accounts_cache.get(key)
        if cached is not None and cached[0] == token:
            return cached[1]
    try:
        accounts = load_accounts(path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise AccountsUnreadable(
            f"Kontofilen {path.name} kan inte läsas ({exc}). Rätta eller återskapa den med "
            "kommandot 'python -m trygghet user add'."
        ) from exc
    with _accounts_lock:
        _accounts_cache[key] = (token, accounts)
    return accounts


def load_accounts(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{username: {"role": ..., "password_hash": ...}} from the accounts file, or {}; a rapportör's
    entry also has "organisation" (one without an organisation cannot log in)."""
    path = path or users_file()
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    accounts = {}
    for name, entry in data.get("anvandare", {}).items():
        if not (isinstance(entry, dict) and entry.get("roll") in ALL_ROLES and entry.get("losenord")):
            continue
        account = {"role": entry["roll"], "password_hash": entry["losenord"]}
        organisation = entry.get("organisation")
        if isinstance(organisation, str) and organisation.strip():
            account["organisation"] = clean_name(organisation)
        elif entry["roll"] == REPORTER:
            continue
        accounts[name.casefold()] = account
    return accounts


def save_account(
    name: str, role: str, password: str, path: Path | None = None, organisation: str | None = None
) -> None:
    """Adds or replaces an account; only the argon2 hash is written. A rapportör needs its organisation."""
    if role not in ALL_ROLES:
        raise ValueError(f"Okänd roll '{role}'. Välj {', '.join(ALL_ROLES)}.")
    organisation = clean_name(organisation or "")
    if role == REPORTER and not organisation:
        raise ValueError("En rapportör måste höra till en organisation: ange den med --organisation, "
                         "t.ex. --organisation Väktarbolaget.")
    path = path or users_file()
    accounts = load_accounts(path)
    account = {"role": role, "password_hash": hash_password(password)}
    if role == REPORTER:
        account["organisation"] = organisation
    accounts[name.casefold()] = account
    _write_accounts(accounts, path)


def remove_account(name: str, path: Path | None = None) -> bool:
    path = path or users_file()
    accounts = load_accounts(path)
    if accounts.pop(name.casefold(), None) is None:
        return False
    _write_accounts(accounts, path)
    return True


def _write_accounts(accounts: dict[str, dict[str, str]], path: Path) -> None:
    lines = ["# Lokala konton för Lägesbild. Lösenorden är argon2-hashar; skriv aldrig lösenord i klartext.", ""]
    for name, entry in sorted(accounts.items()):
        lines += [f'[anvandare."{_toml_escape(name)}"]', f'roll = "{entry["role"]}"',
                  f'losenord = "{_toml_escape(entry["password_hash"])}"']
        if entry.get("organisation"):
            lines.append(f'organisation = "{_toml_escape(entry["organisation"])}"')
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _toml_escape(text: str) -> str:
    # Control characters would end the TOML string: an organisation's name is typed by a person.
    text = "".join(c for c in text if c >= " " and c != "\x7f")
    return text.replace("\\", "\\\\").replace('"', '\\"')


def verify_login(name: str, password: str, path: Path | None = None) -> Actor | None:
    """The actor for a correct name and password, else None (same answer for unknown names)."""
    account = accounts_now(path).get(name.strip().casefold())
    if account is None:
        # Hash anyway, so a wrong name costs as long as a wrong password.
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_dummy_hash(), password)
        return None
    try:
        _hasher.verify(account["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return Actor(name.strip().casefold(), account["role"], LOCAL, organisation=account.get("organisation"))


@functools.cache  # hashed at the first log-in, not at import: every import worker imports this module
def _dummy_hash() -> str:
    return _hasher.hash("ingen-sådan-användare")


# ---------------------------------------------------------------- OpenID Connect role mapping


def role_from_claims(claims: dict[str, object], mapping: dict[str, object]) -> str | None:
    """The highest role whose list names the user's e-mail, its @domain, or one of its groups.

    mapping (from secrets.toml [roller]): {"administratör": ["anna@kommun.se"],
    "redigerare": ["grupp:Trygghet-redigerare"], "läsare": ["@kommun.se"]}
    """
    email = fold(str(claims.get("email") or ""))
    domain = "@" + email.split("@", 1)[1] if "@" in email else None
    groups = {fold(str(g)) for g in (claims.get("groups") or []) if g} if isinstance(claims.get("groups"), list) else set()
    for role in reversed(ROLES):
        for entry in mapping.get(role, []) or []:  # type: ignore[union-attr]
            key = fold(str(entry))
            if key.startswith("grupp:") and key.removeprefix("grupp:") in groups:
                return role
            if key == email or (domain and key == domain):
                return role
    return None


def reporter_from_claims(claims: dict[str, object], mapping: dict[str, object]) -> str | None:
    """The organisation a rapportör signed in with OpenID Connect reports for, or None.

    mapping (from secrets.toml [rapportorer]): {"Väktarbolaget": ["vakt@bolag.se", "grupp:Väktare"]};
    entries match the e-mail, its @domain or a group as in role_from_claims."""
    email = fold(str(claims.get("email") or ""))
    domain = "@" + email.split("@", 1)[1] if "@" in email else None
    raw_groups = claims.get("groups")
    groups = {fold(str(g)) for g in raw_groups if g} if isinstance(raw_groups, list) else set()
    for organisation, entries in sorted(mapping.items()):
        for entry in entries if isinstance(entries, list) else []:
            key = fold(str(entry))
            if (key.startswith("grupp:") and key.removeprefix("grupp:") in groups) or key == email or (
                    domain and key == domain):
                return clean_name(str(organisation))
    return None
