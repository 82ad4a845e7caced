"""A demo database for a fictional municipality, Solvik: fast, deterministic and realistic enough
that every dashboard has something to show.

Events are not drawn one by one. A rate is built for every (day, hour, district, category)
cell from district volumes, category mixes, seasons, weekdays, holidays, trends, bursts
and the effect of interventions, and a single multinomial draw spreads the requested
number of events over the cells. Everything after that is array arithmetic, which is
what lets ten million events be written in well under a minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from trygghet.core import clock
from trygghet.core import reference_lists as defaults
from trygghet.store import db, event_counts

MUNICIPALITY = "Solviks kommun"
POLICE_AREA = "Solvik"
EVENTS_PER_YEAR = 14_000
INTERVENTION_COUNT = 45

# Inverse-CDF lookup tables of this many slots replace a per-event search: the weights are
# rounded to 1/4096, far finer than anyone can see in a demo.
_LUT_SLOTS = 4096


@dataclass(frozen=True)
class DemoSummary:
    """What build_demo wrote. effective_interventions names the interventions whose categories the
    generator really lowered in their district, the key to check an effect chart against."""

    path: Path
    seed: int
    events: int
    interventions: int
    districts: int
    start: date
    end: date
    seconds: float
    # Kept out of repr so the CLI's one-line summary stays readable.
    effective_interventions: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class _District:
    name: str
    lat: float
    lon: float
    volume: float
    summer: float  # extra summer volume where people come to the water
    trend: float  # yearly log-slope
    hub: str
    school: str
    neighbourhoods: tuple[str, ...]
    addresses: tuple[str, ...]
    mix: dict[str, float]


_DISTRICTS: tuple[_District, ...] = (
    _District(
        "Centrum", 58.350, 12.320, 1.7, 0.15, 0.01, "Stora torget", "Kyrkskolan",
        ("Stora torget", "Resecentrum", "Stadsparken", "Kungsgatan", "Drottninggatan",
         "Gallerian Solvik", "Stadsbiblioteket", "Rådhusplan", "Kyrkskolan"),
        ("Kungsgatan 14", "Drottninggatan 3", "Busshållplats Resecentrum", "Storgatan 22",
         "Parkeringshuset Kvarnen"),
        {"Berusade personer": 2.2, "Bråk/slagsmål": 2.0, "Misshandel": 1.8, "Stöld": 1.7, "Rån": 1.5,
         "Narkotika/öppen droghandel": 1.4, "Arrangemang": 2.5, "Trakasserier": 1.4, "Inbrott": 0.6,
         "Buskörning moped/EPA": 0.5, "Incident mot personal": 1.4},
    ),
    _District(
        "Hamnen", 58.342, 12.296, 1.0, 0.35, -0.04, "Hamnplan", "Varvsskolan",
        ("Gästhamnen", "Hamnplan", "Färjeläget", "Sjöbodarna", "Varvsgatan", "Kajpromenaden",
         "Hamnmagasinet", "Fiskhallen"),
        ("Varvsgatan 8", "Hamngatan 2", "Busshållplats Hamnplan", "Kajgatan 5"),
        {"Narkotika/öppen droghandel": 1.6, "Berusade personer": 1.4, "Nedskräpning": 1.4,
         "Stöld": 1.3, "Arrangemang": 1.6, "Inbrott": 0.8},
    ),
    _District(
        "Norrby", 58.366, 12.318, 1.6, 0.0, 0.02, "Norrby torg", "Norrbyskolan",
        ("Norrby centrum", "Norrby torg", "Lärkstigen", "Norrbyskolan", "Trastvägen",
         "Norrby fritidsgård", "Norrbyparken", "Finkvägen"),
        ("Norrbyvägen 12", "Lärkstigen 4", "Busshållplats Norrby torg", "Trastvägen 21",
         "Norrbyvägen 40"),
        {"Ungdomar som samlas/stör": 1.8, "Anlagd brand": 2.0, "Skadegörelse": 1.4,
         "Narkotika/öppen droghandel": 1.8, "Rån": 1.5, "Incident mot personal": 1.7, "Hot/våld": 1.3,
         "Arrangemang": 0.4},
    ),
    _District(
        "Söderby", 58.334, 12.328, 0.9, 0.0, 0.0, "Söderby gård", "Söderbyskolan",
        ("Söderby gård", "Söderbyskolan", "Sädesvägen", "Havregatan", "Söderby idrottsplats",
         "Kornvägen", "Söderby vårdcentral"),
        ("Söderbyvägen 7", "Havregatan 15", "Busshållplats Söderby skola"),
        {"Inbrott": 1.3, "Klotter": 1.2, "Stöld": 1.1, "Arrangemang": 0.5},
    ),
    _District(
        "Björkdalen", 58.356, 12.345, 0.9, 0.0, 0.02, "Björkdalens centrum", "Björkdalsskolan",
        ("Björkdalens centrum", "Björkdalsskolan", "Lövängen", "Asplunden", "Björkdalsbadet",
         "Lönnstigen", "Hasselgången"),
        ("Björkdalsvägen 30", "Lönnstigen 2", "Busshållplats Björkdalens centrum"),
        {"Klotter": 1.6, "Skadegörelse": 1.2, "Ungdomar som samlas/stör": 1.3, "Arrangemang": 0.5},
    ),
    _District(
        "Ekbacken", 58.372, 12.345, 0.6, 0.0, -0.02, "Ekbacksgården", "Ekbackeskolan",
        ("Ekbackens villaområde", "Ekbackeskolan", "Ekbacksgården", "Ekdungen", "Rönnvägen",
         "Ekbackens förskola", "Motionsspåret Ekbacken"),
        ("Rönnvägen 9", "Ekbacksvägen 18", "Busshållplats Ekbackens skola"),
        {"Inbrott": 1.8, "Buskörning moped/EPA": 1.5, "Berusade personer": 0.5, "Misshandel": 0.5,
         "Narkotika/öppen droghandel": 0.6, "Arrangemang": 0.3},
    ),
    _District(
        "Granlunda", 58.378, 12.300, 1.2, 0.0, 0.08, "Granlunda torg", "Granlundaskolan",
        ("Granlunda torg", "Granlundaskolan", "Granlunda fritidsgård", "Barrstigen", "Kottevägen",
         "Granlunda bollplan", "Tallåsen", "Granlunda garage"),
        ("Granlundavägen 5", "Barrstigen 11", "Busshållplats Granlunda torg", "Kottevägen 3"),
        {"Ungdomar som samlas/stör": 1.5, "Anlagd brand": 1.5, "Buskörning moped/EPA": 1.4,
         "Narkotika/öppen droghandel": 1.3, "Rån": 1.3, "Arrangemang": 0.4},
    ),
    _District(
        "Hagaberg", 58.330, 12.303, 0.7, 0.0, 0.0, "Hagabergs centrum", "Hagabergsskolan",
        ("Hagabergs centrum", "Hagabergsskolan", "Hagaparken", "Ängsvägen", "Blåklintsvägen",
         "Hagabergs kyrka", "Prästängen"),
        ("Ängsvägen 6", "Hagabergsgatan 20", "Busshållplats Hagaparken"),
        {"Inbrott": 1.5, "Trakasserier": 1.3, "Berusade personer": 0.6, "Arrangemang": 0.4},
    ),
    _District(
        "Lindö", 58.318, 12.355, 0.25, 0.3, 0.0, "Lindö by", "Lindöskolan",
        ("Lindö by", "Lindö brygga", "Lindö gård", "Lindöskolan", "Lindövägen", "Lindö camping"),
        ("Lindövägen 45", "Busshållplats Lindö by"),
        {"Buskörning moped/EPA": 1.8, "Inbrott": 1.3, "Narkotika/öppen droghandel": 0.3, "Rån": 0.2,
         "Misshandel": 0.5, "Incident mot personal": 0.4, "Arrangemang": 0.4},
    ),
    _District(
        "Strandviken", 58.323, 12.272, 0.55, 0.8, 0.01, "Strandvikens kiosk", "Strandvikens skola",
        ("Strandvikens badplats", "Strandpromenaden", "Strandvikens kiosk", "Sandvägen", "Tångvägen",
         "Strandvikens camping", "Klippan", "Strandvikens parkering"),
        ("Sandvägen 14", "Busshållplats Strandviken", "Tångvägen 3"),
        {"Nedskräpning": 1.8, "Berusade personer": 1.3, "Buskörning moped/EPA": 1.3, "Inbrott": 0.8,
         "Arrangemang": 0.8},
    ),
)

SOURCES: tuple[str, ...] = (
    "Polisen",
    "Solviksbostäder",
    "Fastighetsskötare",
    "Fritid/fältare",
    "Skola",
    "Socialtjänst",
    "Räddningstjänsten",
    "Väktarbolaget",
    "Kollektivtrafiken",
    "Teknisk förvaltning",
)
# Only these reporters have their own case numbers; the others report by content alone.
_EXTERNAL_ID_PREFIX = {"Polisen": "P", "Solviksbostäder": "SB"}

# Clock hours 0..23. Most reports fall between mid-afternoon and the small hours.
_HOUR_SHAPES: dict[str, tuple[float, ...]] = {
    "night": (9, 8, 6, 4, 2, 1, .5, .5, .7, 1, 1.2, 1.5, 2, 2, 2.2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7.5, 9),
    "evening": (4, 2.5, 1.5, .8, .4, .3, .3, .4, .5, .6, .8, 1,
                1.3, 1.5, 2, 3.5, 4.5, 5.5, 6.5, 8, 9, 9, 8, 6),
    "late": (7, 7, 6, 4, 2, 1, .4, .3, .3, .4, .5, .6, .8, 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 7.5),
    "daytime": (.3, .2, .1, .1, .1, .2, .6, 1.5, 3, 4, 4.5, 4.5,
                4.5, 4.5, 4.5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, .6),
    "shops": (1, .6, .4, .3, .2, .2, .4, .8, 1.5, 2.5, 3.5, 4,
              4.5, 4.5, 4.5, 5, 5.5, 6, 6, 5.5, 4.5, 3.5, 2.5, 1.5),
    "burglary": (3, 3, 3, 2.5, 2, 1.5, 1, 1, 1.5, 2, 2.5, 2.5,
                 2.5, 2.5, 2.5, 3, 3.5, 4, 4.5, 4.5, 4.5, 4, 3.5, 3),
    "dark": (2, 1.5, 1, .5, .3, .5, 1.5, 2, 1.5, 1, 1, 1, 1, 1.2, 1.5, 2.5, 4, 5.5, 6, 6, 5.5, 4.5, 3.5, 2.5),
    "staff": (1.5, 1, .6, .4, .3, .4, 1, 2, 3, 3, 3, 3, 3.2, 3.5, 4, 4.5, 5, 5, 5, 4.5, 4, 3.5, 3, 2),
    "drugs": (4, 3, 2, 1, .5, .3, .3, .4, .6, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 6.5, 7, 7, 7, 6.5, 6, 5),
    "events": (2, 1, .5, .2, .1, .1, .1, .2, .4, .8, 1.5, 2.5, 4, 5, 5.5, 6, 6, 6.5, 7, 7.5, 7, 6, 4.5, 3),
}

# Monday..Sunday of the evening an event belongs to (a Friday night's 01:00 counts as Friday).
_WEEK_SHAPES: dict[str, tuple[float, ...]] = {
    "night": (0.75, 0.75, 0.8, 0.9, 1.45, 1.7, 0.95),
    "youth": (0.9, 0.9, 0.95, 1.0, 1.3, 1.2, 0.8),
    "workday": (1.35, 1.05, 1.0, 1.0, 1.0, 0.8, 0.8),
    "flat": (1, 1, 1, 1, 1, 1, 1),
    "events": (0.5, 0.5, 0.6, 0.8, 1.4, 2.2, 1.3),
}

_DAMAGE_SUFFIXES = ("", " Foto finns.", " Återkommande på platsen.", " Felanmält.")
_PERSON_SUFFIXES = ("", " Återkommande på platsen.", " Vittnen finns.", " Ingen kvar vid ankomst.")
_SUFFIX_WEIGHTS = (0.55, 0.17, 0.16, 0.12)


@dataclass(frozen=True)
class _Category:
    weight: float
    hours: str
    week: str
    texts: tuple[str, ...]
    sources: dict[str, float]
    summer: float = 0.0  # amplitude of a bump centred on early July
    dark: float = 0.0  # amplitude that follows the darkness, highest at midwinter
    july: float = 0.0  # a narrow bump over the July holidays
    trend: float = 0.0
    unknown_time: float = 0.02  # before rescaling to the overall share
    late_weekend: bool = False  # Friday and Saturday nights run later
    summer_evening: bool = False  # light summer evenings keep people out
    fireworks: bool = False  # New Year's Eve and Valborg peak around midnight
    damage_suffixes: bool = False


_CATEGORY_MODELS: dict[str, _Category] = {
    "Skadegörelse": _Category(
        12, "late", "youth",
        ("Krossad ruta i trapphuset.", "Sönderslagen busskur.", "Uppbruten dörr till cykelrummet.",
         "Förstörd parkbänk.", "Vandaliserad lekplats.", "Krossad glasruta i entrén.",
         "Sönderslagen belysningsstolpe.", "Repad och bucklad bil på parkeringen.",
         "Sönderslagna papperskorgar.", "Trasig dörr till tvättstugan."),
        {"Polisen": 25, "Solviksbostäder": 20, "Fastighetsskötare": 20, "Fritid/fältare": 3, "Skola": 8,
         "Väktarbolaget": 10, "Kollektivtrafiken": 8, "Teknisk förvaltning": 10},
        summer=0.3, dark=0.1, unknown_time=0.12, late_weekend=True, summer_evening=True, fireworks=True,
        damage_suffixes=True,
    ),
    "Klotter": _Category(
        9, "late", "youth",
        ("Nya taggar på fasaden.", "Klotter i gångtunneln.", "Klotter på busskuren.", "Taggar på elskåp.",
         "Klotter i trapphuset.", "Stort klotter på skolans gavel.", "Klotter på lekplatsens utrustning.",
         "Taggar på skyltar längs gång- och cykelvägen."),
        {"Polisen": 5, "Solviksbostäder": 20, "Fastighetsskötare": 25, "Skola": 8, "Väktarbolaget": 5,
         "Kollektivtrafiken": 10, "Teknisk förvaltning": 25},
        summer=0.2, dark=-0.1, trend=-0.06, unknown_time=0.2, damage_suffixes=True,
    ),
    "Anlagd brand": _Category(
        4, "late", "youth",
        ("Brand i container.", "Brand i papperskorg.", "Bilbrand på parkeringen.", "Brand i soprum.",
         "Anlagd brand i barnvagnsrum.", "Brand i busskur.", "Gräsbrand, misstänkt anlagd.",
         "Brand i återvinningsstation.", "Raket avfyrad mot fasad, brand i buske."),
        {"Räddningstjänsten": 60, "Polisen": 25, "Solviksbostäder": 5, "Fastighetsskötare": 5,
         "Väktarbolaget": 5},
        summer=0.5, trend=0.04, late_weekend=True, fireworks=True, damage_suffixes=True,
    ),
    "Nedskräpning": _Category(
        8, "daytime", "workday",
        ("Dumpade sopsäckar vid återvinningsstationen.", "Mycket skräp efter helgen.",
         "Kasserade möbler utställda.", "Sprutor hittade i buskage.", "Överfulla papperskorgar.",
         "Glaskross på gångvägen.", "Nedskräpning efter grillning.", "Dumpade däck och bildelar."),
        {"Teknisk förvaltning": 35, "Fastighetsskötare": 25, "Solviksbostäder": 20, "Fritid/fältare": 5,
         "Skola": 5, "Kollektivtrafiken": 5, "Polisen": 2},
        summer=1.0, dark=-0.2, unknown_time=0.12, damage_suffixes=True,
    ),
    "Ungdomar som samlas/stör": _Category(
        10, "evening", "youth",
        ("Grupp ungdomar samlas och spelar hög musik.", "Ungdomar stör i trapphuset.",
         "Cirka 15 ungdomar samlade vid torget.", "Ungdomar kastar sten mot fönster.",
         "Ungdomar samlas kring mopeder och stör.", "Unga hänger i entrén och stör boende.",
         "Ungdomar smäller smällare.", "Ungdomar bråkar med förbipasserande."),
        {"Fritid/fältare": 30, "Polisen": 20, "Solviksbostäder": 10, "Fastighetsskötare": 8, "Skola": 10,
         "Väktarbolaget": 10, "Kollektivtrafiken": 10, "Socialtjänst": 4},
        summer=1.3, dark=-0.15, trend=0.04, late_weekend=True, summer_evening=True,
    ),
    "Narkotika/öppen droghandel": _Category(
        5, "drugs", "youth",
        ("Misstänkt försäljning av narkotika.", "Stark doft av cannabis i trapphuset.",
         "Personer som verkar påverkade av narkotika.", "Misstänkt langning nära skolan.",
         "Tomma påsar och folie hittade.", "Upprepade korta möten i bilar, misstänkt droghandel.",
         "Misstänkt gömställe för narkotika i buskage.", "Kanyler hittade vid lekplatsen."),
        {"Polisen": 55, "Fritid/fältare": 10, "Socialtjänst": 10, "Väktarbolaget": 8, "Solviksbostäder": 7,
         "Skola": 5, "Fastighetsskötare": 5},
        summer=0.3, trend=0.10,
    ),
    "Hot/våld": _Category(
        4, "night", "night",
        ("Hot mot person på allmän plats.", "Person hotar förbipasserande med tillhygge.",
         "Hotfull person i entrén.", "Hot via sociala medier mot elev.", "Grannar i konflikt, hot uttalade.",
         "Person viftar med kniv.", "Hot i samband med parkeringstvist.", "Våldsamt uppträdande i butik."),
        {"Polisen": 55, "Socialtjänst": 12, "Skola": 10, "Väktarbolaget": 8, "Kollektivtrafiken": 5,
         "Solviksbostäder": 5, "Fritid/fältare": 5},
        summer=0.1, late_weekend=True,
    ),
    "Misshandel": _Category(
        3, "night", "night",
        ("Misshandel utanför restaurang.", "Person slagen i ansiktet.", "Misshandel vid busshållplatsen.",
         "Gruppmisshandel av ung person.", "Misshandel i samband med fest.", "Person sparkad på marken.",
         "Misshandel i trapphus.", "Misshandel efter bråk i kö."),
        {"Polisen": 80, "Väktarbolaget": 10, "Socialtjänst": 3, "Skola": 4, "Kollektivtrafiken": 3},
        summer=0.3, late_weekend=True, fireworks=True,
    ),
    "Rån": _Category(
        1.2, "night", "youth",
        ("Personrån av ungdom, mobil stulen.", "Rån vid bankomat.", "Jacka och skor rånade av ungdomar.",
         "Rån mot butik.", "Rånförsök mot äldre person.", "Personrån med kniv.", "Cykel rånad.",
         "Rån i gångtunnel."),
        {"Polisen": 90, "Väktarbolaget": 5, "Kollektivtrafiken": 5},
        dark=0.15,
    ),
    "Inbrott": _Category(
        5, "burglary", "flat",
        ("Inbrott i källarförråd.", "Inbrott i villa.", "Inbrott i lägenhet via balkongdörr.",
         "Inbrott i garage.", "Inbrottsförsök, märken på dörren.", "Inbrott i skollokal.",
         "Inbrott i förråd på fritidsgården.", "Inbrott i bil på parkeringen."),
        {"Polisen": 65, "Solviksbostäder": 20, "Fastighetsskötare": 12, "Skola": 3},
        dark=0.45, july=0.7, trend=-0.08, unknown_time=0.3, damage_suffixes=True,
    ),
    "Stöld": _Category(
        9, "shops", "workday",
        ("Cykelstöld.", "Snatteri i butik.", "Stöld av mopedbatteri.", "Stöld ur bil.",
         "Stöld av byggmaterial.", "Ficktjuv på bussen.", "Stöld av katalysator.", "Stulen moped."),
        {"Polisen": 60, "Solviksbostäder": 8, "Fastighetsskötare": 7, "Väktarbolaget": 12, "Skola": 5,
         "Kollektivtrafiken": 8},
        summer=0.3, unknown_time=0.1,
    ),
    "Buskörning moped/EPA": _Category(
        5, "evening", "youth",
        ("Buskörning med moped på gång- och cykelväg.", "EPA-traktorer kör i hög fart genom området.",
         "Mopeder kör på fotbollsplanen.", "Crossmotorcykel i skogen.", "Buskörning på parkeringen.",
         "Mopedist kör på trottoaren.", "Buskörning runt skolan.", "Högljudda A-traktorer sent på kvällen."),
        {"Polisen": 40, "Fritid/fältare": 10, "Solviksbostäder": 10, "Fastighetsskötare": 10,
         "Teknisk förvaltning": 15, "Kollektivtrafiken": 10, "Skola": 5},
        summer=1.8, dark=-0.5, trend=0.05, late_weekend=True, summer_evening=True,
    ),
    "Berusade personer": _Category(
        6, "night", "night",
        ("Berusad person ligger på marken.", "Berusade personer stör vid torget.",
         "Berusad person somnat vid busshållplatsen.", "Högljudda berusade personer.",
         "Berusad person stör i butik.", "Grupp berusade på stranden.", "Berusad person omhändertagen.",
         "Berusade personer urinerar i entré."),
        {"Polisen": 45, "Väktarbolaget": 25, "Kollektivtrafiken": 15, "Solviksbostäder": 5,
         "Fastighetsskötare": 5, "Fritid/fältare": 5},
        summer=0.6, late_weekend=True, summer_evening=True, fireworks=True,
    ),
    "Otrygg plats/belysning": _Category(
        3, "dark", "workday",
        ("Trasig gatubelysning på gångvägen.", "Mörk passage, belysning saknas.",
         "Igenvuxet buskage skymmer sikten.", "Otrygg gångtunnel.", "Flera lampor släckta i parken.",
         "Boende upplever platsen som otrygg.", "Trasig belysning vid busshållplatsen.",
         "Otrygg parkering med dålig belysning."),
        {"Teknisk förvaltning": 35, "Solviksbostäder": 20, "Fastighetsskötare": 20, "Polisen": 8,
         "Fritid/fältare": 7, "Skola": 5, "Kollektivtrafiken": 5},
        dark=0.6, unknown_time=0.15, damage_suffixes=True,
    ),
    "Incident mot personal": _Category(
        2, "staff", "flat",
        ("Busschaufför hotad.", "Personal i skolan utsatt för hot.", "Fastighetsskötare trakasserad.",
         "Väktare knuffad.", "Fältare utsatta för stenkastning.", "Räddningstjänsten hindrad vid insats.",
         "Personal kallad glåpord.", "Hot mot personal på fritidsgården."),
        {"Kollektivtrafiken": 25, "Skola": 20, "Väktarbolaget": 15, "Solviksbostäder": 10,
         "Socialtjänst": 10, "Fritid/fältare": 10, "Räddningstjänsten": 5, "Polisen": 5},
        trend=0.03,
    ),
    "Bråk/slagsmål": _Category(
        3, "night", "night",
        ("Slagsmål mellan flera personer.", "Bråk utanför pizzerian.", "Slagsmål på skolgården.",
         "Högljutt bråk i trapphus.", "Bråk i busskön.", "Slagsmål efter fest.",
         "Bråk mellan grupper av ungdomar.", "Bråk vid nattklubben."),
        {"Polisen": 55, "Väktarbolaget": 20, "Skola": 10, "Fritid/fältare": 8, "Kollektivtrafiken": 7},
        summer=0.4, late_weekend=True, summer_evening=True, fireworks=True,
    ),
    "Trakasserier": _Category(
        2.5, "shops", "flat",
        ("Kvinna ofredad av man.", "Trakasserier mot boende.", "Elev trakasserad på väg hem.",
         "Sexuella trakasserier på bussen.", "Upprepade trakasserier mot butiksanställd.",
         "Rasistiska tillmälen mot förbipasserande.", "Person förföljd från busshållplatsen.",
         "Trakasserier via sociala medier."),
        {"Polisen": 40, "Skola": 15, "Kollektivtrafiken": 15, "Solviksbostäder": 10, "Fritid/fältare": 10,
         "Socialtjänst": 10},
        summer=0.1,
    ),
    "Arrangemang": _Category(
        1, "events", "events",
        ("Konsert på torget, mycket folk.", "Idrottsevenemang med många besökare.", "Marknad i centrum.",
         "Skolavslutning, firande i parken.", "Anmäld demonstration.", "Festival vid vattnet.",
         "Stort privat firande utomhus.", "Fotbollsmatch med många besökare."),
        {"Polisen": 40, "Fritid/fältare": 30, "Väktarbolaget": 15, "Räddningstjänsten": 5,
         "Kollektivtrafiken": 10},
        summer=1.5, dark=-0.3,
    ),
}

# A category added to defaults later still gets plausible demo events.
_GENERIC_CATEGORY = _Category(
    2, "shops", "flat",
    ("Händelse rapporterad på allmän plats.", "Oro bland boende.", "Händelse som behöver följas upp.",
     "Upprepad händelse på platsen."),
    {"Polisen": 40, "Solviksbostäder": 20, "Fastighetsskötare": 20, "Fritid/fältare": 20},
)

# Multipliers for the day whose evening is the holiday.
_SPECIAL_DAYS: dict[str, dict[str, float]] = {
    "nyårsafton": {"Anlagd brand": 14, "Skadegörelse": 4, "Berusade personer": 3, "Bråk/slagsmål": 2.5,
                   "Misshandel": 2.2, "Ungdomar som samlas/stör": 2, "Incident mot personal": 2.5,
                   "Arrangemang": 3, "Hot/våld": 1.5},
    "nyårsdagen": {"Nedskräpning": 3, "Anlagd brand": 2.5, "Skadegörelse": 1.8, "Berusade personer": 1.5},
    "valborg": {"Anlagd brand": 4, "Skadegörelse": 2.5, "Berusade personer": 3, "Bråk/slagsmål": 2.5,
                "Misshandel": 2, "Ungdomar som samlas/stör": 2.2, "Nedskräpning": 1.5, "Arrangemang": 4},
    "första maj": {"Nedskräpning": 2.5, "Arrangemang": 2},
    "nationaldagen": {"Arrangemang": 4},
    "midsommarafton": {"Berusade personer": 2.5, "Bråk/slagsmål": 2, "Misshandel": 1.8,
                       "Buskörning moped/EPA": 1.5, "Arrangemang": 3, "Nedskräpning": 1.5},
    "halloween": {"Skadegörelse": 1.8, "Ungdomar som samlas/stör": 1.5, "Anlagd brand": 1.6, "Klotter": 1.3},
}

_BURST_CATEGORIES = (
    "Skadegörelse", "Klotter", "Anlagd brand", "Ungdomar som samlas/stör", "Narkotika/öppen droghandel",
    "Buskörning moped/EPA", "Berusade personer", "Stöld", "Inbrott", "Rån",
)

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

SURVEY_INDICATORS = (
    "Känner sig trygg utomhus på kvällen",
    "Oroar sig för brott i området",
    "Ser skadegörelse eller klotter ofta",
    "Har förtroende för polisen i området",
)
_DAMAGE_CATEGORIES = ("Skadegörelse", "Klotter", "Anlagd brand", "Nedskräpning")


@dataclass
class _Intervention:
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


def build_demo(
    path: Path,
    *,
    seed: int = 7,
    events: int | None = None,
    end: date | None = None,
    years: int = 2,
) -> DemoSummary:
    """Writes a fresh demo database for Solviks kommun to path, replacing any file there."""
    started = time.perf_counter()
    path = Path(path)
    end = end or clock.today()
    if years < 0:
        raise ValueError("years must be zero or more")
    if events is not None and events < 0:
        raise ValueError("events must be zero or more")
    start = date(end.year - years, 1, 1)
    days = (end - start).days + 1
    total = round(EVENTS_PER_YEAR * days / 365.25) if events is None else int(events)

    db.remove_database_files(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    try:
        con = duckdb.connect(str(path))
        try:
            interventions = _fill(con, rng, seed, start, end, total)
        finally:
            con.close()
    except BaseException:
        # Half a demo database would pass for a whole one on the next start.
        db.remove_database_files(path)
        raise

    return DemoSummary(
        path=path,
        seed=seed,
        events=total,
        interventions=len(interventions),
        districts=len(_DISTRICTS),
        start=start,
        end=end,
        seconds=round(time.perf_counter() - started, 3),
        effective_interventions=tuple(i.id for i in interventions if i.effect is not None),
    )


def _fill(
    con: duckdb.DuckDBPyConnection, rng: np.random.Generator, seed: int, start: date, end: date, total: int
) -> list[_Intervention]:
    # A terminal progress bar from inside the app or the tests is only noise.
    con.execute("SET enable_progress_bar = false")
    categories = [name for name, _group, _description in defaults.CATEGORIES]
    db.create_schema(con)
    db.seed_reference_lists(con)
    for d in _DISTRICTS:
        db.add_district(con, d.name, police_area=POLICE_AREA, municipality=MUNICIPALITY,
                        neighbourhoods=list(d.neighbourhoods))
    _insert_priority_areas(con, start, end)
    interventions = _plan_interventions(rng, start, end)
    _insert_interventions(con, interventions)
    counts = _generate_events(con, rng, start, end, total, categories, interventions)
    event_counts.rebuild(con)
    _insert_survey(con, rng, start, end, categories, counts)
    db.set_meta(con, "is_demo", "1")
    db.set_meta(con, "municipality", MUNICIPALITY)
    db.set_meta(con, "demo_seed", str(seed))
    # The demo's clock is its end date, so two builds with the same seed hold the same content.
    con.execute("UPDATE data_version SET version = 1, updated_at = ?",
                [datetime.combine(end, dt_time(23, 59))])
    con.execute("CHECKPOINT")
    return interventions


# --- events -----------------------------------------------------------------------------------


def _lookup_table(weights: np.ndarray) -> np.ndarray:
    """Rows of weights -> rows of _LUT_SLOTS indices, so u in [0, 1) maps to a draw by a gather."""
    weights = np.atleast_2d(weights).astype(np.float64)
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    probes = (np.arange(_LUT_SLOTS) + 0.5) / _LUT_SLOTS
    table = np.empty((weights.shape[0], _LUT_SLOTS), dtype=np.int16)
    for row in range(weights.shape[0]):
        table[row] = np.searchsorted(cum[row], probes, side="right")
    return np.minimum(table, weights.shape[1] - 1)


def _draw(table: np.ndarray, rows: np.ndarray | int, u: np.ndarray) -> np.ndarray:
    return table[rows, (u * _LUT_SLOTS).astype(np.int32)]


def _model(category: str) -> _Category:
    return _CATEGORY_MODELS.get(category, _GENERIC_CATEGORY)


def _daily_rates(
    rng: np.random.Generator,
    start: date,
    days: int,
    categories: list[str],
    interventions: list[_Intervention],
    area_categories: dict[str, list[int]],
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int, int, int]]]:
    """Expected events per (evening-day, district, category) and each evening-day's hour variant.

    An "evening-day" runs from 06:00 to 06:00, so a Saturday night's fights count as Saturday.
    Index 0 is the day before the period, whose small hours fall on its first morning.
    """
    n_days = days + 1
    n_k, n_c = len(_DISTRICTS), len(categories)
    first = np.datetime64(start - timedelta(days=1), "D")
    dates = first + np.arange(n_days)
    years = dates.astype("datetime64[Y]")
    doy = (dates - years).astype(np.int64) + 1
    month = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dom = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    t_years = (np.arange(n_days) - 1) / 365.25

    summer = np.exp(-0.5 * ((doy - 190) / 30.0) ** 2)
    july = np.exp(-0.5 * ((doy - 198) / 12.0) ** 2)
    dark = np.cos(2 * np.pi * (doy - 355) / 365.25)
    special = {
        "nyårsafton": (month == 12) & (dom == 31),
        "nyårsdagen": (month == 1) & (dom == 1),
        "valborg": (month == 4) & (dom == 30),
        "första maj": (month == 5) & (dom == 1),
        "nationaldagen": (month == 6) & (dom == 6),
        "midsommarafton": (month == 6) & (dom >= 19) & (dom <= 25) & (weekday == 4),
        "halloween": (month == 10) & (dom == 31),
    }

    per_category = np.empty((n_days, n_c))
    for c, name in enumerate(categories):
        m = _model(name)
        season = 1 + m.summer * summer + m.dark * dark + m.july * july
        factor = np.maximum(season, 0.15) * np.asarray(_WEEK_SHAPES[m.week])[weekday]
        factor *= np.exp(m.trend * t_years) * m.weight
        for day_name, mask in special.items():
            factor[mask] *= _SPECIAL_DAYS[day_name].get(name, 1.0)
        per_category[:, c] = factor

    volume = np.array([d.volume for d in _DISTRICTS])
    per_district = volume * (1 + np.outer(summer, [d.summer for d in _DISTRICTS]))
    per_district *= np.exp(np.outer(t_years, [d.trend for d in _DISTRICTS]))
    mix = np.array([[d.mix.get(name, 1.0) for name in categories] for d in _DISTRICTS])
    mix *= rng.lognormal(0.0, 0.15, size=mix.shape)
    rates = per_category[:, None, :] * per_district[:, :, None] * mix[None, :, :]

    # Week-to-week wobble that real data has and a smooth model lacks.
    week = (np.arange(n_days) + int(weekday[0])) // 7
    rates *= rng.lognormal(0.0, 0.12, size=(int(week[-1]) + 1, n_k, n_c))[week]

    bursts = _plan_bursts(rng, n_days, rates, categories)
    for k, c, d0, d1, mult, _place in bursts:
        rates[d0:d1 + 1, k, c] *= mult

    for iv in interventions:
        if iv.effect is None:
            continue
        curve = _effect_curve(rng, iv, start, n_days)
        rates[:, iv.district, area_categories[iv.area]] *= curve[:, None]

    variant = (weekday >= 4) & (weekday <= 5)
    variant = variant.astype(np.int8) + 2 * np.isin(month, (6, 7, 8)) + 4 * (
        special["nyårsafton"] | special["valborg"])
    burst_days = [(k, c, d0, d1, place) for k, c, d0, d1, _m, place in bursts]
    return rates, variant.astype(np.int8), burst_days


def _plan_bursts(
    rng: np.random.Generator, n_days: int, rates: np.ndarray, categories: list[str]
) -> list[tuple[int, int, int, int, float, int]]:
    """Short outbreaks at one place, two of them recent so this week's flags have something to find."""
    burst_cats = [categories.index(c) for c in _BURST_CATEGORIES if c in categories]
    if not burst_cats or n_days < 10:
        return []
    volume = rates.sum(axis=0)
    district_p = volume.sum(axis=1) / volume.sum()
    # The recent ones go where the counts are large enough for a real test to notice them.
    recent = rates[-56:][:, :, burst_cats].sum(axis=0)
    busiest = np.argsort(-recent, axis=None)[:12]
    count = max(3, round(10 * n_days / 365.25))
    bursts = []
    for i in range(count + 2):
        if i < count:
            k = int(rng.choice(len(_DISTRICTS), p=district_p))
            c = int(rng.choice(burst_cats))
            length = int(rng.integers(5, 22))
            d0 = int(rng.integers(1, max(2, n_days - length)))
            mult = float(rng.uniform(2.0, 3.5))
        else:
            k, j = divmod(int(rng.choice(busiest)), len(burst_cats))
            c = burst_cats[j]
            length = int(rng.integers(6, 11)) if i == count else int(rng.integers(7, 15))
            back = 0 if i == count else int(rng.integers(21, 36))
            d0 = max(1, n_days - back - length)
            mult = float(rng.uniform(3.0, 4.5))
        place = int(rng.integers(0, len(_DISTRICTS[k].neighbourhoods) + len(_DISTRICTS[k].addresses)))
        bursts.append((k, c, d0, min(n_days - 1, d0 + length - 1), mult, place))
    return bursts


def _effect_curve(rng: np.random.Generator, iv: _Intervention, start: date, n_days: int) -> np.ndarray:
    """Rate multiplier per evening-day: eases in over two weeks, holds, and fades after the end."""
    day = np.arange(n_days) - 1  # index 0 is the day before the period
    s = (iv.start - start).days
    e = (iv.end - start).days if iv.end is not None else n_days
    tail = int(rng.integers(28, 57))
    full = 1 - (iv.effect if iv.effect is not None else 1.0)
    strength = np.clip((day - s) / 14.0, 0, 1) * np.clip(1 - (day - e) / tail, 0, 1)
    return 1 - full * strength


def _generate_events(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    start: date,
    end: date,
    total: int,
    categories: list[str],
    interventions: list[_Intervention],
) -> np.ndarray:
    """Draws, sorts and inserts the events; returns counts per (calendar year, district, category)."""
    days = (end - start).days + 1
    n_k, n_c = len(_DISTRICTS), len(categories)
    area_categories = {a: [categories.index(c) for c in cats if c in categories]
                       for a, (cats, _d, _g) in PRIORITY_AREAS.items()}
    rates, variant, bursts = _daily_rates(rng, start, days, categories, interventions, area_categories)

    # Hour shapes per (variant, clock hour, category), each summing to one over the day.
    shapes = np.empty((8, 24, n_c))
    late_hours = np.isin(np.arange(24), (22, 23, 0, 1, 2, 3))
    summer_hours = np.isin(np.arange(24), (19, 20, 21, 22, 23, 0))
    fireworks_hours = np.isin(np.arange(24), (22, 23, 0, 1, 2))
    for c, name in enumerate(categories):
        m = _model(name)
        base = np.asarray(_HOUR_SHAPES[m.hours], dtype=np.float64)
        for v in range(8):
            shape = base.copy()
            if v & 1 and m.late_weekend:
                shape[late_hours] *= 1.6
            if v & 2 and m.summer_evening:
                shape[summer_hours] *= 1.8
            if v & 4 and m.fireworks:
                shape[fireworks_hours] *= 4.0
            shapes[v, :, c] = shape / shape.sum()

    hours = np.arange(24)
    evening_day = np.arange(days)[:, None] + (hours >= 6)[None, :]  # (days, 24)
    cell_rates = rates[evening_day] * shapes[variant[evening_day], hours[None, :]][:, :, None, :]
    p = cell_rates.ravel()
    p /= p.sum()
    counts = rng.multinomial(total, p) if total else np.zeros(p.size, dtype=np.int64)
    del cell_rates, p

    cells = np.repeat(np.arange(counts.size, dtype=np.int32), counts)
    del counts
    cat = (cells % n_c).astype(np.int8)
    rest = cells // n_c
    dist = (rest % n_k).astype(np.int8)
    rest //= n_k
    hour = (rest % 24).astype(np.int16)
    day = (rest // 24).astype(np.int32)
    del cells, rest
    n = day.size

    # Time of day; an unknown time is stored as midnight.
    minute = rng.integers(0, 60, size=n, dtype=np.int16)
    unknown_p = np.array([_model(c).unknown_time for c in categories])
    weights = np.bincount(cat, minlength=n_c)
    if n:
        unknown_p = np.minimum(0.9, unknown_p * 0.07 / max(1e-9, float(weights @ unknown_p) / n))
    known = rng.random(n, dtype=np.float32) >= unknown_p.astype(np.float32)[cat]
    minute_of_day = np.where(known, hour * 60 + minute, 0).astype(np.int32)
    del hour, minute

    # Places: each district has a few hot spots, and each category its own favourites among them.
    offsets = np.cumsum([0] + [len(d.neighbourhoods) + len(d.addresses) for d in _DISTRICTS])
    place_names = [p for d in _DISTRICTS for p in (*d.neighbourhoods, *d.addresses)]
    width = int(np.diff(offsets).max())
    place_w = np.zeros((n_k, n_c, width))
    for k in range(n_k):
        size = int(offsets[k + 1] - offsets[k])
        rank = rng.permutation(size)
        # The district's hub is among its hottest places; that is where the interventions point.
        hub = _DISTRICTS[k].neighbourhoods.index(_DISTRICTS[k].hub) if _DISTRICTS[k].hub in (
            _DISTRICTS[k].neighbourhoods) else 0
        swap = int(np.flatnonzero(rank == rng.integers(0, 3))[0])
        rank[[hub, swap]] = rank[[swap, hub]]
        zipf = 1.0 / (rank + 1.0) ** 1.1
        place_w[k, :, :size] = zipf * rng.lognormal(0.0, 0.5, size=(n_c, size))
    place_lut = _lookup_table(place_w.reshape(n_k * n_c, width))
    place = _draw(place_lut, dist.astype(np.int32) * n_c + cat, rng.random(n, dtype=np.float32))
    place = place + offsets[:-1].astype(np.int16)[dist]
    for k, c, d0, d1, local in bursts:
        lo, hi = np.searchsorted(day, [d0 - 1, d1], side="left")  # bursts use evening-day indices
        sel = lo + np.flatnonzero((dist[lo:hi] == k) & (cat[lo:hi] == c) & (rng.random(hi - lo) < 0.65))
        place[sel] = offsets[k] + local
    place[rng.random(n, dtype=np.float32) < 0.08] = -1

    source_w = np.array([[_model(c).sources.get(s, 0.0) for s in SOURCES] for c in categories])
    source = _draw(_lookup_table(source_w), cat, rng.random(n, dtype=np.float32)).astype(np.int8)

    # Descriptions: a category template plus an optional remark; about 15 % left empty.
    texts: list[str] = []
    text_offset = np.zeros(n_c, dtype=np.int32)
    text_count = np.zeros(n_c, dtype=np.int32)
    for c, name in enumerate(categories):
        m = _model(name)
        suffixes = _DAMAGE_SUFFIXES if m.damage_suffixes else _PERSON_SUFFIXES
        text_offset[c] = len(texts)
        text_count[c] = len(m.texts)
        texts.extend(t + s for t in m.texts for s in suffixes)
    suffix_lut = _lookup_table(np.asarray(_SUFFIX_WEIGHTS))

    def draw_descriptions(of: np.ndarray) -> np.ndarray:
        template = (rng.random(of.size) * text_count[of]).astype(np.int32)
        suffix = _draw(suffix_lut, 0, rng.random(of.size, dtype=np.float32)).astype(np.int32)
        code = text_offset[of] + template * len(_SUFFIX_WEIGHTS) + suffix
        return np.where(rng.random(of.size) < 0.15, -1, code).astype(np.int16)

    description = draw_descriptions(cat)

    # Reports without their own case number are told apart by content; nudge the rare twins.
    has_ext = np.isin(source, [SOURCES.index(s) for s in _EXTERNAL_ID_PREFIX])
    by_content = np.flatnonzero(~has_ext)
    for _attempt in range(20):
        key = day[by_content].astype(np.int64) * 1440 + minute_of_day[by_content]
        parts = ((place[by_content] + 1, len(place_names) + 1), (cat[by_content], n_c),
                 (description[by_content] + 1, len(texts) + 1), (source[by_content], len(SOURCES)))
        for values, size in parts:
            key = key * size + values
        order = np.argsort(key, kind="stable")
        twins = by_content[order[1:][key[order[1:]] == key[order[:-1]]]]
        if twins.size == 0:
            break
        description[twins] = draw_descriptions(cat[twins])
        retime = twins[known[twins]]
        minute_of_day[retime] = (minute_of_day[retime] // 60) * 60 + rng.integers(0, 60, retime.size)
    del by_content

    # Time order gives ids and case numbers their natural sequence.
    minutes = day.astype(np.int64) * 1440 + minute_of_day
    order = np.argsort(minutes, kind="stable")
    minutes, day, known = minutes[order], day[order], known[order]
    dist, cat, place = dist[order], cat[order], place[order]
    source, description = source[order], description[order]
    del order, minute_of_day

    day_years = (np.datetime64(start, "D") + np.arange(days)).astype("datetime64[Y]").astype(np.int64) + 1970
    event_year = day_years[day]
    n_years = end.year - start.year + 1
    ext_seq = np.zeros(n, dtype=np.int64)
    for name in _EXTERNAL_ID_PREFIX:
        idx = np.flatnonzero(source == SOURCES.index(name))
        numbers = np.cumsum(rng.integers(1, 4, size=idx.size))
        first = np.searchsorted(event_year[idx], event_year[idx], side="left")
        # Numbers restart each year, with gaps for cases that concern other municipalities.
        ext_seq[idx] = numbers - np.concatenate(([0], numbers))[first]

    # Coordinates for about 60 %: the place's spot, or somewhere in the district.
    place_lat = np.empty(len(place_names))
    place_lon = np.empty(len(place_names))
    for k, d in enumerate(_DISTRICTS):
        size = int(offsets[k + 1] - offsets[k])
        place_lat[offsets[k]:offsets[k + 1]] = d.lat + rng.normal(0, 0.0035, size)
        place_lon[offsets[k]:offsets[k + 1]] = d.lon + rng.normal(0, 0.006, size)
    has_coord = rng.random(n, dtype=np.float32) < 0.6
    at = np.flatnonzero(has_coord)
    spot = place[at]
    known_spot = spot >= 0
    centre_lat = np.array([d.lat for d in _DISTRICTS])[dist[at]]
    centre_lon = np.array([d.lon for d in _DISTRICTS])[dist[at]]
    lat = np.zeros(n)
    lon = np.zeros(n)
    spread = np.where(known_spot, 0.0004, 0.0035)
    # A degree of longitude is only about half a degree of latitude this far north.
    lat[at] = np.where(known_spot, place_lat[np.maximum(spot, 0)], centre_lat)
    lat[at] += spread * rng.standard_normal(at.size, dtype=np.float32)
    lon[at] = np.where(known_spot, place_lon[np.maximum(spot, 0)], centre_lon)
    lon[at] += spread * 1.7 * rng.standard_normal(at.size, dtype=np.float32)
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    del at, spot, known_spot, centre_lat, centre_lon, spread

    epoch = int((datetime.combine(start, dt_time(0)) - datetime(1970, 1, 1)).total_seconds())
    # "P-2025-" and friends as a dictionary: SQL then only pads the number, far cheaper than printf.
    ext_prefix = np.full(n, -1, dtype=np.int16)
    prefixes = []
    for i, (name, prefix) in enumerate(_EXTERNAL_ID_PREFIX.items()):
        mine = source == SOURCES.index(name)
        ext_prefix[mine] = i * n_years + (event_year[mine] - start.year)
        prefixes += [f"{prefix}-{y}-" for y in range(start.year, end.year + 1)]
    del event_year

    def dictionary(codes: np.ndarray, names: list[str] | tuple[str, ...]) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(np.maximum(codes, 0), pa.array(list(names)), mask=codes < 0)

    staged = pa.table({
        "id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
        "occurred_at": pa.array(epoch + minutes * 60, type=pa.timestamp("s")),
        "time_known": pa.array(known),
        "district": dictionary(dist, [d.name for d in _DISTRICTS]),
        "place": dictionary(place, place_names),
        "category": dictionary(cat, categories),
        "description": dictionary(description, texts),
        "source": dictionary(source, SOURCES),
        "ext_prefix": dictionary(ext_prefix, prefixes),
        "ext_seq": pa.array(ext_seq),
        "lat": pa.array(lat, mask=~has_coord),
        "lon": pa.array(lon, mask=~has_coord),
    })
    counts = np.zeros((end.year - start.year + 1, n_k, n_c), dtype=np.int64)
    year_index = (day_years - start.year)[day]
    _bincount3(counts, year_index, dist, cat)
    del minutes, day, known, dist, cat, place, source, description, ext_seq, lat, lon, has_coord, year_index

    con.register("demo_staged", staged)
    try:
        con.execute(f"""
            INSERT INTO events
            SELECT id, occurred_at, time_known, district, place, category, description, source,
                   external_id, lat, lon, NULL, {db.DEDUP_KEY_SQL}
            FROM (
                SELECT id, occurred_at::TIMESTAMP AS occurred_at, time_known,
                       district::VARCHAR AS district, place::VARCHAR AS place,
                       category::VARCHAR AS category, description::VARCHAR AS description,
                       source::VARCHAR AS source,
                       ext_prefix::VARCHAR || CASE WHEN ext_seq < 1000000 THEN lpad(ext_seq::VARCHAR, 6, '0')
                                                   ELSE ext_seq::VARCHAR END AS external_id,
                       lat, lon
                FROM demo_staged
            )
        """)
    finally:
        con.unregister("demo_staged")
    return counts


def _bincount3(out: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    _, n_b, n_c = out.shape
    flat = (a.astype(np.int64) * n_b + b) * n_c + c
    out += np.bincount(flat, minlength=out.size).reshape(out.shape)


# --- priority areas, interventions, surveys ----------------------------------------------------


def _insert_priority_areas(con: duckdb.DuckDBPyConnection, start: date, end: date) -> None:
    updated = datetime.combine(start, dt_time(9))
    for name, (cats, description, goal) in PRIORITY_AREAS.items():
        con.execute(
            "INSERT INTO priority_areas VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
            [name, description, goal.format(first=start.year, last=end.year + 1), start,
             date(end.year + 1, 12, 31), list(cats), updated],
        )


def _office_time(rng: np.random.Generator, day: date) -> datetime:
    return datetime.combine(day, dt_time(8)) + timedelta(minutes=int(rng.integers(0, 8 * 60)))


def _plan_interventions(rng: np.random.Generator, start: date, end: date) -> list[_Intervention]:
    """45 interventions whose dates, statuses and histories agree with each other at the end date."""
    span = (end - start).days
    kinds = ["planned"] * 5 + ["cancelled"] * 4 + ["overdue"] * 3 + ["open"] * 2
    kinds += ["normal"] * (INTERVENTION_COUNT - len(kinds))
    kinds = [kinds[i] for i in rng.permutation(len(kinds))]
    volume = np.array([d.volume for d in _DISTRICTS])
    district_p = volume / volume.sum()
    earliest = start + timedelta(days=min(21, span // 3))
    room = max(1, (end - earliest).days + 1)

    plans: list[_Intervention] = []
    titles: set[str] = set()
    for kind in kinds:
        while True:
            pick = int(rng.integers(len(_INTERVENTION_TEMPLATES)))
            area, template, owner, contact = _INTERVENTION_TEMPLATES[pick]
            k = int(rng.choice(len(_DISTRICTS), p=district_p))
            d = _DISTRICTS[k]
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
        plans.append(_Intervention(title, area, k, owner, contact, kind, begin, finish))

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


def _write_history(rng: np.random.Generator, iv: _Intervention, start: date, end: date) -> None:
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


def _insert_interventions(con: duckdb.DuckDBPyConnection, interventions: list[_Intervention]) -> None:
    # executemany costs a round trip per row; two small Arrow tables do not.
    ivs = pa.table({
        "id": [iv.id for iv in interventions],
        "title": [iv.title for iv in interventions],
        "priority_area": [iv.area for iv in interventions],
        "district": [_DISTRICTS[iv.district].name for iv in interventions],
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


def _insert_survey(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    start: date,
    end: date,
    categories: list[str],
    counts: np.ndarray,
) -> None:
    """One survey per full calendar year; the districts with more events feel less safe."""
    damage = [categories.index(c) for c in _DAMAGE_CATEGORIES if c in categories]
    district_mood = rng.normal(0.0, 2.0, len(_DISTRICTS))
    rows = []
    for y in range(start.year, end.year + 1):
        if date(y, 12, 31) > end:
            continue
        year_counts = counts[y - start.year].astype(np.float64) + 1.0
        rel = np.log(year_counts.sum(axis=1) / year_counts.sum(axis=1).mean())
        rel_damage = np.log(year_counts[:, damage].sum(axis=1) / year_counts[:, damage].sum(axis=1).mean())
        noise = rng.normal(0.0, 1.5, (len(_DISTRICTS), len(SURVEY_INDICATORS)))
        values = np.column_stack([
            70 - 16 * rel + district_mood,
            24 + 9 * rel - 0.5 * district_mood,
            20 + 14 * rel_damage,
            63 - 5 * rel + 0.5 * district_mood,
        ]) + noise
        values = np.clip(values, 2.0, 98.0)
        respondents = rng.integers(150, 601, len(_DISTRICTS))
        for k, d in enumerate(_DISTRICTS):
            for i, indicator in enumerate(SURVEY_INDICATORS):
                rows.append([str(y), d.name, indicator, round(float(values[k, i]), 1), int(respondents[k])])
    if rows:
        con.executemany("INSERT INTO survey_results VALUES (?, ?, ?, ?, ?, NULL)", rows)
