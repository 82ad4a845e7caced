"""fit_margins: a chart's margins are set wide enough for its tick labels, axis titles and legend
before it reaches the browser, and are only ever widened; maps are left alone."""

from __future__ import annotations

import plotly.graph_objects as go

from trygghet.present import chart_style


def _bars(values: list[float], **layout: object) -> go.Figure:
    fig = go.Figure(go.Bar(x=[f"v. {i}" for i in range(len(values))], y=values))
    fig.update_layout(**layout)
    return chart_style.style_figure(fig, height=380)


def test_the_left_margin_holds_the_widest_number_and_the_axis_title() -> None:
    small = chart_style.fit_margins(_bars([5.0, 8.0]))
    large = chart_style.fit_margins(_bars([48_000.0, 52_000.0]))
    titled = chart_style.fit_margins(_bars([48_000.0, 52_000.0], yaxis_title="Händelser"))
    # "57 200" against "8,5": the wider number asks for more room, a title for a line more.
    assert large.layout.margin.l > small.layout.margin.l
    tick = chart_style.text_width("57 200", chart_style.CHART_FONT - 2)
    assert large.layout.margin.l >= tick + 12
    assert titled.layout.margin.l >= large.layout.margin.l + chart_style.CHART_FONT * 1.3


def test_margins_are_only_widened() -> None:
    fig = _bars([10.0, 20.0])
    fig.layout.margin = {"l": 400, "r": 10, "t": 90, "b": 200}
    chart_style.fit_margins(fig)
    assert (fig.layout.margin.l, fig.layout.margin.t, fig.layout.margin.b) == (400, 90, 200)


def test_legends_get_room_where_they_sit() -> None:
    above = _bars([1.0, 2.0], legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"})
    above.add_trace(go.Scatter(x=["v. 0", "v. 1"], y=[1, 2], name="Samma vecka i fjol"))
    above.data[0].name = "Per vecka"
    beside = _bars([1.0, 2.0], legend={"orientation": "v", "x": 1.01, "y": 1})
    beside.add_trace(go.Scatter(x=["v. 0", "v. 1"], y=[1, 2], name="En lång stadsdel med långt namn"))
    beside.data[0].name = "Kort"
    below = _bars([1.0, 2.0], legend={"orientation": "h", "y": -0.15, "yanchor": "top"}, showlegend=True)
    below.data[0].name = "Andel"
    before = (above.layout.margin.t, beside.layout.margin.r, below.layout.margin.b)
    chart_style.fit_margins(above)
    chart_style.fit_margins(beside)
    chart_style.fit_margins(below)
    assert above.layout.margin.t >= before[0] + chart_style.CHART_FONT
    assert beside.layout.margin.r >= chart_style.text_width("En lång stadsdel med långt namn", chart_style.CHART_FONT - 2)
    assert below.layout.margin.b > before[2] + chart_style.CHART_FONT


def test_slanted_tick_labels_get_their_height() -> None:
    labels = [f"januari 202{i}" for i in range(10)]
    flat = go.Figure(go.Bar(x=labels, y=list(range(10))))
    slanted = go.Figure(go.Bar(x=labels, y=list(range(10))))
    slanted.update_xaxes(tickangle=-45)
    for fig in (flat, slanted):
        chart_style.style_figure(fig)
        chart_style.fit_margins(fig)
    assert slanted.layout.margin.b > flat.layout.margin.b + 40


def test_maps_are_left_as_they_are() -> None:
    fig = go.Figure(go.Scattermap(lat=[59.3], lon=[18.0]))
    chart_style.style_figure(fig)
    margin = fig.layout.margin.to_plotly_json()
    chart_style.fit_margins(fig)
    assert fig.layout.margin.to_plotly_json() == margin


def test_tick_labels_are_never_measured_to_be_hidden() -> None:
    layout = chart_style.styled_layout({"xaxis": {}, "yaxis": {}, "yaxis2": {}})
    assert {layout[k]["ticklabeloverflow"] for k in ("xaxis", "yaxis", "yaxis2")} == {"allow"}  # type: ignore[index]


def test_a_fitted_figure_is_not_written_again() -> None:
    fig = chart_style.fit_margins(_bars([48_000.0, 52_000.0], yaxis_title="Händelser"))
    fitted = fig.layout.margin
    chart_style.fit_margins(fig)
    assert fig.layout.margin is fitted  # the same object: nothing was assigned to a figure shared from the cache
