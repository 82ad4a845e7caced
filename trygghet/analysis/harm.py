"""Harm weighting: events counted by how much harm they do, beside the plain counts.

A crime harm index weighs each offence by the sentence it usually brings; the Cambridge Crime Harm
Index (Sherman, Neyroud & Neyroud 2016) uses the days of imprisonment a first offender's sentence
starts from, and Swedish studies have built the same from the penal scales of brottsbalken. The
defaults here follow that idea: roughly the days of imprisonment the usual penal value of each
category corresponds to for a first offender, read from the penal scales (rån at least a year,
anlagd brand as grov skadegörelse at least six months, and so on; fines count as one day).
Categories that are not crimes (nedskräpning, otrygg plats, berusade personer, arrangemang, ungdomar
som samlas) weigh 1, so that they still count but never outweigh a crime. They are approximations
for local priorities, not a measure of long trends, and an administrator can change every weight.
No Streamlit here.
"""

from __future__ import annotations

import math

import pandas as pd

from trygghet.core.formatting import fmt_dec, fmt_int

# Category: approximate days of imprisonment (see the module's docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "Rån": 365,
    "Anlagd brand": 180,
    "Inbrott": 60,
    "Narkotika/öppen droghandel": 60,
    "Misshandel": 30,
    "Incident mot personal": 30,
    "Hot/våld": 14,
    "Bråk/slagsmål": 10,
    "Stöld": 7,
    "Trakasserier": 5,
    "Skadegörelse": 3,
    "Klotter": 2,
    "Buskörning moped/EPA": 1,
    "Berusade personer": 1,
    "Ungdomar som samlas/stör": 1,
    "Nedskräpning": 1,
    "Otrygg plats/belysning": 1,
    "Arrangemang": 1,
}
UNKNOWN_WEIGHT = 1.0  # a category the municipality added itself, until an administrator weighs it
MAX_WEIGHT = 100_000.0

RULE = (
    "Skadevärdet väger varje händelse efter hur allvarlig kategorin är: ungefär de dagar fängelse som "
    "straffvärdet motsvarar för den som döms första gången (efter Cambridge Crime Harm Index); det som inte är "
    "brott väger 1. Vikterna ändras under Administration. Använd skadevärdet för lokala prioriteringar, inte "
    "för långa trender."
)


def weight_of(weights: dict[str, float], category: str) -> float:
    return float(weights.get(category, DEFAULT_WEIGHTS.get(category, UNKNOWN_WEIGHT)))


def weighted_table(counts: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Per category from queries.compstat_counts: its weight, and events and harm side by side for the
    week and the year to date, with each category's share of the year's harm; the busiest harm first."""
    if counts.empty:
        return pd.DataFrame()
    weight = counts["name"].map(lambda c: weight_of(weights, c))
    frame = pd.DataFrame({
        "Kategori": counts["name"],
        "Vikt": weight,
        "Händelser vecka": counts["week"].astype(int),
        "Skadevärde vecka": counts["week"] * weight,
        "Händelser i år": counts["ytd"].astype(int),
        "Skadevärde i år": counts["ytd"] * weight,
    })
    total_events, total_harm = int(frame["Händelser i år"].sum()), float(frame["Skadevärde i år"].sum())
    frame["Andel av händelserna i år (%)"] = frame["Händelser i år"] / total_events * 100 if total_events else 0.0
    frame["Andel av skadevärdet i år (%)"] = frame["Skadevärde i år"] / total_harm * 100 if total_harm else 0.0
    return frame.sort_values(["Skadevärde i år", "Kategori"], ascending=[False, True]).reset_index(drop=True)


def formats() -> dict[str, object]:
    """Swedish number formats for weighted_table's columns."""
    return {
        "Vikt": lambda v: fmt_dec(v, 0) if float(v).is_integer() else fmt_dec(v, 1),
        "Händelser vecka": fmt_int, "Skadevärde vecka": fmt_int,
        "Händelser i år": fmt_int, "Skadevärde i år": fmt_int,
        "Andel av händelserna i år (%)": lambda v: fmt_dec(v, 1),
        "Andel av skadevärdet i år (%)": lambda v: fmt_dec(v, 1),
    }


def parse_weight(value: object) -> float | None:
    """A weight as typed in the editor; None when it is not a number from 0 to MAX_WEIGHT."""
    try:
        number = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) and 0 <= number <= MAX_WEIGHT else None
