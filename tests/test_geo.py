"""District boundaries from GeoJSON, and the counts, centres and points behind the map."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from trygghet.analysis import geo
from trygghet.core.filters import Filters
from trygghet.core.periods import IsoWeek
from trygghet.store import event_counts
from trygghet.store.access import COMMAND_LINE as ADMIN
from trygghet.store.db import Database, data_version

KNOWN = ("Norrby", "Hamnen", "Angered", "Centrum", "Östra Hamnen")  # as in conftest.DISTRICTS


def square(lon: float, lat: float, half: float = 0.01) -> list[list[list[float]]]:
    """A closed square ring around (lon, lat), as Polygon coordinates."""
    ring = [[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
            [lon - half, lat - half]]
    return [ring]


def feature(properties: dict[str, object], geometry: dict[str, object] | None) -> dict[str, object]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def polygon(lon: float, lat: float, half: float = 0.01) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": square(lon, lat, half)}


def collection(*features: dict[str, object]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def messy_file() -> bytes:
    """Odd case and spelling, an unknown district, a polygon in Berlin and a point."""
    return collection(
        feature({"id": "A1", "NAMN": "NORRBY"}, polygon(12.00, 57.80)),
        feature({"id": "A2", "NAMN": " hamnen "}, polygon(11.95, 57.70)),
        feature({"id": "A3", "NAMN": "ostra hamnen"}, {"type": "MultiPolygon", "coordinates": [
            square(11.90, 57.70), square(11.88, 57.72, 0.005)]}),
        feature({"id": "A4", "NAMN": "Västra Frölunda"}, polygon(11.90, 57.65)),
        feature({"id": "A5", "NAMN": "Centrum"}, polygon(13.40, 52.52)),  # Berlin
        feature({"id": "A6", "NAMN": "Angered"}, {"type": "Point", "coordinates": [12.05, 57.80]}),
    )


def test_parse_finds_the_name_property_and_matches_leniently() -> None:
    result = geo.parse_geojson(messy_file(), KNOWN)
    assert result.name_property == "NAMN"
    assert set(result.properties) == {"id", "NAMN"}
    assert list(result.features) == ["Norrby", "Hamnen", "Östra Hamnen"]
    assert result.names_in_file["Östra Hamnen"] == "ostra hamnen"
    assert result.features["Norrby"]["type"] == "Polygon"
    assert result.features["Östra Hamnen"]["type"] == "MultiPolygon"
    assert result.vertices == {"Norrby": 5, "Hamnen": 5, "Östra Hamnen": 10}
    assert result.unmatched == ["Västra Frölunda"]
    assert result.missing == ["Angered", "Centrum"]
    assert result.ok and not result.errors
    text = "\n".join(result.warnings)
    assert "Okänd stadsdel 'Västra Frölunda'" in text
    assert "Centrum: ytan ligger utanför Sverige" in text
    assert "Angered: geometrin är Point" in text


def test_parse_with_a_given_property_and_merges_features_of_one_district() -> None:
    data = collection(
        feature({"kod": "Norrby", "namn": "Hamnen"}, polygon(12.0, 57.8)),
        feature({"kod": "NORRBY", "namn": "x"}, polygon(12.1, 57.8)),
    )
    result = geo.parse_geojson(data, KNOWN, name_property="kod")
    assert list(result.features) == ["Norrby"]
    assert result.features["Norrby"]["type"] == "MultiPolygon"
    assert len(result.features["Norrby"]["coordinates"]) == 2
    assert geo.parse_geojson(data, KNOWN, name_property="saknas").errors == ["Egenskapen 'saknas' finns inte i filen."]


def test_unclosed_rings_are_closed_and_coordinates_rounded() -> None:
    ring = [[12.0000001, 57.8], [12.01, 57.8], [12.01, 57.81]]
    data = collection(feature({"namn": "Norrby"}, {"type": "Polygon", "coordinates": [ring]}))
    result = geo.parse_geojson(data, KNOWN)
    assert result.features["Norrby"]["coordinates"][0] == [[12.0, 57.8], [12.01, 57.8], [12.01, 57.81], [12.0, 57.8]]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"type": "FeatureCollection", "features": [', "inte giltig GeoJSON: JSON-fel på rad 1"),
        (b"", "Filen är tom."),
        (b"\xff\xfe garbage", "inte giltig GeoJSON"),
        (b'{"type": "Point", "coordinates": [12, 57]}', "ingen GeoJSON FeatureCollection (filen är av typen Point)"),
        (b"[1, 2, 3]", "ingen GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "inga objekt"),
        (b"[" * 50_000 + b"]" * 50_000, "inte giltig GeoJSON"),
        (collection(feature({"namn": "Göteborg"}, polygon(12, 57.8))), "Ingen egenskap i filen innehåller"),
        (json.dumps({"type": "FeatureCollection", "crs": {"properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
                     "features": [feature({"namn": "Norrby"}, polygon(12, 57.8))]}).encode(), "SWEREF 99 TM"),
    ],
)
def test_bad_files_give_swedish_messages_not_exceptions(data: bytes, expected: str) -> None:
    result = geo.parse_geojson(data, KNOWN)
    assert not result.ok
    assert any(expected in e for e in result.errors), result.errors


def test_metres_and_swapped_coordinates_are_explained() -> None:
    data = collection(
        feature({"namn": "Norrby"}, polygon(320_000, 6_400_000, 500)),
        feature({"namn": "Hamnen"}, polygon(57.8, 12.0)),
        feature({"namn": "Centrum"}, polygon(12.0, 57.8)),
    )
    result = geo.parse_geojson(data, KNOWN)
    assert list(result.features) == ["Centrum"]
    assert any("Norrby: koordinaterna är i meter" in w for w in result.warnings)
    assert any("Hamnen: latitud och longitud har bytt plats" in w for w in result.warnings)


def test_size_and_vertex_limits() -> None:
    too_big = geo.parse_geojson(b" " * (geo.MAX_FILE_BYTES + 1), KNOWN)
    assert too_big.errors and "högst 20 MB" in too_big.errors[0]
    ring = [[12.0 + i * 1e-6, 57.8 + (i % 2) * 1e-4] for i in range(geo.MAX_VERTICES)] + [[12.0, 57.8]]
    many = geo.parse_geojson(collection(feature({"namn": "Norrby"}, {"type": "Polygon", "coordinates": [ring]})),
                             KNOWN)
    assert many.errors and "100 001 punkter" in many.errors[0]


def test_store_and_read_back(database: Database) -> None:
    with database.read() as con:
        assert geo.geometries(con) == {}  # no table yet: the map falls back to bubbles
        before = data_version(con)[0]
    result = geo.parse_geojson(messy_file(), KNOWN)
    assert geo.store_geojson(database, result, ADMIN) == 3
    with database.read() as con:
        stored = geo.geometries(con)
        assert data_version(con)[0] == before + 1
        assert con.execute("SELECT count(*) FROM district_geometries WHERE updated_at IS NOT NULL").fetchone()[0] == 3
    # In the districts' display order (the conftest order), not the file's.
    assert list(stored) == ["Norrby", "Hamnen", "Östra Hamnen"]
    assert stored == result.features

    # A new file replaces the old boundaries as a whole.
    again = geo.parse_geojson(collection(feature({"namn": "Angered"}, polygon(12.05, 57.80))), KNOWN)
    geo.store_geojson(database, again, ADMIN)
    with database.read() as con:
        assert list(geo.geometries(con)) == ["Angered"]
    geo.delete_geometries(database, ADMIN)
    with database.read() as con:
        assert geo.geometries(con) == {}
    with pytest.raises(ValueError):
        geo.store_geojson(database, geo.parse_geojson(b"{", KNOWN), ADMIN)


def test_label_point_and_bounds() -> None:
    assert geo.label_point(polygon(12.0, 57.8)) == pytest.approx((12.0, 57.8))
    # The larger part of a MultiPolygon carries the label.
    multi = {"type": "MultiPolygon", "coordinates": [square(12.0, 57.8, 0.001), square(12.5, 57.9, 0.02)]}
    assert geo.label_point(multi) == pytest.approx((12.5, 57.9))
    assert geo.bounds([polygon(12.0, 57.8), polygon(12.5, 57.9, 0.02)]) == pytest.approx((11.99, 57.79, 12.52, 57.92))
    assert geo.bounds([]) is None


# ---------------------------------------------------------------- counts, centres and points

WEEK = IsoWeek(2026, 46)  # Monday 9 November 2026
MONDAY = WEEK.monday()


def at(days: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(MONDAY + dt.timedelta(days=days), dt.time(hour))


EVENTS = [
    # district, when, category, source, lat, lon
    ("Norrby", at(0), "Skadegörelse", "Polisen", 58.0, 12.0),
    ("Norrby", at(3), "Klotter", "Polisen", 58.2, 12.4),
    ("Norrby", at(6, 23), "Skadegörelse", "Skola", None, None),
    ("Norrby", at(-3), "Skadegörelse", "Polisen", 58.1, 12.2),  # the week before
    ("Hamnen", at(2), "Klotter", "Skola", None, None),
    ("Centrum", at(1), "Stöld", "Polisen", 57.7, 11.9),
    ("Centrum", at(4), "Stöld", "Polisen", 0.0, 0.0),  # a junk position, outside Sweden
    ("Östra Hamnen", at(7), "Stöld", "Polisen", 57.69, 11.95),  # the Monday after
]


@pytest.fixture
def events_db(database: Database) -> Database:
    with database.write() as con:
        for i, (district, when, category, source, lat, lon) in enumerate(EVENTS, start=1):
            con.execute(
                "INSERT INTO events (id, occurred_at, time_known, district, category, source, lat, lon, dedup_key) "
                "VALUES (?, ?, TRUE, ?, ?, ?, ?, ?, ?)",
                [i, when, district, category, source, lat, lon, i],
            )
        event_counts.rebuild(con)  # events written here bypass the importer, which keeps the daily counts
    return database


def filters(**kwargs: object) -> Filters:
    base = {"week": WEEK, "start": MONDAY - dt.timedelta(days=7), "end": MONDAY + dt.timedelta(days=13)}
    return Filters(**(base | kwargs))  # type: ignore[arg-type]


def counts(db: Database, f: Filters, window: str = "week") -> dict[str, tuple[int, int]]:
    with db.read() as con:
        frame = geo.district_counts(con, f, window)
    return {r.district: (r.count, r.with_coordinates) for r in frame.itertuples()}


def test_district_counts_for_the_week_include_districts_without_events(events_db: Database) -> None:
    result = counts(events_db, filters())
    # Every district, in display order, the empty ones with zero; the junk position is no coordinate.
    assert list(result) == list(KNOWN)
    assert result == {"Norrby": (3, 2), "Hamnen": (1, 0), "Angered": (0, 0), "Centrum": (2, 1),
                      "Östra Hamnen": (0, 0)}
    with events_db.read() as con:
        frame = geo.district_counts(con, filters(), "week")
    assert frame["color"].str.match(r"^#[0-9A-Fa-f]{6}$").all()


def test_district_counts_follow_the_filters_and_the_period(events_db: Database) -> None:
    assert counts(events_db, filters(districts=("Centrum", "Norrby"))) == {"Norrby": (3, 2), "Centrum": (2, 1)}
    assert counts(events_db, filters(categories=("Klotter",)))["Norrby"] == (1, 1)
    assert counts(events_db, filters(categories=("Klotter",)))["Hamnen"] == (1, 0)
    assert counts(events_db, filters(sources=("Skola",))) == {
        "Norrby": (1, 0), "Hamnen": (1, 0), "Angered": (0, 0), "Centrum": (0, 0), "Östra Hamnen": (0, 0)}
    period = counts(events_db, filters(), "period")
    assert period["Norrby"] == (4, 3) and period["Östra Hamnen"] == (1, 1)
    with pytest.raises(ValueError), events_db.read() as con:
        geo.district_counts(con, filters(), "month")


def test_district_centres_are_the_mean_of_all_positions_in_sweden(events_db: Database) -> None:
    with events_db.read() as con:
        frame = geo.district_centres(con, filters(categories=("Klotter",)))
    centres = {r.district: r for r in frame.itertuples()}
    assert list(centres) == list(KNOWN)
    # Whatever the week and category: all three Norrby positions.
    assert centres["Norrby"].lat == pytest.approx((58.0 + 58.2 + 58.1) / 3)
    assert centres["Norrby"].lon == pytest.approx((12.0 + 12.4 + 12.2) / 3)
    assert centres["Norrby"].points == 3
    # The 0,0 position does not drag Centrum into the Gulf of Guinea.
    assert (centres["Centrum"].lat, centres["Centrum"].lon, centres["Centrum"].points) == (57.7, 11.9, 1)
    assert centres["Hamnen"].points == 0 and frame.loc[frame["district"] == "Hamnen", "lat"].isna().all()
    with events_db.read() as con:
        chosen = geo.district_centres(con, filters(districts=("Hamnen",)))
    assert chosen["district"].tolist() == ["Hamnen"]


def test_event_points_are_limited_and_report_the_total(events_db: Database) -> None:
    with events_db.read() as con:
        week = geo.event_points(con, filters())
        two = geo.event_points(con, filters(), limit=2)
        again = geo.event_points(con, filters(), limit=2)
        period = geo.event_points(con, filters(), window="period")
    assert sorted(zip(week["district"], week["lat"], strict=True)) == [
        ("Centrum", 57.7), ("Norrby", 58.0), ("Norrby", 58.2)]
    assert week["total"].tolist() == [3, 3, 3]
    assert len(two) == 2 and two["total"].tolist() == [3, 3]
    assert two.equals(again)  # the same sample on every rerun
    assert len(period) == 5


def test_counts_and_centres_cut_to_the_choice_equal_the_query_for_that_choice(events_db: Database) -> None:
    chosen = ("Centrum", "Norrby")
    with events_db.read() as con:
        every = geo.district_counts(con, filters(), "week")
        direct = geo.district_counts(con, filters(districts=chosen), "week")
        centres = geo.district_centres(con, filters())
    cut = geo.for_districts(every, chosen)
    assert {r.district: (r.count, r.with_coordinates) for r in cut.itertuples()} == {
        "Norrby": (3, 2), "Centrum": (2, 1)}
    pd.testing.assert_frame_equal(cut, direct)
    assert geo.for_districts(every, ()) is every  # no choice: every district
    assert geo.for_districts(centres, ("Hamnen",))["district"].tolist() == ["Hamnen"]


def test_event_grid_counts_every_located_event_in_its_cell(events_db: Database) -> None:
    grid = geo.Grid(metres=0, step_lon=0.25, step_lat=0.5)
    with events_db.read() as con:
        week = geo.event_grid(con, filters(), "week", grid)
        period = geo.event_grid(con, filters(), "period", grid)
    # By hand: 12.0/0.25 = 48, 12.4/0.25 = 49.6, 11.9/0.25 = 47.6; 58.0/0.5 = 116, 58.2/0.5 = 116.4,
    # 57.7/0.5 = 115.4. The 0,0 position is no coordinate in Sweden and is left out.
    cells = {(r.ix, r.iy): r.count for r in week.per_cell().itertuples()}
    assert cells == {(48, 116): 1, (49, 116): 1, (47, 115): 1}
    assert week.total == 3
    norrby = week.chosen(("Norrby",))
    assert {(r.ix, r.iy): r.count for r in norrby.per_cell().itertuples()} == {(48, 116): 1, (49, 116): 1}
    # The period adds Norrby's 12.2/58.1 (48, 116) and Östra Hamnen's 11.95/57.69 (47, 115).
    assert {(r.ix, r.iy): r.count for r in period.per_cell().itertuples()} == {
        (48, 116): 2, (49, 116): 1, (47, 115): 2}


def test_grid_cells_are_round_metres_about_forty_across_the_longer_side() -> None:
    # 0.09° of longitude at 58.35° is 0.09 · cos(58.35°) · 111 320 ≈ 5 255 m; 0.068° of latitude ≈ 7 570 m.
    grid = geo.grid_from_extent(0.09, 0.068, 58.35)
    assert grid.metres == 200  # 7 570 / 40 ≈ 189, the next round size
    assert grid.step_lat == pytest.approx(200 / 111_320)
    assert grid.step_lon * math.cos(math.radians(58.35)) == pytest.approx(grid.step_lat)
    assert geo.grid_from_extent(0.0, 0.0, 58.0).metres == 50
    assert geo.grid_from_extent(10.0, 10.0, 58.0).metres == 10_000


def test_event_grid_spec_is_none_without_coordinates(database: Database) -> None:
    with database.read() as con:
        assert geo.event_grid_spec(con) is None


def test_a_later_source_without_coordinates_does_not_empty_the_grid(events_db: Database) -> None:
    with events_db.read() as con:
        before = geo.event_grid_spec(con)
    later = max(e[1] for e in EVENTS) + dt.timedelta(days=200)
    with events_db.write() as con:  # a police file without positions, half a year after the last located event
        for i in range(3):
            con.execute(
                "INSERT INTO events (id, occurred_at, time_known, district, category, source, lat, lon, dedup_key) "
                "VALUES (?, ?, TRUE, 'Norrby', 'Klotter', 'Polisen', NULL, NULL, ?)",
                [1000 + i, later, 1000 + i],
            )
        event_counts.rebuild(con)
    with events_db.read() as con:
        assert before is not None and geo.event_grid_spec(con) == before


def test_event_grid_spec_is_sized_from_the_positions_in_sweden(events_db: Database) -> None:
    with events_db.read() as con:
        grid = geo.event_grid_spec(con)
    # The five positions in Sweden (the 0,0 one is left out), by numpy's linear quantiles.
    lats = np.array([58.0, 58.2, 58.1, 57.7, 57.69])
    lons = np.array([12.0, 12.4, 12.2, 11.9, 11.95])
    lat_m = (np.quantile(lats, 0.995) - np.quantile(lats, 0.005)) * 111_320
    lon_m = (np.quantile(lons, 0.995) - np.quantile(lons, 0.005)) * 111_320 * math.cos(math.radians(lats.mean()))
    assert max(lat_m, lon_m) / geo.GRID_CELLS == pytest.approx(1_400, abs=20)  # so the next round size:
    assert grid is not None and grid.metres == 1_500
