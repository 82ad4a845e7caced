"""Solvik's weekly samverkansmöte: six meetings in the weeks before the demo's last day, so that a
newcomer sees the meeting at work on the first start and can try the presentation at once.

Each meeting has its participants against the standing list (someone is away most weeks), notes,
övriga frågor, the next meeting's date, who kept and who approves the minutes, decisions with an
owner and a deadline tied to the week's busiest places, next week's focus places, and one insats
extended by the meeting (logged in its history with the meeting as its source). Earlier decisions
are reported back and marked done at a later meeting; one is left open past its deadline, and the
last meeting's decisions are still open, so the coming meeting has something to follow up. The
meetings are closed but not approved: the justering is left to try. Deterministic from the seed.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np

from trygghet.core.periods import IsoWeek, latest_complete_week

WEEKS = 6
MEMBERS = (
    ("Kommun", "Trygghetssamordnare"),
    ("Polis", "Kommunpolis"),
    ("Bostadsbolag", "Områdeschef"),
    ("Fritid/fältare", "Fältsamordnare"),
    ("Skola", "Rektor"),
    ("Räddningstjänst", "Brandinspektör"),
)
SECRETARY = "Kommun – Trygghetssamordnare"
APPROVER = "Polis – Kommunpolis"

DECISIONS = (
    ("Fältarna och polisen går gemensam kvällsrunda vid {place} fredag och lördag.", "Fritid/fältare",
     "Fältsamordnare", 10),
    ("Bostadsbolaget ser över belysningen och röjer buskagen vid {place}.", "Bostadsbolag", "Områdeschef", 14),
    ("Polisen prioriterar {place} i sin kvällsplanering under veckan.", "Polis", "Kommunpolis", 7),
    ("Skolan informerar vårdnadshavare om läget kring {place} i veckobrevet.", "Skola", "Rektor", 7),
    ("Teknisk förvaltning sanerar klotter och tömmer papperskorgar vid {place} inom två dagar.",
     "Teknisk förvaltning", "Driftchef", 5),
)
REPORTS = (
    "Genomfört två kvällar; lugnt efter klockan 22, ett tiotal ungdomar i samtal.",
    "Klart: två nya armaturer uppsatta och buskagen nedklippta.",
    "Klart enligt plan; polisen rapporterar färre samlingar.",
    "Informationen gick ut i veckobrevet; två föräldrar har hört av sig.",
    "Sanerat dagen efter mötet.",
)
EXTENDED = "Förlängningen är inlagd i insatsloggen; ansvarig aktör är informerad."
NOTES = (
    "Ökningen i {district} togs upp; polisen och fältarna ger samma bild.",
    "Lugnare vecka överlag. Rapporteringen från bostadsbolaget saknades en dag.",
    "Diskussion om helgernas samlingar vid {place}; följs upp nästa vecka.",
)
OTHER = (
    "Skolorna har studiedag på fredag; fritidsgården håller öppet längre.",
    "Räddningstjänsten påminner om eldningsförbudet vid badplatserna.",
    "Inga övriga frågor.",
    "Bostadsbolaget byter entreprenör för fastighetsskötseln i Norrby från nästa månad.",
)


def _busiest_places(con: duckdb.DuckDBPyConnection, week: IsoWeek, n: int = 3) -> list[tuple[str, str]]:
    """(district, place) of the week's busiest places, for the decisions and the focus places."""
    return [(d, p) for d, p in con.execute(
        """SELECT district, place FROM events WHERE occurred_at >= ? AND occurred_at < ? AND place IS NOT NULL
           GROUP BY district, place ORDER BY count(*) DESC, place LIMIT ?""",
        [week.monday(), week.end_exclusive(), n]).fetchall()]


def _participants(items: list[tuple[str, str]]) -> str:
    return json.dumps([{"organisation": o, "role": r} for o, r in items], ensure_ascii=False)


def _extend_an_insats(con: duckdb.DuckDBPyConnection, held: dt.date, end: dt.date, when: dt.datetime,
                      rng: np.random.Generator) -> tuple[str, str] | None:
    """One running insats that ends within two and a half months gets four more weeks; (id, title) or
    None. Only one that is still running at the demo's end: the overdue ones stay overdue to follow up."""
    rows = con.execute(
        """SELECT id, title, end_date FROM interventions
           WHERE status = 'Pågående' AND end_date > ? AND end_date <= ? ORDER BY id""",
        [max(held, end), held + dt.timedelta(days=75)]).fetchall()
    if not rows:
        return None
    iid, title, old_end = rows[int(rng.integers(len(rows)))]
    new_end = old_end + dt.timedelta(weeks=4)
    con.execute("UPDATE interventions SET end_date = ?, updated_at = ? WHERE id = ?", [new_end, when, iid])
    con.execute("INSERT INTO intervention_history VALUES (?, 'end_date', ?, ?, ?, NULL, ?, 'möte')",
                [iid, old_end.isoformat(), new_end.isoformat(), when, f"Möte {held.isoformat()}"])
    return iid, title


def insert_meetings(con: duckdb.DuckDBPyConnection, seed: int, start: dt.date, end: dt.date) -> int:
    """The meetings of the WEEKS weeks before the week of `end` (each on the Tuesday), those whose
    week has data; returns how many were made."""
    rng = np.random.default_rng(seed + 41)
    con.executemany("INSERT INTO meeting_members VALUES (?, ?, ?)",
                    [(i, o, r) for i, (o, r) in enumerate(MEMBERS, start=1)])
    this_week = IsoWeek.of(end)
    held_days = [this_week.shift(-k).monday() + dt.timedelta(days=1) for k in range(WEEKS, 0, -1)]
    held_days = [d for d in held_days if latest_complete_week(d).monday() >= start and d < end]
    decision_id = 0
    open_decisions: list[tuple[int, str]] = []  # (decision id, its report-back) still open
    for number, held in enumerate(held_days, start=1):
        week = latest_complete_week(held)
        when = dt.datetime.combine(held, dt.time(9, 0))
        away = MEMBERS[int(rng.integers(2, len(MEMBERS)))] if number % 3 else None
        present = [m for m in MEMBERS if m != away]
        con.execute("INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [number, held, str(week), f"Samverkansmöte v. {IsoWeek.of(held).week}", _participants(present),
                     [], when, dt.datetime.combine(held, dt.time(10, 30))])
        con.execute("INSERT INTO meeting_protocol VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                    [number, held + dt.timedelta(days=7), _participants([away] if away else []), SECRETARY,
                     APPROVER])
        places = _busiest_places(con, week) or [("Centrum", "Stora torget")]
        district, place = places[0]
        con.executemany("INSERT INTO meeting_notes VALUES (?, ?, ?, ?)", [
            (number, "lagesbild", NOTES[number % len(NOTES)].format(district=district, place=place), when),
            (number, "ovriga", OTHER[number % len(OTHER)], when),
        ])
        # The earlier decisions are reported back; all but one are done. The last one stays open.
        for did, report in list(open_decisions):
            if did == 2:  # left open past its deadline, for the overdue follow-up
                continue
            con.execute("INSERT INTO decision_reports VALUES (?, ?, ?, ?, ?)", [did, number, report, held, when])
            con.execute("UPDATE decisions SET status = 'klar', done_at = ?, done_meeting_id = ? WHERE id = ?",
                        [when, number, did])
            open_decisions.remove((did, report))
        focus = []
        for k, (d, p) in enumerate(places[:2]):
            template = (number + k) % len(DECISIONS)
            text, organisation, role, days = DECISIONS[template]
            decision_id += 1
            con.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, 'öppen', NULL, NULL, NULL, ?)",
                        [decision_id, number, text.format(place=p), organisation, role,
                         held + dt.timedelta(days=days), when])
            open_decisions.append((decision_id, REPORTS[template]))
            focus.append((number, d, p, "Flest händelser veckan före mötet" if k == 0 else "Återkommande samlingar"))
        changed = _extend_an_insats(con, held, end, when + dt.timedelta(minutes=30), rng)
        if changed is not None:
            iid, title = changed
            decision_id += 1
            con.execute("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, 'öppen', NULL, NULL, ?, ?)",
                        [decision_id, number, f"Insatsen {title} förlängs med fyra veckor.", "Kommun",
                         "Trygghetssamordnare", held + dt.timedelta(days=28), iid, when])
            open_decisions.append((decision_id, EXTENDED))
        con.executemany("INSERT INTO focus_places VALUES (?, ?, ?, ?)", focus)
    return len(held_days)
