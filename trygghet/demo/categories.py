"""What is reported in Solvik and how: each category's volume, hours, weekdays, seasons,
texts and reporters, the holidays that stand out and the categories that come in bursts."""

from __future__ import annotations

from dataclasses import dataclass

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
EXTERNAL_ID_PREFIX = {"Polisen": "P", "Solviksbostäder": "SB"}

# Clock hours 0..23. Most reports fall between mid-afternoon and the small hours.
HOUR_SHAPES: dict[str, tuple[float, ...]] = {
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
WEEK_SHAPES: dict[str, tuple[float, ...]] = {
    "night": (0.75, 0.75, 0.8, 0.9, 1.45, 1.7, 0.95),
    "youth": (0.9, 0.9, 0.95, 1.0, 1.3, 1.2, 0.8),
    "workday": (1.35, 1.05, 1.0, 1.0, 1.0, 0.8, 0.8),
    "flat": (1, 1, 1, 1, 1, 1, 1),
    "events": (0.5, 0.5, 0.6, 0.8, 1.4, 2.2, 1.3),
}

DAMAGE_SUFFIXES = ("", " Foto finns.", " Återkommande på platsen.", " Felanmält.")
PERSON_SUFFIXES = ("", " Återkommande på platsen.", " Vittnen finns.", " Ingen kvar vid ankomst.")
SUFFIX_WEIGHTS = (0.55, 0.17, 0.16, 0.12)


@dataclass(frozen=True)
class Category:
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


_CATEGORY_MODELS: dict[str, Category] = {
    "Skadegörelse": Category(
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
    "Klotter": Category(
        9, "late", "youth",
        ("Nya taggar på fasaden.", "Klotter i gångtunneln.", "Klotter på busskuren.", "Taggar på elskåp.",
         "Klotter i trapphuset.", "Stort klotter på skolans gavel.", "Klotter på lekplatsens utrustning.",
         "Taggar på skyltar längs gång- och cykelvägen."),
        {"Polisen": 5, "Solviksbostäder": 20, "Fastighetsskötare": 25, "Skola": 8, "Väktarbolaget": 5,
         "Kollektivtrafiken": 10, "Teknisk förvaltning": 25},
        summer=0.2, dark=-0.1, trend=-0.06, unknown_time=0.2, damage_suffixes=True,
    ),
    "Anlagd brand": Category(
        4, "late", "youth",
        ("Brand i container.", "Brand i papperskorg.", "Bilbrand på parkeringen.", "Brand i soprum.",
         "Anlagd brand i barnvagnsrum.", "Brand i busskur.", "Gräsbrand, misstänkt anlagd.",
         "Brand i återvinningsstation.", "Raket avfyrad mot fasad, brand i buske."),
        {"Räddningstjänsten": 60, "Polisen": 25, "Solviksbostäder": 5, "Fastighetsskötare": 5,
         "Väktarbolaget": 5},
        summer=0.5, trend=0.04, late_weekend=True, fireworks=True, damage_suffixes=True,
    ),
    "Nedskräpning": Category(
        8, "daytime", "workday",
        ("Dumpade sopsäckar vid återvinningsstationen.", "Mycket skräp efter helgen.",
         "Kasserade möbler utställda.", "Sprutor hittade i buskage.", "Överfulla papperskorgar.",
         "Glaskross på gångvägen.", "Nedskräpning efter grillning.", "Dumpade däck och bildelar."),
        {"Teknisk förvaltning": 35, "Fastighetsskötare": 25, "Solviksbostäder": 20, "Fritid/fältare": 5,
         "Skola": 5, "Kollektivtrafiken": 5, "Polisen": 2},
        summer=1.0, dark=-0.2, unknown_time=0.12, damage_suffixes=True,
    ),
    "Ungdomar som samlas/stör": Category(
        10, "evening", "youth",
        ("Grupp ungdomar samlas och spelar hög musik.", "Ungdomar stör i trapphuset.",
         "Cirka 15 ungdomar samlade vid torget.", "Ungdomar kastar sten mot fönster.",
         "Ungdomar samlas kring mopeder och stör.", "Unga hänger i entrén och stör boende.",
         "Ungdomar smäller smällare.", "Ungdomar bråkar med förbipasserande."),
        {"Fritid/fältare": 30, "Polisen": 20, "Solviksbostäder": 10, "Fastighetsskötare": 8, "Skola": 10,
         "Väktarbolaget": 10, "Kollektivtrafiken": 10, "Socialtjänst": 4},
        summer=1.3, dark=-0.15, trend=0.04, late_weekend=True, summer_evening=True,
    ),
    "Narkotika/öppen droghandel": Category(
        5, "drugs", "youth",
        ("Misstänkt försäljning av narkotika.", "Stark doft av cannabis i trapphuset.",
         "Personer som verkar påverkade av narkotika.", "Misstänkt langning nära skolan.",
         "Tomma påsar och folie hittade.", "Upprepade korta möten i bilar, misstänkt droghandel.",
         "Misstänkt gömställe för narkotika i buskage.", "Kanyler hittade vid lekplatsen."),
        {"Polisen": 55, "Fritid/fältare": 10, "Socialtjänst": 10, "Väktarbolaget": 8, "Solviksbostäder": 7,
         "Skola": 5, "Fastighetsskötare": 5},
        summer=0.3, trend=0.10,
    ),
    "Hot/våld": Category(
        4, "night", "night",
        ("Hot mot person på allmän plats.", "Person hotar förbipasserande med tillhygge.",
         "Hotfull person i entrén.", "Hot via sociala medier mot elev.", "Grannar i konflikt, hot uttalade.",
         "Person viftar med kniv.", "Hot i samband med parkeringstvist.", "Våldsamt uppträdande i butik."),
        {"Polisen": 55, "Socialtjänst": 12, "Skola": 10, "Väktarbolaget": 8, "Kollektivtrafiken": 5,
         "Solviksbostäder": 5, "Fritid/fältare": 5},
        summer=0.1, late_weekend=True,
    ),
    "Misshandel": Category(
        3, "night", "night",
        ("Misshandel utanför restaurang.", "Person slagen i ansiktet.", "Misshandel vid busshållplatsen.",
         "Gruppmisshandel av ung person.", "Misshandel i samband med fest.", "Person sparkad på marken.",
         "Misshandel i trapphus.", "Misshandel efter bråk i kö."),
        {"Polisen": 80, "Väktarbolaget": 10, "Socialtjänst": 3, "Skola": 4, "Kollektivtrafiken": 3},
        summer=0.3, late_weekend=True, fireworks=True,
    ),
    "Rån": Category(
        1.2, "night", "youth",
        ("Personrån av ungdom, mobil stulen.", "Rån vid bankomat.", "Jacka och skor rånade av ungdomar.",
         "Rån mot butik.", "Rånförsök mot äldre person.", "Personrån med kniv.", "Cykel rånad.",
         "Rån i gångtunnel."),
        {"Polisen": 90, "Väktarbolaget": 5, "Kollektivtrafiken": 5},
        dark=0.15,
    ),
    "Inbrott": Category(
        5, "burglary", "flat",
        ("Inbrott i källarförråd.", "Inbrott i villa.", "Inbrott i lägenhet via balkongdörr.",
         "Inbrott i garage.", "Inbrottsförsök, märken på dörren.", "Inbrott i skollokal.",
         "Inbrott i förråd på fritidsgården.", "Inbrott i bil på parkeringen."),
        {"Polisen": 65, "Solviksbostäder": 20, "Fastighetsskötare": 12, "Skola": 3},
        dark=0.45, july=0.7, trend=-0.08, unknown_time=0.3, damage_suffixes=True,
    ),
    "Stöld": Category(
        9, "shops", "workday",
        ("Cykelstöld.", "Snatteri i butik.", "Stöld av mopedbatteri.", "Stöld ur bil.",
         "Stöld av byggmaterial.", "Ficktjuv på bussen.", "Stöld av katalysator.", "Stulen moped."),
        {"Polisen": 60, "Solviksbostäder": 8, "Fastighetsskötare": 7, "Väktarbolaget": 12, "Skola": 5,
         "Kollektivtrafiken": 8},
        summer=0.3, unknown_time=0.1,
    ),
    "Buskörning moped/EPA": Category(
        5, "evening", "youth",
        ("Buskörning med moped på gång- och cykelväg.", "EPA-traktorer kör i hög fart genom området.",
         "Mopeder kör på fotbollsplanen.", "Crossmotorcykel i skogen.", "Buskörning på parkeringen.",
         "Mopedist kör på trottoaren.", "Buskörning runt skolan.", "Högljudda A-traktorer sent på kvällen."),
        {"Polisen": 40, "Fritid/fältare": 10, "Solviksbostäder": 10, "Fastighetsskötare": 10,
         "Teknisk förvaltning": 15, "Kollektivtrafiken": 10, "Skola": 5},
        summer=1.8, dark=-0.5, trend=0.05, late_weekend=True, summer_evening=True,
    ),
    "Berusade personer": Category(
        6, "night", "night",
        ("Berusad person ligger på marken.", "Berusade personer stör vid torget.",
         "Berusad person somnat vid busshållplatsen.", "Högljudda berusade personer.",
         "Berusad person stör i butik.", "Grupp berusade på stranden.", "Berusad person omhändertagen.",
         "Berusade personer urinerar i entré."),
        {"Polisen": 45, "Väktarbolaget": 25, "Kollektivtrafiken": 15, "Solviksbostäder": 5,
         "Fastighetsskötare": 5, "Fritid/fältare": 5},
        summer=0.6, late_weekend=True, summer_evening=True, fireworks=True,
    ),
    "Otrygg plats/belysning": Category(
        3, "dark", "workday",
        ("Trasig gatubelysning på gångvägen.", "Mörk passage, belysning saknas.",
         "Igenvuxet buskage skymmer sikten.", "Otrygg gångtunnel.", "Flera lampor släckta i parken.",
         "Boende upplever platsen som otrygg.", "Trasig belysning vid busshållplatsen.",
         "Otrygg parkering med dålig belysning."),
        {"Teknisk förvaltning": 35, "Solviksbostäder": 20, "Fastighetsskötare": 20, "Polisen": 8,
         "Fritid/fältare": 7, "Skola": 5, "Kollektivtrafiken": 5},
        dark=0.6, unknown_time=0.15, damage_suffixes=True,
    ),
    "Incident mot personal": Category(
        2, "staff", "flat",
        ("Busschaufför hotad.", "Personal i skolan utsatt för hot.", "Fastighetsskötare trakasserad.",
         "Väktare knuffad.", "Fältare utsatta för stenkastning.", "Räddningstjänsten hindrad vid insats.",
         "Personal kallad glåpord.", "Hot mot personal på fritidsgården."),
        {"Kollektivtrafiken": 25, "Skola": 20, "Väktarbolaget": 15, "Solviksbostäder": 10,
         "Socialtjänst": 10, "Fritid/fältare": 10, "Räddningstjänsten": 5, "Polisen": 5},
        trend=0.03,
    ),
    "Bråk/slagsmål": Category(
        3, "night", "night",
        ("Slagsmål mellan flera personer.", "Bråk utanför pizzerian.", "Slagsmål på skolgården.",
         "Högljutt bråk i trapphus.", "Bråk i busskön.", "Slagsmål efter fest.",
         "Bråk mellan grupper av ungdomar.", "Bråk vid nattklubben."),
        {"Polisen": 55, "Väktarbolaget": 20, "Skola": 10, "Fritid/fältare": 8, "Kollektivtrafiken": 7},
        summer=0.4, late_weekend=True, summer_evening=True, fireworks=True,
    ),
    "Trakasserier": Category(
        2.5, "shops", "flat",
        ("Kvinna ofredad av man.", "Trakasserier mot boende.", "Elev trakasserad på väg hem.",
         "Sexuella trakasserier på bussen.", "Upprepade trakasserier mot butiksanställd.",
         "Rasistiska tillmälen mot förbipasserande.", "Person förföljd från busshållplatsen.",
         "Trakasserier via sociala medier."),
        {"Polisen": 40, "Skola": 15, "Kollektivtrafiken": 15, "Solviksbostäder": 10, "Fritid/fältare": 10,
         "Socialtjänst": 10},
        summer=0.1,
    ),
    "Arrangemang": Category(
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
_GENERIC_CATEGORY = Category(
    2, "shops", "flat",
    ("Händelse rapporterad på allmän plats.", "Oro bland boende.", "Händelse som behöver följas upp.",
     "Upprepad händelse på platsen."),
    {"Polisen": 40, "Solviksbostäder": 20, "Fastighetsskötare": 20, "Fritid/fältare": 20},
)

# Multipliers for the day whose evening is the holiday.
SPECIAL_DAYS: dict[str, dict[str, float]] = {
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

BURST_CATEGORIES = (
    "Skadegörelse", "Klotter", "Anlagd brand", "Ungdomar som samlas/stör", "Narkotika/öppen droghandel",
    "Buskörning moped/EPA", "Berusade personer", "Stöld", "Inbrott", "Rån",
)


def model(category: str) -> Category:
    return _CATEGORY_MODELS.get(category, _GENERIC_CATEGORY)
