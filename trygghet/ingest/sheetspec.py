"""The sheets users fill in: their kinds, headers, synonyms and which columns are required.

This is the one place that knows the Swedish header names; the importer, the
template writer and the README's examples all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trygghet.core.initial_lists import STATUSES
from trygghet.core.text import header_key


@dataclass(frozen=True)
class Field:
    name: str  # internal name (the database column or a parse-only field)
    header: str  # the Swedish header as written in the template
    required: bool = False
    synonyms: tuple[str, ...] = ()
    example: object = None
    help: str = ""
    in_template: bool = True  # accepted on import; left out of the template to keep it plain

    def keys(self) -> set[str]:
        return {header_key(self.header), *(header_key(s) for s in self.synonyms)}


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # events | interventions | priority_areas | survey | districts | categories, and the report's
    # population | reference | context | survey_groups
    title: str  # the Swedish sheet name
    name_hints: tuple[str, ...]
    fields: tuple[Field, ...]
    setup: bool = False  # applied before the data sheets of the same workbook
    description: str = ""
    # A field that may stand in for the required ones (a combined date-and-time column).
    alternatives: dict[str, str] = field(default_factory=dict)

    @property
    def template_fields(self) -> list[Field]:
        return [f for f in self.fields if f.in_template]

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


EVENTS = SheetSpec(
    kind="events",
    title="Händelser",
    name_hints=("händelse", "handelse", "rapport", "incident"),
    description="En rad per händelse som rapporterats.",
    fields=(
        Field("date", "Datum", True, ("Händelsedatum", "Dag"), "2026-11-03",
              "Datum då händelsen inträffade, t.ex. 2026-11-03 eller 3/11/2026."),
        Field("time", "Tid", False, ("Klockslag", "Klockan", "Kl", "Tidpunkt"), "21:30",
              "Klockslag, t.ex. 21:30 eller 21.30. Lämna tomt om det inte är känt."),
        Field("datetime", "Datum och tid", False, ("Datum/tid", "Datum & tid", "Datum o tid", "Tidpunkt (datum och tid)"),
              help="Datum och klockslag i samma cell, i stället för Datum och Tid.", in_template=False),
        Field("district", "Stadsdel", True, ("Område", "Stadsdelsområde", "Stadsdelsnamn", "Bostadsområde"), "Norrby",
              "Stadsdel enligt listan på fliken Listor."),
        Field("place", "Plats", False, ("Adress", "Plats/adress", "Gatuadress", "Platsbeskrivning"), "Torget vid Norrby centrum",
              "Plats eller adress, så exakt som möjligt."),
        Field("category", "Kategori", True, ("Händelsetyp", "Typ", "Typ av händelse", "Kategorier"), "Skadegörelse",
              "Kategori enligt listan på fliken Listor. 'Inget att rapportera' med ett datum i veckan och "
              "rapportören i Källa säger att inget hände den veckan."),
        Field("description", "Beskrivning", False, ("Händelsebeskrivning", "Kommentar", "Fritext", "Vad hände"),
              "Krossad ruta i busskur", "Kort beskrivning av vad som hände. Skriv aldrig namn eller personnummer."),
        Field("source", "Källa", False, ("Rapportör", "Organisation", "Rapporterad av", "Uppgiftslämnare", "Avsändare"),
              "Bostadsbolaget", "Vem som rapporterar: organisation eller funktion."),
        Field("external_id", "Händelse-ID", False, ("Händelse ID", "HändelseID", "ID", "Ärendenummer", "Ärende-ID", "Diarienummer", "Löpnummer"),
              "BB-2026-0153", "Er egen identitet för händelsen; gör att samma händelse inte räknas två gånger."),
        Field("lat", "Latitud", False, ("Lat", "Breddgrad", "Y-koordinat (WGS84)"), 57.7901,
              "Koordinat i WGS84 (decimalgrader), om den finns."),
        Field("lon", "Longitud", False, ("Lon", "Long", "Längdgrad", "X-koordinat (WGS84)"), 11.9962,
              "Koordinat i WGS84 (decimalgrader), om den finns."),
    ),
    alternatives={"date": "datetime"},
)

INTERVENTIONS = SheetSpec(
    kind="interventions",
    title="Insatser",
    name_hints=("insats", "åtgärd", "atgard", "aktivitet"),
    description="En rad per insats. Samma Insats-ID uppdaterar insatsen vid nästa uppladdning.",
    fields=(
        Field("id", "Insats-ID", True, ("Insats ID", "InsatsID", "ID", "Åtgärds-ID", "Nr", "Nummer"), "INS-2026-01",
              "Unik identitet för insatsen, t.ex. INS-2026-01."),
        Field("title", "Insats", True, ("Åtgärd", "Insatsnamn", "Benämning", "Aktivitet", "Rubrik"), "Extra belysning vid Norrby torg",
              "Vad som görs."),
        Field("priority_area", "Prioriterat område", False, ("Prioriterade områden", "Prioritering", "Fokusområde", "Område i överenskommelsen"),
              "Otrygghetsskapande händelser i offentlig miljö", "Prioriterat område enligt fliken Prioriterade områden."),
        Field("district", "Stadsdel", False, ("Område", "Stadsdelsområde"), "Norrby", "Stadsdel där insatsen görs."),
        Field("owner", "Ansvarig aktör", False, ("Ansvarig organisation", "Aktör", "Organisation", "Huvudman"), "Kommun",
              "Organisation som äger insatsen."),
        Field("contact", "Ansvarig", False, ("Ansvarig person", "Kontaktperson", "Kontakt", "Ansvarig funktion"), "Trygghetssamordnare",
              "Ansvarig roll eller funktion, t.ex. Trygghetssamordnare. Skriv inte personnamn."),
        Field("status", "Status", False, ("Läge",), "Pågående", "Status: " + ", ".join(STATUSES) + "."),
        Field("start_date", "Startdatum", False, ("Start", "Från", "Fr.o.m.", "Från och med", "Startdatum (datum)"), "2026-10-01",
              "Datum då insatsen startar."),
        Field("end_date", "Slutdatum", False, ("Slut", "Till", "T.o.m.", "Till och med", "Klart"), "2026-12-31",
              "Datum då insatsen ska vara klar."),
        Field("comment", "Kommentar", False, ("Kommentarer", "Anteckning", "Notering", "Uppföljning"), "Fyra nya armaturer beställda",
              "Läget just nu."),
    ),
)

PRIORITY_AREAS = SheetSpec(
    kind="priority_areas",
    title="Prioriterade områden",
    name_hints=("prioriter", "medborgarlöfte", "medborgarlofte", "samverkansöverenskommelse"),
    setup=True,
    description="Prioriterade områden ur samverkansöverenskommelsen och medborgarlöftena.",
    fields=(
        Field("name", "Område", True, ("Prioriterat område", "Prioriterade områden", "Namn", "Fokusområde"),
              "Otrygghetsskapande händelser i offentlig miljö", "Namnet på det prioriterade området."),
        Field("description", "Beskrivning", False, ("Bakgrund",), "Skadegörelse, bränder och stök i centrala miljöer",
              "Vad området handlar om."),
        Field("goal", "Mål", False, ("Målsättning", "Mål för perioden"), "Färre anlagda bränder än föregående år",
              "Mätbart mål för perioden."),
        Field("indicators", "Indikatorer", False, ("Indikatorkategorier", "Kategorier", "Indikator"),
              "Skadegörelse, Anlagd brand, Ungdomar som samlas/stör", "Händelsekategorier som följer området, kommaseparerade."),
        Field("valid_from", "Giltig från", False, ("Från", "Gäller från", "Start"), "2025-01-01",
              "Första dag då området gäller."),
        Field("valid_to", "Giltig till", False, ("Till", "Gäller till", "Slut"), "2027-12-31",
              "Sista dag då området gäller."),
    ),
)

SURVEY = SheetSpec(
    kind="survey",
    title="Trygghetsmätning",
    name_hints=("trygghetsmätning", "trygghetsmatning", "enkät", "enkat", "mätning", "survey"),
    description="Resultat från trygghetsmätningar per stadsdel.",
    fields=(
        Field("period", "Period", True, ("År", "Mätperiod", "Kvartal"), "2026", "År (2026) eller år och kvartal (2026 K3)."),
        Field("district", "Stadsdel", True, ("Område", "Stadsdelsområde"), "Norrby", "Stadsdel som resultatet gäller."),
        Field("indicator", "Indikator", True, ("Fråga", "Frågeställning", "Mått"), "Känner sig trygg utomhus på kvällen",
              "Frågan eller måttet."),
        Field("value", "Värde", True, ("Andel", "Andel (%)", "Procent", "Resultat"), 64.5, "Andel i procent, t.ex. 64,5."),
        Field("respondents", "Antal svar", False, ("Svarande", "Antal svarande", "N"), 412,
              "Hur många som svarade i stadsdelen."),
    ),
)

DISTRICTS = SheetSpec(
    kind="districts",
    title="Stadsdelar",
    name_hints=("stadsdel",),
    setup=True,
    description="Kommunens stadsdelar. Laddas upp en gång; nya rader läggs till och befintliga uppdateras.",
    fields=(
        Field("name", "Stadsdel", True, ("Område", "Stadsdelsområde", "Namn"), "Norrby",
              "Stadsdelens namn så som det ska visas i appen."),
        Field("area", "Stadsdelsområde", False, ("Område", "Kommundel", "Stadsdelsnämnd", "Storområde"), "Norra",
              "Det större område stadsdelen hör till (stadsdelsområde, kommundel eller lokalpolisområde). "
              "Används för att välja och gruppera många stadsdelar. Kan lämnas tomt."),
        Field("police_area", "Lokalpolisområde", False, ("Polisområde", "LPO"), "Solvik", "Lokalpolisområdet stadsdelen hör till."),
        Field("municipality", "Kommun", False, (), "Solviks kommun", "Kommunen stadsdelen ligger i."),
        Field("neighbourhoods", "Områden", False, ("Delområden", "Bostadsområden", "Platser", "Gator", "Ortnamn"),
              "Norrby centrum, Norrbyvägen, Lärkstigen", "Delområden, gator och platser inom stadsdelen, kommaseparerade."),
    ),
)

CATEGORIES = SheetSpec(
    kind="categories",
    title="Kategorier",
    name_hints=("kategori",),
    setup=True,
    description="Händelsekategorier. Nya rader läggs till och befintliga uppdateras.",
    fields=(
        Field("name", "Kategori", True, ("Händelsetyp", "Typ", "Namn"), "Skadegörelse", "Kategorins namn."),
        Field("group", "Grupp", False, ("Huvudgrupp", "Kategorigrupp"), "Skadegörelse",
              "Huvudgrupp: Skadegörelse, Ordning, Narkotika, Våld och hot, Egendom, Trafik, Miljö eller Övrigt."),
        Field("description", "Beskrivning", False, ("Förklaring",), "Förstörd egendom, krossade rutor",
              "Vad som räknas till kategorin."),
    ),
)

# The statutory lägesbild's context (lag 2023:196): population for rates per 1 000 invånare, Brå's and
# NTU's reference values, other conditions in the municipality, and the survey by sex and age.
POPULATION = SheetSpec(
    kind="population",
    title="Befolkning",
    name_hints=("befolkning", "folkmängd", "invånare"),
    setup=True,
    description="Antal invånare per stadsdel och år. Ger händelser per 1 000 invånare i lägesbilden.",
    fields=(
        Field("district", "Stadsdel", True, ("Område", "Stadsdelsområde"), "Norrby",
              "Stadsdel enligt fliken Stadsdelar."),
        Field("year", "År", True, ("Årtal",), 2025, "Året folkmängden gäller, t.ex. den 31 december 2025."),
        Field("population", "Invånare", True, ("Befolkning", "Folkmängd", "Antal invånare"), 12450,
              "Antal invånare i stadsdelen."),
    ),
)

REFERENCE = SheetSpec(
    kind="reference",
    title="Referensstatistik",
    name_hints=("referens", "kriminalstatistik", "anmälda brott", "ntu"),
    setup=True,
    description="Jämförelsetal: anmälda brott per 100 000 invånare för kommunen, länet och riket som de exporteras "
                "från Brås statistik, och resultat ur Nationella trygghetsundersökningen (NTU).",
    fields=(
        Field("measure", "Mått", True, ("Brottstyp", "Brottskategori", "Fråga"), "Anmälda brott totalt",
              "Brottstypen eller frågan, som i Brås tabell."),
        Field("area", "Område", True, ("Region", "Geografi", "Kommun/län"), "Solviks kommun",
              "Kommunen, länet eller Riket."),
        Field("level", "Nivå", False, ("Områdesnivå", "Typ av område"), "kommun",
              "kommun, län eller riket. Tomt: tolkas ur områdets namn."),
        Field("year", "År", True, ("Årtal",), 2025, "Året värdet gäller."),
        Field("value", "Värde", True, ("Antal per 100 000 invånare", "Per 100 000 invånare", "Andel (%)"), 11250,
              "Antal per 100 000 invånare, eller andel i procent för NTU."),
        Field("unit", "Enhet", False, (), "per 100 000 invånare",
              "Tomt: per 100 000 invånare (Brå) eller % (NTU)."),
        Field("source", "Källa", False, ("Statistikkälla",), "Brå", "Brå eller NTU. Tomt: Brå."),
    ),
)

CONTEXT = SheetSpec(
    kind="context",
    title="Kontextindikatorer",
    name_hints=("kontext", "förhållanden", "bakgrundsfakta"),
    setup=True,
    description="Andra uppgifter av betydelse för lägesbilden: sociala förhållanden och planerade förändringar per "
                "stadsdel eller för hela kommunen.",
    fields=(
        Field("indicator", "Indikator", True, ("Faktor", "Förhållande"), "Andel förvärvsarbetande 20–64 år",
              "Vad som mäts."),
        Field("district", "Stadsdel", True, ("Område", "Stadsdelsområde"), "Norrby",
              "Stadsdel enligt fliken Stadsdelar, eller Hela kommunen."),
        Field("year", "År", True, ("Årtal",), 2025, "Året värdet gäller."),
        Field("value", "Värde", True, ("Antal", "Andel"), 71.5, "Värdet som ett tal."),
        Field("unit", "Enhet", False, (), "%", "T.ex. %, kr eller antal."),
        Field("source", "Källa", False, ("Statistikkälla",), "SCB", "Var uppgiften kommer ifrån."),
    ),
)

SURVEY_GROUPS = SheetSpec(
    kind="survey_groups",
    title="Trygghetsmätning per grupp",
    name_hints=("per grupp", "kön och ålder"),
    description="Trygghetsmätningens resultat efter kön och ålder per stadsdel.",
    fields=(
        Field("period", "Period", True, ("Mätperiod",), "2026", "År (2026) eller år och kvartal (2026 K3)."),
        Field("district", "Stadsdel", True, ("Område", "Stadsdelsområde"), "Norrby", "Stadsdel som resultatet gäller."),
        Field("indicator", "Indikator", True, ("Fråga", "Frågeställning"), "Känner sig trygg utomhus på kvällen",
              "Frågan eller måttet."),
        Field("grouping", "Indelning", True, ("Bakgrundsvariabel",), "Kön", "Kön eller Ålder."),
        Field("group_name", "Grupp", True, ("Svarsgrupp",), "Kvinnor", "T.ex. Kvinnor, Män, 16–29 år."),
        Field("value", "Värde", True, ("Andel", "Andel (%)", "Procent"), 58.5, "Andel i procent, t.ex. 58,5."),
        Field("respondents", "Antal svar", False, ("Svarande", "Antal svarande", "N"), 210,
              "Hur många i gruppen som svarade."),
    ),
)

# The organisations expected to report, so that the meeting can tell silence from calm.
REPORTERS = SheetSpec(
    kind="reporters",
    title="Rapportörer",
    name_hints=("rapportör", "uppgiftslämnare"),
    setup=True,
    description="Organisationerna som väntas rapportera och hur ofta. En händelse räknas för rapportören när "
                "dess Källa är rapportörens namn. Nya rader läggs till och befintliga uppdateras.",
    fields=(
        Field("name", "Rapportör", True, ("Organisation", "Uppgiftslämnare", "Källa", "Aktör", "Namn"),
              "Väktarbolaget", "Organisationen, skriven som i kolumnen Källa på fliken Händelser."),
        Field("interval", "Intervall", False, ("Rapporteringsintervall", "Frekvens", "Rapporterar"), "vecka",
              "vecka eller månad: hur ofta rapportören ska höra av sig. Tomt betyder vecka."),
        Field("active", "Aktiv", False, ("Rapporterar nu", "Väntas rapportera"), "Ja",
              "Nej för en rapportör som inte längre väntas rapportera. Tomt betyder Ja."),
    ),
)

# Set-up sheets first: they define the lists the data sheets are checked against.
ALL_SPECS: tuple[SheetSpec, ...] = (DISTRICTS, CATEGORIES, REPORTERS, PRIORITY_AREAS, POPULATION, REFERENCE,
                                    CONTEXT, INTERVENTIONS, EVENTS, SURVEY, SURVEY_GROUPS)
BY_KIND: dict[str, SheetSpec] = {s.kind: s for s in ALL_SPECS}
KIND_LABELS: dict[str, str] = {s.kind: s.title for s in ALL_SPECS}
