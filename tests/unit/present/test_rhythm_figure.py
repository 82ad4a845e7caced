"""The årshjul's figure, written as one dict, is the very figure built before through make_subplots
and update_* calls: the same JSON, so the same chart in the browser."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from trygghet.analysis import seasonality
from trygghet.present import chart_style, rhythm_figure
from trygghet.present.rhythm_figure import PEAK_FILL, PLAN_COLOUR, THIS_YEAR_COLOUR, USUAL_COLOUR


def _reference(profile: pd.DataFrame, plans: pd.DataFrame, year: int) -> go.Figure:
    """The figure as it was built, step by step through Plotly's API."""
    rows = 2 if not plans.empty else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        row_heights=[380, 26 * len(plans)] if rows == 2 else [1.0])
    fig.layout.shapes = [{"type": "rect", "xref": "x", "yref": "y domain", "x0": first - 0.5, "x1": last + 0.5,
                          "y0": 0, "y1": 1, "fillcolor": PEAK_FILL, "line": {"width": 0}}
                         for first, last in rhythm_figure._peak_runs(profile)]
    fig.add_trace(go.Scatter(x=profile["week"], y=profile["usual"], name="Snitt tidigare hela år", mode="lines",
                             line={"color": USUAL_COLOUR, "width": 3, "dash": "dash"},
                             hovertemplate="v. %{x}: %{y:.1f} i snitt<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=profile["week"], y=profile["this_year"], name=str(year), mode="lines+markers",
                             line={"color": THIS_YEAR_COLOUR, "width": 3}, marker={"size": 6},
                             hovertemplate="v. %{x}: %{y} händelser<extra></extra>"), row=1, col=1)
    fig.update_yaxes(title_text="Händelser per vecka", rangemode="tozero", row=1, col=1)
    if rows == 2:
        xs: list[float | None] = []
        ys: list[int | None] = []
        names: list[list[object]] = []
        for i, plan in enumerate(plans.itertuples(index=False)):
            xs += [plan.first_week - 0.4, plan.last_week + 0.4, None]
            ys += [i, i, None]
            names += [[plan.title, plan.status]] * 2 + [[None, None]]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines", showlegend=False, line={"color": PLAN_COLOUR, "width": 10}, customdata=names,
            hovertemplate="%{customdata[0]} (%{customdata[1]})<extra></extra>",
        ), row=2, col=1)
        fig.update_yaxes(tickvals=list(range(len(plans))), autorange="reversed", row=2, col=1, title_text="Insatser",
                         ticktext=[t if len(t) <= 34 else t[:33] + "…" for t in plans["title"]])
    fig.update_xaxes(range=[0.5, seasonality.WEEKS + 0.5], dtick=4, title_text=None)
    fig.update_xaxes(title_text="Vecka", row=rows, col=1)
    fig.update_layout(legend={"orientation": "h", "y": 1.08, "x": 0})
    return chart_style.style_figure(fig, height=440 + 26 * len(plans))


def _profile(peaks: list[int], known_weeks: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    this_year = rng.integers(10, 60, seasonality.WEEKS).astype(float)
    this_year[known_weeks:] = np.nan
    return pd.DataFrame({"week": range(1, seasonality.WEEKS + 1), "usual": rng.uniform(10, 60, seasonality.WEEKS),
                         "this_year": this_year, "peak": [w in peaks for w in range(1, seasonality.WEEKS + 1)]})


def _plans(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "title": [["Sommarpatrull", "Belysning längs gång- och cykelvägen vid <i>skolan</i> och parken"][i % 2]
                  for i in range(n)],
        "district": ["Norrby"] * n, "status": ["Pågår", "Planerad"] * (n // 2) + ["Pågår"] * (n % 2),
        "first_week": [3 + 4 * i for i in range(n)], "last_week": [9 + 4 * i for i in range(n)],
    })


@pytest.mark.parametrize("peaks", [[], [24, 25, 26, 30], [1, 2, 52]])
@pytest.mark.parametrize("plans", [0, 1, 4])
@pytest.mark.parametrize("known_weeks", [0, 47])
def test_the_year_figure_is_the_same_json_as_through_make_subplots(peaks: list[int], plans: int,
                                                                    known_weeks: int) -> None:
    profile, frame = _profile(peaks, known_weeks), _plans(plans)
    built = rhythm_figure.year_figure(profile, frame, 2026)
    assert json.loads(built.to_json()) == json.loads(_reference(profile, frame, 2026).to_json())
