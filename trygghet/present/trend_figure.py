"""Trender's weekly figure: the weekly lines, the four-week mean and last year, with the period's
interventions as bars under the same time axis. Plotly only, no Streamlit.

The figure is written as one dict and checked by Plotly once: make_subplots and each update_* call
walk Plotly's property machinery again, which cost tens of milliseconds on every district click for
the same JSON.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from trygghet.core.periods import WEEKDAYS_SHORT_SV
from trygghet.present import chart_style

COUNT_COLOUR, MEAN_COLOUR, LAST_YEAR_COLOUR, NO_COLOUR = "#9DB7CF", "#0072B2", "#8C8C8C", "#666666"
PLOT_HEIGHT, BAR_HEIGHT = 440, 26  # px of the weekly lines; px a row of the interventions below them
LEGEND = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}


def short_title(title: str) -> str:
    """A tick label that fits beside the chart: at most 34 characters."""
    return title if len(title) <= 34 else title[:33] + "…"


def stacked_axes(top: float, bottom: float, spacing: float) -> dict[str, dict[str, object]]:
    """The axes of two rows sharing one x axis, with the domains make_subplots gives them (the same
    arithmetic, so the same floats); `top` and `bottom` are the rows' relative heights."""
    share = 1.0 - spacing
    top_height, bottom_height = share * (top / (top + bottom)), share * (bottom / (top + bottom))
    upper = bottom_height + spacing
    return {
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False},
        "yaxis": {"anchor": "x", "domain": [upper, min(1.0, upper + top_height)]},
        "xaxis2": {"anchor": "y2", "domain": [0.0, 1.0]},
        "yaxis2": {"anchor": "x2", "domain": [0.0, bottom_height]},
    }


def single_axes() -> dict[str, dict[str, object]]:
    """The axes make_subplots gives a figure of one row."""
    return {"xaxis": {"anchor": "y", "domain": [0.0, 1.0]}, "yaxis": {"anchor": "x", "domain": [0.0, 1.0]}}


def weekly_trend_figure(weekly: pd.DataFrame, by: str | None, shown: pd.DataFrame, colors: dict[str, str],
                        start: dt.date, end: dt.date) -> go.Figure:
    """The weekly figure, styled. `weekly`: trends.weekly_frame (already trends.keep_largest when `by`
    is set); `shown`: the interventions to draw (title, district, start_date, end_date), oldest first;
    `colors`: the districts' colours."""
    row = {"xaxis": "x", "yaxis": "y"}
    if by is None:
        data: list[dict[str, object]] = [
            {"type": "scatter", "x": weekly["week"], "y": weekly["count"], "name": "Per vecka", "mode": "lines",
             "line": {"color": COUNT_COLOUR, "width": 2}, **row},
            {"type": "scatter", "x": weekly["week"], "y": weekly["rolling4"], "name": "Snitt 4 veckor",
             "mode": "lines", "line": {"color": MEAN_COLOUR, "width": 4}, **row},
            {"type": "scatter", "x": weekly["week"], "y": weekly["last_year"], "name": "Samma vecka i fjol",
             "mode": "lines", "line": {"color": LAST_YEAR_COLOUR, "width": 2, "dash": "dash"}, **row},
        ]
    else:
        data = []
        for name, group in weekly.groupby("series", sort=False):
            line: dict[str, object] = {"width": 3}
            color = colors.get(name) if by == "district" else None
            if color is not None:
                line["color"] = color
            data.append({"type": "scatter", "x": group["week"], "y": group["rolling4"], "name": name,
                         "mode": "lines", "line": line, **row})
    period = {"range": [pd.Timestamp(start), pd.Timestamp(end)], **chart_style.month_ticks(start, end)}
    layout: dict[str, object] = {"legend": dict(LEGEND)}
    if shown.empty:
        layout |= single_axes()
    else:
        layout |= stacked_axes(PLOT_HEIGHT, BAR_HEIGHT * len(shown), 0.04)
        for i, item in enumerate(shown.itertuples(index=False)):
            data.append({
                "type": "scatter", "x": [item.start_date, item.end_date], "y": [i, i], "mode": "lines",
                "showlegend": False, "line": {"color": colors.get(item.district, NO_COLOUR), "width": 10},
                "meta": [item.title, item.district], "hovertemplate": "%{meta[0]} (%{meta[1]}): %{x}<extra></extra>",
                "xaxis": "x2", "yaxis": "y2",
            })
        layout["yaxis2"] |= {"tickvals": list(range(len(shown))), "ticktext": [short_title(t) for t in shown["title"]],
                             "autorange": "reversed", "title": {"text": "Insatser"}}
        layout["xaxis2"] |= period
    layout["xaxis"] |= period
    layout["yaxis"] |= {"title": {"text": "Händelser per vecka" if by is None else "Snitt 4 veckor"},
                        "rangemode": "tozero"}
    return go.Figure(data=data, layout=chart_style.styled_layout(layout, height=480 + BAR_HEIGHT * len(shown)))


def hour_figure(grid: np.ndarray) -> go.Figure:
    """The weekday × hour map, styled: `grid` has a row per ISO weekday (Monday first) and a column
    per hour of the day."""
    data = [{"type": "heatmap", "z": grid, "x": [f"{h:02d}" for h in range(24)], "y": list(WEEKDAYS_SHORT_SV),
             "colorscale": "Blues", "hovertemplate": "%{y} kl. %{x}: %{z} händelser<extra></extra>",
             "colorbar": {"title": {"text": "Antal"}}}]
    layout = {"yaxis": {"autorange": "reversed"}, "xaxis": {"title": {"text": "Timme"}}}
    return go.Figure(data=data, layout=chart_style.styled_layout(layout, height=420))
