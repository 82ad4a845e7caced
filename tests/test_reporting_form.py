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
from trygghet.store import access
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
