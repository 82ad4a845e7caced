"""The app's look for a Plotly figure: type sizes for the projector, margins, Swedish month ticks."""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

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
    # "allow": Plotly otherwise measures every tick label's box, on every drawing, to hide any that
    # reach past the chart's edge; the margins (fit_margins, automargin) keep them inside anyway.
    "xaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}, "ticklabeloverflow": "allow"},
    # "10 000", not Plotly's "10k" from ten thousand up.
    "yaxis": {"tickfont": {"size": CHART_FONT - 2}, "title": {"font": {"size": CHART_FONT}}, "separatethousands": True,
              "exponentformat": "none", "ticklabeloverflow": "allow"},
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


# Widths in em of the chart font's characters, on the generous side: a guess too narrow costs a
# second drawing, one too wide a little empty space beside the labels.
_NARROW, _WIDE = set(" .,:;!|'()[]-/fijlrtI1"), set("mwMWÅÄÖQOGDHNU@%&")
_CARTESIAN = {"scatter", "bar", "heatmap", "box", "histogram"}
_LINE = 1.3  # a line of text's height in em
_SPARE = 6  # px more than the estimate: a margin a few pixels short costs a whole second drawing


def text_width(text: str, size: float) -> float:
    """Pixels the text takes at font `size`, estimated on the generous side (digits are all as wide)."""
    return sum(0.56 if c.isdigit() else 0.29 if c in _NARROW else 0.8 if c in _WIDE else 0.53 for c in text) * size


def _size(font: object, default: float) -> float:
    return float(getattr(font, "size", None) or default)


def _number_label(values: list[float], suffix: str) -> str:
    """The widest tick label a numeric axis over `values` is likely to get: as many digits as its
    largest value with a tenth added (the axis reaches a little past it), thousands separated, a
    minus sign if any value is negative."""
    top = max((abs(v) for v in values), default=0.0) * 1.1
    text = f"{int(top):,}".replace(",", " ") + (",5" if top < 10 else "")  # small ranges get ticks at halves
    return ("−" if any(v < 0 for v in values) else "") + text + suffix


def _axis_values(fig: go.Figure, axis_id: str, letter: str) -> tuple[list[float], list[str]]:
    """The numbers and the texts the traces put on one axis (`axis_id`: 'x', 'y2', ...)."""
    numbers: list[float] = []
    texts: list[str] = []
    for trace in fig.data:
        if (getattr(trace, f"{letter}axis", None) or letter) != axis_id:
            continue
        for value in getattr(trace, letter, None) if getattr(trace, letter, None) is not None else ():
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value):
                numbers.append(float(value))
    return numbers, texts


def fit_margins(fig: go.Figure) -> go.Figure:
    """Margins wide enough, from the start, for the tick labels, axis titles and a legend beside or
    above the plot. Plotly's automargin widens a margin that is too narrow by drawing the whole chart
    a second time, 20–60 ms a chart in the room's browser on every filter change; a guess here that
    is still short only leaves that as it was. Margins are only ever widened. Figures with other than
    cartesian traces (maps) are left as they are."""
    layout = fig.layout
    margin = layout.margin
    if margin.l is None or any(trace.type not in _CARTESIAN for trace in fig.data):
        return fig
    left, right, top, bottom = float(margin.l), float(margin.r or 0), float(margin.t or 0), float(margin.b or 0)
    for name in [key for key in layout.to_plotly_json() if key.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        axis = layout[name]
        if axis.visible is False or axis.overlaying:
            continue
        letter, axis_id = name[0], name[0] + name[5:]
        title = axis.title.text if axis.title else None
        title_room = (_size(axis.title.font, CHART_FONT) * 1.5 + 16) if title else 0.0
        tick_size = _size(axis.tickfont, CHART_FONT - 2)
        labels: list[str] = []
        if axis.showticklabels is not False:
            if axis.ticktext:
                labels = [str(t) for t in axis.ticktext]
            else:
                numbers, texts = _axis_values(fig, axis_id, letter)
                if texts or axis.type == "category":
                    labels = texts
                elif numbers and axis.type not in ("date", "log"):
                    given = [float(v) for v in axis.range or () if isinstance(v, Real)]
                    labels = [_number_label(numbers + given, axis.ticksuffix or "")]
                elif numbers or axis.type == "date":
                    labels = ["0000"] if letter == "x" else []
        if letter == "y":
            room = max((text_width(t, tick_size) for t in labels), default=0.0) + 12 + title_room
            if axis.side == "right":
                right = max(right, room + _SPARE)
            else:
                left = max(left, room + _SPARE)
        else:
            slant = math.radians(float(axis.tickangle)) if isinstance(axis.tickangle, Real) else 0.0
            widest = max((text_width(t, tick_size) for t in labels), default=0.0)
            tall = abs(math.sin(slant)) * widest + abs(math.cos(slant)) * tick_size * _LINE
            room = (tall + 18 if labels else 0.0) + title_room
            if axis.side == "top":
                top = max(top, room + _SPARE)
            else:
                bottom = max(bottom, room + _SPARE)
    legend = layout.legend
    shown = [t for t in fig.data if t.showlegend is not False and t.name] if layout.showlegend is not False else []
    if len(shown) > 1 or (shown and layout.showlegend):
        size = _size(legend.font, CHART_FONT - 2)
        # A legend's y is a share of the plot's height, from the plot's bottom edge.
        plot = float(layout.height or 450) - top - bottom
        if legend.orientation == "h" and (legend.y or 0) > 1 and legend.yref != "container":
            top = max(top, (float(legend.y) - 1) * plot + size * _LINE + 16 + _SPARE)
        elif legend.orientation == "h" and (legend.y or 0) < 0 and legend.yref != "container":
            bottom = max(bottom, -float(legend.y) * plot + size * _LINE + 16 + _SPARE)
        elif legend.orientation != "h" and (legend.x if legend.x is not None else 1.02) > 1:
            right = max(right, max(text_width(str(t.name), size) for t in shown) + 70)
    fitted = {"l": math.ceil(left), "r": math.ceil(right), "t": math.ceil(top), "b": math.ceil(bottom)}
    # Written only when it changes: a figure shared from the cache (cache.derived) was fitted there
    # and is read here by many sessions at once.
    if fitted != {k: margin[k] for k in fitted}:
        fig.layout.margin = fitted
    return fig
