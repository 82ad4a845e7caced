"""chart_style.style_figure sets the type sizes as plain data in one assignment; the layout it gives must be
the one Plotly's own update calls give (the way it was done before, kept here as the reference)."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
import streamlit  # noqa: F401  # makes Streamlit's template Plotly's default, as in the app, whichever test runs first
from plotly.subplots import make_subplots

from trygghet.present import chart_style

F = chart_style.CHART_FONT


def reference_style(fig: go.Figure, title: str | None = None, height: int = 420) -> go.Figure:
    fig.update_layout(
        font={"size": F, "color": chart_style.TEXT_COLOUR},
        title={"text": title, "font": {"size": F + 4}} if title else None,
        legend={"font": {"size": F - 2}, "title": {"font": {"size": F - 2}}},
        hoverlabel={"font": {"size": F - 2}},
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        height=height,
        separators=", ",
    )
    fig.update_xaxes(tickfont={"size": F - 2}, title_font={"size": F}, ticklabeloverflow="allow")
    fig.update_yaxes(tickfont={"size": F - 2}, title_font={"size": F}, separatethousands=True, exponentformat="none",
                     ticklabeloverflow="allow")
    return fig


def bars() -> go.Figure:
    fig = go.Figure(go.Bar(x=["v. 1", "v. 2"], y=[3, 4], name="Händelser"))
    fig.update_yaxes(title="Händelser per vecka", rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": 1.02}, bargap=0.25, margin={"t": 80})
    return fig


def subplots() -> go.Figure:
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, subplot_titles=["Norrby", "Hamnen"])
    fig.add_trace(go.Scatter(x=[1, 2], y=[1, 2]), row=1, col=1)
    fig.add_trace(go.Scatter(x=[1, 2], y=[2, 1]), row=2, col=1)
    fig.update_xaxes(tickangle=-45)
    return fig


def with_sizes_of_its_own() -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1], y=[1], mode="markers+text", text=["Norrby"]))
    fig.update_layout(font={"size": 30, "family": "serif"}, title={"text": "Gammal", "x": 0.5},
                      shapes=[{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 0}],
                      annotations=[{"text": "1 km", "x": 0.5, "y": 0, "showarrow": False}])
    return fig


@pytest.mark.parametrize("make", [bars, subplots, with_sizes_of_its_own, go.Figure])
@pytest.mark.parametrize(("title", "height"), [(None, 420), ("Händelser per vecka", 300)])
def test_style_figure_gives_the_layout_of_plotlys_update_calls(make, title: str | None, height: int) -> None:
    ours = chart_style.style_figure(make(), title, height).to_plotly_json()
    reference = reference_style(make(), title, height).to_plotly_json()
    assert ours["data"] == reference["data"]
    ours_layout, reference_layout = ours["layout"], reference["layout"]
    # update_layout(title=None) leaves an empty title object behind, which draws nothing.
    if reference_layout.get("title") == {}:
        reference_layout.pop("title")
    assert json.dumps(ours_layout, sort_keys=True, default=str) == json.dumps(reference_layout, sort_keys=True,
                                                                             default=str)
    assert ours_layout["font"]["size"] == F and ours_layout["height"] == height
    assert ours_layout["template"]["layout"]["colorway"][0] == "#000001"  # Streamlit's, for the browser's theme


@pytest.mark.parametrize("make", [bars, subplots])
def test_a_top_margin_is_the_one_an_update_afterwards_gave(make) -> None:
    ours = chart_style.style_figure(make(), "Händelser per vecka", 300, top=90)
    reference = reference_style(make(), "Händelser per vecka", 300)
    reference.update_layout(margin={"t": 90})
    assert json.dumps(ours.to_plotly_json(), sort_keys=True, default=str) == json.dumps(
        reference.to_plotly_json(), sort_keys=True, default=str)
    assert ours.layout.margin.t == 90 and ours.layout.margin.l == 10
