"""The harm weights in the database's meta table: an administrator's write, checked and audited."""

from __future__ import annotations

import pytest

from trygghet.store import access, audit
from trygghet.store import installation_settings as settings
from trygghet.store.access import Actor
from trygghet.store.db import Database

ADMIN = Actor("admin", "administratör")


def test_unset_weights_are_off_and_empty(database: Database) -> None:
    assert settings.harm_weights(database) == (False, {})


def test_an_administrator_sets_them_and_the_audit_log_says_so(database: Database) -> None:
    settings.set_harm_weights(database, True, {"Rån": 200, "Klotter": 2.5}, ADMIN)
    assert settings.harm_weights(database) == (True, {"Klotter": 2.5, "Rån": 200.0})
    with database.read() as con:
        entries = audit.entries(con)
    assert (entries["Gäller"] == "skadevikter").sum() == 1


def test_only_an_administrator_may_change_them(database: Database) -> None:
    with pytest.raises(access.AccessDenied):
        settings.set_harm_weights(database, True, {"Rån": 1}, Actor("red", "redigerare", access.LOCAL))
    assert settings.harm_weights(database) == (False, {})


@pytest.mark.parametrize(("weights", "words"), [
    ({"Rån": -1}, "Vikten för Rån måste vara ett tal från 0 till 100 000"),
    ({"Rån": float("nan"), "Klotter": 1e9}, "Vikten för Klotter, Rån måste"),
    ({"Påhittad": 3}, "Okända kategorier: Påhittad"),
])
def test_bad_weights_are_refused_in_swedish_and_nothing_is_stored(
    database: Database, weights: dict[str, float], words: str,
) -> None:
    with pytest.raises(settings.SettingError) as caught:
        settings.set_harm_weights(database, True, weights, ADMIN)
    assert words in str(caught.value)
    assert settings.harm_weights(database) == (False, {})
