"""Starting without the demo, under AppTest on real database files: the first start's demo becomes a
file of its own when the municipality starts with its own data, the guided first page shows what is
done, and the demo stays one click away without ever mixing with the municipality's data."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.demo.build import build_demo
from trygghet.store import first_start as setup
from trygghet.store.access import Actor
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parents[3] / "app.py")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first_start") / "demo.duckdb"
    build_demo(path, events=2_000, years=1)
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(autouse=True)
def app_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a real server does after app.py's first run: no page file run alone, whose restart through
    app.py would drop a click (see tests/test_pages_mote.py)."""
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


@pytest.fixture
def installation(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installation whose database is still the demo its first start built."""
    path = tmp_path / "data" / "trygghet.duckdb"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    monkeypatch.setenv("TRYGGHET_DB", str(path))
    monkeypatch.setenv("TRYGGHET_USERS", str(tmp_path / "inga-konton.toml"))  # the open installation
    return path


def started(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_starting_with_own_data_moves_the_demo_aside_and_guides_the_set_up(installation: Path) -> None:
    demo_events = rows(installation, "SELECT count(*) FROM events")[0][0]
    at = started(AppTest.from_file(APP, default_timeout=120))
    assert any("Demodata" in i.value for i in at.info)

    at.button(key="demo_lamna").click()
    started(at)
    demo = setup.demo_path(installation)
    assert demo.name == "trygghet-demo.duckdb"
    assert rows(demo, "SELECT count(*) FROM events")[0][0] == demo_events  # the demo kept whole, in its own file
    assert rows(installation, "SELECT count(*) FROM events") == [(0,)]
    assert rows(installation, "SELECT count(*) FROM districts") == [(0,)]
    assert rows(installation, "SELECT value FROM meta WHERE key = 'is_demo'") == []
    assert at.title[0].value == "Kom igång"
    assert not any("Demodata" in i.value for i in at.info)
    assert "0 av 5 steg klara" in at.get("progress")[0].proto.text
    assert rows(installation, "SELECT value FROM meta WHERE key = 'first_start_guide'") == [("1",)]

    at.text_input[0].input("Storstads kommun")
    at.button[0].click()  # Spara namnet
    started(at)
    at.button(key="kom_igang_kategorier").click()
    started(at)
    assert rows(installation, "SELECT value FROM meta WHERE key = 'municipality'") == [("Storstads kommun",)]
    assert rows(installation, "SELECT count(*) > 10 FROM categories") == [(True,)]
    assert "1 av 5 steg klara" in at.get("progress")[0].proto.text  # the districts are still to come
    assert {r[0] for r in rows(installation, "SELECT action FROM audit_log")} >= {"installation", "inställning"}


def test_the_demo_is_one_click_away_and_never_mixes_with_own_data(installation: Path) -> None:
    setup.leave_demo(Database(installation), Actor("Test", "administratör"))
    at = started(AppTest.from_file(APP, default_timeout=120))
    assert at.title[0].value == "Kom igång"

    at.button(key="kom_igang_visa_demo").click()
    started(at)
    assert any("Demodata" in i.value for i in at.info)
    assert at.title[0].value.startswith("Veckans lägesbild")
    assert at.session_state["filters"].districts == ()
    assert rows(installation, "SELECT count(*) FROM events") == [(0,)]  # the demo session reads its own file

    at.button(key="demo_tillbaka").click()
    started(at)
    assert at.title[0].value == "Kom igång"


def test_leaving_the_demo_never_touches_own_data(installation: Path) -> None:
    admin = Actor("Test", "administratör")
    setup.leave_demo(Database(installation), admin)
    with pytest.raises(setup.FirstStartError, match="redan kommunens egna data"):
        setup.leave_demo(Database(installation), admin)
    with pytest.raises(setup.access.AccessDenied):
        setup.set_municipality(Database(installation), "Storstad", Actor("Läsaren", "läsare"))
    with pytest.raises(setup.FirstStartError, match="Skriv kommunens namn"):
        setup.set_municipality(Database(installation), "   ", admin)


def test_a_database_made_by_init_guides_until_its_first_events(tmp_path: Path) -> None:
    from trygghet.cli import main

    path = tmp_path / "ny.duckdb"
    assert main(["--db", str(path), "init"]) == 0
    db = Database(path)
    with db.read() as con:
        status = setup.setup_status(con)
    assert status.needs_guide and status.categories > 0 and status.steps == (False, False, False, False, False)


def test_the_guide_ends_with_the_first_events(database: Database, make_xlsx, upload) -> None:
    with database.write() as con:
        setup.mark_guided(con)
    with database.read() as con:
        assert setup.setup_status(con).needs_guide
    upload(make_xlsx({"Händelser": [["Datum", "Stadsdel", "Kategori"], ["2026-11-03", "Norrby", "Klotter"]]}))
    with database.read() as con:
        status = setup.setup_status(con)
    assert not status.needs_guide and status.events == 1 and status.steps[1]
