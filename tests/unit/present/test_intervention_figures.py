"""present.intervention_figures: the Insatser page's timeline and effect figures and the text a
screen reader gets instead, worked out by hand for small lists."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from trygghet.analysis.interventions import EffectData
from trygghet.present import intervention_figures as figs

TODAY = dt.date(2026, 6, 15)


def listed(*rows: tuple[str, str, dt.date | None, dt.date | None, bool]) -> pd.DataFrame:
    """intervention_list's columns that the timeline reads: id, title, start, end, overdue."""
    return pd.DataFrame({
        "Insats-ID": [r[0] for r in rows],
        "Insats": [r[1] for r in rows],
        "Stadsdel": "Norrby",
        "Status": "Pågående",
        "Start": [r[2] for r in rows],
        "Slut": [r[3] for r in rows],
        "Försenad": [r[4] for r in rows],
        "Ansvarig aktör": "Kommun",
    })


def test_no_start_dates_no_timeline() -> None:
    assert figs.timeline(listed(("A", "Kameror", None, dt.date(2026, 7, 1), False)), TODAY) is None


def test_the_timeline_and_its_summary() -> None:
    fig, summary = figs.timeline(listed(
        ("A", "Belysning", dt.date(2026, 1, 10), dt.date(2026, 5, 31), True),  # ended before today, still open
        ("B", "Fältare", dt.date(2026, 6, 1), None, False),  # no end: drawn to today
        ("C", "Kameror", None, None, False),  # no start: only in the table
    ), TODAY)  # type: ignore[misc]
    assert summary == (
        "Tidslinjen visar 2 insatser från 2026-01-10 till 2026-06-15; 1 av dem pågår enligt sina datum idag "
        "(streckad linje). Färgen visar status och snedstreck att insatsen är försenad. Insatser utan slutdatum "
        "ritas fram till idag. 1 insatser saknar startdatum och finns bara i tabellen."
    )
    assert sorted(t.name for t in fig.data) == ["Pågående", "Pågående – försenad"]
    bars = {y: base for t in fig.data for y, base in zip(t.y, t.base, strict=True)}
    assert set(bars) == {"Belysning", "Fältare"}


def test_an_open_bar_starting_after_today_runs_a_week() -> None:
    _fig, summary = figs.timeline(listed(("A", "Sommarlov", dt.date(2026, 6, 20), None, False)), TODAY)  # type: ignore[misc]
    assert "från 2026-06-20 till 2026-06-27; 0 av dem pågår" in summary


def effect(treated: list[int], control: list[int], periods: list[str]) -> EffectData:
    weeks = [dt.date(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(len(periods))]
    frame = pd.DataFrame({"week": weeks, "period": periods, "treated": treated, "control": control})
    return EffectData("INS-1", "Belysning", "Norrby", "Avslutad", weeks[0], weeks[-1], False, ("Klotter",), None, 2,
                      frame)


def test_the_effect_index_and_its_summary() -> None:
    data = effect([4, 6, 2, 3, 5], [20, 20, 19, 21, 30], ["före", "före", "under", "under", "efter"])
    fig, summary = figs.effect_index(data, "#123456")  # type: ignore[misc]
    assert summary == ("Händelser i snitt före (2 veckor): 5,0 per vecka i Norrby och 20,0 i övriga stadsdelar; "
                       "under (2 veckor): 2,5 per vecka i Norrby och 20,0 i övriga stadsdelar; "
                       "efter (1 veckor): 5,0 per vecka i Norrby och 30,0 i övriga stadsdelar.")
    weekly = {t.name: list(t.y) for t in fig.data if t.name.endswith("per vecka")}
    # Each line's mean before the start is 100: Norrby 5 a week, the others 20.
    assert weekly == {"Övriga stadsdelar, per vecka": [100, 100, 95, 105, 150],
                      "Norrby, per vecka": [80, 120, 40, 60, 100]}
    assert next(t for t in fig.data if t.name == "Norrby, snitt per period").line.color == "#123456"


def test_no_events_before_the_start_no_index() -> None:
    assert figs.effect_index(effect([0, 0, 2], [10, 12, 9], ["före", "före", "under"]), "#123456") is None
