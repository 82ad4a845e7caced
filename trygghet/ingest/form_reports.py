"""Reports made in the Rapportera form: one event, or "Inget att rapportera" for a week.

Every write checks the actor as it is now (access.require_report_for, access.REVIEW): a rapportör
reports only for its own organisation, a redigerare for any; a läsare not at all. With the
administrator's setting "granskning" a report waits in `form_reports` until a redigerare approves
(possibly edited) or rejects it; only then does it count. Without it, it counts at once. Texts pass
the personal-data guard before they are stored, and every step is in the audit log.

An organisation is resolved once, by reporter_list: the write check compares its key, the report is
stored under the Rapportörer list's spelling, and what a rapportör may see (its reports, its places) is
filtered by the same key. The account that acted is stored as the audit log stores its actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.core.periods import IsoWeek
from trygghet.core.text import Vocabulary, clean
from trygghet.ingest import reporters
from trygghet.store import access, audit, reference_lists, reporter_list
from trygghet.store import db as dbmod
from trygghet.store import event_counts as counts
from trygghet.store.access import Actor
from trygghet.store.db import Database
from trygghet.store.sql import in_list

EVENT, NOTHING = "händelse", "inget"
WAITING, APPROVED, REJECTED = "väntar", "godkänd", "avvisad"
REVIEW_SETTING = "reporting_review"
MAX_TEXT = 4000
LAT, LON = (55.0, 69.5), (10.5, 24.5)
# How far back a rapportör may date a report: the weeks of the coverage table. Older periods may have
# signed minutes and registered reports; a redigerare can still add to them.
REPORTER_WEEKS_BACK = 8


class ReportError(UserError, ValueError):
    """A report the form cannot take; the message is Swedish and says what to change."""


@dataclass(frozen=True)
class Draft:
    """One event as typed in the form."""

    reporter: str
    occurred_at: dt.datetime
    time_known: bool
    district: str
    category: str
    place: str | None = None
    description: str | None = None
    lat: float | None = None
    lon: float | None = None


def guard(text: str | None) -> tuple[str | None, privacy.Findings]:
    """The text as it will be stored (cleaned, personal data replaced) and what was removed."""
    if text is None or not clean(text):
        return None, privacy.Findings()
    cleaned, found = privacy.scrub(clean(text))
    return cleaned, found


# ---------------------------------------------------------------- the review setting


def review_required(db: Database) -> bool:
    if not db.exists():
        return False
    with db.read() as con:
        return dbmod.get_meta(con, REVIEW_SETTING) == "1"


def set_review_required(db: Database, on: bool, actor: Actor) -> None:
    access.require(actor, access.SETTINGS, "ändra granskningen av rapporter")
    with db.write() as con:
        before = dbmod.get_meta(con, REVIEW_SETTING) == "1"
        dbmod.set_meta(con, REVIEW_SETTING, "1" if on else "0")
        audit.record(con, actor, "inställning", "granskning av rapporter", {"före": before, "efter": on})


# ---------------------------------------------------------------- reporting


def _checked(con: duckdb.DuckDBPyConnection, draft: Draft, today: dt.date) -> Draft:
    district = Vocabulary(reference_lists.districts(con)).match(draft.district or "")
    if district is None:
        raise ReportError("Välj en stadsdel ur listan.")
    category = Vocabulary(reference_lists.categories(con)).match(draft.category or "")
    if category is None:
        raise ReportError("Välj en kategori ur listan.")
    if draft.occurred_at.date() > today:
        raise ReportError(f"Datumet {draft.occurred_at.date().isoformat()} ligger i framtiden. Välj dagen då det hände.")
    if (draft.lat is None) != (draft.lon is None):
        raise ReportError("Både latitud och longitud behövs för en position. Fyll i båda eller töm båda.")
    if draft.lat is not None and not (LAT[0] <= draft.lat <= LAT[1] and LON[0] <= draft.lon <= LON[1]):  # type: ignore[operator]
        raise ReportError("Positionen ligger utanför Sverige. Töm fälten eller hämta positionen igen.")
    texts = {}
    for name, label in (("place", "Platsen"), ("description", "Beskrivningen")):
        value, _ = guard(getattr(draft, name))
        if value is not None and len(value) > MAX_TEXT:
            raise ReportError(f"{label} är för lång ({len(value)} tecken; högst {MAX_TEXT}). Korta den.")
        texts[name] = value
    return replace(draft, district=district, category=category, **texts)


def earliest_day(actor: Actor, today: dt.date) -> dt.date | None:
    """The first day a report by this actor may fall on: for a rapportör the Monday
    REPORTER_WEEKS_BACK weeks before this week's; None (no limit) for everyone else."""
    return IsoWeek.of(today).shift(-REPORTER_WEEKS_BACK).monday() if actor.is_reporter else None


def _check_period(actor: Actor, first_day: dt.date, today: dt.date) -> None:
    earliest = earliest_day(actor, today)
    if earliest is not None and first_day < earliest:
        raise ReportError(
            f"Som rapportör kan du rapportera för de senaste {REPORTER_WEEKS_BACK} veckorna, från och med "
            f"{earliest.isoformat()}. {first_day.isoformat()} ligger före det: välj en senare dag, eller be en "
            "redigerare lägga in den äldre rapporten.")


def _reporter(con: duckdb.DuckDBPyConnection, actor: Actor, organisation: str, what: str) -> tuple[Actor, str]:
    """The actor as it is now, and the organisation as the Rapportörer list spells it."""
    organisation = clean(organisation or "")
    if not organisation:
        raise ReportError("Välj vilken organisation rapporten gäller.")
    now = access.require_report_for(actor, organisation, what)
    return now, reporter_list.canonical(con, privacy.scrub(organisation)[0])


def _next_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(id), 0) + 1 FROM form_reports").fetchall()[0][0])


def submit_event(db: Database, draft: Draft, actor: Actor) -> tuple[int, str]:
    """Stores an event report; (its number, its status: godkänd or väntar)."""
    access.require_report_for(actor, draft.reporter or "", "rapportera")  # before the file is touched
    with db.write() as con:
        now_actor, reporter = _reporter(con, actor, draft.reporter, "rapportera")
        draft = replace(_checked(con, draft, clock.today()), reporter=reporter)
        _check_period(now_actor, draft.occurred_at.date(), clock.today())
        report_id, now = _next_id(con), clock.now().replace(microsecond=0)
        waiting = dbmod.get_meta(con, REVIEW_SETTING) == "1"
        con.execute(
            "INSERT INTO form_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, NULL)",
            [report_id, reporter, EVENT, draft.occurred_at, draft.time_known, draft.district, draft.place,
             draft.category, draft.description, draft.lat, draft.lon, WAITING if waiting else APPROVED,
             now_actor.name, now],
        ).fetchall()
        if not waiting:
            _count_event(con, report_id)
        audit.record(con, now_actor, "rapport", reporter, {
            "rapport": report_id, "slag": EVENT, "stadsdel": draft.district, "kategori": draft.category,
            "status": WAITING if waiting else APPROVED})
    return report_id, WAITING if waiting else APPROVED


def submit_nothing(db: Database, organisation: str, week: IsoWeek, actor: Actor) -> tuple[int, str]:
    """Stores "Inget att rapportera" for the organisation's week; (its number, its status)."""
    access.require_report_for(actor, organisation or "", "rapportera")
    if week.monday() > clock.today():
        raise ReportError(f"{week.label} har inte börjat än. Välj veckan som redan har varit.")
    with db.write() as con:
        now_actor, reporter = _reporter(con, actor, organisation, "rapportera")
        _check_period(now_actor, week.monday(), clock.today())
        report_id, now = _next_id(con), clock.now().replace(microsecond=0)
        waiting = dbmod.get_meta(con, REVIEW_SETTING) == "1"
        day = min(week.sunday(), clock.today())
        con.execute(
            "INSERT INTO form_reports VALUES (?, ?, ?, ?, FALSE, NULL, NULL, NULL, NULL, NULL, NULL, ?, NULL, ?, ?, "
            "NULL, NULL, NULL)",
            [report_id, reporter, NOTHING, dt.datetime.combine(day, dt.time()), WAITING if waiting else APPROVED,
             now_actor.name, now],
        ).fetchall()
        if not waiting:
            reporters.record_nothing(con, reporter, day, form_report_id=report_id, now=now, user=now_actor.name)
        audit.record(con, now_actor, "rapport", reporter, {
            "rapport": report_id, "slag": NOTHING, "vecka": str(week), "status": WAITING if waiting else APPROVED})
    return report_id, WAITING if waiting else APPROVED


def _count_event(con: duckdb.DuckDBPyConnection, report_id: int) -> int:
    """The report's event in `events` and the daily counts; returns the event's id."""
    event_id = dbmod.next_id(con, "events")
    con.execute(
        f"""INSERT INTO events
            SELECT id, occurred_at, time_known, district, place, category, description, source, external_id,
                   lat, lon, NULL, {dbmod.DEDUP_KEY_SQL}
            FROM (SELECT ? AS id, occurred_at, time_known, district, place, category, description,
                         reporter AS source, 'RAPP-' || id AS external_id, lat, lon
                  FROM form_reports WHERE id = ?)""",
        [event_id, report_id],
    ).fetchall()
    counts.add_event(con, event_id)
    con.execute("UPDATE form_reports SET event_id = ? WHERE id = ?", [event_id, report_id]).fetchall()
    return event_id


# ---------------------------------------------------------------- review (granskning)


def _waiting(con: duckdb.DuckDBPyConnection, report_id: int) -> tuple[object, ...]:
    row = con.execute("SELECT reporter, kind, occurred_at, status FROM form_reports WHERE id = ?",
                      [report_id]).fetchall()
    if not row:
        raise ReportError(f"Rapport {report_id} finns inte.")
    if row[0][3] != WAITING:
        raise ReportError(f"Rapport {report_id} är redan {row[0][3]}.")
    return row[0]


def approve(db: Database, report_id: int, actor: Actor, edited: Draft | None = None) -> None:
    """Lets a waiting report count, with the redigerare's corrections when `edited` is given."""
    access.require(actor, access.REVIEW, "granska rapporter")
    with db.write() as con:
        reporter, kind, occurred_at, _ = _waiting(con, report_id)
        now = clock.now().replace(microsecond=0)
        changed: dict[str, object] = {}
        if edited is not None and kind == EVENT:
            draft = _checked(con, edited, clock.today())
            fields = ("occurred_at", "time_known", "district", "place", "category", "description", "lat", "lon")
            before = dict(zip(fields, con.execute(f"SELECT {', '.join(fields)} FROM form_reports WHERE id = ?",
                                                  [report_id]).fetchall()[0], strict=True))
            changed = {f: getattr(draft, f) for f in fields if getattr(draft, f) != before[f]}
            if changed:
                assignments = ", ".join(f"{f} = ?" for f in changed)
                con.execute(f"UPDATE form_reports SET {assignments} WHERE id = ?",
                            [*changed.values(), report_id]).fetchall()
        con.execute("UPDATE form_reports SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE id = ?",
                    [APPROVED, actor.name, now, report_id]).fetchall()
        if kind == EVENT:
            _count_event(con, report_id)
        else:
            reporters.record_nothing(con, str(reporter), occurred_at.date(), form_report_id=report_id,  # type: ignore[attr-defined]
                                     now=now, user=actor.name)
        audit.record(con, actor, "rapport ändrad och godkänd" if changed else "rapport godkänd", str(reporter),
                     {"rapport": report_id, "ändrat": sorted(changed)})


def reject(db: Database, report_id: int, actor: Actor, note: str = "") -> None:
    access.require(actor, access.REVIEW, "granska rapporter")
    note_text, _ = guard(note)
    with db.write() as con:
        reporter, *_ = _waiting(con, report_id)
        con.execute("UPDATE form_reports SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? "
                    "WHERE id = ?", [REJECTED, actor.name, clock.now().replace(microsecond=0), note_text,
                                     report_id]).fetchall()
        audit.record(con, actor, "rapport avvisad", str(reporter), {"rapport": report_id, "anledning": note_text})


# ---------------------------------------------------------------- reading


_COLUMNS = """id AS "Nr", reporter AS "Rapportör", CASE kind WHEN 'inget' THEN 'Inget att rapportera'
    ELSE category END AS "Kategori", occurred_at AS "Tidpunkt", district AS "Stadsdel", place AS "Plats",
    description AS "Beskrivning", status AS "Status", submitted_by AS "Rapporterad av", review_note AS "Granskning" """


def reports(db: Database, actor: Actor, status: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The form's reports the actor may see, newest first: a rapportör only its organisation's."""
    scope = access.report_scope(actor)
    if not db.exists():
        return pd.DataFrame()
    with db.read() as con:
        where, params = ["TRUE"], []
        if scope is not None:
            stored = con.execute("SELECT DISTINCT reporter FROM form_reports").fetchall()
            names = reporter_list.spellings((r[0] for r in stored), scope)  # none: "(NULL)" matches nothing
            where.append(f"reporter IN {in_list(names)}")
            params.extend(names)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        return con.execute(f"SELECT {_COLUMNS}, kind AS slag, lat, lon, time_known FROM form_reports "
                           f"WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?", [*params, limit]).df()


def pending(db: Database, actor: Actor) -> pd.DataFrame:
    access.require(actor, access.REVIEW, "granska rapporter")
    return reports(db, actor, WAITING)


def known_places(
    con: duckdb.DuckDBPyConnection, actor: Actor, district: str | None = None, limit: int = 200
) -> list[str]:
    """Places already reported (in the district when given), most used first: the form's suggestions.
    A rapportör is offered only the places of its own organisation's events, never those of the police
    or other partners."""
    scope = access.report_scope(actor)
    where, params = ["place IS NOT NULL"], []
    if district:
        where.append("district = ?")
        params.append(district)
    if scope is not None:
        sources = reporter_list.spellings((r[0] for r in con.execute(
            "SELECT DISTINCT source FROM event_counts").fetchall()), scope)
        if not sources:
            return []
        where.append(f"source IN {in_list(sources)}")
        params.extend(sources)
    return [r[0] for r in con.execute(
        f"SELECT place FROM events WHERE {' AND '.join(where)} GROUP BY place ORDER BY count(*) DESC, place LIMIT ?",
        [*params, limit]).fetchall()]
