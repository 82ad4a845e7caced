"""The database file: the handle every module reads and writes through, the data version the app
caches on, and the small shared writes (meta values, districts).

How a read and a write get the file is in trygghet.store.connection and trygghet.store.write_queue;
the tables are in trygghet.store.schema. Every writable connection first brings a file made by an
older version up to date (trygghet.store.migrations), after copying it as it was into the copies
beside it (kind "fore-uppgradering": the way back to the earlier release), and refuses one made by a
newer version or by something else than Lägesbild. Writes are short transactions that bump the data
version, which the app caches on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from trygghet.core import clock, config
from trygghet.core import initial_lists as defaults
from trygghet.store import connection, migrations, snapshot_files
from trygghet.store.write_queue import DatabaseBusy


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else the environment variable TRYGGHET_DB, else data/trygghet.duckdb."""
    return Path(explicit) if explicit else config.database_file()


# Events are de-duplicated by (source, the reporter's own id) when an id is given,
# otherwise by their whole content. Both the importer and the demo use this expression.
DEDUP_KEY_SQL = """md5_number(CASE
    WHEN external_id IS NOT NULL THEN 'id|' || lower(source) || '|' || external_id
    ELSE 'c|' || concat_ws('|', strftime(occurred_at, '%Y-%m-%d %H:%M:%S'), district,
                          coalesce(place, ''), category, coalesce(description, ''), lower(source))
END)"""


@dataclass(frozen=True)
class Database:
    """A handle on one DuckDB file. Cheap to create; holds no connection itself."""

    path: Path
    read_timeout: float = connection.READ_TIMEOUT
    write_timeout: float = connection.WRITE_TIMEOUT

    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for the length of the block. Fetch results fully inside it."""
        if not self.path.exists():
            raise FileNotFoundError(f"Databasen {self.path.name} finns inte.")
        with connection.shared_cursor(self.path, self.read_timeout) as cursor:
            yield cursor

    @contextmanager
    def exclusive(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The file for writing, brought to this version's schema first. A file from a newer
        version raises migrations.SchemaTooNew before anything is written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with connection.writable(self.path, self.write_timeout) as con:
            migrations.upgrade(con, before=lambda version: self._copy_before_upgrade(con, version))
            yield con

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed with a new data version, or rolled back whole."""
        with self.exclusive() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                bump_data_version(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @contextmanager
    def dry_run(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction that is always rolled back: exact counts, no change."""
        with self.exclusive() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            finally:
                con.execute("ROLLBACK")

    def check_schema(self) -> None:
        """Raises migrations.SchemaTooNew when a newer version of the app made the file; reads only."""
        with self.read() as con:
            migrations.needs_upgrade(con)

    def upgrade(self) -> bool:
        """Brings a file from an older version up to date now, rather than on its first write, so that
        reads see every table; raises migrations.SchemaTooNew for a file from a newer version. True
        when it upgraded. A file already up to date is only read."""
        with self.read() as con:
            if not migrations.needs_upgrade(con):
                return False
        with connection.writable(self.path, self.write_timeout) as con:
            return migrations.upgrade(con, before=lambda version: self._copy_before_upgrade(con, version))

    def _copy_before_upgrade(self, con: duckdb.DuckDBPyConnection, version: int) -> None:
        """Copies the file as the earlier release left it, so that release can have it back after the
        upgrade ('python -m trygghet restore' there). Not swept by the personal-data guard first: the
        copy is the file as it was, and purge-uploads sweeps every copy. A copy that cannot be written
        stops the upgrade with the file untouched."""
        con.execute("CHECKPOINT")  # a write-ahead log left by the earlier release goes into the file copied
        now = clock.now()
        directory = snapshot_files.directory_of(self.path)
        try:
            snapshot_files.copy_file(self.path, directory, snapshot_files.BEFORE_UPGRADE, now)
        except OSError as exc:
            raise migrations.UpgradeCopyError(
                f"Databasen (schemaversion {version}) behöver uppgraderas, men kopian av den som den är nu "
                f"kunde inte sparas i mappen {directory.name} bredvid den ({exc.strerror or type(exc).__name__}). "
                "Ingenting i databasen har ändrats. Frigör utrymme eller ge appen skrivrätt till mappen och "
                "försök igen."
            ) from exc
        snapshot_files.prune_by_settings(directory, now)

    def change_token(self) -> tuple[int, int, int]:
        """Changes whenever the file or its write-ahead log does; costs two stat calls."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        wal = self.path.with_name(self.path.name + ".wal")
        wal_mtime = wal.stat().st_mtime_ns if wal.exists() else 0
        return (st.st_mtime_ns, st.st_size, wal_mtime)


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE data_version SET version = version + 1, updated_at = now()::TIMESTAMP")


def data_version(con: duckdb.DuckDBPyConnection) -> tuple[int, object]:
    row = con.execute("SELECT version, updated_at FROM data_version").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The whole schema in a new file, or the migrations of an older one, in the caller's transaction."""
    migrations.migrate(con)


def seed_reference_lists(con: duckdb.DuckDBPyConnection) -> None:
    """Default categories and organisations; districts come from the municipality's own sheet."""
    for order, (name, group, description) in enumerate(defaults.CATEGORIES):
        con.execute(
            "INSERT OR IGNORE INTO categories VALUES (?, ?, ?, ?)", [name, group, description, order]
        )
    for name in defaults.ORGANISATIONS:
        con.execute("INSERT OR IGNORE INTO organisations VALUES (?)", [name])


def init_database(db: Database, *, replace: bool = False) -> None:
    """An empty database with the schema and the default reference lists."""
    if replace:
        remove_database_files(db.path)
    with db.write() as con:
        create_schema(con)
        seed_reference_lists(con)


def remove_database_files(path: Path) -> None:
    """Deletes the file; this process and others are asked to let go of it first, since a
    shared reader would go on reading the removed file."""
    files = [p for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    if not files:
        return
    with connection.file_lock(path):
        for p in files:
            if p.exists():
                p.unlink()


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def next_id(con: duckdb.DuckDBPyConnection, table: str) -> int:
    if table not in {"uploads", "events"}:
        raise ValueError(table)
    return int(con.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def add_district(
    con: duckdb.DuckDBPyConnection,
    name: str,
    police_area: str | None = None,
    municipality: str | None = None,
    neighbourhoods: list[str] | None = None,
    area: str | None = None,
) -> bool:
    """Inserts a district or updates its details; returns True when it was new.

    A new district gets the first palette colour not yet taken, so it keeps one
    colour on every chart for as long as it exists.
    """
    existing = con.execute("SELECT 1 FROM districts WHERE name = ?", [name]).fetchone()
    if existing:
        con.execute(
            """UPDATE districts SET
                 police_area = coalesce(?, police_area),
                 municipality = coalesce(?, municipality),
                 neighbourhoods = coalesce(?, neighbourhoods),
                 area = coalesce(?, area)
               WHERE name = ?""",
            [police_area, municipality, neighbourhoods, area, name],
        )
        return False
    used = {r[0] for r in con.execute("SELECT color FROM districts").fetchall()}
    count = con.execute("SELECT count(*) FROM districts").fetchone()[0]
    palette = defaults.DISTRICT_PALETTE
    color = next((c for c in palette if c not in used), palette[count % len(palette)])
    con.execute(
        """INSERT INTO districts (name, police_area, municipality, neighbourhoods, color, sort_order, area)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [name, police_area, municipality, neighbourhoods or [], color, count, area],
    )
    return True


def damage_message(db: Database) -> str | None:
    """None when the file opens and reads; otherwise what is wrong and the way back, in Swedish. A file
    this version cannot use (newer, or not Lägesbild's) is no damaged file: its upgrade says so."""
    try:
        with db.read() as con:
            if migrations.needs_upgrade(con):
                return None  # it reads; the upgrade adds what an older file lacks
            con.execute("SELECT version FROM data_version").fetchall()
    except migrations.SchemaError:
        return None
    except DatabaseBusy:
        return None  # busy is not damaged
    except FileNotFoundError:
        return None
    except duckdb.Error as exc:
        return (
            f"Databasfilen {db.path.name} går inte att läsa ({type(exc).__name__}); den kan vara skadad. "
            "Ingen data har ändrats av appen. En administratör återställer den senaste kopian med "
            "'python -m trygghet restore --latest' (en kopia tas före varje import), eller listar "
            "kopiorna med 'python -m trygghet restore'."
        )
    return None
