"""District boundaries (GeoJSON) and the aggregates the map draws: counts, centres and points.

No Streamlit and no plotting here: parsing an upload, storing it and the SQL behind the Karta page.
The map must work without internet access, so the boundaries travel inside the database.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from trygghet.core import clock
from trygghet.core.filters import Filters, event_conditions
from trygghet.core.periods import Window, week_window
from trygghet.core.sweden import SWEDEN_LAT, SWEDEN_LON, in_sweden_sql
from trygghet.core.text import Vocabulary, clean
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.sql import in_list

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_VERTICES = 100_000
# Listing every bad feature of a 300-feature file would bury the one line that matters.
MAX_LISTED = 10

WINDOWS = ("week", "period")


# ---------------------------------------------------------------- parsing an upload


@dataclass
class GeoResult:
    """What an uploaded GeoJSON file holds, ready for a preview before anything is stored.

    `errors` stop the whole file; `warnings` concern single features, which are skipped.
    """

    features: dict[str, dict[str, object]] = field(default_factory=dict)  # district -> Polygon/MultiPolygon
    names_in_file: dict[str, str] = field(default_factory=dict)  # district -> the name as the file writes it
    vertices: dict[str, int] = field(default_factory=dict)  # district -> number of positions
    name_property: str | None = None
    properties: list[str] = field(default_factory=list)  # text properties a name could be taken from
    unmatched: list[str] = field(default_factory=list)  # names in the file that are no known district
    missing: list[str] = field(default_factory=list)  # known districts the file has no polygon for
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.features)


class _BadGeometry(ValueError):
    """A feature's geometry cannot be drawn; the message is Swedish and shown to the user."""


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # RFC 7946 says UTF-8, but files saved from older desktop GIS are sometimes Windows-1252.
        return data.decode("cp1252", errors="replace")


def _position(value: object) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) < 2:
        raise _BadGeometry("en koordinat är inte ett talpar [longitud, latitud]")
    lon, lat = value[0], value[1]
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, (int, float)) \
            or not isinstance(lat, (int, float)):
        raise _BadGeometry("en koordinat innehåller något annat än tal")
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise _BadGeometry("en koordinat är inte ett ändligt tal")
    return lon, lat


def _ring(value: object) -> list[list[float]]:
    if not isinstance(value, list):
        raise _BadGeometry("en polygonring är inte en lista med koordinater")
    points = [_position(p) for p in value]
    if points and points[0] != points[-1]:
        # GeoJSON wants closed rings; an unclosed one is still unambiguous, so close it rather than refuse.
        points.append(points[0])
    if len(points) < 4:
        raise _BadGeometry("en polygon har färre än tre hörn")
    return [[round(lon, 6), round(lat, 6)] for lon, lat in points]


def _polygon(value: object) -> list[list[list[float]]]:
    if not isinstance(value, list) or not value:
        raise _BadGeometry("en polygon saknar koordinater")
    return [_ring(r) for r in value]


def _check_sweden(polygons: list[list[list[list[float]]]]) -> None:
    lons = [p[0] for poly in polygons for ring in poly for p in ring]
    lats = [p[1] for poly in polygons for ring in poly for p in ring]
    inside = all(SWEDEN_LON[0] <= x <= SWEDEN_LON[1] for x in lons) and all(
        SWEDEN_LAT[0] <= y <= SWEDEN_LAT[1] for y in lats
    )
    if inside:
        return
    if max(map(abs, lons)) > 1000 or max(map(abs, lats)) > 1000:
        raise _BadGeometry(
            "koordinaterna är i meter (troligen SWEREF 99 TM), inte grader – spara filen i WGS 84 (EPSG:4326)"
        )
    swapped = all(SWEDEN_LAT[0] <= x <= SWEDEN_LAT[1] for x in lons) and all(
        SWEDEN_LON[0] <= y <= SWEDEN_LON[1] for y in lats
    )
    if swapped:
        raise _BadGeometry("latitud och longitud har bytt plats (GeoJSON skriver longitud först)")
    raise _BadGeometry(
        f"ytan ligger utanför Sverige (longitud {min(lons):.2f}–{max(lons):.2f}, "
        f"latitud {min(lats):.2f}–{max(lats):.2f})"
    )


def _geometry(value: object) -> tuple[dict[str, object], int]:
    """A Polygon or MultiPolygon, validated and normalised, and its number of positions."""
    if not isinstance(value, dict):
        raise _BadGeometry("geometri saknas")
    kind = value.get("type")
    if kind == "Polygon":
        polygons = [_polygon(value.get("coordinates"))]
    elif kind == "MultiPolygon":
        coordinates = value.get("coordinates")
        if not isinstance(coordinates, list) or not coordinates:
            raise _BadGeometry("en MultiPolygon saknar koordinater")
        polygons = [_polygon(p) for p in coordinates]
    else:
        raise _BadGeometry(f"geometrin är {kind or 'okänd'} – bara ytor (Polygon, MultiPolygon) kan bli stadsdelar")
    _check_sweden(polygons)
    count = sum(len(ring) for poly in polygons for ring in poly)
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}, count
    return {"type": "MultiPolygon", "coordinates": polygons}, count


def _count_positions(value: object) -> int:
    """Positions in any nested coordinate list, counted before parsing so a huge file is refused early."""
    if isinstance(value, list):
        if value and isinstance(value[0], (int, float)) and not isinstance(value[0], bool):
            return 1
        return sum(_count_positions(v) for v in value)
    return 0


def _text_properties(features: Sequence[dict[str, object]]) -> list[str]:
    seen: dict[str, None] = {}
    for feature in features:
        props = feature.get("properties")
        if isinstance(props, dict):
            for key, value in props.items():
                if isinstance(value, str) and value.strip():
                    seen.setdefault(str(key), None)
    return list(seen)


def _name_of(feature: dict[str, object], prop: str) -> str | None:
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None
    value = props.get(prop)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = clean(str(value))
    return text or None


def _listed(items: Sequence[str]) -> list[str]:
    if len(items) <= MAX_LISTED:
        return list(items)
    return [*items[:MAX_LISTED], f"… och {len(items) - MAX_LISTED} till."]


def parse_geojson(data: bytes, known_districts: Iterable[str], name_property: str | None = None) -> GeoResult:
    """Reads district polygons from GeoJSON bytes; every problem becomes a Swedish message, never an exception."""
    result = GeoResult()
    known = Vocabulary(known_districts)
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(
            f"Filen är {len(data) / 1024 / 1024:.0f} MB; högst {MAX_FILE_BYTES // 1024 // 1024} MB går att "
            "läsa in. Förenkla gränserna (till exempel med Förenkla i QGIS) och försök igen."
        )
        return result
    if not data.strip():
        result.errors.append("Filen är tom.")
        return result
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        result.errors.append(
            f"Filen är inte giltig GeoJSON: JSON-fel på rad {exc.lineno}, kolumn {exc.colno} ({exc.msg})."
        )
        return result
    except (RecursionError, ValueError):
        result.errors.append("Filen är inte giltig GeoJSON (JSON-innehållet går inte att läsa).")
        return result

    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        kind = document.get("type") if isinstance(document, dict) else None
        hint = f" (filen är av typen {kind})" if isinstance(kind, str) else ""
        result.errors.append(
            "Filen är ingen GeoJSON FeatureCollection" + hint + ". Exportera stadsdelarna som GeoJSON "
            "med ett objekt (feature) per stadsdel och namnet som egenskap."
        )
        return result
    crs = json.dumps(document.get("crs", "")).upper()
    if "3006" in crs or "SWEREF" in crs:
        result.errors.append(
            "Filen är i SWEREF 99 TM (EPSG:3006). Kartan behöver WGS 84 (EPSG:4326) – exportera om filen "
            "med det koordinatsystemet."
        )
        return result

    features = [f for f in document["features"] if isinstance(f, dict)]
    if not features:
        result.errors.append("Filen innehåller inga objekt (features).")
        return result
    try:
        total = sum(_count_positions(f["geometry"].get("coordinates")) for f in features
                    if isinstance(f.get("geometry"), dict))
    except RecursionError:
        result.errors.append("Filen är inte giltig GeoJSON (koordinaterna är nästlade i för många nivåer).")
        return result
    if total > MAX_VERTICES:
        result.errors.append(
            f"Filen har {total:,} punkter; högst {MAX_VERTICES:,} går att rita snabbt. ".replace(",", " ")
            + "Förenkla gränserna (till exempel med Förenkla i QGIS) och försök igen."
        )
        return result

    result.properties = _text_properties(features)
    if name_property is None:
        # The property whose values name the most known districts; on a tie the first one in the file.
        scores = {p: len({known.match(n) for f in features if (n := _name_of(f, p)) and known.match(n)})
                  for p in result.properties}
        best = max(result.properties, key=lambda p: scores[p], default=None)
        if best is None or scores[best] == 0:
            listed = ", ".join(f"'{p}'" for p in result.properties) or "inga"
            result.errors.append(
                "Ingen egenskap i filen innehåller stadsdelarnas namn (egenskaper med text: "
                f"{listed}). Kontrollera att namnen stavas som i appens stadsdelslista."
            )
            result.missing = list(known.names)
            return result
        name_property = best
    elif name_property not in result.properties:
        result.errors.append(f"Egenskapen '{name_property}' finns inte i filen.")
        return result
    result.name_property = name_property

    polygons: dict[str, list[list[list[list[float]]]]] = {}
    unmatched: list[str] = []
    bad: list[str] = []
    for number, feature in enumerate(features, start=1):
        name = _name_of(feature, name_property)
        if name is None:
            bad.append(f"Objekt {number} saknar namn i egenskapen '{name_property}' och hoppas över.")
            continue
        district = known.match(name)
        if district is None:
            suggestion = known.suggest(name)
            unmatched.append(name)
            hint = f" – menade du '{suggestion}'?" if suggestion else ""
            bad.append(f"Okänd stadsdel '{name}' i filen{hint} Ytan hoppas över.")
            continue
        try:
            geometry, _ = _geometry(feature.get("geometry"))
        except _BadGeometry as exc:
            bad.append(f"{name}: {exc}. Ytan hoppas över.")
            continue
        # Several features with one name (islands saved one by one) become one MultiPolygon.
        parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])
        polygons.setdefault(district, []).extend(parts)  # type: ignore[arg-type]
        result.names_in_file.setdefault(district, name)

    for district in known.names:
        if district in polygons:
            parts = polygons[district]
            result.features[district] = (
                {"type": "Polygon", "coordinates": parts[0]} if len(parts) == 1
                else {"type": "MultiPolygon", "coordinates": parts}
            )
            result.vertices[district] = sum(len(ring) for poly in parts for ring in poly)
        else:
            result.missing.append(district)
    result.unmatched = unmatched
    result.warnings = _listed(bad)
    if not result.features:
        result.errors.append("Ingen yta i filen kunde kopplas till en känd stadsdel med giltig geometri.")
    return result


# ---------------------------------------------------------------- storing and reading


def store_geojson(db: Database, result: GeoResult, actor: Actor, *, replace: bool = True) -> int:
    """Stores the matched polygons in one transaction; with replace, districts not in the file lose theirs."""
    access.require(actor, access.SETUP_LISTS, "spara stadsdelsgränser")
    if not result.ok:
        raise ValueError("Filen har fel och kan inte sparas.")
    now = clock.now().replace(microsecond=0)
    with db.write() as con:
        if replace:
            con.execute("DELETE FROM district_geometries")
        con.executemany(
            "INSERT OR REPLACE INTO district_geometries VALUES (?, ?, ?)",
            [[d, json.dumps(g, separators=(",", ":")), now] for d, g in result.features.items()],
        )
        audit.record(con, actor, "stadsdelsgränser", None, {"stadsdelar": sorted(result.features)})
    return len(result.features)


def delete_geometries(db: Database, actor: Actor) -> None:
    access.require(actor, access.SETUP_LISTS, "ta bort stadsdelsgränser")
    with db.write() as con:
        con.execute("DELETE FROM district_geometries")
        audit.record(con, actor, "stadsdelsgränser borttagna")


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'district_geometries' AND schema_name = 'main'"
    ).fetchone()
    return bool(row and row[0])


def geometries(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    """District -> GeoJSON geometry, in the districts' display order; {} when none are stored."""
    if not _has_table(con):
        return {}
    rows = con.execute(
        """
        SELECT g.district, g.geojson
        FROM district_geometries g LEFT JOIN districts d ON d.name = g.district
        ORDER BY d.sort_order NULLS LAST, g.district
        """
    ).fetchall()
    return {district: json.loads(text) for district, text in rows}


# ---------------------------------------------------------------- what the map counts


def window_for(filters: Filters, window: str) -> Window:
    """'week': the sidebar's week; 'period': the trend period."""
    if window == "week":
        return week_window(filters.week)
    if window == "period":
        return Window(filters.start, filters.end_exclusive)
    raise ValueError(window)


def _district_scope(filters: Filters) -> tuple[str, list[object]]:
    if not filters.districts:
        return "TRUE", []
    return f"d.name IN {in_list(filters.districts)}", list(filters.districts)


def district_counts(con: duckdb.DuckDBPyConnection, filters: Filters, window: str) -> pd.DataFrame:
    """Events per district in the window: every chosen district, including those with none.

    Columns: district, count, with_coordinates, color, sort_order.
    """
    span = window_for(filters, window)
    conditions, params = event_conditions(filters)
    scope, scope_params = _district_scope(filters)
    return con.execute(
        f"""
        WITH c AS (
            SELECT district, sum(n) AS count, sum(n_located) AS with_coordinates
            FROM event_counts
            WHERE day >= ? AND day < ? AND {conditions}
            GROUP BY district
        ), d AS (
            SELECT name, color, sort_order FROM districts d WHERE {scope}
        )
        SELECT coalesce(d.name, c.district) AS district,
               coalesce(c.count, 0)::BIGINT AS count,
               coalesce(c.with_coordinates, 0)::BIGINT AS with_coordinates,
               coalesce(d.color, '#777777') AS color,
               d.sort_order
        FROM d FULL OUTER JOIN c ON c.district = d.name
        ORDER BY d.sort_order NULLS LAST, district
        """,
        [span.start, span.end, *params, *scope_params],
    ).df()


def district_centres(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Mean position of all of each district's events with coordinates, whenever they happened.

    Deliberately independent of week, category and source, so a bubble stays put from week to week.
    Districts without any coordinates get NULL lat/lon. Columns: district, lat, lon, points, color.
    """
    scope, scope_params = _district_scope(filters)
    return con.execute(
        f"""
        WITH c AS (
            SELECT district, sum(lat_sum) / sum(n_located) AS lat, sum(lon_sum) / sum(n_located) AS lon,
                   sum(n_located) AS points
            FROM event_counts
            GROUP BY district
            HAVING sum(n_located) > 0
        )
        SELECT d.name AS district, c.lat, c.lon, coalesce(c.points, 0)::BIGINT AS points, d.color
        FROM districts d LEFT JOIN c ON c.district = d.name
        WHERE {scope}
        ORDER BY d.sort_order, d.name
        """,
        scope_params,
    ).df()


def event_points(
    con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 5000, window: str = "week"
) -> pd.DataFrame:
    """Single events with coordinates in the window, at most `limit` of them.

    A spread-out pseudo-random sample (by id hash, so the same on every rerun) rather than the newest,
    which would all cluster in the last days. Columns: lat, lon, district, category, day, total.
    """
    span = window_for(filters, window)
    conditions, params = event_conditions(filters)
    return con.execute(
        f"""
        SELECT lat, lon, district, category, occurred_at::DATE AS day, count(*) OVER () AS total
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND {in_sweden_sql()} AND {conditions}
        ORDER BY hash(id), id
        LIMIT ?
        """,
        [span.start, span.end, *params, int(limit)],
    ).df()


GRID_CELLS = 40  # about this many cells across the longer side of where the events lie
_NICE_METRES = (50, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 5000, 10000)
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Grid:
    """Square cells of `metres` on the ground, numbered from longitude 0 and latitude 0, so that a cell
    stays put whatever the filters: cell (ix, iy) spans ix·step_lon – (ix+1)·step_lon and so on."""

    metres: int
    step_lon: float
    step_lat: float


@dataclass(frozen=True)
class Cells:
    """Events with coordinates counted per grid cell and district. `frame` columns: district, ix, iy, count."""

    grid: Grid
    frame: pd.DataFrame

    @property
    def total(self) -> int:
        return int(self.frame["count"].sum()) if not self.frame.empty else 0

    def chosen(self, districts: Sequence[str]) -> Cells:
        """Only the cells' events in `districts` (all when empty)."""
        return Cells(self.grid, for_districts(self.frame, districts))

    def per_cell(self) -> pd.DataFrame:
        """Columns ix, iy, count: the districts' events in each cell added up."""
        return self.frame.groupby(["ix", "iy"], as_index=False, sort=True)["count"].sum()


def for_districts(frame: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """The rows of `frame` (a `district` column) in `districts`, in their order; all when none are chosen.
    A query run once for every district and cut here stays cached while the sidebar's choice changes."""
    if not districts:
        return frame
    return frame[frame["district"].isin(list(districts))].reset_index(drop=True)


def grid_from_extent(lon_span: float, lat_span: float, lat0: float) -> Grid:
    """The grid whose cells are a round number of metres, about GRID_CELLS across the longer span."""
    k = math.cos(math.radians(lat0))
    longest = max(lon_span * k, lat_span) * _METRES_PER_DEGREE
    metres = next((m for m in _NICE_METRES if m * GRID_CELLS >= longest), _NICE_METRES[-1])
    return Grid(metres, metres / (_METRES_PER_DEGREE * k), metres / _METRES_PER_DEGREE)


GRID_SPEC_DAYS = 91  # the grid is sized from the last 13 weeks' events: a whole table's would take seconds at 10M


def event_grid_spec(con: duckdb.DuckDBPyConnection) -> Grid | None:
    """The map's grid, sized from where the events with coordinates of the last 13 weeks that have any
    lie, whatever their district (a source without coordinates whose data runs later does not empty
    the window), so that it stays the same from week to week; None without any coordinates.
    The extent leaves out the outermost half per cent on each side, so that one stray position does not
    make every cell coarse."""
    row = con.execute(
        f"""
        SELECT quantile_cont(lon, 0.995) - quantile_cont(lon, 0.005),
               quantile_cont(lat, 0.995) - quantile_cont(lat, 0.005), avg(lat)
        FROM events
        WHERE occurred_at >= (SELECT max(day) - to_days(?) FROM event_counts WHERE n_located > 0)
          AND {in_sweden_sql()}
        """,
        [GRID_SPEC_DAYS],
    ).fetchone()
    if row is None or row[2] is None:
        return None
    return grid_from_extent(float(row[0]), float(row[1]), float(row[2]))


def event_grid(con: duckdb.DuckDBPyConnection, filters: Filters, window: str, grid: Grid) -> Cells:
    """Every event with coordinates in the window, counted per cell of `grid` and district (no sample)."""
    span = window_for(filters, window)
    conditions, params = event_conditions(filters)
    frame = con.execute(
        f"""
        SELECT district, floor(lon / ?)::BIGINT AS ix, floor(lat / ?)::BIGINT AS iy, count(*) AS count
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND {in_sweden_sql()} AND {conditions}
        GROUP BY ALL
        ORDER BY district, iy, ix
        """,
        [grid.step_lon, grid.step_lat, span.start, span.end, *params],
    ).df()
    return Cells(grid, frame)


# ---------------------------------------------------------------- plane geometry for labels


def _ring_area_centroid(ring: Sequence[Sequence[float]], lat0: float) -> tuple[float, float, float]:
    """Signed area and centroid of a ring, with longitudes shrunk by cos(lat) so the area is fair."""
    k = math.cos(math.radians(lat0))
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        x0k, x1k = x0 * k, x1 * k
        cross = x0k * y1 - x1k * y0
        area += cross
        cx += (x0k + x1k) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if abs(area) < 1e-15:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area) / k, cy / (6 * area)


def polygons_of(geometry: dict[str, object]) -> list[list[list[list[float]]]]:
    coordinates = geometry.get("coordinates") or []
    return [coordinates] if geometry.get("type") == "Polygon" else list(coordinates)  # type: ignore[list-item]


def label_point(geometry: dict[str, object]) -> tuple[float, float]:
    """Where a district's label goes: the centroid of its largest polygon's outer ring (lon, lat)."""
    polygons = polygons_of(geometry)
    lat0 = polygons[0][0][0][1]
    best = max((_ring_area_centroid(p[0], lat0) for p in polygons), key=lambda a: abs(a[0]))
    return best[1], best[2]


def bounds(geometries_: Iterable[dict[str, object]]) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) over all polygons, or None when there are none."""
    xs: list[float] = []
    ys: list[float] = []
    for g in geometries_:
        for poly in polygons_of(g):
            for p in poly[0]:
                xs.append(p[0])
                ys.append(p[1])
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
