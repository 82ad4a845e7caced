"""The pages Insatser and Prioriterade områden under AppTest, on a small demo database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from trygghet.core import clock
from trygghet.core.filters import default_filters
from trygghet.demo.build import build_demo
from trygghet.store.db import Database

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("pages_insatser") / "demo.duckdb"
    build_demo(path, events=30_000)
    previous = os.environ.get("TRYGGHET_DB")
    os.environ["TRYGGHET_DB"] = str(path)
    try:
        yield Database(path)
    finally:
        if previous is None:
            os.environ.pop("TRYGGHET_DB", None)
        else:
            os.environ["TRYGGHET_DB"] = previous


def _page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, at.exception
    return at


def test_insatser_lists_what_the_status_filter_asks_for(demo_db: Database) -> None:
    at = _page("insatser")
    assert [t.value for t in at.title] == ["Insatser"]
    with demo_db.read() as con:
        total = con.execute("SELECT count(*) FROM interventions").fetchone()[0]
        running, overdue = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE end_date < ?) FROM interventions WHERE status = 'Pågående'",
            [clock.today()],
        ).fetchone()
    assert len(at.dataframe[0].value) == total
    counts = [m.value for m in at.markdown if m.value.endswith("visas") or " insatser** visas" in m.value]
    assert counts and counts[0].startswith(f"**{total} insatser** visas"), counts

    at.multiselect(key="ins_status").set_value(["Pågående"]).run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == running
    assert set(table["Status"]) == {"Pågående"}
    assert (table["Läge"] == "Försenad").sum() == overdue
    assert [s.value for s in at.header] == ["Tidslinje", "Följ upp en insats"]
    # Nothing is followed up until an intervention is chosen; the first listed one then speaks of its
    # period and gives an interval.
    assert at.selectbox(key="ins_selected").value is None
    assert not any(m.value.startswith("**Under insatsen:") for m in at.markdown)
    at.selectbox(key="ins_selected").set_value(table["Insats-ID"].iloc[0]).run()
    assert not at.exception, at.exception
    assert any(m.value.startswith("**Under insatsen:") for m in at.markdown)
    # The choice stays while the intervention is listed, and goes when a filter leaves it out.
    at.multiselect(key="ins_owner").set_value([table["Ansvarig aktör"].iloc[0]]).run()
    assert at.selectbox(key="ins_selected").value == table["Insats-ID"].iloc[0]
    at.multiselect(key="ins_owner").set_value([]).run()
    at.multiselect(key="ins_status").set_value(["Avslutad"]).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="ins_selected").value is None


def test_insatser_says_why_a_planned_intervention_has_no_effect(demo_db: Database) -> None:
    at = _page("insatser")
    at.multiselect(key="ins_status").set_value(["Planerad"]).run()
    with demo_db.read() as con:
        future = con.execute(
            "SELECT id FROM interventions WHERE status = 'Planerad' AND start_date > ? ORDER BY id LIMIT 1",
            [clock.today()],
        ).fetchone()[0]
    at.selectbox(key="ins_selected").set_value(future).run()
    assert not at.exception, at.exception
    assert any("inga hela veckor" in i.value for i in at.info)


def test_prioriterade_shows_every_area_in_one_table_and_the_chosen_one_in_detail(demo_db: Database) -> None:
    at = _page("prioriterade")
    end = default_filters(clock.today()).end
    with demo_db.read() as con:
        names = [r[0] for r in con.execute(
            """SELECT name FROM priority_areas WHERE coalesce(valid_from <= ?, TRUE) AND coalesce(valid_to >= ?, TRUE)
               ORDER BY valid_from NULLS FIRST, name""",
            [end, end],
        ).fetchall()]
        total = con.execute("SELECT count(*) FROM priority_areas").fetchone()[0]
    assert len(names) == total > 1  # the demo's areas are all valid today
    assert [t.value for t in at.title] == ["Prioriterade områden"]
    overview = at.table[0].value
    assert list(overview["Område"]) == names
    # One area in detail, the first by default: one trend chart, not one per area.
    assert [s.value for s in at.header] == ["Alla områden", names[0]]
    assert at.pills(key="prio_omrade").value == names[0]
    assert at.query_params["omrade"] == names[0]

    at.pills(key="prio_omrade").set_value(names[1]).run()
    assert not at.exception, at.exception
    assert [s.value for s in at.header] == ["Alla områden", names[1]]
    assert at.query_params["omrade"] == names[1]
    at.run()  # a rerun, say after a district is chosen, keeps the area
    assert [s.value for s in at.header] == ["Alla områden", names[1]]


def test_a_link_to_an_area_opens_it_even_when_the_sidebar_rewrites_the_address(demo_db: Database) -> None:
    """A hand-written link: a district in other letter case and no week, so the sidebar writes the
    address anew on the first run; the linked area must survive that."""
    with demo_db.read() as con:
        names = [r[0] for r in con.execute("SELECT name FROM priority_areas ORDER BY name").fetchall()]
        district = con.execute("SELECT name FROM districts ORDER BY name LIMIT 1").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["omrade"] = names[-1]
    at.query_params["stadsdel"] = district.upper()
    at.run()
    at.switch_page("pages/prioriterade.py")
    at.query_params["omrade"] = names[-1]
    at.query_params["stadsdel"] = district.upper()
    at.run()
    assert not at.exception, at.exception
    assert at.pills(key="prio_omrade").value == names[-1]
    assert at.query_params["omrade"] == names[-1]
