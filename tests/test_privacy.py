"""The personal-data guard finds Swedish identity numbers, phone numbers and e-mail addresses."""

from __future__ import annotations

import random

import pytest

from trygghet.core.privacy import describe, identity_kind, scrub, scrub_json, suspects

# Valid test numbers (Skatteverket's published test series pass Luhn): 811218-9876 and 19121212-1212.
VALID_PNR = ["811218-9876", "8112189876", "19811218-9876", "198112189876", "121212+1212", "811218 9876",
             # What Word and Excel's autocorrect make of the dash, and other ways people write it.
             "811218–9876", "811218—9876", "811218 – 9876", "811218.9876", "(19)811218-9876",
             "811218‑9876", "811218−9876", "77 07 07-2224", "660606-5552", "19 81 12 18-9876",
             "８１１２１８-９８７６"]


@pytest.mark.parametrize("pnr", VALID_PNR)
def test_personnummer_in_all_usual_spellings_is_removed(pnr: str) -> None:
    text, found = scrub(f"Ungdom ({pnr}) sågs vid torget")
    assert text == "Ungdom ([personnummer borttaget]) sågs vid torget"
    assert found.counts == {"personnummer": 1}


def test_samordningsnummer_has_day_plus_sixty() -> None:
    # 701063-2391: day 63 = the 3rd, Luhn-valid; the same with a wrong check digit is kept.
    assert identity_kind("", "701063", "-", "2391") == "samordningsnummer"
    assert identity_kind("", "701063", "-", "2392") is None
    assert identity_kind("", "701093", "-", "2391") is None  # day 93 - 60 = 33
    text, found = scrub("Anmälare 701063-2391 ringde")
    assert text == "Anmälare [samordningsnummer borttaget] ringde"
    assert found.counts == {"samordningsnummer": 1}


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "Ärende 2026-11-03 1234",  # a date and a number
        "Fakturanummer 201313-1234",  # month 13
        "Mellan 20 och 30 personer",
        "Adress Storgatan 12, 41234 Göteborg",
        "Händelse-ID BB-2026-0153 och INS-2026-01",
        "Koordinat 57.7901, 11.9962",
        "Den 03.11.2026 kl. 21.30",
        "Öppet 08.30-09.45 och 10.00–12.00",
        "Tider 08.30 09.45 10.15",
        "Tidpunkt 2026-11-03 21:30:00",
        "Antal 1 234 567 besökare",
        "Period 2026-T3, 64,5 procent av 1200 svar",
        "Kl 08.00–16.00 09.00–12.00",
        "Vi ses på platsen vid gatan",
        "Träffas at 8",
    ],
)
def test_numbers_that_are_not_identities_are_kept(text: str) -> None:
    assert scrub(text) == (text, scrub(text)[1])
    assert not scrub(text)[1]


@pytest.mark.parametrize(
    "phone",
    ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+46701234567", "08-123 456 78", "031-12 34 56", "0046 31 123456",
     "(08) 123 456 70", "070.123.45.60", "070–123 45 67", "070 — 123 45 67", "+46 (0)70-123 45 67", "+46-70-1234567",
     "0771-123 456", "08/123 456 78"],
)
def test_phone_numbers_are_removed(phone: str) -> None:
    text, found = scrub(f"Ring fastighetsskötaren på {phone} vid behov")
    assert text == "Ring fastighetsskötaren på [telefonnummer borttaget] vid behov"
    assert found.counts == {"telefonnummer": 1}


def test_email_addresses_are_removed() -> None:
    text, found = scrub("Kontakt: anna.andersson@example.se eller kalle+x@kommun.example.com.")
    assert text == "Kontakt: [e-post borttagen] eller [e-post borttagen]."
    assert found.counts == {"e-post": 2}


@pytest.mark.parametrize(
    "email", ["namn(at)domän.se", "namn (at) domän.se", "namn[at]domän.se", "namn [at] kommun.example.se",
              "namn at domän.se", "namn AT domän.se", "namn＠domän.se", "namn (at) domän (dot) se",
              "förnamn.efternamn@stadsdel.göteborg.se"],
)
def test_email_addresses_written_to_fool_harvesters_are_removed(email: str) -> None:
    text, found = scrub(f"Skicka till {email} i dag")
    assert text == "Skicka till [e-post borttagen] i dag"
    assert found.counts == {"e-post": 1}


def test_a_phone_number_running_into_a_date_is_cut_at_the_number() -> None:
    assert scrub("Ring 070-123 45 67 2026-11-03")[0] == "Ring [telefonnummer borttaget] 2026-11-03"


def test_json_of_audit_details_is_scrubbed_in_keys_values_and_lists() -> None:
    text = scrub_json({"fil": "811218-9876.xlsx", "blad": ["Ring 0701234567"], "811218-9876": 1})
    assert "9876" not in text and "0701234567" not in text
    assert text.count("[personnummer borttaget]") == 2


def test_several_kinds_in_one_text_and_the_summary() -> None:
    text, found = scrub("811218-9876 ringde från 070-1234567, mejl a@b.se")
    assert text == "[personnummer borttaget] ringde från [telefonnummer borttaget], mejl [e-post borttagen]"
    assert describe(found.counts) == "1 e-post, 1 personnummer och 1 telefonnummer"


def test_text_without_digits_or_at_sign_is_returned_untouched() -> None:
    text = "Klotter på fasaden vid skolan"
    assert scrub(text)[0] is text


# ---------------------------------------------------------------- on import


def test_the_column_prefilter_never_lets_a_text_with_personal_data_pass() -> None:
    """suspects() decides in Arrow which texts scrub must see; every text scrub would change must be
    among them, whatever digits it is written with (Arabic-Indic and full-width digits are Nd too)."""
    digits = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "０１２３４５６７８９"
    pieces = ["070-123 45 67", "+46 70 123 45 67", "0046701234567", "811218-9876", "19121212-1212",
              "ola@example.se", "a.b+c@kommun.se", " ", "-", "+", "Torget", "å", "7", "@", "\u00a0",
              "070.123.45.60", "(08) 123 456 70", "+46 (0)70-123 45 67", "811218\u20139876", "77 07 07-2224",
              "701063\u2014 2391", "namn(at)x.se", "a [at] b.se", "at", "(", ")", ".", "/", "\u2013", "\u2003",
              "BB-2026-0153", "2026-11-03", "08.30-09.45", "x", "_"]
    rng = random.Random(7)
    texts = ["", "inga siffror", "1234567", "12345678", "a@b", "0123456789", "BB-2026-000153", *pieces]
    for _ in range(6000):
        parts = [rng.choice(pieces) if rng.random() < 0.5 else "".join(rng.choice(digits) for _ in range(
            rng.randint(1, 12))) for _ in range(rng.randint(1, 4))]
        texts.append(rng.choice([" ", "", "-", "(", "\u00a0"]).join(parts))
    flagged = suspects(texts)
    missed = [t for t, f in zip(texts, flagged, strict=True) if not f and scrub(t)[1]]
    assert missed == []
    # And it does filter: few digits, or many in no shape scrub takes (an id, a date), are let through.
    assert flagged[:7] == [False, False, False, False, True, True, False]
    assert sum(flagged) < len(texts)


def test_personal_data_is_masked_on_import_and_reported_with_rows(upload, query, make_xlsx) -> None:
    rows = [["Datum", "Stadsdel", "Kategori", "Beskrivning", "Plats"],
            ["2026-11-03", "Norrby", "Klotter", "Tag på fasaden", "Torget"],
            ["2026-11-04", "Norrby", "Klotter", "Anmälare 811218-9876, ring 070-123 45 67", "Torget"],
            ["2026-11-05", "Hamnen", "Stöld", "Cykel stulen", "Hos anna@example.se"]]
    report = upload(make_xlsx({"Händelser": rows}), "pnr.xlsx")
    assert report.totals()["imported"] == 3
    notes = " ".join(report.sheets[0].notes)
    assert "Personuppgifter togs bort i Beskrivning: 1 personnummer och 1 telefonnummer (rad 3)" in notes
    assert "Personuppgifter togs bort i Plats: 1 e-post (rad 4)" in notes
    stored = " ".join(str(v) for row in query("SELECT description, place FROM events") for v in row)
    assert "811218" not in stored and "070" not in stored and "@" not in stored
    assert "[personnummer borttaget]" in stored


def test_rejected_rows_never_keep_personal_data(upload, query, make_xlsx) -> None:
    rows = [["Datum", "Stadsdel", "Kategori", "Beskrivning"],
            ["2026-11-03", "Atlantis", "Klotter", "Kontakt 19811218-9876"]]
    upload(make_xlsx({"Händelser": rows}), "fel.xlsx")
    (original,) = query("SELECT original_values FROM rejected_rows")[0]
    assert "9876" not in original and "[personnummer borttaget]" in original


def test_administrator_can_choose_to_reject_rows_with_personal_data(database, upload, query, make_xlsx) -> None:
    from trygghet.store import installation_settings as settings
    from trygghet.store.access import COMMAND_LINE

    settings.set_pii_policy(database, "reject", COMMAND_LINE)
    rows = [["Datum", "Stadsdel", "Kategori", "Beskrivning"],
            ["2026-11-03", "Norrby", "Klotter", "Ring 0701234567"],
            ["2026-11-04", "Norrby", "Klotter", "Inget känsligt"]]
    report = upload(make_xlsx({"Händelser": rows}), "strikt.xlsx")
    assert (report.totals()["imported"], report.totals()["rejected"]) == (1, 1)
    assert "personuppgifter (1 telefonnummer)" in report.sheets[0].errors[0].message
    assert query("SELECT description FROM events") == [("Inget känsligt",)]
