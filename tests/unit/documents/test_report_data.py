"""report_data.measure_categories: a measure of the previous plan is judged on the categories it names."""

from __future__ import annotations

from trygghet.analysis.action_plan import Measure
from trygghet.documents.report_data import measure_categories

CATEGORIES = ["Brand", "Klotter", "Skadegörelse", "Ungdomar som samlas och stör"]


def test_a_measure_is_judged_on_the_categories_it_names() -> None:
    own = Measure("Otrygghetsskapande händelser", "Sanering inom 24 timmar", goal="Färre klotter än året före")
    assert measure_categories(own, CATEGORIES) == ("Klotter",)
    # 'Brand' is four letters and named; a measure naming none falls back to its area (empty here).
    assert measure_categories(Measure("Skadegörelse", "Färre anlagda brand i containrar"), CATEGORIES) == ("Brand",)
    assert measure_categories(Measure("Våld i nära relationer", "Huskurage i bostadsbolagets hus"), CATEGORIES) == ()
