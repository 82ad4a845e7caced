"""Vega-Lite specs for the dashboard charts that change on every click on a district.

A Plotly chart whose figure changes is a new element to Streamlit (its id hashes the figure), so
the browser mounts the chart anew and Plotly draws it from nothing: 40–60 ms of the room's
browser per chart and click. A Vega-Lite chart whose spec stays the same and whose data changes
keeps its element, and the browser only swaps the data in the drawn chart. So these specs hold
everything that stays the same for a page (marks, colours, titles, type sizes) and the numbers
travel as the chart's data; a district click changes the data alone.

Each builder returns (data, spec) for `st.vega_lite_chart`. Texts in the data (district names,
questions) are drawn as SVG text, never read as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from trygghet.core.formatting import fmt_int, fmt_pct
from trygghet.present.chart_style import CHART_FONT

LIGHT_TEXT, DARK_TEXT = "#31333F", "#FAFAFA"  # Streamlit's strongest text colours; its chart default is a grey

# Swedish numbers: 5 000 and 2,5.
_LOCALE = {"number": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"]}}


def config(dark: bool = False) -> dict[str, object]:
    """Type sizes for the projector (nothing under 16 px) and the strongest text colour."""
    text = DARK_TEXT if dark else LIGHT_TEXT
    axis = {"labelFontSize": CHART_FONT - 2, "titleFontSize": CHART_FONT, "labelColor": text, "titleColor": text,
            "titleFontWeight": "normal", "labelLimit": 320}
    return {
        "locale": _LOCALE,
        "axis": axis,
        "legend": {"labelFontSize": CHART_FONT - 2, "titleFontSize": CHART_FONT - 2, "labelColor": text,
                   "titleColor": text, "labelLimit": 600, "symbolSize": 160},
        "text": {"fontSize": CHART_FONT - 2, "color": text},
        "title": {"fontSize": CHART_FONT + 4, "color": text, "anchor": "start"},
        "view": {"stroke": None},
    }


def _spec(height: int, dark: bool, **parts: object) -> dict[str, object]:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "height": height, "config": config(dark),
            **parts}


def weekly_bars(labels: Sequence[str], counts: Sequence[float], current: Sequence[bool], *, height: int = 380,
                dark: bool = False) -> tuple[pd.DataFrame, dict[str, object]]:
    """Events per week as bars with their counts above them, the week in focus darker."""
    data = pd.DataFrame({"Vecka": list(labels), "Händelser": [float(c) for c in counts],
                         "Antal": [fmt_int(c) for c in counts], "Aktuell": [bool(c) for c in current]})
    x = {"field": "Vecka", "type": "ordinal", "sort": None, "title": None, "axis": {"labelAngle": 0}}
    y = {"field": "Händelser", "type": "quantitative", "title": "Händelser", "axis": {"format": ",d", "tickCount": 6}}
    spec = _spec(height, dark, layer=[
        {"mark": {"type": "bar"},
         "encoding": {"x": x, "y": y,
                      "color": {"field": "Aktuell", "type": "nominal", "legend": None,
                                "scale": {"domain": [False, True], "range": ["#9DB7CF", "#0072B2"]}},
                      "tooltip": [{"field": "Vecka", "title": "Vecka"}, {"field": "Antal", "title": "Händelser"}]}},
        {"mark": {"type": "text", "dy": -12},
         "encoding": {"x": x, "y": y, "text": {"field": "Antal"}}},
    ])
    return data, spec


def month_bars_with_baseline(labels: Sequence[str], counts: Sequence[float], baseline: Sequence[float | None], *,
                             period: str, before: str, colours: tuple[str, str], slanted: bool, height: int = 440,
                             dark: bool = False) -> tuple[pd.DataFrame, dict[str, object]]:
    """The period's events per month as bars, the same days a year before as a dashed line, which
    leaves out the months without a year before."""
    rows = [{"Månad": m, "Serie": period, "Händelser": float(c), "Antal": fmt_int(c)}
            for m, c in zip(labels, counts, strict=True)]
    rows += [{"Månad": m, "Serie": before, "Händelser": None if b is None or pd.isna(b) else float(b),
              "Antal": "–" if b is None or pd.isna(b) else fmt_int(b)}
             for m, b in zip(labels, baseline, strict=True)]
    data = pd.DataFrame(rows)
    x = {"field": "Månad", "type": "ordinal", "sort": None, "title": None, "axis": {"labelAngle": -45 if slanted else 0}}
    y = {"field": "Händelser", "type": "quantitative", "title": "Händelser per månad", "axis": {"format": ",d"}}
    color = {"field": "Serie", "type": "nominal", "title": None, "scale": {"domain": [period, before], "range": list(colours)},
             "legend": {"orient": "top", "direction": "horizontal"}}
    tooltip = [{"field": "Månad", "title": "Månad"}, {"field": "Serie", "title": "Serie"},
               {"field": "Antal", "title": "Händelser"}]
    spec = _spec(height, dark, layer=[
        {"transform": [{"filter": {"field": "Serie", "equal": period}}], "mark": {"type": "bar"},
         "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip}},
        # Months without a year before (before the data began) have no point; the line starts after them.
        {"transform": [{"filter": {"field": "Serie", "equal": before}}, {"filter": "isValid(datum['Händelser'])"}],
         "mark": {"type": "line", "strokeDash": [8, 5], "strokeWidth": 3, "point": {"size": 64, "filled": True}},
         "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip}},
    ])
    return data, spec


def shares_over_years(frame: pd.DataFrame, *, colours: Sequence[str], height: int = 340,
                      dark: bool = False) -> tuple[pd.DataFrame, dict[str, object]]:
    """Shares in per cent per year as lines with their values written above the points, one line per
    question (`frame`: indicator, year, value); the legend below holds the questions' wording."""
    questions = list(dict.fromkeys(frame["indicator"]))
    data = pd.DataFrame({"Fråga": frame["indicator"].astype(str), "År": frame["year"].astype(str),
                         "Andel": frame["value"].astype(float), "Text": [fmt_pct(v, 0) for v in frame["value"]]})
    x = {"field": "År", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}}
    y = {"field": "Andel", "type": "quantitative", "title": "Andel (%)", "scale": {"domain": [0, 100]},
         "axis": {"labelExpr": "datum.label + ' %'", "tickCount": 5}}
    color = {"field": "Fråga", "type": "nominal", "title": None,
             "scale": {"domain": questions, "range": [colours[i % len(colours)] for i in range(len(questions))]},
             "legend": {"orient": "bottom", "direction": "vertical"}}
    spec = _spec(height, dark, layer=[
        {"mark": {"type": "line", "strokeWidth": 3, "point": {"size": 100, "filled": True}},
         "encoding": {"x": x, "y": y, "color": color,
                      "tooltip": [{"field": "Fråga", "title": "Fråga"}, {"field": "År", "title": "År"},
                                  {"field": "Text", "title": "Andel"}]}},
        {"mark": {"type": "text", "dy": -16},
         "encoding": {"x": x, "y": y, "text": {"field": "Text"}}},
    ])
    return data, spec
