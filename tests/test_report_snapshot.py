"""The lägesbild report is a snapshot of its period, and its figures are the database's.

On a real demo database: every figure in the tertial report's tables is recomputed here with SQL of
its own on the single events (not the daily counts the report reads), the population and the
uploaded reference values; the interventions' statuses are replayed from the change history. Then
the records change after the period (an insats closed on 1 December, a decision marked done, new
meetings, events and a council decision after the period's end) and the report must come out as
the very same bytes; a change inside the period must change it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import docx
import openpyxl
import pandas as pd
import pytest

from trygghet.analysis import action_plan as plans
from trygghet.core import config
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.demo.build import build_demo
from trygghet.documents import output
from trygghet.documents.model import Document, Heading, Table
from trygghet.documents.report import build_report
from trygghet.documents.report_period import ReportPeriod
from trygghet.ingest.importer import import_file
from trygghet.meeting import edits
from trygghet.meeting import records as M
from trygghet.store.access import Actor
from trygghet.store.db import Database

EDITOR = Actor("Samordnare", "redigerare")
END = dt.date(2026, 11, 29)
TODAY = dt.date(2026, 11, 30)
T2 = ReportPeriod("tertial", 2026, 2)
DISTRICTS = ("Granlunda", "Norrby")
BJORKDALEN = "Belysningen i Björkdalsparken ses över"
OPEN_LINKED = "Vuxna på plats vid torget fredagar"
DONE_IN_PERIOD = "Papperskorgar töms oftare"
DONE_LATER = "Klotterplank sätts upp"
DECEMBER = "Nytt beslut i december"


@dataclass
class Scenario:
    db: Database
    closed_later: str  # a Norrby insats running at the end of T2, closed on 1 December
    done_later: int  # a decision open at the end of T2, marked done on 1 December


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    path = tmp_path_factory.mktemp("report_period") / "demo.duckdb"
    build_demo(path, events=9000, end=END)
    db = Database(path)
    with db.read() as con:
        running = con.execute(
            """SELECT id FROM interventions WHERE district = 'Norrby' AND status = 'Pågående'
               AND start_date < DATE '2026-05-01' ORDER BY id LIMIT 1""").fetchone()[0]
    bjork = M.create_meeting(db, dt.date(2026, 6, 15), districts=["Björkdalen"], now=at(dt.date(2026, 6, 15)),
                             actor=EDITOR)
    edits.record_decision(db, bjork, BJORKDALEN, "Teknisk förvaltning", now=at(dt.date(2026, 6, 15)), actor=EDITOR)
    norrby = M.create_meeting(db, dt.date(2026, 6, 22), districts=["Norrby"], now=at(dt.date(2026, 6, 22)),
                              actor=EDITOR)
    edits.record_decision(db, norrby, OPEN_LINKED, "Polis", change_intervention=(running, {"comment": "Fredagar"}),
                          now=at(dt.date(2026, 6, 22)), actor=EDITOR)
    done = edits.record_decision(db, norrby, DONE_IN_PERIOD, "Teknisk förvaltning", now=at(dt.date(2026, 6, 22)),
                                 actor=EDITOR)
    later = edits.record_decision(db, norrby, DONE_LATER, "Bostadsbolag", now=at(dt.date(2026, 6, 22)), actor=EDITOR)
    july = M.create_meeting(db, dt.date(2026, 7, 6), districts=["Norrby"], now=at(dt.date(2026, 7, 6)), actor=EDITOR)
    edits.set_decisions_done(db, july, [done.decision_id], now=at(dt.date(2026, 7, 6)), actor=EDITOR)
    return Scenario(db, running, int(later.decision_id))


@pytest.fixture
def no_charts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(config.CHARTS, "0")
    yield


def t2(db: Database, period: ReportPeriod = T2, districts: tuple[str, ...] = DISTRICTS) -> Document:
    with db.read() as con:
        return build_report(con, period, districts, today=TODAY)


def table_after(doc: Document, heading: str) -> Table:
    """The first table after a heading (a figure's own table is not among the blocks)."""
    start = next(i for i, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.text == heading)
    return next(b for b in doc.blocks[start:] if isinstance(b, Table))


def rows_of(table: Table) -> dict[str, list[str]]:
    return {row[0]: row for row in table.rows}


def q(db: Database, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with db.read() as con:
        return con.execute(sql, params or []).fetchall()


def n(value: float | int) -> str:
    return fmt_int(value)


# ---------------------------------------------------------------- every figure against SQL of its own


def test_district_and_category_figures_and_rates_match_the_events(scenario: Scenario) -> None:
    doc = t2(scenario.db)
    start, end = dt.date(2026, 5, 1), dt.date(2026, 9, 1)
    before_start, before_end = dt.date(2025, 5, 1), dt.date(2025, 9, 1)
    per_district = dict((d, (c, p)) for d, c, p in q(scenario.db, """
        SELECT district, count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?),
               count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?)
        FROM events WHERE district IN ('Granlunda', 'Norrby') GROUP BY district""",
        [start, end, before_start, before_end]))
    population = dict(q(scenario.db, "SELECT district, population FROM population WHERE year = 2026"))
    population_before = dict(q(scenario.db, "SELECT district, population FROM population WHERE year = 2025"))
    table = rows_of(table_after(doc, "Per stadsdel"))
    assert set(table) == set(DISTRICTS)
    for district, (count, previous) in per_district.items():
        row = table[district]
        assert row[1:3] == [n(count), n(previous)]
        assert row[4] == n(population[district])
        assert row[5] == fmt_dec(count / population[district] * 1000, 1)
        assert row[6] == fmt_dec(previous / population_before[district] * 1000, 1)
    categories = rows_of(table_after(doc, "Per kategori"))
    for category, count, previous in q(scenario.db, """
            SELECT category, count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?),
                   count(*) FILTER (WHERE occurred_at >= ? AND occurred_at < ?)
            FROM events WHERE district IN ('Granlunda', 'Norrby') GROUP BY category""",
            [start, end, before_start, before_end]):
        if count or previous:
            assert categories[category][1:3] == [n(count), n(previous)], category
    total = sum(c for c, _ in per_district.values())
    summary = " ".join(doc.text().split())
    assert f"{n(total)} händelser rapporterades under tertial 2 2026".replace("\xa0", " ") in summary.replace(
        "\xa0", " ")


def test_places_times_months_and_sources_match_the_events(scenario: Scenario) -> None:
    doc = t2(scenario.db)
    window = [dt.date(2026, 5, 1), dt.date(2026, 9, 1)]
    places = table_after(doc, "Platser med flest händelser").rows
    expected = q(scenario.db, """
        SELECT place, district, count(*) AS n FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND district IN ('Granlunda', 'Norrby') AND place IS NOT NULL
        GROUP BY place, district ORDER BY n DESC, place, district LIMIT 10""", window)
    assert [(r[0], r[1], r[3]) for r in places] == [(p, d, n(c)) for p, d, c in expected]

    times = rows_of(table_after(doc, "Veckodag och tid på dygnet"))
    weekdays = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]
    cells: dict[tuple[str, int], int] = {}
    for day, hour, count in q(scenario.db, """
            SELECT dayofweek(occurred_at), extract('hour' FROM occurred_at), count(*) FROM events
            WHERE occurred_at >= ? AND occurred_at < ? AND district IN ('Granlunda', 'Norrby') AND time_known
            GROUP BY ALL""", window):
        key = (weekdays[(int(day) - 1) % 7], int(hour) // 6)  # DuckDB's dayofweek: Sunday is 0
        cells[key] = cells.get(key, 0) + int(count)
    for (day, band), count in cells.items():
        assert times[day][1 + band] == n(count), (day, band)

    months = rows_of(next(f for f in doc.figures if f.title == "Händelser per månad").table)
    for month, label in ((5, "maj 2026"), (6, "jun 2026"), (7, "jul 2026"), (8, "aug 2026")):
        count = q(scenario.db, """SELECT count(*) FROM events WHERE month(occurred_at) = ? AND year(occurred_at) = 2026
                                  AND district IN ('Granlunda', 'Norrby')""", [month])[0][0]
        before = q(scenario.db, """SELECT count(*) FROM events WHERE month(occurred_at) = ? AND year(occurred_at) = 2025
                                   AND district IN ('Granlunda', 'Norrby')""", [month])[0][0]
        assert months[label][1:3] == [n(count), n(before)], label

    sources = rows_of(table_after(doc, "Om underlaget"))
    for source, count, districts in q(scenario.db, """
            SELECT source, count(*), count(DISTINCT district) FROM events
            WHERE occurred_at >= ? AND occurred_at < ? AND district IN ('Granlunda', 'Norrby') GROUP BY source""",
            window):
        assert sources[source][1:3] == [n(count), n(districts)], source


def test_areas_survey_reference_population_and_context_match_the_database(scenario: Scenario) -> None:
    doc = t2(scenario.db)
    window = [dt.date(2026, 5, 1), dt.date(2026, 9, 1), dt.date(2025, 5, 1), dt.date(2025, 9, 1)]
    areas = {name: (count, previous) for name, count, previous in q(scenario.db, """
        SELECT p.name, count(e.id) FILTER (WHERE e.occurred_at >= ? AND e.occurred_at < ?),
               count(e.id) FILTER (WHERE e.occurred_at >= ? AND e.occurred_at < ?)
        FROM priority_areas p LEFT JOIN events e ON list_contains(p.indicator_categories, e.category)
             AND e.district IN ('Granlunda', 'Norrby')
        GROUP BY p.name""", window)}
    figure = next(f for f in doc.figures if f.title.startswith("Händelser i de prioriterade"))
    assert {r[0]: (r[1], r[2]) for r in figure.table.rows} == {k: (n(c), n(p)) for k, (c, p) in areas.items()}

    survey = rows_of(table_after(doc, "Trygghet"))
    for indicator, period, value in q(scenario.db, """
            SELECT indicator, period, sum(value * respondents) / sum(respondents) FROM survey_results
            WHERE district IN ('Granlunda', 'Norrby') AND period IN ('2024', '2025') GROUP BY ALL"""):
        column = {"2024": 1, "2025": 2}[period]
        assert survey[indicator][column] == f"{fmt_dec(value, 1)} %", (indicator, period)

    reference = table_after(doc, "Jämfört med länet och riket")
    assert reference.columns[2:4] == ["2024", "2025"]  # nothing from after the period's year
    cells = {(r[0], r[1]): r[2:4] for r in reference.rows}
    for measure, area, level, year, value in q(scenario.db, """
            SELECT measure, area, level, year, value FROM reference_statistics
            WHERE source = 'Brå' AND year IN (2024, 2025)"""):
        shown = area if level.casefold() in area.casefold() else f"{area} ({level})"
        assert cells[(f"{measure} (per 100 000 invånare)", shown)][year - 2024] == n(value)

    people = rows_of(table_after(doc, "Befolkning"))
    for district, count in q(scenario.db, "SELECT district, population FROM population WHERE year = 2026 "
                                          "AND district IN ('Granlunda', 'Norrby')"):
        assert people[district][1] == n(count)
    context = table_after(doc, "Förhållanden i kommunen")
    expected = q(scenario.db, """SELECT indicator, district, value FROM context_indicators
                                 WHERE year = 2025 AND district IN ('Granlunda', 'Norrby', 'Hela kommunen')""")
    shown = {(r[0], r[1]): r[3] for r in context.rows}
    assert len(shown) == len(expected)
    for indicator, district, value in expected:
        assert shown[(indicator, district)].split(" ")[0] in (n(value), fmt_dec(value, 1))


def test_the_interventions_are_as_they_stood_at_the_period_s_end(scenario: Scenario) -> None:
    doc = t2(scenario.db)
    table = table_after(doc, "Insatser under perioden och uppmätt effekt")
    shown = {row[0].split("\n")[0].rsplit(" (", 1)[1].rstrip(")"): row[2] for row in table.rows}
    moment = dt.datetime(2026, 8, 31, 23, 59, 59)
    # Replayed forwards from the history: the last status logged by the period's end.
    replayed = dict(q(scenario.db, """
        SELECT intervention_id, arg_max(new_value, changed_at) FROM intervention_history
        WHERE field = 'status' AND changed_at <= ? GROUP BY intervention_id""", [moment]))
    for iid, status in shown.items():
        assert replayed[iid] == status, iid
    ran = {r[0] for r in q(scenario.db, """
        SELECT i.id FROM interventions i WHERE (i.district IN ('Granlunda', 'Norrby') OR i.district IS NULL)
          AND i.start_date <= DATE '2026-08-31' AND coalesce(i.end_date, DATE '2026-08-31') >= DATE '2026-05-01'
          AND i.created_at <= ?""", [moment])}
    cancelled = {iid for iid, status in replayed.items() if status == "Inställd"}
    assert set(shown) == ran - cancelled


# ---------------------------------------------------------------- a snapshot of its period


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def events_workbook(rows: list[tuple[dt.date, str, str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Händelser"
    ws.append(["Datum", "Tid", "Stadsdel", "Plats", "Kategori", "Källa"])
    for day, district, category in rows:
        ws.append([day, "21:30", district, "Norrby torg", category, "Skola"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_old_report_is_the_same_document_after_later_changes(scenario: Scenario, no_charts: None) -> None:
    db = scenario.db
    doc = t2(db)
    text = " ".join(doc.text().split())
    assert BJORKDALEN not in text  # a Björkdalen meeting's decision is not the Granlunda and Norrby report's
    assert OPEN_LINKED in text and DONE_LATER in text  # open on 31 August
    assert DONE_IN_PERIOD not in text  # done in July
    running = rows_of(Table([], [[r[0].split("\n")[0].rsplit(" (", 1)[1].rstrip(")"), *r[1:]] for r in
                                 table_after(doc, "Insatser under perioden och uppmätt effekt").rows]))
    assert running[scenario.closed_later][2] == "Pågående"
    before = output.render(doc, "docx"), output.render(doc, "pdf")

    december = at(dt.date(2026, 12, 1))
    meeting = M.create_meeting(db, dt.date(2026, 12, 1), districts=["Norrby"], now=december, actor=EDITOR)
    edits.update_interventions(db, meeting, {scenario.closed_later: {"status": "Avslutad", "end_date":
                                                                     dt.date(2026, 12, 1)}}, now=december, actor=EDITOR)
    edits.set_decisions_done(db, meeting, [scenario.done_later], now=december, actor=EDITOR)
    edits.record_decision(db, meeting, DECEMBER, "Polis", new_intervention={
        "title": "Ny insats 2027", "district": "Norrby", "start_date": dt.date(2027, 1, 10)}, now=december, actor=EDITOR)
    report = import_file(db, events_workbook([(dt.date(2026, 12, 10), "Norrby", "Skadegörelse")] * 3), "dec.xlsx",
                         today=dt.date(2026, 12, 20))
    assert report.status == "imported"
    with db.read() as con:
        keep = plans.measures(con, T2.key, "Granlunda,Norrby")
    plans.save_plan(db, T2.key, "Granlunda,Norrby", T2.last_day,
                    plans.PlanDecision("Kommunfullmäktige", dt.date(2026, 12, 1), "KS 2026/0999"), keep,
                    now=december, actor=EDITOR)

    again = t2(db)
    assert output.render(again, "docx") == before[0]
    assert output.render(again, "pdf") == before[1]
    assert "Avslutad" not in [r[2] for r in table_after(again, "Insatser under perioden och uppmätt effekt").rows
                              if scenario.closed_later in r[0]]

    # The year before: nothing of 2026 or 2027 in it.
    year = t2(db, ReportPeriod("år", 2025), ())
    starts = [r[3].split(" – ")[0] for r in table_after(year, "Insatser under perioden och uppmätt effekt").rows]
    assert all(s <= "2025-12-31" for s in starts)
    assert DECEMBER not in year.text() and "Ny insats 2027" not in year.text()

    # A change inside the period does change the report: the comparison above could fail.
    import_file(db, events_workbook([(dt.date(2026, 6, 3), "Norrby", "Skadegörelse")]), "juni.xlsx",
                today=dt.date(2026, 12, 20))
    assert output.render(t2(db), "docx") != before[0]
    assert DONE_LATER in docx_text(before[0])


def test_a_period_still_running_counts_to_its_last_day_with_data(scenario: Scenario) -> None:
    with scenario.db.read() as con:
        data = build_report(con, ReportPeriod("tertial", 2026, 3), DISTRICTS, today=TODAY)
    assert any("Utkast – perioden är inte avslutad" in v for _, v in data.meta)
    frame = pd.DataFrame(table_after(data, "Per stadsdel").rows)
    assert len(frame) == 2
