"""Every setting an installation may change through an environment variable, read here and nowhere else.

Each variable is listed in VARIABLES with its default and a one-line Swedish meaning; the README's
table "Inställningar (miljövariabler)" is that list (`markdown_table`). The rest of the product asks
the functions below, one per concern, and never reads the environment itself: so a new setting cannot
hide in a module, and a mistyped value is met the same way everywhere.

A value that cannot be used is never a reason to stop serving the meeting: a number that is not a
number falls back to its default and the server's log says so in Swedish; only a day that does not
exist (TRYGGHET_TODAY) is refused, since every "today" in the app would be wrong.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from trygghet.core.errors import UserError

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- the variables

DB = "TRYGGHET_DB"
USERS = "TRYGGHET_USERS"
TODAY = "TRYGGHET_TODAY"
ARCHIVE_DAYS = "TRYGGHET_ARCHIVE_DAYS"
SNAPSHOTS = "TRYGGHET_SNAPSHOTS"
SNAPSHOT_DAYS = "TRYGGHET_SNAPSHOT_DAYS"
MAX_FILE_MB = "TRYGGHET_MAX_FILE_MB"
MAX_UNPACKED_MB = "TRYGGHET_MAX_UNPACKED_MB"
MAX_ZIP_RATIO = "TRYGGHET_MAX_ZIP_RATIO"
MAX_ROWS = "TRYGGHET_MAX_ROWS"
MAX_CELLS = "TRYGGHET_MAX_CELLS"
MAX_AREA_CELLS = "TRYGGHET_MAX_AREA_CELLS"
READ_MEMORY_MB = "TRYGGHET_READ_MEMORY_MB"
READ_CPU_SECONDS = "TRYGGHET_READ_CPU_SECONDS"
READ_WALL_SECONDS = "TRYGGHET_READ_WALL_SECONDS"
CHARTS = "TRYGGHET_CHARTS"
PDF_FONT = "TRYGGHET_PDF_FONT"
MAP_TILES = "TRYGGHET_MAP_TILES"
MAP_ATTRIBUTION = "TRYGGHET_MAP_ATTRIBUTION"
RAISE_ERRORS = "TRYGGHET_RAISE_ERRORS"
WORKER_PARENT = "TRYGGHET_WORKER_PARENT"

DEFAULT_DB = Path("data") / "trygghet.duckdb"
DEFAULT_USERS = Path("data") / "anvandare.toml"
DEFAULT_ARCHIVE_DAYS = 90
DEFAULT_SNAPSHOTS = 20
DEFAULT_SNAPSHOT_DAYS = 30


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # as an administrator reads it in the README
    meaning: str  # one line, Swedish


VARIABLES: tuple[Variable, ...] = (
    Variable(DB, "data/trygghet.duckdb", "databasfilen som appen och kommandoraden använder (`--db` går före)"),
    Variable(USERS, "data/anvandare.toml",
             "kontofilen med användare och roller; finns den måste alla logga in"),
    Variable(TODAY, "dagens datum",
             "låser dagens datum (ÅÅÅÅ-MM-DD) för appen och kommandoraden, till exempel för att öva inför ett möte"),
    Variable(ARCHIVE_DAYS, str(DEFAULT_ARCHIVE_DAYS), "dagar som de uppladdade originalfilerna sparas i arkivet"),
    Variable(SNAPSHOTS, str(DEFAULT_SNAPSHOTS), "högsta antal kopior av databasen som sparas"),
    Variable(SNAPSHOT_DAYS, str(DEFAULT_SNAPSHOT_DAYS), "dagar som en kopia av databasen sparas"),
    Variable(MAX_FILE_MB, "200", "största fil som tas emot, i MB"),
    Variable(MAX_UNPACKED_MB, "2048", "största uppackade storlek av en Excelfil, i MB (mot zip-bomber)"),
    Variable(MAX_ZIP_RATIO, "250", "högsta packningsgrad i en Excelfil"),
    Variable(MAX_ROWS, "1 048 576", "rader per blad"),
    Variable(MAX_CELLS, "30 000 000", "ifyllda celler i hela filen"),
    Variable(MAX_AREA_CELLS, "60 000 000", "celler i bladens rektanglar tillsammans"),
    Variable(READ_MEMORY_MB, "4096", "läsprocessens minne i MB (importen får det dubbla)"),
    Variable(READ_CPU_SECONDS, "240", "läsprocessens beräkningstid i sekunder"),
    Variable(READ_WALL_SECONDS, "300", "längsta väntan på läsprocessen i sekunder"),
    Variable(CHARTS, "1", "`0` ritar inga diagram i protokoll och rapport; de får tabeller i stället"),
    Variable(PDF_FONT, "(tom)",
             "`vera` ger PDF:en bara det medföljande typsnittet Vera, i stället för systemets DejaVu"),
    Variable(MAP_TILES, "(tom)",
             "adress till en kartserver med `{z}`, `{x}` och `{y}`; utan den ritas kartan utan bakgrund och "
             "utan internet"),
    Variable(MAP_ATTRIBUTION, "(tom)", "upphovstexten som visas på kartbakgrunden"),
    Variable(RAISE_ERRORS, "(tom)", "`1` släpper igenom fel på sidorna i stället för det lugna meddelandet (för test)"),
    Variable(WORKER_PARENT, "(sätts av appen)",
             "processen som startade en läsprocess; sätts av appen själv och ska inte sättas för hand"),
)


def markdown_table() -> str:
    """The variables as the README's Markdown table."""
    lines = ["| Variabel | Standard | Betydelse |", "| --- | --- | --- |"]
    lines += [f"| `{v.name}` | {v.default} | {v.meaning} |" for v in VARIABLES]
    return "\n".join(lines) + "\n"


def _raw(name: str) -> str:
    return os.environ.get(name, "").strip()


_warned: set[tuple[str, str]] = set()


def _env_int(name: str, default: int, minimum: int | None = None) -> int:
    """The variable as a whole number; unset or empty gives the default, and so does a value that is
    not a number, which the log names once (the app keeps serving with the default)."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        if (name, raw) not in _warned:
            _warned.add((name, raw))
            log.warning("Miljövariabeln %s har värdet '%s', som inte är ett heltal; standardvärdet %s används. "
                        "Skriv ett heltal eller ta bort variabeln.", name, raw, default)
        return default
    return value if minimum is None else max(minimum, value)


# ---------------------------------------------------------------- files


def database_file() -> Path:
    """The database when no --db is given: TRYGGHET_DB, else data/trygghet.duckdb."""
    raw = os.environ.get(DB)
    return Path(raw) if raw else DEFAULT_DB


def users_file() -> Path:
    """The accounts file: TRYGGHET_USERS, else data/anvandare.toml."""
    raw = os.environ.get(USERS)
    return Path(raw) if raw else DEFAULT_USERS


# ---------------------------------------------------------------- the day


class ClockError(UserError, ValueError):
    """TRYGGHET_TODAY holds something that is not a date; the message says how to fix it."""


def pinned_day() -> dt.date | None:
    """The day TRYGGHET_TODAY pins, or None when it is unset or empty."""
    raw = _raw(TODAY)
    if not raw:
        return None
    try:
        # fromisoformat alone would also take '20261231' and week dates; one written form is clearer.
        if len(raw) != 10 or raw[4] != "-" or raw[7] != "-":
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ClockError(
            f"Miljövariabeln {TODAY} har värdet '{raw}', som inte är ett datum. "
            f"Skriv ett datum i formen ÅÅÅÅ-MM-DD (till exempel 2026-12-31) eller ta bort variabeln "
            f"för att använda dagens datum."
        ) from None


# ---------------------------------------------------------------- retention


@dataclass(frozen=True)
class Retention:
    archive_days: int = DEFAULT_ARCHIVE_DAYS  # original upload files in the archive
    snapshot_count: int = DEFAULT_SNAPSHOTS  # copies of the database kept at most
    snapshot_days: int = DEFAULT_SNAPSHOT_DAYS  # and none older than this


def retention() -> Retention:
    # Below one would keep nothing at all, not even the copy taken a moment ago.
    return Retention(
        archive_days=_env_int(ARCHIVE_DAYS, DEFAULT_ARCHIVE_DAYS, minimum=1),
        snapshot_count=_env_int(SNAPSHOTS, DEFAULT_SNAPSHOTS, minimum=1),
        snapshot_days=_env_int(SNAPSHOT_DAYS, DEFAULT_SNAPSHOT_DAYS, minimum=1),
    )


# ---------------------------------------------------------------- reading uploaded files


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * 1024 * 1024
    # A zip whose contents unpack to more than this is refused before it is read.
    max_uncompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: int = 250
    max_rows_per_sheet: int = 1_048_576
    # Cells that hold something, counted over all sheets of a file before any of them is read.
    max_cells: int = 30_000_000
    # The rectangles the workbook reader allocates (A1 to the farthest filled cell), summed over
    # all sheets: empty cells inside them cost memory too.
    max_area_cells: int = 60_000_000
    # A sheet whose rectangle is this many times its filled cells (and over a million cells) has a
    # stray cell far out; such a sheet is refused before it is read.
    max_empty_ratio: int = 20
    # The reading worker, a separate process: its address space, CPU time and wall time. A full
    # sheet (1,048,576 rows of ten columns) needs about 2.5 GB of address space there.
    read_memory_mb: int = 4096
    read_cpu_seconds: int = 240
    read_wall_seconds: int = 300
    # JSON deeper than this is no police feed (the feed is three levels deep).
    max_json_depth: int = 64

    @classmethod
    def from_env(cls) -> Limits:
        base = cls()
        return cls(
            max_file_bytes=_env_int(MAX_FILE_MB, base.max_file_bytes // 2**20) * 2**20,
            max_uncompressed_bytes=_env_int(MAX_UNPACKED_MB, base.max_uncompressed_bytes // 2**20) * 2**20,
            max_compression_ratio=_env_int(MAX_ZIP_RATIO, base.max_compression_ratio),
            max_rows_per_sheet=_env_int(MAX_ROWS, base.max_rows_per_sheet),
            max_cells=_env_int(MAX_CELLS, base.max_cells),
            max_area_cells=_env_int(MAX_AREA_CELLS, base.max_area_cells),
            read_memory_mb=_env_int(READ_MEMORY_MB, base.read_memory_mb),
            read_cpu_seconds=_env_int(READ_CPU_SECONDS, base.read_cpu_seconds),
            read_wall_seconds=_env_int(READ_WALL_SECONDS, base.read_wall_seconds),
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def worker_parent() -> int | None:
    """In a reading process: the process id of the one that started it, as that one set it."""
    raw = _raw(WORKER_PARENT)
    return int(raw) if raw.isdigit() else None


# ---------------------------------------------------------------- documents


def charts_in_documents() -> bool:
    """False when TRYGGHET_CHARTS turns drawing off; the minutes and the report then carry tables."""
    return _raw(CHARTS).lower() not in {"0", "false", "nej", "off"}


def bundled_pdf_font_only() -> bool:
    """True when TRYGGHET_PDF_FONT=vera: the PDF uses reportlab's own font whatever the system has."""
    return os.environ.get(PDF_FONT) == "vera"


# ---------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapTiles:
    url: str | None  # a usable {z}/{x}/{y} template, or None: then no request ever leaves the machine
    attribution: str
    problem: str | None  # Swedish, when a value is set that cannot be used


def map_tiles() -> MapTiles:
    raw = _raw(MAP_TILES)
    usable = bool(raw) and all(part in raw for part in ("{z}", "{x}", "{y}"))
    problem = None if usable or not raw else (
        f"{MAP_TILES} saknar {{z}}, {{x}} eller {{y}} och används inte; kartan ritas utan bakgrund.")
    return MapTiles(url=raw if usable else None, attribution=_raw(MAP_ATTRIBUTION), problem=problem)


# ---------------------------------------------------------------- development


def raise_errors() -> bool:
    """True when TRYGGHET_RAISE_ERRORS=1: a failing page raises instead of the calm message, for tests."""
    return os.environ.get(RAISE_ERRORS) == "1"
