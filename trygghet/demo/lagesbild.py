"""Solvik's statutory lägesbild material, so that every section of the report has something to show:
population per district and year, Brå's and NTU's reference values for the municipality, the county
and Sweden, context indicators, the survey by sex and age, the coordinating function, the agreement
with the police and the yearly citizen promises, and for every tertial and year an analysis per
priority area and an åtgärdsplan whose measures the next period follows up. All values are invented
but of a plausible size; they are drawn from their own seed, so the events stay as they were."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from datetime import time as dt_time

import duckdb
import numpy as np
import pandas as pd

from trygghet.demo.interventions import PRIORITY_AREAS
from trygghet.demo.places import DISTRICTS, MUNICIPALITY, POLICE_AREA

COUNTY = "Västra Götalands län"
WHOLE = "Hela kommunen"
_VNR, _REKR, _ORG, _OTR = PRIORITY_AREAS

# (measure, kommun, län, riket) per 100 000 invånare, the latest year; earlier years vary a little.
_BRA = (
    ("Anmälda brott totalt", 11_450, 13_300, 13_900),
    ("Skadegörelsebrott", 1_720, 1_650, 1_560),
    ("Misshandel", 780, 820, 850),
    ("Narkotikabrott", 690, 910, 1_000),
    ("Stöld- och tillgreppsbrott", 3_480, 4_150, 4_430),
)
# (question, län, riket) in per cent.
_NTU = (
    ("Otrygg ute sent en kväll i det egna bostadsområdet", 27.5, 28.4),
    ("Oroar sig mycket för brottsligheten i samhället", 31.0, 32.6),
    ("Utsatt för brott mot person senaste året", 20.8, 21.4),
)
# (indicator, unit, source, municipality value, spread between districts)
_CONTEXT = (
    ("Andel förvärvsarbetande 20–64 år", "%", "SCB", 79.0, 6.0),
    ("Andel invånare med ekonomiskt bistånd", "%", "Socialstyrelsen", 3.6, 1.6),
    ("Behörighet till gymnasiet, årskurs 9", "%", "Skolverket", 84.0, 5.0),
)
_HOUSING = ("Planerade nya bostäder (antagna detaljplaner)", "antal", "Kommunens bostadsförsörjningsprogram")

# Per priority area: (problem, rationale, offenders, targets, places, risk, protection, consequences, resources)
_ANALYSES = {
    _OTR: ("Skadegörelse, bränder och stök i centrala miljöer",
           "Återkommer varje vecka i lägesbilden och är det som invånarna oftast nämner i trygghetsmätningen.",
           "Mest grupper av unga, ofta samma platser kvällstid; en del berusade vuxna i centrum.",
           "Allmänna platser, busskurer, soprum och containrar; boende och handlare runt torgen.",
           "Norrby torg, Stora torget och Färjeläget, främst fredag och lördag kväll.",
           "Dålig belysning, skymda platser och sen städning; få vuxna ute på kvällen.",
           "Snabb sanering, platssamverkan med fastighetsägare, fältare och nattvandrare.",
           "Otrygghet på kvällen, höga saneringskostnader och platser som invånare undviker.",
           "Teknisk förvaltning 1,2 mnkr för belysning och sanering; fältare två kvällar i veckan."),
    _REKR: ("Unga som dras in i kriminalitet",
            "Polisen ser tecken på rekrytering i Norrby och Granlunda; skolan rapporterar ökad frånvaro.",
            "Ett fåtal äldre ungdomar som söker upp yngre; kontakter via sociala medier.",
            "Unga 12–17 år med hög frånvaro eller utan fritidsaktivitet.",
            "Skolgårdar och torg efter skoltid, fritidsgårdarnas närhet.",
            "Skolfrånvaro, låg vuxennärvaro, ekonomisk utsatthet i familjen.",
            "Meningsfull fritid, SSPF, mentorer och föräldrar som samverkar.",
            "Risk för våld och att unga fastnar i kriminalitet; oro hos föräldrar och skolpersonal.",
            "SSPF-team med två socialsekreterare; fritidsgårdarnas kvällsöppet."),
    _ORG: ("Öppen droghandel",
           "Narkotikahändelserna ligger kvar på en hög nivå runt Hamnplan och Norrby torg.",
           "Lokala säljare knutna till ett nätverk i regionen.",
           "Unga köpare och boende som störs; platser som blir otrygga.",
           "Hamnplan, Norrby torg och parkeringarna vid resecentrum.",
           "Skymda platser, svag kontroll och efterfrågan bland unga.",
           "Polisens närvaro, kameror, ägare som tar ansvar för sina platser.",
           "Otrygghet, våldsrisk och rekrytering av unga.",
           "Polisens områdesgrupp; kommunens drogförebyggande samordnare."),
    _VNR: ("Våld i nära relationer",
           "Ett stort mörkertal; hot och misshandel i bostäder syns i polisens händelser.",
           "Oftast en närstående man; upprepat våld.",
           "Kvinnor och barn i hemmet.",
           "Bostaden; få händelser syns i det offentliga rummet.",
           "Isolering, missbruk och ekonomisk beroendeställning.",
           "Grannar som agerar (Huskurage), socialtjänstens tidiga stöd, kvinnojouren.",
           "Fysiska och psykiska skador, barn som far illa, sjukskrivningar.",
           "Socialtjänstens samordnare; utbildning för bostadsbolagets personal."),
}
_MEASURES = {
    _OTR: (("Skymda och mörka platser", "Ny belysning och röjning vid torgen", "Teknisk förvaltning", "0,8 mnkr"),
           ("Skadegörelse som står kvar", "Sanering inom 24 timmar", "Bostadsbolag", "Avtal med saneringsfirma")),
    _REKR: (("Få vuxna ute på kvällen", "Fältare och nattvandring fredag och lördag", "Fritid/fältare", "2 tjänster"),
            ("Hög skolfrånvaro", "SSPF för unga med hög frånvaro", "Socialtjänst", "SSPF-team")),
    _ORG: (("Öppen försäljning på kända platser", "Riktade kontroller och kameror vid Hamnplan", "Polis",
            "Områdesgruppen"),),
    _VNR: (("Grannar vet inte hur de ska agera", "Huskurage i bostadsbolagets hus", "Bostadsbolag",
            "Informationsmaterial"),),
}
_FOLLOW = (("Genomförd", "Genomförd enligt plan."), ("Pågående", "Pågår; fortsätter nästa period."),
           ("Genomförd", "Genomförd; effekten följs i händelserna."), ("Inställd", "Ersatt av en annan åtgärd."))
_PROMISES = ("Vi ska vara synliga på Norrby torg fredag och lördag kväll", "Vi ska sanera klotter inom ett dygn",
             "Vi ska ha vuxna på plats vid Hamnplan sommarkvällar")


def _periods(start: date, end: date) -> list[tuple[str, date, date, str]]:
    """(key, first day, last day, kind) of every tertial and year that begins by `end`."""
    found = []
    for year in range(start.year, end.year + 1):
        for n in (1, 2, 3):
            first = date(year, 4 * (n - 1) + 1, 1)
            last = (date(year + 1, 1, 1) if n == 3 else date(year, 4 * n + 1, 1)) - timedelta(days=1)
            if first <= end:
                found.append((f"{year}-T{n}", first, last, "tertial"))
        if date(year, 1, 1) <= end:
            found.append((str(year), date(year, 1, 1), date(year, 12, 31), "år"))
    return found


class _Rows:
    """The rows to insert, per table, written in one statement each: row by row the demo's build would
    take seconds longer."""

    def __init__(self) -> None:
        self.tables: dict[str, list[list[object]]] = {}
        self.measures: dict[str, list[int]] = {}  # plan key -> its measures' ids

    def add(self, table: str, row: list[object]) -> None:
        self.tables.setdefault(table, []).append(row)

    def write(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, rows in self.tables.items():
            names = [r[0] for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                [table]).fetchall()]
            frame = pd.DataFrame(rows, columns=names)
            con.register("demo_rows", frame)
            try:
                con.execute(f"INSERT INTO {table} SELECT * FROM demo_rows")
            finally:
                con.unregister("demo_rows")


def insert_lagesbild(con: duckdb.DuckDBPyConnection, seed: int, start: date, end: date) -> None:
    rng = np.random.default_rng(seed + 2023)
    rows = _Rows()
    _context(rows, rng, start, end)
    _survey_groups(con, rows, rng)
    periods = _periods(start, end)
    _commitments(rows, start, end, periods)
    running = con.execute(
        """SELECT priority_area, id, title, start_date, coalesce(end_date, DATE '9999-12-31') FROM interventions
           WHERE priority_area IS NOT NULL AND start_date IS NOT NULL ORDER BY id""").fetchall()
    for index, (key, first, last, kind) in enumerate(periods):
        _analyses(rows, key, first)
        linked: dict[str, list[tuple[str, str]]] = {}
        for area, iid, title, begins, ends in running:
            if begins <= last and ends >= first:
                linked.setdefault(area, []).append((iid, str(title)))
        _plan(rows, rng, key, first, last, kind, start, end, linked)
        earlier = [p for p in periods[:index] if p[3] == kind]
        if earlier:
            _follow_up(rows, rng, earlier[-1][0], key, last)
    rows.write(con)


def _context(rows: _Rows, rng: np.random.Generator, start: date, end: date) -> None:
    years = range(start.year - 1, end.year + 1)
    for d in DISTRICTS:
        base = int(round(d.volume * 7200 + rng.integers(-400, 400), -1))
        growth = 0.03 if d.name == "Granlunda" else 0.008
        for i, year in enumerate(years):
            rows.add("population", [d.name, year, int(base * (1 + growth) ** i), None])
    published = range(start.year - 1, end.year)  # Brå's and NTU's figures for a year come the spring after
    for back, year in enumerate(reversed(published)):
        factor = 1 + 0.03 * back
        for measure, kommun, lan, riket in _BRA:
            for area, level, value in ((MUNICIPALITY, "kommun", kommun), (COUNTY, "län", lan), ("Riket", "riket", riket)):
                rows.add("reference_statistics", ["Brå", measure, area, level, year,
                                                  float(round(value * factor * rng.uniform(0.98, 1.02))),
                                                  "per 100 000 invånare", None])
        for question, lan, riket in _NTU:
            for area, level, value in ((COUNTY, "län", lan), ("Riket", "riket", riket)):
                rows.add("reference_statistics", ["NTU", question, area, level, year,
                                                  round(value + 0.4 * back + float(rng.normal(0, 0.3)), 1), "%", None])
        for indicator, unit, source, whole, spread in _CONTEXT:
            rows.add("context_indicators", [indicator, WHOLE, year, round(whole - 0.2 * back, 1), unit, source, None])
            for d in DISTRICTS:
                value = whole + spread * (-d.volume + 1.0) + float(rng.normal(0, spread / 4))
                rows.add("context_indicators", [indicator, d.name, year, round(value, 1), unit, source, None])
        for name, planned in (("Granlunda", 450), ("Hamnen", 120), (WHOLE, 720)):
            rows.add("context_indicators", [_HOUSING[0], name, year, float(planned - 20 * back), _HOUSING[1],
                                            _HOUSING[2], None])


def _survey_groups(con: duckdb.DuckDBPyConnection, rows: _Rows, rng: np.random.Generator) -> None:
    """The survey's first two questions by sex and age, around each district's overall value."""
    offsets = (("Kön", "Kvinnor", -8.0, 0.5), ("Kön", "Män", 8.0, 0.5), ("Ålder", "16–29 år", -4.0, 0.25),
               ("Ålder", "30–64 år", 1.0, 0.5), ("Ålder", "65 år och äldre", -5.0, 0.25))
    stored = con.execute(
        """SELECT period, district, indicator, value, respondents FROM survey_results
           WHERE indicator IN ('Känner sig trygg utomhus på kvällen', 'Oroar sig för brott i området')
           ORDER BY period, district, indicator""").fetchall()
    for period, district, indicator, value, respondents in stored:
        sign = 1.0 if indicator.startswith("Känner") else -0.6
        for grouping, name, offset, share in offsets:
            group_value = float(np.clip(value + sign * offset + rng.normal(0, 1.2), 2, 98))
            rows.add("survey_groups", [period, district, indicator, grouping, name, round(group_value, 1),
                                       round((respondents or 300) * share), None])


def _commitments(rows: _Rows, start: date, end: date, periods: list[tuple[str, date, date, str]]) -> None:
    stamp = datetime.combine(start, dt_time(9))
    items = [
        (1, "samordningsfunktion", "Trygghetssamordnare på kommunledningskontoret",
         "Samordnar kommunens brottsförebyggande arbete, lägesbilden och åtgärdsprogrammet (5 § lag 2023:196).",
         "Kommunstyrelsen", date(start.year - 1, 7, 1), None),
        (2, "samverkansöverenskommelse", f"Samverkansöverenskommelse {MUNICIPALITY} och lokalpolisområde {POLICE_AREA}",
         "Fyra prioriterade områden: " + ", ".join(PRIORITY_AREAS).lower() + ".", f"{MUNICIPALITY}, Polisen",
         date(start.year, 1, 1), date(end.year + 1, 12, 31)),
    ]
    for i, year in enumerate(range(start.year, end.year + 1)):
        items.append((3 + i, "medborgarlöfte", f"Medborgarlöfte {year}: {_PROMISES[i % len(_PROMISES)]}",
                      "Följs upp varje tertial i lägesbilden.", f"{MUNICIPALITY}, Polisen", date(year, 1, 1),
                      date(year, 12, 31)))
    for cid, kind, title, description, parties, first, last in items:
        rows.add("commitments", [cid, kind, title, description, parties, first, last, stamp])
    for key, first, last, kind in periods:
        if kind != "tertial" or last > end:
            continue
        for cid, _kind, _title, _d, _p, valid_from, valid_to in items:
            if valid_from > last or (valid_to is not None and valid_to < first):
                continue
            status = "Uppfyllt" if valid_to is not None and valid_to <= last else "Pågår enligt plan"
            note = "Följs upp på samverkansmötet varje vecka." if status != "Uppfyllt" else "Genomfört under året."
            rows.add("followups", ["åtagande", cid, key, "alla", last, status, note,
                                   datetime.combine(last, dt_time(16))])


def _analyses(rows: _Rows, key: str, first: date) -> None:
    for order, (area, texts) in enumerate(_ANALYSES.items()):
        rows.add("problem_analyses", [key, "alla", texts[0], area, *texts[1:], order,
                                      datetime.combine(first, dt_time(10)), "Demodata"])


_COMMON = {"unga", "kvä", "kväll"}  # words too common in titles to tie a measure to an intervention


def _words(text: str) -> set[str]:
    return {w.casefold()[:6] for w in re.findall(r"[A-Za-zÅÄÖåäöé]{4,}", text) if w.casefold() not in _COMMON}


def linked_intervention(measure: str, candidates: list[tuple[str, str]]) -> str | None:
    """The intervention of the measure's area whose title shares most words with the measure (the
    same place, the same kind of work); None when none shares any: a measure is never tied to
    another place's intervention."""
    words = _words(measure)
    place = re.search(r"\bvid (.+)$", measure)
    best, score = None, 0
    for iid, title in candidates:
        if place and place.group(1).casefold() not in title.casefold():
            continue  # a measure at a named place belongs to that place's intervention only
        shared = len(words & _words(title))
        if shared > score:
            best, score = iid, shared
    return best


def _plan(rows: _Rows, rng: np.random.Generator, key: str, first: date, last: date, kind: str, start: date,
          end: date, linked: dict[str, list[tuple[str, str]]]) -> None:
    if kind == "år":
        decided_by, decided_on = "Kommunfullmäktige", date(first.year, 2, 16)
        number: str | None = f"KS {first.year - 1}/{int(rng.integers(100, 900)):04d}"
    else:
        decided_by, decided_on, number = "Lokala brottsförebyggande rådet", first - timedelta(days=10), None
    rows.add("action_plans", [key, "alla", last, decided_by, decided_on if decided_on <= end else None,
                              number if decided_on <= end else None, datetime.combine(first, dt_time(9))])
    ids = rows.measures.setdefault(key, [])
    order = 0
    for area, measures in _MEASURES.items():
        # The area's measurable goal (the first clause that names a change in events).
        goal = ("Färre skadegörelsehändelser än året före" if area == _OTR
                else PRIORITY_AREAS[area][2].split(",")[0].split(";")[-1].strip().rstrip("."))
        for cause, measure, owner, resources in measures:
            mid = sum(len(v) for v in rows.measures.values()) + 1
            ids.append(mid)
            rows.add("action_measures", [mid, key, "alla", area, cause, measure,
                                         goal.format(first=start.year, last=end.year + 1), owner, resources,
                                         linked_intervention(measure, linked.get(area, [])), order,
                                         datetime.combine(first, dt_time(9))])
            rows.add("followups", ["åtgärd", mid, key, "alla", last, "Pågående" if first <= end else "Planerad", None,
                                   datetime.combine(first, dt_time(9))])
            order += 1


def _follow_up(rows: _Rows, rng: np.random.Generator, previous_key: str, key: str, last: date) -> None:
    """The measures of the previous plan of the same kind, followed up in this period."""
    for mid in rows.measures.get(previous_key, []):
        status, note = _FOLLOW[int(rng.integers(len(_FOLLOW)))]
        rows.add("followups", ["åtgärd", mid, key, "alla", last, status, note, datetime.combine(last, dt_time(15))])
