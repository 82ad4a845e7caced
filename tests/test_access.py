"""Access as it is now: the accounts file re-read at every write, the projector's display mode that
sticks, pages that render nothing outside app.py's gate, and the growing waits after failed log-ins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.ingest.importer import import_file
from trygghet.store import access, login_throttle
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, data_version
from trygghet.store.login_throttle import LoginThrottle, Policy
from trygghet.ui import login

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PASSWORD = "ett långt lösenord"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def events_xlsx(make_xlsx: Callable[..., bytes], prefix: str = "A") -> bytes:
    return make_xlsx({"Händelser": [["Datum", "Stadsdel", "Kategori", "Händelse-ID", "Källa"],
                                    ["2026-03-02", "Norrby", "Klotter", f"{prefix}-1", "Polisen"]]})


@pytest.fixture(autouse=True)
def app_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's old-multipage flag before every run, so a run that asks for a page
    would first execute the page file alone and page_guard would restart it through app.py, dropping
    a click on the way. A real server clears the flag once, on the first run; do the same."""
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database) -> Path:
    path = tmp_path / "konton.toml"
    access.save_account("red", "redigerare", PASSWORD, path)
    access.save_account("las", "läsare", PASSWORD, path)
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    return path


# ---------------------------------------------------------------- the account as it is now


def test_a_removed_account_cannot_write_though_its_session_logged_in(
    accounts: Path, database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    editor = access.verify_login("red", PASSWORD)
    assert editor is not None
    assert import_file(database, events_xlsx(make_xlsx, "A"), "a.xlsx", actor=editor).status == "imported"
    access.remove_account("red", accounts)
    with pytest.raises(AccessDenied, match="gäller inte längre"):
        import_file(database, events_xlsx(make_xlsx, "B"), "b.xlsx", actor=editor)
    with database.read() as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_a_changed_role_counts_at_the_next_write(accounts: Path, database: Database,
                                                 make_xlsx: Callable[..., bytes]) -> None:
    editor = access.verify_login("red", PASSWORD)
    reader = access.verify_login("las", PASSWORD)
    assert editor is not None and reader is not None
    access.save_account("red", "läsare", PASSWORD, accounts)
    access.save_account("las", "redigerare", PASSWORD, accounts)
    with pytest.raises(AccessDenied, match="räcker inte"):
        import_file(database, events_xlsx(make_xlsx), "a.xlsx", actor=editor)
    assert import_file(database, events_xlsx(make_xlsx), "a.xlsx", actor=reader).status == "imported"


def test_the_open_demo_ends_when_accounts_are_created_or_another_log_in_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "konton.toml"
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    monkeypatch.setattr(access, "_login_checks", {})
    access.require(access.OPEN_DEMO, access.SETTINGS, "ändra inställningar")
    access.register_login_check("oidc", lambda: True)
    with pytest.raises(AccessDenied, match="kräver nu inloggning"):
        access.require(access.OPEN_DEMO, access.SETTINGS, "ändra inställningar")
    monkeypatch.setattr(access, "_login_checks", {})
    access.save_account("ny", "läsare", PASSWORD, path)
    with pytest.raises(AccessDenied, match="kräver nu inloggning"):
        access.require(access.OPEN_DEMO, access.SETTINGS, "ändra inställningar")
    path.write_text("[anvandare.ny\nroll = ", encoding="utf-8")  # unreadable: nobody gets in
    with pytest.raises(AccessDenied, match="kräver nu inloggning"):
        access.require(access.OPEN_DEMO, access.SETTINGS, "ändra inställningar")
    with pytest.raises(AccessDenied, match="gäller inte längre"):
        access.require(Actor("ny", "läsare", access.LOCAL), access.RUN_MEETINGS, "skapa ett möte")


def test_removing_the_last_account_opens_nothing(accounts: Path, database: Database) -> None:
    editor = access.verify_login("red", PASSWORD)
    assert editor is not None
    access.remove_account("red", accounts)
    access.remove_account("las", accounts)
    assert access.accounts_now() == {}
    for who, words in ((editor, "gäller inte längre"), (access.OPEN_DEMO, "kräver nu inloggning")):
        with pytest.raises(AccessDenied, match=words):
            access.require(who, access.UPLOAD, "ladda upp filer")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert not any("Ingen inloggning är konfigurerad" in w.value for w in at.warning)


def test_the_accounts_file_is_parsed_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "konton.toml"
    access.save_account("ett", "läsare", PASSWORD, path)
    parsed: list[Path] = []
    real = access.load_accounts

    def counting(target: Path | None = None) -> dict[str, dict[str, str]]:
        parsed.append(target or path)
        return real(target)

    monkeypatch.setattr(access, "load_accounts", counting)
    for _ in range(50):
        assert set(access.accounts_now(path)) == {"ett"}
    assert len(parsed) == 1
    real_save = access.save_account
    monkeypatch.setattr(access, "load_accounts", real)
    real_save("två", "redigerare", PASSWORD, path)
    monkeypatch.setattr(access, "load_accounts", counting)
    assert access.accounts_now(path)["två"]["role"] == "redigerare"
    assert len(parsed) == 2


# ---------------------------------------------------------------- log-in waits


def test_failures_make_the_next_try_wait_longer_and_longer_up_to_a_cap() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(Policy(free_per_name=3, free_overall=1000, cap_per_name=60), clock)
    waits = []
    for _ in range(12):
        assert throttle.wait_seconds("anna") == 0
        throttle.failed("anna")
        waits.append(throttle.wait_seconds("anna"))
        clock.now += waits[-1]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]
    clock.now += 59
    throttle.failed("anna")
    assert throttle.wait_seconds("Anna ") == 60  # the same name, however typed
    assert throttle.wait_seconds("bo") == 0  # another name is not held up by anna's guesses
    throttle.succeeded("anna")
    assert throttle.wait_seconds("anna") == 0


def test_guesses_spread_over_many_names_make_everyone_wait() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(Policy(free_per_name=3, free_overall=5, cap_overall=30), clock)
    for i in range(5):
        throttle.failed(f"namn{i}")
    assert throttle.wait_seconds("någon-annan") == 0
    throttle.failed("namn5")
    assert throttle.wait_seconds("någon-annan") == 1
    for i in range(6, 20):
        throttle.failed(f"namn{i}")
    assert throttle.wait_seconds("någon-annan") == 30
    throttle.succeeded("namn19")  # one right password does not lift the wait for the others
    assert throttle.wait_seconds("någon-annan") == 30
    clock.now += 31
    assert throttle.wait_seconds("någon-annan") == 0


def test_failures_are_forgotten_after_an_hour_and_the_names_kept_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock()
    throttle = LoginThrottle(Policy(free_per_name=1, free_overall=10**6), clock)
    throttle.failed("anna")
    throttle.failed("anna")
    assert throttle.wait_seconds("anna") == 1
    clock.now += 3601
    throttle.failed("anna")
    assert throttle.wait_seconds("anna") == 0  # the first failure of a new series
    monkeypatch.setattr(login_throttle, "MAX_NAMES", 100)
    for i in range(1000):
        throttle.failed(f"x{i}")
    assert len(throttle._names) == 100


@pytest.fixture
def fake_throttle(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setattr(login_throttle, "_shared", LoginThrottle(Policy(free_per_name=3, free_overall=1000), clock))
    return clock


def test_a_log_in_attempt_says_the_same_whether_the_account_exists_and_is_audited(
    accounts: Path, database: Database, fake_throttle: FakeClock
) -> None:
    with database.read() as con:
        version = data_version(con)
    answers = {}
    for name in ("red", "finns-inte"):
        answers[name] = [login.attempt_login(database, name, "fel lösenord")[1] for _ in range(5)]
    assert answers["red"] == answers["finns-inte"]
    assert answers["red"][:3] == ["Fel användarnamn eller lösenord."] * 3
    assert answers["red"][3] == "Fel användarnamn eller lösenord. Vänta 1 sekund innan du försöker igen."
    assert answers["red"][4] == "För många misslyckade inloggningar. Vänta 1 sekund och försök igen."
    # A right password during the wait is refused like a wrong one.
    assert login.attempt_login(database, "red", PASSWORD) == (None, answers["red"][4])
    fake_throttle.now += 1
    found, _ = login.attempt_login(database, "red", PASSWORD)
    assert found == Actor("red", "redigerare", access.LOCAL)
    with database.read() as con:
        rows = con.execute("SELECT actor, role, action, details FROM audit_log ORDER BY id").fetchall()
    assert [(a, act) for a, _, act, _ in rows] == (
        [("red", "inloggning misslyckad")] * 4 + [("(okänt användarnamn)", "inloggning misslyckad")] * 4
        + [("red", "inloggning")]
    )
    assert '"misslyckade i följd": 4' in rows[3][3] and '"väntetid i sekunder": 1' in rows[3][3]
    # The audit rows are no data change: no page's cached figures are thrown away.
    with database.read() as con:
        assert data_version(con) == version


def test_the_log_in_form_makes_a_guesser_wait(accounts: Path, fake_throttle: FakeClock) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(5):
        at.text_input[0].input("red")
        at.text_input[1].input("fel lösenord")
        at.button[0].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["För många misslyckade inloggningar. Vänta 1 sekund och försök igen."]
    assert not at.metric
    fake_throttle.now += 1
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.metric  # in: the dashboards are there


# ---------------------------------------------------------------- the app


def logged_in(actor: Actor) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["login_actor"] = actor
    return at


def test_projector_mode_survives_the_sidebar_rewriting_the_url(accounts: Path) -> None:
    at = logged_in(Actor("red", "redigerare", access.LOCAL))
    at.query_params["visning"] = "1"
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert not at.get("file_uploader")
    at.sidebar.selectbox(key="f_week").select_index(1).run()  # the sidebar writes its filters to the URL
    assert not at.exception
    assert at.query_params.get("visning") == "1"
    assert not at.get("file_uploader")
    at.switch_page("pages/mote.py").run()
    assert not at.exception
    assert not [b for b in at.button if "Starta" in b.label or "Skapa" in b.label]
    assert any("visningsläge" in c.value for c in at.sidebar.caption)


def test_projector_mode_ends_only_with_a_new_log_in(accounts: Path) -> None:
    at = logged_in(Actor("red", "redigerare", access.LOCAL))
    at.query_params["visning"] = "1"
    at.switch_page("pages/data.py").run()
    del at.query_params["visning"]  # a hand-edited address does not end it
    at.run()
    assert at.query_params.get("visning") == "1"
    assert not at.get("file_uploader")
    next(b for b in at.sidebar.button if b.label == "Logga ut").click().run()
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    assert "visning" not in at.query_params
    # Logged in again without ?visning=1 (the form itself is tested above): the session may write.
    at.session_state["login_actor"] = access.verify_login("red", PASSWORD)
    at.run()
    assert not at.exception
    assert at.get("file_uploader")


def test_a_removed_account_is_logged_out_at_its_next_run(accounts: Path) -> None:
    at = logged_in(access.verify_login("red", PASSWORD))  # type: ignore[arg-type]
    at.switch_page("pages/data.py").run()
    assert at.get("file_uploader")
    access.remove_account("red", accounts)
    at.run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]


def test_an_open_session_meets_the_log_in_form_once_accounts_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    path = tmp_path / "konton.toml"
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/data.py").run()
    assert at.get("file_uploader")
    access.save_account("ny", "redigerare", PASSWORD, path)
    at.run()
    assert not at.get("file_uploader")
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "pages").glob("*.py")))
def test_a_page_file_run_without_app_py_renders_nothing(page: str, accounts: Path) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60).run()
    assert not at.exception
    assert not at.main.children and not at.sidebar.children
    assert not at.get("file_uploader")
