"""Installation settings kept in the database's meta table, changed only by an administrator."""

from __future__ import annotations

import json
import math

from trygghet.core import privacy
from trygghet.core.errors import UserError
from trygghet.core.text import clean
from trygghet.store import access, audit, reference_lists
from trygghet.store import db as dbmod
from trygghet.store.access import Actor
from trygghet.store.db import Database

PII_POLICY = "pii_policy"
POLICE_KOMMUN = "kommun"
PII_POLICIES = {
    "mask": "Ta bort personuppgifterna och importera raden",
    "reject": "Avvisa raden så att rapportören rättar den",
}


class SettingError(UserError, ValueError):
    """A value the setting does not have; the message is Swedish and names the choices."""


def pii_policy(db: Database) -> str:
    """What the import does with personnummer, phone numbers and e-mail addresses in free text."""
    if not db.exists():
        return "mask"
    with db.read() as con:
        value = dbmod.get_meta(con, PII_POLICY)
    return value if value in PII_POLICIES else "mask"


def set_pii_policy(db: Database, value: str, actor: Actor) -> None:
    access.require(actor, access.SETTINGS, "ändra hur personuppgifter hanteras")
    if value not in PII_POLICIES:
        raise SettingError(f"Okänt val '{value}'. Välj ett av: {'; '.join(PII_POLICIES.values())}.")
    with db.write() as con:
        before = dbmod.get_meta(con, PII_POLICY)
        dbmod.set_meta(con, PII_POLICY, value)
        audit.record(con, actor, "inställning", "personuppgifter", {"före": before, "efter": value})


def police_kommun(db: Database) -> str | None:
    """The municipality whose events the police feed keeps; None until an administrator sets it."""
    if not db.exists():
        return None
    with db.read() as con:
        value = dbmod.get_meta(con, POLICE_KOMMUN)
    return clean(value) if value and value.strip() else None


def set_police_kommun(db: Database, name: str, actor: Actor) -> None:
    access.require(actor, access.SETTINGS, "ändra kommunen för polisens händelser")
    if not db.exists():
        dbmod.init_database(db)
    with db.write() as con:
        before = dbmod.get_meta(con, POLICE_KOMMUN)
        name = privacy.scrub(clean(name))[0]
        dbmod.set_meta(con, POLICE_KOMMUN, name)
        audit.record(con, actor, "inställning", "kommun för polisens händelser", {"före": before, "efter": name})


HARM_WEIGHTS = "harm_weights"
MAX_HARM_WEIGHT = 100_000.0


def harm_weights(db: Database) -> tuple[bool, dict[str, float]]:
    """(whether harm weighting is in use, the weights an administrator set per category); (False, {})
    until one has. Categories without a weight take the default of trygghet.analysis.harm."""
    if not db.exists():
        return False, {}
    with db.read() as con:
        value = dbmod.get_meta(con, HARM_WEIGHTS)
    try:
        stored = json.loads(value) if value else {}
        weights = {str(k): float(v) for k, v in dict(stored.get("weights", {})).items()}
        return bool(stored.get("on", False)), weights
    except (ValueError, TypeError, AttributeError):
        return False, {}  # a damaged value is not a reason to stop the dashboards


def set_harm_weights(db: Database, in_use: bool, weights: dict[str, float], actor: Actor) -> None:
    """Stores the weights for categories the database knows; every weight from 0 to MAX_HARM_WEIGHT."""
    access.require(actor, access.SETTINGS, "ändra skadevikterna")
    bad = [name for name, w in weights.items()
           if not isinstance(w, int | float) or not math.isfinite(w) or not 0 <= w <= MAX_HARM_WEIGHT]
    if bad:
        largest = f"{MAX_HARM_WEIGHT:,.0f}".replace(",", " ")
        raise SettingError(f"Vikten för {', '.join(sorted(bad))} måste vara ett tal från 0 till {largest}. "
                           "Rätta värdet och spara igen.")
    with db.write() as con:
        known = set(reference_lists.categories(con))
        unknown = sorted(set(weights) - known)
        if unknown:
            raise SettingError(f"Okända kategorier: {', '.join(unknown)}. Vikter kan bara sättas för kategorier "
                               "som finns i kategorilistan.")
        before = dbmod.get_meta(con, HARM_WEIGHTS)
        value = json.dumps({"on": bool(in_use), "weights": {k: float(v) for k, v in sorted(weights.items())}},
                           ensure_ascii=False)
        dbmod.set_meta(con, HARM_WEIGHTS, value)
        audit.record(con, actor, "inställning", "skadevikter", {"före": before, "efter": value})
