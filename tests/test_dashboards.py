"""The dashboards under AppTest, their figures checked against SQL written here, and filters in the URL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from trygghet.analysis import survey
from trygghet.core import clock
from trygghet.core.formatting import MINUS, MISSING, fmt_dec, fmt_int
from trygghet.core.text import md_literal
from trygghet.demo.build import build_demo
from trygghet.ingest.importer import import_file
from trygghet.present import table_style
from trygghet.store.db import Database, init_database

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = [
    "pages/oversikt.py",
    "pages/trender.py",
    "pages/insatser.py",
    "pages/prioriterade.py",
    "pages/karta.py",
    "pages/trygghetsmatning.py",
    "pages/data.py",
    "pages/admin.py",
]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dash") / "demo.duckdb"
    build_demo(path, seed=5, events=30_000)
    return path


@pytest.fixture
def app(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TRYGGHET_DB", str(demo_path))
    return AppTest.from_file(APP, default_timeout=120)


def sql(path: Path, query: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-").replace(",", "."))


def metric(at: AppTest, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def last_complete_week() -> tuple[dt.date, dt.date]:
    today = clock.today()
    sunday = today - dt.timedelta(days=today.isoweekday())
    return sunday - dt.timedelta(days=6), sunday + dt.timedelta(days=1)


def test_oversikt_key_figures_match_sql(app: AppTest, demo_path: Path) -> None:
    at = app.run()
    assert not at.exception
    monday, end = last_complete_week()
    count = lambda a, b: sql(demo_path, "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",  # noqa: E731
                             [a, b])[0][0]
    week = count(monday, end)
    previous = count(monday - dt.timedelta(days=7), monday)
    four_mean = sql(demo_path, "SELECT count(*) / 4 FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                    [monday - dt.timedelta(days=28), monday])[0][0]
    iso = monday.isocalendar()
    ly_monday = dt.date.fromisocalendar(iso.year - 1, min(iso.week, 52), 1)
    last_year = count(ly_monday, ly_monday + dt.timedelta(days=7))

    assert metric(at, "Händelser v.") == fmt_int(week)
    assert metric(at, "Föregående vecka") == fmt_int(previous)
    # The shown text against the app's own formatting of a mean computed here: a float tolerance of half
    # the last shown decimal cannot decide a mean such as 184,75, which rounds half up to 184,8.
    assert metric(at, "Snitt 4 veckor") == fmt_dec(four_mean, 1)
    assert metric(at, "Samma vecka i fjol") == fmt_int(last_year)
    assert at.title[0].value == f"Veckans lägesbild – v. {iso.week} {iso.year}"


def test_compstat_table_matches_sql(app: AppTest, demo_path: Path) -> None:
    at = app.run()
    table = next(df.value for df in at.dataframe if "Kategori" in df.value.columns)
    monday, end = last_complete_week()
    start_28 = monday - dt.timedelta(days=21)
    jan_1 = dt.date((end - dt.timedelta(days=1)).year, 1, 1)
    expected = {
        name: (w, d28, ytd)
        for name, w, d28, ytd in sql(
            demo_path,
            """SELECT category,
                      count(*) FILTER (WHERE occurred_at >= ?),
                      count(*) FILTER (WHERE occurred_at >= ?),
                      count(*) FILTER (WHERE occurred_at >= ?)
               FROM events WHERE occurred_at >= ? AND occurred_at < ? GROUP BY category""",
            [monday, start_28, jan_1, min(jan_1, start_28), end],
        )
    }
    shown = {row["Kategori"]: row for _, row in table.iterrows()}
    for name, (week, days28, ytd) in expected.items():
        assert number(shown[name]["Vecka"]) == week, name
        assert number(shown[name]["28 dagar"]) == days28, name
        assert number(shown[name]["Hittills i år"]) == ytd, name
    assert number(shown["Totalt"]["Vecka"]) == sum(v[0] for v in expected.values())


def test_district_in_the_url_filters_the_figures_and_survives_page_switches(app: AppTest, demo_path: Path) -> None:
    app.query_params["stadsdel"] = ["Norrby", "Hamnen"]
    at = app.run()
    assert not at.exception
    monday, end = last_complete_week()
    expected = sql(
        demo_path,
        "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ? AND district IN ('Norrby', 'Hamnen')",
        [monday, end],
    )[0][0]
    assert number(metric(at, "Händelser v.")) == expected
    assert md_literal("Norrby, Hamnen") in at.caption[0].value  # the Markdown source, escaped
    at.switch_page("pages/trender.py").run()
    assert not at.exception
    assert md_literal("Norrby, Hamnen") in at.caption[0].value  # the Markdown source, escaped


def test_week_in_the_url_chooses_the_week(app: AppTest, demo_path: Path) -> None:
    monday, _ = last_complete_week()
    earlier = monday - dt.timedelta(weeks=10)
    iso = earlier.isocalendar()
    app.query_params["vecka"] = f"{iso.year}-W{iso.week:02d}"
    at = app.run()
    expected = sql(demo_path, "SELECT count(*) FROM events WHERE occurred_at >= ? AND occurred_at < ?",
                   [earlier, earlier + dt.timedelta(days=7)])[0][0]
    assert at.title[0].value == f"Veckans lägesbild – v. {iso.week} {iso.year}"
    assert number(metric(at, "Händelser v.")) == expected


def test_unknown_district_in_the_url_is_ignored_with_a_note(app: AppTest) -> None:
    app.query_params["stadsdel"] = ["Atlantis"]
    at = app.run()
    assert not at.exception
    assert any("Atlantis" in t.value for t in at.toast)
    assert "Alla stadsdelar" in at.caption[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_database(app: AppTest, page: str) -> None:
    at = app.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_database_filled_only_by_uploads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_xlsx: Callable[..., bytes], page: str
) -> None:
    db = Database(tmp_path / "uploads.duckdb")
    init_database(db)
    monday, _ = last_complete_week()
    workbook = make_xlsx({
        "Stadsdelar": [["Stadsdel", "Kommun"], ["Gårdsten", "Göteborg"], ["Angered", "Göteborg"]],
        "Prioriterade områden": [["Område", "Mål", "Indikatorer"],
                                 ["Trygg offentlig miljö", "Färre bränder", "Anlagd brand, Skadegörelse"]],
        "Händelser": [["Datum", "Tid", "Stadsdel", "Kategori", "Plats"]] + [
            [monday - dt.timedelta(days=d), dt.time(21, d % 60), "Gårdsten" if d % 2 else "Angered",
             "Skadegörelse" if d % 3 else "Anlagd brand", f"Torget {d % 4}"] for d in range(0, 120)
        ],
        "Insatser": [["Insats-ID", "Insats", "Prioriterat område", "Stadsdel", "Status", "Startdatum", "Slutdatum"],
                     ["I-1", "Belysning", "Trygg offentlig miljö", "Gårdsten", "Pågående",
                      monday - dt.timedelta(days=60), monday + dt.timedelta(days=30)]],
        "Trygghetsmätning": [["Period", "Stadsdel", "Indikator", "Värde", "Antal svar"],
                             ["2025", "Gårdsten", "Känner sig trygg", 61.5, 300],
                             ["2025", "Angered", "Känner sig trygg", 70.0, 200]],
    })
    report = import_file(db, workbook, "allt.xlsx")
    assert report.status == "imported" and report.totals()["rejected"] == 0, report.as_json()
    monkeypatch.setenv("TRYGGHET_DB", str(db.path))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("Demodata" in i.value for i in at.info)


def test_open_interventions_show_their_dates_without_a_time_of_day(app: AppTest) -> None:
    at = app.run()
    shown = next(df for df in at.dataframe if "Insats-ID" in df.value.columns)
    assert shown.value["Slut"].notna().any()
    config = json.loads(shown.proto.columns)
    assert {name: config[name]["type_config"] for name in ("Start", "Slut")} == {
        "Start": {"type": "date", "format": "YYYY-MM-DD"}, "Slut": {"type": "date", "format": "YYYY-MM-DD"}}


def test_a_missing_figure_in_a_styled_table_shows_a_dash_and_the_download_keeps_it_empty() -> None:
    frame = pd.DataFrame({"Stadsdel": ["Norrby", "Kommunen (snitt)"], "2025": [63.5, 71.25],
                          "2025 mot snitt": [-7.75, np.nan]})
    styler = frame.style.format(lambda v: fmt_dec(v, 1), subset=["2025"]).format(
        survey.fmt_points, subset=["2025 mot snitt"])
    assert table_style.missing_as_dash(styler) == ["2025 mot snitt"]
    # The column is the text the Styler shows, so that it goes to the browser as Arrow without a fallback.
    assert styler.data["2025 mot snitt"].tolist() == [f"{MINUS}7,8", MISSING]
    assert pa.Table.from_pandas(styler.data).column("2025 mot snitt").to_pylist() == [f"{MINUS}7,8", MISSING]
    assert np.isnan(frame.loc[1, "2025 mot snitt"])  # the Excel download's frame is untouched
    shown = styler.to_html()
    assert ">−7,8<" in shown and ">71,3<" in shown and f">{MISSING}<" in shown
    assert table_style.missing_as_dash(pd.DataFrame({"n": [1.0, 2.0]}).style) == []


def test_the_survey_average_row_shows_dashes_not_none(app: AppTest) -> None:
    at = app.run()
    at.switch_page("pages/trygghetsmatning.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = next(df for df in at.dataframe if "Stadsdel" in df.value.columns)
    average = shown.value[shown.value["Stadsdel"] == survey.AVERAGE_LABEL].iloc[0]
    differences = [c for c in shown.value.columns if c.endswith(" mot snitt")]
    assert differences and all(average[c] == MISSING for c in differences)
    config = json.loads(shown.proto.columns)
    assert all(config[c]["alignment"] == "right" for c in differences)
