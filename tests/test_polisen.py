"""Polisens öppna händelsedata: the real snapshot per municipality and type, the skipped counts,
the type mapping, de-duplication of overlapping snapshots, the gazetteer, time across daylight
saving, malformed files, the CLI contract and the live fetch's rules (without any network).

Expected figures are counted here with plain Python over the JSON, not with the importer's code.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from trygghet.cli import format_report
from trygghet.core import initial_lists as defaults
from trygghet.ingest.importer import FileReport, import_file
from trygghet.ingest.polisen import fetch, gazetteer, parse, type_map
from trygghet.store import installation_settings as settings
from trygghet.store.access import COMMAND_LINE as ADMIN
from trygghet.store.db import Database, add_district, get_meta, init_database

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "polisen"
SAMPLE = FIXTURES / "polisen-events-sample.json"
SHARED_SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "polisen-events-sample.json"
EVENTS: list[dict[str, object]] = json.loads(SAMPLE.read_text(encoding="utf-8"))

EXCLUDED = "utesluten"
OTHER = "Övrigt (polisen)"
# Every type in the snapshot, decided by hand: the app's category, OTHER, or EXCLUDED.
EXPECTED_CATEGORY = {
    "Skadegörelse": "Skadegörelse",
    "Brand": "Anlagd brand",
    "Mordbrand": "Anlagd brand",
    "Misshandel": "Misshandel",
    "Misshandel, grov": "Misshandel",
    "Olaga hot": "Hot/våld",
    "Mord/dråp": "Hot/våld",
    "Mord/dråp, försök": "Hot/våld",
    "Våld/hot mot tjänsteman": "Incident mot personal",
    "Narkotikabrott": "Narkotika/öppen droghandel",
    "Rån": "Rån",
    "Stöld": "Stöld",
    "Stöld, försök": "Stöld",
    "Motorfordon, stöld": "Stöld",
    "Stöld/inbrott": "Inbrott",
    "Inbrott": "Inbrott",
    "Fylleri": "Berusade personer",
    "Bråk": "Bråk/slagsmål",
    "Ofredande/förargelse": "Trakasserier",
    "Övrigt": OTHER,
    "Bedrägeri": OTHER,
    "Djur": OTHER,
    "Explosion": OTHER,
    "Farligt föremål, misstänkt": OTHER,
    "Försvunnen person": OTHER,
    "Hemfridsbrott": OTHER,
    "Häleri": OTHER,
    "Knivlagen": OTHER,
    "Kontroll": OTHER,
    "Missbruk av urkund": OTHER,
    "Olaga intrång": OTHER,
    "Skyddslagen": OTHER,
    "Vapenlagen": OTHER,
    "Vållande till kroppsskada": OTHER,
    "Sammanfattning natt": EXCLUDED,
    "Sammanfattning kväll och natt": EXCLUDED,
    "Trafikolycka": EXCLUDED,
    "Trafikolycka, personskada": EXCLUDED,
    "Trafikolycka, singel": EXCLUDED,
    "Trafikolycka, vilt": EXCLUDED,
    "Trafikkontroll": EXCLUDED,
    "Trafikbrott": EXCLUDED,
    "Rattfylleri": EXCLUDED,
    "Olovlig körning": EXCLUDED,
    "Information": EXCLUDED,
    "Uppdatering": EXCLUDED,
    "Fjällräddning": EXCLUDED,
    "Räddningsinsats": EXCLUDED,
    "Arbetsplatsolycka": EXCLUDED,
}


def place_of(event: dict[str, object]) -> str:
    """The municipality or county as the last part of the headline: '…, Brand, Kävlinge' -> 'Kävlinge'."""
    return str(event["name"]).split(", ")[-1]


def municipality_counts() -> Counter[str]:
    return Counter(place_of(e) for e in EVENTS if not place_of(e).endswith(" län"))


TOP_TWO = [name for name, _ in municipality_counts().most_common(2)]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tests must not reach the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def feed(events: list[dict[str, object]]) -> bytes:
    return json.dumps(events, ensure_ascii=False, indent=1).encode("utf-8")


def event(
    id_: object, summary: str = "Händelse.", *, type_: str = "Skadegörelse", kommun: str = "Solvik",
    when: str = "2026-08-20 12:00:00 +02:00", name: str | None = None,
) -> dict[str, object]:
    return {
        "id": id_,
        "datetime": when,
        "name": name if name is not None else f"20 augusti 12.00, {type_}, {kommun}",
        "summary": summary,
        "url": f"/aktuellt/handelser/{id_}/",
        "type": type_,
        "location": {"name": "Västra Götalands län", "gps": "58.252793,13.059643"},
    }


def import_events(db: Database, events: list[dict[str, object]], kommun: str | None = "Solvik",
                  name: str = "handelser.json") -> FileReport:
    return import_file(db, feed(events), name, kommun=kommun)


def rows(db: Database, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql, params or []).fetchall()


# ---------------------------------------------------------------- the snapshot


def test_the_fixture_is_the_shared_real_snapshot_and_small() -> None:
    assert SAMPLE.stat().st_size < 300_000
    assert len(EVENTS) == 500 and len({e["id"] for e in EVENTS}) == 500
    if SHARED_SAMPLE.exists():
        assert SHARED_SAMPLE.read_bytes() == SAMPLE.read_bytes()


def test_every_type_in_the_snapshot_is_decided_and_the_defaults_agree() -> None:
    types = {str(e["type"]) for e in EVENTS}
    assert types <= set(EXPECTED_CATEGORY), sorted(types - set(EXPECTED_CATEGORY))
    for police_type, expected in EXPECTED_CATEGORY.items():
        category, include = type_map.default_rule(police_type)
        if expected == EXCLUDED:
            assert not include, police_type
        else:
            assert include, police_type
            assert (category or OTHER) == expected, police_type


def test_default_mapping_follows_the_issue_and_names_real_categories() -> None:
    known = {name for name, _, _ in defaults.CATEGORIES}
    for category, _ in type_map.DEFAULT_TYPE_MAP.values():
        assert category is None or category in known
    assert type_map.default_rule("Ofog barn/ungdom") == ("Ungdomar som samlas/stör", True)
    assert type_map.default_rule("misshandel grov") == ("Misshandel", True)  # spelling tolerant
    for summary in ("Sammanfattning natt", "Sammanfattning kväll", "Sammanfattning dag", "Sammanfattning vecka",
                    "Sammanfattning helg", "Sammanfattning dag och natt"):
        assert type_map.default_rule(summary) == (None, False), summary
    assert type_map.default_rule("Trafikolycka, smitning från") == (None, False)
    assert type_map.default_rule("Helt ny typ") == (None, True)  # unmapped: kept under Övrigt (polisen)


@pytest.mark.parametrize("kommun", TOP_TWO)
def test_real_snapshot_imports_the_municipalitys_events_per_type(database: Database, kommun: str) -> None:
    ours = [e for e in EVENTS if place_of(e) == kommun]
    kept = [e for e in ours if EXPECTED_CATEGORY[str(e["type"])] != EXCLUDED]
    county = sum(1 for e in EVENTS if place_of(e).endswith(" län"))
    other = len(EVENTS) - county - len(ours)

    report = import_file(database, SAMPLE.read_bytes(), SAMPLE.name, kommun=kommun.upper())  # case-insensitive

    assert report.status == "imported", report.error
    sheet = report.as_json()["sheets"][0]
    assert sheet["kind"] == "events" and sheet["sheet"] == "Polisens händelser"
    assert sheet["rows"] == 500
    assert (sheet["imported"], sheet["duplicates"], sheet["rejected"]) == (len(kept), 0, 0)
    assert sheet["skipped"] == {"annan kommun": other, "länsnivå": county, "utesluten typ": len(ours) - len(kept)}
    assert sheet["rows"] == sheet["imported"] + sheet["rejected"] + sum(sheet["skipped"].values())
    placement = sheet["placement"]
    assert placement["via stadsdelens namn"] + placement["via område/gata"] + placement["Okänd stadsdel"] == len(kept)

    by_id = {str(e["id"]): e for e in EVENTS}
    stored = rows(database, "SELECT external_id, category, source, district FROM events")
    assert Counter(by_id[i]["type"] for i, _, _, _ in stored) == Counter(e["type"] for e in kept)
    for external_id, category, source, district in stored:
        assert category == EXPECTED_CATEGORY[str(by_id[external_id]["type"])]
        assert source == "Polisen (öppna data)"
        assert district is not None
    # Every district and category the events use exists, so every total and filter counts them.
    assert not rows(database, "SELECT 1 FROM events WHERE district NOT IN (SELECT name FROM districts)")
    assert not rows(database, "SELECT 1 FROM events WHERE category NOT IN (SELECT name FROM categories)")


def test_the_figures_of_the_largest_municipality_in_the_snapshot(database: Database) -> None:
    """Pinned from the fixture, so the figures reported for it stay true."""
    assert municipality_counts().most_common(3) == [("Malmö", 19), ("Stockholm", 15), ("Umeå", 11)]
    assert Counter(str(e["type"]) for e in EVENTS if place_of(e) == "Malmö") == {
        "Misshandel": 4, "Trafikolycka": 4, "Brand": 2, "Stöld/inbrott": 2, "Explosion": 1, "Fylleri": 1,
        "Knivlagen": 1, "Kontroll": 1, "Rattfylleri": 1, "Våld/hot mot tjänsteman": 1, "Övrigt": 1,
    }
    report = import_file(database, SAMPLE.read_bytes(), SAMPLE.name, kommun="malmo")
    assert report.sheets[0].imported == 14
    assert report.sheets[0].skipped == {"annan kommun": 332, "länsnivå": 149, "utesluten typ": 5}
    assert dict(rows(database, "SELECT category, count(*) FROM events GROUP BY category")) == {
        "Misshandel": 4, "Anlagd brand": 2, "Inbrott": 2, "Berusade personer": 1, "Incident mot personal": 1,
        OTHER: 4,
    }
    assert rows(database, "SELECT category_group FROM categories WHERE name = ?", [OTHER]) == [("Övrigt",)]


def test_overlapping_snapshots_add_only_the_new_events(database: Database) -> None:
    kommun = TOP_TWO[0]

    def kept(events: list[dict[str, object]]) -> int:
        return sum(1 for e in events if place_of(e) == kommun and EXPECTED_CATEGORY[str(e["type"])] != EXCLUDED)

    first, second = EVENTS[:300], copy.deepcopy(EVENTS[200:])
    fresh = []
    for n, template in enumerate([e for e in EVENTS if place_of(e) == kommun and e["type"] == "Misshandel"][:2]):
        newer = copy.deepcopy(template)
        newer["id"] = 700_000 + n
        newer["summary"] = f"Ny händelse {n}."
        fresh.append(newer)
    second += fresh
    second[0]["summary"] = "Uppdaterad text för en redan känd händelse."  # same id: still the same event

    a = import_events(database, first, kommun)
    b = import_events(database, second, kommun, name="senare.json")
    again = import_events(database, second, kommun, name="senare-igen.json")

    assert a.sheets[0].imported == kept(first)
    assert b.sheets[0].imported == kept(EVENTS[300:]) + 2
    assert b.sheets[0].duplicates == kept(EVENTS[200:300])
    assert (again.status, again.sheets[0].imported, again.sheets[0].duplicates) == ("unchanged", 0, kept(second))
    total = rows(database, "SELECT count(*), count(DISTINCT external_id) FROM events")[0]
    assert total == (kept(EVENTS) + 2, kept(EVENTS) + 2)


# ---------------------------------------------------------------- the gazetteer


@pytest.fixture
def gazetteer_db(database: Database) -> Database:
    with database.write() as con:
        add_district(con, "Angered", neighbourhoods=["Hjällbo", "Hammarkullen", "Gårdstensvägen"])
        add_district(con, "Centrum", neighbourhoods=["Stora torget", "Kungsgatan"])
        add_district(con, "Norrby", municipality="Solviks kommun")
        add_district(con, "Haga", municipality="Grannstaden")  # another municipality's district
    return database


GAZETTEER_CASES = [
    ("Brand i en container i Hjällbo.", "Angered", "Hjällbo", "via område/gata"),
    ("Misshandel på STORA TORGET under natten.", "Centrum", "Stora torget", "via område/gata"),
    ("gardstensvagen, bil i brand", "Angered", "Gårdstensvägen", "via område/gata"),
    ("Skadegörelse i östra hamnen.", "Östra Hamnen", None, "via stadsdelens namn"),  # longest, not Hamnen
    ("Bråk i Norrby.", "Norrby", None, "via stadsdelens namn"),
    ("Inbrott i Hammarkullens förskola.", "Angered", "Hammarkullen", "via område/gata"),  # genitive
    ("Rån vid Kungsgatan, gärningspersonerna flydde mot Angered.", "Centrum", "Kungsgatan", "via område/gata"),
    ("Stöld på Norrbyvägen.", "Okänd stadsdel", None, "Okänd stadsdel"),  # whole words only
    ("Brand i Haga.", "Okänd stadsdel", None, "Okänd stadsdel"),  # Haga belongs to another municipality
    ("Larm om brand.", "Okänd stadsdel", None, "Okänd stadsdel"),
]


def test_gazetteer_places_hand_written_summaries(gazetteer_db: Database) -> None:
    events = [event(800 + i, summary) for i, (summary, _, _, _) in enumerate(GAZETTEER_CASES)]
    report = import_events(gazetteer_db, events)

    assert report.sheets[0].imported == len(GAZETTEER_CASES)
    stored = {r[0]: r[1:] for r in rows(gazetteer_db, "SELECT external_id, district, place FROM events")}
    for i, (summary, district, place, _) in enumerate(GAZETTEER_CASES):
        assert stored[str(800 + i)] == (district, place), summary
    how = Counter(h for _, _, _, h in GAZETTEER_CASES)
    assert report.sheets[0].placement == {
        "via stadsdelens namn": how["via stadsdelens namn"],
        "via område/gata": how["via område/gata"],
        "Okänd stadsdel": how["Okänd stadsdel"],
        "tvetydig": 1,  # Kungsgatan (Centrum) and Angered: the one named first wins
    }
    assert any("tvetydig" in note for note in report.sheets[0].notes)
    # "Okänd stadsdel" was made for these events and counts in every total.
    assert rows(gazetteer_db, "SELECT count(*) FROM events WHERE district = 'Okänd stadsdel'") == [(3,)]
    assert rows(gazetteer_db, "SELECT count(*) FROM districts WHERE name = 'Okänd stadsdel'") == [(1,)]
    assert rows(gazetteer_db, "SELECT count(*) FROM categories WHERE name = ?", [OTHER]) == [(0,)]


def test_nothing_is_created_when_every_event_is_placed_and_mapped(gazetteer_db: Database) -> None:
    report = import_events(gazetteer_db, [event(1, "Klotter i Hjällbo."), event(2, "Bråk i Centrum.", type_="Bråk")])
    assert report.sheets[0].imported == 2
    assert rows(gazetteer_db, "SELECT count(*) FROM districts WHERE name = 'Okänd stadsdel'") == [(0,)]
    assert rows(gazetteer_db, "SELECT count(*) FROM categories WHERE name = ?", [OTHER]) == [(0,)]


def test_gazetteer_unit_rules() -> None:
    g = gazetteer.Gazetteer([("Hamnen", []), ("Östra Hamnen", ["Kajen"]), ("Centrum", ["Hamngatan"])])
    assert g.place("Brand vid östra hamnen") == gazetteer.Placement("Östra Hamnen", "via stadsdelens namn")
    assert g.place("Bråk på Kajen och i Centrum") == gazetteer.Placement("Östra Hamnen", "via område/gata", "Kajen", True)
    assert g.place("Hamngatan") == gazetteer.Placement("Centrum", "via område/gata", "Hamngatan")
    assert g.place("", None).district is None


# ---------------------------------------------------------------- the type map


def test_an_administrators_mapping_overrides_the_defaults(database: Database) -> None:
    frame = type_map.type_map_frame(database)
    assert set(frame.columns) == {"Polisens typ", "Kategori", "Ta med"}
    assert type_map.save_type_map(database, frame, ADMIN) == 0  # the defaults as shown store nothing
    frame.loc[frame["Polisens typ"] == "Explosion", "Kategori"] = "Hot/våld"
    frame.loc[frame["Polisens typ"] == "Misshandel", "Ta med"] = False
    frame.loc[len(frame)] = ["Brand automatlarm", OTHER, False]
    assert type_map.save_type_map(database, frame, ADMIN) == 3

    events = [event(1, type_="Explosion"), event(2, type_="Misshandel"), event(3, type_="Brand automatlarm"),
              event(4, type_="Misshandel, grov"), event(5, type_="Något helt nytt")]
    report = import_events(database, events)

    assert report.sheets[0].skipped["utesluten typ"] == 2
    assert dict(rows(database, "SELECT external_id, category FROM events")) == {
        "1": "Hot/våld", "4": "Misshandel", "5": OTHER}
    assert any("Något helt nytt (1)" in note for note in report.sheets[0].notes)


def test_an_old_database_without_the_type_table_still_imports(database: Database) -> None:
    with database.write() as con:  # as a release of schema version 1 left a file before the table existed
        con.execute("DROP TABLE police_type_map")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert import_events(database, [event(1)]).sheets[0].imported == 1
    assert type_map.save_type_map(database, type_map.type_map_frame(database).head(0), ADMIN) == 0
    assert rows(database, "SELECT count(*) FROM police_type_map") == [(0,)]


# ---------------------------------------------------------------- time


def test_feed_times_convert_to_swedish_local_time_across_daylight_saving() -> None:
    local = parse.local_time
    assert local("2026-03-29 01:30:00 +01:00") == dt.datetime(2026, 3, 29, 1, 30)
    assert local("2026-03-29 03:30:00 +02:00") == dt.datetime(2026, 3, 29, 3, 30)
    assert local("2026-10-25 02:30:00 +02:00") == dt.datetime(2026, 10, 25, 2, 30)
    assert local("2026-10-25 02:30:00 +01:00") == dt.datetime(2026, 10, 25, 2, 30)
    assert local("2026-03-29 00:30:00 +00:00") == dt.datetime(2026, 3, 29, 1, 30)
    assert local("2026-03-29 01:30:00 +00:00") == dt.datetime(2026, 3, 29, 3, 30)
    assert local("2026-01-15 12:00:00 +00:00") == dt.datetime(2026, 1, 15, 13, 0)
    assert local("2026-08-22 9:48:12 +02:00") == dt.datetime(2026, 8, 22, 9, 48, 12)  # unpadded hour
    # The two 02:30 of the autumn night are one hour apart in real time.
    a, b = (parse.parse_feed_datetime(t) for t in ("2026-10-25 02:30:00 +02:00", "2026-10-25 02:30:00 +01:00"))
    assert b - a == dt.timedelta(hours=1)
    for bad in ("igår", "2026-02-30 10:00:00 +01:00", None, "2026-08-22"):
        with pytest.raises(ValueError):
            parse.parse_feed_datetime(bad)


def test_import_keeps_local_time_across_daylight_saving(database: Database) -> None:
    report = import_file(database, (FIXTURES / "sommartid-vintertid.json").read_bytes(), "dst.json", kommun="Solvik")

    assert report.status == "imported", report.error
    stored = dict(rows(database, "SELECT external_id, occurred_at FROM events"))
    assert stored == {
        "900001": dt.datetime(2026, 3, 29, 1, 30),
        "900002": dt.datetime(2026, 3, 29, 3, 30),
        "900003": dt.datetime(2026, 10, 25, 2, 30),
        "900004": dt.datetime(2026, 10, 25, 2, 30),  # the same wall-clock time, a distinct event
        "900005": dt.datetime(2026, 3, 29, 1, 30),
        "900006": dt.datetime(2026, 3, 29, 3, 30),
        # The headline's own time of the event, not the later publication time.
        "900007": dt.datetime(2026, 8, 21, 23, 51),
        "900008": dt.datetime(2026, 12, 31, 23, 50),
    }
    assert rows(database, "SELECT bool_and(time_known) FROM events") == [(True,)]


def test_the_headlines_time_and_place() -> None:
    published = dt.datetime(2026, 8, 22, 7, 14, 35)
    assert parse.time_from_name("21 augusti 23.51, Misshandel, grov, Kristianstad", published) == dt.datetime(
        2026, 8, 21, 23, 51)
    assert parse.time_from_name("22 augusti 07:10, Fylleri, Stockholms län", published) == dt.datetime(
        2026, 8, 22, 7, 10)
    assert parse.time_from_name("Brand, Solvik", published) is None
    assert parse.place_from_name("21 augusti 23.51, Misshandel, grov, Kristianstad", "Misshandel, grov") == (
        "Kristianstad")
    assert parse.place_from_name("22 augusti 14.05, Trafikkontroll, Västerbottens län", "Trafikkontroll") == (
        "Västerbottens län")
    # Independently of the importer: the snapshot's headlines end in the municipality or county.
    for e in EVENTS:
        assert parse.place_from_name(e["name"], e["type"]) == place_of(e)


# ---------------------------------------------------------------- malformed files and objects


def test_malformed_objects_of_the_municipality_are_rejected_with_swedish_messages(database: Database) -> None:
    no_id = event(None)
    del no_id["id"]
    events = [
        event(1),
        no_id,
        event(3, when="igår"),
        42,
        {**event(5), "type": ""},
        event(6, kommun="Grannstaden", when="igår"),  # not ours: skipped, not rejected
    ]
    report = import_file(database, feed(events), "trasig.json", kommun="Solvik")

    sheet = report.sheets[0]
    assert (sheet.rows, sheet.imported, sheet.rejected) == (6, 1, 4)
    assert sheet.skipped["annan kommun"] == 1
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "id"), (3, "datetime"), (4, None), (5, "type")]
    assert "id saknas" in sheet.errors[0].message
    assert "igår" in sheet.errors[1].message
    stored = rows(database, "SELECT row_number, column_name, reason FROM rejected_rows ORDER BY row_number")
    assert [r[0] for r in stored] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ((FIXTURES / "inte-en-lista.json").read_bytes(), "ingen lista med polisens händelser"),
        (b'[{"namn": "Anna", "telefon": "070"}]', "innehåller inte polisens händelser"),
        (b"[]", "tom lista"),
        (b'[{"id": 1, "datetime": ', "går inte att läsa"),
    ],
)
def test_json_that_is_no_police_feed_is_rejected(database: Database, content: bytes, expected: str) -> None:
    report = import_file(database, content, "fil.json", kommun="Solvik")
    assert report.status == "rejected"
    assert expected in (report.error or "")
    assert rows(database, "SELECT count(*) FROM uploads") == [(0,)]


def test_without_a_municipality_the_file_is_rejected_with_how_to_set_it(database: Database) -> None:
    report = import_events(database, [event(1)], kommun=None)
    assert report.status == "rejected"
    assert "--kommun" in (report.error or "") and "sidan Data" in (report.error or "")

    settings.set_police_kommun(database, "  Solvik ", ADMIN)
    assert settings.police_kommun(database) == "Solvik"
    with database.read() as con:
        assert get_meta(con, "kommun") == "Solvik"
    assert import_events(database, [event(1)], kommun=None).sheets[0].imported == 1
    # Given at import, the municipality overrides the setting for that import.
    overridden = import_events(database, [event(2, kommun="Grannstaden")], kommun="Grannstaden")
    assert overridden.sheets[0].imported == 1


def test_municipality_names_match_leniently() -> None:
    assert parse.same_municipality("Göteborg", "goteborg")
    assert parse.same_municipality("Göteborg", "Göteborgs stad")
    assert parse.same_municipality("Borås", "Borås stad")
    assert parse.same_municipality("Lilla edet", "Lilla Edet")
    assert not parse.same_municipality("Sala", "Salem")
    assert parse.is_county("Västra Götalands län") and not parse.is_county("Göteborg")


def test_a_location_that_names_the_municipality_is_used_as_it_is(database: Database) -> None:
    """The older form of the feed: location.name is the municipality, the county only for county events."""
    ours = {**event(1), "location": {"name": "Solvik", "gps": "57.7,11.9"}, "name": "20 augusti 12.00, Brand"}
    county = {**event(2, kommun="Västra Götalands län"), "location": {"name": "Västra Götalands län", "gps": "1,1"}}
    report = import_events(database, [ours, county])
    assert report.sheets[0].imported == 1
    assert report.sheets[0].skipped == {"annan kommun": 0, "länsnivå": 1, "utesluten typ": 0}


# ---------------------------------------------------------------- the command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trygghet", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
        timeout=120, env={**os.environ, "TRYGGHET_DB": ""},
    )


def test_cli_imports_the_snapshot_with_kommun_and_prints_the_contract(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.duckdb"
    init_database(Database(db_path))
    kommun = TOP_TWO[1]
    ours = [e for e in EVENTS if place_of(e) == kommun]
    county = sum(1 for e in EVENTS if place_of(e).endswith(" län"))

    result = run_cli("--db", str(db_path), "import", "--kommun", kommun, "--json", str(SAMPLE))

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["status"] == "imported" and report["error"] is None
    sheet = report["sheets"][0]
    assert sheet["kind"] == "events"
    assert {"sheet", "rows", "imported", "updated", "duplicates", "rejected", "errors", "skipped"} <= set(sheet)
    assert sheet["skipped"] == {
        "annan kommun": 500 - county - len(ours),
        "länsnivå": county,
        "utesluten typ": sum(1 for e in ours if EXPECTED_CATEGORY[str(e["type"])] == EXCLUDED),
    }
    readable = run_cli("--db", str(db_path), "import", "--kommun", kommun, str(SAMPLE))
    assert readable.returncode == 0
    assert "redan kända" in readable.stdout
    assert f"Hoppade över {sheet['skipped']['annan kommun']} händelser i andra kommuner" in readable.stdout


def test_cli_without_municipality_rejects_and_polisen_needs_an_ort(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.duckdb"
    init_database(Database(db_path))
    result = run_cli("--db", str(db_path), "import", "--json", str(SAMPLE))
    assert result.returncode == 1
    assert "--kommun" in json.loads(result.stdout)["error"]
    refused = run_cli("--db", str(db_path), "polisen")  # no --ort and no setting: refuses before any call
    assert refused.returncode == 2 and "--ort" in refused.stderr


def test_readable_report_lists_skipped_and_placement(database: Database) -> None:
    report = import_events(database, [event(1, "Klotter i Centrum."), event(2, type_="Trafikolycka")])
    text = format_report(report)
    assert "Hoppade över 0 händelser i andra kommuner, 0 på länsnivå och 1 av typer som inte tas med" in text
    assert "Stadsdel: 1 via stadsdelens namn, 0 via område/gata och 0 till \"Okänd stadsdel\"" in text


# ---------------------------------------------------------------- the live fetch (no network)


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FakeOpener:
    def __init__(self, body: bytes = b"[]", error: Exception | None = None) -> None:
        self.requests: list[urllib.request.Request] = []
        self.body, self.error = body, error

    def __call__(self, request: urllib.request.Request, timeout: float) -> io.BytesIO:
        self.requests.append(request)
        if self.error:
            raise self.error
        return io.BytesIO(self.body)


def test_fetch_names_the_app_and_waits_ten_seconds_between_calls(tmp_path: Path) -> None:
    clock, opener, state = FakeClock(), FakeOpener(b'[{"id": 1}]'), tmp_path / "polisen-api.json"

    assert fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=opener) == b'[{"id": 1}]'
    request = opener.requests[0]
    assert request.get_header("User-agent") == "Lagesbild/0.1 (kommunens trygghetsapp)"
    assert request.full_url == "https://polisen.se/api/events?locationname=G%C3%B6teborg"

    clock.now += 3
    fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=opener)
    assert clock.slept == [pytest.approx(7.0)]
    clock.now += 60
    fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=opener)
    assert len(clock.slept) == 1 and len(opener.requests) == 3


def test_fetch_refuses_the_61st_call_in_an_hour(tmp_path: Path) -> None:
    clock, opener, state = FakeClock(), FakeOpener(), tmp_path / "polisen-api.json"
    state.write_text(json.dumps({"calls": [clock.now - 3500 + 50 * i for i in range(60)]}))
    with pytest.raises(fetch.FetchError, match="60 anrop i timmen"):
        fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=opener)
    assert opener.requests == []
    clock.now += 101  # the two oldest calls are now more than an hour old
    fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=opener)
    assert len(opener.requests) == 1


def test_fetch_stops_for_good_on_404(tmp_path: Path) -> None:
    clock, state = FakeClock(), tmp_path / "polisen-api.json"
    gone = FakeOpener(error=urllib.error.HTTPError(fetch.FEED_URL, 404, "Not Found", None, None))  # type: ignore[arg-type]
    with pytest.raises(fetch.FetchError, match="404"):
        fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=gone)
    clock.now += 3600
    later = FakeOpener()
    with pytest.raises(fetch.FetchError, match="stoppad"):
        fetch.fetch("Göteborg", state_path=state, clock=clock, sleep=clock.sleep, opener=later)
    assert later.requests == []


def test_cli_polisen_saves_the_fetched_feed_and_imports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from trygghet import cli

    db_path = tmp_path / "cli.duckdb"
    init_database(Database(db_path))
    calls: list[tuple[str, Path]] = []

    def fake_fetch(ort: str, *, state_path: Path, **kwargs: object) -> bytes:
        calls.append((ort, state_path))
        return (FIXTURES / "sommartid-vintertid.json").read_bytes()

    monkeypatch.setattr(fetch, "fetch", fake_fetch)
    saved = tmp_path / "hamtat.json"
    assert cli.main(["--db", str(db_path), "polisen", "--ort", "Solvik", "--save", str(saved), "--json"]) == 0
    assert calls == [("Solvik", tmp_path / "polisen-api.json")]
    assert saved.read_bytes() == (FIXTURES / "sommartid-vintertid.json").read_bytes()
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "imported" and report["sheets"][0]["imported"] == 8


def _settings_block() -> None:
    from trygghet.ui import polisen_settings, shell
    polisen_settings.render_settings(shell.database())


def test_data_page_shows_the_police_settings(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert "Polisens händelser" in [s.value for s in at.header]
    assert [b.label for b in at.button if b.label.startswith("Spara")] == ["Spara kommun", "Spara typerna"]


def test_settings_block_saves_the_municipality(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    at = AppTest.from_function(_settings_block, default_timeout=60)
    at.session_state["login_actor"] = ADMIN  # as after log-in
    at.run()
    assert not at.exception
    next(t for t in at.text_input if t.label == "Kommun").input("Göteborg").run()
    next(b for b in at.button if b.label == "Spara kommun").click().run()
    assert not at.exception
    assert settings.police_kommun(database) == "Göteborg"
    assert any("Göteborg" in s.value for s in at.success)
    next(b for b in at.button if b.label == "Spara typerna").click().run()  # the defaults as they are
    assert not at.exception
    assert any("Typerna är sparade" in s.value for s in at.success)
    assert rows(database, "SELECT count(*) FROM police_type_map") == [(0,)]


def test_preview_of_a_feed_writes_nothing(database: Database, table_counts: Callable[[Database], dict[str, int]]) -> None:
    from trygghet.ingest import importer

    settings.set_police_kommun(database, "Solvik", ADMIN)
    before = table_counts(database)
    prepared = importer.prepare(database, feed([event(1, "Okänd plats."), event(2, type_="Explosion")]), "p.json")
    report = importer.apply(database, prepared, actor=ADMIN, dry_run=True)
    assert (report.status, report.sheets[0].imported) == ("preview", 2)
    assert table_counts(database) == before  # not even "Okänd stadsdel" or "Övrigt (polisen)"
    frame = importer.preview(prepared.parsed[0])
    assert frame["Stadsdel"].tolist() == ["Okänd stadsdel", "Okänd stadsdel"]
    assert frame["Kategori"].tolist() == ["Skadegörelse", OTHER]
