"""The Rapportera form's writes: who may report for whom, what a rapportör sees, the review
(granskning) with its audit trail, and the personal-data guard on what is stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from suite_days import TODAY

from trygghet.analysis import coverage
from trygghet.core.periods import IsoWeek
from trygghet.ingest import form_reports as fr
from trygghet.ingest.importer import FileReport
from trygghet.store import access, privacy_sweep
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database

WEEK = IsoWeek(2026, 48)
EDITOR = Actor("red", "redigerare")
ADMIN = Actor("admin", "administratör")


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "konton.toml"
    access.save_account("vakt", access.REPORTER, "vaktens långa lösenord", path, organisation="Väktarbolaget")
    access.save_account("las", "läsare", "läsarens långa lösenord", path)
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    return path


@pytest.fixture
def with_reporters(database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport]) -> Database:
    upload(make_xlsx({"Rapportörer": [["Rapportör"], ["Väktarbolaget"], ["Skolan"]]}), "r.xlsx")
    return database


def draft(**changes: object) -> fr.Draft:
    base = fr.Draft("Väktarbolaget", dt.datetime(2026, 11, 24, 22, 15), True, "norrby", "Klotter",
                    "Torget", "Klotter på busskuren")
    return fr.Draft(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_a_rapportor_reports_only_for_its_own_organisation_and_sees_only_its_reports(
    with_reporters: Database, accounts: Path, query: Callable[..., list[tuple[object, ...]]],
    table_counts: Callable,
) -> None:
    vakt = access.verify_login("vakt", "vaktens långa lösenord", accounts)
    assert vakt is not None and vakt.organisation == "Väktarbolaget" and vakt.role == access.REPORTER
    number, status = fr.submit_event(with_reporters, draft(reporter="väktarbolaget"), vakt)
    assert status == fr.APPROVED
    assert query("SELECT source, district, category, upload_id FROM events") == [
        ("Väktarbolaget", "Norrby", "Klotter", None)]
    fr.submit_nothing(with_reporters, "Väktarbolaget", WEEK.shift(-1), vakt)
    fr.submit_event(with_reporters, draft(reporter="Skolan"), EDITOR)  # a redigerare reports for anyone

    before = table_counts(with_reporters)
    reader = access.verify_login("las", "läsarens långa lösenord", accounts)
    for who, organisation, words in ((vakt, "Skolan", "räcker inte"), (reader, "Väktarbolaget", "räcker inte"),
                                     (access.NOBODY, "Väktarbolaget", "logga in")):
        with pytest.raises(AccessDenied, match=words):
            fr.submit_event(with_reporters, draft(reporter=organisation), who)
        with pytest.raises(AccessDenied, match=words):
            fr.submit_nothing(with_reporters, organisation, WEEK, who)
    assert table_counts(with_reporters) == before

    mine = fr.reports(with_reporters, vakt)
    assert sorted(mine["Rapportör"]) == ["Väktarbolaget", "Väktarbolaget"] and number in set(mine["Nr"])
    assert sorted(fr.reports(with_reporters, EDITOR)["Rapportör"]) == ["Skolan", "Väktarbolaget", "Väktarbolaget"]
    with with_reporters.read() as con:
        cov = coverage.coverage(con, WEEK, TODAY)
    assert (cov.cell("Väktarbolaget", WEEK).status, cov.cell("Väktarbolaget", WEEK).events) == ("reported", 1)
    assert cov.cell("Väktarbolaget", WEEK.shift(-1)).status == "nothing"


def test_a_removed_organisation_or_account_applies_at_once(with_reporters: Database, accounts: Path) -> None:
    vakt = access.verify_login("vakt", "vaktens långa lösenord", accounts)
    access.save_account("vakt", access.REPORTER, "vaktens långa lösenord", accounts, organisation="Skolan")
    with pytest.raises(AccessDenied, match="rapporterar för Skolan"):
        fr.submit_event(with_reporters, draft(), vakt)
    with pytest.raises(ValueError, match="organisation"):
        access.save_account("ingen", access.REPORTER, "ett långt lösenord", accounts)


def test_with_review_a_report_counts_only_once_a_redigerare_approves_it(
    with_reporters: Database, query: Callable[..., list[tuple[object, ...]]],
) -> None:
    with pytest.raises(AccessDenied):
        fr.set_review_required(with_reporters, True, EDITOR)
    fr.set_review_required(with_reporters, True, ADMIN)
    first, status = fr.submit_event(with_reporters, draft(description="Ring 070-123 45 67 om mer"), EDITOR)
    second, _ = fr.submit_event(with_reporters, draft(place="Skolgården"), EDITOR)
    nothing, _ = fr.submit_nothing(with_reporters, "Skolan", WEEK, EDITOR)
    assert status == fr.WAITING
    assert query("SELECT count(*) FROM events") == [(0,)]
    assert query("SELECT count(*) FROM nothing_reports") == [(0,)]
    assert query("SELECT description FROM form_reports WHERE id = ?", [first]) == [
        ("Ring [telefonnummer borttaget] om mer",)]
    with pytest.raises(AccessDenied):
        fr.approve(with_reporters, first, Actor("las", "läsare"))

    fr.approve(with_reporters, first, EDITOR, draft(category="Skadegörelse", description="Ring 070-123 45 67"))
    fr.reject(with_reporters, second, EDITOR, "Dubblett av rapport 1")
    fr.approve(with_reporters, nothing, EDITOR)
    with pytest.raises(fr.ReportError, match="redan godkänd"):
        fr.approve(with_reporters, first, EDITOR)

    assert query("SELECT category, description FROM events") == [("Skadegörelse", "Ring [telefonnummer borttaget]")]
    assert query("SELECT reporter, week FROM nothing_reports") == [("Skolan", "2026-W48")]
    assert query("SELECT status FROM form_reports ORDER BY id") == [("godkänd",), ("avvisad",), ("godkänd",)]
    assert [r[0] for r in query("SELECT action FROM audit_log WHERE action LIKE 'rapport%' ORDER BY id")] == [
        "rapport", "rapport", "rapport", "rapport ändrad och godkänd", "rapport avvisad", "rapport godkänd"]


def test_bad_input_gets_a_swedish_message_and_nothing_is_stored(
    with_reporters: Database, table_counts: Callable,
) -> None:
    before = table_counts(with_reporters)
    cases = {
        "stadsdel": draft(district="Atlantis"),
        "kategori": draft(category="Okänd"),
        "framtiden": draft(occurred_at=dt.datetime(2027, 1, 1, 12)),
        "båda": draft(lat=57.7),
        "utanför Sverige": draft(lat=48.8, lon=2.3),
        "organisation": draft(reporter="  "),
    }
    for words, bad in cases.items():
        with pytest.raises(fr.ReportError, match=words):
            fr.submit_event(with_reporters, bad, EDITOR)
    with pytest.raises(fr.ReportError, match="inte börjat"):
        fr.submit_nothing(with_reporters, "Skolan", IsoWeek(2027, 5), EDITOR)
    assert table_counts(with_reporters) == before


def test_openid_claims_map_a_rapportor_to_its_organisation() -> None:
    mapping = {"Väktarbolaget": ["grupp:Väktare", "@vakt.se"], "Skolan": ["rektor@solvik.se"]}
    assert access.reporter_from_claims({"email": "Bo@Vakt.se"}, mapping) == "Väktarbolaget"
    assert access.reporter_from_claims({"email": "x@y.se", "groups": ["väktare"]}, mapping) == "Väktarbolaget"
    assert access.reporter_from_claims({"email": "rektor@solvik.se"}, mapping) == "Skolan"
    assert access.reporter_from_claims({"email": "annan@solvik.se"}, mapping) is None


def test_an_organisation_spelt_another_way_on_the_account_is_one_organisation_everywhere(
    database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, query: Callable[..., list[tuple[object, ...]]],
) -> None:
    upload(make_xlsx({"Rapportörer": [["Rapportör"], ["Fritid/fältare"], ["Väktarbolaget"]]}), "r.xlsx")
    path = tmp_path / "konton.toml"
    access.save_account("falt", access.REPORTER, "fältarens långa lösenord", path, organisation="Fritid / fältare")
    access.save_account("vakt", access.REPORTER, "vaktens långa lösenord", path, organisation="Vaktarbolaget")
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    falt = access.verify_login("falt", "fältarens långa lösenord", path)
    vakt = access.verify_login("vakt", "vaktens långa lösenord", path)
    assert falt is not None and vakt is not None

    fr.submit_event(database, draft(reporter=falt.organisation, place="Fritidsgården"), falt)
    fr.submit_nothing(database, "fritid/FÄLTARE", WEEK.shift(-1), falt)
    fr.submit_event(database, draft(reporter=vakt.organisation), vakt)
    fr.submit_event(database, draft(reporter="VÄKTARBOLAGET", place="Hamnplan"), EDITOR)
    with pytest.raises(AccessDenied, match="rapporterar för Vaktarbolaget"):
        fr.submit_event(database, draft(reporter="Fritid/fältare"), vakt)

    # Stored under the list's spelling, so that coverage and every filter see one organisation.
    assert query("SELECT DISTINCT reporter FROM form_reports ORDER BY 1") == [("Fritid/fältare",), ("Väktarbolaget",)]
    assert query("SELECT reporter, week FROM nothing_reports") == [("Fritid/fältare", "2026-W47")]
    assert sorted(fr.reports(database, falt)["Kategori"]) == ["Inget att rapportera", "Klotter"]
    assert set(fr.reports(database, falt)["Rapportör"]) == {"Fritid/fältare"}
    assert sorted(fr.reports(database, vakt)["Plats"]) == ["Hamnplan", "Torget"]
    with database.read() as con:
        assert fr.known_places(con, falt) == ["Fritidsgården"]
        assert fr.known_places(con, vakt) == ["Hamnplan", "Torget"]
        cov = coverage.coverage(con, WEEK, TODAY)
    assert cov.cell("Fritid/fältare", WEEK) == coverage.Cell("reported", 1)
    assert cov.cell("Fritid/fältare", WEEK.shift(-1)).status == "nothing"
    assert cov.cell("Väktarbolaget", WEEK) == coverage.Cell("reported", 2)


def test_a_rapportor_is_offered_only_its_own_organisations_places(
    with_reporters: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
) -> None:
    upload(make_xlsx({"Händelser": [
        ["Datum", "Stadsdel", "Plats", "Kategori", "Källa"],
        [dt.date(2026, 11, 20), "Norrby", "Storgatan 5", "Stöld", "Polisen"],
        [dt.date(2026, 11, 21), "Norrby", "Skolgården", "Klotter", "Skolan"],
        [dt.date(2026, 11, 22), "Norrby", "Torget", "Klotter", "väktarbolaget"],
        [dt.date(2026, 11, 23), "Hamnen", "Kajen", "Klotter", "Väktarbolaget"],
    ]}), "h.xlsx")
    vakt = Actor("vakt", access.REPORTER, organisation="Väktarbolaget")
    with with_reporters.read() as con:
        assert fr.known_places(con, vakt) == ["Kajen", "Torget"]
        assert fr.known_places(con, vakt, "Norrby") == ["Torget"]
        assert fr.known_places(con, Actor("ny", access.REPORTER, organisation="Bostadsbolaget")) == []
        assert sorted(fr.known_places(con, EDITOR)) == ["Kajen", "Skolgården", "Storgatan 5", "Torget"]
        with pytest.raises(AccessDenied, match="logga in"):
            fr.known_places(con, access.NOBODY)


def test_a_rapportor_dates_reports_only_within_the_last_eight_weeks(
    with_reporters: Database, table_counts: Callable,
) -> None:
    vakt = Actor("vakt", access.REPORTER, organisation="Väktarbolaget")
    # Today is Monday 30 November (week 49): eight weeks back is Monday 5 October (week 41).
    assert fr.earliest_day(vakt, TODAY) == dt.date(2026, 10, 5) and fr.earliest_day(EDITOR, TODAY) is None
    before = table_counts(with_reporters)
    with pytest.raises(fr.ReportError, match="senaste 8 veckorna, från och med 2026-10-05"):
        fr.submit_event(with_reporters, draft(occurred_at=dt.datetime(2026, 10, 4, 23, 59)), vakt)
    with pytest.raises(fr.ReportError, match="2026-09-28 ligger före det"):
        fr.submit_nothing(with_reporters, "Väktarbolaget", IsoWeek(2026, 40), vakt)
    assert table_counts(with_reporters) == before
    fr.submit_event(with_reporters, draft(occurred_at=dt.datetime(2026, 10, 5, 0, 0)), vakt)
    fr.submit_nothing(with_reporters, "Väktarbolaget", IsoWeek(2026, 41), vakt)
    # A redigerare may add to any period.
    fr.submit_event(with_reporters, draft(occurred_at=dt.datetime(2025, 3, 4, 12)), EDITOR)
    fr.submit_nothing(with_reporters, "Väktarbolaget", IsoWeek(2026, 40), EDITOR)


def test_the_account_that_reported_is_kept_as_the_audit_log_keeps_it(
    with_reporters: Database, query: Callable[..., list[tuple[object, ...]]],
) -> None:
    # With OpenID Connect an account is an e-mail address: it names who acted, as in the audit log.
    vakt = Actor("anna.berg@vakt.example.se", access.REPORTER, access.OIDC, organisation="Väktarbolaget")
    editor = Actor("bo.ek@kommun.example.se", "redigerare", access.OIDC)
    fr.set_review_required(with_reporters, True, ADMIN)
    first, _ = fr.submit_event(with_reporters, draft(description="Ring 070-123 45 67"), vakt)
    nothing, _ = fr.submit_nothing(with_reporters, "Väktarbolaget", WEEK.shift(-1), vakt)
    fr.approve(with_reporters, first, editor)
    fr.approve(with_reporters, nothing, editor)
    stored = [("anna.berg@vakt.example.se", "bo.ek@kommun.example.se")] * 2
    where = "FROM form_reports ORDER BY id"
    assert query(f"SELECT submitted_by, reviewed_by {where}") == stored
    assert query("SELECT recorded_by FROM nothing_reports") == [("bo.ek@kommun.example.se",)]
    assert {r[0] for r in query("SELECT actor FROM audit_log WHERE action LIKE 'rapport%'")} == {
        "anna.berg@vakt.example.se", "bo.ek@kommun.example.se"}

    # The sweep of stored data for personal data leaves the accounts as they are, and still cleans the rest.
    with with_reporters.write() as con:
        con.execute("UPDATE form_reports SET review_note = 'Ring 070-765 43 21' WHERE id = ?", [first])
        privacy_sweep.sweep(con)
    assert query(f"SELECT submitted_by, reviewed_by {where}") == stored
    assert query("SELECT recorded_by FROM nothing_reports") == [("bo.ek@kommun.example.se",)]
    assert query("SELECT review_note FROM form_reports WHERE id = ?", [first]) == [("Ring [telefonnummer borttaget]",)]
