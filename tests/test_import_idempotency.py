"""Uploading again is safe: nothing is counted twice, interventions are updated with history, files are kept."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from trygghet.ingest.importer import apply, prepare
from trygghet.store.access import COMMAND_LINE as ADMIN

FIXTURES = Path(__file__).parent / "fixtures"
D = dt.datetime
TODAY = dt.date(2026, 11, 30)
DATA_TABLES = ("events", "interventions", "intervention_history", "districts", "categories", "priority_areas",
               "survey_results")


def data_counts(counts: dict[str, int]) -> dict[str, int]:
    return {t: counts[t] for t in DATA_TABLES}


# ---------------------------------------------------------------- the same file twice


def test_same_file_twice_second_upload_is_unchanged_and_adds_nothing(upload, query, database, table_counts) -> None:
    data = (FIXTURES / "messy.ods").read_bytes()
    first = upload(data, "messy.ods")
    after_first = table_counts(database)

    second = upload(data, "messy.ods")

    assert first.status == "imported"
    assert second.status == "unchanged"
    assert second.totals() == {"rows": 13, "imported": 0, "updated": 0, "duplicates": 10, "rejected": 3}
    assert {s.kind: s.duplicates for s in second.sheets} == {"districts": 1, "interventions": 3, "events": 6}
    after_second = table_counts(database)
    assert data_counts(after_second) == data_counts(after_first)
    assert after_second["uploads"] == after_first["uploads"] + 1
    assert query("SELECT id, status, imported, duplicates FROM uploads ORDER BY id") == [
        (1, "imported", 10, 0),
        (2, "unchanged", 0, 10),
    ]


@pytest.mark.parametrize(
    "again", ["messy.ods", "messy.xls", "messy_lo.xlsx", "semicolon_cp1252.csv", "comma_utf8_bom.csv"]
)
def test_same_rows_saved_by_another_program_are_recognised_as_already_imported(
    upload, database, table_counts, again
) -> None:
    upload((FIXTURES / "messy_source.xlsx").read_bytes(), "messy_source.xlsx")
    before = table_counts(database)

    report = upload((FIXTURES / again).read_bytes(), again)

    assert report.status == "unchanged", report.totals()
    assert next(s for s in report.sheets if s.kind == "events").duplicates == 6
    assert data_counts(table_counts(database)) == data_counts(before)


# ---------------------------------------------------------------- events: by (source, Händelse-ID), else by content


def test_event_with_same_source_and_id_is_a_duplicate_even_when_other_fields_changed(
    make_xlsx, upload, query
) -> None:
    header = ["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Händelse-ID", "Beskrivning"]
    upload(make_xlsx({"Händelser": [
        header,
        [D(2026, 11, 3), dt.time(21, 30), "Norrby", "Klotter", "Bostadsbolaget", "BB-1", "Taggar"],
        [D(2026, 11, 3), dt.time(22, 0), "Hamnen", "Stöld", "Bostadsbolaget", 1001, "Cykel"],
    ]}))

    report = upload(make_xlsx({"Händelser": [
        header,
        ["2026-11-03", "21.45", "Norrby", "Skadegörelse", "BOSTADSBOLAGET", "BB-1", "Rättad beskrivning"],
        ["2026-11-03", "22:00", "Hamnen", "Stöld", "Bostadsbolaget", "1001", "Cykel"],  # id as text this time
        ["2026-11-03", "21:30", "Norrby", "Klotter", "Polisen", "BB-1", "Taggar"],  # same id, other source
    ]}))

    assert (report.sheets[0].imported, report.sheets[0].duplicates) == (1, 2)
    assert query("SELECT source, external_id, category, description FROM events ORDER BY id") == [
        ("Bostadsbolaget", "BB-1", "Klotter", "Taggar"),
        ("Bostadsbolaget", "1001", "Stöld", "Cykel"),
        ("Polisen", "BB-1", "Klotter", "Taggar"),
    ]


def test_events_without_id_are_deduplicated_by_content_whatever_the_formatting(make_xlsx, upload, query) -> None:
    upload(make_xlsx({"Händelser": [
        ["Datum", "Tid", "Stadsdel", "Kategori", "Plats", "Källa", "Beskrivning"],
        [D(2026, 11, 3), dt.time(21, 30), "Norrby", "Klotter", "Torget", "Polisen", "Taggar"],
        [D(2026, 11, 4), None, "Hamnen", "Stöld", None, "Polisen", "Cykel"],
    ]}))
    csv = (
        "Beskrivning;Källa;Plats;Kategori;Stadsdel;Tid;Datum\r\n"
        "Taggar;polisen;Torget;KLOTTER;norrby;2130;3/11/2026\r\n"  # same event, written differently
        "Cykel;Polisen;;stöld;HAMNEN;;4 nov 2026\r\n"  # same event
        "Taggar på nytt;Polisen;Torget;Klotter;Norrby;21:30;2026-11-03\r\n"  # another description: a new event
    )

    report = upload(csv.encode("cp1252"), "polisen.csv")

    assert (report.sheets[0].imported, report.sheets[0].duplicates) == (1, 2)
    assert query("SELECT occurred_at, district, category, description FROM events ORDER BY id") == [
        (D(2026, 11, 3, 21, 30), "Norrby", "Klotter", "Taggar"),
        (D(2026, 11, 4), "Hamnen", "Stöld", "Cykel"),
        (D(2026, 11, 3, 21, 30), "Norrby", "Klotter", "Taggar på nytt"),
    ]


def test_identical_rows_within_one_file_are_imported_once(make_xlsx, upload, query) -> None:
    row = ["2026-11-03", "21:30", "Norrby", "Klotter", "Torget"]
    report = upload(make_xlsx({"Händelser": [["Datum", "Tid", "Stadsdel", "Kategori", "Plats"], row, row, row]}))

    assert (report.sheets[0].rows, report.sheets[0].imported, report.sheets[0].duplicates) == (3, 1, 2)
    assert query("SELECT count(*) FROM events") == [(1,)]


def test_within_one_file_the_first_row_of_a_repeated_id_is_kept_and_ids_follow_the_rows(
    make_xlsx, upload, query
) -> None:
    header = ["Datum", "Tid", "Stadsdel", "Kategori", "Källa", "Händelse-ID", "Beskrivning"]
    rows = [
        ["2026-11-03", "21:30", "Norrby", "Klotter", "Skolan", "S-2", "Först"],
        ["2026-11-03", "21:00", "Hamnen", "Stöld", "Skolan", "S-1", "Ensam"],
        ["2026-11-04", "08:00", "Norrby", "Klotter", "Skolan", "S-2", "Sedan"],  # same id: a duplicate
        ["2026-11-05", "09:00", "Hamnen", "Stöld", None, None, "Utan id"],
        ["2026-11-02", "10:00", "Norrby", "Klotter", "Skolan", "S-2", "Sist"],  # same id again
    ]
    report = upload(make_xlsx({"Händelser": [header, *rows]}))

    assert (report.sheets[0].imported, report.sheets[0].duplicates) == (3, 2)
    first = query("SELECT min(id) FROM events")[0][0]
    assert query("SELECT id - ?, description FROM events ORDER BY id", [first]) == [
        (0, "Först"), (1, "Ensam"), (2, "Utan id")]


# ---------------------------------------------------------------- interventions: updated with field-by-field history


INS_HEADER = ["Insats-ID", "Insats", "Stadsdel", "Ansvarig aktör", "Status", "Slutdatum", "Kommentar"]


def test_reuploaded_interventions_update_changed_fields_and_write_history(make_xlsx, upload, query) -> None:
    upload(make_xlsx({"Insatser": [
        INS_HEADER,
        ["INS-1", "Extra belysning", "Norrby", "Kommun", "Pågående", "2026-12-31", "Armaturer beställda"],
        ["INS-2", "Trygghetsvandring", "Hamnen", "Polis", "Planerad", None, None],
    ]}))
    assert query("SELECT intervention_id, field, old_value, new_value FROM intervention_history "
                 "WHERE intervention_id = 'INS-2' ORDER BY field") == [
        ("INS-2", "district", None, "Hamnen"),
        ("INS-2", "owner", None, "Polis"),
        ("INS-2", "status", None, "Planerad"),
        ("INS-2", "title", None, "Trygghetsvandring"),
    ]

    report = upload(make_xlsx({"Insatser": [
        INS_HEADER,
        ["ins-1", "Extra belysning", "Norrby", "kommun", "Avslutad", "2026-11-20", "Klart, sex armaturer"],
        ["INS-2", "Trygghetsvandring", "Hamnen", "Polis", "Planerad", None, None],
        ["INS-3", "Fältare kvällstid", "Centrum", "Fritid/fältare", None, None, None],
    ]}), "insatser v47.xlsx")

    sheet = report.sheets[0]
    assert report.status == "imported"
    assert (sheet.imported, sheet.updated, sheet.duplicates) == (1, 1, 1)
    assert query("SELECT id, status, end_date, comment, upload_id FROM interventions ORDER BY id") == [
        ("INS-1", "Avslutad", dt.date(2026, 11, 20), "Klart, sex armaturer", 2),
        ("INS-2", "Planerad", None, None, 1),
        ("INS-3", "Pågående", None, None, 2),
    ]
    assert query(
        "SELECT field, old_value, new_value, origin FROM intervention_history "
        "WHERE intervention_id = 'INS-1' AND upload_id = 2 ORDER BY field"
    ) == [
        ("comment", "Armaturer beställda", "Klart, sex armaturer", "upload"),
        ("end_date", "2026-12-31", "2026-11-20", "upload"),
        ("status", "Pågående", "Avslutad", "upload"),
    ]
    assert query("SELECT count(*) FROM intervention_history WHERE intervention_id = 'INS-2' AND upload_id = 2") == [
        (0,)
    ]


def test_column_left_out_or_status_left_blank_in_a_later_upload_keeps_the_stored_value(
    make_xlsx, upload, query
) -> None:
    upload(make_xlsx({"Insatser": [
        INS_HEADER,
        ["INS-1", "Extra belysning", "Norrby", "Kommun", "Pågående", "2026-12-31", "Armaturer beställda"],
    ]}))

    report = upload(make_xlsx({"Insatser": [["Insats-ID", "Insats", "Status"], ["INS-1", "Extra belysning", None]]}))

    assert report.status == "unchanged"
    assert (report.sheets[0].updated, report.sheets[0].duplicates) == (0, 1)
    assert query("SELECT status, owner, end_date, comment FROM interventions") == [
        ("Pågående", "Kommun", dt.date(2026, 12, 31), "Armaturer beställda")
    ]


# ---------------------------------------------------------------- archive and preview


def test_uploaded_file_is_archived_by_sha256_under_the_database_folder(upload, query, database) -> None:
    data = (FIXTURES / "messy_lo.xlsx").read_bytes()
    digest = hashlib.sha256(data).hexdigest()

    report = upload(data, "Rapport vecka 45.xlsx")
    upload(data, "samma fil igen.xlsx")

    archived = database.path.parent / "uploads" / f"{digest}.xlsx"
    assert report.sha256 == digest
    assert archived.read_bytes() == data
    assert sorted(p.name for p in archived.parent.iterdir()) == [archived.name]
    assert query("SELECT file_name, sha256, archive_path FROM uploads ORDER BY id") == [
        ("Rapport vecka 45.xlsx", digest, str(archived)),
        ("samma fil igen.xlsx", digest, str(archived)),
    ]


def test_archived_csv_keeps_a_csv_suffix_whatever_its_name(upload, database) -> None:
    data = (FIXTURES / "semicolon_cp1252.csv").read_bytes()

    upload(data, "rapport.xlsx")

    archived = database.path.parent / "uploads" / f"{hashlib.sha256(data).hexdigest()}.csv"
    assert archived.read_bytes() == data


def test_preview_reports_counts_but_writes_and_archives_nothing(database, table_counts) -> None:
    data = (FIXTURES / "messy.xls").read_bytes()
    before = table_counts(database)

    report = apply(database, prepare(database, data, "messy.xls", today=TODAY), actor=ADMIN, dry_run=True)

    assert report.status == "preview"
    assert report.totals() == {"rows": 13, "imported": 10, "updated": 0, "duplicates": 0, "rejected": 3}
    assert table_counts(database) == before
    assert not (database.path.parent / "uploads").exists()
