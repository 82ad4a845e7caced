"""The stored reference lists, each read by one named function, in the order the app shows them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from suite_days import TODAY

from trygghet.analysis import queries
from trygghet.core import initial_lists as defaults
from trygghet.ingest.excel_template import lists_from_database
from trygghet.ingest.importer import FileReport, load_vocabularies
from trygghet.store import reference_lists as lists
from trygghet.store.db import Database

DISTRICTS = ["Norrby", "Hamnen", "Angered", "Centrum", "Östra Hamnen"]  # tests/conftest.py, in their order


def test_a_new_database_has_its_districts_in_order_and_the_default_lists(database: Database) -> None:
    with database.read() as con:
        assert lists.districts(con) == DISTRICTS
        assert lists.categories(con) == [name for name, _group, _description in defaults.CATEGORIES]
        assert lists.organisations(con) == sorted(defaults.ORGANISATIONS)
        assert lists.priority_areas(con) == []
        assert lists.sources(con) == []
        colors = lists.district_colors(con)
    assert list(colors) == DISTRICTS
    assert len(set(colors.values())) == len(DISTRICTS)  # each district keeps a colour of its own


def test_the_lists_follow_the_administrators_order_and_the_data(
    database: Database, upload: Callable[..., FileReport], make_xlsx: Callable[..., bytes],
) -> None:
    day = TODAY - dt.timedelta(days=3)
    report = upload(make_xlsx({
        "Prioriterade områden": [["Område", "Indikatorer"], ["Trygg hamn", "Klotter"], ["Attraktivt torg", ""]],
        "Händelser": [["Datum", "Stadsdel", "Kategori", "Plats", "Källa"],
                      [day, "Norrby", "Klotter", "Torget", "Polisen"],
                      [day, "Hamnen", "Klotter", "Kajen", "Bostadsbolaget"],
                      [day, "Hamnen", "Stöld", "Kajen", "Polisen"]],
    }))
    assert report.status == "imported", report
    with database.write() as con:
        # The administrator puts Centrum first; names break ties in sort order.
        con.execute("UPDATE districts SET sort_order = -1 WHERE name = 'Centrum'")
        con.execute("UPDATE categories SET sort_order = 0 WHERE name IN ('Stöld', 'Klotter')")
    with database.read() as con:
        assert lists.districts(con) == ["Centrum", "Norrby", "Hamnen", "Angered", "Östra Hamnen"]
        assert lists.categories(con)[:3] == ["Klotter", "Skadegörelse", "Stöld"]
        assert lists.priority_areas(con) == ["Attraktivt torg", "Trygg hamn"]
        assert lists.sources(con) == ["Bostadsbolaget", "Polisen"]
        assert next(iter(lists.district_colors(con))) == "Centrum"
        # The dashboards' cached entry points give the same lists.
        assert queries.reference_lists(con) == {
            "districts": lists.districts(con), "categories": lists.categories(con), "sources": lists.sources(con)}


def test_the_importer_and_the_template_read_the_same_lists(database: Database) -> None:
    with database.read() as con:
        expected = (lists.districts(con), lists.categories(con), lists.organisations(con))
    template = lists_from_database(database)
    assert (template.districts, template.categories, template.organisations) == expected
    vocabularies = load_vocabularies(database)
    assert vocabularies.districts.match("östra hamnen") == "Östra Hamnen"


def test_a_database_without_a_list_table_keeps_the_templates_default(database: Database) -> None:
    with database.write() as con:
        con.execute("DROP TABLE organisations")
    assert lists_from_database(database).organisations == list(defaults.ORGANISATIONS)
