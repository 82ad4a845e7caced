"""The lists a new database starts with: categories, statuses, organisations, colours.

The stored lists, as a municipality has changed them, are read by trygghet.store.reference_lists."""

from __future__ import annotations

# (name, group, description). The common taxonomy used in EST-style reporting.
CATEGORIES: list[tuple[str, str, str]] = [
    ("Skadegörelse", "Skadegörelse", "Förstörd egendom, krossade rutor, sönderslagen utrustning"),
    ("Klotter", "Skadegörelse", "Klotter och taggar på fasader, skyltar och fordon"),
    ("Anlagd brand", "Skadegörelse", "Anlagda bränder i bilar, containrar, papperskorgar och byggnader"),
    ("Nedskräpning", "Miljö", "Nedskräpning, dumpade sopor och sprutor"),
    ("Ungdomar som samlas/stör", "Ordning", "Grupper av unga som samlas och stör eller skapar oro"),
    ("Narkotika/öppen droghandel", "Narkotika", "Misstänkt narkotikahantering, öppen droghandel, missbruk på allmän plats"),
    ("Hot/våld", "Våld och hot", "Hot och våld mellan personer"),
    ("Misshandel", "Våld och hot", "Misshandel på allmän plats"),
    ("Rån", "Våld och hot", "Rån och personrån"),
    ("Inbrott", "Egendom", "Inbrott i bostäder, förråd, källare och lokaler"),
    ("Stöld", "Egendom", "Stölder, cykelstölder, snatteri"),
    ("Buskörning moped/EPA", "Trafik", "Buskörning med moped, A-traktor eller EPA, olovlig trafik på gång- och cykelväg"),
    ("Berusade personer", "Ordning", "Berusade personer på allmän plats"),
    ("Otrygg plats/belysning", "Miljö", "Otrygga platser, trasig eller bristande belysning"),
    ("Incident mot personal", "Våld och hot", "Hot, våld eller trakasserier mot personal i tjänst"),
    ("Bråk/slagsmål", "Ordning", "Bråk och slagsmål"),
    ("Trakasserier", "Våld och hot", "Trakasserier och ofredanden"),
    ("Arrangemang", "Övrigt", "Planerade evenemang som behöver uppmärksamhet"),
]

CATEGORY_GROUPS = ["Skadegörelse", "Ordning", "Narkotika", "Våld och hot", "Egendom", "Trafik", "Miljö", "Övrigt"]

STATUSES = ["Planerad", "Pågående", "Avslutad", "Inställd"]
OPEN_STATUSES = ("Planerad", "Pågående")

# Organisations that can own an intervention (Ansvarig aktör). Other values are accepted as written.
ORGANISATIONS = [
    "Kommun",
    "Polis",
    "Bostadsbolag",
    "Räddningstjänst",
    "Skola",
    "Socialtjänst",
    "Fritid/fältare",
    "Teknisk förvaltning",
    "Väktare/ordningsvakter",
    "Kollektivtrafik",
    "Föreningsliv",
]

# Colour-blind-safe palette (Okabe–Ito first, then Tol's muted scheme), one colour per district.
DISTRICT_PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#332288",
    "#117733",
    "#882255",
    "#999933",
    "#44AA99",
    "#AA4499",
    "#DDCC77",
    "#88CCEE",
    "#661100",
    "#6699CC",
]

DEFAULT_SOURCE = "Ej angiven"
