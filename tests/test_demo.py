"""The demo generator: deterministic, complete, internally consistent and shaped like real data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from trygghet.core import initial_lists as defaults
from trygghet.demo import events as demo_events
from trygghet.demo.build import DemoSummary, build_demo

END = dt.date(2025, 10, 15)
LAST_MINUTE = dt.datetime(2025, 10, 15, 23, 59)
START = dt.date(2023, 1, 1)
EVENTS = 30_000

Demo = tuple[DemoSummary, Path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    return build_demo(path, seed=7, events=EVENTS, end=END, years=2), path


@pytest.fixture
def con(built: Demo) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built[1]), read_only=True)
    yield connection
    connection.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> object:
    return con.execute(sql, params or []).fetchone()[0]


def counted(con: duckdb.DuckDBPyConnection, sql: str) -> dict[object, int]:
    return dict(con.execute(sql).fetchall())


FINGERPRINT = """
SELECT
  (SELECT count(*) FROM events),
  (SELECT sum(hash(id, occurred_at, district, place, category, description, source, lat, lon))
     FROM events),
  (SELECT md5(string_agg(concat_ws('|', id, occurred_at, time_known, district, place, category,
                                   description, source, external_id, lat, lon), '\n' ORDER BY id))
     FROM events),
  -- hash(), not a cast: turning thousands of UHUGEINTs into text takes seconds.
  (SELECT sum(hash(dedup_key)) FROM events),
  (SELECT md5(string_agg(concat_ws('|', id, title, priority_area, district, owner, contact, status,
                                   start_date, end_date, comment, created_at, updated_at), '\n' ORDER BY id))
     FROM interventions),
  (SELECT md5(string_agg(concat_ws('|', intervention_id, field, old_value, new_value, changed_at), '\n'
                         ORDER BY intervention_id, changed_at, field))
     FROM intervention_history),
  (SELECT md5(string_agg(concat_ws('|', period, district, indicator, value, respondents), '\n'
                         ORDER BY period, district, indicator))
     FROM survey_results),
  (SELECT md5(string_agg(concat_ws('|', key, value), '\n' ORDER BY key)) FROM meta),
  (SELECT max(updated_at) FROM data_version)
"""


def fingerprint(path: Path) -> tuple[object, ...]:
    """Counts and md5s of every generated table, each in a fixed order."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(FINGERPRINT).fetchone()
    finally:
        con.close()


def test_summary_meta_and_version(built: Demo, con: duckdb.DuckDBPyConnection) -> None:
    summary, path = built
    assert summary.path == path
    assert (summary.start, summary.end) == (START, END)
    assert summary.events == one(con, "SELECT count(*) FROM events") == EVENTS
    assert summary.interventions == one(con, "SELECT count(*) FROM interventions")
    assert summary.districts == one(con, "SELECT count(*) FROM districts") == 10
    assert summary.seconds > 0
    meta = counted(con, "SELECT key, value FROM meta")
    assert meta["is_demo"] == "1"
    assert meta["municipality"] == "Solviks kommun"
    assert meta["demo_seed"] == "7"
    assert con.execute("SELECT version FROM data_version").fetchall() == [(1,)]
    assert one(con, "SELECT count(*) FROM uploads") == 0
    assert one(con, "SELECT count(*) FROM rejected_rows") == 0
    assert not path.with_name(path.name + ".wal").exists()


def test_same_seed_same_database_other_seed_other_data(built: Demo, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    again.write_bytes(b"an old file that must be replaced")
    build_demo(again, seed=7, events=EVENTS, end=END, years=2)
    assert fingerprint(again) == fingerprint(built[1])

    other = tmp_path / "nested" / "other.duckdb"
    build_demo(other, seed=8, events=EVENTS, end=END, years=2)
    mine, theirs = fingerprint(built[1]), fingerprint(other)
    assert theirs[0] == mine[0]
    assert theirs[1] != mine[1]
    assert theirs[2] != mine[2]


def test_a_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo_events, "generate_events", broken)
    path = tmp_path / "half.duckdb"
    with pytest.raises(RuntimeError):
        build_demo(path, events=100, end=END)
    assert not path.exists()


def test_period_runs_from_new_year_to_end_day(con: duckdb.DuckDBPyConnection) -> None:
    first, last = con.execute("SELECT min(occurred_at), max(occurred_at) FROM events").fetchone()
    assert dt.datetime(2023, 1, 1) <= first < dt.datetime(2023, 1, 2)
    assert dt.datetime(2025, 10, 15) <= last <= LAST_MINUTE
    per_year = counted(con, "SELECT year(occurred_at), count(*) FROM events GROUP BY 1")
    assert set(per_year) == {2023, 2024, 2025}


def test_events_are_ordered_unique_and_well_formed(con: duckdb.DuckDBPyConnection) -> None:
    ids = con.execute(
        """SELECT min(id), max(id), count(DISTINCT id), count(*) FILTER (WHERE occurred_at < previous)
           FROM (SELECT id, occurred_at, lag(occurred_at) OVER (ORDER BY id) AS previous FROM events)"""
    ).fetchone()
    assert ids == (1, EVENTS, EVENTS, 0)
    assert one(con, "SELECT count(DISTINCT dedup_key) FROM events") == EVENTS
    odd = "SELECT count(*) FROM events WHERE second(occurred_at) <> 0 OR upload_id IS NOT NULL"
    assert one(con, odd) == 0

    assert 0.90 <= one(con, "SELECT avg(time_known::INT) FROM events") <= 0.96
    midnight = "SELECT count(*) FROM events WHERE NOT time_known AND occurred_at <> occurred_at::DATE"
    assert one(con, midnight) == 0
    assert 0.05 <= one(con, "SELECT avg((place IS NULL)::INT) FROM events") <= 0.11
    assert 0.12 <= one(con, "SELECT avg((description IS NULL)::INT) FROM events") <= 0.18
    assert 0.55 <= one(con, "SELECT avg((lat IS NOT NULL)::INT) FROM events") <= 0.65
    assert one(con, "SELECT count(*) FROM events WHERE (lat IS NULL) <> (lon IS NULL)") == 0
    box = con.execute("SELECT min(lat), max(lat), min(lon), max(lon) FROM events").fetchone()
    assert box[0] > 58.28 and box[1] < 58.42 and box[2] > 12.22 and box[3] < 12.42

    # Case numbers only from the reporters that have them, and unique per reporter.
    ext = con.execute("SELECT source, external_id FROM events WHERE external_id IS NOT NULL").fetchall()
    assert {s for s, _ in ext} == {"Polisen", "Solviksbostäder"}
    assert all(re.fullmatch(r"(P|SB)-20\d\d-\d{6,}", e) for _, e in ext)
    assert len({e for _, e in ext}) == len(ext)
    missing = """SELECT count(*) FROM events
                 WHERE source IN ('Polisen', 'Solviksbostäder') AND external_id IS NULL"""
    assert one(con, missing) == 0


def test_reference_lists_cover_every_event(con: duckdb.DuckDBPyConnection) -> None:
    districts = con.execute(
        "SELECT name, police_area, municipality, neighbourhoods FROM districts ORDER BY sort_order"
    ).fetchall()
    assert [d[0] for d in districts] == ["Centrum", "Hamnen", "Norrby", "Söderby", "Björkdalen", "Ekbacken",
                                         "Granlunda", "Hagaberg", "Lindö", "Strandviken"]
    assert all(d[1] == "Solvik" and d[2] == "Solviks kommun" and 6 <= len(d[3]) <= 10 for d in districts)
    assert len({n for d in districts for n in d[3]}) == sum(len(d[3]) for d in districts)

    assert one(con, "SELECT count(*) FROM events WHERE district NOT IN (SELECT name FROM districts)") == 0
    assert one(con, "SELECT count(*) FROM events WHERE category NOT IN (SELECT name FROM categories)") == 0
    assert one(con, "SELECT count(DISTINCT district) FROM events") == 10
    assert one(con, "SELECT count(DISTINCT category) FROM events") >= 15
    assert one(con, "SELECT count(DISTINCT source) FROM events") >= 6
    assert one(con, "SELECT count(DISTINCT place) FROM events") >= 80


def test_districts_places_and_sources_differ_like_a_real_town(con: duckdb.DuckDBPyConnection) -> None:
    per_district = counted(con, "SELECT district, count(*) FROM events GROUP BY 1")
    assert per_district["Centrum"] > 3 * per_district["Lindö"]
    assert per_district["Norrby"] > 3 * per_district["Lindö"]
    assert min(per_district, key=per_district.get) == "Lindö"
    # A few places dominate: in every district the top three hold well over their fair share.
    shares = con.execute(
        """SELECT district, sum(n) FILTER (WHERE rk <= 3) / sum(n), count(*)
           FROM (SELECT district, place, count(*) AS n,
                        row_number() OVER (PARTITION BY district ORDER BY count(*) DESC) AS rk
                 FROM events WHERE place IS NOT NULL GROUP BY district, place)
           GROUP BY district"""
    ).fetchall()
    assert all(share > 0.35 and 8 <= places <= 15 for _, share, places in shares)
    # Fires come mostly from the rescue service, assaults from the police.
    by_source = "SELECT source, count(*) FROM events WHERE category = '{}' GROUP BY 1"
    fire = counted(con, by_source.format("Anlagd brand"))
    assert max(fire, key=fire.get) == "Räddningstjänsten"
    assault = counted(con, by_source.format("Misshandel"))
    assert max(assault, key=assault.get) == "Polisen"


def test_priority_areas(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT name, indicator_categories, valid_from, valid_to, description, goal FROM priority_areas"
    ).fetchall()
    areas = {r[0]: r[1:] for r in rows}
    assert set(areas) == {"Våld i nära relationer", "Rekrytering till kriminella strukturer",
                          "Organiserad brottslighet och narkotika",
                          "Otrygghetsskapande händelser i offentlig miljö"}
    assert areas["Våld i nära relationer"][0] == ["Hot/våld", "Misshandel"]
    assert "Narkotika/öppen droghandel" in areas["Organiserad brottslighet och narkotika"][0]
    names = {c[0] for c in defaults.CATEGORIES}
    for cats, valid_from, valid_to, description, goal in areas.values():
        assert set(cats) <= names
        assert (valid_from, valid_to) == (START, dt.date(2026, 12, 31))
        assert description and goal


def test_interventions_are_consistent_with_the_end_date(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT id, title, owner, contact, status, start_date, end_date, created_at, updated_at "
        "FROM interventions"
    ).fetchall()
    assert len(rows) >= 40
    assert len({r[1] for r in rows}) == len(rows)
    assert all(re.fullmatch(r"INS-20\d\d-\d\d", r[0]) for r in rows)
    assert {r[4] for r in rows} == set(defaults.STATUSES)
    assert {r[2] for r in rows} <= set(defaults.ORGANISATIONS)
    unknown = """SELECT count(*) FROM interventions
                 WHERE priority_area NOT IN (SELECT name FROM priority_areas)
                    OR district NOT IN (SELECT name FROM districts)"""
    assert one(con, unknown) == 0
    for _id, _title, _owner, _contact, status, start, end, created, updated in rows:
        assert dt.datetime(2023, 1, 1) <= created <= updated <= LAST_MINUTE
        assert end is None or start < end
        if status == "Planerad":
            assert start > END
        if status in ("Pågående", "Avslutad"):
            assert start <= END
        if status == "Avslutad":
            assert end is not None and end <= END
    overdue = "SELECT count(*) FROM interventions WHERE status = 'Pågående' AND end_date < ?"
    assert one(con, overdue, [END]) >= 1
    assert one(con, "SELECT count(*) FROM interventions WHERE end_date > ?", [END]) >= 5
    # Contacts are roles, never people.
    first_names = {"Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Erik", "Lars", "Karl", "Anders", "Johan"}
    assert all(r[3] and not first_names & set(r[3].split()) for r in rows)


def test_every_intervention_has_a_matching_history(con: duckdb.DuckDBPyConnection) -> None:
    orphans = """SELECT (SELECT count(*) FROM interventions
                         WHERE id NOT IN (SELECT intervention_id FROM intervention_history)),
                        (SELECT count(*) FROM intervention_history
                         WHERE intervention_id NOT IN (SELECT id FROM interventions))"""
    assert con.execute(orphans).fetchone() == (0, 0)
    who = con.execute("SELECT DISTINCT origin, changed_by, upload_id FROM intervention_history").fetchall()
    # The demo's own history, and the changes its weekly meetings made (demo.meetings), named by meeting.
    meetings = {("möte", f"Möte {d.isoformat()}", None) for (d,) in con.execute("SELECT held_on FROM meetings").fetchall()}
    assert ("demo", "Demodata", None) in who and set(who) <= {("demo", "Demodata", None)} | meetings
    span = con.execute("SELECT min(changed_at), max(changed_at) FROM intervention_history").fetchone()
    assert dt.datetime(2023, 1, 1) <= span[0] and span[1] <= LAST_MINUTE
    trails = con.execute(
        """SELECT i.status, i.updated_at,
                  list(h.old_value ORDER BY h.changed_at) FILTER (WHERE h.field = 'status'),
                  list(h.new_value ORDER BY h.changed_at) FILTER (WHERE h.field = 'status'),
                  max(h.changed_at)
           FROM interventions i JOIN intervention_history h ON h.intervention_id = i.id
           GROUP BY i.id, i.status, i.updated_at"""
    ).fetchall()
    for status, updated, olds, news, last_change in trails:
        assert olds[0] is None and news[0] == "Planerad"
        assert olds[1:] == news[:-1]  # each change starts where the previous one ended
        assert news[-1] == status
        assert updated == last_change
    assert one(con, "SELECT count(*) FROM intervention_history WHERE field = 'end_date'") >= 1


def test_survey_has_every_full_year_and_district(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT period, district, indicator, value, respondents FROM survey_results"
    ).fetchall()
    assert {r[0] for r in rows} == {"2023", "2024"}
    assert len(rows) == 2 * 10 * 4
    assert {r[1] for r in rows} == set(counted(con, "SELECT name, 1 FROM districts"))
    assert all(0 < r[3] < 100 and round(r[3], 1) == r[3] and 150 <= r[4] <= 600 for r in rows)
    safe = {(r[0], r[1]): r[3] for r in rows if r[2] == "Känner sig trygg utomhus på kvällen"}
    for year in ("2023", "2024"):
        assert safe[(year, "Lindö")] > safe[(year, "Centrum")] + 5
        assert safe[(year, "Lindö")] > safe[(year, "Norrby")] + 5


def test_requested_and_default_event_counts(tmp_path: Path) -> None:
    asked = build_demo(tmp_path / "n.duckdb", seed=3, events=12_345, end=dt.date(2026, 3, 1), years=1)
    con = duckdb.connect(str(asked.path), read_only=True)
    count, last = con.execute("SELECT count(*), max(occurred_at) FROM events").fetchone()
    con.close()
    assert abs(count - 12_345) <= 12_345 * 0.02
    assert asked.start == dt.date(2025, 1, 1) and last <= dt.datetime(2026, 3, 1, 23, 59)

    default = build_demo(tmp_path / "d.duckdb", end=dt.date(2025, 6, 30), years=1)
    expected = 14_000 * ((dt.date(2025, 6, 30) - dt.date(2024, 1, 1)).days + 1) / 365.25
    assert abs(default.events - expected) <= expected * 0.02


def test_seasons_weekdays_and_holidays(con: duckdb.DuckDBPyConnection) -> None:
    fires = con.execute(
        """SELECT avg(n) FILTER (WHERE new_year), avg(n)
           FROM (SELECT d, (month(d) = 12 AND day(d) = 31) OR (month(d) = 1 AND day(d) = 1) AS new_year,
                        count(e.id) AS n
                 FROM range(DATE '2023-01-01', DATE '2025-10-16', INTERVAL 1 DAY) t(d)
                 LEFT JOIN events e ON e.occurred_at::DATE = t.d AND e.category = 'Anlagd brand'
                 GROUP BY d)"""
    ).fetchone()
    assert fires[0] > 4 * fires[1]

    youth = "category = 'Ungdomar som samlas/stör'"
    evening = counted(
        con,
        f"""SELECT month(occurred_at), avg((hour(occurred_at) >= 18)::INT) FROM events
            WHERE {youth} AND time_known AND month(occurred_at) IN (1, 7) GROUP BY 1""",
    )
    assert evening[7] > evening[1] + 0.04
    per_month = counted(con, f"SELECT month(occurred_at), count(*) FROM events WHERE {youth} GROUP BY 1")
    assert per_month[7] > 2 * per_month[1]

    # Burglaries peak in the dark months and again over the July holidays.
    burglary = counted(
        con, "SELECT month(occurred_at), count(*) FROM events WHERE category = 'Inbrott' GROUP BY 1"
    )
    dark = sum(burglary[m] for m in (11, 12, 1, 2)) / 4
    spring = sum(burglary[m] for m in (4, 5, 6)) / 3
    assert dark > 1.2 * spring and burglary[7] > 1.3 * burglary[6]

    # Violence clusters in weekend nights: Friday 18:00 to Sunday 06:00 is 36 of the week's 168 hours.
    weekend_night = one(
        con,
        """SELECT avg((dayofweek(occurred_at) = 5 AND hour(occurred_at) >= 18
                      OR dayofweek(occurred_at) = 6
                      OR dayofweek(occurred_at) = 0 AND hour(occurred_at) < 6)::INT)
           FROM events WHERE category IN ('Misshandel', 'Bråk/slagsmål') AND time_known""",
    )
    assert weekend_night > 0.35

    afternoon_to_night = "SELECT avg((hour(occurred_at) >= 15 OR hour(occurred_at) < 2)::INT) FROM events"
    assert one(con, afternoon_to_night + " WHERE time_known") > 0.6


def test_an_effective_intervention_lowers_its_categories(
    built: Demo, con: duckdb.DuckDBPyConnection
) -> None:
    effective = list(built[0].effective_interventions)
    assert len(effective) >= 10
    rows = con.execute(
        """WITH iv AS (
             SELECT i.id, i.district, i.start_date AS s, least(coalesce(i.end_date, ?), ?) AS e,
                    p.indicator_categories AS cats
             FROM interventions i JOIN priority_areas p ON p.name = i.priority_area
             WHERE list_contains(?::VARCHAR[], i.id)
               AND i.start_date - INTERVAL 56 DAY >= ? AND i.start_date + INTERVAL 28 DAY <= ?)
           SELECT iv.id,
                  count(e.id) FILTER (WHERE e.occurred_at >= iv.s - INTERVAL 56 DAY AND e.occurred_at < iv.s)
                      / 8 AS before,
                  count(e.id) FILTER (WHERE e.occurred_at >= iv.s AND e.occurred_at < iv.e + INTERVAL 1 DAY)
                      / ((iv.e - iv.s + 1) / 7) AS during
           FROM iv LEFT JOIN events e ON e.district = iv.district AND list_contains(iv.cats, e.category)
           GROUP BY iv.id, iv.s, iv.e
           ORDER BY before DESC, iv.id""",
        [END, END, effective, START, END],
    ).fetchall()
    assert rows, "no effective intervention with eight weeks of history before it"
    _id, before, during = rows[0]
    assert before >= 5
    assert during < 0.85 * before
    # Most of them show it, not just the best-powered one.
    assert sum(d < b for _i, b, d in rows) > len(rows) / 2
