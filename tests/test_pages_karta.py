"""The Karta and Trygghetsmätning pages under AppTest, on a small demo database, with and without boundaries."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from trygghet.analysis import geo
from trygghet.core import clock
from trygghet.core.filters import Filters, default_filters
from trygghet.core.text import md_literal
from trygghet.demo.build import build_demo
from trygghet.store import event_counts as counts
from trygghet.store.access import COMMAND_LINE as ADMIN
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("karta") / "demo.duckdb"
    build_demo(path, events=30_000)
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh copy per test, so that storing boundaries in one test leaves the others alone."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    monkeypatch.setenv("TRYGGHET_DB", str(path))
    monkeypatch.setenv("TRYGGHET_RAISE_ERRORS", "1")  # let page errors through instead of the calm message
    monkeypatch.delenv("TRYGGHET_MAP_TILES", raising=False)
    return Database(path)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figure(at: AppTest) -> dict[str, object]:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def trace(spec: dict[str, object], name: str) -> dict[str, object]:
    return next(t for t in spec["data"] if t.get("name") == name)  # type: ignore[union-attr]


def values(data: object) -> list[object]:
    """A trace's data array; plotly sends numpy arrays as base64 typed arrays."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)  # type: ignore[call-overload]


def sql_counts(db: Database, f: Filters, window: str) -> dict[str, int]:
    span = geo.window_for(f, window)
    with db.read() as con:
        rows = con.execute(
            "SELECT district, count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? GROUP BY district",
            [span.start, span.end],
        ).fetchall()
    return {d: int(n) for d, n in rows}


def sql_located(db: Database, f: Filters, window: str,
                box: tuple[float, float, float, float] | None = None) -> int:
    """Events with a position in Sweden in the window, within `box` (lon0, lat0, lon1, lat1) if given."""
    span = geo.window_for(f, window)
    x0, y0, x1, y1 = box or (-1e9, -1e9, 1e9, 1e9)
    with db.read() as con:
        row = con.execute(
            "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? "
            "AND lat BETWEEN 55 AND 69.5 AND lon BETWEEN 10 AND 25 "
            "AND lon >= ? AND lon < ? AND lat >= ? AND lat < ?",
            [span.start, span.end, x0, x1, y0, y1],
        ).fetchone()
    return int(row[0]) if row else 0


def cell_counts(heatmap: dict[str, object]) -> dict[tuple[float, float, float, float], int]:
    """(lon0, lat0, lon1, lat1) -> the count a heatmap's cell shows, for every cell that shows one."""
    xs, ys = values(heatmap["x"]), values(heatmap["y"])
    found = {}
    for r, row in enumerate(heatmap["text"]):  # type: ignore[arg-type]
        for c, text in enumerate(row):
            if text:
                found[(xs[c], ys[r], xs[c + 1], ys[r + 1])] = int("".join(ch for ch in text if ch.isdigit()))
    return found


def squares(db: Database) -> tuple[bytes, list[str]]:
    """GeoJSON with a square around each district's centre, except the last district, and one unknown name."""
    with db.read() as con:
        centres = geo.district_centres(con, default_filters(clock.today()))
    rows = [*[(r.district, r.lon, r.lat) for r in centres.itertuples()][:-1], ("Atlantis", 12.3, 58.3)]
    features = [
        {"type": "Feature", "properties": {"namn": name.upper(), "kod": f"SD{i}"},
         "geometry": {"type": "Polygon", "coordinates": [[
             [lon - 0.004, lat - 0.003], [lon + 0.004, lat - 0.003], [lon + 0.004, lat + 0.003],
             [lon - 0.004, lat + 0.003], [lon - 0.004, lat - 0.003]]]}}
        for i, (name, lon, lat) in enumerate(rows)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return data, [name for name, _, _ in rows[:-1]]


def store_squares(db: Database) -> list[str]:
    data, names = squares(db)
    with db.read() as con:
        known = [r[0] for r in con.execute("SELECT name FROM districts").fetchall()]
    result = geo.parse_geojson(data, known)
    assert result.ok and len(result.missing) == 1 and result.unmatched == ["ATLANTIS"]
    geo.store_geojson(db, result, ADMIN)
    return names


def test_karta_without_boundaries_shows_bubbles_that_match_sql(demo_db: Database) -> None:
    at = open_page("pages/karta.py")
    filters: Filters = at.session_state["filters"]
    assert at.title[0].value == f"Karta – v. {filters.week.week} {filters.week.year}"
    spec = figure(at)
    bubbles = trace(spec, "Stadsdelar")
    shown = {d: int(n) for d, n in bubbles["customdata"]}
    expected = sql_counts(demo_db, filters, "week")
    assert set(shown) >= set(expected)  # every district with events has its bubble
    assert shown == {d: expected.get(d, 0) for d in shown}
    assert sum(shown.values()) > 0
    # Offline: cartesian traces only, and the aspect fixed for the latitude.
    assert {t["type"] for t in spec["data"]} == {"scatter", "heatmap"}
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"
    assert 1.8 < spec["layout"]["yaxis"]["scaleratio"] < 2.0  # 1 / cos(58.35°) ≈ 1.91
    # The cell layer is on by default: every cell's count is the events the SQL finds inside its edges.
    cells = trace(spec, "Händelser")
    drawn = cell_counts(cells)
    assert sum(drawn.values()) == sql_located(demo_db, filters, "week") > 0
    for box, n in sorted(drawn.items(), key=lambda item: -item[1])[:12]:
        assert sql_located(demo_db, filters, "week", box) == n
    assert any(c.value.startswith("Rutorna är") and f"alla {sum(drawn.values())} händelser" in c.value.replace("\xa0", "")
               for c in at.caption)
    assert any(c.value.startswith("Karta över händelser per stadsdel") for c in at.caption)
    table = at.dataframe[0].value
    assert dict(zip(table["Stadsdel"], table["Händelser"], strict=True)) == {
        d: expected.get(d, 0) for d in table["Stadsdel"]}

    # The trend period instead of the week.
    at.toggle(key="karta_period").set_value(True).run()
    assert not at.exception
    assert at.title[0].value == "Karta – hela trendperioden"
    shown = {d: int(n) for d, n in trace(figure(at), "Stadsdelar")["customdata"]}
    assert shown == sql_counts(demo_db, at.session_state["filters"], "period")


def test_karta_lists_districts_without_coordinates_beside_the_map(demo_db: Database) -> None:
    with demo_db.write() as con:
        con.execute("UPDATE events SET lat = NULL, lon = NULL WHERE district = 'Lindö'")
        counts.rebuild(con)  # no import path changes coordinates in place
    at = open_page("pages/karta.py")
    bubbles = {d for d, _ in trace(figure(at), "Stadsdelar")["customdata"]}
    assert "Lindö" not in bubbles
    expected = sql_counts(demo_db, at.session_state["filters"], "week")
    unplaced = at.dataframe[1].value
    assert unplaced.to_dict("list") == {"Stadsdel": ["Lindö"], "Händelser": [expected.get("Lindö", 0)]}
    assert any("inga händelser med koordinater" in c.value.lower() for c in at.caption)


def test_pages_on_an_empty_database(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    monkeypatch.setenv("TRYGGHET_RAISE_ERRORS", "1")
    at = open_page("pages/karta.py")
    assert any("totalt 0" in c.value for c in at.caption)
    at = open_page("pages/trygghetsmatning.py")
    assert any("Ingen trygghetsmätning" in i.value for i in at.info)


def test_karta_with_boundaries_shows_polygons_and_lists_the_district_without_one(demo_db: Database) -> None:
    with_boundary = store_squares(demo_db)
    at = open_page("pages/karta.py")
    spec = figure(at)
    labels = trace(spec, "Antal")
    shown = {d: int(n) for d, n in labels["customdata"]}
    expected = sql_counts(demo_db, at.session_state["filters"], "week")
    assert list(shown) == with_boundary
    assert shown == {d: expected.get(d, 0) for d in with_boundary}
    fills = [t for t in spec["data"] if t.get("fill") == "toself"]
    assert len(fills) == len(with_boundary)
    assert not any(t["type"].endswith(("geo", "map", "mapbox")) for t in spec["data"])
    # The one district without a boundary is listed beside the map, with its count.
    missing = at.dataframe[1].value
    assert len(missing) == 1 and missing["Stadsdel"].iloc[0] not in with_boundary
    assert any("Saknar gräns" in c.value for c in at.caption)


def test_karta_uses_tiles_only_when_configured(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRYGGHET_MAP_TILES", "https://tiles.example.se/{z}/{x}/{y}.png")
    spec = figure(open_page("pages/karta.py"))
    assert {t["type"] for t in spec["data"]} <= {"scattermap", "choroplethmap"}
    assert spec["layout"]["map"]["layers"][0]["source"] == ["https://tiles.example.se/{z}/{x}/{y}.png"]


def test_trygghetsmatning_average_matches_sql(demo_db: Database) -> None:
    at = open_page("pages/trygghetsmatning.py")
    assert at.title[0].value == "Trygghetsmätning"
    indicator = at.selectbox(key="survey_indicator").value
    spec = figure(at)
    average = trace(spec, "Kommunen (snitt)")
    with demo_db.read() as con:
        expected = con.execute(
            "SELECT sum(value * respondents) / sum(respondents) FROM survey_results WHERE indicator = ? "
            "GROUP BY period ORDER BY period",
            [indicator],
        ).fetchall()
        districts = con.execute("SELECT count(DISTINCT district) FROM survey_results").fetchone()[0]
    assert values(average["y"]) == pytest.approx([r[0] for r in expected])
    assert average["line"]["dash"] == "dash" and average["line"]["width"] >= 5
    assert len(spec["data"]) == districts + 1
    assert any("viktat efter antal svarande" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert len(table) == districts + 1

    # Another indicator, and the sidebar's district choice.
    other = next(o for o in at.selectbox(key="survey_indicator").options if o != indicator)
    at.selectbox(key="survey_indicator").select(other).run()
    at.session_state["f_districts"] = ["Centrum", "Norrby"]
    at.run()
    assert not at.exception
    spec = figure(at)
    assert [t["name"] for t in spec["data"]] == ["Centrum", "Norrby", "Kommunen (snitt)"]
    assert spec["layout"]["title"]["text"] == other


def test_both_pages_render_with_boundaries_stored(demo_db: Database) -> None:
    store_squares(demo_db)
    for page in ("pages/karta.py", "pages/trygghetsmatning.py"):
        open_page(page)


def _upload_block() -> None:
    from trygghet.ui import boundary_upload, shell
    boundary_upload.render_geojson_upload(shell.database())


def test_geojson_upload_block_previews_and_saves(demo_db: Database) -> None:
    data, names = squares(demo_db)
    at = AppTest.from_function(_upload_block, default_timeout=60)
    at.session_state["login_actor"] = ADMIN  # as after log-in
    at.run()
    assert not at.exception
    assert not at.button  # nothing stored, nothing uploaded: no buttons yet
    at.file_uploader[0].upload("stadsdelar.geojson", data, "application/geo+json").run()
    assert not at.exception
    preview = at.dataframe[0].value
    assert preview.loc[preview["Status"] == "Finns i filen", "Stadsdel"].tolist() == names
    assert (preview["Status"] != "Finns i filen").sum() == 1
    assert any(md_literal("Okänd stadsdel 'ATLANTIS'") in w.value for w in at.warning)  # quoted as typed
    assert at.selectbox[0].value == "namn"  # found automatically, 'kod' offered as the alternative
    with demo_db.read() as con:
        assert geo.geometries(con) == {}  # nothing is stored before the button
    at.button[0].click().run()
    assert not at.exception
    assert any("sparade" in s.value for s in at.success)
    with demo_db.read() as con:
        assert list(geo.geometries(con)) == names

    # A file that is not GeoJSON: a message, no button, nothing changed.
    at.file_uploader[0].upload("fel.json", b'{"type": "FeatureCollection"', "application/json").run()
    assert not at.exception
    assert any("inte giltig GeoJSON" in e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith("Spara")]
    with demo_db.read() as con:
        assert list(geo.geometries(con)) == names
