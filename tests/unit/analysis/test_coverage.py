"""Coverage worked out by hand on a real DuckDB file: statuses, runs of missing weeks, monthly
reporters, what leans on a missing reporter, and the reminder."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

import duckdb

from trygghet.analysis import coverage
from trygghet.core.periods import IsoWeek
from trygghet.present import coverage_text
from trygghet.store import schema

W48 = IsoWeek(2026, 48)


def con_with(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    schema.create(con)
    stamp = dt.datetime(2026, 12, 1)
    con.executemany("INSERT INTO reporters VALUES (?, ?, ?, ?, NULL, ?)", [
        ["Väktarbolaget", "vecka", True, 0, stamp], ["Skolan", "vecka", True, 1, stamp],
        ["Räddningstjänsten", "månad", True, 2, stamp], ["Gamla bolaget", "vecka", False, 3, stamp]])
    counts = [  # day, category, source, n
        (dt.date(2026, 11, 2), "Klotter", "Väktarbolaget", 6), (dt.date(2026, 11, 9), "Klotter", "väktarbolaget ", 4),
        (dt.date(2026, 11, 9), "Stöld", "Polisen", 10), (dt.date(2026, 11, 16), "Klotter", "Polisen", 2),
        (dt.date(2026, 11, 24), "Stöld", "Skolan", 3), (dt.date(2026, 10, 20), "Brand", "Räddningstjänsten", 1),
    ]
    con.executemany("INSERT INTO event_counts VALUES (?, 'Norrby', ?, ?, 1, ?, 0, 0, 0)",
                    [list(c) for c in counts])
    con.execute("INSERT INTO nothing_reports VALUES ('Skolan', '2026-W47', DATE '2026-11-20', 1, NULL, ?, 'x')",
                [stamp])
    return con


def test_statuses_runs_and_monthly_reporters(tmp_path: Path) -> None:
    con = con_with(tmp_path)
    cov = coverage.coverage(con, W48, dt.date(2026, 12, 1), n_weeks=5)
    assert cov.weeks == tuple(IsoWeek(2026, w) for w in (44, 45, 46, 47, 48))
    assert [name for name, _ in cov.reporters] == ["Väktarbolaget", "Skolan", "Räddningstjänsten"]  # active only
    status = {(n, w.week): (c.status, c.events) for (n, w), c in cov.cells.items()}
    assert status[("Väktarbolaget", 45)] == ("reported", 6) and status[("Väktarbolaget", 46)] == ("reported", 4)
    assert [status[("Väktarbolaget", w)][0] for w in (47, 48)] == ["missing", "missing"]
    assert status[("Skolan", 47)] == ("nothing", 0) and status[("Skolan", 48)] == ("reported", 3)
    assert coverage_text.missing_line(cov, W48) == "Saknas: Väktarbolaget v. 47–48"
    assert coverage_text.weeks_label([IsoWeek(2025, 52), IsoWeek(2026, 1)]) == "v. 52 2025–v. 1 2026"


def test_a_monthly_reporter_is_due_in_the_week_of_its_months_last_day(tmp_path: Path) -> None:
    con = con_with(tmp_path)
    cov = coverage.coverage(con, W48, dt.date(2026, 12, 1), n_weeks=5)
    # 31 October is the Saturday of week 44: October is judged there, on the whole month (one event on the 20th).
    assert cov.cell("Räddningstjänsten", IsoWeek(2026, 44)) == coverage.Cell("reported", 1, dt.date(2026, 10, 1))
    assert {cov.cell("Räddningstjänsten", IsoWeek(2026, w)).status for w in (45, 46, 47, 48)} == {"not_due"}
    assert coverage_text.table(cov).iloc[2].tolist() == ["Räddningstjänsten (månad)", "✓ 1 (okt)", "–", "–", "–", "–"]
    # 30 November is the Monday of week 49: November is due there, and has no report once it has ended.
    w49 = IsoWeek(2026, 49)
    after = coverage.coverage(con, w49, dt.date(2026, 12, 7), n_weeks=6)
    assert after.cell("Räddningstjänsten", w49) == coverage.Cell("missing", 0, dt.date(2026, 11, 1))
    assert coverage_text.missing_line(after, w49) == (
        "Saknas: Väktarbolaget v. 47–49, Skolan v. 49, Räddningstjänsten november")
    on_the_30th = coverage.coverage(con, w49, dt.date(2026, 11, 30), n_weeks=1)
    assert on_the_30th.cell("Räddningstjänsten", w49).status == "pending"
    assert coverage_text.cell_text(on_the_30th.cell("Räddningstjänsten", w49)) == "–"
    assert coverage_text.months_label([dt.date(2025, 12, 1), dt.date(2026, 1, 1)]) == "december 2025–januari 2026"


def test_the_command_lines_week_holds_only_due_reporters_with_the_three_statuses(tmp_path: Path) -> None:
    con = con_with(tmp_path)
    for week, as_of in ((W48, dt.date(2026, 11, 30)), (IsoWeek(2026, 49), dt.date(2026, 11, 30)),
                        (IsoWeek(2026, 44), dt.date(2026, 11, 2))):
        cov = coverage.coverage(con, week, as_of, n_weeks=1)
        rows = cov.week_statuses(week)
        assert {r["status"] for r in rows} <= set(coverage.DUE_STATUSES) == {"reported", "nothing", "missing"}
        assert sorted([r["reporter"] for r in rows] + cov.not_due(week)) == sorted(n for n, _ in cov.reporters)
    # Week 48 is not Räddningstjänsten's; week 49 is, but on the 30th November has not ended: not judged yet.
    assert coverage.coverage(con, W48, dt.date(2026, 11, 30), n_weeks=1).not_due(W48) == ["Räddningstjänsten"]
    assert coverage.coverage(con, W48, dt.date(2026, 11, 30), n_weeks=1).week_statuses(W48) == [
        {"reporter": "Väktarbolaget", "status": "missing", "events": 0},
        {"reporter": "Skolan", "status": "reported", "events": 3}]


def test_a_figure_that_leans_on_a_missing_reporter_says_so(tmp_path: Path) -> None:
    con = con_with(tmp_path)
    found = coverage.reliance(con, W48, ["Väktarbolaget"], n_weeks=8)
    # The eight weeks before week 48: Väktarbolaget 10 of 23 events; 10 of 12 in Klotter, none in Stöld.
    assert len(found) == 1 and round(found[0].share, 3) == round(10 / 23, 3)
    assert found[0].categories == (("Klotter", 10 / 12),)
    assert coverage_text.reliance_sentences(found, W48) == [
        "Väktarbolaget har inte rapporterat v. 48 och brukar stå för 43 % av händelserna, i Klotter (83 %): "
        "siffrorna för veckan kan vara för låga där."]
    assert coverage.reliance(con, W48, ["Väktarbolaget"], ("Hamnen",)) == []


def test_the_reminder_names_the_missing_and_opens_as_mail(tmp_path: Path) -> None:
    w49 = IsoWeek(2026, 49)
    cov = coverage.coverage(con_with(tmp_path), w49, dt.date(2026, 12, 7))
    subject, body = coverage_text.reminder(cov, w49)  # type: ignore[misc]
    assert subject == "Påminnelse: rapport till lägesbilden v. 49 2026"
    assert ("för v. 49 (30 november–6 december 2026) från:\n- Väktarbolaget v. 47–49\n- Skolan v. 49\n"
            "- Räddningstjänsten november\n") in body
    link = coverage_text.mailto(subject, body)
    assert link.startswith("mailto:?subject=") and " " not in link and "\n" not in link
    assert urllib.parse.parse_qs(link.removeprefix("mailto:?"))["body"] == [body]
