"""Solvik's priority areas and its interventions: planned so that dates, statuses and each
insats's logged history agree with one another at the demo's end date, and written in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time

import duckdb
import numpy as np
import pyarrow as pa

from trygghet.demo.places import DISTRICTS

INTERVENTION_COUNT = 45

PRIORITY_AREAS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "Våld i nära relationer": (
        ("Hot/våld", "Misshandel"),
        "Upptäcka och förebygga våld i nära relationer genom samverkan mellan socialtjänst, polis, "
        "bostadsbolag och civilsamhälle.",
        "Hot- och våldshändelser ska minska med 10 % jämfört med {first}, och all personal hos "
        "Solviksbostäder ska ha gått utbildningen om våld i nära relationer senast {last}.",
    ),
    "Rekrytering till kriminella strukturer": (
        ("Ungdomar som samlas/stör", "Rån", "Incident mot personal"),
        "Förhindra att unga rekryteras till kriminella nätverk genom tidiga insatser via SSPF, fältare "
        "och meningsfull fritid.",
        "Rapporterade händelser med ungdomar som samlas och stör ska minska med 15 % jämfört med {first}, "
        "och alla skolor i Norrby och Granlunda ska ha ett SSPF-team senast {last}.",
    ),
    "Organiserad brottslighet och narkotika": (
        ("Narkotika/öppen droghandel", "Rån"),
        "Störa den öppna droghandeln och göra det svårare för kriminella nätverk att verka i Solvik.",
        "Ingen plats i Solvik ska finnas på polisens länslista över öppen droghandel vid utgången av "
        "{last}; rapporterade narkotikahändelser ska minska med 20 % jämfört med {first}.",
    ),
    "Otrygghetsskapande händelser i offentlig miljö": (
        ("Skadegörelse", "Klotter", "Anlagd brand", "Nedskräpning", "Otrygg plats/belysning",
         "Berusade personer"),
        "Skadegörelse, klotter, anlagda bränder och nedskräpning ska förebyggas och åtgärdas snabbt på de "
        "platser som återkommer i lägesbilden.",
        "Klotter ska saneras inom 24 timmar, och andelen som känner sig trygga utomhus på kvällen ska öka "
        "med 5 procentenheter i trygghetsmätningen {last} jämfört med {first}.",
    ),
}

_VNR, _REKR, _ORG, _OTR = PRIORITY_AREAS

# (priority area, title, owner, contact role). Contacts are roles, never people.
_INTERVENTION_TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    (_OTR, "Extra belysning vid {hub}", "Teknisk förvaltning", "Projektledare park och gata"),
    (_OTR, "Trygghetsvandring i {d}", "Kommun", "Trygghetssamordnare"),
    (_OTR, "Klotterplank och snabb sanering i {d}", "Bostadsbolag", "Områdeschef Solviksbostäder"),
    (_OTR, "Trygghetskameror i trapphus i {d}", "Bostadsbolag", "Säkerhetsansvarig Solviksbostäder"),
    (_OTR, "Röjning av buskage och sly i {d}", "Teknisk förvaltning", "Driftansvarig park och gata"),
    (_OTR, "Ordningsvakter vid {hub} helgkvällar", "Väktare/ordningsvakter",
     "Uppdragsansvarig ordningsvakter"),
    (_OTR, "Brandsäkra soprum och flyttade containrar i {d}", "Räddningstjänst", "Brandinspektör"),
    (_OTR, "Tätare tömning av papperskorgar i {d}", "Teknisk förvaltning", "Driftansvarig renhållning"),
    (_OTR, "Nattvandring med föräldrar i {d}", "Föreningsliv", "Föreningskonsulent"),
    (_OTR, "Platssamverkan med fastighetsägare i {d}", "Kommun", "Brottsförebyggande strateg"),
    (_OTR, "Trygghetsvärdar på bussarna genom {d}", "Kollektivtrafik", "Trygghetsansvarig Kollektivtrafiken"),
    (_REKR, "Fältare på kvällstid i {d}", "Fritid/fältare", "Samordnare fältgruppen"),
    (_REKR, "Sommarlovsaktiviteter för unga i {d}", "Fritid/fältare", "Fritidschef"),
    (_REKR, "SSPF-team för unga i riskzon i {d}", "Socialtjänst", "SSPF-samordnare"),
    (_REKR, "Öppen fritidsgård fredagskvällar i {d}", "Fritid/fältare", "Enhetschef fritidsgårdar"),
    (_REKR, "Föräldraträffar om rekrytering på {school}", "Skola", "Rektor"),
    (_REKR, "Mentorprogram och läxhjälp på {school}", "Skola", "Biträdande rektor"),
    (_ORG, "Riktade narkotikakontroller vid {hub}", "Polis", "Kommunpolis"),
    (_ORG, "Samverkan mot öppen droghandel i {d}", "Polis", "Områdespolis"),
    (_ORG, "Kameraövervakning vid {hub}", "Polis", "Kommunpolis"),
    (_ORG, "Informationsinsats mot langning i {d}", "Socialtjänst", "Drogförebyggande samordnare"),
    (_ORG, "Väktarronder vid {hub} och parkeringarna", "Väktare/ordningsvakter", "Uppdragsansvarig väktare"),
    (_VNR, "Huskurage i Solviksbostäders hus i {d}", "Bostadsbolag", "Områdeschef Solviksbostäder"),
    (_VNR, "Informationskampanj om våld i nära relationer i {d}", "Socialtjänst",
     "Samordnare våld i nära relationer"),
    (_VNR, "Utbildning för fastighetsskötare om att upptäcka våld i {d}", "Bostadsbolag",
     "Utbildningsansvarig Solviksbostäder"),
    (_VNR, "Uppsökande arbete med kvinnojouren i {d}", "Föreningsliv", "Verksamhetsledare kvinnojouren"),
    (_VNR, "Öppen mottagning på familjecentralen i {d}", "Socialtjänst", "Enhetschef familjecentralen"),
    (_VNR, "Våldsprevention i undervisningen på {school}", "Skola", "Kurator"),
)

_COMMENTS = {
    "planned": ("Beslutad i lokala brottsförebyggande rådet.", "Budget beslutad, ansvarig aktör utsedd.",
                "Beslutad på samverkansmötet."),
    "running": ("Följs upp på samverkansmötet varje vecka.", "Genomförs enligt plan.",
                "Första uppföljningen visar färre rapporter från platsen."),
    "done": ("Avslutad enligt plan; effekten följs upp i tertialanalysen.",
             "Utvärdering klar, färre händelser under insatsen.",
             "Avslutad, erfarenheterna tas med i nästa plan."),
    "cancelled": ("Inställd på grund av personalbrist.", "Ersatt av en annan insats.",
                  "Inställd, finansiering saknades."),
    "overdue": ("Slutrapport saknas.", "Väntar på uppföljning från ansvarig aktör."),
}


@dataclass
class Intervention:
    title: str
    area: str
    district: int
    owner: str
    contact: str
    kind: str
    start: date
    end: date | None
    created_at: datetime = datetime(2000, 1, 1)
    status: str = "Planerad"
    comment: str = ""
    effect: float | None = None
    history: list[tuple[str, str | None, str | None, datetime]] = field(default_factory=list)
    id: str = ""


def insert_priority_areas(con: duckdb.DuckDBPyConnection, start: date, end: date) -> None:
    updated = datetime.combine(start, dt_time(9))
    for name, (cats, description, goal) in PRIORITY_AREAS.items():
        con.execute(
            "INSERT INTO priority_areas VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
            [name, description, goal.format(first=start.year, last=end.year + 1), start,
             date(end.year + 1, 12, 31), list(cats), updated],
        )


def _office_time(rng: np.random.Generator, day: date) -> datetime:
    return datetime.combine(day, dt_time(8)) + timedelta(minutes=int(rng.integers(0, 8 * 60)))


def plan_interventions(rng: np.random.Generator, start: date, end: date) -> list[Intervention]:
    """45 interventions whose dates, statuses and histories agree with each other at the end date."""
    span = (end - start).days
    kinds = ["planned"] * 5 + ["cancelled"] * 4 + ["overdue"] * 3 + ["open"] * 2
    kinds += ["normal"] * (INTERVENTION_COUNT - len(kinds))
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    volume = np.array([d.volume for d in DISTRICTS])
    district_p = volume / volume.sum()
    earliest = start + timedelta(days=min(21, span // 3))
    room = max(1, (end - earliest).days + 1)

    plans: list[Intervention] = []
    titles: set[str] = set()
    for kind in kinds:
        while True:
            pick = int(rng.integers(len(_INTERVENTION_TEMPLATES)))
            area, template, owner, contact = _INTERVENTION_TEMPLATES[pick]
            k = int(rng.choice(len(DISTRICTS), p=district_p))
            d = DISTRICTS[k]
            title = template.format(d=d.name, hub=d.hub, school=d.school)
            if title not in titles:
                titles.add(title)
                break
        duration = timedelta(days=int(rng.integers(45, 400)))
        finish: date | None
        if kind == "planned":
            begin = end + timedelta(days=int(rng.integers(10, 150)))
            finish = begin + duration
        elif kind == "overdue":
            finish = end - timedelta(days=int(rng.integers(7, 75)))
            begin = max(earliest, finish - duration)
            if finish <= begin:  # a period too short to have anything overdue
                finish = begin + timedelta(days=30)
        elif kind == "cancelled":
            begin = earliest + timedelta(days=int(rng.integers(0, room + 60)))
            finish = begin + duration
        else:
            begin = earliest + timedelta(days=int(rng.integers(0, room)))
            finish = None if kind == "open" else begin + duration
        plans.append(Intervention(title, area, k, owner, contact, kind, begin, finish))

    eligible = [i for i, iv in enumerate(plans)
                if iv.kind in ("normal", "open", "overdue") and iv.start <= end - timedelta(days=28)]
    for i in rng.permutation(eligible)[: round(INTERVENTION_COUNT / 3)]:
        plans[int(i)].effect = float(rng.uniform(0.5, 0.7))

    for iv in plans:
        _write_history(rng, iv, start, end)
    plans.sort(key=lambda iv: (iv.created_at, iv.title))
    per_year: dict[int, int] = {}
    for iv in plans:
        year = iv.created_at.year
        per_year[year] = per_year.get(year, 0) + 1
        iv.id = f"INS-{year}-{per_year[year]:02d}"
    return plans


def _write_history(rng: np.random.Generator, iv: Intervention, start: date, end: date) -> None:
    """Status, end-date and comment changes as a coordinator would have logged them."""
    last = datetime.combine(end, dt_time(23, 59))
    first = datetime.combine(start, dt_time(0))

    def at(day: date, after: datetime) -> datetime:
        return min(last, max(_office_time(rng, min(day, end)), after + timedelta(hours=1)))

    created_day = max(start, min(iv.start - timedelta(days=int(rng.integers(14, 90))),
                                 end - timedelta(days=int(rng.integers(0, 10)))))
    # Registered on a working day: the Friday before a weekend, or the Monday after at the very start.
    if created_day.weekday() >= 5:
        friday = created_day - timedelta(days=created_day.weekday() - 4)
        created_day = friday if friday >= start else created_day + timedelta(days=7 - created_day.weekday())
    iv.created_at = min(last, max(first, _office_time(rng, created_day)))
    history: list[tuple[str, str | None, str | None, datetime]] = [
        ("status", None, "Planerad", iv.created_at)]
    planned_comment = str(rng.choice(_COMMENTS["planned"]))
    iv.comment = planned_comment

    def pick(group: str) -> str:
        return str(rng.choice(_COMMENTS[group]))

    if iv.start > end and iv.kind != "cancelled":
        iv.status = "Planerad"
    elif iv.kind == "cancelled":
        low = iv.created_at.date() + timedelta(days=7)
        high = min(iv.start + timedelta(days=90), end)
        cancel_day = min(end, low + timedelta(days=int(rng.integers(0, max(1, (high - low).days + 1)))))
        previous = "Planerad"
        if iv.start <= cancel_day:
            history.append(("status", "Planerad", "Pågående", at(iv.start, history[-1][3])))
            previous = "Pågående"
        when = at(cancel_day, history[-1][3])
        iv.status, iv.comment = "Inställd", pick("cancelled")
        history += [("status", previous, "Inställd", when), ("comment", planned_comment, iv.comment, when)]
    else:
        history.append(("status", "Planerad", "Pågående", at(iv.start, history[-1][3])))
        iv.status = "Pågående"
        if iv.kind == "open" and rng.random() < 0.5:
            old = iv.start + timedelta(days=int(rng.integers(60, 180)))
            history.append(("end_date", old.isoformat(), None, at(min(old, end), history[-1][3])))
        elif iv.kind == "normal" and iv.end is not None and rng.random() < 0.3:
            old = iv.end - timedelta(days=int(rng.integers(30, 120)))
            if old > iv.start + timedelta(days=14) and old <= end:
                changed = old - timedelta(days=int(rng.integers(1, 14)))
                history.append(("end_date", old.isoformat(), iv.end.isoformat(), at(changed, history[-1][3])))
        if iv.kind == "overdue" and iv.end is not None:
            # Past its end date and nobody has closed it: the log shows what the meeting should chase.
            noted = iv.end + timedelta(days=int(rng.integers(1, max(2, (end - iv.end).days + 1))))
            iv.comment = pick("overdue")
            history.append(("comment", planned_comment, iv.comment, at(noted, history[-1][3])))
        elif iv.end is not None and iv.end < end:
            closed = iv.end + timedelta(days=int(rng.integers(0, 11)))
            if closed <= end:
                when = at(closed, history[-1][3])
                iv.status, iv.comment = "Avslutad", pick("done")
                history += [("status", "Pågående", "Avslutad", when),
                            ("comment", planned_comment, iv.comment, when)]
        else:
            noted = iv.start + timedelta(days=int(rng.integers(14, 60)))
            if noted <= end:
                iv.comment = pick("running")
                history.append(("comment", planned_comment, iv.comment, at(noted, history[-1][3])))
    iv.history = history


def insert_interventions(con: duckdb.DuckDBPyConnection, interventions: list[Intervention]) -> None:
    # executemany costs a round trip per row; two small Arrow tables do not.
    ivs = pa.table({
        "id": [iv.id for iv in interventions],
        "title": [iv.title for iv in interventions],
        "priority_area": [iv.area for iv in interventions],
        "district": [DISTRICTS[iv.district].name for iv in interventions],
        "owner": [iv.owner for iv in interventions],
        "contact": [iv.contact for iv in interventions],
        "status": [iv.status for iv in interventions],
        "start_date": pa.array([iv.start for iv in interventions], type=pa.date32()),
        "end_date": pa.array([iv.end for iv in interventions], type=pa.date32()),
        "comment": [iv.comment for iv in interventions],
        "created_at": pa.array([iv.created_at for iv in interventions], type=pa.timestamp("us")),
        "updated_at": pa.array([max(h[3] for h in iv.history) for iv in interventions],
                               type=pa.timestamp("us")),
    })
    trail = [(iv.id, *change) for iv in interventions for change in iv.history]
    history = pa.table({
        "intervention_id": [t[0] for t in trail],
        "field": [t[1] for t in trail],
        "old_value": pa.array([t[2] for t in trail], type=pa.string()),
        "new_value": pa.array([t[3] for t in trail], type=pa.string()),
        "changed_at": pa.array([t[4] for t in trail], type=pa.timestamp("us")),
    })
    con.register("demo_interventions", ivs)
    con.register("demo_history", history)
    try:
        con.execute("""INSERT INTO interventions
                       SELECT id, title, priority_area, district, owner, contact, status,
                              start_date, end_date, comment, NULL, created_at, updated_at
                       FROM demo_interventions""")
        con.execute("""INSERT INTO intervention_history SELECT intervention_id, field, old_value, new_value,
                              changed_at, NULL, 'Demodata', 'demo'
                       FROM demo_history ORDER BY intervention_id, changed_at""")
    finally:
        con.unregister("demo_interventions")
        con.unregister("demo_history")
