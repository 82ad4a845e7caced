"""Polisens öppna händelsedata (polisen.se/api/events) into the events table.

The feed is a JSON list of the latest ~500 events in the country. Each event names
its municipality only in the last part of `name` ("22 augusti 17.59, Brand, Kävlinge");
`location.name` is the county ("Skåne län") in today's feed, or a municipality in the
older form. Only the configured municipality's events are kept, the police type is
mapped to one of the app's categories, and the district is found by looking for the
districts' names and their neighbourhoods and streets (the gazetteer,
`districts.neighbourhoods`) in the summary.

`parse_feed` reads and decides without writing; the importer writes the result like
any events sheet, de-duplicated by (source, police id). `fetch` is the optional live
call, which keeps the feed's published rules (User-Agent, 10 s between calls, at most
60 calls an hour, stop on 404). Nothing here calls the network unless asked to.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd

from trygghet.core import privacy
from trygghet.core import reference_lists as defaults
from trygghet.core.config import Limits
from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_int
from trygghet.core.text import Vocabulary, clean, fold, md_literal
from trygghet.ingest.field_parsers import MAX_TEXT
from trygghet.ingest.reader import FileError
from trygghet.ingest.validate import ParsedSheet, Rejection, RowError
from trygghet.store import access, audit
from trygghet.store import db as dbmod
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import table_names

SOURCE = "Polisen (öppna data)"
SHEET_NAME = "Polisens händelser"
UNKNOWN_DISTRICT = "Okänd stadsdel"
OTHER_CATEGORY = "Övrigt (polisen)"
OTHER_GROUP = "Övrigt"
META_KOMMUN = "kommun"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

FEED_URL = "https://polisen.se/api/events"
USER_AGENT = "Lagesbild/0.1 (kommunens trygghetsapp)"
MIN_INTERVAL = 10.0
MAX_PER_HOUR = 60
MAX_PER_DAY = 1440
DEFAULT_STATE_FILE = Path("data") / "polisen-api.json"

# Why an event of the file was left out; the keys of the report's "skipped".
SKIP_OTHER_MUNICIPALITY = "annan kommun"
SKIP_COUNTY = "länsnivå"
SKIP_TYPE = "utesluten typ"
SKIP_REASONS = (SKIP_OTHER_MUNICIPALITY, SKIP_COUNTY, SKIP_TYPE)

# How an event got its district; the keys of the report's "placement".
PLACED_BY_NAME = "via stadsdelens namn"
PLACED_BY_AREA = "via område/gata"
PLACED_UNKNOWN = UNKNOWN_DISTRICT
PLACED_AMBIGUOUS = "tvetydig"

# ---------------------------------------------------------------- the type map

# police type -> (category, include). A category of None means "Övrigt (polisen)".
# Every type in the real snapshot is decided here, plus the common types that did not occur in it.
# Left out: the summaries, traffic (accidents, controls, traffic offences, drunk or unlicensed
# driving), notices that are no events, and rescue work. Kept but without a category of their
# own (so under "Övrigt (polisen)"): what may matter to the meeting but fits no category.
DEFAULT_TYPE_MAP: dict[str, tuple[str | None, bool]] = {
    # Damage and fire
    "Skadegörelse": ("Skadegörelse", True),
    "Brand": ("Anlagd brand", True),
    "Mordbrand": ("Anlagd brand", True),
    # Disorder
    "Ofog barn/ungdom": ("Ungdomar som samlas/stör", True),
    "Fylleri": ("Berusade personer", True),
    "Fylleri/LOB": ("Berusade personer", True),
    "Bråk": ("Bråk/slagsmål", True),
    "Ofredande/förargelse": ("Trakasserier", True),
    # Drugs
    "Narkotikabrott": ("Narkotika/öppen droghandel", True),
    # Violence and threats
    "Misshandel": ("Misshandel", True),
    "Misshandel, grov": ("Misshandel", True),
    "Olaga hot": ("Hot/våld", True),
    "Mord/dråp": ("Hot/våld", True),
    "Mord/dråp, försök": ("Hot/våld", True),
    "Skottlossning": ("Hot/våld", True),
    "Skottlossning, misstänkt": ("Hot/våld", True),
    "Våld/hot mot tjänsteman": ("Incident mot personal", True),
    "Rån": ("Rån", True),
    "Rån, försök": ("Rån", True),
    "Rån väpnat": ("Rån", True),
    "Rån övrigt": ("Rån", True),
    # Property
    "Inbrott": ("Inbrott", True),
    "Inbrott, försök": ("Inbrott", True),
    "Stöld/inbrott": ("Inbrott", True),  # the summaries are nearly all burglaries ("Inbrott i förråd")
    "Stöld": ("Stöld", True),
    "Stöld, försök": ("Stöld", True),
    "Stöld, ringa": ("Stöld", True),
    "Motorfordon, stöld": ("Stöld", True),
    # Kept under "Övrigt (polisen)": visible, for the administrator to map or leave out
    "Övrigt": (None, True),
    "Bedrägeri": (None, True),
    "Djur": (None, True),
    "Explosion": (None, True),
    "Farligt föremål, misstänkt": (None, True),
    "Försvunnen person": (None, True),
    "Hemfridsbrott": (None, True),
    "Häleri": (None, True),
    "Knivlagen": (None, True),
    "Kontroll": (None, True),
    "Missbruk av urkund": (None, True),
    "Olaga intrång": (None, True),
    "Skyddslagen": (None, True),
    "Vapenlagen": (None, True),
    "Vållande till kroppsskada": (None, True),
    # Left out: summaries (every "Sammanfattning …" is, see EXCLUDED_PREFIXES)
    "Sammanfattning natt": (None, False),
    "Sammanfattning kväll och natt": (None, False),
    "Sammanfattning dag": (None, False),
    "Sammanfattning kväll": (None, False),
    "Sammanfattning vecka": (None, False),
    "Sammanfattning helg": (None, False),
    # Left out: traffic (every "Trafikolycka …" is, see EXCLUDED_PREFIXES)
    "Trafikolycka": (None, False),
    "Trafikolycka, personskada": (None, False),
    "Trafikolycka, singel": (None, False),
    "Trafikolycka, vilt": (None, False),
    "Trafikolycka, smitning från": (None, False),
    "Trafikkontroll": (None, False),
    "Trafikbrott": (None, False),
    "Trafikhinder": (None, False),
    "Rattfylleri": (None, False),
    "Olovlig körning": (None, False),
    # Left out: notices and rescue work, no events in a district
    "Information": (None, False),
    "Uppdatering": (None, False),
    "Fjällräddning": (None, False),
    "Sjöräddning": (None, False),
    "Räddningsinsats": (None, False),
    "Arbetsplatsolycka": (None, False),
}
EXCLUDED_PREFIXES = ("Sammanfattning", "Trafikolycka")


def type_key(police_type: str) -> str:
    """'Misshandel, grov' and 'misshandel grov' are the same type."""
    return re.sub(r"[\W_]+", "", fold(police_type))


_DEFAULTS_BY_KEY = {type_key(k): v for k, v in DEFAULT_TYPE_MAP.items()}


def default_rule(police_type: str) -> tuple[str | None, bool]:
    """(category or None for "Övrigt (polisen)", include) when no administrator's row says otherwise."""
    key = type_key(police_type)
    if key in _DEFAULTS_BY_KEY:
        return _DEFAULTS_BY_KEY[key]
    if any(key.startswith(type_key(prefix)) for prefix in EXCLUDED_PREFIXES):
        return None, False
    return None, True


def _has_type_table(con: duckdb.DuckDBPyConnection) -> bool:
    return "police_type_map" in table_names(con)


def stored_type_map(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str | None, bool]]:
    """The administrator's rows: type key -> (type as written, category, include)."""
    if not _has_type_table(con):
        return {}
    rows = con.execute("SELECT police_type, category, include FROM police_type_map").fetchall()
    return {type_key(t): (t, c or None, True if i is None else bool(i)) for t, c, i in rows}


def type_map_frame(db: Database) -> pd.DataFrame:
    """The mapping as the Data page shows it: defaults filled in, the administrator's rows over them."""
    stored: dict[str, tuple[str, str | None, bool]] = {}
    if db.exists():
        with db.read() as con:
            stored = stored_type_map(con)
    rows: dict[str, tuple[str, str | None, bool]] = {}
    for police_type, (category, include) in DEFAULT_TYPE_MAP.items():
        rows[type_key(police_type)] = (police_type, category, include)
    rows.update(stored)
    frame = pd.DataFrame(
        [(t, c or OTHER_CATEGORY, i) for t, c, i in rows.values()],
        columns=["Polisens typ", "Kategori", "Ta med"],
    )
    return frame.sort_values(["Ta med", "Polisens typ"], ascending=[False, True], key=_sort_key).reset_index(drop=True)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.map(fold) if column.name == "Polisens typ" else column


def save_type_map(db: Database, frame: pd.DataFrame, actor: Actor) -> int:
    """Stores the rows that differ from the defaults; a row equal to its default is removed,
    so a later improvement of the defaults still reaches it. Returns the rows stored."""
    access.require(actor, access.SETTINGS, "ändra polisens typer")
    wanted: dict[str, tuple[str, str | None, bool]] = {}
    for record in frame.to_dict("records"):
        police_type = record.get("Polisens typ")
        if not isinstance(police_type, str) or not police_type.strip():
            continue  # an empty row added in the editor
        police_type = privacy.scrub(clean(police_type))[0]
        category = record.get("Kategori")
        category = privacy.scrub(clean(str(category)))[0] if isinstance(category, str) and category.strip() else None
        if category == OTHER_CATEGORY:
            category = None
        include = record.get("Ta med")
        include = True if include is None or (isinstance(include, float) and np.isnan(include)) else bool(include)
        wanted[type_key(police_type)] = (police_type, category, include)
    if not db.exists():
        dbmod.init_database(db)
    with db.write() as con:
        con.execute("DELETE FROM police_type_map")
        stored = 0
        for key, (police_type, category, include) in wanted.items():
            if key in _DEFAULTS_BY_KEY and _DEFAULTS_BY_KEY[key] == (category, include):
                continue
            con.execute("INSERT INTO police_type_map VALUES (?, ?, ?)", [police_type, category, include])
            stored += 1
        audit.record(con, actor, "inställning", "polisens typer", {"egna rader": stored})
    return stored


# ---------------------------------------------------------------- the municipality setting


def get_kommun(db: Database) -> str | None:
    if not db.exists():
        return None
    with db.read() as con:
        value = dbmod.get_meta(con, META_KOMMUN)
    return clean(value) if value and value.strip() else None


def set_kommun(db: Database, name: str, actor: Actor) -> None:
    access.require(actor, access.SETTINGS, "ändra kommunen för polisens händelser")
    if not db.exists():
        dbmod.init_database(db)
    with db.write() as con:
        before = dbmod.get_meta(con, META_KOMMUN)
        name = privacy.scrub(clean(name))[0]
        dbmod.set_meta(con, META_KOMMUN, name)
        audit.record(con, actor, "inställning", "kommun för polisens händelser", {"före": before, "efter": name})


_SUFFIX = re.compile(r"\s+(kommun|stad|municipality)$")


def _municipality_key(name: str) -> str:
    return re.sub(r"[\s\-]+", " ", fold(clean(name))).strip()


def same_municipality(a: str, b: str) -> bool:
    """'Göteborg' == 'goteborg' == 'Göteborgs stad'; 'Borås' == 'Borås stad'; 'Lilla edet' == 'Lilla Edet'."""
    ka, kb = _municipality_key(a), _municipality_key(b)
    if ka == kb:
        return True
    sa, sb = _SUFFIX.sub("", ka), _SUFFIX.sub("", kb)
    suffixed = sa != ka or sb != kb
    return suffixed and (sa == sb or sa == sb + "s" or sb == sa + "s")


def is_county(name: str) -> bool:
    return _municipality_key(name).endswith(" lan")


# ---------------------------------------------------------------- time

_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
    r"(?:(Z|UTC)|([+-])(\d{1,2}):?(\d{2}))?\s*$",
    re.IGNORECASE,
)
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")
_NAME_PREFIX = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})\s*,\s*")
_NAME_DATE_ONLY = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)\s*,\s*")


def parse_feed_datetime(text: object) -> dt.datetime:
    """'2026-08-22 19:51:41 +02:00' (also '9:48:12', 'T', 'Z') as an aware datetime.
    A time without offset is taken as Swedish local time. Raises ValueError."""
    if not isinstance(text, str):
        raise ValueError("tidpunkten saknas")
    m = _DATETIME.match(text)
    if not m:
        raise ValueError(f"tidpunkten '{text}' har inte formen 2026-08-22 19:51:41 +02:00")
    year, month, day, hour, minute = (int(m.group(i)) for i in range(1, 6))
    second = int(m.group(6) or 0)
    if m.group(7):
        tz: dt.tzinfo = dt.UTC
    elif m.group(8):
        sign = 1 if m.group(8) == "+" else -1
        offset = dt.timedelta(hours=int(m.group(9)), minutes=int(m.group(10)))
        if offset > dt.timedelta(hours=14):
            raise ValueError(f"tidszonen i '{text}' är orimlig")
        tz = dt.timezone(sign * offset)
    else:
        tz = STOCKHOLM
    try:
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        raise ValueError(f"tidpunkten '{text}' finns inte i kalendern") from None


def to_local(moment: dt.datetime) -> dt.datetime:
    """Swedish local time without tzinfo, as occurred_at is stored for every source."""
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def local_time(text: object) -> dt.datetime:
    return to_local(parse_feed_datetime(text))


def time_from_name(name: object, published: dt.datetime) -> dt.datetime | None:
    """The event's own local time from '21 augusti 23.51, …'; the year is the publication's,
    or the year before when the date would otherwise lie after the publication."""
    if not isinstance(name, str):
        return None
    m = _NAME_PREFIX.match(name)
    if not m:
        return None
    month_name = fold(m.group(2))
    if month_name not in MONTHS:
        return None
    day, hour, minute = int(m.group(1)), int(m.group(3)), int(m.group(4))
    month = MONTHS.index(month_name) + 1
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.datetime(year, month, day, hour, minute)
        except ValueError:
            return None
        if candidate <= published + dt.timedelta(days=1):
            return candidate
    return None


def place_from_name(name: object, police_type: object) -> str | None:
    """'22 augusti 17.59, Misshandel, grov, Kävlinge' -> 'Kävlinge' (the part after the type)."""
    if not isinstance(name, str) or not name.strip():
        return None
    rest = name
    m = _NAME_PREFIX.match(rest) or _NAME_DATE_ONLY.match(rest)
    if m:
        rest = rest[m.end():]
    if isinstance(police_type, str) and police_type.strip():
        pattern = r"\s*,?\s*".join(re.escape(part) for part in re.split(r"\s*,\s*|\s+", police_type.strip()))
        t = re.match(rf"^\s*{pattern}\s*,\s*", rest, re.IGNORECASE)
        if t:
            return clean(rest[t.end():]) or None
    if "," in rest:
        return clean(rest.rsplit(",", 1)[1]) or None
    return None


# ---------------------------------------------------------------- the gazetteer


@dataclass(frozen=True)
class Placement:
    district: str | None
    how: str  # PLACED_BY_NAME | PLACED_BY_AREA | PLACED_UNKNOWN
    term: str | None = None  # the neighbourhood or street as the gazetteer writes it
    ambiguous: bool = False


@dataclass
class _Term:
    key: str
    district: str
    is_name: bool
    text: str
    pattern: re.Pattern[str]


def _gazetteer_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip()


class Gazetteer:
    """Districts found in free text by their own names and their neighbourhoods and streets,
    whole words only, case and diacritics ignored, a Swedish genitive 's' allowed."""

    def __init__(self, districts: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.terms: list[_Term] = []
        seen: set[tuple[str, str]] = set()
        for district, neighbourhoods in districts:
            if district == UNKNOWN_DISTRICT:
                continue
            for text, is_name in [(district, True), *((n, False) for n in neighbourhoods or [])]:
                if not isinstance(text, str):
                    continue
                key = _gazetteer_key(text)
                if len(key) < 2 or (key, district) in seen:
                    continue
                seen.add((key, district))
                pattern = re.compile(rf"(?<!\w){re.escape(key)}s?(?!\w)")
                self.terms.append(_Term(key, district, is_name, clean(text), pattern))
        # Longer terms first, and a district's own name before a neighbourhood of the same spelling.
        self.terms.sort(key=lambda t: (-len(t.key), not t.is_name))

    def __len__(self) -> int:
        return len(self.terms)

    def place(self, *texts: str | None) -> Placement:
        """The district named first in the texts; the longest name wins where names overlap."""
        text = " \n ".join(_gazetteer_key(t) for t in texts if t)
        hits: list[tuple[int, int, _Term]] = []
        for term in self.terms:
            if term.key not in text:
                continue
            for m in term.pattern.finditer(text):
                hits.append((m.start(), m.start() + len(term.key), term))
        if not hits:
            return Placement(None, PLACED_UNKNOWN)
        # Drop a hit lying inside a longer one ("Hamnen" inside "Östra Hamnen").
        kept = [
            h for h in hits
            if not any(o is not h and o[0] <= h[0] and h[1] <= o[1] and (o[1] - o[0]) > (h[1] - h[0]) for o in hits)
        ]
        kept.sort(key=lambda h: (h[0], -(h[1] - h[0]), not h[2].is_name))
        first = kept[0][2]
        ambiguous = len({h[2].district for h in kept}) > 1
        if first.is_name:
            return Placement(first.district, PLACED_BY_NAME, None, ambiguous)
        return Placement(first.district, PLACED_BY_AREA, first.text, ambiguous)


def _district_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str], str | None]]:
    return [
        (r[0], list(r[1] or []), r[2])
        for r in con.execute("SELECT name, neighbourhoods, municipality FROM districts ORDER BY sort_order, name").fetchall()
    ]


def gazetteer_for(rows: list[tuple[str, list[str], str | None]], kommun: str) -> Gazetteer:
    """The districts of the municipality (or of no stated municipality) with their neighbourhoods."""
    return Gazetteer(
        (name, areas) for name, areas, municipality in rows
        if not municipality or same_municipality(municipality, kommun)
    )


def gazetteer_frame(db: Database) -> pd.DataFrame:
    rows: list[tuple[str, list[str], str | None]] = []
    if db.exists():
        with db.read() as con:
            rows = _district_rows(con)
    return pd.DataFrame(
        [(n, m or "", ", ".join(a)) for n, a, m in rows if n != UNKNOWN_DISTRICT],
        columns=["Stadsdel", "Kommun", "Områden och gator"],
    )


# ---------------------------------------------------------------- parsing a feed


@dataclass
class PoliceSheet(ParsedSheet):
    """An events sheet made from the feed, with what was left out and how events were placed."""

    kommun: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    placement: dict[str, int] = field(default_factory=dict)


@dataclass
class _Context:
    kommun: str
    kommun_origin: str
    gazetteer: Gazetteer
    categories: Vocabulary
    overrides: dict[str, tuple[str, str | None, bool]]


_EVENT_KEYS = {"id", "datetime", "name", "summary", "url", "type", "location"}


def _looks_like_event(value: object) -> bool:
    return isinstance(value, dict) and len(_EVENT_KEYS & set(value)) >= 3


def load_feed(text: str) -> list[object]:
    """The feed's list, or FileError with a Swedish message when the JSON is no police feed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(
            f"Filen ser ut som JSON men går inte att läsa (rad {exc.lineno}, tecken {exc.colno}: {exc.msg}). "
            "Hämta filen från polisen.se/api/events på nytt."
        ) from None
    hint = (
        "Här tas polisens öppna händelsedata emot: en lista med händelser med fälten id, datetime, name, "
        "summary, type och location, som polisen.se/api/events ger."
    )
    if not isinstance(data, list):
        raise FileError(f"JSON-filen är ingen lista med polisens händelser. {hint}")
    if not data:
        raise FileError("JSON-filen är en tom lista; det finns inga händelser att importera.")
    like = sum(1 for item in data if _looks_like_event(item))
    if like == 0 or like * 2 < len(data):
        raise FileError(f"JSON-filen innehåller inte polisens händelser (fel fält i objekten). {hint}")
    return data


def _context(db: Database, kommun: str | None) -> _Context:
    origin = "angiven vid importen"
    districts: list[tuple[str, list[str], str | None]] = []
    categories = [c[0] for c in defaults.CATEGORIES]
    overrides: dict[str, tuple[str, str | None, bool]] = {}
    stored_kommun = None
    if db.exists():
        with db.read() as con:
            stored_kommun = dbmod.get_meta(con, META_KOMMUN)
            districts = _district_rows(con)
            categories = [r[0] for r in con.execute("SELECT name FROM categories ORDER BY sort_order, name").fetchall()]
            overrides = stored_type_map(con)
    if not (kommun and kommun.strip()):
        kommun, origin = stored_kommun, "inställningen"
    if not (kommun and kommun.strip()):
        raise FileError(
            "Ingen kommun är vald för polisens händelser, så det går inte att veta vilka händelser som ska med. "
            "Ange kommunen på sidan Data (fliken Inställningar, Polisens händelser) eller vid importen från kommandoraden: "
            "python -m trygghet import --kommun Göteborg FIL.json"
        )
    kommun = privacy.scrub(clean(kommun))[0]
    return _Context(kommun, origin, gazetteer_for(districts, kommun), Vocabulary(categories), overrides)


def _rule(ctx: _Context, police_type: str) -> tuple[str | None, bool]:
    stored = ctx.overrides.get(type_key(police_type))
    if stored is not None:
        return stored[1], stored[2]
    return default_rule(police_type)


def _event_id(value: object) -> str:
    if isinstance(value, bool) or value is None:
        raise ValueError("id saknas")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    raise ValueError(f"id '{value}' är inget heltal")


def _municipality(item: dict[str, object]) -> str | None:
    """The municipality (or county) the event belongs to, as the feed writes it."""
    location = item.get("location")
    location_name = location.get("name") if isinstance(location, dict) else None
    location_name = clean(location_name) if isinstance(location_name, str) and location_name.strip() else None
    if location_name and not is_county(location_name):
        return location_name
    return place_from_name(item.get("name"), item.get("type")) or location_name


def parse_feed(db: Database, text: str, *, kommun: str | None = None) -> PoliceSheet:
    """The feed's events for the municipality as an events sheet; nothing is written."""
    items = load_feed(text)
    ctx = _context(db, kommun)
    sheet = PoliceSheet(
        sheet=SHEET_NAME,
        kind="events",
        header_row=0,
        headers={"occurred_at": "name/datetime", "district": "summary", "category": "type",
                 "description": "summary", "external_id": "id"},
        ignored_columns=["url", "location.gps"],
        rows=len(items),
        kommun=ctx.kommun,
    )
    skipped = dict.fromkeys(SKIP_REASONS, 0)
    placement = dict.fromkeys((PLACED_BY_NAME, PLACED_BY_AREA, PLACED_UNKNOWN, PLACED_AMBIGUOUS), 0)
    other_types: Counter[str] = Counter()
    missing_categories: Counter[str] = Counter()
    from_publication = 0
    out: dict[str, list[object]] = {k: [] for k in (
        "rownum", "occurred_at", "district", "place", "category", "description", "external_id")}

    masked: Counter[str] = Counter()
    for index, raw_item in enumerate(items):
        row = index + 1
        # Everything below (stored texts, messages, the stored original of a rejected event) sees
        # the item only with long texts cut and personal data masked.
        too_long: dict[str, int] = {}
        item = _guarded(raw_item, masked, too_long)
        if not isinstance(item, dict):
            sheet.rejections.append(Rejection(row, [RowError(
                row, None, f"Händelse nr {row} i listan är inget objekt och hoppades över.")], {"värde": item}))
            continue
        original = {k: v for k, v in item.items() if isinstance(k, str)}
        label = f"Händelse nr {row}" + (f" (id {item['id']})" if item.get("id") not in (None, "") else "")
        if too_long:
            sheet.rejections.append(Rejection(row, [RowError(
                row, where, f"{label}: texten i fältet {where} är för lång ({fmt_int(length)} tecken; högst "
                f"{fmt_int(MAX_TEXT)}). Händelsen hoppades över.") for where, length in too_long.items()], original))
            continue
        police_type = item.get("type")
        if not isinstance(police_type, str) or not police_type.strip():
            sheet.rejections.append(Rejection(row, [RowError(
                row, "type", f"{label}: typ saknas (fältet type). Händelsen kan inte sorteras in.")], original))
            continue
        police_type = clean(police_type)
        place = _municipality(item)
        if place is None:
            sheet.rejections.append(Rejection(row, [RowError(
                row, "location", f"{label}: kommunen framgår varken av location.name eller av name.")], original))
            continue
        if is_county(place):
            skipped[SKIP_COUNTY] += 1
            continue
        if not same_municipality(place, ctx.kommun):
            skipped[SKIP_OTHER_MUNICIPALITY] += 1
            continue
        category, include = _rule(ctx, police_type)
        if not include:
            skipped[SKIP_TYPE] += 1
            continue
        errors = []
        try:
            external_id = _event_id(item.get("id"))
            if privacy.scrub(external_id)[1]:
                raise ValueError("id har formen av ett personnummer eller telefonnummer och sparas inte")
        except ValueError as exc:
            errors.append(RowError(row, "id", f"{label}: {exc}. Utan polisens id kan händelsen inte kännas igen."))
        try:
            published = local_time(item.get("datetime"))
        except ValueError as exc:
            errors.append(RowError(row, "datetime", f"{label}: {exc}."))
        if errors:
            sheet.rejections.append(Rejection(row, errors, original))
            continue
        summary = item.get("summary")
        summary = clean(summary) if isinstance(summary, str) else ""
        description = f"{police_type}: {summary}" if summary else police_type
        if len(description) > MAX_TEXT:
            sheet.rejections.append(Rejection(row, [RowError(
                row, "summary", f"{label}: typ och sammanfattning är tillsammans för långa ({fmt_int(len(description))} "
                f"tecken; högst {fmt_int(MAX_TEXT)}). Händelsen hoppades över.")], original))
            continue
        occurred = time_from_name(item.get("name"), published)
        if occurred is None:
            occurred = published
            from_publication += 1
        if category is not None:
            matched = ctx.categories.match(category)
            if matched is None:
                missing_categories[category] += 1
            category = matched
        if category is None:
            category = OTHER_CATEGORY
            other_types[police_type] += 1
        name_place = place_from_name(item.get("name"), police_type)
        extra = name_place if name_place and not same_municipality(name_place, ctx.kommun) else None
        where = ctx.gazetteer.place(summary, extra)
        placement[where.how] += 1
        placement[PLACED_AMBIGUOUS] += int(where.ambiguous)
        out["rownum"].append(row)
        out["occurred_at"].append(occurred)
        out["district"].append(where.district or UNKNOWN_DISTRICT)
        out["place"].append(where.term)
        out["category"].append(category)
        out["description"].append(description)
        out["external_id"].append(external_id)

    n = len(out["rownum"])
    sheet.columns = {
        "rownum": np.array(out["rownum"], dtype=np.int64),
        "occurred_at": np.array(out["occurred_at"], dtype="datetime64[s]") if n else np.array([], "datetime64[s]"),
        "time_known": np.ones(n, dtype=bool),
        "district": _objects(out["district"]),
        "place": _objects(out["place"]),
        "category": _objects(out["category"]),
        "description": _objects(out["description"]),
        "source": _objects([SOURCE] * n),
        "external_id": _objects(out["external_id"]),
        "lat": np.full(n, np.nan),
        "lon": np.full(n, np.nan),
    }
    sheet.skipped = skipped
    sheet.placement = placement
    sheet.notes.extend(_notes(ctx, sheet, n, other_types, missing_categories, from_publication))
    if masked:
        sheet.notes.append(f"Personuppgifter togs bort i polisens händelser: {privacy.describe(masked)}.")
        sheet.personal_data_removed.update(masked)
    return sheet


_MAX_DEPTH = 8


def _guarded(value: object, masked: Counter[str], too_long: dict[str, int], where: str = "", depth: int = 0) -> object:
    """An item of the feed as it may be kept: texts over MAX_TEXT cut (and noted in `too_long` by
    field), every text scrubbed, nesting beyond a few levels dropped."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            too_long[where or "värde"] = len(value)
            value = value[:MAX_TEXT] + "…"
        return privacy.scrub_value(value, masked)
    if isinstance(value, int | float):
        return privacy.scrub_value(value, masked)
    if depth >= _MAX_DEPTH and isinstance(value, dict | list):
        return "…"
    if isinstance(value, dict):
        return {
            _guarded(k, masked, too_long, where, depth) if isinstance(k, str) else k:
            _guarded(v, masked, too_long, f"{where}.{k}" if where else str(k), depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_guarded(v, masked, too_long, where, depth + 1) for v in value]
    return value


def _objects(values: list[object]) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _notes(
    ctx: _Context,
    sheet: PoliceSheet,
    kept: int,
    other_types: Counter[str],
    missing_categories: Counter[str],
    from_publication: int,
) -> list[str]:
    s, p = sheet.skipped, sheet.placement
    notes = [
        f"Kommun: {ctx.kommun} ({ctx.kommun_origin}). {kept} av filens {sheet.rows} händelser gäller kommunen och tas med.",
        f"Hoppade över {s[SKIP_OTHER_MUNICIPALITY]} händelser i andra kommuner, {s[SKIP_COUNTY]} på länsnivå "
        f"och {s[SKIP_TYPE]} av typer som inte tas med (sammanfattningar, trafik m.m.).",
    ]
    if kept:
        text = (
            f"Stadsdel: {p[PLACED_BY_NAME]} via stadsdelens namn, {p[PLACED_BY_AREA]} via område/gata och "
            f"{p[PLACED_UNKNOWN]} till \"{UNKNOWN_DISTRICT}\""
        )
        if p[PLACED_AMBIGUOUS]:
            text += f"; {p[PLACED_AMBIGUOUS]} tvetydiga (flera stadsdelar nämns, den som nämns först valdes)"
        if not len(ctx.gazetteer):
            text += ". Inga stadsdelar finns för kommunen – ladda upp fliken Stadsdelar med kolumnen Områden"
        notes.append(text + ".")
    if other_types:
        listed = ", ".join(f"{t} ({n})" for t, n in sorted(other_types.items(), key=lambda kv: (-kv[1], kv[0])))
        notes.append(f"{sum(other_types.values())} händelser av typer utan egen kategori ligger under "
                     f"\"{OTHER_CATEGORY}\": {listed}.")
    for category, count in sorted(missing_categories.items()):
        notes.append(f"Kategorin '{category}' i typmappningen finns inte; {count} händelser lades under "
                     f"\"{OTHER_CATEGORY}\". Rätta mappningen på sidan Data.")
    if from_publication:
        notes.append(f"För {from_publication} händelser saknade rubriken klockslag; publiceringstiden används.")
    return notes


def ensure_reference_names(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet) -> list[str]:
    """Creates "Okänd stadsdel" and "Övrigt (polisen)" inside the import's transaction when
    an event of the sheet needs them; the importer creates no other names on its own."""
    created: list[str] = []
    columns = sheet.columns or {}
    districts = set(columns.get("district", []))
    categories = set(columns.get("category", []))
    # fetchall, not fetchone: DuckDB refuses the importer's next step while a result is half read.
    if UNKNOWN_DISTRICT in districts and not con.execute(
        "SELECT 1 FROM districts WHERE name = ?", [UNKNOWN_DISTRICT]
    ).fetchall():
        dbmod.add_district(con, UNKNOWN_DISTRICT)
        created.append(UNKNOWN_DISTRICT)
    if OTHER_CATEGORY in categories and not con.execute(
        "SELECT 1 FROM categories WHERE name = ?", [OTHER_CATEGORY]
    ).fetchall():
        order = con.execute("SELECT coalesce(max(sort_order), -1) + 1 FROM categories").fetchall()[0][0]
        con.execute(
            "INSERT INTO categories VALUES (?, ?, ?, ?)",
            [OTHER_CATEGORY, OTHER_GROUP, "Polisens händelser av typer som inte motsvarar någon kategori", order],
        )
        created.append(OTHER_CATEGORY)
    return created


# ---------------------------------------------------------------- the live fetch


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
) -> bytes:
    """The feed's JSON as bytes, keeping the published rules across processes through a small
    state file: waits until `min_interval` seconds have passed since the last call, refuses a
    call beyond `max_per_hour` an hour (and 1,440 a day), and stops for good on HTTP 404."""
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
        sleep(min(min_interval, min_interval - (now - calls[-1])))  # never longer, even if the clock went back
        now = clock()
    calls.append(now)
    state["calls"] = calls
    _write_state(path, state)
    request = urllib.request.Request(
        feed_url(ort), headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    open_url = opener or urllib.request.urlopen
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


# ---------------------------------------------------------------- settings on the Data page


def render_settings(db: Database) -> None:
    """The Data page's block for the police feed: the municipality, the type mapping and the
    gazetteer as it stands. Streamlit is imported here so the CLI does not load it."""
    import streamlit as st

    from trygghet.ui import login

    state = st.session_state
    st.header("Polisens händelser")
    st.write(
        "Polisens öppna händelsedata (JSON från polisen.se/api/events) laddas upp under **Ladda upp** som andra "
        "filer. Bara den valda kommunens händelser tas med; sammanfattningar och trafik hoppas över."
    )
    try:
        # Saving bumps the data version, which reruns the app: the confirmation waits in the session.
        message = state.pop("polisen_saved", None)
        if message:
            st.success(md_literal(message))  # it names the municipality as typed
        kommun = st.text_input("Kommun", value=get_kommun(db) or "", placeholder="t.ex. Göteborg",
                               help="Som kommunen skrivs i polisens händelser, t.ex. Göteborg eller Malmö.")
        if st.button("Spara kommun"):
            if kommun.strip():
                set_kommun(db, kommun, login.actor())
                state["polisen_saved"] = f"Kommunen är nu {clean(kommun)}."
                st.rerun()
            st.warning("Skriv kommunens namn först.")
        state.setdefault("polisen_type_round", 0)
        st.write(f"Polisens typer och appens kategorier. Typer som inte står här läggs under **{OTHER_CATEGORY}**; "
                 "typer utan bock tas inte med.")
        with db.read() as con:
            categories = [r[0] for r in con.execute("SELECT name FROM categories ORDER BY sort_order, name").fetchall()]
        with st.form("polisen_typer", border=False):
            edited = st.data_editor(
                type_map_frame(db),
                column_config={
                    "Polisens typ": st.column_config.TextColumn(required=True),
                    "Kategori": st.column_config.SelectboxColumn(
                        options=list(dict.fromkeys([*categories, OTHER_CATEGORY])), default=OTHER_CATEGORY),
                    "Ta med": st.column_config.CheckboxColumn(default=True),
                },
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                key=f"polisen_type_map_{state['polisen_type_round']}",
            )
            if st.form_submit_button("Spara typerna"):
                save_type_map(db, edited, login.actor())
                state["polisen_type_round"] += 1  # a fresh editor over the saved table
                state["polisen_saved"] = "Typerna är sparade. De gäller från nästa import."
                st.rerun()
        st.write("Stadsdelarnas områden och gator, som placerar polisens händelser i en stadsdel. De ändras genom "
                 "att ladda upp fliken Stadsdelar med kolumnen Områden.")
        st.dataframe(gazetteer_frame(db), hide_index=True, width="stretch")
    except dbmod.DatabaseBusy as exc:
        st.warning(str(exc))
