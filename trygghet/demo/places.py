"""Solvik's districts: where they lie, how much happens in each, their trend and summer
crowds, their hub, school, neighbourhoods and addresses, and their own mix of categories."""

from __future__ import annotations

from dataclasses import dataclass

MUNICIPALITY = "Solviks kommun"
POLICE_AREA = "Solvik"


@dataclass(frozen=True)
class District:
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


DISTRICTS: tuple[District, ...] = (
    District(
        "Centrum", 58.350, 12.320, 1.7, 0.15, 0.01, "Stora torget", "Kyrkskolan",
        ("Stora torget", "Resecentrum", "Stadsparken", "Kungsgatan", "Drottninggatan",
         "Gallerian Solvik", "Stadsbiblioteket", "Rådhusplan", "Kyrkskolan"),
        ("Kungsgatan 14", "Drottninggatan 3", "Busshållplats Resecentrum", "Storgatan 22",
         "Parkeringshuset Kvarnen"),
        {"Berusade personer": 2.2, "Bråk/slagsmål": 2.0, "Misshandel": 1.8, "Stöld": 1.7, "Rån": 1.5,
         "Narkotika/öppen droghandel": 1.4, "Arrangemang": 2.5, "Trakasserier": 1.4, "Inbrott": 0.6,
         "Buskörning moped/EPA": 0.5, "Incident mot personal": 1.4},
    ),
    District(
        "Hamnen", 58.342, 12.296, 1.0, 0.35, -0.04, "Hamnplan", "Varvsskolan",
        ("Gästhamnen", "Hamnplan", "Färjeläget", "Sjöbodarna", "Varvsgatan", "Kajpromenaden",
         "Hamnmagasinet", "Fiskhallen"),
        ("Varvsgatan 8", "Hamngatan 2", "Busshållplats Hamnplan", "Kajgatan 5"),
        {"Narkotika/öppen droghandel": 1.6, "Berusade personer": 1.4, "Nedskräpning": 1.4,
         "Stöld": 1.3, "Arrangemang": 1.6, "Inbrott": 0.8},
    ),
    District(
        "Norrby", 58.366, 12.318, 1.6, 0.0, 0.02, "Norrby torg", "Norrbyskolan",
        ("Norrby centrum", "Norrby torg", "Lärkstigen", "Norrbyskolan", "Trastvägen",
         "Norrby fritidsgård", "Norrbyparken", "Finkvägen"),
        ("Norrbyvägen 12", "Lärkstigen 4", "Busshållplats Norrby torg", "Trastvägen 21",
         "Norrbyvägen 40"),
        {"Ungdomar som samlas/stör": 1.8, "Anlagd brand": 2.0, "Skadegörelse": 1.4,
         "Narkotika/öppen droghandel": 1.8, "Rån": 1.5, "Incident mot personal": 1.7, "Hot/våld": 1.3,
         "Arrangemang": 0.4},
    ),
    District(
        "Söderby", 58.334, 12.328, 0.9, 0.0, 0.0, "Söderby gård", "Söderbyskolan",
        ("Söderby gård", "Söderbyskolan", "Sädesvägen", "Havregatan", "Söderby idrottsplats",
         "Kornvägen", "Söderby vårdcentral"),
        ("Söderbyvägen 7", "Havregatan 15", "Busshållplats Söderby skola"),
        {"Inbrott": 1.3, "Klotter": 1.2, "Stöld": 1.1, "Arrangemang": 0.5},
    ),
    District(
        "Björkdalen", 58.356, 12.345, 0.9, 0.0, 0.02, "Björkdalens centrum", "Björkdalsskolan",
        ("Björkdalens centrum", "Björkdalsskolan", "Lövängen", "Asplunden", "Björkdalsbadet",
         "Lönnstigen", "Hasselgången"),
        ("Björkdalsvägen 30", "Lönnstigen 2", "Busshållplats Björkdalens centrum"),
        {"Klotter": 1.6, "Skadegörelse": 1.2, "Ungdomar som samlas/stör": 1.3, "Arrangemang": 0.5},
    ),
    District(
        "Ekbacken", 58.372, 12.345, 0.6, 0.0, -0.02, "Ekbacksgården", "Ekbackeskolan",
        ("Ekbackens villaområde", "Ekbackeskolan", "Ekbacksgården", "Ekdungen", "Rönnvägen",
         "Ekbackens förskola", "Motionsspåret Ekbacken"),
        ("Rönnvägen 9", "Ekbacksvägen 18", "Busshållplats Ekbackens skola"),
        {"Inbrott": 1.8, "Buskörning moped/EPA": 1.5, "Berusade personer": 0.5, "Misshandel": 0.5,
         "Narkotika/öppen droghandel": 0.6, "Arrangemang": 0.3},
    ),
    District(
        "Granlunda", 58.378, 12.300, 1.2, 0.0, 0.08, "Granlunda torg", "Granlundaskolan",
        ("Granlunda torg", "Granlundaskolan", "Granlunda fritidsgård", "Barrstigen", "Kottevägen",
         "Granlunda bollplan", "Tallåsen", "Granlunda garage"),
        ("Granlundavägen 5", "Barrstigen 11", "Busshållplats Granlunda torg", "Kottevägen 3"),
        {"Ungdomar som samlas/stör": 1.5, "Anlagd brand": 1.5, "Buskörning moped/EPA": 1.4,
         "Narkotika/öppen droghandel": 1.3, "Rån": 1.3, "Arrangemang": 0.4},
    ),
    District(
        "Hagaberg", 58.330, 12.303, 0.7, 0.0, 0.0, "Hagabergs centrum", "Hagabergsskolan",
        ("Hagabergs centrum", "Hagabergsskolan", "Hagaparken", "Ängsvägen", "Blåklintsvägen",
         "Hagabergs kyrka", "Prästängen"),
        ("Ängsvägen 6", "Hagabergsgatan 20", "Busshållplats Hagaparken"),
        {"Inbrott": 1.5, "Trakasserier": 1.3, "Berusade personer": 0.6, "Arrangemang": 0.4},
    ),
    District(
        "Lindö", 58.318, 12.355, 0.25, 0.3, 0.0, "Lindö by", "Lindöskolan",
        ("Lindö by", "Lindö brygga", "Lindö gård", "Lindöskolan", "Lindövägen", "Lindö camping"),
        ("Lindövägen 45", "Busshållplats Lindö by"),
        {"Buskörning moped/EPA": 1.8, "Inbrott": 1.3, "Narkotika/öppen droghandel": 0.3, "Rån": 0.2,
         "Misshandel": 0.5, "Incident mot personal": 0.4, "Arrangemang": 0.4},
    ),
    District(
        "Strandviken", 58.323, 12.272, 0.55, 0.8, 0.01, "Strandvikens kiosk", "Strandvikens skola",
        ("Strandvikens badplats", "Strandpromenaden", "Strandvikens kiosk", "Sandvägen", "Tångvägen",
         "Strandvikens camping", "Klippan", "Strandvikens parkering"),
        ("Sandvägen 14", "Busshållplats Strandviken", "Tångvägen 3"),
        {"Nedskräpning": 1.8, "Berusade personer": 1.3, "Buskörning moped/EPA": 1.3, "Inbrott": 0.8,
         "Arrangemang": 0.8},
    ),
)
