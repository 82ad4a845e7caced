"""Rapportering from Excel: the Rapportörer sheet, a Källa that counts toward coverage, and
"Inget att rapportera" rows that are the reporter's week and never events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from suite_days import TODAY

from trygghet.analysis import coverage
from trygghet.core.periods import IsoWeek
from trygghet.ingest import undo
from trygghet.ingest.importer import FileReport
from trygghet.store import access
from trygghet.store.db import Database

WEEK = IsoWeek(2026, 48)  # 23–29 November 2026, the last complete week on TODAY (30 November)
REPORTERS = [["Rapportör", "Intervall"], ["Väktarbolaget", "vecka"], ["Skolan", ""], ["Bostadsbolaget", "Månad"],
             ["Fritid", None]]


def week_status(database: Database) -> dict[str, tuple[str, int]]:
    with database.read() as con:
        cov = coverage.coverage(con, WEEK, TODAY)
    return {name: (cov.cell(name, WEEK).status, cov.cell(name, WEEK).events) for name, _ in cov.reporters}


def test_an_excel_uploads_kalla_counts_toward_coverage_and_nothing_to_report_is_no_event(
    database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
    query: Callable[..., list[tuple[object, ...]]],
) -> None:
    assert upload(make_xlsx({"Rapportörer": REPORTERS}), "rapportorer.xlsx").status == "imported"
    assert query("SELECT name, report_interval, active FROM reporters ORDER BY sort_order") == [
        ("Väktarbolaget", "vecka", True), ("Skolan", "vecka", True), ("Bostadsbolaget", "månad", True),
        ("Fritid", "vecka", True)]
    events = [
        ["Datum", "Stadsdel", "Kategori", "Källa"],
        # Källa written another way than the list: matched as districts are.
        [dt.date(2026, 11, 24), "Norrby", "Klotter", "VÄKTARBOLAGET "],
        [dt.date(2026, 11, 26), "Hamnen", "Skadegörelse", "Vaktarbolaget"],
        # No district needed: only the date and the reporter count on this row.
        [dt.date(2026, 11, 25), None, "inget att  rapportera", "Skolan"],
        [dt.date(2026, 11, 25), "Norrby", "Inget att rapportera", None],
    ]
    report = upload(make_xlsx({"Händelser": events}), "v48.xlsx")

    sheet = report.sheets[0]
    assert (sheet.imported, sheet.rejected) == (3, 1)  # two events and Skolan's week; one row without Källa
    assert "inte vem" in sheet.errors[0].message and sheet.errors[0].row == 5
    assert any("Inget att rapportera" in note and "Skolan v. 48 2026" in note for note in sheet.notes)
    assert query("SELECT count(*) FROM events") == [(2,)]
    assert query("SELECT count(*) FROM events WHERE category ILIKE '%rapportera%'") == [(0,)]
    assert query("SELECT reporter, week, day FROM nothing_reports") == [("Skolan", "2026-W48", dt.date(2026, 11, 25))]
    assert week_status(database) == {
        "Väktarbolaget": ("reported", 2), "Skolan": ("nothing", 0),
        "Bostadsbolaget": ("not_due", 0),  # a monthly reporter: November ends in week 49
        "Fritid": ("missing", 0)}

    # The same file again brings nothing new, and undoing the upload takes Skolan's week back.
    again = upload(make_xlsx({"Händelser": events}), "v48-igen.xlsx")
    assert again.status == "unchanged"
    undo.undo_upload(database, report.upload_id, access.COMMAND_LINE)
    assert query("SELECT count(*) FROM nothing_reports") == [(0,)]
    assert week_status(database)["Skolan"] == ("missing", 0)


def test_the_reporters_sheet_updates_known_reporters_and_needs_an_administrator(
    database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
    query: Callable[..., list[tuple[object, ...]]],
) -> None:
    upload(make_xlsx({"Rapportörer": REPORTERS}), "r.xlsx")
    report = upload(make_xlsx({"Rapportörer": [["Organisation", "Intervall", "Aktiv"], ["skolan", "månadsvis", "Ja"],
                                               ["Fritid", "vecka", "Nej"], ["Polisen", "varannan", None]]}), "r2.xlsx")
    sheet = report.sheets[0]
    assert (sheet.imported, sheet.updated, sheet.rejected) == (0, 2, 1)
    assert "Okänt intervall 'varannan'" in sheet.errors[0].message
    assert query("SELECT name, report_interval, active FROM reporters ORDER BY sort_order") == [
        ("Väktarbolaget", "vecka", True), ("Skolan", "månad", True), ("Bostadsbolaget", "månad", True),
        ("Fritid", "vecka", False)]
    editor = access.Actor("red", "redigerare")
    with pytest.raises(access.AccessDenied, match="administratör"):
        upload(make_xlsx({"Rapportörer": [["Rapportör"], ["Räddningstjänsten"]]}), "r3.xlsx", actor=editor)
    assert query("SELECT count(*) FROM reporters") == [(4,)]
