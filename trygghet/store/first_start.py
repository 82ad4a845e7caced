"""A new installation's own data, kept apart from the demo.

The first start of the app builds the demo database, so that there is something to show. A
municipality that starts with its own data leaves the demo (`leave_demo`): the demo file moves to
its own name beside the database (`demo_path`), nothing in it lost, and an empty database takes the
database's place. From then on the demo is only ever opened from its own file, so the two never
mix. The guided first page (trygghet.ui.first_start) follows the set-up through `setup_status`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from trygghet.core import initial_lists, privacy
from trygghet.core.errors import UserError
from trygghet.core.text import clean
from trygghet.store import access, audit, connection
from trygghet.store import db as dbmod
from trygghet.store.access import Actor
from trygghet.store.db import Database

MUNICIPALITY = "municipality"
IS_DEMO = "is_demo"
# Set on a database started for the municipality's own data (leave_demo, `python -m trygghet init`):
# its first page guides the set-up until the first events are in.
GUIDED = "first_start_guide"


class FirstStartError(UserError):
    """A step of the set-up that cannot be taken as asked; the message is Swedish."""


def demo_path(path: Path) -> Path:
    """Where the demo lives beside a database of the municipality's own: trygghet.duckdb ->
    trygghet-demo.duckdb."""
    return path.with_name(f"{path.stem}-demo{path.suffix}")


@dataclass(frozen=True)
class SetupStatus:
    """How far a database has come: what the guided first page shows as done."""

    is_demo: bool
    guided: bool
    municipality: str | None
    districts: int
    areas: int
    categories: int
    boundaries: int
    population: int  # rows of Befolkning
    events: int
    first_event: dt.date | None

    @property
    def steps(self) -> tuple[bool, ...]:
        """Done or not, per step: municipality, districts and categories, boundaries, population, events."""
        return (bool(self.municipality), self.districts > 0 and self.categories > 0, self.boundaries > 0,
                self.population > 0, self.events > 0)

    @property
    def needs_guide(self) -> bool:
        """A database started for the municipality's own data, with no events yet: the first page
        guides instead."""
        return self.guided and not self.is_demo and self.events == 0


def setup_status(con: duckdb.DuckDBPyConnection) -> SetupStatus:
    districts, areas, categories, boundaries, population, events, first = con.execute(
        """SELECT (SELECT count(*) FROM districts), (SELECT count(DISTINCT nullif(trim(area), '')) FROM districts),
                  (SELECT count(*) FROM categories), (SELECT count(*) FROM district_geometries),
                  (SELECT count(*) FROM population), (SELECT coalesce(sum(n), 0) FROM event_counts),
                  (SELECT min(day) FROM event_counts)"""
    ).fetchone()
    municipality = dbmod.get_meta(con, MUNICIPALITY)
    return SetupStatus(dbmod.get_meta(con, IS_DEMO) == "1", dbmod.get_meta(con, GUIDED) == "1",
                       clean(municipality) if municipality else None,
                       int(districts), int(areas), int(categories), int(boundaries), int(population), int(events),
                       first)


def guided(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database was started for the municipality's own data (leave_demo, init)."""
    return dbmod.get_meta(con, GUIDED) == "1"


def is_demo(db: Database) -> bool:
    if not db.exists():
        return False
    with db.read() as con:
        return dbmod.get_meta(con, IS_DEMO) == "1"


def leave_demo(db: Database, actor: Actor) -> Path:
    """Makes `db` the municipality's own, empty database; the demo it held moves to demo_path, where
    it replaces an older demo. Returns where the demo is now. A database of the municipality's own is
    never touched."""
    access.require(actor, access.SETTINGS, "börja med egna data")
    target = demo_path(db.path)
    if db.exists() and not is_demo(db):
        raise FirstStartError("Databasen innehåller redan kommunens egna data; den ändras inte. Demodatan finns "
                              "i en egen fil och öppnas med knappen Visa demo.")
    if db.exists():
        with connection.file_lock(db.path):
            for suffix in ("", ".wal"):
                source = db.path.with_name(db.path.name + suffix)
                moved = target.with_name(target.name + suffix)
                if source.exists():
                    os.replace(source, moved)
                elif moved.exists():
                    moved.unlink()  # an older demo's log must not be replayed into this one
    with db.write() as con:
        dbmod.create_schema(con)
        for name in initial_lists.ORGANISATIONS:
            con.execute("INSERT OR IGNORE INTO organisations VALUES (?)", [name])
        dbmod.set_meta(con, GUIDED, "1")
        audit.record(con, actor, "installation", "egna data", {"demo": target.name})
    return target


def mark_guided(con: duckdb.DuckDBPyConnection) -> None:
    """A new, empty database's first page guides its set-up (`python -m trygghet init`)."""
    dbmod.set_meta(con, GUIDED, "1")


def set_municipality(db: Database, name: str, actor: Actor) -> str:
    """The municipality's name, as the report, the minutes and the guided first page show it."""
    access.require(actor, access.SETTINGS, "ange kommunens namn")
    text = privacy.scrub(clean(name))[0].strip()
    if not text:
        raise FirstStartError("Skriv kommunens namn, till exempel Solviks kommun.")
    if len(text) > 100:
        raise FirstStartError("Kommunens namn får vara högst 100 tecken. Skriv ett kortare namn.")
    with db.write() as con:
        before = dbmod.get_meta(con, MUNICIPALITY)
        dbmod.set_meta(con, MUNICIPALITY, text)
        audit.record(con, actor, "inställning", "kommunens namn", {"före": before, "efter": text})
    return text


def use_default_categories(db: Database, actor: Actor) -> int:
    """The common list of categories (trygghet.core.initial_lists) where the database has none of its
    own yet; returns how many were added."""
    access.require(actor, access.SETUP_LISTS, "lägga in standardkategorierna")
    with db.write() as con:
        before = con.execute("SELECT count(*) FROM categories").fetchone()[0]
        if before:
            return 0
        dbmod.seed_reference_lists(con)
        added = int(con.execute("SELECT count(*) FROM categories").fetchone()[0])
        audit.record(con, actor, "listor", "kategorier", {"standardlistan": added})
    return added
