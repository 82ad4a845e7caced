"""report_sections' small formatters: one format for a context table's figures, and the reference
statistics without repeated level names."""

from __future__ import annotations

import pandas as pd

from trygghet.documents import report_sections as sections
from trygghet.documents.report_figures import change_text, change_words


def test_shares_have_one_format_and_counts_no_unit_word() -> None:
    assert sections._value(4.0, "%") == "4,0 %"
    assert sections._value(3.7, "%") == "3,7 %"
    assert sections._value(720.0, "antal") == "720"
    assert sections._value(12.5, "kr") == "12,5 kr"
    assert sections._value(None, "%") == "–"


def test_the_reference_table_names_an_area_once() -> None:
    frame = pd.DataFrame({
        "source": ["Brå"] * 3, "measure": ["Anmälda brott"] * 3, "area": ["Riket", "Västra Götalands län", "Solvik"],
        "level": ["riket", "län", "kommun"], "year": [2025] * 3, "value": [13900.0, 13300.0, 11250.0],
        "unit": ["per 100 000 inv."] * 3,
    })
    table = sections._reference_table(frame)
    assert [row[1] for row in table.rows] == ["Riket", "Västra Götalands län", "Solvik (kommun)"]
    assert table.rows[0][2] == "13 900".replace(" ", "\u00a0")


def test_a_missing_previous_figure_is_no_comparison() -> None:
    assert change_words(12, None) == "ingen jämförelse"
    assert change_text(12, None) == "ingen jämförelse"
    assert change_words(12, 10).startswith("+2 händelser")
