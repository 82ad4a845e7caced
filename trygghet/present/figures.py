"""The charts the meeting page, the report page and the documents share.

Each function builds a Plotly figure from a small frame, with Swedish labels and numbers; the
page styles it for the screen (ui.style_figure) and the documents for paper (print_style), so
the image in the minutes is the same figure the room saw.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from trygghet.core.formatting import fmt_int
from trygghet.present.chart_text import plain_figure

HIGHLIGHT, MUTED, PREVIOUS = "#0072B2", "#9DB7CF", "#8C8C8C"
FLAG_UP, FLAG_DOWN = "#D55E00", "#0072B2"


def _week_labels(weekly: pd.DataFrame, week_monday: dt.date | None = None, partial: str = "") -> list[str]:
    """'v. 47' per week; the chosen week, when only some of its days have data, 'v. 47 (mån–ons)'."""
    weeks = pd.to_datetime(weekly["week"])
    return [f"v. {d.isocalendar().week}" + (f" ({partial})" if partial and d.date() == week_monday else "")
            for d in weeks]


def weekly_figure(weekly: pd.DataFrame, week_monday: dt.date, partial: str = "") -> go.Figure:
    """Events per week for twelve weeks, the meeting's week in a strong colour (as on Översikt).
    With `partial` ('mån–ons') the week has data only for those days: its label says so and its bar
    is hatched."""
    weeks = pd.to_datetime(weekly["week"])
    fig = go.Figure(go.Bar(
        x=_week_labels(weekly, week_monday, partial),
        y=weekly["count"],
        marker_color=[HIGHLIGHT if d.date() == week_monday else MUTED for d in weeks],
        marker_pattern_shape=["/" if partial and d.date() == week_monday else "" for d in weeks],
        text=[fmt_int(v) for v in weekly["count"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{y} händelser<extra></extra>",
    ))
    fig.update_yaxes(title="Händelser", rangemode="tozero")
    fig.update_layout(separators=", ", showlegend=False)
    return fig


def weekly_summary(weekly: pd.DataFrame, week_monday: dt.date | None = None, partial: str = "") -> str:
    return ("Händelser per vecka de tolv senaste veckorna: "
            + ", ".join(f"{label}: {fmt_int(c)}" for label, c in
                        zip(_week_labels(weekly, week_monday, partial), weekly["count"], strict=True))
            + ".")


def compare_figure(frame: pd.DataFrame, current_label: str, previous_label: str, name_label: str) -> go.Figure:
    """Horizontal bars per name: the period against the same period a year earlier.

    `frame`: name, count, previous, flag ('upp'/'ned'/''); the largest comes first.
    """
    ordered = frame.iloc[::-1]
    colours = [FLAG_UP if f == "upp" else FLAG_DOWN if f == "ned" else HIGHLIGHT for f in ordered["flag"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=ordered["name"], x=ordered["previous"], name=previous_label, orientation="h", marker_color=PREVIOUS,
        text=[fmt_int(v) for v in ordered["previous"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} händelser<extra>" + previous_label + "</extra>",
    ))
    fig.add_trace(go.Bar(
        y=ordered["name"], x=ordered["count"], name=current_label, orientation="h", marker_color=colours,
        text=[fmt_int(v) for v in ordered["count"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x} händelser<extra>" + current_label + "</extra>",
    ))
    fig.update_layout(barmode="group", separators=", ", bargap=0.25,
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "reversed"})
    top = float(max([*frame["count"], *frame["previous"], 1]))
    # Room to the right of the longest bar for its number.
    fig.update_xaxes(title="Händelser", range=[0, top * 1.18])
    fig.update_yaxes(title=None, automargin=True)
    return fig


def compare_height(rows: int) -> int:
    return 140 + 46 * max(rows, 1)


def monthly_figure(frame: pd.DataFrame, current_label: str, previous_label: str) -> go.Figure:
    """Events per month: `frame` has label, count, previous."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["label"], y=frame["previous"], name=previous_label, marker_color=PREVIOUS,
                         text=[fmt_int(v) for v in frame["previous"]], textposition="outside", cliponaxis=False))
    fig.add_trace(go.Bar(x=frame["label"], y=frame["count"], name=current_label, marker_color=HIGHLIGHT,
                         text=[fmt_int(v) for v in frame["count"]], textposition="outside", cliponaxis=False))
    fig.update_layout(barmode="group", separators=", ",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    fig.update_yaxes(title="Händelser per månad", rangemode="tozero")
    return fig


def areas_figure(areas: pd.DataFrame, current_label: str, previous_label: str, wrap: int = 28) -> go.Figure:
    """The priority areas' indicator events against the same dates a year earlier."""
    frame = pd.DataFrame({"name": [_wrap(n, wrap) for n in areas["name"]], "count": areas["count"],
                          "previous": areas["count_last_year"], "flag": areas["flag"]})
    return compare_figure(frame, current_label, previous_label, "Prioriterat område")


def survey_figure(frame: pd.DataFrame) -> go.Figure:
    """Survey indicators: `frame` has indicator, period label and value (per cent)."""
    fig = go.Figure()
    colours = [PREVIOUS, HIGHLIGHT, "#E69F00", "#009E73"]
    for i, (label, part) in enumerate(frame.groupby("label", sort=False)):
        fig.add_trace(go.Bar(
            y=[_wrap(t, 34) for t in part["indicator"]], x=part["value"], name=str(label), orientation="h",
            marker_color=colours[i % len(colours)], text=[f"{v:.0f} %".replace(".", ",") for v in part["value"]],
            textposition="outside", cliponaxis=False,
        ))
    fig.update_layout(barmode="group", separators=", ",
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"})
    fig.update_xaxes(title="Andel (%)", range=[0, 105])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def _wrap(text: str, width: int = 28) -> str:
    """Long labels over two or three lines, so that a bar chart keeps its width for bars."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    # A line break, not <br>: chart_text turns it into one after escaping the name around it.
    return "\n".join(lines[:3])


PRINT_FONT = 19  # px in a 1000 px wide image: about 8–9 pt on a 16 cm wide A4 column


def print_style(fig: go.Figure, height: int = 520) -> go.Figure:
    """A copy of the figure styled for paper: white background, dark text, no hover, and its names
    shown as typed (Kaleido draws them with the same plotly.js as the browser)."""
    out = plain_figure(go.Figure(fig))
    out.update_layout(
        template="plotly_white",
        font={"size": PRINT_FONT, "color": "#111111", "family": "DejaVu Sans, Verdana, Arial, sans-serif"},
        legend={"font": {"size": PRINT_FONT - 1}},
        margin={"l": 10, "r": 40, "t": 50, "b": 10},
        width=1000,
        height=height,
        separators=", ",
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
    )
    out.update_xaxes(gridcolor="#DDDDDD", linecolor="#888888", separatethousands=True)
    out.update_yaxes(gridcolor="#DDDDDD", linecolor="#888888", separatethousands=True)
    return out
