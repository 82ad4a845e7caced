"""analysis.action_plan on a real DuckDB file: the analysis per problem, the åtgärdsplan with the
council's decision, follow-ups per period and the commitments; every write checks the actor's role,
masks personal data and is refused whole with a Swedish message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from trygghet.analysis import action_plan as plans
from trygghet.store.access import AccessDenied, Actor
from trygghet.store.db import Database, init_database

EDITOR = Actor("Samordnare", "redigerare")
READER = Actor("Läsare", "läsare")
NOW = dt.datetime(2026, 9, 10, 10, 0)
END = dt.date(2026, 8, 31)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "plan.duckdb")
    init_database(database)
    return database


def test_analyses_are_kept_per_report_in_order_and_masked(db: Database) -> None:
    items = [plans.ProblemAnalysis("Öppen droghandel", places="Hamnplan", consequences="Otrygghet"),
             plans.ProblemAnalysis("Skadegörelse", offenders="Unga, kontakt 070-123 45 67")]
    cleaned = plans.save_analyses(db, "2026-T2", "alla", items, now=NOW, actor=EDITOR)
    assert cleaned.counts and "telefonnummer" in cleaned.message
    with db.read() as con:
        stored = plans.analyses(con, "2026-T2", "alla")
        assert plans.analyses(con, "2026-T1", "alla") == []
    assert [a.problem for a in stored] == ["Öppen droghandel", "Skadegörelse"]
    assert "070" not in (stored[1].offenders or "")
    with pytest.raises(plans.PlanError, match="står två gånger"):
        plans.save_analyses(db, "2026-T2", "alla", [items[0], items[0]], now=NOW, actor=EDITOR)
    with pytest.raises(AccessDenied):
        plans.save_analyses(db, "2026-T2", "alla", items, now=NOW, actor=READER)
    with db.read() as con:
        assert len(plans.analyses(con, "2026-T2", "alla")) == 2  # nothing half-written


def test_the_plan_keeps_its_measures_ids_and_follow_ups(db: Database) -> None:
    first = [plans.Measure("Öppen droghandel", "Riktade kontroller", cause="Skymda platser", owner="Polis",
                           resources="Områdesgruppen"),
             plans.Measure("Skadegörelse", "Sanering inom ett dygn", goal="−20 % mot 2024")]
    decision = plans.PlanDecision("Kommunfullmäktige", dt.date(2026, 4, 20), "KS 2026/0142")
    plans.save_plan(db, "2026-T2", "alla", END, decision, first, ["Pågående", "Planerad"], now=NOW, actor=EDITOR)
    with db.read() as con:
        stored = plans.measures(con, "2026-T2", "alla")
        assert plans.plan_decision(con, "2026-T2", "alla") == decision
        status = plans.followups(con, plans.MEASURE, END, "alla")
    assert [s.status for s in (status[stored[0].id], status[stored[1].id])] == ["Pågående", "Planerad"]
    # Followed up in the next tertial: the plan's own period still says what it said.
    plans.save_followups(db, plans.MEASURE, "2026-T3", "alla", dt.date(2026, 12, 31),
                         {stored[0].id: plans.FollowUp("Genomförd", "Klart i oktober")}, now=NOW, actor=EDITOR)
    with db.read() as con:
        assert plans.followups(con, plans.MEASURE, END, "alla")[stored[0].id].status == "Pågående"
        assert plans.followups(con, plans.MEASURE, dt.date(2026, 12, 31), "alla")[stored[0].id].status == "Genomförd"
        assert plans.previous_plan(con, "alla", dt.date(2026, 9, 1)) == ("2026-T2", END)
        assert plans.previous_plan(con, "alla", dt.date(2026, 5, 1)) is None
    # Saved again with the first measure changed and the second removed: the first keeps its id.
    plans.save_plan(db, "2026-T2", "alla", END, decision, [first[0].__class__(**{**vars(stored[0]),
                                                                                "measure": "Kontroller och kameror"})],
                    now=NOW, actor=EDITOR)
    with db.read() as con:
        again = plans.measures(con, "2026-T2", "alla")
        assert [(m.id, m.measure) for m in again] == [(stored[0].id, "Kontroller och kameror")]
        assert stored[1].id not in plans.followups(con, plans.MEASURE, END, "alla")


def test_refused_plans_say_why_and_change_nothing(db: Database) -> None:
    decision = plans.PlanDecision("Kommunfullmäktige", dt.date(2026, 9, 11), None)
    with pytest.raises(plans.PlanError, match="framtiden"):
        plans.save_plan(db, "2026-T2", "alla", END, decision, [], now=NOW, actor=EDITOR)
    with pytest.raises(plans.PlanError, match="saknar åtgärd"):
        plans.save_plan(db, "2026-T2", "alla", END, plans.PlanDecision(), [plans.Measure("Skadegörelse", "")],
                        now=NOW, actor=EDITOR)
    with pytest.raises(plans.PlanError, match="Okänd status"):
        plans.save_plan(db, "2026-T2", "alla", END, plans.PlanDecision(), [plans.Measure("A", "B")], ["Klar"],
                        now=NOW, actor=EDITOR)
    with pytest.raises(AccessDenied):
        plans.save_plan(db, "2026-T2", "alla", END, plans.PlanDecision(), [plans.Measure("A", "B")], now=NOW,
                        actor=READER)
    with db.read() as con:
        assert plans.measures(con, "2026-T2", "alla") == []
        assert plans.plan_decision(con, "2026-T2", "alla") == plans.PlanDecision()


def test_commitments_and_their_status_per_period(db: Database) -> None:
    items = [plans.Commitment("medborgarlöfte", "Fler vuxna på torget", valid_from=dt.date(2026, 1, 1),
                              valid_to=dt.date(2026, 12, 31)),
             plans.Commitment("samordningsfunktion", "Trygghetssamordnare", parties="Kommunstyrelsen")]
    plans.save_commitments(db, items, [plans.FollowUp("Pågår enligt plan"), None], ("2026-T2", END), now=NOW,
                           actor=EDITOR)
    with db.read() as con:
        stored = plans.commitments(con, dt.date(2026, 5, 1), END)
        assert [c.kind for c in stored] == ["samordningsfunktion", "medborgarlöfte"]  # the function first
        assert plans.commitments(con, dt.date(2025, 1, 1), dt.date(2025, 4, 30))[0].kind == "samordningsfunktion"
        status = plans.followups(con, plans.COMMITMENT, END)
    promise = next(c for c in stored if c.kind == "medborgarlöfte")
    assert status[promise.id].status == "Pågår enligt plan"
    with pytest.raises(plans.PlanError, match="okänd typ"):
        plans.save_commitments(db, [plans.Commitment("löfte", "X")], now=NOW, actor=EDITOR)
    with pytest.raises(plans.PlanError, match="slutar före"):
        plans.save_commitments(db, [plans.Commitment("medborgarlöfte", "X", valid_from=dt.date(2026, 2, 1),
                                                     valid_to=dt.date(2026, 1, 1))], now=NOW, actor=EDITOR)
