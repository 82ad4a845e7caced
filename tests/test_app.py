"""The Streamlit app under AppTest: first start, navigation between pages, fresh data without restart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trygghet.core import clock
from trygghet.core.periods import latest_complete_week
from trygghet.ingest.importer import import_file
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv("TRYGGHET_DB", str(path))
    return path


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def test_first_start_builds_demo_database_and_shows_banner(app_db: Path) -> None:
    assert not app_db.exists()
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert app_db.exists()
    assert any("Demodata" in i.value for i in at.info)
    db = Database(app_db)
    with db.read() as con:
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert events > 10_000
    assert metric(at, "Händelser v.")


def test_switching_to_the_data_page_and_back(app_db: Path, database: Database) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Data"]
    assert [t.label for t in at.tabs] == ["Ladda upp", "Uppladdningar", "Mall", "Inställningar"]
    at.switch_page("pages/oversikt.py").run()
    assert not at.exception
    assert at.title[0].value.startswith("Veckans lägesbild")


def test_new_upload_appears_on_next_rerun_without_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database, make_xlsx: Callable[..., bytes]
) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert metric(at, "Händelser v.") == "0"
    assert not any("Demodata" in i.value for i in at.info)
    monday = latest_complete_week(clock.today()).monday()
    rows = [["Datum", "Stadsdel", "Kategori", "Plats"]] + [
        [monday + dt.timedelta(days=d % 7), "Norrby", "Klotter", f"Plats {d}"] for d in range(12)
    ]
    import_file(database, make_xlsx({"Händelser": rows}), "vecka.xlsx")
    at.run()
    assert metric(at, "Händelser v.") == "12"
    at.switch_page("pages/data.py").run()
    history = at.dataframe[0].value
    assert history["Fil"].tolist() == ["vecka.xlsx"] and history["Nya"].tolist() == [12]


def test_an_unexpected_error_on_a_page_shows_a_swedish_message_not_a_traceback(
    app_db: Path, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trygghet.analysis import district_cut

    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    monkeypatch.setenv("TRYGGHET_RAISE_ERRORS", "0")

    def broken(*args: object) -> None:
        raise RuntimeError("internal detail that must not be shown")

    # The week's places, as Översikt cuts them from every district's list.
    monkeypatch.setattr(district_cut, "top_places_for", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("Något gick fel när sidan skulle visas" in e.value for e in at.error)
    assert not any("internal detail" in e.value for e in at.error)


def test_user_text_with_markup_is_shown_as_typed(
    app_db: Path, database: Database, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes]
) -> None:
    monkeypatch.setenv("TRYGGHET_DB", str(database.path))
    comment = "<script>alert(1)</script> <img src=x onerror=alert(2)> ![bild](http://example.invalid/x.png)"
    rows = [["Insats-ID", "Insats", "Stadsdel", "Status", "Kommentar"], ["I-9", "Vandring", "Norrby", "Pågående", comment]]
    import_file(database, make_xlsx({"Insatser": rows}), "insatser.xlsx")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/insatser.py").run()
    at.selectbox(key="ins_selected").set_value("I-9").run()
    assert not at.exception
    shown = next(m.value for m in at.markdown if m.value.startswith("**Senaste kommentar:**"))
    # Every Markdown and HTML character arrives escaped, so the browser shows the text, not markup.
    assert "\\<script\\>" in shown and "\\!\\[bild\\]" in shown and "<script>" not in shown
