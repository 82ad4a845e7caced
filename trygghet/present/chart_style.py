"""The app's look for a Plotly figure: type sizes for the projector, margins, Swedish month ticks."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from trygghet.core.periods import MONTHS_SHORT_SV

CHART_FONT = 18  # px; nothing on a chart is below 16 px on a 1920×1080 projector
# Streamlit's placeholder for its strongest text colour, which the browser replaces with the theme's
# (#262730 on white, #fafafa on the dark theme). Its default for chart text is a grey at 3.7:1.
TEXT_COLOUR = "#000037"


_CHART_LAYOUT = {
    "font": {"size": CHART_FONT, "color": TEXT_COLOUR},
    "legend": {"font": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT - 2}}},
    "hoverlabel": {"font": {"size": CHART_FONT - 2}},
    "separators": ", ",
}
_CHART_AXES = {
    "xaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}},
    "yaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}, "separatethousands": True},
}


def _merged(base: dict[str, object], over: dict[str, object]) -> dict[str, object]:
    """`base` with `over` written into it, nested dicts merged key by key (as Plotly's update does)."""
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        out[key] = _merged(below, value) if isinstance(value, dict) and isinstance(below, dict) else value
    return out


def styled_layout(layout: dict[str, object], title: str | None = None, height: int = 420,
                  top: int | None = None) -> dict[str, object]:
    """`layout` (plain data, without a template) with the app's type sizes, margins and height
    written over it, every axis too. `top`: the top margin, when the chart's legend or labels sit
    above the plot. For figures built as plain data and wrapped in go.Figure once, which is what
    style_figure does for a finished figure."""
    styled = _merged(layout, _CHART_LAYOUT)
    for key in {"xaxis", "yaxis", *layout}:
        if key.startswith(("xaxis", "yaxis")):
            styled[key] = _merged(styled.get(key) or {}, _CHART_AXES[key[:5]])  # type: ignore[arg-type]
    margin_top = top if top is not None else 60 if title else 20
    styled = _merged(styled, {"margin": {"l": 10, "r": 10, "t": margin_top, "b": 10}, "height": height})
    # As update_layout(title=None) did: a chart's title is the one given here, or none (the page's
    # heading and the summary under the chart say what it shows).
    styled.pop("title", None)
    if title:
        styled["title"] = _merged(layout.get("title") or {}, {"text": title, "font": {"size": CHART_FONT + 4}})  # type: ignore[arg-type]
    return styled


def style_figure(fig: go.Figure, title: str | None = None, height: int = 420, top: int | None = None) -> go.Figure:
    """The app's type sizes, margins and height, written over what the figure set (every axis too);
    `top` as in styled_layout, rather than another update_layout afterwards.

    The layout is merged as plain data and set in one assignment: Plotly's update_layout,
    update_xaxes and update_yaxes cost 15–25 ms a chart in their relayout machinery, a third of a
    filter change on a page with eight charts. The figure's template (Streamlit's, whose colour
    placeholders the browser swaps for the theme's) is the default again after the assignment.
    """
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    fig.layout = styled_layout(layout, title, height, top)
    return fig


def month_ticks(start: dt.date, end: dt.date) -> dict[str, list[object]]:
    """Month ticks with Swedish names ('jan 2025') as an axis's tickvals and ticktext: Plotly's own
    locale files are not loaded offline."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next(s for s in (1, 2, 3, 6, 12) if months / s <= 12)
    ticks = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        if (month - 1) % step == 0:
            ticks.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "tickvals": list(ticks),
        "ticktext": [f"{MONTHS_SHORT_SV[d.month - 1]} {d.year}" if d.month == 1 or i == 0 else MONTHS_SHORT_SV[d.month - 1]
                     for i, d in enumerate(ticks)],
    }


def swedish_month_axis(fig: go.Figure, start: dt.date, end: dt.date, **selector: object) -> None:
    """Month ticks with Swedish names on the figure's x axes (those `selector` picks)."""
    fig.update_xaxes(**month_ticks(start, end), **selector)
