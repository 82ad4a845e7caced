"""The year's rhythm as a figure: the usual week of the year against this year, the usual peaks
shaded, and the year's interventions as bars on the same weeks. Plotly only, no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from trygghet.analysis import seasonality
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.present import chart_style

USUAL_COLOUR, THIS_YEAR_COLOUR, PEAK_FILL, PLAN_COLOUR = "#595959", "#0072B2", "rgba(230,159,0,0.18)", "#009E73"


def _peak_runs(profile: pd.DataFrame) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for week in profile.loc[profile["peak"], "week"]:
        if runs and week == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], int(week))
        else:
            runs.append((int(week), int(week)))
    return runs


def year_figure(profile: pd.DataFrame, plans: pd.DataFrame, year: int) -> go.Figure:
    rows = 2 if not plans.empty else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        row_heights=[380, 26 * len(plans)] if rows == 2 else [1.0])
    # The shaded peaks and the interventions are set in one go each: add_vrect and a trace per
    # intervention cost a millisecond or two apiece, on every district click.
    fig.layout.shapes = [{"type": "rect", "xref": "x", "yref": "y domain", "x0": first - 0.5, "x1": last + 0.5,
                          "y0": 0, "y1": 1, "fillcolor": PEAK_FILL, "line": {"width": 0}}
                         for first, last in _peak_runs(profile)]
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


def year_chart(counts: pd.DataFrame, category: str | None, year: int, plans: pd.DataFrame,
               what: str) -> tuple[go.Figure, str]:
    """year_figure and year_summary from weekly_counts' result, for one category (None: all)."""
    profile = seasonality.year_profile(counts, category, year)
    return year_figure(profile, plans, year), year_summary(profile, plans, year, what)


def year_summary(profile: pd.DataFrame, plans: pd.DataFrame, year: int, what: str) -> str:
    """The figure in words, for its text alternative."""
    peaks = seasonality.week_ranges(profile.loc[profile["peak"], "week"].astype(int).tolist())
    known = profile.dropna(subset=["this_year"])
    text = f"{what}: brukar toppa {peaks}." if peaks != "–" else f"{what}: ingen vecka brukar sticka ut."
    if known.empty:
        text += f" Inga veckor {year} i datan ännu."
    else:
        both = known.dropna(subset=["usual"])
        text += f" {year} hittills {fmt_int(known['this_year'].sum())} händelser på {fmt_int(len(known))} veckor"
        if not both.empty:
            text += f", mot {fmt_dec(both['usual'].sum(), 0)} samma veckor ett vanligt år"
        text += "."
    if not plans.empty:
        text += " Insatser: " + "; ".join(f"{p.title} v. {p.first_week}–{p.last_week}"
                                          for p in plans.itertuples(index=False)) + "."
    return text
