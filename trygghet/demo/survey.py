"""Solvik's yearly trygghetsmätning: one survey per full calendar year, in which the
districts with more events feel less safe."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np

from trygghet.demo.places import DISTRICTS

SURVEY_INDICATORS = (
    "Känner sig trygg utomhus på kvällen",
    "Oroar sig för brott i området",
    "Ser skadegörelse eller klotter ofta",
    "Har förtroende för polisen i området",
)
_DAMAGE_CATEGORIES = ("Skadegörelse", "Klotter", "Anlagd brand", "Nedskräpning")


def insert_survey(
    con: duckdb.DuckDBPyConnection,
    rng: np.random.Generator,
    start: date,
    end: date,
    categories: list[str],
    counts: np.ndarray,
) -> None:
    """One survey per full calendar year; the districts with more events feel less safe."""
    damage = [categories.index(c) for c in _DAMAGE_CATEGORIES if c in categories]
    district_mood = rng.normal(0.0, 2.0, len(DISTRICTS))
    rows = []
    for y in range(start.year, end.year + 1):
        if date(y, 12, 31) > end:
            continue
        year_counts = counts[y - start.year].astype(np.float64) + 1.0
        rel = np.log(year_counts.sum(axis=1) / year_counts.sum(axis=1).mean())
        rel_damage = np.log(year_counts[:, damage].sum(axis=1) / year_counts[:, damage].sum(axis=1).mean())
        noise = rng.normal(0.0, 1.5, (len(DISTRICTS), len(SURVEY_INDICATORS)))
        values = np.column_stack([
            70 - 16 * rel + district_mood,
            24 + 9 * rel - 0.5 * district_mood,
            20 + 14 * rel_damage,
            63 - 5 * rel + 0.5 * district_mood,
        ]) + noise
        values = np.clip(values, 2.0, 98.0)
        respondents = rng.integers(150, 601, len(DISTRICTS))
        for k, d in enumerate(DISTRICTS):
            for i, indicator in enumerate(SURVEY_INDICATORS):
                rows.append([str(y), d.name, indicator, round(float(values[k, i]), 1), int(respondents[k])])
    if rows:
        con.executemany("INSERT INTO survey_results VALUES (?, ?, ?, ?, ?, NULL)", rows)
