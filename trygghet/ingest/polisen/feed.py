"""A police feed as an events sheet: which events belong to the municipality and are kept,
their time, category and district, with a report of what was left out and why; and the two
reference names an import of the feed may need."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import numpy as np

from trygghet.core import initial_lists as defaults
from trygghet.core import privacy
from trygghet.core.formatting import fmt_int
from trygghet.core.text import Vocabulary, clean
from trygghet.ingest.field_parsers import MAX_TEXT
from trygghet.ingest.polisen.gazetteer import (
    PLACED_AMBIGUOUS,
    PLACED_BY_AREA,
    PLACED_BY_NAME,
    PLACED_UNKNOWN,
    UNKNOWN_DISTRICT,
    Gazetteer,
    district_rows,
    gazetteer_for,
)
from trygghet.ingest.polisen.parse import is_county, local_time, place_from_name, same_municipality, time_from_name
from trygghet.ingest.polisen.type_map import OTHER_CATEGORY, default_rule, stored_type_map, type_key
from trygghet.ingest.reader import FileError
from trygghet.ingest.validate import ParsedSheet, Rejection, RowError
from trygghet.store import db as dbmod
from trygghet.store import installation_settings as settings
from trygghet.store import reference_lists
from trygghet.store.db import Database

SOURCE = "Polisen (öppna data)"
SHEET_NAME = "Polisens händelser"
OTHER_GROUP = "Övrigt"

# Why an event of the file was left out; the keys of the report's "skipped".
SKIP_OTHER_MUNICIPALITY = "annan kommun"
SKIP_COUNTY = "länsnivå"
SKIP_TYPE = "utesluten typ"
SKIP_REASONS = (SKIP_OTHER_MUNICIPALITY, SKIP_COUNTY, SKIP_TYPE)


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
        stored_kommun = settings.police_kommun(db)
        with db.read() as con:
            districts = district_rows(con)
            categories = reference_lists.categories(con)
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
