"""The daily counts stay equal to counting the events themselves, through every path that writes them."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from trygghet.analysis import queries
from trygghet.core import clock
from trygghet.core.filters import default_filters
from trygghet.demo.build import build_demo
from trygghet.ingest import undo
from trygghet.ingest.importer import apply, import_file, prepare
from trygghet.store import event_counts as counts
from trygghet.store.access import Actor
from trygghet.store.db import Database

ADMIN = Actor("admin", "administratör")
FIXTURES = Path(__file__).parent / "fixtures"


def from_events(db: Database) -> list[tuple[object, ...]]:
    """What the table must hold, counted from the events in the test's own SQL (per upload)."""
    with db.read() as con:
        return con.execute(
            """SELECT occurred_at::DATE, district, category, source, upload_id, count(*),
                      count(lat) FILTER (WHERE lat BETWEEN 55 AND 69.5 AND lon BETWEEN 10 AND 25)
               FROM events GROUP BY ALL ORDER BY ALL"""
        ).fetchall()


def stored(db: Database) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(
            """SELECT day, district, category, source, upload_id, sum(n), sum(n_located)
               FROM event_counts GROUP BY ALL HAVING sum(n) > 0 ORDER BY ALL"""
        ).fetchall()


def events_sheet(rows: list[tuple[dt.datetime, str, str, str]]) -> list[list[object]]:
    return [["Datum och tid", "Stadsdel", "Kategori", "Händelse-ID", "Källa", "Latitud", "Longitud"]] + [
        [when, district, category, ext, "Bostadsbolaget", 57.7 if i % 2 else None, 11.9 if i % 2 else None]
        for i, (when, district, category, ext) in enumerate(rows)
    ]


def test_the_demo_database_counts_every_event(tmp_path: Path) -> None:
    db = Database(tmp_path / "demo.duckdb")
    build_demo(db.path, events=20_000)
    table = stored(db)
    assert table == from_events(db)
    assert sum(int(r[5]) for r in table) == 20_000


def test_an_import_adds_its_counts_and_an_undo_takes_them_away(
    database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    first = [(dt.datetime(2026, 3, 2, 21, 5), "Norrby", "Klotter", "A-1"),
             (dt.datetime(2026, 3, 2, 23, 59), "Norrby", "Klotter", "A-2"),
             (dt.datetime(2026, 3, 3, 0, 0), "Norrby", "Klotter", "A-3"),
             (dt.datetime(2026, 3, 3, 8, 0), "Hamnen", "Skadegörelse", "A-4")]
    import_file(database, make_xlsx({"Händelser": events_sheet(first)}), "a.xlsx")
    assert stored(database) == from_events(database)
    with database.read() as con:
        # Hand-counted: two events on 2 March in Norrby, one each on 3 March.
        assert con.execute("SELECT day, district, n FROM event_counts ORDER BY day, district").fetchall() == [
            (dt.date(2026, 3, 2), "Norrby", 2), (dt.date(2026, 3, 3), "Hamnen", 1), (dt.date(2026, 3, 3), "Norrby", 1)]

    # Two event sheets in one workbook, one row already stored: counted once, under the new upload.
    second = make_xlsx({
        "Händelser": events_sheet([(dt.datetime(2026, 3, 2, 12), "Norrby", "Klotter", "B-1"), first[0]]),
        "Händelser 2": events_sheet([(dt.datetime(2026, 3, 9, 12), "Hamnen", "Klotter", "B-2")]),
    })
    report = import_file(database, second, "b.xlsx")
    assert report.totals()["imported"] == 2
    assert stored(database) == from_events(database)
    with database.read() as con:
        assert con.execute("SELECT sum(n) FROM event_counts WHERE day = '2026-03-02'").fetchone() == (3,)

    undo.undo_upload(database, report.upload_id, ADMIN)
    assert stored(database) == from_events(database)
    with database.read() as con:
        assert con.execute("SELECT sum(n) FROM event_counts").fetchone() == (4,)


def test_a_preview_and_a_rejected_file_leave_the_counts_alone(
    database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    import_file(database, make_xlsx({"Händelser": events_sheet(
        [(dt.datetime(2026, 3, 2, 21), "Norrby", "Klotter", "A-1")])}), "a.xlsx")
    before = stored(database)
    data = make_xlsx({"Händelser": events_sheet([(dt.datetime(2026, 3, 4, 21), "Hamnen", "Klotter", "P-1")])})
    prepared = prepare(database, data, "p.xlsx")
    assert apply(database, prepared, actor=ADMIN, dry_run=True).status == "preview"
    assert import_file(database, b"not a workbook", "trasig.xlsx").status == "rejected"
    assert stored(database) == before == from_events(database)


def test_the_police_feed_is_counted_like_any_upload(database: Database) -> None:
    sample = json.dumps([
        {"id": 1, "datetime": "2026-08-22 19:51:41 +02:00", "name": "22 augusti 17.59, Brand, Göteborg",
         "summary": "Brand i Norrby.", "url": "/x", "type": "Brand",
         "location": {"name": "Göteborg", "gps": "57.70887,11.97456"}},
        {"id": 2, "datetime": "2026-08-23 9:48:12 +02:00", "name": "23 augusti 09:30, Skadegörelse, Göteborg",
         "summary": "Skadegörelse vid skolan.", "url": "/y", "type": "Skadegörelse",
         "location": {"name": "Göteborg", "gps": "57.70887,11.97456"}},
    ]).encode()
    report = import_file(database, sample, "polisen.json", kommun="Göteborg")
    assert report.totals()["imported"] == 2
    assert stored(database) == from_events(database)
    assert sum(int(r[5]) for r in stored(database)) == 2


def as_before_the_counts(db: Database) -> None:
    """The file as a release before the daily counts left it: no table, schema version 1."""
    with db.write() as con:
        con.execute("DROP TABLE event_counts")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_database_from_before_the_counts_gets_them_on_first_open(tmp_path: Path, demo_copy: Path) -> None:
    db = Database(demo_copy)
    as_before_the_counts(db)
    assert db.upgrade() is True
    assert stored(db) == from_events(db)
    assert db.upgrade() is False

    # Any write (an import, an edit) brings an older file up to date first.
    as_before_the_counts(db)
    with db.write():
        pass
    assert stored(db) == from_events(db)


def test_the_app_opens_a_database_from_before_the_counts(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    db = Database(demo_copy)
    as_before_the_counts(db)
    with db.read() as con:
        expected = con.execute("SELECT count(*) FROM events").fetchone()[0]
    monkeypatch.setenv("TRYGGHET_DB", str(demo_copy))
    at = AppTest.from_file(str(Path(__file__).parent.parent / "app.py"), default_timeout=120).run()
    assert not at.exception
    with db.read() as con:
        assert counts.has_table(con)
        first, last = queries.event_date_range(con)
        assert con.execute("SELECT sum(n) FROM event_counts").fetchone()[0] == expected
    assert (first, last) != (None, None)
    assert default_filters(clock.today(), first).start >= first


@pytest.fixture(scope="module")
def _demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("counts") / "demo.duckdb"
    build_demo(path, events=20_000)
    return path


@pytest.fixture
def demo_copy(_demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(_demo_file, path)
    return path
