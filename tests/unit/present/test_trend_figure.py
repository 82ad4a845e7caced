"""Trender's weekly figure, written as one dict, is the very figure the page built before through
make_subplots and update_* calls: the same JSON, so the same chart in the browser."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from trygghet.core.periods import WEEKDAYS_SHORT_SV
from trygghet.present import chart_style, trend_figure

START, END = dt.date(2025, 1, 1), dt.date(2026, 11, 22)
COLORS = {"Norrby": "#E69F00", "Hamnen": "#56B4E9"}


def _reference(weekly: pd.DataFrame, by: str | None, shown: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    """The page's construction as it was, step by step through Plotly's API."""
    fig = make_subplots(
        rows=2 if not shown.empty else 1, cols=1, shared_xaxes=True, vertical_spacing=0.04,
        row_heights=[440, 26 * len(shown)] if not shown.empty else [1.0],
    )
    if by is None:
        fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["count"], name="Per vecka", mode="lines",
                                 line={"color": "#9DB7CF", "width": 2}), row=1, col=1)
        fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["rolling4"], name="Snitt 4 veckor", mode="lines",
                                 line={"color": "#0072B2", "width": 4}), row=1, col=1)
        fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["last_year"], name="Samma vecka i fjol",
                                 mode="lines", line={"color": "#8C8C8C", "width": 2, "dash": "dash"}), row=1, col=1)
    else:
        for name, group in weekly.groupby("series", sort=False):
            color = colors.get(name) if by == "district" else None
            fig.add_trace(go.Scatter(x=group["week"], y=group["rolling4"], name=name, mode="lines",
                                     line={"width": 3, "color": color}), row=1, col=1)
    fig.update_yaxes(title_text="Händelser per vecka" if by is None else "Snitt 4 veckor", rangemode="tozero",
                     row=1, col=1)
    if not shown.empty:
        for i, item in enumerate(shown.itertuples(index=False)):
            color = colors.get(item.district, "#666666")
            fig.add_trace(go.Scatter(
                x=[item.start_date, item.end_date], y=[i, i], mode="lines", showlegend=False,
                line={"color": color, "width": 10}, meta=[item.title, item.district],
                hovertemplate="%{meta[0]} (%{meta[1]}): %{x}<extra></extra>",
            ), row=2, col=1)
        fig.update_yaxes(tickvals=list(range(len(shown))),
                         ticktext=[t if len(t) <= 34 else t[:33] + "…" for t in shown["title"]],
                         autorange="reversed", row=2, col=1, title_text="Insatser")
    fig.update_xaxes(range=[pd.Timestamp(START), pd.Timestamp(END)])
    chart_style.swedish_month_axis(fig, START, END)
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return chart_style.style_figure(fig, height=480 + 26 * len(shown))


def _weekly(series: list[str]) -> pd.DataFrame:
    weeks = pd.date_range("2024-12-30", "2026-11-16", freq="7D")
    rng = np.random.default_rng(3)
    frames = []
    for name in series:
        count = rng.integers(0, 90, len(weeks)).astype(float)
        last_year = count[::-1].copy()
        last_year[:20] = np.nan  # a year before the data: a gap, not a zero
        frames.append(pd.DataFrame({"week": weeks, "series": name, "count": count,
                                    "rolling4": pd.Series(count).rolling(4, min_periods=4).mean(),
                                    "last_year": last_year}))
    return pd.concat(frames, ignore_index=True)


def _shown(n: int) -> pd.DataFrame:
    titles = ["Trygghetsvandring", "Kameraövervakning vid <b>torget</b> och busshållplatsen vid skolan", "Belysning"]
    return pd.DataFrame({
        "title": [titles[i % 3] for i in range(n)],
        "district": [["Norrby", "Hamnen", "Okänd"][i % 3] for i in range(n)],
        "start_date": [dt.date(2025, 3, 1) + dt.timedelta(days=40 * i) for i in range(n)],
        "end_date": [dt.date(2025, 6, 1) + dt.timedelta(days=45 * i) for i in range(n)],
    })


@pytest.mark.parametrize(("by", "series"), [(None, ["Totalt"]), ("category", ["Klotter", "Stöld", "Övriga"]),
                                            ("district", ["Norrby", "Hamnen", "Västra"])])
@pytest.mark.parametrize("interventions", [0, 1, 5, 12])
def test_the_weekly_figure_is_the_same_json_as_through_make_subplots(
        by: str | None, series: list[str], interventions: int) -> None:
    weekly, shown = _weekly(series), _shown(interventions)
    built = trend_figure.weekly_trend_figure(weekly, by, shown, COLORS, START, END)
    expected = _reference(weekly, by, shown, COLORS)
    assert json.loads(built.to_json()) == json.loads(expected.to_json())


@pytest.mark.parametrize(("top", "bottom", "spacing"), [(440, 26, 0.04), (440, 312, 0.04), (380, 78, 0.05)])
def test_stacked_axes_are_make_subplots_domains(top: int, bottom: int, spacing: float) -> None:
    layout = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=spacing,
                           row_heights=[top, bottom]).layout.to_plotly_json()
    layout.pop("template")
    assert trend_figure.stacked_axes(top, bottom, spacing) == layout


def test_the_hour_map_is_the_same_json_as_through_update_calls() -> None:
    grid = np.random.default_rng(5).integers(0, 400, (7, 24)).astype(float)
    expected = go.Figure(go.Heatmap(
        z=grid, x=[f"{h:02d}" for h in range(24)], y=WEEKDAYS_SHORT_SV, colorscale="Blues",
        hovertemplate="%{y} kl. %{x}: %{z} händelser<extra></extra>", colorbar={"title": {"text": "Antal"}},
    ))
    expected.update_yaxes(autorange="reversed")
    expected.update_xaxes(title_text="Timme")
    chart_style.style_figure(expected, height=420)
    assert json.loads(trend_figure.hour_figure(grid).to_json()) == json.loads(expected.to_json())
