"""The lägesbild's analysis and åtgärdsplan as data, kept with the report (period and districts)
they belong to: an analysis per prioritised problem (rationale, the crime triangle's gärningsperson,
brottsoffer/mål and plats, risk and protective factors, consequences, resources), the plan's
measures (problem → cause → measure → goal → owner → resources), the council's decision on the plan,
the follow-ups written in later periods, and the municipality's commitments (samordningsfunktion,
samverkansöverenskommelse, medborgarlöften).

A measure's or a commitment's status is a follow-up written for a period: the plan of tertial 1
is followed up in tertial 2 without changing what the report of tertial 1 says. Every write checks
the actor, passes its texts through the personal-data guard and runs as one transaction. No
Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

import duckdb
import pandas as pd

from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.store import access, audit
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.schema import table_names

MAX_TEXT = 2000
MEASURE_STATUSES = ("Planerad", "Pågående", "Genomförd", "Inställd")
COMMITMENT_STATUSES = ("Gäller", "Pågår enligt plan", "Försenat", "Uppfyllt", "Ej uppfyllt", "Upphört")
COMMITMENT_KINDS = {
    "samordningsfunktion": "Samordningsfunktion",
    "samverkansöverenskommelse": "Samverkansöverenskommelse",
    "medborgarlöfte": "Medborgarlöfte",
}
MEASURE, COMMITMENT = "åtgärd", "åtagande"


class PlanError(UserError, ValueError):
    """A refused analysis or plan write, with a Swedish message."""


@dataclass
class Cleaned:
    """What the personal-data guard took out of one write's texts, to tell the user."""

    counts: Counter[str] = field(default_factory=Counter)

    def text(self, value: object, limit: int = MAX_TEXT) -> str | None:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return None
        cleaned = str(value).replace("\r\n", "\n").replace("\r", "\n")
        # Control characters are invalid in Word's XML and in PDF text; a pasted text can carry them.
        cleaned = "".join(c for c in cleaned if c in "\n\t" or (ord(c) >= 32 and ord(c) != 127)).strip()
        if not cleaned:
            return None
        scrubbed, findings = privacy.scrub(cleaned[: limit + 64])
        self.counts.update(findings.counts)
        return scrubbed[:limit].strip() or None

    @property
    def message(self) -> str:
        return f"Borttaget ur texten: {privacy.describe(self.counts)}." if self.counts else ""


# ---------------------------------------------------------------- analyses per problem


@dataclass(frozen=True)
class ProblemAnalysis:
    problem: str
    priority_area: str | None = None
    rationale: str | None = None  # why this problem is prioritised
    offenders: str | None = None  # the triangle: gärningsperson
    targets: str | None = None  # brottsoffer or mål
    places: str | None = None  # plats
    risk_factors: str | None = None
    protective_factors: str | None = None
    consequences: str | None = None
    resources: str | None = None


ANALYSIS_FIELDS = tuple(f.name for f in fields(ProblemAnalysis))
ANALYSIS_LABELS = {
    "problem": "Problem", "priority_area": "Prioriterat område", "rationale": "Varför det prioriteras",
    "offenders": "Gärningsperson", "targets": "Brottsoffer eller mål", "places": "Plats",
    "risk_factors": "Riskfaktorer", "protective_factors": "Skyddsfaktorer", "consequences": "Konsekvenser",
    "resources": "Resurser",
}


def analyses(con: duckdb.DuckDBPyConnection, period_key: str, districts_key: str) -> list[ProblemAnalysis]:
    if "problem_analyses" not in table_names(con):
        return []
    rows = con.execute(
        f"""SELECT {', '.join(ANALYSIS_FIELDS)} FROM problem_analyses WHERE period_key = ? AND districts_key = ?
            ORDER BY sort_order, problem""", [period_key, districts_key]).fetchall()
    return [ProblemAnalysis(*row) for row in rows]


def save_analyses(db: Database, period_key: str, districts_key: str, items: Sequence[ProblemAnalysis],
                  now: dt.datetime | None = None, *, actor: Actor) -> Cleaned:
    """Replaces the report's analyses with `items`, in their order."""
    access.require(actor, access.RUN_MEETINGS, "spara analysen")
    cleaned = Cleaned()
    rows, seen = [], set()
    for order, item in enumerate(items):
        values = {name: cleaned.text(getattr(item, name), 200 if name in ("problem", "priority_area") else MAX_TEXT)
                  for name in ANALYSIS_FIELDS}
        if not values["problem"]:
            if any(values.values()):
                raise PlanError(f"Analys {order + 1} saknar problem: skriv vilket problem den gäller.")
            continue
        if values["problem"].casefold() in seen:
            raise PlanError(f"Problemet '{values['problem']}' står två gånger; slå ihop analyserna.")
        seen.add(values["problem"].casefold())
        rows.append([period_key, districts_key, *values.values(), order, now or clock.now(), actor.name])
    with db.write() as con:
        con.execute("DELETE FROM problem_analyses WHERE period_key = ? AND districts_key = ?",
                    [period_key, districts_key])
        if rows:
            con.executemany(f"INSERT INTO problem_analyses VALUES ({', '.join('?' for _ in rows[0])})", rows)
        audit.record(con, actor, "analys per problem", f"{period_key}|{districts_key}", {"antal": len(rows)})
    return cleaned


# ---------------------------------------------------------------- the plan and its measures


@dataclass(frozen=True)
class PlanDecision:
    decided_by: str | None = None  # usually kommunfullmäktige
    decided_on: dt.date | None = None
    diarienummer: str | None = None


@dataclass(frozen=True)
class Measure:
    problem: str
    measure: str
    cause: str | None = None
    goal: str | None = None
    owner: str | None = None
    resources: str | None = None
    intervention_id: str | None = None
    id: int | None = None


MEASURE_FIELDS = ("problem", "cause", "measure", "goal", "owner", "resources", "intervention_id")
MEASURE_LABELS = {"problem": "Problem", "cause": "Orsak", "measure": "Åtgärd", "goal": "Mål",
                  "owner": "Ansvarig", "resources": "Resurser", "intervention_id": "Insats-ID"}


def plan_decision(con: duckdb.DuckDBPyConnection, period_key: str, districts_key: str) -> PlanDecision:
    if "action_plans" not in table_names(con):
        return PlanDecision()
    row = con.execute("SELECT decided_by, decided_on, diarienummer FROM action_plans WHERE period_key = ? "
                      "AND districts_key = ?", [period_key, districts_key]).fetchone()
    return PlanDecision(*row) if row else PlanDecision()


def measures(con: duckdb.DuckDBPyConnection, period_key: str, districts_key: str) -> list[Measure]:
    if "action_measures" not in table_names(con):
        return []
    rows = con.execute(
        f"""SELECT {', '.join(MEASURE_FIELDS)}, id FROM action_measures WHERE period_key = ? AND districts_key = ?
            ORDER BY sort_order, id""", [period_key, districts_key]).fetchall()
    return [Measure(problem=r[0], cause=r[1], measure=r[2], goal=r[3], owner=r[4], resources=r[5],
                    intervention_id=r[6], id=int(r[7])) for r in rows]


def _check_decision(decision: PlanDecision, today: dt.date) -> None:
    if decision.decided_on is not None and decision.decided_on > today:
        raise PlanError(f"Beslutsdatumet {decision.decided_on:%Y-%m-%d} ligger i framtiden; skriv datumet då "
                        "kommunfullmäktige fattade beslutet.")


def save_plan(db: Database, period_key: str, districts_key: str, period_end: dt.date, decision: PlanDecision,
              items: Sequence[Measure], statuses: Sequence[str | None] | None = None, now: dt.datetime | None = None,
              *, actor: Actor) -> Cleaned:
    """Replaces the report's åtgärdsplan: the council's decision and the measures in their order, with
    each measure's status in this period (`statuses`, in the same order; None keeps none). A measure
    keeps its id (and so its follow-ups) when it is saved again. One transaction."""
    access.require(actor, access.RUN_MEETINGS, "spara åtgärdsplanen")
    when = now or clock.now()
    _check_decision(decision, when.date())
    for status in statuses or ():
        if status is not None and status not in MEASURE_STATUSES:
            raise PlanError(f"Okänd status '{status}' (välj {', '.join(MEASURE_STATUSES)}).")
    cleaned = Cleaned()
    by = cleaned.text(decision.decided_by, 200)
    number = cleaned.text(decision.diarienummer, 100)
    rows = []
    for order, item in enumerate(items):
        values = {name: cleaned.text(getattr(item, name), 200 if name in ("problem", "intervention_id") else MAX_TEXT)
                  for name in MEASURE_FIELDS}
        if not values["measure"] and not values["problem"]:
            if any(values.values()):
                raise PlanError(f"Rad {order + 1} i åtgärdsplanen saknar både problem och åtgärd.")
            continue
        if not values["measure"]:
            raise PlanError(f"Rad {order + 1} i åtgärdsplanen saknar åtgärd: skriv vad som ska göras.")
        if not values["problem"]:
            raise PlanError(f"Åtgärden '{values['measure']}' saknar problem: skriv vilket problem den ska påverka.")
        status = statuses[order] if statuses is not None and order < len(statuses) else None
        rows.append((item.id, values, order, status))
    with db.write() as con:
        known = {int(r[0]) for r in con.execute(
            "SELECT id FROM action_measures WHERE period_key = ? AND districts_key = ?",
            [period_key, districts_key]).fetchall()}
        kept = {i for i, _, _, _ in rows if i is not None and i in known}
        for gone in known - kept:
            con.execute("DELETE FROM followups WHERE item_kind = ? AND item_id = ?", [MEASURE, gone])
        con.execute("DELETE FROM action_measures WHERE period_key = ? AND districts_key = ?",
                    [period_key, districts_key])
        next_id = int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM action_measures").fetchone()[0])
        next_id = max(next_id, max(known, default=0) + 1)
        for mid, values, order, status in rows:
            if mid is None or mid not in kept:
                mid, next_id = next_id, next_id + 1
            con.execute("INSERT INTO action_measures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [mid, period_key, districts_key, values["problem"], values["cause"], values["measure"],
                         values["goal"], values["owner"], values["resources"], values["intervention_id"], order, when])
            if status is not None:
                con.execute("INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [MEASURE, mid, period_key, districts_key, period_end, status, None, when])
        con.execute("INSERT OR REPLACE INTO action_plans VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [period_key, districts_key, period_end, by, decision.decided_on, number, when])
        audit.record(con, actor, "åtgärdsplan", f"{period_key}|{districts_key}",
                     {"åtgärder": len(rows), "diarienummer": number})
    return cleaned


def previous_plan(con: duckdb.DuckDBPyConnection, districts_key: str, before: dt.date
                  ) -> tuple[str, dt.date] | None:
    """The latest plan for the same districts whose period ended before `before`: (period key, end)."""
    if "action_plans" not in table_names(con):
        return None
    row = con.execute(
        """SELECT period_key, period_end FROM action_plans WHERE districts_key = ? AND period_end < ?
           AND EXISTS (SELECT 1 FROM action_measures m WHERE m.period_key = action_plans.period_key
                       AND m.districts_key = action_plans.districts_key)
           ORDER BY period_end DESC LIMIT 1""", [districts_key, before]).fetchone()
    return (row[0], row[1]) if row else None


# ---------------------------------------------------------------- follow-ups


@dataclass(frozen=True)
class FollowUp:
    status: str
    note: str | None = None


def followups(con: duckdb.DuckDBPyConnection, item_kind: str, period_end: dt.date,
              districts_key: str | None = None) -> dict[int, FollowUp]:
    """Each item's latest follow-up written for a period that ended on or before `period_end`."""
    if "followups" not in table_names(con):
        return {}
    district_sql, params = "TRUE", []
    if districts_key is not None:
        district_sql, params = "districts_key = ?", [districts_key]
    rows = con.execute(
        f"""SELECT item_id, arg_max(status, period_end), arg_max(note, period_end) FROM followups
            WHERE item_kind = ? AND period_end <= ? AND {district_sql} GROUP BY item_id""",
        [item_kind, period_end, *params]).fetchall()
    return {int(i): FollowUp(s, n) for i, s, n in rows}


def save_followups(db: Database, item_kind: str, period_key: str, districts_key: str, period_end: dt.date,
                   items: Mapping[int, FollowUp], now: dt.datetime | None = None, *, actor: Actor) -> Cleaned:
    """The follow-ups written for one period (a status and a note per measure or commitment)."""
    access.require(actor, access.RUN_MEETINGS, "spara uppföljningen")
    allowed = MEASURE_STATUSES if item_kind == MEASURE else COMMITMENT_STATUSES
    cleaned = Cleaned()
    rows = []
    for item_id, item in items.items():
        if item.status not in allowed:
            raise PlanError(f"Okänd status '{item.status}' (välj {', '.join(allowed)}).")
        rows.append([item_kind, int(item_id), period_key, districts_key, period_end, item.status,
                     cleaned.text(item.note), now or clock.now()])
    with db.write() as con:
        if rows:
            con.executemany("INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        audit.record(con, actor, "uppföljning", f"{item_kind} {period_key}|{districts_key}", {"antal": len(rows)})
    return cleaned


# ---------------------------------------------------------------- commitments


@dataclass(frozen=True)
class Commitment:
    kind: str  # a key of COMMITMENT_KINDS
    title: str
    description: str | None = None
    parties: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    id: int | None = None


def commitments(con: duckdb.DuckDBPyConnection, first: dt.date | None = None, last: dt.date | None = None
                ) -> list[Commitment]:
    """The commitments valid at some time between `first` and `last` (all when not given), the
    coordinating function first, then the agreement, then the promises."""
    if "commitments" not in table_names(con):
        return []
    rows = con.execute(
        """SELECT kind, title, description, parties, valid_from, valid_to, id FROM commitments
           WHERE coalesce(valid_from <= ?, TRUE) AND coalesce(valid_to >= ?, TRUE)
           ORDER BY CASE kind WHEN 'samordningsfunktion' THEN 0 WHEN 'samverkansöverenskommelse' THEN 1 ELSE 2 END,
                    valid_from NULLS FIRST, id""",
        [last or dt.date.max, first or dt.date.min]).fetchall()
    return [Commitment(*r[:6], id=int(r[6])) for r in rows]


def save_commitments(db: Database, items: Sequence[Commitment], status: Sequence[FollowUp | None] = (),
                     period: tuple[str, dt.date] | None = None, now: dt.datetime | None = None, *,
                     actor: Actor) -> Cleaned:
    """Replaces the commitments; one keeps its id (and its follow-ups) when it is saved again. `status`
    (in the items' order) is each one's follow-up for `period` (its key and last day). One transaction."""
    access.require(actor, access.RUN_MEETINGS, "spara samordning och överenskommelser")
    cleaned = Cleaned()
    rows = []
    for follow in status:
        if follow is not None and follow.status not in COMMITMENT_STATUSES:
            raise PlanError(f"Okänd status '{follow.status}' (välj {', '.join(COMMITMENT_STATUSES)}).")
    for n, item in enumerate(items, start=1):
        if item.kind not in COMMITMENT_KINDS:
            raise PlanError(f"Rad {n}: okänd typ '{item.kind}' (välj {', '.join(COMMITMENT_KINDS.values())}).")
        title = cleaned.text(item.title, 300)
        if not title:
            raise PlanError(f"Rad {n} saknar rubrik: skriv vad åtagandet heter.")
        if item.valid_from and item.valid_to and item.valid_to < item.valid_from:
            raise PlanError(f"'{title}' slutar före den börjar; kontrollera datumen.")
        follow = status[n - 1] if n - 1 < len(status) else None
        rows.append((item.id, [item.kind, title, cleaned.text(item.description), cleaned.text(item.parties, 500),
                               item.valid_from, item.valid_to], follow))
    when = now or clock.now()
    with db.write() as con:
        known = {int(r[0]) for r in con.execute("SELECT id FROM commitments").fetchall()}
        kept = {i for i, _, _ in rows if i is not None and i in known}
        for gone in known - kept:
            con.execute("DELETE FROM followups WHERE item_kind = ? AND item_id = ?", [COMMITMENT, gone])
        con.execute("DELETE FROM commitments")
        next_id = max(known, default=0) + 1
        for cid, values, follow in rows:
            if cid is None or cid not in kept:
                cid, next_id = next_id, next_id + 1
            con.execute("INSERT INTO commitments VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [cid, *values, when])
            if follow is not None and period is not None:
                con.execute("INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            [COMMITMENT, cid, period[0], "alla", period[1], follow.status,
                             cleaned.text(follow.note), when])
        audit.record(con, actor, "samordning och överenskommelser", None, {"antal": len(rows)})
    return cleaned


def as_frame(items: Sequence[object]) -> pd.DataFrame:
    """Dataclass items as a frame, for the page's tables."""
    return pd.DataFrame([vars(i) for i in items]) if items else pd.DataFrame()
