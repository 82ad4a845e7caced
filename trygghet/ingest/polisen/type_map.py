"""The police's event types mapped to the app's categories: the defaults, the administrator's
own rows over them (table police_type_map), and the choice whether a type is kept at all."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from trygghet.core import privacy
from trygghet.core.text import clean, fold
from trygghet.store import access, audit, reference_lists
from trygghet.store import db as dbmod
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import table_names

if TYPE_CHECKING:
    import pandas as pd

OTHER_CATEGORY = "Övrigt (polisen)"

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
    import pandas as pd  # the Data page's table only: an import of the feed starts without pandas

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


def category_choices(db: Database) -> list[str]:
    """The categories a police type can be mapped to: the app's own and "Övrigt (polisen)"."""
    with db.read() as con:
        categories = reference_lists.categories(con)
    return list(dict.fromkeys([*categories, OTHER_CATEGORY]))
