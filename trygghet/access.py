"""Who may do what: roles, accounts and the check every write path makes.

Three roles, each including the one before: läsare (view), redigerare (upload, edit
interventions, run meetings), administratör (districts, categories, priority areas,
settings, undo of uploads, the audit log). Log-in is either OpenID Connect through
Streamlit's st.login (configured in .streamlit/secrets.toml) or local accounts in a TOML
file with argon2 password hashes. With neither configured the app is an open demo:
everyone may write, and the app says so.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .text import fold

ROLES = ("läsare", "redigerare", "administratör")
ROLE_LABELS = {"läsare": "Läsare", "redigerare": "Redigerare", "administratör": "Administratör"}

# What each write needs.
UPLOAD = "redigerare"
EDIT_INTERVENTIONS = "redigerare"
RUN_MEETINGS = "redigerare"
SETUP_LISTS = "administratör"  # districts, categories, priority areas
SETTINGS = "administratör"
UNDO = "administratör"
AUDIT = "administratör"

_hasher = PasswordHasher()


class AccessDenied(PermissionError):
    """A write was attempted without the role it needs; the message is Swedish."""


@dataclass(frozen=True)
class Actor:
    """The person (or process) behind an action."""

    name: str
    role: str | None  # None: not logged in

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS.get(self.role or '', 'ej inloggad')})"


NOBODY = Actor("ej inloggad", None)
OPEN_DEMO = Actor("öppen installation", "administratör")
COMMAND_LINE = Actor("kommandoraden", "administratör")  # whoever can run it can also open the file


def allowed(actor: Actor | None, needed: str) -> bool:
    if actor is None or actor.role not in ROLES:
        return False
    return ROLES.index(actor.role) >= ROLES.index(needed)


def require(actor: Actor | None, needed: str, what: str) -> None:
    """Raises AccessDenied unless the actor has at least the role `needed` for `what`."""
    if allowed(actor, needed):
        return
    if actor is None or actor.role is None:
        raise AccessDenied(f"Du måste logga in för att {what}.")
    raise AccessDenied(
        f"Din roll ({ROLE_LABELS.get(actor.role, actor.role)}) räcker inte för att {what}; "
        f"det kräver rollen {ROLE_LABELS[needed].lower()}."
    )


# ---------------------------------------------------------------- local accounts


def users_file() -> Path:
    return Path(os.environ.get("TRYGGHET_USERS", "data/anvandare.toml"))


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise ValueError("Lösenordet måste ha minst 10 tecken.")
    return _hasher.hash(password)


def load_accounts(path: Path | None = None) -> dict[str, dict[str, str]]:
    """{username: {"role": ..., "password_hash": ...}} from the accounts file, or {}."""
    path = path or users_file()
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    accounts = {}
    for name, entry in data.get("anvandare", {}).items():
        if isinstance(entry, dict) and entry.get("roll") in ROLES and entry.get("losenord"):
            accounts[name.casefold()] = {"role": entry["roll"], "password_hash": entry["losenord"]}
    return accounts


def save_account(name: str, role: str, password: str, path: Path | None = None) -> None:
    """Adds or replaces an account; only the argon2 hash is written."""
    if role not in ROLES:
        raise ValueError(f"Okänd roll '{role}'. Välj {', '.join(ROLES)}.")
    path = path or users_file()
    accounts = load_accounts(path)
    accounts[name.casefold()] = {"role": role, "password_hash": hash_password(password)}
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
                  f'losenord = "{_toml_escape(entry["password_hash"])}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _toml_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def verify_login(name: str, password: str, path: Path | None = None) -> Actor | None:
    """The actor for a correct name and password, else None (same answer for unknown names)."""
    account = load_accounts(path).get(name.strip().casefold())
    if account is None:
        # Hash anyway, so a wrong name costs as long as a wrong password.
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    try:
        _hasher.verify(account["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    return Actor(name.strip().casefold(), account["role"])


_DUMMY_HASH = _hasher.hash("ingen-sådan-användare")


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
