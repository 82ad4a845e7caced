"""The Rapportera page, Översikt's coverage and the rapportör's menu, run by Streamlit's AppTest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from trygghet.ingest.importer import FileReport
from trygghet.store import access
from trygghet.store.access import Actor
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = Path(__file__).resolve().parent.parent / "pages"


@pytest.fixture
def app_db(database: Database, make_xlsx: Callable[..., bytes], upload: Callable[..., FileReport],
           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Database:
    original = pages_manager.PagesManager.__init__

    def init(self: pages_manager.PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)
    upload(make_xlsx({"Rapportörer": [["Rapportör"], ["Väktarbolaget"], ["Skolan"]]}), "r.xlsx")
    upload(make_xlsx({"Händelser": [["Datum", "Stadsdel", "Kategori", "Källa"],
                                    [dt.date(2026, 11, 24), "Norrby", "Klotter", "Väktarbolaget"],
                                    [dt.date(2026, 11, 17), "Norrby", "Klotter", "Skolan"]]}), "h.xlsx")
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    monkeypatch.setenv("TRYGGHET_RAISE_ERRORS", "1")
    path = tmp_path / "konton.toml"
    access.save_account("vakt", access.REPORTER, "vaktens långa lösenord", path, organisation="Väktarbolaget")
    monkeypatch.setenv("TRYGGHET_USERS", str(path))
    return database


def test_oversikt_shows_who_is_missing_and_the_reminder(app_db: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["login_actor"] = Actor("red", "redigerare")
    at.run()
    assert not at.exception
    # Shown as plain text: Markdown's punctuation arrives escaped.
    assert [w for w in (w.value.replace("\\", "") for w in at.warning) if "Saknas" in w] == ["Saknas: Skolan v. 48"]
    assert any("Påminnelse: rapport till lägesbilden v. 48 2026" in t.value for t in at.text_area)


def test_the_coverage_table_colours_each_cell_by_its_status_on_every_rerun(app_db: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["login_actor"] = Actor("red", "redigerare")
    at.run()
    assert not at.exception
    (grid,) = [df for df in at.dataframe if df.proto.arrow_data.styler.uuid.startswith("rapportering")]
    sent = grid.proto.SerializeToString()
    styler = grid.proto.arrow_data.styler
    shown = pa.ipc.open_stream(grid.proto.arrow_data.data).read_pandas()
    rules: dict[str, str] = {}
    for line in styler.styles.splitlines():
        selectors, declarations = line.split(" { ")
        for selector in selectors.split(", "):
            rules[selector.removeprefix(f"#T_{styler.uuid}_")] = declarations.rstrip(" }")
    fills = {"Saknas": "background-color: #f9d9cf", "✓": "background-color: #d8ecd9",
             "Inget att rapportera": "background-color: #dde8f3"}
    cells = [(r, c, text) for c, column in enumerate(shown.columns) if column != "Rapportör"
             for r, text in enumerate(shown[column].tolist())]
    assert any(text == "Saknas" for _, _, text in cells) and any(text.startswith("✓") for _, _, text in cells)
    for r, c, text in cells:
        fill = next((css for word, css in fills.items() if text.startswith(word)), None)
        assert (rules.get(f"row{r}_col{c}", "").startswith(fill) if fill else f"row{r}_col{c}" not in rules), text
    at.run()  # the second run takes the table from the cache: sent exactly the same
    (again,) = [df for df in at.dataframe if df.proto.arrow_data.styler.uuid.startswith("rapportering")]
    assert again.proto.SerializeToString() == sent


def test_a_rapportor_has_only_the_rapportera_page(app_db: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["login_actor"] = Actor("vakt", access.REPORTER, access.LOCAL, organisation="Väktarbolaget")
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Rapportera"]
    assert not at.metric  # no figures of the dashboards
    assert any("Du rapporterar för Väktarbolaget" in c.value for c in at.caption)
    at.selectbox(key="rapportera_stadsdel").select("Hamnen")
    at.selectbox(key="rapportera_kategori").select("Klotter")
    at.text_area(key="rapportera_beskrivning").input("Klotter på skolan, ring 070-123 45 67").run()
    assert any("1 telefonnummer tas bort" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Skicka rapporten").click().run()
    assert not at.exception
    assert any("Tack! Rapport 1 är sparad" in s.value.replace("\\", "") for s in at.success), [e.value for e in at.error]
    with app_db.read() as con:
        assert con.execute("SELECT source, district, description FROM events WHERE source = 'Väktarbolaget' "
                           "AND district = 'Hamnen'").fetchall() == [
            ("Väktarbolaget", "Hamnen", "Klotter på skolan, ring [telefonnummer borttaget]")]


def _through_gate(page: str) -> None:
    """A page file run as app.py runs it once the gate has let the session in."""
    import runpy

    from trygghet.ui import login

    with login.through_gate():
        runpy.run_path(page, run_name="__main__")


def _page_run(page: str, who: Actor) -> AppTest:
    at = AppTest.from_function(_through_gate, args=(str(PAGES / page),), default_timeout=90)
    at.session_state["login_actor"] = who
    return at.run()


VAKT = Actor("vakt", access.REPORTER, access.LOCAL, organisation="Väktarbolaget")


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.glob("*.py") if p.name != "rapportera.py"))
def test_a_rapportor_gets_nothing_of_any_other_page_even_past_the_gate(page: str, app_db: Database) -> None:
    at = _page_run(page, VAKT)
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Som rapportör kan du bara rapportera för din organisation och se dina egna rapporter. Den här sidan "
        "visas inte för rapportörer: gå till sidan Rapportera."]
    assert len(at.main.children) == 1 and not at.sidebar.children
    assert not (at.title or at.header or at.metric or at.dataframe or at.button or at.get("file_uploader"))


def test_the_page_guard_lets_a_rapportor_into_rapportera_and_others_into_every_page(app_db: Database) -> None:
    mine = _page_run("rapportera.py", VAKT)
    assert not mine.exception and [t.value for t in mine.title] == ["Rapportera"] and not mine.info
    data = _page_run("data.py", Actor("red", "redigerare"))
    assert not data.exception and data.title and data.get("file_uploader")


def _preloads(at: AppTest) -> bool:
    return any("data-chunk-preload" in h.proto.body for h in at.get("html"))


def test_the_chart_code_is_preloaded_for_the_dashboards_not_for_a_log_in_form_or_a_rapportor(
        app_db: Database) -> None:
    nobody = AppTest.from_file(APP, default_timeout=90).run()
    assert not nobody.exception
    assert [h.value for h in nobody.header] == ["Logga in"] and not _preloads(nobody)
    reporter = AppTest.from_file(APP, default_timeout=90)
    reporter.session_state["login_actor"] = VAKT
    assert not _preloads(reporter.run())
    editor = AppTest.from_file(APP, default_timeout=90)
    editor.session_state["login_actor"] = Actor("red", "redigerare")
    assert _preloads(editor.run())
