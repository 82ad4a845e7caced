"""Installation settings kept in the database's meta table, changed only by an administrator."""

from __future__ import annotations

from trygghet.core import privacy
from trygghet.core.errors import UserError
from trygghet.core.text import clean
from trygghet.store import access, audit
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
